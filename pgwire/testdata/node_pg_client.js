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
  r = await client.query({ text: 'SELECT title FROM article WHERE id = $1', values: [3] });
  out.param = r.rows;
  r = await client.query({ text: 'SELECT title FROM article WHERE id = $1', values: [1], rowMode: 'array', name: 'by_id' });
  out.named = r.rows;
  await client.query('BEGIN');
  r = await client.query({ text: 'SELECT count(*) AS n FROM article WHERE author = $1', values: [1] });
  out.inTransaction = r.rows;
  await client.query('COMMIT');
  for (const [name, sql] of [['write', "INSERT INTO article (id, author) VALUES (200, 9)"]]) {
    try {
      await client.query(sql);
      out[name] = 'no error';
    } catch (e) {
      out[name] = e.code;
    }
  }
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
