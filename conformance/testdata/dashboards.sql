# Dashboard and report queries as applications write them: CTEs over aggregates and joins,
# several CTEs feeding one another, LEFT JOINs with COALESCE, HAVING, CASE buckets, date
# functions over grouped rows, range parameters over CTE results, keyed reads of reports,
# and top-N pages; read before and after writes that move rows between groups.

-- setup
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(30) NOT NULL, region VARCHAR(10) NOT NULL, tier INT NOT NULL);
CREATE TABLE products (id INT NOT NULL PRIMARY KEY, name VARCHAR(30) NOT NULL, category VARCHAR(20) NOT NULL, price DECIMAL(10,2) NOT NULL);
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, placed DATE NOT NULL, status VARCHAR(10) NOT NULL);
CREATE TABLE order_items (order_id INT NOT NULL, product_id INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, product_id));
INSERT INTO customers VALUES (1, 'Acme', 'eu', 1), (2, 'Bolt', 'us', 2), (3, 'Cog', 'eu', 2), (4, 'Dyn', 'apac', 3), (5, 'Echo', 'us', 1);
INSERT INTO products VALUES (1, 'widget', 'tools', 2.50), (2, 'gadget', 'tools', 10.00), (3, 'gizmo', 'toys', 7.25), (4, 'doohickey', 'toys', 1.10), (5, 'sprocket', 'parts', 0.40);
INSERT INTO orders VALUES (1, 1, '2026-01-03', 'paid'), (2, 1, '2026-01-20', 'paid'), (3, 2, '2026-02-01', 'open'), (4, 3, '2026-02-14', 'paid'), (5, 4, '2026-03-01', 'void'), (6, 2, '2026-03-05', 'paid'), (7, 5, '2026-03-09', 'open');
INSERT INTO order_items VALUES (1, 1, 4), (1, 2, 1), (2, 3, 2), (3, 1, 10), (3, 5, 100), (4, 4, 3), (4, 2, 2), (5, 3, 1), (6, 2, 5), (7, 4, 7), (7, 1, 1);

-- query revenue_per_customer
-- args: 1
-- args: 2
-- args: 4
-- args: 9
WITH item_lines AS (
  SELECT o.customer_id, o.status, oi.qty * p.price AS amount
  FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id)
SELECT customer_id, SUM(amount) AS revenue, COUNT(*) AS line_count FROM item_lines WHERE status = 'paid' AND customer_id = ? GROUP BY customer_id;

-- query revenue_by_region
-- args: 'eu'
-- args: 'us'
-- args: 'EU'
-- args: 'none'
WITH paid AS (SELECT o.id, o.customer_id FROM orders o WHERE o.status = 'paid'),
     totals AS (SELECT pd.customer_id, SUM(oi.qty * p.price) AS total FROM paid pd JOIN order_items oi ON oi.order_id = pd.id JOIN products p ON p.id = oi.product_id GROUP BY pd.customer_id)
SELECT c.region, SUM(t.total) AS revenue, COUNT(*) AS buyers FROM customers c JOIN totals t ON t.customer_id = c.id WHERE c.region = ? GROUP BY c.region;

-- query customers_with_zero
-- args: 5
-- args: 1
WITH counts AS (SELECT customer_id, COUNT(*) AS n FROM orders WHERE status = 'paid' GROUP BY customer_id)
SELECT c.name, COALESCE(counts.n, 0) AS paid_orders FROM customers c LEFT JOIN counts ON counts.customer_id = c.id WHERE c.id = ?;

-- query all_customers_zero_filled
WITH counts AS (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id)
SELECT c.name, COALESCE(counts.n, 0) AS orders_placed FROM customers c LEFT JOIN counts ON counts.customer_id = c.id;

-- query category_having
-- args: 'tools'
-- args: 'toys'
-- args: 'parts'
WITH sold AS (SELECT p.category, p.name, SUM(oi.qty) AS units FROM products p JOIN order_items oi ON oi.product_id = p.id GROUP BY p.category, p.name)
SELECT name, units FROM sold WHERE category = ? AND units >= 3;

-- query tier_buckets
-- args: 1
-- args: 2
-- args: 3
WITH spend AS (SELECT o.customer_id, SUM(oi.qty) AS units FROM orders o JOIN order_items oi ON oi.order_id = o.id GROUP BY o.customer_id)
SELECT c.name, CASE WHEN s.units >= 50 THEN 'large' WHEN s.units >= 5 THEN 'medium' ELSE 'small' END AS bucket
FROM customers c JOIN spend s ON s.customer_id = c.id WHERE c.tier = ?;

-- query monthly
-- args: 2026
WITH monthly AS (SELECT YEAR(placed) AS y, MONTH(placed) AS m, COUNT(*) AS n FROM orders GROUP BY YEAR(placed), MONTH(placed))
SELECT m, n FROM monthly WHERE y = ?;

-- query monthly_names ordered
WITH monthly AS (SELECT MONTH(placed) AS m, MONTHNAME(MIN(placed)) AS month_name, COUNT(*) AS n FROM orders GROUP BY MONTH(placed))
SELECT month_name, n FROM monthly ORDER BY m;

