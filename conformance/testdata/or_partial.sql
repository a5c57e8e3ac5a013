# A parameter under OR with partial state: each disjunct's rows are kept in a reader of its
# own, keyed by the disjunct's conditions and filled on demand, and a read merges the
# branches (a row several disjuncts select once, identical base rows as often as they are).
# Aggregates over such a WHERE are computed at read time over the rows the branches keep:
# COUNT, SUM, AVG, MIN and MAX, grouped or not, with HAVING, ORDER BY, DISTINCT and LIMIT.
# Every case is read before the writes (filling the keys), then after each block of
# writes, which reach the filled keys and the holes alike.

-- setup
CREATE TABLE orders (
  id INT NOT NULL PRIMARY KEY,
  customer INT,
  seller INT,
  region VARCHAR(10),
  qty INT,
  price DECIMAL(8,2),
  weight DOUBLE
);
CREATE TABLE items (
  order_id INT,
  sku VARCHAR(10),
  n INT
);
CREATE TABLE customers (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(10),
  tier INT
);
INSERT INTO orders VALUES
  (1, 1, 1, 'north', 2, 10.00, 1.5),
  (2, 1, 2, 'south', 1, 5.50, NULL),
  (3, 2, 1, 'north', NULL, 7.25, 2.0),
  (4, 3, NULL, 'east', 4, NULL, 0.5),
  (5, NULL, 2, 'south', 3, 2.00, 1.0),
  (6, 2, 3, NULL, 5, 12.00, 3.5),
  (7, 4, 1, 'west', 2, 10.00, 1.5);
INSERT INTO items VALUES
  (1, 'a', 1), (1, 'a', 1), (2, 'b', 2), (3, 'a', 5), (4, NULL, 1), (6, 'c', NULL), (6, 'c', NULL);
INSERT INTO customers VALUES (1, 'ann', 1), (2, 'bob', 2), (3, 'cy', 1), (4, 'dee', NULL);

-- query rows_overlapping_branches
-- args: 1, 1
-- args: 2, 1
-- args: NULL, 2
-- args: 3, NULL
-- args: NULL, NULL
-- args: 9, 9
SELECT id, qty FROM orders WHERE customer = ? OR seller = ?;

-- query rows_identical_base_rows
-- args: 1, 'a'
-- args: 6, 'c'
-- args: 2, 'a'
-- args: NULL, 'c'
SELECT order_id, sku, n FROM items WHERE order_id = ? OR sku = ?;

-- query rows_order_limit ordered
-- args: 1, 2
-- args: 2, 1
-- args: 3, 3
SELECT id, price FROM orders WHERE customer = ? OR seller = ? ORDER BY price DESC, id LIMIT 3;

-- query rows_collation_overlap
-- args: 'SOUTH', 2
-- args: 'North', 1
SELECT id FROM orders WHERE region = ? OR seller = ?;

-- query count_star
-- args: 1, 1
-- args: 2, 3
-- args: NULL, 2
-- args: NULL, NULL
-- args: 9, 9
SELECT COUNT(*) FROM orders WHERE customer = ? OR seller = ?;

-- query count_sum_avg_min_max
-- args: 1, 1
-- args: 2, 2
-- args: 3, NULL
-- args: 9, 9
SELECT COUNT(qty), SUM(qty), AVG(price), MIN(region), MAX(weight), SUM(weight) FROM orders WHERE customer = ? OR seller = ?;

-- query count_over_identical_rows
-- args: 1, 'a'
-- args: 6, 'c'
-- args: NULL, 'b'
SELECT COUNT(*), SUM(n), COUNT(n) FROM items WHERE order_id = ? OR sku = ?;

-- query grouped ordered
-- args: 1, 1
-- args: 2, 2
-- args: 4, 3
SELECT region, COUNT(*), SUM(price) FROM orders WHERE customer = ? OR seller = ? GROUP BY region ORDER BY region;

-- query grouped_having_order_limit ordered
-- args: 1, 1
-- args: 2, 1
SELECT seller, COUNT(*) AS c, AVG(qty) FROM orders WHERE customer = ? OR seller IN (?, 2) GROUP BY seller HAVING COUNT(*) >= 1 ORDER BY c DESC, seller LIMIT 2;

-- query grouped_by_or_column ordered
-- args: 1, 1
-- args: 2, 3
SELECT customer, MAX(qty), MIN(price) FROM orders WHERE customer = ? OR seller = ? GROUP BY customer ORDER BY customer;

-- query distinct_aggregate_rows
-- args: 1, 1
SELECT DISTINCT COUNT(*) FROM orders WHERE customer = ? OR seller = ? GROUP BY region;

-- query aggregate_expression
-- args: 1, 2
-- args: 3, 3
SELECT COUNT(*) * 2 + 1, SUM(qty) - MIN(qty) FROM orders WHERE customer = ? OR seller = ?;

-- query aggregate_with_and_outside_or
-- args: 'north', 1, 2
-- args: 'south', 1, 2
SELECT COUNT(*), SUM(qty) FROM orders WHERE region = ? AND (customer = ? OR seller = ?);

-- query aggregate_over_join ordered
-- args: 1, 1
-- args: 2, 2
SELECT c.tier, COUNT(*), SUM(o.qty) FROM orders o JOIN customers c ON c.id = o.customer WHERE c.tier = ? OR o.seller = ? GROUP BY c.tier ORDER BY c.tier;

-- query aggregate_three_disjuncts
-- args: 1, 2, 'east'
-- args: 4, 4, 'north'
SELECT COUNT(*), MAX(id) FROM orders WHERE customer = ? OR seller = ? OR region = ?;

-- query count_distinct_under_or unsupported
-- args: 1, 1
SELECT COUNT(DISTINCT region) FROM orders WHERE customer = ? OR seller = ?;

-- writes
INSERT INTO orders VALUES (8, 1, 1, 'north', 6, 1.25, 0.25), (9, NULL, NULL, NULL, NULL, NULL, NULL);
UPDATE orders SET seller = 1 WHERE id = 5;
INSERT INTO items VALUES (1, 'a', 1), (7, 'b', 3);

-- writes
DELETE FROM orders WHERE id = 1;
UPDATE orders SET customer = NULL, region = 'north' WHERE id = 2;
DELETE FROM items WHERE order_id = 6;
UPDATE customers SET tier = 1 WHERE id = 4;
