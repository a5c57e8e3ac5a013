# Read-time combination of several lookups: an aggregate over an IN list of parameters on a
# column it is not grouped by (each key's groups are kept by the view and combined when
# read: COUNT and SUM add, MIN and MAX keep the extreme, AVG divides the combined SUM by the
# combined COUNT), with GROUP BY other columns, HAVING, ORDER BY, LIMIT/OFFSET and DISTINCT
# applied after combining; and ORDER BY … LIMIT across the keys of an IN list without
# aggregates (a top-k per key, then a merge). NULL arguments match nothing, repeated and
# collation-equal arguments count once, and an aggregate without GROUP BY returns its one
# row even when no key has rows.

-- setup
CREATE TABLE shops (
  id INT NOT NULL PRIMARY KEY,
  city VARCHAR(10),
  manager VARCHAR(10)
);
CREATE TABLE sales (
  id INT NOT NULL PRIMARY KEY,
  region VARCHAR(10),
  shop INT,
  product VARCHAR(10) NOT NULL,
  qty INT,
  price DECIMAL(8,2),
  weight DOUBLE,
  sold DATE
);
INSERT INTO shops VALUES
  (1, 'oslo', 'ann'),
  (2, 'oslo', 'bob'),
  (3, 'rome', NULL),
  (4, NULL, 'dan'),
  (5, 'lima', 'eve');
INSERT INTO sales VALUES
  (1, 'north', 1, 'apple', 3, 1.50, 0.25, '2024-01-03'),
  (2, 'north', 1, 'pear', 1, 2.25, 1.5, '2024-02-10'),
  (3, 'south', 1, 'apple', NULL, 1.75, NULL, '2023-12-31'),
  (4, 'south', 2, 'plum', 7, NULL, 2.125, NULL),
  (5, NULL, 2, 'apple', 2, 1.50, 0.5, '2024-03-01'),
  (6, 'east', 2, 'pear', 4, 3.10, 1.25, '2024-01-03'),
  (7, 'north', 3, 'apple', 5, 0.99, 0.75, '2022-06-15'),
  (8, 'west', 3, 'fig', NULL, NULL, NULL, NULL),
  (9, 'north', 4, 'plum', 6, 2.00, 3.5, '2024-05-05'),
  (10, 'south', NULL, 'apple', 9, 9.99, 9.0, '2024-01-01'),
  (11, 'east', 4, 'fig', 1, 0.33, 0.1, '2024-04-04'),
  (12, 'west', 1, 'plum', 2, 4.44, 2.0, '2024-02-29');

-- query scalar_count
-- args: 1, 2
-- args: 1, 1
-- args: 3, 99
-- args: 98, 99
-- args: NULL, 1
-- args: NULL, NULL
SELECT COUNT(*) AS n FROM sales WHERE shop IN (?, ?);

-- query scalar_int_aggregates
-- args: 1, 2, 3
-- args: 1, 2, 1
-- args: 3, 4, 99
-- args: 97, 98, 99
SELECT COUNT(*), COUNT(qty), SUM(qty), MIN(qty), MAX(qty), AVG(qty) FROM sales WHERE shop IN (?, ?, ?);

-- query scalar_decimal_aggregates
-- args: 1, 2
-- args: 3, 4
-- args: 2, 3
-- args: 50, 60
SELECT SUM(price), AVG(price), MIN(price), MAX(price), COUNT(price) FROM sales WHERE shop IN (?, ?);

-- query scalar_double_aggregates
-- args: 1, 2
-- args: 3, 4
-- args: 8, 9
SELECT SUM(weight), AVG(weight), MIN(weight), MAX(weight) FROM sales WHERE shop IN (?, ?);

-- query scalar_string_extremes
-- args: 1, 2
-- args: 3, 4
-- args: 4, 5
SELECT MIN(product), MAX(product), MIN(region), MAX(region) FROM sales WHERE shop IN (?, ?);

-- query scalar_date_extremes
-- args: 1, 3
-- args: 2, 4
-- args: 5, 6
SELECT MIN(sold), MAX(sold), COUNT(sold) FROM sales WHERE shop IN (?, ?);

-- query scalar_literal_and_param
-- args: 1
-- args: 2
-- args: NULL
-- args: 77
SELECT COUNT(*), SUM(qty) FROM sales WHERE shop IN (?, 2);

-- query scalar_four_keys_on_primary_key
-- args: 1, 2, 3, 4
-- args: 1, 1, 1, 1
-- args: 8, 10, 11, 100
-- args: 100, 101, 102, 103
SELECT COUNT(*), SUM(qty), AVG(price), MAX(sold) FROM sales WHERE id IN (?, ?, ?, ?);

