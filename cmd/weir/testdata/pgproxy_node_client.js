// Drives Weir's PostgreSQL listener in proxy mode with node-postgres (pg from npm): a
// cached read answered by Weir (SHOW CACHES counts it), a proxied read, a write read back
// at once, a transaction and an error with its SQLSTATE. Prints one JSON object.
const { Client } = require('pg');

async function main() {
  const client = new Client({ connectionString: process.env.WEIR_DSN });
  await client.connect();
  const out = {};
  const served = async (name) => {
    const r = await client.query('SHOW CACHES');
    return Number(r.rows.find((row) => row.name === name).served);
  };
  await client.query('CREATE CACHE node_product FROM SELECT name, stock FROM products WHERE id = $1');
  const before = await served('node_product');
  let r = await client.query({ text: 'SELECT name, stock FROM products WHERE id = $1', values: [21] });
  out.cached = r.rows;
  out.cachedServed = (await served('node_product')) - before;
  r = await client.query({ text: 'SELECT count(*)::int AS n FROM products WHERE id > $1', values: [90] });
  out.proxied = r.rows;
  out.proxiedServed = (await served('node_product')) - before;
  r = await client.query({ text: 'UPDATE products SET stock = $1 WHERE id = $2', values: [321, 21] });
  out.updated = r.rowCount;
  r = await client.query({ text: 'SELECT name, stock FROM products WHERE id = $1', values: [21] });
  out.afterWrite = r.rows;
  await client.query('BEGIN');
  await client.query('UPDATE products SET stock = 0 WHERE id = 22');
  r = await client.query({ text: 'SELECT name, stock FROM products WHERE id = $1', values: [22] });
  out.inTransaction = r.rows;
  await client.query('ROLLBACK');
  r = await client.query({ text: 'SELECT name, stock FROM products WHERE id = $1', values: [22] });
  out.afterRollback = r.rows;
  for (const [name, sql] of [['duplicate', "INSERT INTO products VALUES (1, 'x', 1, 1)"], ['syntax', 'SELEC 1']]) {
    try {
      await client.query(sql);
      out[name] = 'no error';
    } catch (e) {
      out[name] = e.code;
    }
  }
  out.servedTotal = (await served('node_product')) - before;
  await client.end();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
