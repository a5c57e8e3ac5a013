# PostgreSQL's own aggregates and DISTINCT ON: avg() (numeric with the scale PostgreSQL's
# numeric division chooses for integers and numerics, double precision for floats, NULL for
# no rows, over windows too), string_agg (NULLs skipped, ordered by the value, DISTINCT),
# and DISTINCT ON (the first row of each group in the ORDER BY's order, NULL keys one group,
# keys outside the select list, aliases, LIMIT).
-- setup
CREATE TABLE orders (id int PRIMARY KEY, region text, rep varchar(20), qty int NOT NULL, price numeric(10,2), weight double precision, big bigint, day date);
INSERT INTO orders VALUES
  (1, 'north', 'ann', 3, 10.50, 1.25, 10000000000, '2024-01-01'),
  (2, 'north', 'bob', 1, 20.00, 2.5, 3, '2024-01-02'),
  (3, 'north', 'ann', 7, 0.05, NULL, 5, '2024-01-02'),
  (4, 'south', 'cid', 10, 300.00, 0.1, 7, '2024-01-03'),
  (5, 'south', NULL, 2, NULL, 0.2, 11, NULL),
  (6, 'east', 'Ann', 4, 42.42, 3.0, 13, '2024-01-05'),
  (7, NULL, 'dee', 5, 1.00, 4.5, 17, '2024-01-05'),
  (8, NULL, 'eve', 6, 0.01, 5.5, 19, '2024-01-06');

-- query avg_int
SELECT region, avg(qty) AS a FROM orders GROUP BY region;

-- query avg_numeric
SELECT region, avg(price) AS a FROM orders GROUP BY region;

-- query avg_float
SELECT region, avg(weight) AS a FROM orders GROUP BY region;

-- query avg_all
SELECT avg(qty) AS q, avg(price) AS p, avg(big) AS b, count(*) AS n FROM orders;

-- query avg_key
-- args: 'north'
-- args: 'south'
-- args: 'west'
SELECT avg(qty) AS a FROM orders WHERE region = $1;

-- query avg_distinct
SELECT region, avg(DISTINCT qty) AS a FROM orders GROUP BY region;

-- query avg_empty
SELECT avg(qty) AS a, avg(price) AS p FROM orders WHERE qty > 1000;

-- query avg_small
SELECT avg(price) AS a FROM orders WHERE price < 1;

-- query avg_expr
SELECT region, avg(qty * 1000) AS a, avg(price * 3) AS b FROM orders GROUP BY region;

-- query avg_window
SELECT id, avg(qty) OVER (PARTITION BY region) AS a FROM orders;

-- query avg_having ordered
SELECT region, avg(qty) AS a FROM orders GROUP BY region HAVING avg(qty) > 3 ORDER BY region;

-- query string_agg_ordered
SELECT region, string_agg(rep, ', ' ORDER BY rep) AS reps FROM orders GROUP BY region;

-- query string_agg_desc
SELECT region, string_agg(rep, ';' ORDER BY rep DESC) AS reps FROM orders GROUP BY region;

-- query string_agg_distinct
SELECT string_agg(DISTINCT rep, '|' ORDER BY rep) AS reps FROM orders;

-- query string_agg_key
-- args: 'north'
-- args: 'nowhere'
SELECT string_agg(rep, '' ORDER BY rep) AS reps FROM orders WHERE region = $1;

-- query string_agg_text
SELECT rep, string_agg(region, '-' ORDER BY region) AS regions FROM orders GROUP BY rep;

-- query distinct_on ordered
SELECT DISTINCT ON (region) region, id, qty FROM orders ORDER BY region, qty DESC, id;

-- query distinct_on_hidden_key ordered
SELECT DISTINCT ON (region) id, rep FROM orders ORDER BY region, id DESC;

-- query distinct_on_two_keys ordered
SELECT DISTINCT ON (region, rep) region, rep, id FROM orders ORDER BY region, rep, id;

-- query distinct_on_alias ordered
SELECT DISTINCT ON (r) region AS r, id, price FROM orders ORDER BY r DESC, price NULLS FIRST, id;

-- query distinct_on_param ordered
-- args: 'ann'
-- args: 'bob'
SELECT DISTINCT ON (region) region, id FROM orders WHERE rep = $1 ORDER BY region, id DESC;

-- query numeric_div
SELECT id, price / 3 AS third, price / qty AS each, qty / 4.0 AS q FROM orders;

-- query numeric_div_scale
SELECT id, 0.00 / qty AS z, big / 3.0 AS b, -2.00 / qty AS n FROM orders;

-- query distinct_on_limit ordered
SELECT DISTINCT ON (region) region, id FROM orders ORDER BY region NULLS FIRST, id DESC LIMIT 3;

-- query distinct_on_expr ordered
SELECT DISTINCT ON (qty % 2) qty % 2 AS parity, id FROM orders ORDER BY qty % 2, id;

-- query distinct_on_grouped ordered
SELECT DISTINCT ON (region) region, rep, count(*) AS n FROM orders GROUP BY region, rep ORDER BY region, count(*) DESC, rep;

-- writes
INSERT INTO orders VALUES (9, 'west', 'fay', 9, 99.99, 6.25, 23, '2024-02-01');
UPDATE orders SET region = 'north' WHERE id = 7;
UPDATE orders SET qty = qty + 10 WHERE rep = 'ann';
DELETE FROM orders WHERE id = 4;

-- writes
UPDATE orders SET rep = NULL WHERE id = 2;
UPDATE orders SET price = 0.00 WHERE id = 6;
INSERT INTO orders VALUES (10, 'south', 'Bob', 1, 0.01, NULL, 29, '2024-02-02');
DELETE FROM orders WHERE id = 8;
