# MySQL 8's JSON paths in full: wildcards (`.*`, `[*]`), `**`, array ranges (`[1 to 3]`) and
# `last` (`[last]`, `[last-1]`, `[0 to last]`) in JSON_EXTRACT, `->`, `->>`,
# JSON_CONTAINS_PATH and the editing functions, and JSON_SEARCH with its LIKE pattern, escape
# character and paths; over JSON columns cached and keyed by parameters, with paths and
# patterns from rows, in the select list, in WHERE and in GROUP BY, before and after writes.
# Where MariaDB 10.11 answers otherwise than MySQL 8, which Weir follows, the case is in
# expr's tables (jsonPathCases) and kept out of here: MariaDB lists an object's members as
# written (MySQL in storage order, so documents are written with their keys in that order:
# shorter first), walks `**` into a value before the value's own members, orders the
# matches of several paths by document rather than by path, keeps the first of duplicate
# names, matches JSON_SEARCH's pattern under the document's collation (case-insensitively
# for text, case-sensitively for a JSON column, where MySQL 8 follows a pattern column's
# collation) and against numbers and literals too, prints names that are no identifiers unquoted, takes no `[last]` of a value that is
# no array and inserts at `[last]` after the last element. MariaDB also resolves `last` once
# per statement, against the first row's array, so the queries with `last` read one row per
# lookup; and as its JSON_SEARCH matches numbers, patterns that could match one (`%`) are
# given paths that reach strings only.

-- setup
CREATE TABLE docs (
  id INT PRIMARY KEY,
  grp VARCHAR(10) NOT NULL,
  doc JSON,
  tags JSON,
  p VARCHAR(40),
  pat VARCHAR(20)
);
INSERT INTO docs VALUES
  (1, 'a', '{"a": 1, "b": [1, 2, 3], "c": {"d": "x", "e": [{"k": "v1"}, {"k": "v2"}]}}', '[{"id": 1, "name": "red"}, {"id": 2, "name": "blue"}]', '$.b[last]', 'v%'),
  (2, 'a', '{"id": 7, "name": "xy", "items": [{"qty": 2, "sku": "a1"}, {"qty": 5, "sku": "b2"}, {"qty": 1, "sku": "c3"}]}', '[{"id": 3, "name": "green"}]', '$.items[*].sku', '_2'),
  (3, 'b', '[1, [2, 3], {"e": null}, "abc", [[4, 5], 6]]', '[]', '$[*]', 'abc'),
  (4, 'b', NULL, NULL, NULL, NULL),
  (5, 'c', '"scalar"', '["x", "a_b", "a%b", "axb"]', '$[0 to 1]', 'a_b'),
  (6, 'c', '{"a": {"k": "mid"}, "z": [{"k": "low"}, {"k": "end"}]}', '[{"id": 4, "name": "red"}, {"id": 5, "name": "gray"}, {"id": 6, "name": "red"}]', '$**.k', 'red');

-- query wildcards
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(doc, '$.*') AS members, JSON_EXTRACT(doc, '$[*]') AS cells, JSON_EXTRACT(doc, '$.b[*]') AS b, JSON_EXTRACT(tags, '$[*].name') AS names, JSON_EXTRACT(doc, '$.items[*].qty') AS qty, JSON_EXTRACT(doc, '$.*.e[*].k') AS nested FROM docs WHERE grp = ?;

-- query arrows
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, doc->'$.b[*]' AS b, tags->'$[*].id' AS ids, tags->>'$[*].name' AS names, doc->>'$.items[*].sku' AS skus, doc->>'$.c.d' AS d FROM docs WHERE grp = ?;
-- mariadb
SELECT id, JSON_EXTRACT(doc, '$.b[*]') AS b, JSON_EXTRACT(tags, '$[*].id') AS ids, JSON_UNQUOTE(JSON_EXTRACT(tags, '$[*].name')) AS names, JSON_UNQUOTE(JSON_EXTRACT(doc, '$.items[*].sku')) AS skus, JSON_UNQUOTE(JSON_EXTRACT(doc, '$.c.d')) AS d FROM docs WHERE grp = ?;

-- query ranges
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(doc, '$.b[0 to 1]') AS b01, JSON_EXTRACT(doc, '$.b[1 to 10]') AS bclip, JSON_EXTRACT(tags, '$[0 to 0].name') AS firstname, JSON_EXTRACT(doc, '$[1 to 3]') AS mid, JSON_EXTRACT(doc, '$.items[1 to 2].sku') AS skus, JSON_EXTRACT(doc, '$[4][0 to 1][1]') AS deep FROM docs WHERE grp = ?;

