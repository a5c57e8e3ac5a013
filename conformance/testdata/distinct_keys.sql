# Aggregates that do not decompose into per-key parts, over several keys: COUNT, SUM and AVG
# of DISTINCT values, GROUP_CONCAT, JSON_ARRAYAGG and JSON_OBJECTAGG, with an IN list of
# parameters on a column they are not grouped by, and with a parameter under OR. The view
# keeps each key's rows and the read computes the aggregates over the rows of every key at
# once: a value two keys share counts once under DISTINCT, repeated keys count once, NULLs
# are skipped (JSON_ARRAYAGG keeps them as null), and no rows give COUNT 0 and NULL
# elsewhere. Every case is read before the writes (filling the keys), then after each block
# of writes, which reach filled keys and holes alike.
#
# MariaDB puts the elements of GROUP_CONCAT and JSON_ARRAYAGG in the order it meets the rows
# when the call has no ORDER BY, and JSON_OBJECTAGG's members always so; Weir puts them in
# value (and key) order. So the calls here order their values, and JSON_OBJECTAGG is keyed by
# the primary key, whose two-digit values MariaDB meets in the order of their text. Strings
# that differ only in case ('x', 'X') are counted, never listed, since which one MariaDB
# lists is the one it meets first.

-- setup
CREATE TABLE users (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(10),
  team VARCHAR(10)
);
CREATE TABLE votes (
  id INT NOT NULL PRIMARY KEY,
  article INT,
  user_id INT,
  kind VARCHAR(10) NOT NULL,
  stars INT,
  amount DECIMAL(8,2),
  weight DOUBLE,
  tag VARCHAR(10)
);
CREATE TABLE notes (
  id INT NOT NULL PRIMARY KEY,
  article INT,
  body TEXT
);
INSERT INTO users VALUES
  (1, 'ann', 'red'),
  (2, 'bob', 'red'),
  (3, 'cy', 'blue'),
  (4, 'dee', NULL),
  (5, 'eve', 'blue');
INSERT INTO votes VALUES
  (10, 1, 1, 'up', 5, 1.50, 0.25, 'x'),
  (11, 1, 2, 'up', 3, 2.25, 0.5, 'X'),
  (12, 1, 3, 'down', NULL, 1.50, NULL, 'y'),
  (13, 2, 1, 'down', 3, 0.75, 0.25, 'x'),
  (14, 2, 4, 'up', 4, NULL, 1.5, NULL),
  (15, 2, NULL, 'meh', NULL, 2.25, 0.5, 'z'),
  (16, 3, 5, 'up', 5, 9.99, 2.0, 'Y'),
  (17, 3, 2, 'meh', 1, 0.75, 0.25, 'y'),
  (18, 4, NULL, 'up', NULL, NULL, NULL, NULL),
  (19, NULL, 3, 'down', 2, 3.00, 1.0, 'w'),
  (20, 5, 1, 'up', 3, 1.50, 0.5, 'x'),
  (21, 5, 1, 'up', 3, 1.50, 0.5, 'x');
INSERT INTO notes VALUES
  (10, 1, CONCAT('10a', REPEAT('ü', 32000))),
  (11, 1, CONCAT('11a', REPEAT('ü', 32000))),
  (12, 1, CONCAT('12a', REPEAT('ü', 32000))),
  (13, 1, CONCAT('13a', REPEAT('ü', 32000))),
  (14, 1, CONCAT('14a', REPEAT('ü', 32000))),
  (15, 1, CONCAT('15a', REPEAT('ü', 32000))),
  (16, 1, CONCAT('16a', REPEAT('ü', 32000))),
  (17, 1, CONCAT('17a', REPEAT('ü', 32000))),
  (18, 1, CONCAT('18a', REPEAT('ü', 32000))),
  (19, 1, CONCAT('19a', REPEAT('ü', 32000))),
  (20, 2, CONCAT('20a', REPEAT('ü', 32000))),
  (21, 2, CONCAT('21a', REPEAT('ü', 32000))),
  (22, 2, CONCAT('22a', REPEAT('ü', 32000))),
  (23, 2, CONCAT('23a', REPEAT('ü', 32000))),
  (24, 2, CONCAT('24a', REPEAT('ü', 32000))),
  (25, 2, CONCAT('25a', REPEAT('ü', 32000))),
  (26, 2, CONCAT('26a', REPEAT('ü', 32000))),
  (27, 2, CONCAT('27a', REPEAT('ü', 32000))),
  (28, 2, CONCAT('28a', REPEAT('ü', 32000))),
  (29, 2, CONCAT('29a', REPEAT('ü', 32000)));

