# EXISTS, NOT EXISTS and NOT IN (subquery): correlated and uncorrelated, with NULLs on both
# sides of NOT IN, empty subqueries, several correlations, subqueries over joins and views,
# parameters outside and inside, GROUP BY / ORDER BY / LIMIT in the outer query, and the
# hidden/saved stories patterns; writes that make rows start and stop existing, and NULLs
# appear and disappear.

-- setup
CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, team INT NULL);
CREATE TABLE stories (id INT NOT NULL PRIMARY KEY, user_id INT NOT NULL, title VARCHAR(40) NOT NULL, score INT NULL);
CREATE TABLE hidden (user_id INT NOT NULL, story_id INT NOT NULL, PRIMARY KEY (user_id, story_id));
CREATE TABLE saved (id INT NOT NULL PRIMARY KEY, user_id INT NOT NULL, story_id INT NOT NULL);
CREATE TABLE flags (id INT NOT NULL PRIMARY KEY, story_id INT NULL, reason VARCHAR(20) NULL);
CREATE TABLE empty_t (id INT NOT NULL PRIMARY KEY, v INT NULL);
CREATE VIEW busy_users AS SELECT user_id, COUNT(*) AS n FROM stories GROUP BY user_id;
CREATE VIEW unhidden AS SELECT s.id, s.user_id, s.title FROM stories s WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = 3);
INSERT INTO users VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', 2), (4, 'dee', NULL), (5, 'eve', NULL);
INSERT INTO stories VALUES (1, 1, 'Weir 1.0', 10), (2, 2, 'Dataflow', NULL), (3, 1, 'Partial state', 3), (4, 3, 'Views', 7), (5, 4, 'Joins', 1), (6, 1, 'Eviction', NULL);
INSERT INTO hidden VALUES (1, 2), (1, 4), (2, 1), (3, 1), (3, 5);
INSERT INTO saved VALUES (1, 1, 3), (2, 1, 4), (3, 2, 4), (4, 2, 4), (5, 5, 6);
INSERT INTO flags VALUES (1, 1, 'spam'), (2, 3, NULL), (3, 3, 'dup');

-- query exists_correlated
SELECT id, name FROM users u WHERE EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id);

-- query not_exists_correlated
SELECT id, name FROM users u WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id);

-- query exists_star
SELECT id FROM users u WHERE EXISTS (SELECT * FROM stories s WHERE u.id = s.user_id AND s.score > 5);

-- query not_exists_inner_filter
SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id AND s.score IS NOT NULL);

-- query not_not_exists
SELECT id FROM users u WHERE NOT (NOT EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id));

-- query not_paren_exists
SELECT id FROM users u WHERE NOT (EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = u.id));

-- query exists_uncorrelated
SELECT id FROM users WHERE EXISTS (SELECT 1 FROM flags WHERE reason = 'spam');

-- query exists_uncorrelated_empty
SELECT id FROM users WHERE EXISTS (SELECT 1 FROM empty_t);

-- query not_exists_uncorrelated
SELECT id FROM users WHERE NOT EXISTS (SELECT 1 FROM flags WHERE reason = 'abuse');

-- query not_exists_uncorrelated_empty
SELECT id FROM users WHERE NOT EXISTS (SELECT id FROM empty_t WHERE v > 0);

-- query exists_two_correlations
SELECT id, title FROM stories s WHERE EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id AND v.user_id = s.user_id);

-- query not_exists_two_correlations
SELECT id, title FROM stories s WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = s.user_id);

-- query exists_and_not_exists
SELECT id FROM stories s WHERE EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id) AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id);

-- query exists_over_join
SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM stories s JOIN flags f ON f.story_id = s.id WHERE s.user_id = u.id);

-- query not_exists_over_join
SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM stories s JOIN hidden h ON h.story_id = s.id WHERE s.user_id = u.id AND h.user_id > 1);

-- query not_exists_over_left_join_inner
SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM stories s LEFT JOIN flags f ON f.story_id = s.id WHERE s.user_id = u.id AND f.id IS NULL);

-- query exists_over_view
SELECT id, name FROM users u WHERE EXISTS (SELECT 1 FROM busy_users b WHERE b.user_id = u.id AND b.n >= 2);

-- query not_exists_over_view
SELECT id, name FROM users u WHERE NOT EXISTS (SELECT 1 FROM busy_users b WHERE b.user_id = u.id);

-- query exists_in_view_outer
SELECT user_id, n FROM busy_users b WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = b.user_id);