-- query last
-- args: 1
-- args: 2
-- args: 3
-- args: 5
-- args: 6
SELECT JSON_EXTRACT(tags, '$[last]') AS lst, JSON_EXTRACT(tags, '$[last-1]') AS prev, JSON_EXTRACT(tags, '$[last-9]') AS gone, JSON_EXTRACT(doc, '$.b[last]') AS blast, JSON_EXTRACT(doc, '$.items[last-2].qty') AS first, JSON_EXTRACT(doc, '$.b[last-1 to last]') AS btail, JSON_EXTRACT(tags, '$[1 to last]') AS rest, doc->>'$.items[last].sku' AS lastsku FROM docs WHERE id = ?;
-- mariadb
SELECT JSON_EXTRACT(tags, '$[last]') AS lst, JSON_EXTRACT(tags, '$[last-1]') AS prev, JSON_EXTRACT(tags, '$[last-9]') AS gone, JSON_EXTRACT(doc, '$.b[last]') AS blast, JSON_EXTRACT(doc, '$.items[last-2].qty') AS first, JSON_EXTRACT(doc, '$.b[last-1 to last]') AS btail, JSON_EXTRACT(tags, '$[1 to last]') AS rest, JSON_UNQUOTE(JSON_EXTRACT(doc, '$.items[last].sku')) AS lastsku FROM docs WHERE id = ?;

-- query ellipsis
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(doc, '$**.k') AS k, JSON_EXTRACT(tags, '$**.id') AS ids, JSON_EXTRACT(doc, '$**.sku') AS skus, JSON_EXTRACT(doc, '$**.e') AS e, JSON_EXTRACT(doc, '$**[2]') AS thirds FROM docs WHERE grp = ?;

-- query several_paths
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(doc, '$.a', '$.b') AS ab, JSON_EXTRACT(doc, '$.zz', '$.name') AS one_found, JSON_EXTRACT(doc, '$.zz', '$.yy') AS none, JSON_EXTRACT(tags, '$[0].id', '$[*].id') AS mixed FROM docs WHERE grp = ?;

-- query contains_path
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_CONTAINS_PATH(doc, 'one', '$.*') AS anymember, JSON_CONTAINS_PATH(doc, 'all', '$**.k', '$.b[0]') AS allk, JSON_CONTAINS_PATH(tags, 'one', '$[*].name') AS named, JSON_CONTAINS_PATH(doc, 'one', '$[1 to 3]', '$.zz') AS rng, JSON_CONTAINS_PATH(tags, 'all', '$[1]', '$[0]') AS two, JSON_CONTAINS_PATH(doc, 'ONE', '$**.sku') AS sku FROM docs WHERE grp = ?;

-- query search
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_SEARCH(doc, 'one', 'x%') AS x, JSON_SEARCH(doc, 'all', 'v_') AS v, JSON_SEARCH(tags, 'all', 'red') AS red, JSON_SEARCH(tags, 'one', '%e%') AS e1, JSON_SEARCH(doc, 'all', 'abc') AS abc, JSON_SEARCH(doc, 'all', 'nothing') AS nothing FROM docs WHERE grp = ?;

-- query search_all_many
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_SEARCH(tags, 'all', '%r%') AS r, JSON_SEARCH(tags, 'all', '%', NULL, '$[*].name') AS names, JSON_SEARCH(doc, 'all', '__') AS two FROM docs WHERE grp = ?;

-- query search_paths
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_SEARCH(doc, 'all', 'v%', NULL, '$.c') AS under_c, JSON_SEARCH(doc, 'all', '%', NULL, '$.items[*].sku') AS skus, JSON_SEARCH(tags, 'all', 'r%', NULL, '$[*]') AS r, JSON_SEARCH(tags, 'all', 'red', NULL, '$[1 to 5]') AS later, JSON_SEARCH(doc, 'all', '%', NULL, '$**.k') AS ks, JSON_SEARCH(doc, 'all', 'x', NULL, '$.nope') AS nope FROM docs WHERE grp = ?;

