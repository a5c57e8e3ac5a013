# Joins across two to four tables: inner and left, on one and several columns, self-joins,
# NULL join keys (which never match), case-insensitive string keys, and joins behind
# parameters. Rows are added, changed and removed on both sides of every join afterwards.

-- setup
CREATE TABLE users (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(30) NOT NULL,
  city VARCHAR(30),
  manager_id INT,
  team VARCHAR(10)
);
CREATE TABLE posts (
  id INT NOT NULL PRIMARY KEY,
  author_id INT,
  title VARCHAR(60) NOT NULL,
  score INT,
  team VARCHAR(10)
);
CREATE TABLE comments (
  id INT NOT NULL PRIMARY KEY,
  post_id INT,
  user_id INT,
  body VARCHAR(100),
  stars DECIMAL(3,1)
);
CREATE TABLE cities (
  name VARCHAR(30) NOT NULL PRIMARY KEY,
  country VARCHAR(30),
  pop INT
);
INSERT INTO users VALUES
  (1, 'alice', 'Paris', NULL, 'red'),
  (2, 'bob', 'paris', 1, 'blue'),
  (3, 'Carol', 'Berlin', 1, 'red'),
  (4, 'dave', NULL, 2, 'Blue'),
  (5, 'Eve', 'Oslo', 2, NULL),
  (6, 'frank', 'LIMA', 3, 'red'),
  (7, 'Grace', 'Tokyo', 99, 'green');
INSERT INTO posts VALUES
  (10, 1, 'Hello', 5, 'red'),
  (11, 1, 'Second', NULL, 'blue'),
  (12, 2, 'Bob here', 3, 'BLUE'),
  (13, 3, 'Carol post', -2, 'red'),
  (14, NULL, 'Orphan', 7, 'red'),
  (15, 42, 'Ghost author', 1, NULL),
  (16, 4, 'Dave', 0, 'blue'),
  (17, 2, 'Bob again', 8, 'red');
INSERT INTO comments VALUES
  (100, 10, 2, 'nice', 4.5),
  (101, 10, 3, 'ok', 3.0),
  (102, 12, 1, 'hi bob', NULL),
  (103, 13, 1, 'welcome', 5.0),
  (104, NULL, 2, 'lost', 1.0),
  (105, 10, NULL, 'anon', 2.5),
  (106, 99, 4, 'dangling', 3.5),
  (107, 17, 2, 'self', 4.0),
  (108, 12, 2, 'again', 2.0);
INSERT INTO cities VALUES
  ('PARIS', 'France', 2100000),
  ('Berlin', 'Germany', 3600000),
  ('Lima', 'Peru', NULL),
  ('Rome', 'Italy', 2800000);

-- query inner_join_basic
SELECT p.id, p.title, u.name FROM posts p JOIN users u ON p.author_id = u.id;

-- query inner_join_keyword
SELECT p.id, u.name FROM posts AS p INNER JOIN users AS u ON u.id = p.author_id;

-- query inner_join_where_param
-- args: 1
-- args: 2
-- args: 42
SELECT p.id, p.title, u.name FROM posts p JOIN users u ON p.author_id = u.id WHERE u.id = ?;

-- query inner_join_param_on_other_side
-- args: 'alice'
-- args: 'BOB'
-- args: 'nobody'
SELECT p.title, p.score FROM posts p JOIN users u ON p.author_id = u.id WHERE u.name = ?;

-- query inner_join_filter
SELECT p.id, u.name FROM posts p JOIN users u ON p.author_id = u.id WHERE p.score > 2 AND u.team = 'red';

-- query inner_join_string_key_ci
SELECT u.name, c.country FROM users u JOIN cities c ON u.city = c.name;

-- query inner_join_multi_column
SELECT p.id, u.name, p.team FROM posts p JOIN users u ON p.author_id = u.id AND p.team = u.team;

-- query inner_join_multi_column_param
-- args: 'red'
-- args: 'Blue'
SELECT p.id, u.name FROM posts p JOIN users u ON p.author_id = u.id AND p.team = u.team WHERE p.team = ?;

-- query left_join_basic
SELECT p.id, p.title, u.name FROM posts p LEFT JOIN users u ON p.author_id = u.id;

-- query left_outer_join_keyword
SELECT u.id, p.id AS post FROM users u LEFT OUTER JOIN posts p ON p.author_id = u.id;

-- query left_join_null_key
SELECT c.id, c.body, p.title FROM comments c LEFT JOIN posts p ON c.post_id = p.id;

-- query left_join_is_null_antijoin
SELECT u.id, u.name FROM users u LEFT JOIN posts p ON p.author_id = u.id WHERE p.id IS NULL;

-- query left_join_param
-- args: 1
-- args: 5
-- args: 100
SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id WHERE u.id = ?;

-- query left_join_multi_column
SELECT p.id, u.name FROM posts p LEFT JOIN users u ON p.author_id = u.id AND p.team = u.team;

-- query left_join_string_key_ci
SELECT u.name, c.country, c.pop FROM users u LEFT JOIN cities c ON c.name = u.city;

-- query left_join_coalesce
SELECT p.id, COALESCE(u.name, '(none)') AS author FROM posts p LEFT JOIN users u ON p.author_id = u.id;

-- query left_join_filter_on_right
SELECT p.id, u.name FROM posts p LEFT JOIN users u ON p.author_id = u.id WHERE u.team = 'red';

