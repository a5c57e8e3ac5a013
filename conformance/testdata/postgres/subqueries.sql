# Subqueries in PostgreSQL's dialect: [NOT] EXISTS, IN and NOT IN (subquery), = ANY,
# scalar subqueries, derived tables (named or not), WITH.
-- setup
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, tier text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric(10,2) NOT NULL, status text NOT NULL);
INSERT INTO customers VALUES (1, 'acme', 'gold'), (2, 'Acme', 'silver'), (3, 'beta', NULL), (4, 'gamma', 'gold'), (5, 'delta', 'Gold');
INSERT INTO orders VALUES
  (100, 1, 50.00, 'paid'), (101, 1, 25.50, 'open'), (102, 2, 10.00, 'Paid'),
  (103, 4, 99.99, 'paid'), (104, 4, 0.01, 'void'), (105, 3, 5.00, 'open');

-- query exists_orders
SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);

-- query not_exists_orders
SELECT c.name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);

-- query exists_paid
SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid');

-- query in_subquery
SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > 20);

-- query not_in_subquery
SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);

-- query in_subquery_lower
SELECT id FROM customers WHERE lower(name) IN (SELECT name FROM customers WHERE id < 3);

-- query in_subquery_upper_case_sensitive
SELECT id FROM customers WHERE upper(tier) IN (SELECT tier FROM customers);

-- query in_subquery_arith
SELECT id FROM customers WHERE id + 1 IN (SELECT customer_id FROM orders);

-- query in_subquery_numeric_vs_int
SELECT id FROM orders WHERE total IN (SELECT customer_id * 10 FROM orders);

-- query not_in_subquery_expr
SELECT id FROM customers WHERE id * 2 NOT IN (SELECT customer_id FROM orders);

-- query in_subquery_under_or
SELECT id FROM customers WHERE tier = 'gold' OR id IN (SELECT customer_id FROM orders WHERE status = 'open');

-- query not_in_subquery_under_or
SELECT id FROM customers WHERE tier IS NULL OR lower(tier) NOT IN (SELECT status FROM orders);

-- query eq_any_subquery
SELECT name FROM customers WHERE id = ANY (SELECT customer_id FROM orders WHERE status = 'open');

-- query in_subquery_key
-- args: 'gold'
-- args: 'Gold'
SELECT o.id FROM orders o WHERE o.customer_id IN (SELECT id FROM customers WHERE tier = $1);

-- query scalar_count
SELECT c.name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c;

-- query scalar_sum
SELECT c.name, (SELECT sum(o.total) FROM orders o WHERE o.customer_id = c.id) AS spent FROM customers c;

-- query scalar_uncorrelated
SELECT id, (SELECT max(total) FROM orders) AS top FROM customers;

-- query scalar_in_where
SELECT id FROM orders WHERE total > (SELECT sum(total) FROM orders) / 4;

-- query derived_named
SELECT t.customer_id, t.s FROM (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) t WHERE t.s > 20;

-- query derived_column_aliases
SELECT x.c, x.n FROM (SELECT customer_id, count(*) FROM orders GROUP BY customer_id) AS x (c, n);

-- query derived_join
SELECT c.name, t.s FROM customers c JOIN (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) t ON t.customer_id = c.id;

-- query derived_key
-- args: 1
-- args: 4
SELECT t.s FROM (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) t WHERE t.customer_id = $1;

-- query with_cte
WITH spend AS (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) SELECT c.name, spend.s FROM customers c JOIN spend ON spend.customer_id = c.id;

-- query with_two
WITH paid AS (SELECT * FROM orders WHERE status = 'paid'), big AS (SELECT * FROM paid WHERE total > 20) SELECT id FROM big;

-- query with_column_names
WITH t (cid, n) AS (SELECT customer_id, count(*) FROM orders GROUP BY customer_id) SELECT cid, n FROM t WHERE n > 1;

-- query exists_in_select
SELECT c.id, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) AS has FROM customers c;

-- query status_case_sensitive
SELECT c.name FROM customers c WHERE c.id IN (SELECT customer_id FROM orders WHERE status = 'Paid');

-- writes
INSERT INTO orders VALUES (106, 5, 7.77, 'paid');
UPDATE orders SET status = 'paid' WHERE id = 102;
DELETE FROM orders WHERE customer_id = 3;
UPDATE customers SET tier = 'gold' WHERE id = 2;
