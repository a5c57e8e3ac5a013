# Scalar subqueries: uncorrelated and correlated by equalities, in the select list, WHERE,
# HAVING, ORDER BY and an inner join's ON, inside expressions; aggregates over empty groups
# (COUNT 0, SUM and MAX NULL), NULL correlation values, LIMIT 1 per outer row, unique-key
# lookups; writes that move the maximum, empty a group and fill it again.

-- setup
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, region INT NULL, email VARCHAR(40) NULL, UNIQUE KEY (email));
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NULL, total INT NULL, status VARCHAR(10) NOT NULL);
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, order_id INT NOT NULL, sku VARCHAR(10) NOT NULL, qty INT NOT NULL, price DECIMAL(8,2) NULL);
CREATE TABLE regions (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL);
CREATE TABLE empty_t (id INT NOT NULL PRIMARY KEY, v INT NULL);
CREATE VIEW order_counts AS SELECT c.id, c.name, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n, (SELECT MAX(total) FROM orders) AS top FROM customers c;
INSERT INTO customers VALUES (1, 'ann', 1, 'ann@x'), (2, 'bob', 1, NULL), (3, 'cy', 2, 'cy@x'), (4, 'dee', NULL, NULL), (5, 'eve', 3, 'eve@x');
INSERT INTO orders VALUES (1, 1, 30, 'paid'), (2, 1, 10, 'open'), (3, 2, NULL, 'paid'), (4, 3, 50, 'paid'), (5, NULL, 20, 'open'), (6, 4, 5, 'void');
INSERT INTO items VALUES (1, 1, 'a', 2, 5.00), (2, 1, 'b', 1, 20.00), (3, 2, 'a', 5, 2.00), (4, 4, 'c', 1, NULL), (5, 4, 'a', 3, 10.50), (6, 6, 'b', 7, 1.00);
INSERT INTO regions VALUES (1, 'north'), (2, 'south'), (4, 'west');

-- query max_in_select
SELECT id, total, (SELECT MAX(total) FROM orders) AS top FROM orders;

-- query count_in_select
SELECT id, (SELECT COUNT(*) FROM items) AS n FROM customers;

-- query empty_max
SELECT id, (SELECT MAX(v) FROM empty_t) AS m FROM customers;

-- query empty_count
SELECT id, (SELECT COUNT(*) FROM empty_t) AS n FROM customers;

-- query scalar_in_expression
SELECT id, total - (SELECT MIN(total) FROM orders) AS over_min FROM orders;

-- query scalar_arith_in_subquery
SELECT id, (SELECT COUNT(*) + 1 FROM empty_t) AS n FROM regions;

-- query where_above_avg
SELECT id, total FROM orders WHERE total > (SELECT AVG(total) FROM orders);

-- query where_equals_max
SELECT id FROM orders WHERE total = (SELECT MAX(total) FROM orders);

-- query where_scalar_left
SELECT id FROM orders WHERE (SELECT MAX(qty) FROM items) > total;

-- query where_scalar_filtered
SELECT id FROM orders WHERE total >= (SELECT MAX(total) FROM orders WHERE status = 'open');

-- query where_param_and_scalar
-- args: 1
-- args: 2
-- args: 9
SELECT id, total FROM orders WHERE customer_id = ? AND total < (SELECT AVG(total) FROM orders);

-- query select_param_scalar
-- args: 1
-- args: 4
SELECT id, (SELECT SUM(qty) FROM items) AS q FROM orders WHERE customer_id = ?;

-- query correlated_count
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c;

-- query correlated_count_param
-- args: 1
-- args: 5
-- args: 0
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.id = ?;

-- query correlated_sum
SELECT id, (SELECT SUM(total) FROM orders o WHERE o.customer_id = c.id) AS s FROM customers c;

-- query correlated_max_min
SELECT id, (SELECT MAX(qty) FROM items i WHERE i.order_id = o.id) AS mx, (SELECT MIN(qty) FROM items i WHERE i.order_id = o.id) AS mn FROM orders o;

-- query correlated_count_col
SELECT id, (SELECT COUNT(price) FROM items i WHERE i.order_id = o.id) AS priced FROM orders o;

-- query correlated_count_plus
SELECT id, (SELECT COUNT(*) * 10 + 1 FROM items i WHERE i.order_id = o.id) AS n FROM orders o;

-- query correlated_coalesce_sum
SELECT id, (SELECT COALESCE(SUM(qty), 0) FROM items i WHERE i.order_id = o.id) AS q FROM orders o;

-- query correlated_null_key
SELECT id, (SELECT COUNT(*) FROM customers c WHERE c.id = o.customer_id) AS has_customer FROM orders o;

-- query correlated_filter_inside
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid') AS paid FROM customers c;

