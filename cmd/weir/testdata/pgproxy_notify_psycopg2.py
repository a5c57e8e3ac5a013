# Listens through Weir's PostgreSQL proxy with psycopg2 and waits for notifications the way
# psycopg2's documentation shows: select() on the connection until it is readable, then
# poll() and conn.notifies, without sending a statement. Prints one JSON object.
import json
import os
import select

import psycopg2

listener = psycopg2.connect(os.environ["WEIR_DSN"])
listener.autocommit = True
cur = listener.cursor()
cur.execute("LISTEN stock_changed")


def wait_for_notifies(n):
    got = []
    while len(got) < n:
        if select.select([listener], [], [], 10) == ([], [], []):
            raise SystemExit("no notification within 10 seconds: %r" % got)
        listener.poll()
        while listener.notifies:
            note = listener.notifies.pop(0)
            got.append([note.channel, note.payload])
    return got


out = {}
for name, dsn, payload in [("viaWeir", os.environ["WEIR_DSN"], "from weir"), ("direct", os.environ["PG_DSN"], "from postgres")]:
    sender = psycopg2.connect(dsn)
    sender.autocommit = True
    sender.cursor().execute("NOTIFY stock_changed, %s", (payload,))
    sender.close()
    out[name] = wait_for_notifies(1)
cur.execute("SELECT name, stock FROM products WHERE id = %s", (5,))
out["afterNotify"] = cur.fetchall()
listener.close()
print(json.dumps(out))