-- query search_escape
-- args: 'a'
-- args: 'c'
SELECT id, JSON_SEARCH(tags, 'all', 'a|_b', '|') AS under, JSON_SEARCH(tags, 'all', 'a|%b', '|') AS pct, JSON_SEARCH(tags, 'all', 'a_b') AS any1, JSON_SEARCH(tags, 'all', 'a%b', NULL) AS anyn, JSON_SEARCH(tags, 'one', 'a%b', '') AS empty FROM docs WHERE grp = ?;

-- query from_rows
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_EXTRACT(doc, p) AS at_p, JSON_CONTAINS_PATH(doc, 'one', p) AS has_p, JSON_SEARCH(tags, 'all', pat) AS tag_pat, JSON_SEARCH(doc, 'one', pat) AS doc_pat FROM docs WHERE grp = ?;

-- query keyed_by_id
-- args: 1
-- args: 2
-- args: 3
-- args: 5
-- args: 6
SELECT JSON_EXTRACT(doc, '$**.k') AS k, JSON_SEARCH(tags, 'all', 'red') AS red, JSON_EXTRACT(tags, '$[last].id') AS lastid, JSON_EXTRACT(doc, '$.*[*]') AS cells, JSON_SEARCH(tags, 'all', 'red', NULL, '$[last-1 to last]') AS tailred FROM docs WHERE id = ?;

-- query search_keyed
-- args: 1
-- args: 2
-- args: 3
-- args: 5
-- args: 6
SELECT JSON_SEARCH(doc, 'all', '%', NULL, '$.c.e[*]', '$.items[*].sku') AS under_arrays, JSON_SEARCH(doc, 'all', 'v_', NULL, '$**.e') AS under_e, JSON_SEARCH(tags, 'one', 'a%', NULL, '$[1 to 2]') AS a12, JSON_SEARCH(doc, 'all', '%', NULL, '$.*.k') AS member_k, JSON_CONTAINS_PATH(doc, 'all', '$.*', '$**.k') AS both_paths FROM docs WHERE id = ?;

-- query edits_with_last
-- args: 1
-- args: 2
-- args: 3
-- args: 5
-- args: 6
SELECT JSON_EXTRACT(JSON_SET(tags, '$[last].id', 9), '$[*].id') AS set_last, JSON_LENGTH(JSON_REMOVE(tags, '$[last]')) AS removed, JSON_EXTRACT(JSON_REMOVE(doc, '$.b[last]'), '$.b') AS b_removed, JSON_EXTRACT(JSON_SET(doc, '$.b[last-1]', 0), '$.b') AS b_set, JSON_LENGTH(JSON_ARRAY_APPEND(tags, '$[last]', 1), '$[last]') AS appended, JSON_EXTRACT(JSON_REPLACE(tags, '$[last-1].name', 'z'), '$[*].name') AS replaced FROM docs WHERE id = ?;

-- query reads_with_last
-- args: 1
-- args: 2
-- args: 6
SELECT JSON_LENGTH(tags, '$[last]') AS len, JSON_KEYS(tags, '$[last]') AS ks, JSON_CONTAINS(tags, '"red"', '$[last].name') AS isred, JSON_VALUE(tags, '$[last].id') AS v FROM docs WHERE id = ?;

-- query in_where
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id FROM docs WHERE grp = ? AND JSON_SEARCH(tags, 'one', 'red') IS NOT NULL;

-- query where_wildcard
SELECT id FROM docs WHERE JSON_CONTAINS_PATH(doc, 'one', '$**.k') AND JSON_LENGTH(JSON_EXTRACT(tags, '$[*].id')) > 1;

-- query grouped
SELECT JSON_SEARCH(tags, 'one', 'red') AS at, COUNT(*) AS n FROM docs GROUP BY JSON_SEARCH(tags, 'one', 'red');

-- writes
UPDATE docs SET tags = '[{"id": 8, "name": "blue"}, {"id": 9, "name": "red"}]' WHERE id = 2;
UPDATE docs SET doc = JSON_SET(doc, '$.b[last]', 'w') WHERE id = 1;
INSERT INTO docs VALUES (7, 'a', '{"b": [7], "k": "top"}', '["red"]', '$.*', 'to_');

-- writes
UPDATE docs SET doc = JSON_REMOVE(doc, '$.z[last]') WHERE id = 6;
UPDATE docs SET p = '$[last]', pat = '%c' WHERE id = 3;
DELETE FROM docs WHERE id = 5;