-- query correlated_avg_decimal
SELECT id, (SELECT AVG(price) FROM items i WHERE i.order_id = o.id) AS avg_price FROM orders o;

-- query correlated_in_expression
SELECT id, total - (SELECT SUM(qty) FROM items i WHERE i.order_id = o.id) AS d FROM orders o;

-- query correlated_two_columns
SELECT o.id, (SELECT COUNT(*) FROM orders p WHERE p.customer_id = o.customer_id AND p.status = o.status) AS same FROM orders o;

-- query correlated_where
SELECT id, name FROM customers c WHERE (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) >= 2;

-- query correlated_where_zero
SELECT id, name FROM customers c WHERE (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) = 0;

-- query correlated_where_compare_outer
SELECT id FROM orders o WHERE o.total > (SELECT SUM(qty) FROM items i WHERE i.order_id = o.id);

-- query correlated_where_param
-- args: 'paid'
-- args: 'open'
-- args: 'none'
SELECT id FROM orders o WHERE o.status = ? AND (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) > 0;

-- query correlated_group_by_bound
SELECT id, (SELECT SUM(qty) FROM items i WHERE i.order_id = o.id GROUP BY i.order_id) AS q FROM orders o;

-- query correlated_count_group_by_bound
SELECT id, (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id GROUP BY i.order_id) AS n FROM orders o;

-- query correlated_having_inside
SELECT id, (SELECT SUM(qty) FROM items i WHERE i.order_id = o.id HAVING SUM(qty) > 3) AS big FROM orders o;

-- query uncorrelated_having_inside
SELECT id, (SELECT COUNT(*) FROM empty_t HAVING COUNT(*) > 0) AS n FROM regions;

-- query lookup_pk
SELECT id, (SELECT name FROM customers c WHERE c.id = o.customer_id) AS customer FROM orders o;

-- query lookup_pk_where
SELECT id FROM orders o WHERE (SELECT region FROM customers c WHERE c.id = o.customer_id) = 1;

-- query lookup_pk_param
-- args: 1
-- args: 5
-- args: 6
SELECT id, (SELECT name FROM customers c WHERE c.id = o.customer_id) AS customer FROM orders o WHERE o.id = ?;

-- query lookup_chain
SELECT c.id, (SELECT label FROM regions r WHERE r.id = c.region) AS region_label FROM customers c;

-- query lookup_literal_pk
SELECT id, (SELECT label FROM regions WHERE id = 2) AS south FROM customers;

-- query lookup_literal_pk_missing
SELECT id, (SELECT label FROM regions WHERE id = 3) AS missing FROM customers;

-- query lookup_unique
SELECT o.id, (SELECT c.name FROM customers c WHERE c.email = 'cy@x') AS cy FROM orders o;

-- query limit_one_ordered
SELECT id, (SELECT sku FROM items i WHERE i.order_id = o.id ORDER BY qty DESC, id LIMIT 1) AS top_sku FROM orders o;

-- query limit_one_uncorrelated
SELECT id, (SELECT name FROM customers ORDER BY id DESC LIMIT 1) AS last_name FROM regions;

-- query limit_one_where
SELECT id FROM orders o WHERE (SELECT qty FROM items i WHERE i.order_id = o.id ORDER BY qty, id LIMIT 1) < 3;

-- query limit_zero
SELECT id, (SELECT name FROM customers LIMIT 0) AS nothing FROM regions;

-- query order_by_scalar ordered
SELECT id, name FROM customers c ORDER BY (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) DESC, id;

-- query order_by_scalar_alias ordered
SELECT id, (SELECT SUM(total) FROM orders o WHERE o.customer_id = c.id) AS spent FROM customers c ORDER BY spent, id;

-- query order_by_limit ordered
SELECT id FROM customers c ORDER BY (SELECT MAX(total) FROM orders o WHERE o.customer_id = c.id) DESC, id LIMIT 2;

-- query having_scalar
SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id HAVING COUNT(*) >= (SELECT COUNT(*) FROM regions) - 1;

-- query having_sum_scalar
SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id HAVING SUM(total) > (SELECT AVG(total) FROM orders);

-- query group_select_scalar
SELECT customer_id, COUNT(*) AS n, (SELECT COUNT(*) FROM regions) AS r FROM orders GROUP BY customer_id;

-- query group_select_correlated
SELECT o.customer_id, COUNT(*) AS n, (SELECT name FROM customers c WHERE c.id = o.customer_id) AS who FROM orders o GROUP BY o.customer_id;

-- query group_select_correlated_count
SELECT o.customer_id, SUM(o.total) AS s, (SELECT COUNT(*) FROM items i WHERE i.order_id = o.customer_id) AS n FROM orders o GROUP BY o.customer_id;

