# Range parameters: `<`, `<=`, `>`, `>=` and BETWEEN on parameters or literals in the
# outermost WHERE, either way round, alone or with `col = ?` keys; on integers, decimals,
# strings (under the collation), dates and datetimes; NULL rows and NULL bounds (no row
# matches); empty ranges and equal bounds; ORDER BY the range column either way with LIMIT ?
# and a literal LIMIT; ORDER BY another column; ranges over views, derived tables and joins;
# GROUP BY columns; and writes that move rows into and out of ranges.

-- setup
CREATE TABLE events (
  id INT NOT NULL PRIMARY KEY,
  owner INT NOT NULL,
  kind VARCHAR(10),
  score INT,
  amount DECIMAL(10,2),
  created DATETIME,
  day DATE,
  name VARCHAR(20)
);
CREATE TABLE owners (
  id INT NOT NULL PRIMARY KEY,
  region VARCHAR(10) NOT NULL,
  since INT NOT NULL
);
CREATE TABLE slots (
  id INT NOT NULL PRIMARY KEY,
  starts TIME,
  ratio DOUBLE,
  big BIGINT UNSIGNED,
  code VARBINARY(8)
);
CREATE VIEW scored AS SELECT id, owner, score, score * 2 AS doubled FROM events WHERE kind <> 'buy';
INSERT INTO slots VALUES
  (1, '08:00:00', 0.5, 0, 'a'),
  (2, '12:30:00', 1.25, 18446744073709551615, 'B'),
  (3, '23:59:59', -2, 9007199254740993, 'b'),
  (4, NULL, NULL, NULL, NULL),
  (5, '-01:00:00', 1e10, 42, 'ab');
INSERT INTO events VALUES
  (1, 1, 'click', 10, 1.50, '2024-01-01 10:00:00', '2024-01-01', 'alpha'),
  (2, 1, 'view', 20, 2.25, '2024-01-02 11:00:00', '2024-01-02', 'Beta'),
  (3, 2, 'click', 30, NULL, '2024-01-03 12:00:00', '2024-01-03', 'gamma'),
  (4, 2, 'view', NULL, 10.00, NULL, NULL, NULL),
  (5, 1, 'click', 50, 99.99, '2024-01-05 09:30:00', '2024-01-05', 'delta'),
  (6, 3, 'buy', 20, 0.00, '2024-01-02 11:00:00', '2024-01-02', 'beta'),
  (7, 1, 'buy', -5, -3.50, '2023-12-31 23:59:59', '2023-12-31', 'Alpha'),
  (8, 2, 'click', 30, 5.05, '2024-01-04 00:00:00', '2024-01-04', 'epsilon');
INSERT INTO owners VALUES (1, 'north', 2019), (2, 'south', 2021), (3, 'north', 2023);

-- query gt_int
-- args: 20
-- args: -100
-- args: 50
-- args: NULL
SELECT id, score FROM events WHERE score > ?;

-- query ge_int
-- args: 20
-- args: 51
SELECT id FROM events WHERE score >= ?;

-- query lt_int
-- args: 20
-- args: -5
SELECT id FROM events WHERE score < ?;

-- query le_int
-- args: 20
-- args: 1000
SELECT id FROM events WHERE score <= ?;

-- query flipped_lt
-- args: 20
SELECT id FROM events WHERE ? < score;

-- query flipped_ge
-- args: 30
SELECT id FROM events WHERE ? >= score;

-- query between
-- args: 10, 30
-- args: 30, 10
-- args: 20, 20
-- args: NULL, 30
SELECT id, score FROM events WHERE score BETWEEN ? AND ?;

-- query two_sided
-- args: 10, 30
-- args: 20, 20
SELECT id FROM events WHERE score > ? AND score <= ?;

-- query open_interval_equal_bounds
-- args: 20, 20
SELECT id FROM events WHERE score > ? AND score < ?;

-- query redundant_bounds
-- args: 5, 25, 40
SELECT id FROM events WHERE score > ? AND score >= ? AND score < ?;

-- query key_and_range
-- args: 1, 10
-- args: 2, 30
-- args: 9, 0
-- args: NULL, 0
SELECT id, score FROM events WHERE owner = ? AND score >= ?;

-- query key_and_between_ordered ordered
-- args: 1, 0, 100
-- args: 2, 25, 35
SELECT id, score FROM events WHERE owner = ? AND score BETWEEN ? AND ? ORDER BY score, id;

-- query in_list_and_range ordered
-- args: 1, 2, 15
SELECT id FROM events WHERE owner IN (?, ?) AND score > ? ORDER BY id;

-- query in_list_range_limit ordered
-- args: 1, 2, 15
SELECT id, score FROM events WHERE owner IN (?, ?) AND score > ? ORDER BY score DESC, id LIMIT 3;

-- query decimal_range
-- args: 1.5, 10
-- args: '2.25', '99.99'
-- args: -10, 0
SELECT id, amount FROM events WHERE amount > ? AND amount <= ?;

-- query int_against_fraction
-- args: 19.5
-- args: 20.5
-- args: '29.9'
SELECT id FROM events WHERE score > ?;

-- query string_range
-- args: 'b'
-- args: 'beta'
-- args: 'BETA'
-- args: ''
SELECT id, name FROM events WHERE name >= ?;

-- query string_between
-- args: 'a', 'c'
-- args: 'ALPHA', 'beta'
SELECT id, name FROM events WHERE name BETWEEN ? AND ?;

-- query datetime_range
-- args: '2024-01-02 11:00:00'
-- args: '2024-01-02'
-- args: '2025-01-01'
SELECT id FROM events WHERE created > ?;