-- query exists_outer_join
SELECT s.id, f.reason FROM stories s LEFT JOIN flags f ON f.story_id = s.id WHERE EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id);

-- query not_exists_correlated_on_nullable
SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.score = u.team);

-- query exists_correlated_on_nullable_inner
SELECT id FROM stories s WHERE EXISTS (SELECT 1 FROM flags f WHERE f.story_id = s.id AND f.reason IS NULL);

-- query exists_aggregate_always_true
SELECT id FROM users u WHERE EXISTS (SELECT COUNT(*) FROM stories s WHERE s.user_id = u.id);

-- query not_exists_aggregate_never
SELECT id FROM users u WHERE NOT EXISTS (SELECT MAX(score) FROM stories s WHERE s.user_id = u.id);

-- query exists_group_by
SELECT id FROM users u WHERE EXISTS (SELECT s.user_id FROM stories s WHERE s.user_id = u.id GROUP BY s.user_id);

-- query exists_limit
SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id ORDER BY s.id LIMIT 1);

-- query exists_distinct_select
SELECT id FROM users u WHERE EXISTS (SELECT DISTINCT s.title FROM stories s WHERE s.user_id = u.id);

-- query exists_outer_param
-- args: 1
-- args: 2
-- args: 9
SELECT id FROM users u WHERE u.team = ? AND EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id);

-- query not_exists_outer_param
-- args: 1
-- args: 2
SELECT id FROM users u WHERE u.team = ? AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id);

-- query exists_inner_param
-- args: 1
-- args: 2
-- args: 7
SELECT s.id, s.title FROM stories s WHERE EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id AND v.user_id = ?);

-- query exists_inner_and_outer_param
-- args: 1, 1
-- args: 1, 2
-- args: 3, 1
SELECT s.id FROM stories s WHERE s.user_id = ? AND EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = ?);

-- query exists_group_order_limit
SELECT u.team, COUNT(*) AS n FROM users u WHERE EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id) GROUP BY u.team ORDER BY u.team LIMIT 5;

-- query not_exists_order_limit ordered
SELECT id, title FROM stories s WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id) ORDER BY id DESC LIMIT 3;

-- query hidden_stories_keyed ordered
-- args: 1
-- args: 4
SELECT s.id, s.title FROM stories s WHERE s.user_id = ? AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = s.user_id) ORDER BY s.id;

-- query saved_stories ordered
-- args: 1
-- args: 2
-- args: 5
SELECT s.id, s.title, s.score FROM stories s WHERE EXISTS (SELECT 1 FROM saved v WHERE v.user_id = ? AND v.story_id = s.id) ORDER BY s.score DESC, s.id LIMIT 10;

-- query not_in_not_null
SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM stories);

-- query not_in_inner_nulls
SELECT id FROM users WHERE id NOT IN (SELECT score FROM stories);

-- query not_in_inner_nulls_filtered
SELECT id FROM users WHERE id NOT IN (SELECT score FROM stories WHERE score IS NOT NULL);

-- query not_in_outer_nulls
SELECT id FROM users WHERE team NOT IN (SELECT user_id FROM stories WHERE user_id > 1);

-- query not_in_outer_nulls_empty
SELECT id FROM users WHERE team NOT IN (SELECT id FROM empty_t);

-- query not_in_both_nulls
SELECT id FROM stories WHERE score NOT IN (SELECT story_id FROM flags);

-- query not_in_both_nulls_empty
SELECT id FROM stories WHERE score NOT IN (SELECT v FROM empty_t);

-- query not_not_in
SELECT id FROM users WHERE NOT (id IN (SELECT user_id FROM hidden));

-- query not_in_correlated
SELECT id FROM stories s WHERE s.user_id NOT IN (SELECT h.user_id FROM hidden h WHERE h.story_id = s.id);

-- query not_in_correlated_nulls
SELECT id FROM users u WHERE u.team NOT IN (SELECT s.score FROM stories s WHERE s.user_id = u.id);

-- query not_in_outer_param
-- args: 1
-- args: 2
SELECT id FROM users WHERE team = ? AND id NOT IN (SELECT user_id FROM hidden);

-- query not_in_over_join
SELECT id FROM users WHERE id NOT IN (SELECT h.user_id FROM hidden h JOIN stories s ON s.id = h.story_id WHERE s.score > 2);

-- query not_in_distinct_group
SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM stories GROUP BY user_id HAVING COUNT(*) > 1);

-- query in_and_not_in
SELECT id FROM stories WHERE id IN (SELECT story_id FROM saved) AND id NOT IN (SELECT story_id FROM hidden);