-- query count_distinct_users
-- args: 1, 2, 3
-- args: 1, 1, 1
-- args: 2, 5, 5
-- args: 4, NULL, 99
-- args: NULL, NULL, NULL
-- args: 97, 98, 99
SELECT COUNT(DISTINCT user_id) AS voters FROM votes WHERE article IN (?, ?, ?);

-- query count_distinct_beside_counts
-- args: 1, 2
-- args: 5, 5
-- args: 4, 3
-- args: 98, 99
SELECT COUNT(DISTINCT user_id), COUNT(*), COUNT(user_id), COUNT(DISTINCT kind) FROM votes WHERE article IN (?, ?);

-- query count_distinct_collation
-- args: 1, 2
-- args: 1, 5
-- args: 3, 4
SELECT COUNT(DISTINCT tag) AS tags FROM votes WHERE article IN (?, ?);

-- query sum_distinct_int
-- args: 1, 2
-- args: 1, 5
-- args: 4, 99
-- args: 2, 2
SELECT SUM(DISTINCT stars) FROM votes WHERE article IN (?, ?);

-- query sum_distinct_decimal
-- args: 1, 2, 2
-- args: 1, 5, 3
-- args: 4, 98, 99
SELECT SUM(DISTINCT amount) FROM votes WHERE article IN (?, ?, ?);

-- query avg_distinct_int_and_decimal
-- args: 1, 2
-- args: 3, 5
-- args: 4, 99
SELECT AVG(DISTINCT stars), AVG(DISTINCT amount) FROM votes WHERE article IN (?, ?);

-- query sum_avg_distinct_double
-- args: 1, 2
-- args: 1, 5
-- args: 4, 99
SELECT SUM(DISTINCT weight), AVG(DISTINCT weight) FROM votes WHERE article IN (?, ?);

-- query distinct_beside_plain
-- args: 1, 2, 5
-- args: 5, 5, 5
-- args: 3, 4, 99
SELECT SUM(stars), SUM(DISTINCT stars), AVG(stars), AVG(DISTINCT stars), MIN(stars), MAX(amount), COUNT(*) FROM votes WHERE article IN (?, ?, ?);

-- query distinct_of_expressions
-- args: 1, 2
-- args: 3, 5
SELECT AVG(DISTINCT stars * 2), SUM(DISTINCT amount * stars), COUNT(DISTINCT stars + 1) FROM votes WHERE article IN (?, ?);

-- query group_concat_ordered
-- args: 1, 2
-- args: 2, 1
-- args: 5, 5
-- args: 4, 99
-- args: 98, 99
SELECT GROUP_CONCAT(user_id ORDER BY user_id) AS ids FROM votes WHERE article IN (?, ?);

-- query group_concat_desc_separator
-- args: 1, 2, 3
-- args: 5, 1, 4
SELECT GROUP_CONCAT(kind ORDER BY kind DESC SEPARATOR '; ') AS kinds FROM votes WHERE article IN (?, ?, ?);

-- query group_concat_distinct
-- args: 1, 2, 3
-- args: 5, 5, 2
-- args: 4, 98, 99
SELECT GROUP_CONCAT(DISTINCT user_id ORDER BY user_id) AS users FROM votes WHERE article IN (?, ?, ?);

