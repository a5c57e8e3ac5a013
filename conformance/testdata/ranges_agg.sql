# Ranges over aggregates: a range on a GROUP BY column (of the query's own aggregate or of a
# derived table's) keeps the aggregate's groups by intervals of that column, filled by the
# intervals read. The lookups of each query overlap, nest, touch and leave gaps; writes
# then land in filled intervals and in holes, move rows between groups and empty groups,
# and every query is read again. Groups by two columns, groups whose strings are equal
# under the collation, decimal and datetime group columns, HAVING, ORDER BY an aggregate
# with LIMIT, an aggregate over a join and ranges over a UNION ALL (each branch filled by
# the same interval) are here; so are the shapes that stay full (a range over a UNION
# without ALL, over an aggregate read through a join, over a top-k).

-- setup
CREATE TABLE sales (
  id INT NOT NULL PRIMARY KEY,
  shop_id INT NOT NULL,
  day DATE,
  at DATETIME,
  qty INT,
  price DECIMAL(8,2),
  tag VARCHAR(10)
);
CREATE TABLE shops (
  id INT NOT NULL PRIMARY KEY,
  city VARCHAR(20) NOT NULL
);
CREATE TABLE refunds (
  id INT NOT NULL PRIMARY KEY,
  day DATE,
  qty INT
);
INSERT INTO shops VALUES (1, 'Oslo'), (2, 'Bergen'), (3, 'Tromso');
INSERT INTO sales VALUES
  (1, 1, '2024-03-01', '2024-03-01 08:00:00', 3, 5.00, 'red'),
  (2, 1, '2024-03-01', '2024-03-01 09:30:00', 1, 7.50, 'Red'),
  (3, 2, '2024-03-02', '2024-03-02 10:00:00', 2, 120.00, 'blue'),
  (4, 2, '2024-03-04', '2024-03-04 11:00:00', 5, 99.99, 'BLUE'),
  (5, 3, NULL, NULL, 4, 45.00, NULL),
  (6, 3, '2024-03-05', '2024-03-05 12:00:00', NULL, 45.00, 'green'),
  (7, 1, '2024-03-06', '2024-03-06 13:00:00', 2, 6.25, 'red'),
  (8, 2, '2024-02-28', '2024-02-28 23:59:59', 7, 80.00, 'gray'),
  (9, 3, '2024-03-02', '2024-03-02 18:00:00', 1, 12.00, 'blue');
INSERT INTO refunds VALUES (1, '2024-03-02', 1), (2, '2024-03-06', 2), (3, '2024-03-09', 1);

-- query per_day ordered
-- args: '2024-03-01', '2024-03-02'
-- args: '2024-03-02', '2024-03-05'
-- args: '2024-02-01', '2024-03-01'
-- args: '2024-03-05', '2024-03-31'
-- args: '2024-03-03', '2024-03-03'
-- args: '2024-03-10', '2024-03-01'
-- args: NULL, '2024-03-03'
SELECT day, COUNT(*) AS n, SUM(qty) AS units, MIN(price) AS lo, MAX(price) AS hi, AVG(qty) AS mean FROM sales WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day;

-- query per_day_open ordered
-- args: '2024-03-01'
-- args: '2024-02-01'
-- args: '2024-03-05'
SELECT day, COUNT(qty) AS n FROM sales WHERE day > ? GROUP BY day ORDER BY day DESC;

-- query per_shop_day ordered
-- args: 1, 2
-- args: 2, 3
-- args: 3, 9
SELECT shop_id, day, SUM(qty) AS units FROM sales WHERE shop_id >= ? AND shop_id < ? GROUP BY shop_id, day ORDER BY shop_id, day;

-- query per_day_shop ordered
-- args: '2024-03-01', '2024-03-02'
-- args: '2024-03-02', '2024-03-06'
SELECT day, shop_id, COUNT(*) AS n FROM sales WHERE day >= ? AND day <= ? GROUP BY shop_id, day ORDER BY day, shop_id;

-- query per_tag ordered
-- args: 'a', 'c'
-- args: 'b', 'h'
-- args: 'R', 'S'
SELECT COUNT(*) AS n, SUM(qty) AS units FROM sales WHERE tag > ? AND tag < ? GROUP BY tag ORDER BY n, units;

