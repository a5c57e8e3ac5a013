# JSON_ARRAYAGG and JSON_OBJECTAGG: elements of every type (numbers, decimals, doubles,
# strings that need escapes, dates, JSON documents embedded as they are), NULL elements and
# NULL keys, empty groups, duplicate keys, DISTINCT, ORDER BY and LIMIT inside
# JSON_ARRAYAGG, parameters, views, and writes that move rows between groups.
#
# MariaDB puts elements in the order it meets the rows; Weir puts them in value order (and
# JSON_OBJECTAGG's members in key order). Where a query has no ORDER BY inside the
# aggregate, each group's values rise with the primary key, which is the order MariaDB
# meets them, so both orders agree (ids have two digits, so their text order is their
# numeric order too).

-- setup
CREATE TABLE items (
  id INT NOT NULL PRIMARY KEY,
  g INT,
  n INT,
  name VARCHAR(30),
  price DECIMAL(8,2),
  ratio DOUBLE,
  born DATE,
  doc JSON
);
CREATE VIEW item_docs AS SELECT g, JSON_ARRAYAGG(DISTINCT id ORDER BY id DESC) AS ids, JSON_OBJECTAGG(id, doc) AS docs FROM items GROUP BY g;
INSERT INTO items VALUES
  (11, 1, NULL, NULL, NULL, NULL, NULL, NULL),
  (12, 1, 11, 'ann', -1.50, -0.5, '2024-01-02', '"str"'),
  (13, 1, 12, 'bo"b', 2.00, 2.5, '2024-01-03', 'null'),
  (14, 2, 15, 'c\\d\t', 3.25, 3.25, '2024-01-31', '[1,"x"]'),
  (15, 2, 17, 'dee', 4.00, 4, NULL, '{"a": [1, 2]}'),
  (16, 3, NULL, NULL, NULL, NULL, NULL, NULL),
  (17, 4, 19, 'eli', 10.10, 100, '2024-05-06', '{}'),
  (18, 4, 19, 'eli', 10.10, 100, '2024-05-06', '{}');

-- query arrayagg_numbers
SELECT g, JSON_ARRAYAGG(n) AS ns, JSON_ARRAYAGG(price) AS ps FROM items WHERE n IS NOT NULL GROUP BY g;

-- query arrayagg_doubles
SELECT g, JSON_ARRAYAGG(ratio) AS rs FROM items WHERE ratio IS NOT NULL GROUP BY g;

-- query arrayagg_strings
SELECT g, JSON_ARRAYAGG(name) AS names FROM items WHERE name IS NOT NULL GROUP BY g;

-- query arrayagg_dates
SELECT g, JSON_ARRAYAGG(born) AS borns FROM items WHERE born IS NOT NULL GROUP BY g;

-- query arrayagg_json_column
SELECT g, JSON_ARRAYAGG(doc) AS docs FROM items WHERE doc IS NOT NULL GROUP BY g;

-- query arrayagg_json_object
SELECT g, JSON_ARRAYAGG(JSON_OBJECT('n', n, 'name', name)) AS objs FROM items WHERE n IS NOT NULL GROUP BY g;

-- query arrayagg_json_array
SELECT g, JSON_ARRAYAGG(JSON_ARRAY(id, price)) AS pairs FROM items WHERE g = 2 GROUP BY g;

-- query arrayagg_json_functions
SELECT g, JSON_ARRAYAGG(JSON_EXTRACT(doc, '$.a')) AS parts, JSON_ARRAYAGG(JSON_UNQUOTE(doc) ORDER BY id) AS texts, JSON_ARRAYAGG(CONCAT(name, '!')) AS shouts FROM items WHERE doc IS NOT NULL GROUP BY g;

-- query arrayagg_all_null
SELECT g, JSON_ARRAYAGG(n) AS ns, JSON_ARRAYAGG(doc) AS docs FROM items WHERE g = 3 GROUP BY g;

-- query arrayagg_single_null
SELECT id, JSON_ARRAYAGG(name) AS names FROM items GROUP BY id;

-- query arrayagg_empty
SELECT JSON_ARRAYAGG(n) AS ns, JSON_OBJECTAGG(name, n) AS o, COUNT(*) AS c FROM items WHERE g = 99;

-- query arrayagg_count
SELECT g, COUNT(*) AS c, JSON_ARRAYAGG(id) AS ids FROM items GROUP BY g;

-- query arrayagg_param
-- args: 1
-- args: 2
-- args: 3
-- args: 99
SELECT JSON_ARRAYAGG(id) AS ids, JSON_OBJECTAGG(id, name) AS names FROM items WHERE g = ?;

-- query arrayagg_param_grouped
-- args: 1
-- args: 4
-- args: 99
SELECT g, JSON_ARRAYAGG(n) AS ns FROM items WHERE g = ? GROUP BY g;

-- query arrayagg_nested
SELECT g, JSON_ARRAYAGG(id) AS ids, JSON_OBJECT('g', g, 'ids', JSON_ARRAYAGG(id)) AS wrapped FROM items GROUP BY g;