-- query group_concat_distinct_desc
-- args: 1, 2
-- args: 3, 5
SELECT GROUP_CONCAT(DISTINCT kind ORDER BY kind DESC SEPARATOR '|') AS kinds FROM votes WHERE article IN (?, ?);

-- query group_concat_nulls_skipped
-- args: 1, 2
-- args: 4, 99
-- args: 2, 4
SELECT GROUP_CONCAT(stars ORDER BY stars SEPARATOR '') AS s, COUNT(*) AS n FROM votes WHERE article IN (?, ?);

-- query group_concat_by_primary_key
-- args: 1, 2
-- args: 3, 5
SELECT GROUP_CONCAT(id) AS ids FROM votes WHERE article IN (?, ?);

-- query json_arrayagg_ordered
-- args: 1, 2
-- args: 5, 5
-- args: 97, 99
SELECT JSON_ARRAYAGG(user_id ORDER BY user_id) AS ids FROM votes WHERE article IN (?, ?);

-- query json_arrayagg_nulls_as_elements
-- args: 1, 2
-- args: 4, 99
-- args: 3, 4
SELECT JSON_ARRAYAGG(stars ORDER BY stars) AS asc_stars, JSON_ARRAYAGG(stars ORDER BY stars DESC) AS desc_stars FROM votes WHERE article IN (?, ?);

-- query json_arrayagg_distinct_limit
-- args: 1, 2, 3
-- args: 5, 4, 99
SELECT JSON_ARRAYAGG(DISTINCT stars ORDER BY stars DESC LIMIT 2) AS top FROM votes WHERE article IN (?, ?, ?);

-- query json_arrayagg_order_by_other
-- args: 1, 2
-- args: 3, 5
SELECT JSON_ARRAYAGG(kind ORDER BY id DESC) AS kinds, JSON_ARRAYAGG(amount ORDER BY id LIMIT 3) AS amounts FROM votes WHERE article IN (?, ?);

-- query json_objectagg_by_id
-- args: 1, 2
-- args: 3, 5
-- args: 4, 99
-- args: 98, 99
SELECT JSON_OBJECTAGG(id, stars) AS o, JSON_OBJECTAGG(id, amount) AS a FROM votes WHERE article IN (?, ?);

-- query grouped_count_distinct
-- args: 1, 2
-- args: 1, 5
-- args: 3, 99
SELECT kind, COUNT(DISTINCT user_id) AS voters, COUNT(*) AS n FROM votes WHERE article IN (?, ?) GROUP BY kind;

-- query grouped_concat_having
-- args: 1, 2, 3
-- args: 2, 5, 99
SELECT kind, GROUP_CONCAT(DISTINCT user_id ORDER BY user_id) AS users FROM votes WHERE article IN (?, ?, ?) GROUP BY kind HAVING COUNT(DISTINCT user_id) > 1;

-- query grouped_order_limit ordered
-- args: 1, 2, 3
-- args: 5, 1, 2
SELECT kind, COUNT(DISTINCT user_id) AS n FROM votes WHERE article IN (?, ?, ?) GROUP BY kind ORDER BY n DESC, kind LIMIT 2;

-- query grouped_order_by_collected ordered
-- args: 1, 2, 3
-- args: 1, 5, 99
SELECT kind FROM votes WHERE article IN (?, ?, ?) GROUP BY kind ORDER BY GROUP_CONCAT(DISTINCT user_id ORDER BY user_id), kind;

-- query grouped_distinct_results
-- args: 1, 2, 3
-- args: 5, 5, 5
SELECT DISTINCT COUNT(DISTINCT user_id) AS n FROM votes WHERE article IN (?, ?, ?) GROUP BY kind;

-- query grouped_json_by_user
-- args: 1, 2, 3
-- args: 5, 2, 4
SELECT user_id, JSON_ARRAYAGG(article ORDER BY article) AS articles, SUM(DISTINCT stars) AS s FROM votes WHERE article IN (?, ?, ?) GROUP BY user_id;

