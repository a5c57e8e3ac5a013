# Range views kept by intervals: a view whose only conditions are ranges holds the intervals
# read, and a read over a partly filled interval fills only what is missing. The lookups of
# each query overlap, nest, touch and leave gaps, with open, closed and unbounded ends, in
# both directions; writes then land in filled intervals and in holes, and move rows between
# them, and every query is read again. Mixed keys (an equality key beside a range) are
# filled whole per key; a range over a GROUP BY column and one through a join are here too.

-- setup
CREATE TABLE reviews (
  id INT NOT NULL PRIMARY KEY,
  product_id INT NOT NULL,
  score INT,
  price DECIMAL(8,2),
  posted DATETIME,
  title VARCHAR(20)
);
CREATE TABLE products (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL
);
INSERT INTO products VALUES (1, 'lamp'), (2, 'desk'), (3, 'chair');
INSERT INTO reviews VALUES
  (1, 1, 10, 5.00, '2024-03-01 08:00:00', 'bright'),
  (2, 1, 20, 7.50, '2024-03-02 09:00:00', 'Dim'),
  (3, 2, 20, 120.00, '2024-03-02 09:00:00', 'sturdy'),
  (4, 2, 35, 99.99, '2024-03-04 10:30:00', 'wobbly'),
  (5, 3, NULL, 45.00, NULL, NULL),
  (6, 3, 50, 45.00, '2024-03-05 12:00:00', 'comfy'),
  (7, 1, 40, 6.25, '2024-03-06 13:00:00', 'ok'),
  (8, 2, 5, 80.00, '2024-02-28 23:59:59', 'meh');

-- query between_overlapping ordered
-- args: 15, 25
-- args: 20, 40
-- args: 10, 20
-- args: 0, 100
-- args: 26, 34
-- args: 40, 20
-- args: NULL, 30
SELECT id, score FROM reviews WHERE score BETWEEN ? AND ? ORDER BY score, id;

-- query open_closed ordered
-- args: 10, 20
-- args: 20, 35
-- args: 5, 10
-- args: 35, 50
SELECT id FROM reviews WHERE score > ? AND score <= ? ORDER BY score, id;

-- query closed_open_desc ordered
-- args: 20, 40
-- args: 10, 20
-- args: 40, 41
SELECT id, score FROM reviews WHERE score >= ? AND score < ? ORDER BY score DESC, id;

-- query unbounded_above ordered
-- args: 30, 2
-- args: 10, 3
-- args: 0, 10
-- args: 60, 5
SELECT id, score FROM reviews WHERE score > ? ORDER BY score, id LIMIT ?;

-- query unbounded_below_desc ordered
-- args: 20
-- args: 36
-- args: 5
SELECT id FROM reviews WHERE score <= ? ORDER BY score DESC, id DESC;

-- query decimal_range ordered
-- args: 6.00, 100.00
-- args: 5, 7.50
-- args: 99.99, 120
SELECT id, price FROM reviews WHERE price BETWEEN ? AND ? ORDER BY price, id;

-- query datetime_range ordered
-- args: '2024-03-02 00:00:00', '2024-03-04 23:59:59'
-- args: '2024-03-01', '2024-03-03'
-- args: '2024-03-04 10:30:00', '2024-03-10'
SELECT id, posted FROM reviews WHERE posted >= ? AND posted <= ? ORDER BY posted, id;

-- query string_range ordered
-- args: 'b', 'd'
-- args: 'c', 'p'
-- args: 'A', 'Z'
SELECT id, title FROM reviews WHERE title > ? AND title < ? ORDER BY title, id;

-- query literal_and_param ordered
-- args: 30
-- args: 45
SELECT id FROM reviews WHERE score >= 10 AND score < ? ORDER BY score, id;

-- query mixed_key ordered
-- args: 1, 15, 45
-- args: 1, 5, 20
-- args: 2, 0, 30
-- args: 2, 20, 100
-- args: 9, 0, 100
SELECT id, score FROM reviews WHERE product_id = ? AND score BETWEEN ? AND ? ORDER BY score, id;

-- query through_join ordered
-- args: 10, 30
-- args: 25, 50
SELECT r.id, p.name FROM reviews r JOIN products p ON p.id = r.product_id WHERE r.score BETWEEN ? AND ? ORDER BY r.score, r.id;

-- query group_column ordered
-- args: 10
-- args: 30
SELECT score, COUNT(*) AS n FROM reviews WHERE score > ? GROUP BY score ORDER BY score;

-- writes
INSERT INTO reviews VALUES (9, 1, 22, 8.00, '2024-03-03 00:00:00', 'fine'), (10, 3, 90, 300.00, '2024-04-01 00:00:00', 'great');
UPDATE reviews SET score = 30 WHERE id = 1;
UPDATE reviews SET score = 7 WHERE id = 4;
DELETE FROM reviews WHERE id = 6;
UPDATE products SET name = 'lantern' WHERE id = 1;

-- writes
UPDATE reviews SET score = NULL WHERE id = 2;
UPDATE reviews SET score = 36, price = 6.00 WHERE id = 5;
INSERT INTO reviews VALUES (11, 2, 20, 120.00, '2024-03-02 09:00:00', 'sturdy');
DELETE FROM reviews WHERE score < 10;