-- query scalar_expressions_over_aggregates
-- args: 1, 2
-- args: 3, 4
-- args: 70, 80
SELECT COUNT(*) * 2 + 1 AS c, SUM(qty) / COUNT(*) AS per, MAX(qty) - MIN(qty) AS spread, COALESCE(SUM(price), 0) AS total FROM sales WHERE shop IN (?, ?);

-- query scalar_avg_of_expression
-- args: 1, 2
-- args: 2, 4
-- args: 3, 6
SELECT AVG(qty * price), SUM(qty * price), AVG(weight * 2) FROM sales WHERE shop IN (?, ?);

-- query scalar_sum_case
-- args: 1, 2
-- args: 3, 4
SELECT SUM(CASE WHEN product = 'apple' THEN qty ELSE 0 END) AS apples, COUNT(CASE WHEN qty > 2 THEN 1 END) AS big FROM sales WHERE shop IN (?, ?);

-- query scalar_count_constant
-- args: 1, 3
-- args: 60, 61
SELECT COUNT(1), COUNT(id), COUNT(region) FROM sales WHERE shop IN (?, ?);

-- query scalar_with_literal_filter
-- args: 1, 2
-- args: 3, 4
SELECT COUNT(*), SUM(qty), MIN(price) FROM sales WHERE shop IN (?, ?) AND qty > 1;

-- query scalar_having_count
-- args: 1, 2
-- args: 3, 5
-- args: 90, 91
SELECT COUNT(*) AS n FROM sales WHERE shop IN (?, ?) HAVING COUNT(*) > 2;

-- query scalar_having_true_on_no_rows
-- args: 90, 91
-- args: 1, 90
SELECT COUNT(*) AS n, SUM(qty) AS s FROM sales WHERE shop IN (?, ?) HAVING COUNT(*) = 0;

-- query scalar_having_sum_null
-- args: 3, 99
-- args: 2, 3
SELECT COUNT(*) AS n FROM sales WHERE shop IN (?, ?) HAVING SUM(price) IS NULL;

-- query scalar_string_key
-- args: 'north', 'south'
-- args: 'north', 'NORTH'
-- args: 'north ', 'south'
-- args: 'east', NULL
-- args: 'nowhere', 'void'
SELECT COUNT(*), SUM(qty), AVG(weight), MIN(product) FROM sales WHERE region IN (?, ?);

-- query scalar_eq_and_in
-- args: 'apple', 1, 2
-- args: 'plum', 2, 4
-- args: 'fig', 1, 2
-- args: NULL, 1, 2
SELECT COUNT(*), SUM(qty), MAX(price) FROM sales WHERE product = ? AND shop IN (?, ?);

-- query scalar_two_in_lists
-- args: 'apple', 'pear', 1, 2
-- args: 'apple', 'apple', 1, 3
-- args: 'fig', 'plum', 3, 4
SELECT COUNT(*), SUM(qty), MIN(sold) FROM sales WHERE product IN (?, ?) AND shop IN (?, ?);

-- query scalar_in_on_date
-- args: '2024-01-03', '2024-02-10'
-- args: '2024-01-03', '2022-06-15'
-- args: '1999-01-01', '2000-01-01'
SELECT COUNT(*), SUM(qty), MAX(product) FROM sales WHERE sold IN (?, ?);

-- query scalar_in_on_decimal
-- args: 1.50, 2.00
-- args: 1.5, 1.50
-- args: 0.99, 9.99
SELECT COUNT(*), SUM(weight), MIN(id) FROM sales WHERE price IN (?, ?);

-- query group_product_count_sum
-- args: 1, 2
-- args: 3, 4
-- args: 1, 99
-- args: 90, 91
SELECT product, COUNT(*), SUM(qty) FROM sales WHERE shop IN (?, ?) GROUP BY product;

-- query group_product_all_aggregates
-- args: 1, 2, 4
-- args: 1, 3, 3
SELECT product, COUNT(qty), SUM(price), AVG(price), AVG(qty), AVG(weight), MIN(sold), MAX(region) FROM sales WHERE shop IN (?, ?, ?) GROUP BY product;

-- query group_region_with_null_group
-- args: 1, 2
-- args: 2, 4
SELECT region, COUNT(*), SUM(qty) FROM sales WHERE shop IN (?, ?) GROUP BY region;

-- query group_having_count
-- args: 1, 2
-- args: 1, 3
-- args: 3, 4
SELECT product, COUNT(*) AS n FROM sales WHERE shop IN (?, ?) GROUP BY product HAVING COUNT(*) > 1;

-- query group_having_unselected_aggregate
-- args: 1, 2
-- args: 3, 4
SELECT product, SUM(qty) AS q FROM sales WHERE shop IN (?, ?) GROUP BY product HAVING MAX(price) > 2;