-- query arrayagg_having
SELECT g, JSON_ARRAYAGG(id) AS ids FROM items GROUP BY g HAVING COUNT(n) > 1;

-- query objectagg_basic
SELECT g, JSON_OBJECTAGG(name, n) AS o FROM items GROUP BY g;

-- query objectagg_values
SELECT g, JSON_OBJECTAGG(id, doc) AS docs, JSON_OBJECTAGG(id, price) AS prices, JSON_OBJECTAGG(id, born) AS borns FROM items GROUP BY g;

-- query objectagg_null_keys
SELECT g, JSON_OBJECTAGG(n, id) AS o FROM items GROUP BY g;

-- query objectagg_duplicate_keys
SELECT JSON_OBJECTAGG(name, id) AS o FROM items WHERE g = 4;

-- query objectagg_nested
SELECT g, JSON_OBJECTAGG(id, JSON_OBJECT('n', n)) AS o FROM items GROUP BY g;

-- query arrayagg_distinct
SELECT g, JSON_ARRAYAGG(DISTINCT name) AS names, JSON_ARRAYAGG(DISTINCT n) AS ns FROM items GROUP BY g;

-- query arrayagg_distinct_all
SELECT JSON_ARRAYAGG(DISTINCT g) AS gs, JSON_ARRAYAGG(DISTINCT price) AS prices FROM items;

-- query arrayagg_order_desc
SELECT g, JSON_ARRAYAGG(n ORDER BY n DESC) AS ns, JSON_ARRAYAGG(name ORDER BY name) AS names FROM items GROUP BY g;

-- query arrayagg_order_all
SELECT JSON_ARRAYAGG(id ORDER BY id DESC) AS ids, JSON_ARRAYAGG(born ORDER BY born DESC) AS borns FROM items;

-- query arrayagg_order_position
SELECT JSON_ARRAYAGG(ratio ORDER BY 1 DESC) AS rs FROM items;

-- query arrayagg_distinct_order
SELECT g, JSON_ARRAYAGG(DISTINCT born ORDER BY born DESC) AS borns FROM items GROUP BY g;

-- query arrayagg_limit
SELECT g, JSON_ARRAYAGG(id ORDER BY id LIMIT 2) AS first_two, JSON_ARRAYAGG(id ORDER BY id DESC LIMIT 1, 1) AS second_last, JSON_ARRAYAGG(n ORDER BY n LIMIT 1 OFFSET 5) AS past_end FROM items GROUP BY g;

-- query arrayagg_order_other
SELECT g, JSON_ARRAYAGG(name ORDER BY id DESC) AS names, JSON_ARRAYAGG(doc ORDER BY id) AS docs FROM items GROUP BY g;

-- query arrayagg_order_other_limit
-- args: 1
-- args: 2
-- args: 99
SELECT JSON_ARRAYAGG(JSON_OBJECT('id', id, 'n', n) ORDER BY id DESC LIMIT 2) AS latest FROM items WHERE g = ?;

-- query arrayagg_order_expression
SELECT JSON_ARRAYAGG(id ORDER BY -id LIMIT 1, 3) AS ids, JSON_ARRAYAGG(n ORDER BY ratio DESC) AS ns FROM items WHERE ratio IS NOT NULL;

-- query arrayagg_limit_zero
SELECT JSON_ARRAYAGG(id ORDER BY id LIMIT 0) AS none FROM items;

-- query arrayagg_limit_param
-- args: 1
-- args: 2
-- args: 99
SELECT JSON_ARRAYAGG(DISTINCT n ORDER BY n DESC LIMIT 2) AS top FROM items WHERE g = ?;

-- query arrayagg_unaliased
SELECT g, JSON_ARRAYAGG(DISTINCT n), JSON_OBJECTAGG(id, n) FROM items WHERE g = 2 GROUP BY g;

-- query view_over_aggregates
SELECT g, ids, docs FROM item_docs;

-- query view_param
-- args: 1
-- args: 4
SELECT ids FROM item_docs WHERE g = ?;

# As catalog.sql: MariaDB types a view's computed columns its own way (MEDIUMTEXT for
# these), so names, positions and nullability are compared.
-- query view_columns ordered
SELECT column_name, ordinal_position, is_nullable FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'item_docs' ORDER BY ordinal_position;

-- writes
INSERT INTO items VALUES (19, 1, 21, 'fay', 5.00, 4.5, '2024-06-01', '{"z": [true, false]}');
UPDATE items SET g = 2 WHERE id = 13;
UPDATE items SET n = 22 WHERE id = 16;
DELETE FROM items WHERE id = 18;

-- writes
INSERT INTO items VALUES (20, 5, 23, 'gus', 6.00, 5, NULL, NULL), (21, 5, 23, 'gus', 6.00, 5, NULL, NULL);
DELETE FROM items WHERE id = 20;
UPDATE items SET g = NULL WHERE id = 12;

-- writes
DELETE FROM items WHERE g = 4;
UPDATE items SET name = 'zed' WHERE id = 15;
