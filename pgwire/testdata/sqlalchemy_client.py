# Drives Weir's PostgreSQL front door with SQLAlchemy 1.4 on psycopg2 (Debian's
# python3-sqlalchemy and python3-psycopg2): the queries the dialect sends at connect
# (psycopg2's hstore lookup in pg_type, version(), current_schema(), SHOW), a textual query
# with a bound parameter, a Core select, and an error. Prints one JSON object.
import json
import os
import sys

import sqlalchemy as sa

engine = sa.create_engine(os.environ["WEIR_URL"])
out = {}
md = sa.MetaData()
article = sa.Table("article", md, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("author", sa.Integer), sa.Column("title", sa.String))
with engine.connect() as c:
    out["server_version"] = list(engine.dialect.server_version_info)
    out["text"] = [list(r) for r in c.execute(sa.text("SELECT id, title FROM article WHERE id = :id"), {"id": 1})]
    q = sa.select(article.c.id, article.c.title).where(article.c.author == 1).order_by(article.c.id.desc())
    out["core"] = [list(r) for r in c.execute(q)]
    try:
        c.execute(sa.text("SELECT nosuch FROM article"))
    except sa.exc.DBAPIError as e:
        out["error"] = e.orig.pgcode
json.dump(out, sys.stdout, sort_keys=True)
