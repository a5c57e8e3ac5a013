# State grouped by more than the key, kept partial by the key: an aggregate grouped by
# other columns while `col = ?` fixes the key (the view groups by the key too, as a hidden
# column, and keeps the groups of the keys read), under HAVING, ORDER BY and LIMIT, over a
# join and in a view; and SELECT DISTINCT with a parameter (the key is one of the distinct
# columns, or carried as a hidden one), with ORDER BY and LIMIT, over a join, in a derived
# table and in an IN subquery with a parameter inside. NULL keys match nothing and
# collation-equal arguments read one key. Every case is read before the writes (filling the
# keys), then after each block: writes reach filled keys and holes, make new groups in a
# filled key, empty groups, and move rows from one key to another.

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
CREATE TABLE customers (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(10),
  tier INT
);
CREATE VIEW seller_regions AS
  SELECT seller, region, COUNT(*) AS n, SUM(qty) AS q FROM orders GROUP BY seller, region;
INSERT INTO orders VALUES
  (1, 1, 1, 'north', 2, 10.00, 1.5),
  (2, 1, 2, 'south', 1, 5.50, NULL),
  (3, 2, 1, 'north', NULL, 7.25, 2.0),
  (4, 3, NULL, 'east', 4, NULL, 0.5),
  (5, NULL, 2, 'south', 3, 2.00, 1.0),
  (6, 2, 3, NULL, 5, 12.00, 3.5),
  (7, 4, 1, 'west', 2, 10.00, 1.5),
  (8, 1, 1, 'north', 7, 3.00, 0.25),
  (9, 2, 3, 'east', 1, 1.00, NULL),
  (10, 1, NULL, NULL, NULL, NULL, NULL);
INSERT INTO customers VALUES (1, 'ann', 1), (2, 'bob', 2), (3, 'cy', 1), (4, 'dee', NULL), (5, 'eve', 2);

-- query grouped_by_other_column
-- args: 1
-- args: 2
-- args: 3
-- args: NULL
-- args: 99
SELECT seller, COUNT(*), COUNT(qty), SUM(qty), AVG(price), MIN(weight), MAX(region) FROM orders WHERE customer = ? GROUP BY seller;

-- query grouped_by_two_other_columns ordered
-- args: 1
-- args: 2
SELECT region, seller, SUM(price) AS total FROM orders WHERE customer = ? GROUP BY region, seller ORDER BY region, seller;

-- query grouped_by_expression
-- args: 1
-- args: 2
SELECT qty > 2 AS big, COUNT(*) FROM orders WHERE customer = ? GROUP BY qty > 2;

-- query grouped_collation_key
-- args: 'north'
-- args: 'NORTH'
-- args: 'South'
-- args: 'nowhere'
SELECT seller, COUNT(*) AS n FROM orders WHERE region = ? GROUP BY seller;

-- query grouped_two_keys
-- args: 1, 'north'
-- args: 2, 'east'
-- args: 1, NULL
SELECT seller, COUNT(*) FROM orders WHERE customer = ? AND region = ? GROUP BY seller;

-- query grouped_having ordered
-- args: 1
-- args: 2
-- args: 4
SELECT seller, COUNT(*) AS n FROM orders WHERE customer = ? GROUP BY seller HAVING COUNT(*) > 1 OR seller IS NULL ORDER BY seller;

-- query grouped_top_k ordered
-- args: 1
-- args: 2
-- args: 3
SELECT seller, SUM(qty) AS q FROM orders WHERE customer = ? GROUP BY seller ORDER BY q DESC, seller LIMIT 2;

-- query grouped_concat
-- args: 1
-- args: 2
SELECT seller, GROUP_CONCAT(region ORDER BY region), COUNT(DISTINCT region) FROM orders WHERE customer = ? GROUP BY seller;

-- query grouped_over_join
-- args: 1
-- args: 2
-- args: 3
SELECT c.name, COUNT(*) AS n, SUM(o.qty) AS q FROM orders o JOIN customers c ON c.id = o.customer WHERE o.seller = ? GROUP BY c.name;

-- query grouped_key_on_joined_table
-- args: 1
-- args: 2
-- args: NULL
SELECT o.region, COUNT(*) AS n FROM orders o JOIN customers c ON c.id = o.customer WHERE c.tier = ? GROUP BY o.region;

-- query grouped_view_by_key
-- args: 1
-- args: 2
-- args: NULL
SELECT region, n, q FROM seller_regions WHERE seller = ?;

-- query grouped_derived_by_key
-- args: 1
-- args: 3
SELECT seller, n FROM (SELECT customer, seller, COUNT(*) AS n FROM orders GROUP BY customer, seller) t WHERE customer = ?;

-- query distinct_other_column
-- args: 1
-- args: 2
-- args: NULL
-- args: 99
SELECT DISTINCT region FROM orders WHERE customer = ?;

-- query distinct_with_key_column
-- args: 1
-- args: 2
SELECT DISTINCT customer, seller FROM orders WHERE customer = ?;

-- query distinct_key_second ordered
-- args: 1
-- args: 3
SELECT DISTINCT seller, customer FROM orders WHERE seller = ? ORDER BY customer;

-- query distinct_order_limit ordered
-- args: 1
-- args: 2
SELECT DISTINCT seller FROM orders WHERE customer = ? ORDER BY seller DESC LIMIT 2;

-- query distinct_collation_key
-- args: 'north'
-- args: 'NORTH'
-- args: 'east'
SELECT DISTINCT customer FROM orders WHERE region = ?;

-- query distinct_over_join
-- args: 1
-- args: 2
SELECT DISTINCT c.name FROM orders o JOIN customers c ON c.id = o.customer WHERE o.seller = ?;

-- query distinct_in_derived_table
-- args: 1
-- args: 2
SELECT region FROM (SELECT DISTINCT customer, region FROM orders) d WHERE customer = ?;

-- query distinct_expression
-- args: 1
-- args: 2
SELECT DISTINCT qty * 2 AS dq FROM orders WHERE customer = ?;

-- query in_subquery_with_parameter
-- args: 1
-- args: 3
-- args: NULL
SELECT name FROM customers WHERE id IN (SELECT customer FROM orders WHERE seller = ?);

-- query exists_with_parameter
-- args: 1
-- args: 2
SELECT name FROM customers c WHERE c.tier = ? AND EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id);

-- writes
INSERT INTO orders VALUES (11, 1, 4, 'west', 2, 1.00, 0.5), (12, 3, 2, 'east', 6, 2.50, 1.0);
INSERT INTO orders VALUES (13, 5, 1, 'north', 1, 1.00, 1.0);
UPDATE orders SET qty = 9 WHERE id = 8;
INSERT INTO customers VALUES (6, 'fay', 1);

-- writes
DELETE FROM orders WHERE id = 2;
UPDATE orders SET customer = 2 WHERE id = 1;
UPDATE orders SET seller = 3, region = 'south' WHERE id = 7;
DELETE FROM orders WHERE customer = 3;
UPDATE customers SET tier = 2 WHERE id = 1;

-- writes
DELETE FROM orders WHERE seller = 1;
INSERT INTO orders VALUES (14, 2, 1, 'north', 3, 3.00, 3.0), (15, NULL, 1, NULL, NULL, NULL, NULL);