-- query group_having_avg
-- args: 1, 2
-- args: 1, 4
SELECT product, AVG(qty) AS a FROM sales WHERE shop IN (?, ?) GROUP BY product HAVING AVG(qty) >= 3;

-- query group_having_alias
-- args: 1, 2
-- args: 2, 3
SELECT product, SUM(qty) AS q FROM sales WHERE shop IN (?, ?) GROUP BY product HAVING q > 4;

-- query group_order_by_aggregate_limit ordered
-- args: 1, 2
-- args: 1, 4
-- args: 3, 99
SELECT product, SUM(qty) AS q FROM sales WHERE shop IN (?, ?) GROUP BY product ORDER BY q DESC, product LIMIT 2;

-- query group_order_limit_offset ordered
-- args: 1, 2
-- args: 2, 4
SELECT product, COUNT(*) AS n FROM sales WHERE shop IN (?, ?) GROUP BY product ORDER BY product LIMIT 1, 2;

-- query group_order_offset_past_end ordered
-- args: 1, 2
SELECT product, COUNT(*) AS n FROM sales WHERE shop IN (?, ?) GROUP BY product ORDER BY product DESC LIMIT 2 OFFSET 10;

-- query group_order_by_unselected_aggregate ordered
-- args: 1, 2
-- args: 1, 3
SELECT product FROM sales WHERE shop IN (?, ?) GROUP BY product ORDER BY COUNT(*) DESC, product;

-- query group_order_by_avg ordered
-- args: 1, 2
-- args: 2, 3
SELECT product, AVG(price) AS ap FROM sales WHERE shop IN (?, ?) GROUP BY product ORDER BY AVG(price), product;

-- query group_order_having_limit ordered
-- args: 1, 2, 3
-- args: 1, 2, 4
SELECT product, SUM(qty) AS q, COUNT(*) AS n FROM sales WHERE shop IN (?, ?, ?) GROUP BY product HAVING COUNT(*) >= 1 ORDER BY n DESC, product LIMIT 3;

-- query group_distinct_counts
-- args: 1, 2
-- args: 3, 4
SELECT DISTINCT COUNT(*) AS n FROM sales WHERE shop IN (?, ?) GROUP BY product;

-- query group_distinct_ordered ordered
-- args: 1, 2
-- args: 1, 4
SELECT DISTINCT COUNT(*) AS n FROM sales WHERE shop IN (?, ?) GROUP BY region ORDER BY n DESC;

-- query group_two_columns
-- args: 1, 2
-- args: 1, 4
SELECT product, region, COUNT(*), SUM(weight) FROM sales WHERE shop IN (?, ?) GROUP BY product, region;

-- query group_expression
-- args: 1, 2
-- args: 3, 4
SELECT YEAR(sold) AS y, COUNT(*) AS n, SUM(qty) AS q FROM sales WHERE shop IN (?, ?) GROUP BY YEAR(sold);

-- query group_eq_key_grouped
-- args: 1, 2, 'apple'
-- args: 1, 3, 'apple'
-- args: 1, 2, 'fig'
SELECT product, COUNT(*), AVG(qty) FROM sales WHERE shop IN (?, ?) AND product = ? GROUP BY product;

-- query group_by_string_key_other_column
-- args: 'north', 'south'
-- args: 'north', 'NORTH'
-- args: 'west', 'east'
SELECT product, COUNT(*), MIN(qty) FROM sales WHERE region IN (?, ?) GROUP BY product;

-- query group_by_one_in_list_and_combine_other
-- args: 'apple', 'plum', 1, 2
-- args: 'pear', 'fig', 2, 4
SELECT product, COUNT(*), SUM(qty) FROM sales WHERE product IN (?, ?) AND shop IN (?, ?) GROUP BY product;

-- query group_expression_over_aggregates
-- args: 1, 2
-- args: 3, 4
SELECT product, SUM(qty) * 10 AS q10, MAX(price) - MIN(price) AS spread, COUNT(*) + SUM(qty) AS mixed FROM sales WHERE shop IN (?, ?) GROUP BY product;

-- query join_scalar
-- args: 'oslo', 'rome'
-- args: 'oslo', 'OSLO'
-- args: 'lima', NULL
SELECT COUNT(*), SUM(s.qty), AVG(s.price) FROM sales s JOIN shops h ON h.id = s.shop WHERE h.city IN (?, ?);

-- query join_group_by_city
-- args: 'apple', 'pear'
-- args: 'plum', 'fig'
SELECT h.city, COUNT(*), SUM(s.qty) FROM sales s JOIN shops h ON h.id = s.shop WHERE s.product IN (?, ?) GROUP BY h.city;

