# Drives Weir's PostgreSQL listener in proxy mode with psycopg2: a cached read answered by
# Weir (SHOW CACHES counts it), a proxied read, a write read back at once, a transaction
# and an error with its SQLSTATE. Prints one JSON object.
import json
import os

import psycopg2

conn = psycopg2.connect(os.environ["WEIR_DSN"])
conn.autocommit = True
cur = conn.cursor()
out = {}


def served(name):
    cur.execute("SHOW CACHES")
    return {row[0]: row[2] for row in cur.fetchall()}[name]


cur.execute("CREATE CACHE py_product FROM SELECT name, stock FROM products WHERE id = 1")
before = served("py_product")
cur.execute("SELECT name, stock FROM products WHERE id = %s", (11,))
out["cached"] = cur.fetchall()
out["cachedServed"] = served("py_product") - before
cur.execute("SELECT count(*) FROM products WHERE id > %s", (90,))
out["proxied"] = cur.fetchall()
out["proxiedServed"] = served("py_product") - before
cur.execute("UPDATE products SET stock = %s WHERE id = %s", (311, 11))
out["updated"] = cur.rowcount
cur.execute("SELECT name, stock FROM products WHERE id = %s", (11,))
out["afterWrite"] = cur.fetchall()
conn.autocommit = False
cur.execute("UPDATE products SET stock = 0 WHERE id = 12")
cur.execute("SELECT stock FROM products WHERE id = 12")
out["inTransaction"] = cur.fetchall()
conn.rollback()
conn.autocommit = True
cur.execute("SELECT name, stock FROM products WHERE id = %s", (12,))
out["afterRollback"] = cur.fetchall()
for name, sql in [("duplicate", "INSERT INTO products VALUES (1, 'x', 1, 1)"), ("syntax", "SELEC 1")]:
    try:
        cur.execute(sql)
        out[name] = "no error"
    except psycopg2.Error as e:
        out[name] = e.pgcode
out["servedTotal"] = served("py_product") - before
conn.close()
print(json.dumps(out))
