# MySQL 8's JSON reading functions: JSON_TYPE, JSON_LENGTH, JSON_DEPTH, JSON_KEYS, JSON_QUOTE,
# JSON_CONTAINS, JSON_CONTAINS_PATH, JSON_OVERLAPS and `value MEMBER OF (array)` (MySQL 8's;
# MariaDB runs the equivalent JSON_CONTAINS), over JSON columns (cached, keyed by
# parameters), in WHERE and GROUP BY. A path that matches nothing makes MySQL 8's JSON_CONTAINS
# NULL and MariaDB's 0; that case is in expr's tables. Documents' keys are written in MySQL's key order
# (shorter first), which MariaDB's JSON_KEYS keeps as written.

-- setup
CREATE TABLE docs (
  id INT PRIMARY KEY,
  kind VARCHAR(10) NOT NULL,
  body JSON,
  tags JSON,
  tag VARCHAR(10)
);
INSERT INTO docs VALUES
  (1, 'a', '{"a": 1, "b": [1, 2, {"c": true}]}', '["red", "blue"]', 'red'),
  (2, 'a', '{"id": 7, "name": "x", "extra": null}', '["green"]', 'blue'),
  (3, 'b', '[1, 2.5, "three", [4]]', '[]', 'red'),
  (4, 'b', NULL, NULL, NULL),
  (5, 'c', '"just a string"', '["red", "green", "blue"]', 'green'),
  (6, 'c', '{"a": {"b": {"c": {"d": 1}}}}', '["x"]', 'x');

-- query shapes
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_TYPE(body), JSON_LENGTH(body), JSON_LENGTH(body, '$.b'), JSON_DEPTH(body), JSON_KEYS(body), JSON_QUOTE(tag) FROM docs WHERE kind = ?;

-- query containment
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, JSON_CONTAINS(body, '2.5'), JSON_CONTAINS(body, '{"b": [2]}'), JSON_CONTAINS(tags, '["red"]'), JSON_CONTAINS_PATH(body, 'one', '$.a', '$.id'), JSON_CONTAINS_PATH(body, 'all', '$.a', '$.b'), JSON_OVERLAPS(tags, '["blue", "x"]') FROM docs WHERE kind = ?;

-- query member_of
-- args: 'a'
-- args: 'c'
SELECT id, tag MEMBER OF (tags) AS m FROM docs WHERE kind = ?;
-- mariadb
SELECT id, JSON_CONTAINS(tags, JSON_QUOTE(tag)) AS m FROM docs WHERE kind = ?;

-- query filtered_by_containment
SELECT id FROM docs WHERE JSON_CONTAINS(tags, '"red"') AND JSON_LENGTH(tags) > 1;

-- query grouped_by_type
SELECT JSON_TYPE(body) AS t, COUNT(*) FROM docs GROUP BY JSON_TYPE(body);

-- writes
UPDATE docs SET tags = '["red"]', body = '{"a": 2}' WHERE id = 2;
INSERT INTO docs VALUES (7, 'a', '[[[]]]', '["blue", "red"]', 'blue');
DELETE FROM docs WHERE id = 5;
