# Table value constructors: MySQL 8's VALUES ROW(…), ROW(…) as a statement, as a derived
# table with a column list, joined with tables, in IN (subquery), in a CTE and in a UNION;
# read again after writes. MariaDB spells the same table VALUES (…), (…) and has no derived
# column list, so those queries give MariaDB its own text ('-- mariadb'): a CTE with a
# column list, which names the columns the way MySQL's text does.

-- setup
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, status VARCHAR(10) NOT NULL, amount DECIMAL(8,2) NOT NULL, placed DATE NOT NULL);
INSERT INTO orders VALUES (1, 'new', 10.50, '2024-01-02'), (2, 'paid', 99.00, '2024-01-03'), (3, 'shipped', 5.25, '2024-02-01'), (4, 'paid', 12.00, '2024-02-10'), (5, 'void', 1.00, '2024-03-01');

-- query statement
VALUES ROW(1, 'a'), ROW(2, 'bcd'), ROW(3, NULL);
-- mariadb
WITH v(column_0, column_1) AS (VALUES (1, 'a'), (2, 'bcd'), (3, NULL)) SELECT * FROM v;

# The common type of each column: an integer and a decimal make a decimal, a number and a
# string a string.
-- query common_types
VALUES ROW(1, 2), ROW(2.75, 'x'), ROW(-3, 4.5);
-- mariadb
WITH v(column_0, column_1) AS (VALUES (1, 2), (2.75, 'x'), (-3, 4.5)) SELECT * FROM v;

-- query statement_ordered ordered
VALUES ROW(3, 'c'), ROW(1, 'a'), ROW(2, 'b') ORDER BY column_0 DESC LIMIT 2;
-- mariadb
WITH v(column_0, column_1) AS (VALUES (3, 'c'), (1, 'a'), (2, 'b')) SELECT * FROM v ORDER BY column_0 DESC LIMIT 2;

-- query labels_joined
SELECT o.id, l.label FROM orders o JOIN (VALUES ROW('new', 'open'), ROW('paid', 'open'), ROW('shipped', 'done')) AS l(status, label) ON l.status = o.status;
-- mariadb
WITH l(status, label) AS (VALUES ('new', 'open'), ('paid', 'open'), ('shipped', 'done')) SELECT o.id, l.label FROM orders o JOIN l ON l.status = o.status;

-- query labels_by_id
-- args: 1
-- args: 3
-- args: 5
-- args: 9
SELECT o.id, l.label FROM orders o JOIN (VALUES ROW('new', 'open'), ROW('paid', 'open'), ROW('shipped', 'done')) AS l(status, label) ON l.status = o.status WHERE o.id = ?;
-- mariadb
WITH l(status, label) AS (VALUES ('new', 'open'), ('paid', 'open'), ('shipped', 'done')) SELECT o.id, l.label FROM orders o JOIN l ON l.status = o.status WHERE o.id = ?;

# Looked up by a column of the VALUES table.
-- query by_label
-- args: 'open'
-- args: 'done'
-- args: 'none'
SELECT o.id, o.amount FROM orders o JOIN (VALUES ROW('new', 'open'), ROW('paid', 'open'), ROW('shipped', 'done')) AS l(status, label) ON l.status = o.status WHERE l.label = ?;
-- mariadb
WITH l(status, label) AS (VALUES ('new', 'open'), ('paid', 'open'), ('shipped', 'done')) SELECT o.id, o.amount FROM orders o JOIN l ON l.status = o.status WHERE l.label = ?;

-- query totals_by_label
SELECT l.label, COUNT(*) AS n, SUM(o.amount) AS total FROM orders o JOIN (VALUES ROW('new', 'open'), ROW('paid', 'open'), ROW('shipped', 'done')) AS l(status, label) ON l.status = o.status GROUP BY l.label;
-- mariadb
WITH l(status, label) AS (VALUES ('new', 'open'), ('paid', 'open'), ('shipped', 'done')) SELECT l.label, COUNT(*) AS n, SUM(o.amount) AS total FROM orders o JOIN l ON l.status = o.status GROUP BY l.label;

-- query left_join_targets
SELECT t.status, t.target, o.id FROM (VALUES ROW('paid', 50), ROW('void', 0), ROW('lost', 1)) AS t(status, target) LEFT JOIN orders o ON o.status = t.status AND o.amount > t.target;
-- mariadb
WITH t(status, target) AS (VALUES ('paid', 50), ('void', 0), ('lost', 1)) SELECT t.status, t.target, o.id FROM t LEFT JOIN orders o ON o.status = t.status AND o.amount > t.target;

-- query in_values
SELECT id FROM orders WHERE status IN (VALUES ROW('paid'), ROW('void'));
-- mariadb
SELECT id FROM orders WHERE status IN (SELECT * FROM (VALUES ('paid'), ('void')) AS v);

-- query in_values_keyed
-- args: '2024-02-10'
-- args: '2024-01-02'
SELECT id FROM orders WHERE status IN (VALUES ROW('paid'), ROW('void')) AND placed = ?;
-- mariadb
SELECT id FROM orders WHERE status IN (SELECT * FROM (VALUES ('paid'), ('void')) AS v) AND placed = ?;

-- query cte_values
-- args: 2
-- args: 4
WITH caps(status, cap) AS (VALUES ROW('paid', 50.00), ROW('new', 20.00))
SELECT o.id, LEAST(o.amount, c.cap) AS capped FROM orders o JOIN caps c ON c.status = o.status WHERE o.id = ?;
-- mariadb
WITH caps(status, cap) AS (VALUES ('paid', 50.00), ('new', 20.00))
SELECT o.id, LEAST(o.amount, c.cap) AS capped FROM orders o JOIN caps c ON c.status = o.status WHERE o.id = ?;

-- query union_with_table
SELECT id, status FROM orders WHERE amount > 50 UNION ALL VALUES ROW(100, 'extra');
-- mariadb
SELECT id, status FROM orders WHERE amount > 50 UNION ALL VALUES (100, 'extra');

-- query unnamed_columns
SELECT column_0 + 1 AS n, column_1 AS s FROM (VALUES ROW(1, 'a'), ROW(2, 'b')) AS v;
-- mariadb
WITH v(column_0, column_1) AS (VALUES (1, 'a'), (2, 'b')) SELECT column_0 + 1 AS n, column_1 AS s FROM v;

-- writes
INSERT INTO orders VALUES (6, 'shipped', 70.00, '2024-03-05'), (7, 'new', 3.00, '2024-03-06');
UPDATE orders SET status = 'paid' WHERE id = 1;
DELETE FROM orders WHERE id = 3;

-- writes
UPDATE orders SET status = 'void', amount = 2.00 WHERE id = 2;
INSERT INTO orders VALUES (9, 'paid', 75.00, '2024-01-02');