-- query datetime_between
-- args: '2024-01-02', '2024-01-04'
SELECT id FROM events WHERE created BETWEEN ? AND ?;

-- query date_range
-- args: '2024-01-02'
-- args: '2024-01-02 00:00:01'
SELECT id FROM events WHERE day <= ?;

-- query order_range_asc_limit ordered
-- args: '2024-01-01', 2
-- args: '2024-01-01', 0
-- args: '2020-01-01', 100
SELECT id, created FROM events WHERE created > ? ORDER BY created, id LIMIT ?;

-- query order_range_desc_limit ordered
-- args: '2024-01-04', 3
SELECT id, created FROM events WHERE created < ? ORDER BY created DESC, id LIMIT ?;

-- query order_range_limit_offset ordered
-- args: 0, 2, 1
SELECT id, score FROM events WHERE score > ? ORDER BY score, id LIMIT ? OFFSET ?;

-- query order_range_literal_limit ordered
-- args: 15
SELECT id, score FROM events WHERE score >= ? ORDER BY score DESC, id LIMIT 2;

-- query order_range_hidden ordered
-- args: '2023-01-01'
SELECT id FROM events WHERE created >= ? ORDER BY created, id LIMIT 4;

-- query order_other_column ordered
-- args: 10, 3
SELECT id, score, name FROM events WHERE score >= ? ORDER BY id DESC LIMIT ?;

-- query order_other_column_all ordered
-- args: '2024-01-01'
SELECT id FROM events WHERE day > ? ORDER BY owner, id;

-- query literal_gt
SELECT id FROM events WHERE score > 20;

-- query literal_gt_other
SELECT id FROM events WHERE score > 25;

-- query literal_between_ordered ordered
SELECT id FROM events WHERE amount BETWEEN 1 AND 10 ORDER BY amount, id;

-- query literal_and_param
-- args: 40
SELECT id FROM events WHERE score > 15 AND score < ?;

-- query two_range_columns
-- args: 10, '2024-01-03'
SELECT id FROM events WHERE score >= ? AND created < ?;

-- query range_with_filter
-- args: 0
SELECT id FROM events WHERE score > ? AND kind = 'click';

-- query distinct_range
-- args: 10
SELECT DISTINCT kind FROM events WHERE score > ?;

-- query distinct_range_ordered ordered
-- args: 10
SELECT DISTINCT owner, kind FROM events WHERE score >= ? ORDER BY owner, kind;

-- query view_range
-- args: 15
SELECT id, doubled FROM scored WHERE doubled > ?;

-- query view_range_key
-- args: 1, 30
SELECT id FROM scored WHERE owner = ? AND score < ?;

-- query derived_range
-- args: 1
SELECT t.id, t.n FROM (SELECT owner AS id, COUNT(*) AS n FROM events GROUP BY owner) AS t WHERE t.n > ?;

-- query join_range
-- args: 2020
SELECT e.id, o.region FROM events e JOIN owners o ON o.id = e.owner WHERE o.since > ?;

-- query join_key_range ordered
-- args: 'north', 15
SELECT e.id, e.score FROM events e JOIN owners o ON o.id = e.owner WHERE o.region = ? AND e.score > ? ORDER BY e.score, e.id;

-- query left_join_range
-- args: 0
SELECT o.id, e.id FROM owners o LEFT JOIN events e ON e.owner = o.id AND e.kind = 'buy' WHERE e.score > ?;

-- query group_by_range_col
-- args: 2
SELECT owner, COUNT(*) AS n FROM events WHERE owner >= ? GROUP BY owner;

-- query group_by_range_col_key
-- args: 'click', 1
SELECT kind, owner, SUM(score) FROM events WHERE kind = ? AND owner > ? GROUP BY kind, owner;

-- query aggregate_literal_range
SELECT COUNT(*) FROM events WHERE score > 15;

-- query aggregate_range_param unsupported
-- args: 15
SELECT COUNT(*) FROM events WHERE score > ?;

-- query time_range
-- args: '12:00:00'
-- args: '-00:30:00'
-- args: 120000
SELECT id FROM slots WHERE starts > ?;

-- query double_range
-- args: 0.5, 2
-- args: -1e20, 1e20
SELECT id FROM slots WHERE ratio BETWEEN ? AND ?;

-- query unsigned_range
-- args: -1
-- args: 9007199254740992
-- args: 18446744073709551614
SELECT id FROM slots WHERE big > ?;

-- query binary_range
-- args: 'a'
-- args: 'B'
SELECT id FROM slots WHERE code >= ?;

-- query empty_range
-- args: 100, 0
SELECT id, name FROM events WHERE score >= ? AND score <= ?;

-- writes
INSERT INTO events VALUES (9, 1, 'view', 25, 7.77, '2024-01-06 08:00:00', '2024-01-06', 'zeta');
UPDATE events SET score = 5 WHERE id = 5;
UPDATE events SET created = '2023-06-01 00:00:00' WHERE id = 3;
DELETE FROM events WHERE id = 2;

-- writes
UPDATE events SET score = NULL WHERE id = 1;
UPDATE slots SET starts = '13:00:00', big = 7 WHERE id = 1;
UPDATE events SET score = 20 WHERE id = 4;
INSERT INTO events VALUES (10, 2, 'click', 20, 20.00, '2024-01-02 11:00:00', '2024-01-02', 'BETA');
UPDATE events SET owner = 2 WHERE id = 9;

-- writes
DELETE FROM events WHERE score >= 20;
INSERT INTO owners VALUES (4, 'south', 2024);
INSERT INTO events VALUES (11, 4, 'buy', 40, 1.00, '2024-02-01 00:00:00', '2024-02-01', 'eta');
