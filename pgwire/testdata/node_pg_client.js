// Drives Weir's PostgreSQL front door with node-postgres (pg from npm): connect, a text
// query, a parameterized query (extended protocol), a write in a transaction, and errors
// with their SQLSTATEs. Prints one JSON object.
const { Client } = require('pg');

async function main() {
  const client = new Client({ connectionString: process.env.WEIR_DSN });
  await client.connect();
  const out = {};
  let r = await client.query('SELECT id, title, price, flag FROM article ORDER BY id');
  out.rows = r.rows;
  out.fields = r.fields.map((f) => [f.name, f.dataTypeID]);
  out.rowCount = r.rowCount;
  r = await client.query({ text: 'SELECT title FROM article WHERE id = ?', values: [3] });
  out.param = r.rows;
  r = await client.query({ text: 'SELECT title FROM article WHERE id = ?', values: [1], rowMode: 'array', name: 'by_id' });
  out.named = r.rows;
  await client.query('BEGIN');
  r = await client.query({ text: 'INSERT INTO article (id, author, title) VALUES (?, ?, ?)', values: [200, 9, 'node'] });
  out.inserted = [r.command, r.rowCount];
  await client.query('COMMIT');
  r = await client.query('SELECT title FROM article WHERE id = 200');
  out.afterCommit = r.rows;
  for (const [name, sql] of [['column', 'SELECT nosuch FROM article'], ['syntax', 'SELEC 1']]) {
    try {
      await client.query(sql);
      out[name] = 'no error';
    } catch (e) {
      out[name] = e.code;
    }
  }
  await client.end();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
