# Views: CREATE [OR REPLACE] VIEW, ALTER VIEW, DROP VIEW, and queries over views built of
# joins, GROUP BY with HAVING, UNION and UNION ALL, ORDER BY with LIMIT and column lists;
# views over views, views joined with tables and with each other, parameters over views
# (keys through the view), the view read again after OR REPLACE and ALTER.

-- setup
CREATE TABLE users (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  karma INT NOT NULL DEFAULT 0
);
CREATE TABLE stories (
  id INT NOT NULL PRIMARY KEY,
  author_id INT NOT NULL,
  title VARCHAR(40) NOT NULL,
  hidden TINYINT NOT NULL DEFAULT 0
);
CREATE TABLE votes (
  id INT NOT NULL PRIMARY KEY,
  story_id INT NOT NULL,
  user_id INT NOT NULL,
  weight INT NOT NULL DEFAULT 1
);
CREATE TABLE comments (
  id INT NOT NULL PRIMARY KEY,
  story_id INT NOT NULL,
  user_id INT NOT NULL,
  body VARCHAR(40)
);
CREATE VIEW story_scores AS SELECT story_id, COUNT(*) AS votes, SUM(weight) AS score FROM votes GROUP BY story_id;
CREATE VIEW story_hot AS SELECT story_id, COUNT(*) AS n FROM votes GROUP BY story_id HAVING COUNT(*) >= 2;
CREATE VIEW story_cards AS SELECT s.id, s.title, u.name AS author, s.author_id FROM stories s JOIN users u ON u.id = s.author_id WHERE s.hidden = 0;
CREATE VIEW ranked AS SELECT c.id, c.title, c.author, sc.votes, sc.score FROM story_cards c JOIN story_scores sc ON sc.story_id = c.id;
CREATE VIEW activity AS SELECT author_id AS user_id, 'story' AS kind, id AS ref FROM stories UNION ALL SELECT user_id, 'comment', story_id FROM comments;
CREATE VIEW participants AS SELECT user_id FROM votes UNION SELECT user_id FROM comments;
CREATE VIEW latest AS SELECT id, title FROM stories ORDER BY id DESC LIMIT 3;
CREATE VIEW user_stats (uid, stories) AS SELECT author_id, COUNT(*) FROM stories GROUP BY author_id;
CREATE VIEW comment_counts AS SELECT story_id, COUNT(*) AS comments FROM comments GROUP BY story_id;
CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW visible_ids AS SELECT id FROM stories WHERE hidden = 0;
CREATE VIEW story_page AS SELECT s.id, s.title, u.name AS author, COUNT(v.id) AS votes FROM stories s JOIN users u ON u.id = s.author_id LEFT JOIN votes v ON v.story_id = s.id GROUP BY s.id, s.title, u.name;
CREATE VIEW author_pages AS SELECT s.author_id, u.id AS uid, u.name, COUNT(*) AS n FROM stories s LEFT JOIN users u ON u.id = s.author_id GROUP BY s.author_id, u.id, u.name;
INSERT INTO users VALUES (1, 'ann', 10), (2, 'bob', 5), (3, 'cy', 0), (4, 'dee', 7);
INSERT INTO stories VALUES
  (1, 1, 'Weir 1.0', 0),
  (2, 2, 'Dataflow', 0),
  (3, 1, 'Partial state', 0),
  (4, 3, 'Hidden draft', 1),
  (5, 4, 'Views', 0);
INSERT INTO votes VALUES
  (1, 1, 2, 1), (2, 1, 3, 2), (3, 1, 4, 1),
  (4, 2, 1, 1), (5, 3, 2, 3), (6, 3, 4, 1), (7, 4, 1, 1);
INSERT INTO comments VALUES
  (1, 1, 2, 'nice'), (2, 1, 3, NULL), (3, 2, 1, 'hm'), (4, 5, 2, 'yes');
-- error 1050
CREATE VIEW stories AS SELECT id FROM users;
-- error 1050
CREATE VIEW ranked AS SELECT id FROM users;
-- error 1050
CREATE TABLE story_cards (x INT);
-- error 1146
CREATE VIEW broken AS SELECT * FROM no_such_table;
-- error 1054
CREATE VIEW broken AS SELECT no_such_column FROM stories;
-- error 1353
CREATE VIEW broken (a, b) AS SELECT id FROM stories;
-- error 1060
CREATE VIEW broken AS SELECT id, id FROM stories;
-- error 1146
ALTER VIEW broken AS SELECT id FROM stories;

