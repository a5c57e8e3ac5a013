# Common table expressions (non-recursive WITH): one and several CTEs, a CTE over an
# earlier one, a CTE read twice, column lists, parameters inside and outside the CTE, WITH
# before a UNION, inside a derived table and an IN subquery, a CTE hiding a table of its
# name, nested WITH, CTEs over views; read again after writes.

-- setup
CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, team INT NOT NULL);
CREATE TABLE stories (id INT NOT NULL PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(40) NOT NULL);
CREATE TABLE votes (id INT NOT NULL PRIMARY KEY, story_id INT NOT NULL, user_id INT NOT NULL, weight INT NOT NULL);
CREATE VIEW story_scores AS SELECT story_id, COUNT(*) AS votes, SUM(weight) AS score FROM votes GROUP BY story_id;
INSERT INTO users VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', 2), (4, 'dee', 2);
INSERT INTO stories VALUES (1, 1, 'Weir 1.0'), (2, 2, 'Dataflow'), (3, 1, 'Partial state'), (4, 3, 'Views'), (5, 4, 'CTEs');
INSERT INTO votes VALUES (1, 1, 2, 1), (2, 1, 3, 2), (3, 1, 4, 1), (4, 2, 1, 1), (5, 3, 2, 3), (6, 3, 4, 1), (7, 5, 1, 2);

-- query keyed_outside
-- args: 1
-- args: 3
-- args: 9
WITH scored AS (SELECT story_id, SUM(weight) AS score FROM votes GROUP BY story_id)
SELECT s.title, sc.score FROM stories s JOIN scored sc ON sc.story_id = s.id WHERE s.id = ?;

-- query keyed_inside
-- args: 1
-- args: 2
WITH mine AS (SELECT id, title FROM stories WHERE author_id = ?)
SELECT title FROM mine;

-- query chained
-- args: 1
-- args: 2
WITH scored AS (SELECT story_id, SUM(weight) AS score FROM votes GROUP BY story_id),
     by_author AS (SELECT s.author_id, SUM(sc.score) AS total FROM stories s JOIN scored sc ON sc.story_id = s.id GROUP BY s.author_id)
SELECT u.name, b.total FROM users u JOIN by_author b ON b.author_id = u.id WHERE u.team = ?;

-- query read_twice
-- args: 1
-- args: 2
WITH t AS (SELECT id, team FROM users)
SELECT a.id, b.id FROM t a JOIN t b ON b.team = a.team WHERE a.team = ? AND a.id < b.id;

-- query column_list
-- args: 3
WITH s (sid, n) AS (SELECT story_id, COUNT(*) FROM votes GROUP BY story_id)
SELECT sid, n FROM s WHERE sid = ?;

-- query before_union
WITH a AS (SELECT id FROM users WHERE team = 1), b AS (SELECT author_id AS id FROM stories)
SELECT id FROM a UNION SELECT id FROM b;

-- query in_derived_table
-- args: 2
SELECT d.name FROM (WITH t AS (SELECT id, name, team FROM users) SELECT id, name FROM t WHERE team = 2) d WHERE d.id = ?;

-- query in_subquery
-- args: 1
WITH voters AS (SELECT user_id FROM votes WHERE weight >= 2)
SELECT id, name FROM users WHERE id IN (SELECT user_id FROM voters) AND team = ?;

-- query hides_a_table
WITH stories AS (SELECT id, name AS title FROM users)
SELECT title FROM stories WHERE id = 4;

-- query nested_with
-- args: 1
WITH outer_cte AS (WITH inner_cte AS (SELECT story_id, weight FROM votes) SELECT story_id, MAX(weight) AS best FROM inner_cte GROUP BY story_id)
SELECT best FROM outer_cte WHERE story_id = ?;

-- query over_a_view
-- args: 1
WITH top AS (SELECT story_id, score FROM story_scores WHERE votes >= 2)
SELECT s.title, top.score FROM top JOIN stories s ON s.id = top.story_id WHERE s.author_id = ?;

-- query ordered_limit ordered
WITH ranked AS (SELECT story_id, SUM(weight) AS score FROM votes GROUP BY story_id)
SELECT story_id, score FROM ranked ORDER BY score DESC, story_id LIMIT 3;

-- query recursive unsupported
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n;

-- writes
INSERT INTO votes VALUES (8, 2, 3, 5), (9, 4, 1, 1);
UPDATE users SET team = 1 WHERE id = 3;
DELETE FROM votes WHERE id = 1;
UPDATE stories SET author_id = 2 WHERE id = 3;

-- writes
INSERT INTO stories VALUES (6, 2, 'Late');
INSERT INTO votes VALUES (10, 6, 4, 4);
DELETE FROM users WHERE id = 4;