-- query scalar_inside_aggregate
SELECT status, SUM(total - (SELECT MIN(total) FROM orders)) AS above_min FROM orders GROUP BY status;

-- query scalar_inside_scalar_aggregate
SELECT COUNT(*), SUM(total * (SELECT COUNT(*) FROM regions)) AS s FROM orders;

-- query join_on_scalar
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id AND o.total > (SELECT AVG(total) FROM orders);

-- query join_on_correlated
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id AND (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) > 1;

-- query join_outer_scalar
SELECT o.id, c.name, (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) AS n FROM orders o LEFT JOIN customers c ON c.id = o.customer_id;

-- query two_scalars
SELECT id, (SELECT MAX(total) FROM orders) - (SELECT MIN(total) FROM orders) AS spread FROM regions;

-- query scalar_twice_same_text
SELECT id, (SELECT COUNT(*) FROM items) AS a, (SELECT COUNT(*) FROM items) AS b FROM regions;

-- query scalar_and_exists
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid');

-- query scalar_in_derived
SELECT d.id, d.n FROM (SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c) d WHERE d.n > 0;

-- query scalar_over_derived
SELECT id, (SELECT MAX(s) FROM (SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id) t) AS best FROM regions;

-- query scalar_distinct_outer
SELECT DISTINCT (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c;

-- query scalar_case
SELECT id, CASE WHEN (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) > 1 THEN 'many' ELSE 'few' END AS k FROM orders o;

-- query scalar_is_null
SELECT id FROM orders o WHERE (SELECT MAX(qty) FROM items i WHERE i.order_id = o.id) IS NULL;

-- query scalar_string_max
SELECT id, (SELECT MAX(sku) FROM items i WHERE i.order_id = o.id) AS s FROM orders o;

-- query scalar_count_distinct
SELECT id, (SELECT COUNT(DISTINCT sku) FROM items i WHERE i.order_id = o.id) AS skus FROM orders o;

-- query scalar_in_select_of_exists_outer
SELECT c.id FROM customers c WHERE c.region = (SELECT MIN(id) FROM regions);

-- query scalar_param_limit ordered
-- args: 2
SELECT id, (SELECT COUNT(*) FROM items i WHERE i.order_id = o.id) AS n FROM orders o ORDER BY id LIMIT ?;

-- query scalar_nested
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.total > (SELECT AVG(total) FROM orders)) AS n FROM regions;

-- query scalar_nested_correlated
SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id AND o.total >= (SELECT MAX(total) FROM orders)) AS has_top FROM customers c;

-- query row_in_subquery
SELECT id FROM items WHERE (order_id, sku) IN (SELECT order_id, sku FROM items WHERE qty > 2);

-- query row_in_subquery_other_table
SELECT id, total FROM orders WHERE (customer_id, status) IN (SELECT c.id, 'paid' FROM customers c WHERE c.region = 1);

-- query row_in_subquery_param
-- args: 'paid'
-- args: 'open'
SELECT o.id FROM orders o WHERE o.status = ? AND (o.id, o.customer_id) IN (SELECT i.order_id, i.qty - 1 FROM items i);

-- query row_in_subquery_correlated
SELECT o.id FROM orders o WHERE (o.id, o.total) IN (SELECT i.order_id, i.qty * 10 FROM items i WHERE i.order_id = o.id AND i.qty > 0);

-- query row_in_subquery_three
SELECT c.id FROM customers c WHERE (c.id, c.region, c.name) IN (SELECT o.customer_id, o.customer_id, 'ann' FROM orders o);

-- query view_with_scalars
SELECT id, name, n, top FROM order_counts;

-- query view_with_scalars_param
-- args: 1
-- args: 4
-- args: 8
SELECT name, n FROM order_counts WHERE id = ?;

-- query view_with_scalars_filter
SELECT id FROM order_counts WHERE n = 0;

-- query scalar_over_view
SELECT r.id, (SELECT SUM(n) FROM order_counts) AS all_orders FROM regions r;

-- query group_by_key_bound
SELECT id, (SELECT COUNT(*) FROM regions r WHERE r.id = 2 GROUP BY r.label) AS n FROM customers;

-- query group_by_correlated_key_bound
SELECT c.id, (SELECT MAX(r.label) FROM regions r WHERE r.id = c.region GROUP BY r.label) AS l FROM customers c;

-- query eq_latest_param
-- args: 1
-- args: 3
-- args: 9
-- args: NULL
SELECT id, total FROM orders WHERE id = (SELECT MAX(id) FROM orders WHERE customer_id = ?);

-- query eq_latest_literal
SELECT id, total FROM orders WHERE id = (SELECT MAX(id) FROM orders WHERE customer_id = 1);

