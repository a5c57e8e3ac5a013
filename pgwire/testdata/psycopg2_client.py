# Drives Weir's PostgreSQL front door with psycopg2 (Debian's python3-psycopg2), as an
# application would: connect, read in the transactions psycopg2 opens before a first
# statement, commit, roll back, and fail with SQLSTATEs. Prints one JSON object.
import json
import os
import sys

import psycopg2
import psycopg2.errorcodes

dsn = os.environ["WEIR_DSN"]
out = {}
conn = psycopg2.connect(dsn)
out["server_version"] = conn.server_version
out["encoding"] = conn.encoding
cur = conn.cursor()
cur.execute("SELECT id, title, price, published, flag FROM article WHERE id = %s", (1,))
row = cur.fetchone()
out["row"] = [row[0], row[1], str(row[2]), row[3].isoformat(), row[4]]
out["columns"] = [d.name for d in cur.description]
out["status_in_tx"] = conn.get_transaction_status()  # 2: INTRANS
cur.execute("SELECT title FROM article WHERE author = %s AND title LIKE %s", (2, "pl%"))
out["like"] = cur.fetchall()
conn.commit()
out["status_after_commit"] = conn.get_transaction_status()  # 0: IDLE
try:
    cur.execute("INSERT INTO article (id, author) VALUES (100, 9)")
except psycopg2.Error as e:
    out["error_write"] = e.pgcode
conn.rollback()
try:
    cur.execute("SELECT nosuch FROM article")
except psycopg2.Error as e:
    out["error"] = e.pgcode
    conn.rollback()
try:
    cur.execute("SELECT * FROM nosuch_table")
except psycopg2.Error as e:
    out["error_table"] = e.pgcode
    conn.rollback()
conn.autocommit = True
cur.execute("SHOW DateStyle")
out["datestyle"] = cur.fetchone()[0]
cur.execute("SELECT COUNT(*) FROM article")
out["count"] = cur.fetchone()[0]
conn.close()
json.dump(out, sys.stdout, sort_keys=True)
