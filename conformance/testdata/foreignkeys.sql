# FOREIGN KEY constraints, enforced as InnoDB enforces them: declarations (named, unnamed,
# inline REFERENCES, multi-column, self-referencing) and the definitions InnoDB refuses
# (error 1005 errno 150, 1239, 1072); child rows without a parent (1452) and parents with
# children (1451) on INSERT, UPDATE, REPLACE, upserts and DELETE; ON DELETE / ON UPDATE
# CASCADE and SET NULL over two and three levels and down a self-referencing tree; NULLs in
# child keys, which are never checked; DROP TABLE (1451) and TRUNCATE (1701) of a referenced
# parent. Joins over parents and children are compared after every block, so views follow
# the rows the cascades change.

-- setup
CREATE TABLE authors (
  id INT NOT NULL,
  name VARCHAR(20) NOT NULL,
  handle VARCHAR(20),
  PRIMARY KEY (id),
  UNIQUE KEY (handle)
) ENGINE=InnoDB;
CREATE TABLE posts (
  id INT NOT NULL,
  author_id INT,
  title VARCHAR(40),
  PRIMARY KEY (id),
  CONSTRAINT fk_post_author FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB;
CREATE TABLE comments (
  id INT NOT NULL PRIMARY KEY,
  post_id INT,
  author_handle VARCHAR(20),
  body VARCHAR(40),
  FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE ON UPDATE CASCADE,
  FOREIGN KEY (author_handle) REFERENCES authors (handle) ON DELETE SET NULL ON UPDATE SET NULL
) ENGINE=InnoDB;
CREATE TABLE votes (
  id INT NOT NULL PRIMARY KEY,
  comment_id INT REFERENCES comments (id),
  up INT NOT NULL DEFAULT 1,
  KEY by_comment (comment_id, up)
) ENGINE=InnoDB;
CREATE TABLE regions (
  country CHAR(2) NOT NULL,
  code VARCHAR(5) NOT NULL,
  name VARCHAR(20),
  PRIMARY KEY (country, code)
) ENGINE=InnoDB;
CREATE TABLE shops (
  id INT NOT NULL PRIMARY KEY,
  country CHAR(2),
  region VARCHAR(5),
  CONSTRAINT fk_shop_region FOREIGN KEY (country, region) REFERENCES regions (country, code) ON UPDATE CASCADE ON DELETE SET NULL
) ENGINE=InnoDB;
CREATE TABLE tree (
  id INT NOT NULL PRIMARY KEY,
  parent INT,
  label VARCHAR(10),
  FOREIGN KEY (parent) REFERENCES tree (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE managers (
  id INT NOT NULL PRIMARY KEY,
  boss INT,
  CONSTRAINT fk_boss FOREIGN KEY (boss) REFERENCES managers (id) ON DELETE SET NULL ON UPDATE NO ACTION
) ENGINE=InnoDB;
CREATE TABLE chain (id INT NOT NULL PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES chain (id) ON DELETE CASCADE) ENGINE=InnoDB;
INSERT INTO authors VALUES (1, 'Ann', 'ann'), (2, 'Bob', 'bob'), (3, 'Cy', NULL);
INSERT INTO posts VALUES (10, 1, 'hello'), (11, 1, 'again'), (12, 2, 'bob here'), (13, NULL, 'orphan');
INSERT INTO comments VALUES (100, 10, 'bob', 'nice'), (101, 10, 'ann', 'thanks'), (102, 12, 'ann', 'hi bob'), (103, NULL, NULL, 'loose');
INSERT INTO votes VALUES (1, 100, 1), (2, 100, 1), (3, 102, 0), (4, NULL, 1);
INSERT INTO regions VALUES ('fr', 'idf', 'Paris'), ('fr', 'ara', 'Lyon'), ('de', 'be', 'Berlin');
INSERT INTO shops VALUES (1, 'fr', 'idf'), (2, 'fr', 'ara'), (3, 'de', 'be'), (4, 'de', NULL), (5, NULL, 'zz');
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x'), (6, NULL, 'other');
INSERT INTO managers VALUES (1, NULL), (2, 1), (3, 2), (4, 2);
INSERT INTO chain VALUES (0, NULL), (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6), (8, 7), (9, 8), (10, 9), (11, 10), (12, 11), (13, 12), (14, 13), (15, 14);

-- query posts_with_authors
SELECT p.id, p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id;

-- query comments_per_author
SELECT a.name, COUNT(c.id) AS n FROM authors a LEFT JOIN posts p ON p.author_id = a.id LEFT JOIN comments c ON c.post_id = p.id GROUP BY a.name;

-- query comments_of_post
-- args: 10
-- args: 12
SELECT c.id, c.body, c.author_handle FROM comments c WHERE c.post_id = ?;

-- query votes_per_post
SELECT p.id, SUM(v.up) AS ups, COUNT(*) AS n FROM posts p JOIN comments c ON c.post_id = p.id JOIN votes v ON v.comment_id = c.id GROUP BY p.id;

-- query shops_in
-- args: 'fr'
-- args: 'de'
SELECT s.id, r.name FROM shops s JOIN regions r ON r.country = s.country AND r.code = s.region WHERE s.country = ?;

-- query subtree_children
-- args: 1
-- args: 2
SELECT t.id, t.label FROM tree t WHERE t.parent = ?;

-- query tree_edges
SELECT c.label, p.label AS parent FROM tree c JOIN tree p ON p.id = c.parent;

-- writes
# Definitions InnoDB refuses.
-- error 1005
CREATE TABLE bad1 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES nowhere (id));
-- error 1005
CREATE TABLE bad2 (id INT PRIMARY KEY, x BIGINT, FOREIGN KEY (x) REFERENCES authors (id));
-- error 1005
CREATE TABLE bad3 (id INT PRIMARY KEY, x INT UNSIGNED, FOREIGN KEY (x) REFERENCES authors (id));
-- error 1005
CREATE TABLE bad4 (id INT PRIMARY KEY, x INT NOT NULL, FOREIGN KEY (x) REFERENCES authors (id) ON DELETE SET NULL);
-- error 1005
CREATE TABLE bad5 (id INT PRIMARY KEY, x VARCHAR(20), FOREIGN KEY (x) REFERENCES authors (name));
-- error 1005
CREATE TABLE bad6 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES authors (nope));
-- error 1239
CREATE TABLE bad7 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES regions (country, code));
-- error 1072
CREATE TABLE bad8 (id INT PRIMARY KEY, x INT, FOREIGN KEY (nope) REFERENCES authors (id));
-- error 1005
CREATE TABLE bad9 (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES authors (id), CONSTRAINT bad9_ibfk_1 FOREIGN KEY (x) REFERENCES authors (id));
# A child row needs its parent; NULL keys are never checked.
-- error 1452
INSERT INTO posts VALUES (20, 9, 'no author');
-- error 1452
INSERT INTO posts VALUES (20, 1, 'ok'), (21, 9, 'no author');
-- error 1452
UPDATE posts SET author_id = 9 WHERE id = 10;
# REPLACE of a referenced row deletes it first: its children's keys answer first.
-- error 1451
REPLACE INTO posts VALUES (10, 7, 'replaced');
-- error 1452
REPLACE INTO posts VALUES (11, 7, 'replaced');
-- error 1452
INSERT INTO posts VALUES (10, 1, 'dup') ON DUPLICATE KEY UPDATE author_id = 8;
-- error 1452
INSERT INTO comments VALUES (104, 10, 'nobody', 'x');
-- error 1452
INSERT INTO shops VALUES (6, 'fr', 'be');
INSERT INTO shops VALUES (6, 'fr', NULL), (7, NULL, 'be');
INSERT INTO comments VALUES (104, 11, 'ANN', 'case-insensitive handle');
INSERT INTO posts VALUES (14, 3, 'cy writes') ON DUPLICATE KEY UPDATE title = 'x';
# A parent with children: RESTRICT and NO ACTION refuse.
-- error 1451
DELETE FROM comments WHERE id = 100;
-- error 1451
UPDATE comments SET id = 200 WHERE id = 102;
-- error 1451
UPDATE managers SET id = 20 WHERE id = 2;
-- error 1451
DROP TABLE authors;
-- error 1701
TRUNCATE TABLE regions;
DELETE FROM comments WHERE id = 101;
UPDATE managers SET id = 40 WHERE id = 4;

