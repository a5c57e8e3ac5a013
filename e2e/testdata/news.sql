-- The news example, run by the mariadb client in batch mode against a fresh Weir server
-- (TestMariaDBClient in e2e/mariadb_test.go; the client's output is news.out). Users write
-- articles and vote for them; a page shows an article with its author and vote count.

SELECT DATABASE();

CREATE TABLE user (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);
CREATE TABLE article (id INT PRIMARY KEY AUTO_INCREMENT, author INT NOT NULL, title VARCHAR(200) NOT NULL, url VARCHAR(200));
CREATE TABLE vote (article_id INT NOT NULL, user_id INT NOT NULL, PRIMARY KEY (article_id, user_id));
SHOW TABLES;
DESCRIBE article;

INSERT INTO user VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
INSERT INTO article (author, title, url) VALUES (1, 'Weir 1.0', 'https://example.com/weir'), (2, 'Partial state', NULL), (1, 'Ünïcödé in titles', NULL);
SELECT LAST_INSERT_ID();
INSERT INTO vote VALUES (1, 1), (1, 2), (1, 3), (2, 2), (3, 1);

-- Vote counts: one query shape read with four literals. The literal is the key of one
-- cache, which SHOW CACHES lists below with a ? in its place; article 4 has no votes.
SELECT article_id, COUNT(*) AS votes FROM vote WHERE article_id = 1 GROUP BY article_id;
SELECT article_id, COUNT(*) AS votes FROM vote WHERE article_id = 2 GROUP BY article_id;
SELECT article_id, COUNT(*) AS votes FROM vote WHERE article_id = 3 GROUP BY article_id;
SELECT article_id, COUNT(*) AS votes FROM vote WHERE article_id = 4 GROUP BY article_id;

-- The article page as a named cache with a parameter, and a read of the same query.
CREATE CACHE article_page FROM SELECT a.id, a.title, u.name AS author, COUNT(v.user_id) AS votes FROM article a JOIN user u ON u.id = a.author LEFT JOIN vote v ON v.article_id = a.id WHERE a.id = ? GROUP BY a.id, a.title, u.name;
SELECT a.id, a.title, u.name AS author, COUNT(v.user_id) AS votes FROM article a JOIN user u ON u.id = a.author LEFT JOIN vote v ON v.article_id = a.id WHERE a.id = 1 GROUP BY a.id, a.title, u.name;
SELECT id, title, url FROM article WHERE author = 1 ORDER BY id;

-- Vertically, one column a line, so that the test can blank the counters that follow from
-- the engine's internals (hits, misses, upqueries, bytes).
SHOW CACHES\G

-- Writes show in the next reads: alice is renamed and loses bob's vote on article 1.
UPDATE user SET name = 'Alice' WHERE id = 1;
DELETE FROM vote WHERE article_id = 1 AND user_id = 2;
SELECT a.id, a.title, u.name AS author, COUNT(v.user_id) AS votes FROM article a JOIN user u ON u.id = a.author LEFT JOIN vote v ON v.article_id = a.id WHERE a.id = 1 GROUP BY a.id, a.title, u.name;
SELECT article_id, COUNT(*) AS votes FROM vote WHERE article_id = 1 GROUP BY article_id;
UPDATE article SET url = 'https://example.com/partial' WHERE id = 2;
SELECT id, title, url FROM article WHERE author = 2 ORDER BY id;

-- A statement that fails: with --force the client prints the error (on stderr, with its
-- number, SQLSTATE and line) and goes on, on the same connection.
SELECT title FROM nosuch WHERE id = 1;
SELECT COUNT(*) AS votes FROM vote WHERE article_id = 1;