-- query per_price ordered
-- args: 5, 45
-- args: 40, 100
SELECT price, COUNT(*) AS n FROM sales WHERE price BETWEEN ? AND ? GROUP BY price ORDER BY price;

-- query per_hour ordered
-- args: '2024-03-01 00:00:00', '2024-03-02 12:00:00'
-- args: '2024-03-02 00:00:00', '2024-03-07 00:00:00'
SELECT at, SUM(qty) AS units FROM sales WHERE at >= ? AND at < ? GROUP BY at ORDER BY at;

-- query busy_days ordered
-- args: '2024-02-01', '2024-03-31'
-- args: '2024-03-02', '2024-03-04'
SELECT day, COUNT(*) AS n FROM sales WHERE day BETWEEN ? AND ? GROUP BY day HAVING COUNT(*) > 1 ORDER BY day;

-- query top_days ordered
-- args: '2024-02-01', 2
-- args: '2024-03-02', 1
-- args: '2024-03-04', 3
SELECT day, SUM(qty) AS units FROM sales WHERE day >= ? GROUP BY day ORDER BY units DESC, day LIMIT ?;

-- query derived_counts ordered
-- args: 1
-- args: 2
-- args: 0
SELECT d.shop_id, d.n FROM (SELECT shop_id, COUNT(*) AS n FROM sales GROUP BY shop_id) AS d WHERE d.shop_id > ? ORDER BY d.shop_id;

-- query city_days ordered
-- args: '2024-03-01', '2024-03-03'
-- args: '2024-03-02', '2024-03-06'
SELECT s.day, COUNT(*) AS n, MAX(p.city) AS city FROM sales s JOIN shops p ON p.id = s.shop_id WHERE s.day BETWEEN ? AND ? GROUP BY s.day ORDER BY s.day;

-- query joined_counts ordered
-- args: 1
-- args: 0
SELECT d.shop_id, d.n, p.city FROM (SELECT shop_id, COUNT(*) AS n FROM sales GROUP BY shop_id) AS d JOIN shops p ON p.id = d.shop_id WHERE d.shop_id > ? ORDER BY d.shop_id;

-- query union_days ordered
-- args: '2024-03-02'
-- args: '2024-02-01'
SELECT u.day, u.qty FROM (SELECT day, qty FROM sales UNION ALL SELECT day, qty FROM refunds) AS u WHERE u.day > ? ORDER BY u.day, u.qty LIMIT 20;

-- query union_distinct_days ordered
-- args: '2024-03-02'
-- args: '2024-02-01'
SELECT u.day, u.qty FROM (SELECT day, qty FROM sales UNION SELECT day, qty FROM refunds) AS u WHERE u.day > ? ORDER BY u.day, u.qty;

-- query top_sales ordered
-- args: 2
-- args: 0
SELECT t.id, t.qty FROM (SELECT id, qty FROM sales ORDER BY qty DESC, id LIMIT 4) AS t WHERE t.id > ? ORDER BY t.id;

-- writes
INSERT INTO sales VALUES (10, 1, '2024-03-03', '2024-03-03 07:00:00', 6, 9.00, 'teal'), (11, 2, '2024-03-20', '2024-03-20 10:00:00', 2, 300.00, 'blue');
UPDATE sales SET day = '2024-03-02', at = '2024-03-02 10:00:00' WHERE id = 1;
UPDATE sales SET qty = 9 WHERE id = 4;
DELETE FROM sales WHERE id = 6;
UPDATE sales SET tag = 'RED' WHERE id = 7;
UPDATE shops SET city = 'Stavanger' WHERE id = 2;
INSERT INTO refunds VALUES (4, '2024-03-03', 3);

-- writes
UPDATE sales SET day = NULL WHERE id = 2;
UPDATE sales SET day = '2024-03-05', qty = 1 WHERE id = 5;
INSERT INTO sales VALUES (12, 3, '2024-02-28', '2024-02-28 23:59:59', 7, 80.00, 'gray');
DELETE FROM sales WHERE price < 10;
DELETE FROM refunds WHERE id = 1;
