# Grouping and aggregates: COUNT(*), COUNT(col), COUNT(DISTINCT), SUM and AVG over integers,
# decimals and doubles, MIN, MAX, GROUP_CONCAT, HAVING, DISTINCT, scalar aggregates over
# empty inputs, and case-insensitive grouping. Group representatives of case-variant strings
# are not determined by SQL, so those groups are shown through LOWER() or not shown at all.

-- setup
CREATE TABLE sales (
  id INT NOT NULL PRIMARY KEY,
  region VARCHAR(20),
  product VARCHAR(20),
  rep VARCHAR(20),
  qty INT,
  amount DECIMAL(10,2),
  ratio DOUBLE,
  sold DATE
);
INSERT INTO sales VALUES
  (1, 'north', 'widget', 'ann', 10, 100.00, 0.5, '2024-01-05'),
  (2, 'North', 'widget', 'bo', 5, 49.99, 0.25, '2024-01-06'),
  (3, 'NORTH', 'gadget', 'ann', NULL, 20.50, NULL, '2024-02-10'),
  (4, 'south', 'widget', 'cy', 7, NULL, 1.5, '2024-02-11'),
  (5, 'south', 'gizmo', 'cy', -2, -15.25, -0.75, NULL),
  (6, 'east', 'gadget', 'dee', 0, 0.00, 0, '2024-03-01'),
  (7, NULL, 'widget', 'ann', 3, 30.00, 0.1, '2024-03-02'),
  (8, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (9, 'east', 'gizmo', 'bo', 12, 1.10, 2.2, '2024-03-15'),
  (10, 'south', 'widget', 'bo', 7, 70.00, 0.3, '2024-01-05'),
  (11, 'west', 'gadget', 'eli', 1, 9.99, 1e-3, '2023-12-31'),
  (12, 'north', 'gizmo', 'dee', 4, 44.44, 3.3333, '2024-02-29'),
  (13, 'east', 'widget', 'cy', 7, 70.00, 0.3, '2024-01-05');

-- query count_star_all
SELECT COUNT(*) AS n FROM sales;

-- query count_col_all
SELECT COUNT(qty) AS q, COUNT(amount) AS a, COUNT(region) AS r FROM sales;

-- query count_distinct_all
SELECT COUNT(DISTINCT region) AS regions, COUNT(DISTINCT product) AS products FROM sales;

-- query sum_avg_all
SELECT SUM(qty) AS s, AVG(qty) AS a FROM sales;

-- query sum_avg_decimal_all
SELECT SUM(amount) AS s, AVG(amount) AS a FROM sales;

-- query sum_avg_double_all
SELECT SUM(ratio) AS s, AVG(ratio) AS a FROM sales;

-- query min_max_all
SELECT MIN(qty) AS lo, MAX(qty) AS hi, MIN(amount) AS alo, MAX(amount) AS ahi, MIN(sold) AS first, MAX(sold) AS last FROM sales;

-- query group_by_product
SELECT product, COUNT(*) AS n FROM sales GROUP BY product;

-- query group_by_product_all_aggs
SELECT product, COUNT(*) AS n, COUNT(qty) AS nq, SUM(qty) AS sq, AVG(qty) AS aq, MIN(qty) AS mn, MAX(qty) AS mx FROM sales GROUP BY product;

-- query group_by_product_decimal
SELECT product, SUM(amount) AS s, AVG(amount) AS a, MIN(amount) AS mn, MAX(amount) AS mx FROM sales GROUP BY product;

-- query group_by_product_double
SELECT product, SUM(ratio) AS s, AVG(ratio) AS a, MIN(ratio) AS mn, MAX(ratio) AS mx FROM sales GROUP BY product;

-- query group_by_region_ci_counts
SELECT COUNT(*) AS n, SUM(qty) AS s FROM sales GROUP BY region;

-- query group_by_region_ci_lower
SELECT LOWER(region) AS r, COUNT(*) AS n FROM sales GROUP BY region;

-- query group_by_lower_expression
SELECT LOWER(region) AS r, SUM(amount) AS s FROM sales GROUP BY LOWER(region);

-- query group_by_two_columns
SELECT product, rep, COUNT(*) AS n, SUM(qty) AS s FROM sales GROUP BY product, rep;

-- query group_by_null_group
SELECT rep, COUNT(*) AS n, COUNT(rep) AS nr FROM sales GROUP BY rep;

-- query group_by_date
SELECT sold, COUNT(*) AS n FROM sales GROUP BY sold;

-- query group_by_param
-- args: 'widget'
-- args: 'GIZMO'
-- args: 'none'
SELECT product, COUNT(*) AS n, SUM(amount) AS s FROM sales WHERE product = ? GROUP BY product;

-- query group_by_param_other_column
-- args: 'ann'
-- args: 'bo'
SELECT product, COUNT(*) AS n FROM sales WHERE rep = ? GROUP BY product;

-- query scalar_count_param
-- args: 'ann'
-- args: 'nobody'
-- args: NULL
SELECT COUNT(*) AS n FROM sales WHERE rep = ?;

-- query scalar_aggs_param_empty
-- args: 'cy'
-- args: 'nobody'
SELECT COUNT(*) AS n, COUNT(qty) AS nq, SUM(qty) AS s, AVG(amount) AS a, MIN(sold) AS mn, MAX(ratio) AS mx FROM sales WHERE rep = ?;

-- query scalar_count_filter_empty
SELECT COUNT(*) AS n, SUM(qty) AS s FROM sales WHERE qty > 1000;

-- query scalar_count_literal_key
SELECT COUNT(*) AS n FROM sales WHERE product = 'widget';

-- query count_distinct_group
SELECT product, COUNT(DISTINCT rep) AS reps, COUNT(DISTINCT qty) AS qtys FROM sales GROUP BY product;

-- query count_distinct_ci
-- args: 'widget'
-- args: 'gadget'
SELECT COUNT(DISTINCT region) AS r FROM sales WHERE product = ?;

-- query count_distinct_param
-- args: 'widget'
-- args: 'gizmo'
SELECT COUNT(DISTINCT amount) AS n FROM sales WHERE product = ?;

-- query sum_distinct
SELECT product, SUM(DISTINCT qty) AS s FROM sales GROUP BY product;

-- query avg_distinct
SELECT product, AVG(DISTINCT amount) AS a FROM sales GROUP BY product;

-- query group_concat_ordered
SELECT product, GROUP_CONCAT(id ORDER BY id) AS ids FROM sales GROUP BY product;

-- query group_concat_desc
SELECT product, GROUP_CONCAT(qty ORDER BY qty DESC) AS qs FROM sales GROUP BY product;

-- query group_concat_separator
SELECT product, GROUP_CONCAT(rep ORDER BY rep SEPARATOR '|') AS reps FROM sales GROUP BY product;

-- query group_concat_distinct
SELECT product, GROUP_CONCAT(DISTINCT rep ORDER BY rep) AS reps FROM sales GROUP BY product;

-- query group_concat_param
-- args: 'widget'
-- args: 'none'
SELECT GROUP_CONCAT(amount ORDER BY amount) AS amounts FROM sales WHERE product = ?;

-- query group_concat_all_null
-- args: 3
-- args: 8
SELECT id, GROUP_CONCAT(qty ORDER BY qty) AS q FROM sales WHERE id = ? GROUP BY id;

-- query having_count
SELECT product, COUNT(*) AS n FROM sales GROUP BY product HAVING COUNT(*) > 3;

-- query having_alias
SELECT product, SUM(qty) AS s FROM sales GROUP BY product HAVING s > 10;

-- query having_other_aggregate
SELECT product, COUNT(*) AS n FROM sales GROUP BY product HAVING MAX(amount) >= 70;

-- query having_on_group_column
SELECT rep, COUNT(*) AS n FROM sales GROUP BY rep HAVING rep IS NOT NULL AND rep <> 'ann';

-- query having_with_where
SELECT product, AVG(amount) AS a FROM sales WHERE qty > 0 GROUP BY product HAVING AVG(amount) > 40;

-- query having_param_group
-- args: 'widget'
-- args: 'gadget'
SELECT product, COUNT(*) AS n FROM sales WHERE product = ? GROUP BY product HAVING COUNT(*) > 2;

-- query distinct_single
SELECT DISTINCT product FROM sales;

-- query distinct_multi
SELECT DISTINCT product, rep FROM sales;

-- query distinct_numbers
SELECT DISTINCT qty FROM sales;

-- query distinct_decimal_scale
SELECT DISTINCT amount FROM sales WHERE amount >= 70;

-- query distinct_expression
SELECT DISTINCT LOWER(region) AS r FROM sales;

-- query distinct_param
-- args: 'widget'
SELECT DISTINCT rep FROM sales WHERE product = ?;

-- query aggregate_expression_argument
SELECT product, SUM(qty * amount) AS revenue, MAX(qty + 1) AS m FROM sales GROUP BY product;

-- query aggregate_of_case
SELECT product, SUM(CASE WHEN qty > 5 THEN 1 ELSE 0 END) AS big, COUNT(CASE WHEN amount IS NULL THEN 1 END) AS missing FROM sales GROUP BY product;

-- query expression_over_aggregates
SELECT product, SUM(amount) / COUNT(*) AS mean, MAX(qty) - MIN(qty) AS spread FROM sales GROUP BY product;

-- query avg_int_scale
SELECT rep, AVG(qty) AS a FROM sales GROUP BY rep;

-- query sum_int_negative
SELECT region IS NULL AS unknown, SUM(qty) AS s FROM sales GROUP BY region IS NULL;

-- query min_max_strings
SELECT product, MIN(rep) AS first_rep, MAX(rep) AS last_rep FROM sales GROUP BY product;

-- query min_max_dates_group
SELECT product, MIN(sold) AS first, MAX(sold) AS last FROM sales GROUP BY product;

-- query min_max_param
-- args: 'widget'
-- args: 'none'
SELECT MIN(amount) AS lo, MAX(amount) AS hi FROM sales WHERE product = ?;

-- query count_group_by_expression
SELECT qty > 5 AS big, COUNT(*) AS n FROM sales GROUP BY qty > 5;

-- query aggregate_over_join_free_filter
SELECT product, COUNT(*) AS n FROM sales WHERE region = 'north' GROUP BY product;

-- writes
UPDATE sales SET qty = qty + 10 WHERE product = 'widget';
UPDATE sales SET amount = NULL WHERE id = 1;
DELETE FROM sales WHERE id IN (6, 9);
INSERT INTO sales VALUES
  (14, 'North', 'widget', 'ann', 1, 1.00, 1, '2024-04-01'),
  (15, 'west', 'gizmo', 'eli', NULL, 5.55, NULL, '2024-04-02'),
  (16, 'WEST', 'doohickey', 'fay', 2, 2.00, 0.5, '2024-04-03');
UPDATE sales SET rep = 'bo' WHERE id = 13;
UPDATE sales SET region = 'south', product = 'gadget' WHERE id = 8;

-- writes
DELETE FROM sales WHERE product = 'gadget';
UPDATE sales SET ratio = ratio * 2 WHERE ratio IS NOT NULL;
UPDATE sales SET qty = NULL WHERE rep = 'cy';
INSERT INTO sales VALUES (6, 'east', 'gadget', 'dee', 100, 999.99, 9.5, '2024-05-01');
DELETE FROM sales WHERE rep = 'nobody';