-- query eq_greatest_per_group
SELECT o.id, o.customer_id, o.total FROM orders o WHERE o.total = (SELECT MAX(p.total) FROM orders p WHERE p.customer_id = o.customer_id);

-- query eq_greatest_per_group_param
-- args: 'paid'
-- args: 'open'
SELECT o.id FROM orders o WHERE o.status = ? AND o.total = (SELECT MAX(p.total) FROM orders p WHERE p.status = o.status);

-- query eq_reversed
SELECT id FROM orders WHERE (SELECT MIN(total) FROM orders) = total;

-- query eq_limit_param
-- args: 1
-- args: 4
-- args: 7
SELECT i.id, i.sku FROM items i WHERE i.id = (SELECT j.id FROM items j WHERE j.order_id = ? ORDER BY j.qty DESC, j.id LIMIT 1);

-- query eq_pk_lookup_param
-- args: 1
-- args: 6
SELECT c.name FROM customers c WHERE c.id = (SELECT o.customer_id FROM orders o WHERE o.id = ?);

-- query eq_count_correlated
SELECT c.id FROM customers c WHERE c.region = (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id);

-- query eq_count_uncorrelated
SELECT id FROM regions WHERE id = (SELECT COUNT(*) FROM empty_t);

-- query eq_sum_param_outer
-- args: 1
-- args: 2
SELECT o.id FROM orders o WHERE o.customer_id = ? AND o.total = (SELECT MAX(total) FROM orders);

-- query having_correlated
SELECT o.customer_id, COUNT(*) AS n FROM orders o GROUP BY o.customer_id HAVING COUNT(*) >= (SELECT COUNT(*) FROM items i WHERE i.order_id = o.customer_id);

-- query scalar_in_union
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.region = 1 UNION ALL SELECT id, (SELECT MAX(total) FROM orders) FROM regions;

-- query scalar_in_cte
WITH counted AS (SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c) SELECT id, n FROM counted WHERE n < 2;

-- query scalar_in_list_param
-- args: 1, 4
-- args: 2, 9
SELECT c.id, (SELECT SUM(total) FROM orders o WHERE o.customer_id = c.id) AS s FROM customers c WHERE c.id IN (?, ?);

-- query scalar_range_param
-- args: 2
SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.id >= ?;

-- query scalar_group_key_param
-- args: 'paid'
-- args: 'void'
SELECT o.customer_id, COUNT(*) AS n, (SELECT name FROM customers c WHERE c.id = o.customer_id) AS who FROM orders o WHERE o.status = ? GROUP BY o.customer_id;

-- query eq_in_derived
SELECT d.id FROM (SELECT o.id, o.customer_id FROM orders o WHERE o.total = (SELECT MAX(p.total) FROM orders p WHERE p.customer_id = o.customer_id)) d;

-- query scalar_decimal_expression
SELECT id, (SELECT SUM(qty * price) FROM items i WHERE i.order_id = o.id) - total AS diff FROM orders o;

-- query not_one_row unsupported
SELECT id, (SELECT r.id FROM regions r WHERE r.label = c.name) AS t FROM customers c;

-- query group_not_bound unsupported
SELECT id, (SELECT COUNT(*) FROM regions WHERE label = 'west' GROUP BY id) AS t FROM customers c;

-- query non_equality_correlation unsupported
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id < c.id) AS n FROM customers c;

-- query outer_column_in_select unsupported
SELECT id, (SELECT c.id + MAX(total) FROM orders o) AS n FROM customers c;

-- query scalar_outside_agg_without_group unsupported
SELECT COUNT(*), (SELECT COUNT(*) FROM regions) AS r FROM orders;

-- query param_inside_count_eq unsupported
-- args: 2
SELECT id FROM customers c WHERE c.region = (SELECT COUNT(*) FROM orders o WHERE o.customer_id = ?);

-- query param_inside_scalar unsupported
-- args: 1
SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = ?) AS n FROM customers;

-- writes
UPDATE orders SET total = 99 WHERE id = 1;
INSERT INTO items VALUES (7, 3, 'd', 4, 3.00);
DELETE FROM items WHERE order_id = 2;

-- writes
UPDATE orders SET total = 40 WHERE id = 1;
INSERT INTO empty_t VALUES (1, 7), (2, NULL);
UPDATE customers SET email = 'cy@y' WHERE id = 3;
INSERT INTO regions VALUES (3, 'east');

-- writes
DELETE FROM orders WHERE customer_id = 1;
UPDATE orders SET customer_id = 5 WHERE id = 5;
UPDATE items SET qty = 1 WHERE id = 1;
INSERT INTO customers VALUES (6, 'fay', 4, 'cy@x');

-- writes
DELETE FROM empty_t;
DELETE FROM items;
UPDATE orders SET total = NULL;
INSERT INTO orders VALUES (7, 6, 1, 'open');
