// Drives a Weir server with mysql2, Node's MySQL driver, over both of its protocols:
// connection.execute prepares statements and reads rows in the binary protocol;
// connection.query sends text (with client-side escaping) and reads text rows. It prints
// one JSON object of what the driver returned; the Go test compares it with what MySQL
// would return.
'use strict';

const mysql = require('mysql2/promise');

// fields keeps what a driver exposes about each result column: its name and wire type.
function fields(fs) {
  return fs.map((f) => ({ name: f.name, type: f.columnType }));
}

// plain turns rows into JSON values that keep their JavaScript type: a Date becomes its ISO
// text tagged as a date, so a DATETIME read back as a string is told apart.
function plain(rows) {
  return rows.map((r) => {
    const out = {};
    for (const [k, v] of Object.entries(r)) {
      out[k] = v instanceof Date ? { date: v.toISOString() } : v;
    }
    return out;
  });
}

function ok(res) {
  return { affectedRows: res.affectedRows, insertId: res.insertId };
}

// failure keeps an error's number, SQLSTATE and name, which programs test, in out; its
// message, which they show, goes to messages.
function failure(out, messages, name, err) {
  if (err.errno === undefined) {
    throw err; // not an error from the server
  }
  out[name] = { errno: err.errno, sqlState: err.sqlState, code: err.code };
  messages[name] = err.sqlMessage;
}

async function main() {
  const conn = await mysql.createConnection({
    host: process.env.MYSQL_HOST,
    port: Number(process.env.MYSQL_PORT),
    user: process.env.MYSQL_USER,
    database: 'weir',
    // DATETIMEs are read and written as UTC, so the output does not depend on the machine's
    // time zone.
    timezone: 'Z',
  });
  const out = {};
  const messages = {};
  try {
    await conn.query(
      'CREATE TABLE item (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, ' +
        'price DECIMAL(10,2), created DATETIME, note TEXT)');

    // Prepared INSERTs: a string, a decimal as text, a Date and a NULL as binary parameters.
    let [res] = await conn.execute(
      'INSERT INTO item (name, price, created, note) VALUES (?, ?, ?, ?)',
      ['café ☕', '12.50', new Date(Date.UTC(2026, 10, 1, 10, 0, 0)), null]);
    out.executeInsert = ok(res);
    [res] = await conn.execute(
      'INSERT INTO item (name, price, created, note) VALUES (?, ?, ?, ?)',
      ['日本語', null, null, 'emoji 😀']);
    out.executeInsert2 = ok(res);

    // A text INSERT of two rows: the insert id is the first row's.
    [res] = await conn.query(
      'INSERT INTO item (name, price, created, note) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
      ['Ünïcödé', '0.05', '2026-11-02 09:30:15', "it's", 'plain', '-3.10', null, '']);
    out.queryInsert = ok(res);

    // Reads back in both protocols.
    let [rows, fs] = await conn.execute(
      'SELECT id, name, price, created, note FROM item WHERE id = ?', [1]);
    out.executeSelect = { fields: fields(fs), rows: plain(rows) };
    [rows] = await conn.execute(
      'SELECT id, name, price, created, note FROM item WHERE id = ?', [2]);
    out.executeSelect2 = plain(rows);
    [rows, fs] = await conn.query(
      'SELECT id, name, price, created, note FROM item WHERE id = 3');
    out.querySelect = { fields: fields(fs), rows: plain(rows) };
    [rows] = await conn.query(
      'SELECT id, name, price, created, note FROM item WHERE id = ?', [4]);
    out.querySelect2 = plain(rows);
    [rows] = await conn.execute(
      'SELECT id, name FROM item WHERE name = ?', ['日本語']);
    out.executeByUnicode = plain(rows);

    // Writes are visible to the next read.
    [res] = await conn.execute('UPDATE item SET price = ? WHERE id = ?', ['99.99', 2]);
    out.executeUpdate = ok(res);
    [res] = await conn.query('DELETE FROM item WHERE id = 4');
    out.queryDelete = ok(res);
    [rows] = await conn.query('SELECT id, price FROM item WHERE id = 2');
    out.afterUpdate = plain(rows);
    [rows] = await conn.execute('SELECT COUNT(*) AS n FROM item WHERE id = ?', [4]);
    out.afterDelete = plain(rows);

    // mysql2 connects with CLIENT_FOUND_ROWS (one of its default flags), under which MySQL
    // counts the rows an UPDATE matched as affected, changed or not: this one sets the price
    // it already has.
    [res] = await conn.execute('UPDATE item SET price = ? WHERE id = ?', ['99.99', 2]);
    out.executeUpdateUnchanged = ok(res);
    [res] = await conn.query("UPDATE item SET price = '99.99' WHERE id = 2");
    out.queryUpdateUnchanged = ok(res);

    // Errors: an unknown table, from a text query and from a prepare; a duplicate key, from a
    // text INSERT and from the execution of a prepared one.
    for (const [name, run] of [
      ['queryError', () => conn.query('SELECT * FROM nosuch WHERE id = 1')],
      ['executeError', () => conn.execute('SELECT * FROM nosuch WHERE id = ?', [1])],
      ['queryDuplicate', () => conn.query("INSERT INTO item (id, name) VALUES (1, 'again')")],
      ['executeDuplicate', () => conn.execute('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'again'])],
    ]) {
      try {
        await run();
        out[name] = 'no error';
      } catch (err) {
        failure(out, messages, name, err);
      }
    }
    // The connection survives them.
    [rows] = await conn.query('SELECT 1 AS one');
    out.afterError = plain(rows);
  } finally {
    await conn.end();
  }
  out.messages = messages;
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