-- query join_group_order_limit ordered
-- args: 'apple', 'pear', 'plum'
SELECT h.manager, SUM(s.qty) AS q FROM sales s JOIN shops h ON h.id = s.shop WHERE s.product IN (?, ?, ?) GROUP BY h.manager ORDER BY q DESC, h.manager LIMIT 2;

-- query left_join_counts
-- args: 1, 3, 5
-- args: 4, 5, 6
SELECT COUNT(*), COUNT(s.id), SUM(s.qty) FROM shops h LEFT JOIN sales s ON s.shop = h.id WHERE h.id IN (?, ?, ?);

-- query left_join_group_by_city
-- args: 1, 2, 5
-- args: 3, 4, 5
SELECT h.city, COUNT(s.id) AS n FROM shops h LEFT JOIN sales s ON s.shop = h.id WHERE h.id IN (?, ?, ?) GROUP BY h.city;

-- query shops_by_city_key_count
-- args: 'oslo', 'rome'
-- args: 'lima', 'nowhere'
SELECT COUNT(*), MIN(manager), MAX(id) FROM shops WHERE city IN (?, ?);

-- query count_distinct_across_keys
-- args: 1, 2
SELECT COUNT(DISTINCT product) FROM sales WHERE shop IN (?, ?);

-- query group_concat_across_keys
-- args: 1, 2
SELECT GROUP_CONCAT(product ORDER BY product) FROM sales WHERE shop IN (?, ?);

-- query rows_order_limit ordered
-- args: 1, 2
-- args: 1, 1
-- args: 3, 4
-- args: NULL, 2
SELECT id, qty FROM sales WHERE shop IN (?, ?) ORDER BY qty DESC, id LIMIT 3;

-- query rows_order_limit_offset ordered
-- args: 1, 2
-- args: 2, 4
SELECT id, product FROM sales WHERE shop IN (?, ?) ORDER BY product, id LIMIT 2 OFFSET 2;

-- query rows_order_by_unselected ordered
-- args: 1, 2, 3
-- args: 4, 1, 99
SELECT id FROM sales WHERE shop IN (?, ?, ?) ORDER BY price, id LIMIT 4;

-- query rows_order_nulls_first ordered
-- args: 1, 3
-- args: 2, 4
SELECT id, weight FROM sales WHERE shop IN (?, ?) ORDER BY weight, id LIMIT 3;

-- query rows_order_desc_nulls_last ordered
-- args: 1, 3
SELECT id, qty FROM sales WHERE shop IN (?, ?) ORDER BY qty DESC, id DESC LIMIT 5;

-- query rows_distinct_order_limit ordered
-- args: 1, 2
-- args: 1, 4
SELECT DISTINCT product FROM sales WHERE shop IN (?, ?) ORDER BY product LIMIT 2;

-- query rows_string_keys_order_limit ordered
-- args: 'north', 'south'
-- args: 'north', 'NORTH'
-- args: 'west', 'east'
SELECT id, region FROM sales WHERE region IN (?, ?) ORDER BY id DESC LIMIT 3;

-- query rows_join_order_limit ordered
-- args: 'oslo', 'rome'
SELECT s.id, h.manager FROM sales s JOIN shops h ON h.id = s.shop WHERE h.city IN (?, ?) ORDER BY s.sold DESC, s.id LIMIT 3;

-- query rows_limit_one ordered
-- args: 1, 2, 3, 4
SELECT id, price FROM sales WHERE shop IN (?, ?, ?, ?) ORDER BY price DESC, id LIMIT 1;

-- query rows_order_by_expression ordered
-- args: 1, 2
SELECT id, qty * price AS v FROM sales WHERE shop IN (?, ?) ORDER BY qty * price DESC, id LIMIT 3;

-- writes
INSERT INTO sales VALUES
  (13, 'north', 2, 'apple', 10, 5.00, 4.5, '2024-06-01'),
  (14, 'east', 5, 'kiwi', 3, 1.20, 0.2, '2024-06-02'),
  (15, NULL, NULL, 'pear', NULL, NULL, NULL, NULL);
UPDATE sales SET qty = qty + 1 WHERE product = 'apple';
UPDATE sales SET shop = 3 WHERE id = 2;

-- writes
DELETE FROM sales WHERE id IN (1, 7);
UPDATE sales SET product = 'fig', price = NULL WHERE id = 6;
UPDATE sales SET region = 'south' WHERE id = 9;
INSERT INTO shops VALUES (6, 'rome', 'fay');
UPDATE sales SET shop = 6 WHERE id = 12;

-- writes
DELETE FROM sales WHERE shop = 2;
UPDATE sales SET weight = NULL, qty = NULL WHERE shop = 1;