-- query self_join_manager
SELECT e.name AS employee, m.name AS manager FROM users e JOIN users m ON e.manager_id = m.id;

-- query self_join_left
SELECT e.name AS employee, m.name AS manager FROM users e LEFT JOIN users m ON e.manager_id = m.id;

-- query self_join_param
-- args: 1
-- args: 2
-- args: 7
SELECT e.id, e.name FROM users e JOIN users m ON e.manager_id = m.id WHERE m.id = ?;

-- query self_join_same_team
SELECT a.id AS a, b.id AS b FROM users a JOIN users b ON a.team = b.team WHERE a.id < b.id;

-- query three_way_join
SELECT c.id, c.body, p.title, u.name FROM comments c JOIN posts p ON c.post_id = p.id JOIN users u ON c.user_id = u.id;

-- query three_way_join_param
-- args: 10
-- args: 12
-- args: 14
SELECT c.body, u.name FROM comments c JOIN posts p ON c.post_id = p.id JOIN users u ON c.user_id = u.id WHERE p.id = ?;

-- query three_way_left_join
SELECT p.id, u.name, c.country FROM posts p LEFT JOIN users u ON p.author_id = u.id LEFT JOIN cities c ON u.city = c.name;

-- query four_way_join
SELECT c.id, p.title, u.name, ct.country FROM comments c JOIN posts p ON c.post_id = p.id JOIN users u ON p.author_id = u.id JOIN cities ct ON u.city = ct.name;

-- query four_way_mixed_join
SELECT c.id, p.title, u.name, ct.country FROM comments c JOIN posts p ON c.post_id = p.id LEFT JOIN users u ON c.user_id = u.id LEFT JOIN cities ct ON u.city = ct.name;

-- query four_way_join_param
-- args: 'France'
-- args: 'germany'
-- args: 'Peru'
SELECT c.body, p.title FROM comments c JOIN posts p ON c.post_id = p.id JOIN users u ON p.author_id = u.id JOIN cities ct ON u.city = ct.name WHERE ct.country = ?;

-- query join_expression_projection
SELECT p.id, CONCAT(u.name, ': ', p.title) AS line, p.score * 2 AS doubled FROM posts p JOIN users u ON p.author_id = u.id;

-- query join_with_null_comparison
SELECT p.id, u.id AS uid FROM posts p JOIN users u ON p.author_id = u.id WHERE p.score IS NULL OR u.city IS NULL;

-- query join_both_sides_filter
SELECT u.name, c.body FROM users u JOIN comments c ON c.user_id = u.id WHERE u.team = 'red' AND c.stars >= 3;

-- query join_comments_to_users_left_param
-- args: 2
-- args: 4
-- args: 6
SELECT u.name, c.id, c.body FROM users u LEFT JOIN comments c ON c.user_id = u.id WHERE u.id = ?;

-- query join_aggregate_per_author
SELECT u.name, COUNT(*) AS posts, SUM(p.score) AS total FROM users u JOIN posts p ON p.author_id = u.id GROUP BY u.id, u.name;

-- query left_join_aggregate_count_col
SELECT u.id, COUNT(p.id) AS posts FROM users u LEFT JOIN posts p ON p.author_id = u.id GROUP BY u.id;

-- query join_aggregate_param
-- args: 10
-- args: 11
-- args: 99
SELECT p.id, COUNT(c.id) AS n, AVG(c.stars) AS avg_stars FROM posts p LEFT JOIN comments c ON c.post_id = p.id WHERE p.id = ? GROUP BY p.id;

-- query join_distinct
SELECT DISTINCT u.team FROM users u JOIN posts p ON p.author_id = u.id WHERE u.team = 'red';

-- query join_order_limit ordered
SELECT p.id, u.name FROM posts p JOIN users u ON p.author_id = u.id ORDER BY p.id DESC LIMIT 3;

-- query join_on_two_posts_columns
SELECT a.id AS a, b.id AS b FROM posts a JOIN posts b ON a.author_id = b.author_id AND a.team = b.team WHERE a.id <> b.id;

-- writes
INSERT INTO users VALUES (8, 'heidi', 'rome', 1, 'red'), (42, 'ghost', NULL, NULL, NULL);
UPDATE posts SET author_id = 3 WHERE id = 14;
UPDATE posts SET author_id = NULL WHERE id = 16;
UPDATE users SET city = 'Lima' WHERE id = 4;
UPDATE users SET team = 'blue' WHERE id = 1;
DELETE FROM users WHERE id = 2;
INSERT INTO comments VALUES (109, 14, 8, 'late', 4.0), (110, 15, 42, 'boo', NULL);
DELETE FROM comments WHERE id = 100;
UPDATE comments SET post_id = 10 WHERE id = 104;
INSERT INTO cities VALUES ('Oslo', 'Norway', 700000);
UPDATE cities SET country = 'FRANCE' WHERE name = 'paris';

-- writes
DELETE FROM posts WHERE id IN (10, 17);
INSERT INTO posts VALUES (10, 8, 'Hello again', 9, 'red'), (18, 5, 'Eve writes', 2, NULL);
UPDATE users SET manager_id = 8 WHERE manager_id = 2;
DELETE FROM cities WHERE name = 'Berlin';
INSERT INTO users VALUES (2, 'Bob', 'PARIS', 1, 'BLUE');