-- query exists_in_derived
SELECT d.id FROM (SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = u.id)) AS d;

-- query in_correlated
SELECT id FROM stories s WHERE s.user_id IN (SELECT h.user_id FROM hidden h WHERE h.story_id = s.id);

-- query in_correlated_outer_param
-- args: 1
-- args: 2
SELECT u.id FROM users u WHERE u.team = ? AND u.id IN (SELECT h.user_id FROM hidden h WHERE h.story_id = u.team AND h.story_id < 9);

-- query exists_in_join_on
SELECT u.name, s.title FROM users u JOIN stories s ON s.user_id = u.id AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = u.id);

-- query exists_over_union
SELECT id FROM users WHERE EXISTS (SELECT id FROM empty_t UNION SELECT story_id FROM flags WHERE reason = 'dup');

-- query not_exists_with_cte
SELECT id FROM users u WHERE NOT EXISTS (WITH mine AS (SELECT user_id, story_id FROM saved) SELECT 1 FROM mine m WHERE m.user_id = u.id);

-- query not_exists_aggregate_with_cte
SELECT id FROM users u WHERE NOT EXISTS (WITH m AS (SELECT user_id FROM saved) SELECT COUNT(*) FROM m WHERE m.user_id = u.id);

-- query view_with_not_exists
-- args: 1
-- args: 4
SELECT id, title FROM unhidden WHERE user_id = ?;

-- query exists_inner_literal_key
SELECT id FROM stories s WHERE EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = 3);

-- query not_exists_inner_literal
SELECT id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = 1);

-- query exists_in_select_list
-- args: 1
-- args: 3
SELECT s.id, s.title, EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id AND v.user_id = 2) AS saved_by_bob, NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id) AS visible FROM stories s WHERE s.user_id = ?;

-- query exists_in_select_list_ordered ordered
SELECT u.id, EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id AND s.score > 5) AS has_hit FROM users u ORDER BY has_hit DESC, u.id;

-- query exists_under_or
SELECT id FROM users u WHERE u.team = 2 OR EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id);

-- query not_exists_under_or_keyed
-- args: 1
-- args: 2
SELECT id FROM users u WHERE u.id = ? AND (u.team IS NULL OR NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = u.id));

-- query exists_or_exists
SELECT id FROM stories s WHERE EXISTS (SELECT 1 FROM saved v WHERE v.story_id = s.id) OR EXISTS (SELECT 1 FROM flags f WHERE f.story_id = s.id AND f.reason IS NOT NULL);

-- query exists_compared
SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = u.id) = (u.team IS NULL);

-- query not_and_exists
SELECT id FROM users u WHERE NOT (u.team = 1 AND EXISTS (SELECT 1 FROM stories s WHERE s.user_id = u.id AND s.score IS NULL));

-- query exists_non_equality_correlation unsupported
SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM stories s WHERE s.score > u.id);

-- query not_exists_inner_param unsupported
-- args: 1
SELECT s.id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.story_id = s.id AND h.user_id = ?);

-- writes
# Existence flips on: first match arrives (0 -> 1), a second one (1 -> 2).
INSERT INTO stories VALUES (7, 5, 'First of eve', 4);
INSERT INTO hidden VALUES (4, 1), (4, 3);
INSERT INTO saved VALUES (6, 1, 4);
INSERT INTO flags VALUES (4, NULL, 'orphan');
INSERT INTO empty_t VALUES (1, NULL);

-- writes
# And off: the second match leaves (2 -> 1), then the last (1 -> 0).
DELETE FROM saved WHERE id = 6;
DELETE FROM stories WHERE id = 5;
DELETE FROM hidden WHERE user_id = 1 AND story_id = 4;
DELETE FROM flags WHERE id = 4;
UPDATE empty_t SET v = 3 WHERE id = 1;

-- writes
# NULLs disappear and appear; an update moves a match from one key to another.
UPDATE stories SET score = 0 WHERE score IS NULL;
UPDATE users SET team = 3 WHERE id = 4;
UPDATE hidden SET user_id = 5 WHERE user_id = 3 AND story_id = 5;
UPDATE saved SET story_id = 2 WHERE id = 5;

-- writes
UPDATE stories SET score = NULL WHERE id = 3;
UPDATE users SET team = NULL WHERE id = 1;
DELETE FROM empty_t;
INSERT INTO flags VALUES (5, 9, 'spam');
DELETE FROM flags WHERE reason = 'spam';

-- writes
BEGIN;
DELETE FROM hidden;
DELETE FROM stories WHERE user_id = 1;
COMMIT;
