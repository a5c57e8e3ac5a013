# Parameters: single and compound `col = ?` keys, `col IN (?, ...)`, parameters of another
# type than their column (MySQL converts), NULL parameters (which match nothing), keys with
# case and trailing-space variants, and literal auto-parameterization: queries that differ only
# in a literal share one view in Weir and must still answer each literal correctly.

-- setup
CREATE TABLE orders (
  id INT NOT NULL PRIMARY KEY,
  customer VARCHAR(20),
  status VARCHAR(10) NOT NULL,
  total DECIMAL(10,2),
  weight DOUBLE,
  placed DATE,
  priority INT
);
INSERT INTO orders VALUES
  (1, 'acme', 'open', 10.00, 1.5, '2024-01-01', 1),
  (2, 'Acme', 'shipped', 20.50, 2.25, '2024-01-02', 2),
  (3, 'bolt', 'open', NULL, NULL, '2024-01-02', NULL),
  (4, 'bolt', 'OPEN', 5.05, 0.5, NULL, 1),
  (5, NULL, 'void', 0.00, 0, '2024-01-03', 3),
  (6, 'crux', 'shipped', 99.99, 10, '2024-01-01', 2),
  (7, 'acme ', 'open', 1.00, 1.5, '2024-01-04', 1),
  (8, 'dyne', 'open', 10.00, 3, '2024-01-05', 0);

-- query key_int
-- args: 1
-- args: 8
-- args: 0
-- args: -1
SELECT id, customer, total FROM orders WHERE id = ?;

-- query key_int_given_other_types
-- args: '2'
-- args: '02'
-- args: '2abc'
-- args: 'x'
-- args: 2.0
-- args: 2.5
SELECT id FROM orders WHERE id = ?;

-- query key_string
-- args: 'acme'
-- args: 'ACME'
-- args: 'acme  '
-- args: 'nobody'
SELECT id, status FROM orders WHERE customer = ?;

# MySQL compares a text column with a number as numbers ('abc' = 0 is true), which no
# single key lookup can answer; Weir refuses the argument and says to pass a string.
-- query key_string_given_int unsupported
-- args: 0
SELECT id FROM orders WHERE status = ?;

-- query key_null_param
-- args: NULL
SELECT id FROM orders WHERE customer = ?;

-- query key_nullable_int_and_bool
-- args: 1
-- args: NULL
-- args: TRUE
-- args: FALSE
SELECT id FROM orders WHERE priority = ?;

-- query key_decimal
-- args: 10
-- args: 10.00
-- args: 5.05
-- args: '20.5'
SELECT id FROM orders WHERE total = ?;

-- query key_double
-- args: 1.5
-- args: 10
-- args: 0
SELECT id FROM orders WHERE weight = ?;

-- query key_date
-- args: '2024-01-02'
-- args: '2024-1-1'
-- args: '2030-01-01'
SELECT id FROM orders WHERE placed = ?;

-- query compound_key
-- args: 'acme', 'open'
-- args: 'bolt', 'open'
-- args: 'Acme', 'SHIPPED'
-- args: 'acme', NULL
SELECT id, total FROM orders WHERE customer = ? AND status = ?;

-- query compound_key_reversed_order
-- args: 'open', 1
-- args: 'shipped', 2
SELECT id FROM orders WHERE status = ? AND priority = ?;

-- query compound_key_with_filter
-- args: 'open'
SELECT id FROM orders WHERE status = ? AND total > 5;

-- query in_params_two
-- args: 1, 2
-- args: 2, 2
-- args: 1, NULL
SELECT id, status FROM orders WHERE id IN (?, ?);

-- query in_params_strings
-- args: 'acme', 'bolt'
-- args: 'ACME', 'acme'
SELECT id FROM orders WHERE customer IN (?, ?);

-- query in_params_with_key
-- args: 'open', 'acme', 'dyne'
SELECT id FROM orders WHERE status = ? AND customer IN (?, ?);

-- query in_params_aggregate
-- args: 'acme', 'bolt'
SELECT LOWER(TRIM(customer)) AS c, COUNT(*) AS n FROM orders WHERE customer IN (?, ?) GROUP BY customer;

-- query in_params_scalar_aggregate
-- args: 'acme', 'bolt'
SELECT COUNT(*) AS n FROM orders WHERE customer IN (?, ?);

-- query in_literal_list_key
SELECT id FROM orders WHERE id IN (3, 5, 7);

-- query literal_key_one
SELECT id, total FROM orders WHERE customer = 'bolt';

-- query literal_key_two
SELECT id, total FROM orders WHERE customer = 'crux';

-- query literal_key_case
SELECT id, total FROM orders WHERE customer = 'BOLT';

-- query literal_key_int_one
SELECT customer FROM orders WHERE priority = 2;

-- query literal_key_int_two
SELECT customer FROM orders WHERE priority = 3;

-- query literal_and_param
-- args: 'open'
-- args: 'shipped'
SELECT id FROM orders WHERE status = ? AND priority = 1;

-- query no_params_full_scan
SELECT id, customer, status FROM orders;

-- query param_in_projection_unsupported unsupported
-- args: 5
SELECT id, total + ? AS t FROM orders;

-- query range_param unsupported
-- args: 5
SELECT id FROM orders WHERE total > ?;

-- query param_with_join_key
-- args: 'open'
-- args: 'void'
SELECT a.id AS a, b.id AS b FROM orders a JOIN orders b ON a.customer = b.customer WHERE a.status = ?;

-- writes
UPDATE orders SET status = 'shipped' WHERE customer = 'acme' AND status = 'open';
UPDATE orders SET customer = 'ACME' WHERE id = 7;
UPDATE orders SET priority = NULL WHERE id = 1;
UPDATE orders SET total = 10.0 WHERE id = 4;
DELETE FROM orders WHERE id = 8;
INSERT INTO orders VALUES
  (9, 'bolt', 'open', 7.77, 1.5, '2024-01-02', 2),
  (10, NULL, 'open', NULL, NULL, NULL, NULL),
  (11, 'crux', 'open', 10.00, 10, '2024-01-01', 1);

-- writes
DELETE FROM orders WHERE customer = 'bolt';
UPDATE orders SET weight = weight + 0.5, placed = '2024-01-02' WHERE status = 'shipped';
INSERT INTO orders VALUES (3, 'Bolt', 'OPEN', 3.00, 1.5, '2024-01-02', 1);
