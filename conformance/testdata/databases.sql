# Databases: CREATE/DROP DATABASE and SCHEMA, USE, names qualified with a database in every
# kind of statement, the same table name in two databases, views in one database over
# tables of others, cross-database joins, foreign keys inside a database, information_schema
# across databases. {db} is the database each target starts in, so {db}_shop is a database
# of this run alone. Every block ends back in {db}, where the checkpoint reads the tables.

-- setup
DROP DATABASE IF EXISTS {db}_shop;
DROP DATABASE IF EXISTS {db}_blog;
DROP DATABASE IF EXISTS {db}_tmp;
CREATE DATABASE {db}_shop;
CREATE SCHEMA IF NOT EXISTS {db}_blog DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS {db}_shop;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{db}_shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */;
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, UNIQUE KEY (name));
CREATE TABLE {db}_shop.products (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, price DECIMAL(8,2) NOT NULL);
USE {db}_shop;
CREATE TABLE orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  product_id INT NOT NULL,
  qty INT NOT NULL,
  KEY by_user (user_id),
  CONSTRAINT orders_product FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE VIEW order_lines AS SELECT o.id, o.user_id, p.title, o.qty * p.price AS total FROM orders o JOIN products p ON p.id = o.product_id;
USE {db}_blog;
CREATE TABLE products (id INT PRIMARY KEY, body VARCHAR(100) NOT NULL);
CREATE VIEW spend AS SELECT u.name, SUM(l.total) AS spent, COUNT(*) AS n FROM {db}.users u JOIN {db}_shop.order_lines l ON l.user_id = u.id GROUP BY u.name;
USE {db};
-- error 1007
CREATE DATABASE {db}_shop;
-- error 1008
DROP DATABASE {db}_nowhere;
-- error 1049
USE {db}_nowhere;
-- error 1049
CREATE TABLE {db}_nowhere.t (id INT PRIMARY KEY);
-- error 1146
INSERT INTO {db}_nowhere.t VALUES (1);
-- error 1051
DROP TABLE {db}_shop.nosuch;
-- error 1051
DROP TABLE nosuch;
ALTER DATABASE {db}_shop CHARACTER SET utf8mb4;
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
USE {db}_shop;
INSERT INTO products VALUES (10, 'pen', 1.50), (11, 'ink', 4.25), (12, 'pad', 3.00);
INSERT INTO orders (user_id, product_id, qty) VALUES (1, 10, 2), (1, 11, 1), (2, 12, 5), (3, 10, 1);
-- error 1452
INSERT INTO orders (id, user_id, product_id, qty) VALUES (100, 1, 99, 1);
-- error 1050
CREATE TABLE products (id INT PRIMARY KEY);
-- error 1146
SELECT * FROM users;
INSERT INTO {db}_blog.products VALUES (10, 'a post about pens'), (12, 'pads, reviewed');
USE {db};

-- query orders_of_user
-- args: 1
-- args: 2
-- args: 4
SELECT o.id, p.title, o.qty FROM {db}_shop.orders o JOIN {db}_shop.products p ON p.id = o.product_id WHERE o.user_id = ?;

-- query cross_database_join
-- args: 'ann'
-- args: 'dee'
SELECT u.name, o.qty FROM {db}.users u JOIN {db}_shop.orders o ON o.user_id = u.id WHERE u.name = ?;

-- query home_unqualified_with_other_qualified
-- args: 10
-- args: 12
SELECT users.name, SUM(o.qty) AS qty FROM users JOIN {db}_shop.orders o ON o.user_id = users.id WHERE o.product_id = ? GROUP BY users.name;

-- query view_in_another_database
-- args: 1
-- args: 4
SELECT title, total FROM {db}_shop.order_lines WHERE user_id = ?;

-- query view_over_a_view_across_databases
-- args: 'ann'
-- args: 'bob'
SELECT spent, n FROM {db}_blog.spend WHERE name = ?;

-- query same_table_name_in_two_databases
-- args: 10
-- args: 11
SELECT s.title, b.body FROM {db}_shop.products s LEFT JOIN {db}_blog.products b ON b.id = s.id WHERE s.id = ?;

-- query three_part_column_names
-- args: 12
SELECT {db}_shop.products.title, {db}_shop.products.price FROM {db}_shop.products WHERE {db}_shop.products.id = ?;

-- query schemata
SELECT REPLACE(schema_name, '{db}', 'x') AS db FROM information_schema.schemata WHERE schema_name LIKE '{db}\_%';

-- query tables_across_databases
SELECT REPLACE(table_schema, '{db}', 'x') AS db, table_name, table_type FROM information_schema.tables WHERE table_schema LIKE '{db}\_%';

-- query foreign_key_usage
SELECT REPLACE(table_schema, '{db}', 'x') AS db, table_name, column_name, REPLACE(referenced_table_schema, '{db}', 'x') AS parent_db, referenced_table_name FROM information_schema.key_column_usage WHERE table_schema = '{db}_shop' AND referenced_table_name IS NOT NULL;

-- writes
USE {db}_shop;
INSERT INTO orders (user_id, product_id, qty) VALUES (2, 11, 3);
UPDATE products SET price = 2.00 WHERE id = 10;
DELETE FROM orders WHERE id = 4;
-- error 1451
DELETE FROM products WHERE id = 11;
UPDATE {db}.users SET name = 'bea' WHERE id = 2;
USE {db};

-- writes
INSERT INTO users VALUES (4, 'dee');
INSERT INTO {db}_shop.orders (user_id, product_id, qty) VALUES (4, 12, 2);
BEGIN;
INSERT INTO {db}_shop.orders (user_id, product_id, qty) VALUES (4, 10, 1);
UPDATE {db}_shop.products SET price = price + 1 WHERE id = 12;
COMMIT;
BEGIN;
DELETE FROM {db}_shop.orders WHERE user_id = 1;
ROLLBACK;

-- writes
CREATE DATABASE {db}_tmp;
CREATE TABLE {db}_tmp.scratch (id INT PRIMARY KEY, note VARCHAR(20));
INSERT INTO {db}_tmp.scratch VALUES (1, 'one'), (2, 'two');
ALTER TABLE {db}_tmp.scratch ADD COLUMN n INT NOT NULL DEFAULT 7;
CREATE INDEX by_note ON {db}_tmp.scratch (note);
RENAME TABLE {db}_tmp.scratch TO {db}_tmp.notes;
UPDATE {db}_tmp.notes SET n = n + id;
CREATE TABLE {db}_tmp.moving (id INT PRIMARY KEY, what VARCHAR(10));
INSERT INTO {db}_tmp.moving VALUES (1, 'box');
RENAME TABLE {db}_tmp.moving TO {db}_blog.moved;
INSERT INTO {db}_blog.moved VALUES (2, 'crate');
TRUNCATE TABLE {db}_shop.orders;
INSERT INTO {db}_shop.orders (user_id, product_id, qty) VALUES (3, 11, 9);

-- writes
USE `{db}_tmp`;
CREATE TABLE gone (id INT PRIMARY KEY);
CREATE VIEW gone_view AS SELECT * FROM notes;
DROP DATABASE {db}_tmp;
-- error 1046
CREATE TABLE t (id INT PRIMARY KEY);
USE {db};
-- error 1146
INSERT INTO {db}_tmp.notes VALUES (3, 'three', 0);
