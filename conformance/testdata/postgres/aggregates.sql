# Aggregates and grouping in PostgreSQL's dialect: count, sum (bigint sums of integers,
# numeric sums keep their scale), min/max on text byte order, GROUP BY text with case,
# HAVING, DISTINCT aggregates, keyed groups.
-- setup
CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, rep text, amount numeric(12,2) NOT NULL, units int, day date);
INSERT INTO sales VALUES
  (1, 'north', 'ann', 100.50, 3, '2024-01-01'), (2, 'North', 'bob', 20.00, 1, '2024-01-02'),
  (3, 'north', 'ann', 5.25, NULL, '2024-01-02'), (4, 'south', 'cid', 300.00, 10, '2024-01-03'),
  (5, 'south', NULL, 0.75, 2, NULL), (6, 'east', 'Ann', 42.42, 4, '2024-01-05'),
  (7, 'NORTH', 'bob', 10.10, 1, '2024-01-05'), (8, 'east', 'ann', 1.00, 0, '2024-01-06');

-- query count_all
SELECT count(*) AS n FROM sales;

-- query group_region
SELECT region, count(*) AS n, sum(amount) AS total FROM sales GROUP BY region;

-- query group_region_key
-- args: 'north'
-- args: 'North'
-- args: 'west'
SELECT region, count(*) AS n, sum(amount) AS total FROM sales WHERE region = $1 GROUP BY region;

-- query group_rep
SELECT rep, sum(units) AS u FROM sales GROUP BY rep;

-- query group_two
SELECT region, rep, count(*) AS n FROM sales GROUP BY region, rep;

-- query having_count
SELECT region, count(*) AS n FROM sales GROUP BY region HAVING count(*) > 1;

-- query having_sum
SELECT rep, sum(amount) AS s FROM sales GROUP BY rep HAVING sum(amount) > 20;

-- query count_distinct
SELECT count(DISTINCT region) AS regions, count(DISTINCT rep) AS reps FROM sales;

-- query count_distinct_grouped
SELECT region, count(DISTINCT rep) AS reps FROM sales GROUP BY region;

-- query sum_distinct
SELECT sum(DISTINCT units) AS u FROM sales;

-- query min_max_text
SELECT min(region) AS lo, max(region) AS hi, min(rep) AS r FROM sales;

-- query min_max_grouped
SELECT rep, min(amount) AS lo, max(amount) AS hi FROM sales GROUP BY rep;

-- query sum_int_group
SELECT region, sum(units) AS u, count(units) AS c FROM sales GROUP BY region;

-- query group_day
SELECT day, sum(amount) AS s FROM sales GROUP BY day;

-- query group_expr_lower
SELECT lower(region) AS r, sum(amount) AS s FROM sales GROUP BY lower(region);

-- query group_order ordered
SELECT region, sum(amount) AS s FROM sales GROUP BY region ORDER BY region;

-- query group_order_by_agg ordered
SELECT rep, sum(amount) AS s FROM sales GROUP BY rep ORDER BY s DESC, rep;

-- query group_order_limit ordered
SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY n DESC, region LIMIT 2;

-- query scalar_agg_where
SELECT sum(amount) AS s, max(units) AS m FROM sales WHERE region = 'north';

-- query scalar_agg_empty
SELECT count(*) AS n, sum(amount) AS s FROM sales WHERE region = 'nowhere';

-- query scalar_agg_key
-- args: 'ann'
-- args: 'zed'
SELECT count(*) AS n, sum(amount) AS s, min(day) AS first FROM sales WHERE rep = $1;

-- query agg_arith
SELECT region, sum(amount) * 2 AS dbl, sum(units) / 2 AS half FROM sales GROUP BY region;

-- query agg_case
SELECT region, sum(CASE WHEN units > 2 THEN 1 ELSE 0 END) AS big FROM sales GROUP BY region;

-- query agg_coalesce
SELECT rep, coalesce(sum(units), 0) AS u FROM sales GROUP BY rep;

-- query group_bool
SELECT amount > 50 AS large, count(*) AS n FROM sales GROUP BY amount > 50;

-- query distinct_rows
SELECT DISTINCT region, rep FROM sales;

-- query distinct_order ordered
SELECT DISTINCT region FROM sales ORDER BY region;

-- query distinct_order_desc ordered
SELECT DISTINCT rep FROM sales ORDER BY rep DESC;

-- writes
INSERT INTO sales VALUES (9, 'west', 'dee', 99.99, 9, '2024-02-01');
UPDATE sales SET region = 'north' WHERE id = 7;
UPDATE sales SET amount = amount + 0.01 WHERE rep = 'ann';
DELETE FROM sales WHERE id = 4;

-- writes
UPDATE sales SET rep = NULL WHERE id = 2;
INSERT INTO sales VALUES (10, 'North', 'Bob', 0.01, NULL, '2024-02-02');
