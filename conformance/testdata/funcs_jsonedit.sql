# MySQL 8's functions that build a new document from an old one: JSON_SET, JSON_INSERT,
# JSON_REPLACE, JSON_REMOVE, JSON_ARRAY_APPEND, JSON_ARRAY_INSERT, JSON_MERGE_PATCH,
# JSON_MERGE_PRESERVE, over a JSON column and a text column holding JSON, in the select list
# and in WHERE, keyed by parameters, before and after writes. Weir writes the results in MySQL
# 8's normalized form (keys shorter first, `{"a": 1}`) where MariaDB keeps the order and
# spacing as written, so the results are compared through what both print alike: scalars
# picked out with JSON_EXTRACT, JSON_UNQUOTE, JSON_LENGTH, JSON_CONTAINS, JSON_CONTAINS_PATH.
# Documents are written with their keys in MySQL's order, so that a document an UPDATE
# rewrites reads back the same on both.

-- setup
CREATE TABLE docs (
  id INT PRIMARY KEY,
  grp VARCHAR(10) NOT NULL,
  doc JSON,
  txt TEXT,
  tag VARCHAR(20)
);
INSERT INTO docs VALUES
  (1, 'a', '{"a": 1, "b": [1, 2]}', '{"n": 1}', 'red'),
  (2, 'a', '{"a": "x", "c": {"d": true}}', '[1, 2, 3]', 'blue'),
  (3, 'b', '[1, [2, 3], {"e": null}]', '"s"', 'green'),
  (4, 'b', NULL, NULL, NULL),
  (5, 'c', '"scalar"', '{"n": [10]}', 'red'),
  (6, 'c', '{"b": [], "id": 6}', '{}', 'x y');

-- query set_insert_replace
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(JSON_SET(doc, '$.x', 5), '$.x') AS s, JSON_LENGTH(JSON_SET(doc, '$.a', 9, '$.x', 5)) AS sl, JSON_EXTRACT(JSON_SET(doc, '$.a', 9), '$.a') AS sa, JSON_EXTRACT(JSON_INSERT(doc, '$.a', 9, '$.y', 'new'), '$.a') AS ia, JSON_UNQUOTE(JSON_EXTRACT(JSON_INSERT(doc, '$.a', 9, '$.y', 'new'), '$.y')) AS iy, JSON_EXTRACT(JSON_REPLACE(doc, '$.a', 'r', '$.zz', 1), '$.a') AS ra, JSON_CONTAINS_PATH(JSON_REPLACE(doc, '$.zz', 1), 'one', '$.zz') AS rz FROM docs WHERE grp = ?;

-- query nested_paths
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(JSON_SET(doc, '$.c.d', 0), '$.c.d') AS cd, JSON_CONTAINS_PATH(JSON_SET(doc, '$.q.r', 1), 'one', '$.q') AS noparent, JSON_EXTRACT(JSON_SET(doc, '$[1][0]', 'z'), '$[1][0]') AS arr, JSON_LENGTH(JSON_SET(doc, '$[1][7]', 4), '$[1]') AS pastend, JSON_LENGTH(JSON_SET(doc, '$.b[5]', 0), '$.b') AS bpast, JSON_EXTRACT(JSON_SET(doc, '$.b[0]', 'first'), '$.b[0]') AS b0 FROM docs WHERE grp = ?;

-- query arrays
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_LENGTH(JSON_ARRAY_APPEND(doc, '$.b', 7), '$.b') AS al, JSON_EXTRACT(JSON_ARRAY_APPEND(doc, '$.b', 7), '$.b[2]') AS a2, JSON_EXTRACT(JSON_ARRAY_APPEND(doc, '$.a', 8), '$.a[1]') AS wrapped, JSON_LENGTH(JSON_ARRAY_APPEND(doc, '$', 1)) AS root, JSON_EXTRACT(JSON_ARRAY_INSERT(doc, '$.b[0]', 'first'), '$.b[0]') AS i0, JSON_EXTRACT(JSON_ARRAY_INSERT(doc, '$[1][1]', 'mid'), '$[1][1]') AS i1, JSON_LENGTH(JSON_ARRAY_INSERT(doc, '$[9]', 0)) AS i9 FROM docs WHERE grp = ?;

-- query removes
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_LENGTH(JSON_REMOVE(doc, '$.a')) AS ra, JSON_CONTAINS(JSON_REMOVE(doc, '$.b[0]'), '{"b": [2]}') AS rb, JSON_LENGTH(JSON_REMOVE(doc, '$.b[0]'), '$.b') AS rb1, JSON_LENGTH(JSON_REMOVE(doc, '$[0]', '$[0]')) AS twice, JSON_EXTRACT(JSON_REMOVE(doc, '$[0]', '$[0]'), '$[0].e') AS e, JSON_LENGTH(JSON_REMOVE(doc, '$.nope', '$.c.d')) AS missing FROM docs WHERE grp = ?;

-- query merges
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_LENGTH(JSON_MERGE_PATCH(doc, '{"a": null, "m": 1}')) AS pl, JSON_EXTRACT(JSON_MERGE_PATCH(doc, '{"c": {"f": 2}}'), '$.c.f') AS pf, JSON_CONTAINS(JSON_MERGE_PATCH(doc, '{"c": {"f": 2}}'), '{"c": {"d": true}}') AS pkeep, JSON_EXTRACT(JSON_MERGE_PATCH(doc, '[9]'), '$[0]') AS pnot, JSON_LENGTH(JSON_MERGE_PRESERVE(doc, '{"a": 2}')) AS ml, JSON_EXTRACT(JSON_MERGE_PRESERVE(doc, '{"a": 2}'), '$.a[1]') AS ma, JSON_LENGTH(JSON_MERGE_PRESERVE(doc, '[7, 8]')) AS marr, JSON_LENGTH(JSON_MERGE(doc, doc)) AS self FROM docs WHERE grp = ?;