-- query orders_since
-- args: '2026-02-01'
-- args: '2026-03-06'
-- args: '2027-01-01'
WITH detailed AS (SELECT o.id, o.placed, c.name FROM orders o JOIN customers c ON c.id = o.customer_id)
SELECT id, placed, name FROM detailed WHERE placed >= ?;

-- query orders_between ordered
-- args: '2026-01-10', '2026-03-01'
-- args: '2026-03-01', '2026-03-31'
WITH detailed AS (SELECT o.id, o.placed, o.status FROM orders o)
SELECT id, placed, status FROM detailed WHERE placed BETWEEN ? AND ? ORDER BY placed, id;

-- query customer_orders_since ordered
-- args: 1, '2026-01-10'
-- args: 2, '2026-01-01'
-- args: 2, '2026-03-05'
SELECT o.id, o.placed FROM orders o WHERE o.customer_id = ? AND o.placed > ? ORDER BY o.placed DESC, o.id;

-- query top_products ordered
WITH units AS (SELECT product_id, SUM(qty) AS sold FROM order_items GROUP BY product_id)
SELECT p.name, u.sold FROM units u JOIN products p ON p.id = u.product_id ORDER BY u.sold DESC, p.name LIMIT 3;

-- query top_products_page ordered
-- args: 2, 1
-- args: 10, 0
WITH units AS (SELECT product_id, SUM(qty) AS sold FROM order_items GROUP BY product_id)
SELECT p.name, u.sold FROM units u JOIN products p ON p.id = u.product_id ORDER BY u.sold DESC, p.name LIMIT ? OFFSET ?;

-- query avg_order_value
-- args: 'paid'
-- args: 'open'
-- args: 'void'
WITH order_totals AS (SELECT oi.order_id, SUM(oi.qty * p.price) AS total FROM order_items oi JOIN products p ON p.id = oi.product_id GROUP BY oi.order_id)
SELECT o.status, COUNT(*) AS n, AVG(t.total) AS avg_total, MAX(t.total) AS max_total, MIN(t.total) AS min_total
FROM orders o JOIN order_totals t ON t.order_id = o.id WHERE o.status = ? GROUP BY o.status;

-- query distinct_buyers_per_product
-- args: 1
-- args: 2
-- args: 5
WITH buyers AS (SELECT DISTINCT oi.product_id, o.customer_id FROM order_items oi JOIN orders o ON o.id = oi.order_id)
SELECT product_id, COUNT(*) AS buyers FROM buyers WHERE product_id = ? GROUP BY product_id;

-- query customers_buying_category
-- args: 'toys'
-- args: 'parts'
WITH cat_orders AS (SELECT DISTINCT o.customer_id, p.category FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id)
SELECT c.name FROM customers c JOIN cat_orders co ON co.customer_id = c.id WHERE co.category = ?;

-- query never_ordered
SELECT c.name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid');

-- query share_of_units
-- args: 1
-- args: 3
WITH per_order AS (SELECT order_id, SUM(qty) AS units, COUNT(*) AS nlines FROM order_items GROUP BY order_id)
SELECT order_id, units, nlines, units / nlines AS per_line FROM per_order WHERE order_id = ?;

-- query union_report
WITH paid AS (SELECT customer_id FROM orders WHERE status = 'paid'),
     open_ AS (SELECT customer_id FROM orders WHERE status = 'open')
SELECT customer_id, 'paid' AS kind FROM paid UNION SELECT customer_id, 'open' FROM open_;

-- query string_report
-- args: 1
-- args: 4
WITH named AS (SELECT id, CONCAT(UPPER(LEFT(name, 1)), LOWER(SUBSTRING(name, 2))) AS display, CONCAT_WS('/', region, tier) AS tag FROM customers)
SELECT display, tag, LENGTH(display) AS len FROM named WHERE id = ?;

-- query date_report
-- args: 1
-- args: 6
WITH dated AS (SELECT id, placed, DATE_FORMAT(placed, '%Y-%m') AS ym, DAYOFWEEK(placed) AS dow, DATEDIFF('2026-04-01', placed) AS age_days FROM orders)
SELECT ym, dow, age_days, DATE_ADD(placed, INTERVAL 30 DAY) AS due FROM dated WHERE id = ?;

-- query region_tier_counts
-- args: 'eu'
-- args: 'us'
SELECT region, tier, COUNT(*) AS n FROM customers WHERE region = ? GROUP BY region, tier;

-- writes
INSERT INTO orders VALUES (8, 5, '2026-03-20', 'paid');
INSERT INTO order_items VALUES (8, 3, 6), (8, 5, 20);
UPDATE orders SET status = 'paid' WHERE id = 3;
UPDATE products SET price = 9.00 WHERE id = 2;
UPDATE customers SET region = 'us' WHERE id = 3;

-- writes
DELETE FROM order_items WHERE order_id = 1 AND product_id = 2;
UPDATE order_items SET qty = 1 WHERE order_id = 3 AND product_id = 5;
UPDATE orders SET placed = '2026-02-28' WHERE id = 6;
DELETE FROM orders WHERE id = 5;
DELETE FROM order_items WHERE order_id = 5;
INSERT INTO customers VALUES (6, 'Flux', 'eu', 1);
