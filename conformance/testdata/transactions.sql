# Transactions, TRUNCATE, and values writes take from the clock and chance.
#
# Transactions: BEGIN … COMMIT applies several writes, ROLLBACK none, a failing statement is
# taken back alone, AUTO_INCREMENT values a rolled-back transaction was given are not handed
# out again (InnoDB's behaviour too), DDL commits the open transaction, and a READ ONLY
# transaction refuses writes. Rows affected and insert ids are compared at every statement.
#
# The clock and chance differ between the two servers, so their values are compared by
# shape: a write whose WHERE tests the value (within a range, not NULL, 36 characters) must
# affect the same rows on both, and then overwrites it with a constant so that the tables
# compare equal.

-- setup
CREATE TABLE orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer INT NOT NULL,
  total DECIMAL(8,2) NOT NULL DEFAULT 0.00,
  status VARCHAR(10) NOT NULL DEFAULT 'new'
);
CREATE TABLE order_items (
  order_id INT NOT NULL,
  sku VARCHAR(10) NOT NULL,
  qty INT NOT NULL,
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE events (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(10) NOT NULL,
  n INT NOT NULL DEFAULT 0,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  created_ms DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  day DATE DEFAULT NULL,
  updated_at DATETIME NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  r DOUBLE,
  token VARCHAR(36)
);
INSERT INTO orders (customer, total) VALUES (1, 10.00), (1, 5.50), (2, 7.25);
INSERT INTO order_items VALUES (1, 'apple', 2), (1, 'pear', 1), (2, 'fig', 3), (3, 'kiwi', 4);

-- query orders_of_customer
-- args: 1
-- args: 2
-- args: 3
SELECT id, total, status FROM orders WHERE customer = ?;

-- query items_of_order
-- args: 1
-- args: 4
-- args: 5
SELECT sku, qty FROM order_items WHERE order_id = ?;

-- query order_totals
SELECT customer, COUNT(*), SUM(total) FROM orders GROUP BY customer;

-- query item_counts
SELECT o.customer, SUM(i.qty) FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.customer;

-- query events_by_kind
-- args: 'a'
-- args: 'b'
SELECT id, n, created_at, created_ms, updated_at FROM events WHERE kind = ?;

-- writes
# A committed transaction of several statements.
BEGIN;
INSERT INTO orders (customer, total) VALUES (3, 1.00);
INSERT INTO order_items VALUES (4, 'plum', 5), (4, 'lime', 1);
UPDATE orders SET status = 'paid', total = total + 2 WHERE id = 4;
UPDATE orders SET status = 'paid' WHERE id = 4;
DELETE FROM order_items WHERE order_id = 1 AND sku = 'pear';
COMMIT;

-- writes
# A rolled-back one: nothing of it stays, and its AUTO_INCREMENT value is not reused.
BEGIN;
INSERT INTO orders (customer) VALUES (3);
DELETE FROM order_items;
UPDATE orders SET total = 0;
ROLLBACK;
INSERT INTO orders (customer, total) VALUES (2, 3.00);

-- writes
# A failing statement is taken back alone; the transaction goes on and commits.
START TRANSACTION;
INSERT INTO order_items VALUES (6, 'a', 1);
-- error 1062
INSERT INTO order_items VALUES (6, 'b', 1), (6, 'a', 2);
-- error 1048
UPDATE orders SET status = NULL WHERE id = 6;
INSERT INTO order_items VALUES (6, 'c', 3);
UPDATE order_items SET qty = qty * 10 WHERE order_id = 6;
COMMIT;

-- writes
# DDL commits the open transaction; the ROLLBACK after it has nothing to undo.
BEGIN;
UPDATE orders SET status = 'shipped' WHERE customer = 1;
CREATE TABLE audit (id INT PRIMARY KEY);
ROLLBACK;
START TRANSACTION READ ONLY;
-- error 1792
INSERT INTO orders (customer) VALUES (9);
COMMIT;
START TRANSACTION READ WRITE;
ROLLBACK;

-- writes
# TRUNCATE empties the table for every cache over it and restarts AUTO_INCREMENT.
TRUNCATE TABLE order_items;
TRUNCATE orders;
INSERT INTO orders (customer, total) VALUES (1, 1.00), (3, 2.00);
INSERT INTO order_items VALUES (1, 'new', 1);

-- writes
# Clock defaults and functions, by shape.
INSERT INTO events (kind) VALUES ('a'), ('b');
INSERT INTO events (kind, day, r, token) VALUES ('a', CURDATE(), RAND(), UUID()), ('b', UTC_DATE(), RAND(), UUID());
INSERT INTO events (kind, created_at, n) VALUES ('b', NOW(), 1), ('a', DEFAULT, 2);
UPDATE events SET n = n + 100 WHERE created_at > '2020-01-01 00:00:00' AND created_at <= NOW() AND created_ms > '2020-01-01' AND updated_at IS NULL;
UPDATE events SET created_at = '2000-01-01 00:00:00', created_ms = '2000-01-01 00:00:00.500', updated_at = NULL;
UPDATE events SET n = n WHERE id = 1;
UPDATE events SET n = n + 1 WHERE id = 2;
UPDATE events SET n = n + 1000 WHERE updated_at > '2020-01-01 00:00:00';
UPDATE events SET day = '2000-01-02' WHERE day > '2020-01-01';
UPDATE events SET r = 0.5 WHERE r >= 0 AND r < 1;
UPDATE events SET token = 'ok' WHERE CHAR_LENGTH(token) = 36 AND token LIKE '%-%-%-%-%';
UPDATE events SET updated_at = NULL, created_at = UTC_TIMESTAMP() WHERE id > 5;
UPDATE events SET n = n + 10000 WHERE created_at > '2020-01-01 00:00:00';
UPDATE events SET created_at = '2000-01-01 00:00:00', updated_at = NULL;
