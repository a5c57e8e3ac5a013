# ALTER TABLE and RENAME TABLE on tables with rows and with caches over them: columns added
# (with defaults, NOT NULL without one, FIRST and AFTER), dropped, retyped, renamed and
# moved, defaults set and dropped, primary keys added and dropped, tables renamed, and the
# errors MySQL gives for changes the rows do not allow. Every cache declared before a change
# is read again after it, and new ones read the new columns.

-- setup
CREATE TABLE items (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  qty INT,
  price DECIMAL(6,2) DEFAULT 1.00,
  note VARCHAR(10)
);
CREATE TABLE tags (item_id INT NOT NULL, tag VARCHAR(10) NOT NULL);
INSERT INTO items VALUES (1, 'apple', 5, 0.50, 'fresh'), (2, 'pear', NULL, 0.75, NULL),
  (3, 'plum', 12, DEFAULT, '12'), (4, 'fig', 0, 2.10, 'dried');
INSERT INTO tags VALUES (1, 'red'), (1, 'fruit'), (2, 'fruit'), (4, 'sweet');

-- query item_by_id
-- args: 1
-- args: 2
-- args: 9
SELECT id, name, qty, price FROM items WHERE id = ?;

-- query items_by_name
-- args: 'PLUM'
SELECT id, price FROM items WHERE name = ?;

-- query tag_counts
SELECT i.name, COUNT(t.tag) AS tags FROM items i LEFT JOIN tags t ON t.item_id = i.id GROUP BY i.name;

-- query total_qty
SELECT SUM(qty) AS total, COUNT(*) AS n FROM items;

-- writes
# Columns added: with a default, nullable without one, NOT NULL without one (the type's
# implicit default), first and after another column.
ALTER TABLE items ADD COLUMN stock INT NOT NULL DEFAULT 10;
ALTER TABLE items ADD COLUMN scratch VARCHAR(5) DEFAULT 'tmp';
ALTER TABLE items ADD COLUMN origin VARCHAR(20), ADD COLUMN lvl INT NOT NULL AFTER name;
ALTER TABLE items ADD COLUMN code VARCHAR(5) NOT NULL FIRST;
ALTER TABLE items ADD COLUMN label VARCHAR(8) NOT NULL DEFAULT 'none' AFTER id;
INSERT INTO items (id, name, lvl, qty, code) VALUES (5, 'kiwi', 3, 7, 'K');
-- error 1060
ALTER TABLE items ADD COLUMN qty INT;
-- error 1054
ALTER TABLE items ADD COLUMN x INT AFTER nope;

-- query items_new_columns
-- args: 1
-- args: 5
SELECT code, label, stock FROM items WHERE id = ?;

-- writes
# Retyping: widening keeps every value; values that no longer fit are refused and the
# table stays as it was.
ALTER TABLE items MODIFY qty BIGINT;
ALTER TABLE items MODIFY name VARCHAR(40) NOT NULL;
ALTER TABLE items MODIFY price DECIMAL(8,3) DEFAULT 2.500;
-- error 1265
ALTER TABLE items MODIFY name VARCHAR(3) NOT NULL;
-- error 1265
ALTER TABLE items MODIFY qty INT NOT NULL;
-- error 1292
ALTER TABLE items MODIFY note INT;
UPDATE items SET qty = 300 WHERE id = 3;
-- error 1264
ALTER TABLE items MODIFY qty TINYINT UNSIGNED, MODIFY stock TINYINT;
UPDATE items SET qty = 12 WHERE id = 3;
UPDATE items SET note = NULL WHERE note NOT IN ('12');
ALTER TABLE items MODIFY note INT;
INSERT INTO items (id, name, lvl, code) VALUES (6, 'lime', 1, 'L');

-- writes
# Renaming and moving columns, defaults set and dropped, a column dropped.
ALTER TABLE items CHANGE COLUMN origin country VARCHAR(30) DEFAULT 'nowhere';
ALTER TABLE items RENAME COLUMN lvl TO position;
ALTER TABLE items MODIFY COLUMN code VARCHAR(5) NOT NULL AFTER stock;
ALTER TABLE items ALTER COLUMN stock SET DEFAULT 99;
ALTER TABLE items ALTER COLUMN country DROP DEFAULT;
INSERT INTO items (id, name, position, code) VALUES (7, 'date', 2, 'D');
ALTER TABLE items DROP COLUMN scratch;
-- error 1091
ALTER TABLE items DROP COLUMN scratch;
-- error 1054
ALTER TABLE items RENAME COLUMN nope TO other;
-- error 1067
ALTER TABLE items ALTER COLUMN qty SET DEFAULT 'many';

-- query items_renamed
-- args: 7
-- args: 1
SELECT name, position, country, stock, code FROM items WHERE id = ?;

-- writes
# Keys: a table without a primary key gets one, duplicates refuse one, and one is dropped.
-- error 1062
ALTER TABLE tags ADD PRIMARY KEY (item_id);
ALTER TABLE tags ADD PRIMARY KEY (item_id, tag);
-- error 1062
INSERT INTO tags VALUES (1, 'RED');
INSERT INTO tags VALUES (3, 'purple');
-- error 1068
ALTER TABLE tags ADD PRIMARY KEY (tag);
ALTER TABLE tags DROP PRIMARY KEY;
INSERT INTO tags VALUES (1, 'red');
-- error 1091
ALTER TABLE tags DROP PRIMARY KEY;

-- writes
# Tables renamed, and renamed back in the same block, so the caches over them read the
# same names at the checkpoint; options that change nothing a query computes.
RENAME TABLE tags TO labels;
-- error 1146
INSERT INTO tags VALUES (9, 'gone');
INSERT INTO labels VALUES (5, 'green');
ALTER TABLE labels RENAME TO tags;
CREATE TABLE spare (id INT PRIMARY KEY);
-- error 1050
RENAME TABLE tags TO spare;
RENAME TABLE items TO goods, spare TO items, goods TO spare, items TO goods, spare TO items;
DROP TABLE goods;
ALTER TABLE items ENGINE=InnoDB, DEFAULT CHARSET=utf8mb4, COMMENT='fruit';
-- error 1090
ALTER TABLE tags DROP COLUMN item_id, DROP COLUMN tag;

-- writes
# Keys under column changes: a unique key added with a column, over duplicates (refused),
# kept through a column's rename and retype, and dropped with its only column; an index
# added in the same statement as a column change.
ALTER TABLE items ADD UNIQUE KEY uname (name);
ALTER TABLE items ADD COLUMN sku VARCHAR(8) UNIQUE, ADD INDEX (qty);
-- error 1062
ALTER TABLE items ADD COLUMN dup INT NOT NULL DEFAULT 1, ADD UNIQUE (dup);
ALTER TABLE items CHANGE COLUMN name title VARCHAR(50) NOT NULL, MODIFY qty INT;
-- error 1062
INSERT INTO items (id, title, position, code) VALUES (8, 'APPLE', 1, 'A');
UPDATE items SET sku = CONCAT('s', id) WHERE id < 4;
-- error 1062
UPDATE items SET sku = 's1' WHERE id = 5;
ALTER TABLE items DROP COLUMN sku;
INSERT INTO items (id, title, position, code) VALUES (8, 'melon', 1, 'M');
ALTER TABLE items CHANGE COLUMN title name VARCHAR(50) NOT NULL;