-- query expressions_over_collected
-- args: 1, 2
-- args: 3, 98
SELECT COUNT(DISTINCT user_id) * 10 + COUNT(*) AS x, CONCAT('[', GROUP_CONCAT(DISTINCT kind ORDER BY kind), ']') AS k, COALESCE(SUM(DISTINCT stars), -1) AS s FROM votes WHERE article IN (?, ?);

-- query join_count_distinct_team
-- args: 1, 2
-- args: 3, 5
-- args: 4, 99
SELECT COUNT(DISTINCT u.team) AS teams, GROUP_CONCAT(DISTINCT u.name ORDER BY u.name) AS names FROM votes v JOIN users u ON u.id = v.user_id WHERE v.article IN (?, ?);

-- query join_grouped_by_team
-- args: 1, 2, 3
-- args: 5, 1, 99
SELECT u.team, COUNT(DISTINCT v.article) AS articles, JSON_ARRAYAGG(DISTINCT v.stars ORDER BY v.stars) AS stars FROM votes v JOIN users u ON u.id = v.user_id WHERE v.article IN (?, ?, ?) GROUP BY u.team;

-- query in_list_on_string_key
-- args: 'up', 'down'
-- args: 'up', 'UP'
-- args: 'meh', NULL
-- args: 'none', 'void'
SELECT COUNT(DISTINCT article), GROUP_CONCAT(DISTINCT article ORDER BY article) AS articles, AVG(DISTINCT stars) FROM votes WHERE kind IN (?, ?);

-- query eq_key_and_in_list
-- args: 'up', 1, 2
-- args: 'down', 1, 5
-- args: 'meh', 98, 99
SELECT COUNT(DISTINCT user_id), GROUP_CONCAT(id ORDER BY id) AS ids FROM votes WHERE kind = ? AND article IN (?, ?);

-- query two_in_lists
-- args: 1, 2, 'up', 'down'
-- args: 5, 3, 'up', 'meh'
SELECT COUNT(DISTINCT user_id), JSON_ARRAYAGG(id ORDER BY id) AS ids FROM votes WHERE article IN (?, ?) AND kind IN (?, ?);

-- query literal_and_parameter
-- args: 1
-- args: 2
-- args: NULL
SELECT COUNT(DISTINCT user_id), SUM(DISTINCT stars) FROM votes WHERE article IN (?, 2);

-- query literal_filter
-- args: 1, 2
-- args: 3, 5
SELECT COUNT(DISTINCT user_id), GROUP_CONCAT(stars ORDER BY stars) AS s FROM votes WHERE article IN (?, ?) AND stars > 2;

-- query group_concat_several_arguments
-- args: 1, 2
-- args: 3, 5
SELECT GROUP_CONCAT(id, ':', kind) AS pairs, GROUP_CONCAT(id, '/', stars SEPARATOR ' ') AS stars FROM votes WHERE article IN (?, ?);

-- query json_arrayagg_order_by_expression
-- args: 1, 2
-- args: 3, 5
SELECT JSON_ARRAYAGG(id ORDER BY 100 - id) AS ids, JSON_ARRAYAGG(kind ORDER BY kind) AS kinds FROM votes WHERE article IN (?, ?);

-- query json_objectagg_null_keys_skipped
-- args: 1, 2
-- args: 4, 99
SELECT JSON_OBJECTAGG(CASE WHEN stars > 2 THEN id END, stars) AS o FROM votes WHERE article IN (?, ?);

-- query left_join_count_distinct
-- args: 1, 2, 3
-- args: 4, 4, 99
SELECT COUNT(DISTINCT u.team) AS teams, COUNT(DISTINCT v.article) AS articles, GROUP_CONCAT(DISTINCT v.article ORDER BY v.article) AS list FROM users u LEFT JOIN votes v ON v.user_id = u.id WHERE u.id IN (?, ?, ?);

-- query or_count_distinct
-- args: 1, 1
-- args: 2, 3
-- args: NULL, 1
-- args: 99, NULL
-- args: NULL, NULL
SELECT COUNT(DISTINCT user_id) AS voters, COUNT(*) AS n FROM votes WHERE article = ? OR user_id = ?;