-- query view_group_by_key
-- args: 1
-- args: 3
-- args: 99
SELECT story_id, votes, score FROM story_scores WHERE story_id = ?;

-- query view_group_by_all
SELECT * FROM story_scores;

-- query view_group_by_literal
SELECT votes FROM story_scores WHERE story_id = 2;

-- query view_having
SELECT story_id, n FROM story_hot;

-- query view_having_key
-- args: 1
-- args: 2
SELECT n FROM story_hot WHERE story_id = ?;

-- query view_join_key
-- args: 1
-- args: 4
SELECT id, title, author FROM story_cards WHERE id = ?;

-- query view_join_author
-- args: 1
-- args: 3
SELECT id, title FROM story_cards WHERE author_id = ?;

-- query view_over_views_key
-- args: 1
-- args: 3
-- args: 5
SELECT title, author, votes, score FROM ranked WHERE id = ?;

-- query view_over_views_author
-- args: 'ann'
-- args: 'cy'
SELECT id, votes FROM ranked WHERE author = ?;

-- query view_over_views_top ordered
SELECT id, title, score FROM ranked ORDER BY score DESC, id LIMIT 2;

-- query view_union_all_key
-- args: 1
-- args: 2
-- args: 3
SELECT kind, ref FROM activity WHERE user_id = ?;

-- query view_union_all_count
SELECT kind, COUNT(*) FROM activity GROUP BY kind;

-- query view_union_distinct
SELECT user_id FROM participants;

-- query view_union_distinct_key
-- args: 1
-- args: 99
SELECT user_id FROM participants WHERE user_id = ?;

-- query view_limit ordered
SELECT id, title FROM latest ORDER BY id DESC;

-- query view_limit_key
-- args: 5
-- args: 1
SELECT title FROM latest WHERE id = ?;

-- query view_column_list
-- args: 1
-- args: 3
SELECT uid, stories FROM user_stats WHERE uid = ?;

-- query view_joined_with_table
-- args: 1
-- args: 2
SELECT u.name, u.karma, us.stories FROM users u JOIN user_stats us ON us.uid = u.id WHERE u.id = ?;

-- query views_joined_together
SELECT sc.story_id, sc.votes, cc.comments FROM story_scores sc JOIN comment_counts cc ON cc.story_id = sc.story_id;

-- query views_joined_together_key
-- args: 1
-- args: 5
SELECT c.title, cc.comments FROM story_cards c JOIN comment_counts cc ON cc.story_id = c.id WHERE c.id = ?;

-- query view_aggregated_again
SELECT author, COUNT(*) AS n FROM story_cards GROUP BY author;

-- query view_aliased
-- args: 2
SELECT v.id FROM visible_ids AS v WHERE v.id = ?;

-- query view_grouped_by_key_and_dependents
-- args: 1
-- args: 4
-- args: 6
SELECT title, author, votes FROM story_page WHERE id = ?;

-- query view_grouped_through_left_join
-- args: 1
-- args: 3
SELECT uid, name, n FROM author_pages WHERE author_id = ?;

-- query view_in_subquery
SELECT id, title FROM stories WHERE id IN (SELECT story_id FROM story_hot);

-- writes
INSERT INTO votes VALUES (8, 2, 3, 1), (9, 5, 1, 2), (10, 5, 3, 1);
INSERT INTO comments VALUES (5, 3, 4, 'late'), (6, 1, 1, 'own');
UPDATE stories SET title = 'Weir 1.1' WHERE id = 1;
UPDATE stories SET hidden = 0 WHERE id = 4;
DELETE FROM votes WHERE id = 1;
INSERT INTO stories VALUES (6, 2, 'Upqueries', 0);
INSERT INTO users VALUES (5, 'eve', 1);

-- writes
CREATE OR REPLACE VIEW story_hot AS SELECT story_id, COUNT(*) AS n FROM votes GROUP BY story_id HAVING COUNT(*) >= 1;
ALTER VIEW latest AS SELECT id, title FROM stories ORDER BY id DESC LIMIT 2;
CREATE VIEW scratch AS SELECT id FROM stories;
DROP VIEW scratch;
-- error 4092
DROP VIEW scratch;
DROP VIEW IF EXISTS scratch;
-- error 4092
DROP VIEW stories;
-- error 1965
DROP TABLE story_scores;
INSERT INTO votes VALUES (11, 6, 4, 1);

-- query view_replaced
SELECT story_id, n FROM story_hot WHERE n = 1;

-- writes
DELETE FROM comments WHERE story_id = 1;
UPDATE votes SET weight = 5 WHERE id = 2;
DELETE FROM stories WHERE id = 5;