-- writes
# CASCADE over three levels: an author's posts, their comments; votes RESTRICT the last.
-- error 1451
DELETE FROM authors WHERE id = 2;
DELETE FROM votes WHERE comment_id = 102;
DELETE FROM authors WHERE id = 2;
# ON UPDATE CASCADE down two levels, SET NULL on a unique key's change.
UPDATE authors SET id = 7 WHERE id = 1;
UPDATE posts SET id = 30 WHERE id = 11;
UPDATE authors SET handle = 'anna' WHERE id = 7;
# Multi-column keys: CASCADE on update, SET NULL on delete.
UPDATE regions SET code = 'pa' WHERE country = 'fr' AND code = 'idf';
DELETE FROM regions WHERE country = 'de';
# A self-referencing tree: deleting a node takes its subtree; SET NULL on a boss leaving.
DELETE FROM tree WHERE id = 2;
DELETE FROM managers WHERE id = 2;
INSERT INTO tree VALUES (7, 6, 'o1'), (8, 7, 'o2'), (9, 6, 'o3');
# REPLACE deletes and inserts a referenced row, even an identical one: CASCADE goes down.
REPLACE INTO tree VALUES (7, 6, 'o1');
-- error 1452
INSERT INTO tree VALUES (10, 11, 'early'), (11, NULL, 'late');
INSERT INTO tree VALUES (11, NULL, 'late'), (10, 11, 'early');
# InnoDB cascades at most 14 levels deep.
-- error 1296
DELETE FROM chain WHERE id = 0;
DELETE FROM chain WHERE id = 1;

-- writes
# A transaction: the violating statement fails, the others stay.
BEGIN;
INSERT INTO authors VALUES (4, 'Dee', 'dee');
-- error 1452
INSERT INTO posts VALUES (40, 5, 'no author yet');
INSERT INTO posts VALUES (40, 4, 'dee writes');
DELETE FROM authors WHERE id = 3;
COMMIT;
BEGIN;
DELETE FROM tree WHERE id = 6;
ROLLBACK;
DELETE FROM tree WHERE label = 'late';
DROP TABLE managers;