-- query values
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_UNQUOTE(JSON_EXTRACT(JSON_SET(doc, '$.t', tag), '$.t')) AS t, JSON_EXTRACT(JSON_SET('{}', '$.d', doc), '$.d.a') AS embedded, JSON_UNQUOTE(JSON_EXTRACT(JSON_SET('{}', '$.s', txt), '$.s')) AS astext, JSON_EXTRACT(JSON_SET('{}', '$.b', id > 2, '$.n', id), '$.b') AS cmp, JSON_EXTRACT(JSON_ARRAY_APPEND('[]', '$', TRUE, '$', 1 = 1, '$', FALSE, '$', 1), '$') AS bools, JSON_EXTRACT(JSON_SET('{}', '$.n', id + 0.5), '$.n') AS num, JSON_TYPE(JSON_EXTRACT(JSON_SET('{}', '$.z', NULL), '$.z')) AS jnull FROM docs WHERE grp = ?;

-- query text_column
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(JSON_SET(txt, '$.n', 2), '$.n') AS n, JSON_LENGTH(JSON_ARRAY_APPEND(txt, '$', tag)) AS app, JSON_EXTRACT(JSON_MERGE_PATCH(txt, '{"k": 1}'), '$.k') AS k FROM docs WHERE grp = ?;

# A JSON true is 'true' in MySQL 8's JSON_VALUE and '1' in MariaDB's: in expr's tables.
-- query json_value
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_VALUE(doc, '$.a') AS a, JSON_VALUE(doc, '$.c') AS obj, JSON_VALUE(doc, '$.b') AS arr, JSON_VALUE(doc, '$[1][0]') AS nested, JSON_VALUE(doc, '$.zz') AS missing, JSON_VALUE(JSON_SET(doc, '$.a', 'set'), '$.a') AS afterset, JSON_VALUE(txt, '$.n') AS n FROM docs WHERE grp = ?;

# MariaDB 10.11 has no RETURNING clause: it runs the CAST that gives the same values where
# the conversion succeeds (where it fails MySQL 8's JSON_VALUE is NULL, CAST is lenient).
-- query json_value_returning
-- args: 1
-- args: 6
SELECT JSON_VALUE(doc, '$.id' RETURNING SIGNED) AS i, JSON_VALUE(doc, '$.id' RETURNING DECIMAL(6,2)) AS d, JSON_VALUE(txt, '$.n' RETURNING UNSIGNED) AS n, JSON_VALUE(doc, '$.a' RETURNING CHAR(10)) AS a, JSON_VALUE(doc, '$.zz' DEFAULT 'none' ON EMPTY) AS e, JSON_VALUE(doc, '$.missing' RETURNING SIGNED DEFAULT 7 ON EMPTY NULL ON ERROR) AS e7 FROM docs WHERE id = ?;
-- mariadb
SELECT CAST(JSON_VALUE(doc, '$.id') AS SIGNED) AS i, CAST(JSON_VALUE(doc, '$.id') AS DECIMAL(6,2)) AS d, CAST(JSON_VALUE(txt, '$.n') AS UNSIGNED) AS n, CAST(JSON_VALUE(doc, '$.a') AS CHAR(10)) AS a, COALESCE(JSON_VALUE(doc, '$.zz'), 'none') AS e, COALESCE(CAST(JSON_VALUE(doc, '$.missing') AS SIGNED), 7) AS e7 FROM docs WHERE id = ?;

-- query in_where
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id FROM docs WHERE grp = ? AND JSON_EXTRACT(JSON_SET(doc, '$.a', 3), '$.a') = 3 AND JSON_LENGTH(JSON_ARRAY_APPEND(doc, '$.b', 0), '$.b') > 1;

-- query in_where_merge
SELECT id, grp FROM docs WHERE JSON_LENGTH(JSON_MERGE_PATCH(doc, '{"a": null}')) = 1;

-- query keyed_by_id
-- args: 1
-- args: 2
-- args: 6
SELECT JSON_EXTRACT(doc, '$.a') AS a, JSON_EXTRACT(doc, '$.k') AS k, JSON_LENGTH(doc) AS n FROM docs WHERE id = ?;

-- writes
UPDATE docs SET doc = JSON_SET(doc, '$.k', 'v') WHERE id = 1;
UPDATE docs SET doc = JSON_REMOVE(doc, '$.a') WHERE id = 2;
UPDATE docs SET doc = JSON_ARRAY_APPEND(doc, '$.b', 1) WHERE id = 6;
INSERT INTO docs VALUES (7, 'a', JSON_SET('{"a": 0}', '$.b', 1), JSON_ARRAY(1, 2), 'new');

-- writes
UPDATE docs SET doc = JSON_SET(doc, '$.a', 2) WHERE grp = 'a' AND id <> 2;
UPDATE docs SET txt = JSON_MERGE_PATCH(txt, '{"n": null}') WHERE id = 5;
DELETE FROM docs WHERE id = 3;