-- query or_group_concat
-- args: 1, 'up'
-- args: 2, 'meh'
-- args: 99, 'none'
SELECT GROUP_CONCAT(id ORDER BY id) AS ids, GROUP_CONCAT(DISTINCT user_id ORDER BY user_id DESC) AS users FROM votes WHERE article = ? OR kind = ?;

-- query or_grouped
-- args: 1, 1, 2
-- args: 3, 5, NULL
SELECT kind, COUNT(DISTINCT user_id) AS voters, JSON_ARRAYAGG(DISTINCT user_id ORDER BY user_id) AS users FROM votes WHERE article = ? OR user_id IN (?, ?) GROUP BY kind;

-- query or_sum_avg_distinct
-- args: 1, 'x'
-- args: 3, 'Y'
-- args: 99, 'none'
SELECT SUM(DISTINCT amount), AVG(DISTINCT stars), SUM(DISTINCT weight) FROM votes WHERE article = ? OR tag = ?;

-- query or_json_objectagg
-- args: 1, 1
-- args: 5, 3
SELECT JSON_OBJECTAGG(id, kind) AS o FROM votes WHERE user_id = ? OR article = ?;

# GROUP_CONCAT is cut at MariaDB's group_concat_max_len (1048576 bytes) without splitting a
# character: each note is 64003 bytes, so ten (one key) fit and seventeen do not, the cut
# falling inside a two-byte character.
-- query group_concat_cut_at_max_len
-- args: 1, 2
-- args: 1, 1
-- args: 2, 3
SELECT LENGTH(GROUP_CONCAT(body ORDER BY body)) AS bytes, CHAR_LENGTH(GROUP_CONCAT(body ORDER BY body)) AS chars, MD5(GROUP_CONCAT(body ORDER BY body)) AS digest FROM notes WHERE article IN (?, ?);

-- query group_concat_cut_under_or
-- args: 1, 2
-- args: 2, 2
-- args: 3, 1
SELECT LENGTH(GROUP_CONCAT(body ORDER BY body DESC SEPARATOR '--')) AS bytes, MD5(GROUP_CONCAT(body ORDER BY body DESC SEPARATOR '--')) AS digest FROM notes WHERE article = ? OR article = ?;

-- query group_concat_cut_whole_table
SELECT LENGTH(GROUP_CONCAT(body ORDER BY body)) AS bytes, CHAR_LENGTH(GROUP_CONCAT(body ORDER BY body)) AS chars, MD5(GROUP_CONCAT(body ORDER BY body)) AS digest FROM notes;

# Grouped by the key column, each key is its own group, under the cap.
-- query group_concat_grouped_by_key_uncut
-- args: 1
SELECT LENGTH(GROUP_CONCAT(body ORDER BY body)) AS bytes, MD5(GROUP_CONCAT(body ORDER BY body)) AS digest FROM notes WHERE article IN (?, 2) GROUP BY article;

-- writes
INSERT INTO votes VALUES
  (22, 2, 5, 'up', 5, 9.99, 2.0, 'Y'),
  (23, 3, 1, 'meh', 2, 0.75, 0.25, 'w');
UPDATE votes SET article = 2 WHERE id = 10;
UPDATE votes SET stars = 4 WHERE id = 11;
DELETE FROM notes WHERE id = 12;

-- writes
DELETE FROM votes WHERE id IN (13, 21);
UPDATE votes SET user_id = 2, amount = 2.25 WHERE id = 16;
INSERT INTO users VALUES (6, 'fay', 'red');
INSERT INTO votes VALUES (24, 1, 6, 'down', NULL, NULL, NULL, NULL);
UPDATE users SET team = 'blue' WHERE id = 1;

-- writes
DELETE FROM votes WHERE article = 1;
UPDATE votes SET stars = NULL, tag = NULL WHERE article = 2;
UPDATE notes SET article = 3 WHERE id >= 25;
