# Joins without an equality (CROSS JOIN, comma joins, theta conditions), LEFT JOIN ON
# conditions on the preserved side only, and USING and NATURAL joins with their column
# coalescing, with NULLs on both sides. Rows are added, changed and removed on every side
# afterwards.

-- setup
CREATE TABLE members (
  uid INT NOT NULL PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  team VARCHAR(10),
  karma INT
);
CREATE TABLE notes (
  nid INT NOT NULL PRIMARY KEY,
  uid INT,
  title VARCHAR(30) NOT NULL,
  score INT,
  team VARCHAR(10)
);
CREATE TABLE levels (
  lvl INT NOT NULL PRIMARY KEY,
  label VARCHAR(10) NOT NULL,
  lo INT,
  hi INT
);
CREATE VIEW member_notes AS SELECT * FROM members m LEFT JOIN (SELECT uid, nid, title FROM notes) n USING (uid);
CREATE VIEW member_levels AS SELECT m.uid, l.label FROM members m LEFT JOIN levels l ON m.karma >= l.lo AND m.karma < l.hi;
INSERT INTO members VALUES
  (1, 'ann', 'red', 5),
  (2, 'bo', 'blue', 1),
  (3, 'cy', 'rose', NULL),
  (4, 'di', NULL, 9),
  (5, 'ed', 'green', 3);
INSERT INTO notes VALUES
  (10, 1, 'first', 4, 'red'),
  (11, 1, 'second', NULL, 'blue'),
  (12, 2, 'third', 2, 'BLUE'),
  (13, NULL, 'orphan', 7, 'red'),
  (14, 3, 'fourth', 9, NULL),
  (15, 42, 'ghost', 1, 'green');
INSERT INTO levels VALUES
  (1, 'low', 0, 3),
  (2, 'mid', 3, 6),
  (3, 'high', 6, NULL);

-- query cross_join
SELECT m.name, l.label FROM members m CROSS JOIN levels l;

-- query cross_join_where
SELECT m.name, l.label FROM members m CROSS JOIN levels l WHERE m.karma >= l.lo AND m.karma < l.hi;

-- query comma_join_theta
SELECT m.name, l.label FROM members m, levels l WHERE m.karma >= l.lo AND (l.hi IS NULL OR m.karma < l.hi);

-- query join_on_range
SELECT m.uid, n.nid FROM members m JOIN notes n ON n.score > m.karma;

-- query join_on_range_param
-- args: 1
-- args: 2
-- args: 3
-- args: 99
SELECT m.name, n.title, n.score FROM members m JOIN notes n ON n.score > m.karma WHERE m.uid = ?;

-- query join_theta_param_other_side
-- args: 10
-- args: 13
-- args: 15
SELECT n.title, m.name FROM notes n JOIN members m ON m.karma < n.score WHERE n.nid = ?;

-- query join_mixed_eq_and_range
-- args: 1
-- args: 2
-- args: 3
SELECT m.name, n.title FROM members m JOIN notes n ON n.uid = m.uid AND n.score < m.karma WHERE m.uid = ?;

-- query join_not_equal
SELECT a.uid AS a, b.uid AS b FROM members a JOIN members b ON a.team <> b.team;

-- query cross_join_three
SELECT m.uid, l.lvl, n.nid FROM members m CROSS JOIN levels l JOIN notes n ON n.uid = m.uid WHERE l.lvl = 2;

-- query cross_join_count
SELECT m.team, COUNT(*) AS n, SUM(l.lvl) AS s FROM members m CROSS JOIN levels l GROUP BY m.team;

-- query cross_join_keyed
-- args: 'red'
-- args: 'blue'
-- args: 'none'
SELECT m.name, l.label FROM members m CROSS JOIN levels l WHERE m.team = ?;

-- query left_join_theta_right_only
SELECT m.name, l.label FROM members m LEFT JOIN levels l ON l.lo > 2;

-- query left_join_on_true
SELECT m.uid, l.lvl FROM members m LEFT JOIN levels l ON TRUE;

-- query left_join_on_false
SELECT m.uid, l.lvl FROM members m LEFT JOIN levels l ON 1 = 0;

-- query left_preserved_cond
SELECT m.uid, m.name, n.title FROM members m LEFT JOIN notes n ON n.uid = m.uid AND m.karma > 2;

-- query left_preserved_cond_param
-- args: 1
-- args: 2
-- args: 3
-- args: 4
-- args: 77
SELECT m.name, n.title FROM members m LEFT JOIN notes n ON n.uid = m.uid AND m.team = 'red' WHERE m.uid = ?;

-- query left_preserved_cond_keyed_by_team
-- args: 'red'
-- args: 'BLUE'
-- args: 'green'
SELECT m.uid, n.nid FROM members m LEFT JOIN notes n ON n.uid = m.uid AND m.karma IS NOT NULL AND n.score > 1 WHERE m.team = ?;

-- query left_preserved_only
SELECT m.uid, l.lvl FROM members m LEFT JOIN levels l ON m.karma > 4;

-- query left_preserved_is_null
SELECT m.uid, n.nid FROM members m LEFT JOIN notes n ON n.uid = m.uid AND m.karma IS NULL;

-- query left_preserved_count
SELECT m.uid, COUNT(n.nid) AS notes FROM members m LEFT JOIN notes n ON m.uid = n.uid AND m.karma < 6 GROUP BY m.uid;

-- query left_join_theta
SELECT m.uid, n.nid FROM members m LEFT JOIN notes n ON n.score > m.karma;

-- query left_join_eq_and_theta
SELECT m.uid, n.nid, n.score FROM members m LEFT JOIN notes n ON n.uid = m.uid AND n.score < m.karma;

-- query left_join_eq_and_theta_param
-- args: 1
-- args: 2
-- args: 3
-- args: 6
SELECT m.name, n.title FROM members m LEFT JOIN notes n ON n.uid = m.uid AND n.score <= m.karma + 1 WHERE m.uid = ?;

-- query left_join_range_bucket
SELECT m.name, l.label FROM members m LEFT JOIN levels l ON m.karma >= l.lo AND m.karma < l.hi;

-- query left_join_on_or
SELECT m.uid, n.nid FROM members m LEFT JOIN notes n ON n.uid = m.uid OR n.team = m.team;

-- query left_join_mixed_types
SELECT n.nid, m.uid FROM notes n LEFT JOIN members m ON m.name = n.uid;

-- query left_join_theta_count
SELECT m.uid, COUNT(n.nid) AS c FROM members m LEFT JOIN notes n ON n.score > m.karma GROUP BY m.uid;

-- query left_join_theta_is_null
SELECT m.uid FROM members m LEFT JOIN notes n ON n.uid = m.uid AND n.score > m.karma WHERE n.nid IS NULL;

-- query right_join_theta
SELECT n.nid, m.uid FROM members m RIGHT JOIN notes n ON n.uid = m.uid AND m.karma > n.score;

-- query right_join_preserved_cond
SELECT n.nid, m.name FROM members m RIGHT JOIN notes n ON n.uid = m.uid AND n.score > 3;

-- query using_inner
SELECT * FROM members JOIN notes USING (uid);

-- query using_left
SELECT * FROM members m LEFT JOIN notes n USING (uid);

-- query using_right
SELECT * FROM members m RIGHT JOIN notes n USING (uid);

-- query using_two_columns
SELECT * FROM members m JOIN notes n USING (uid, team);

-- query using_qualified_sides
SELECT uid, m.uid AS mu, n.uid AS nu, n.title FROM members m RIGHT JOIN notes n USING (uid);

-- query using_param
-- args: 1
-- args: 2
-- args: 42
-- args: 8
SELECT uid, name, title FROM members m LEFT JOIN notes n USING (uid) WHERE uid = ?;

-- query using_param_right
-- args: 1
-- args: 42
SELECT uid, title, name FROM members m RIGHT JOIN notes n USING (uid) WHERE uid = ?;

-- query using_then_on
SELECT * FROM members m JOIN notes n USING (uid) JOIN levels l ON l.lvl = n.nid - 10;

-- query using_chain
SELECT * FROM notes a JOIN notes b USING (nid) JOIN notes c USING (nid);

-- query natural_join
SELECT * FROM members NATURAL JOIN notes;

-- query natural_left_join
SELECT * FROM members NATURAL LEFT JOIN notes;

-- query natural_right_join
SELECT * FROM members NATURAL RIGHT JOIN notes;

-- query natural_no_common
SELECT * FROM members m NATURAL JOIN levels l;

-- query natural_param
-- args: 'red'
-- args: 'blue'
SELECT uid, team, name, title FROM members NATURAL JOIN notes WHERE team = ?;

-- query using_count
SELECT uid, COUNT(nid) AS c FROM members LEFT JOIN notes USING (uid) GROUP BY uid;

-- query view_over_using
-- args: 1
-- args: 3
-- args: 5
SELECT uid, name, nid, title FROM member_notes WHERE uid = ?;

-- query view_over_using_all
SELECT * FROM member_notes;

-- query view_over_theta_left_join
-- args: 'low'
-- args: 'mid'
-- args: 'high'
SELECT uid FROM member_levels WHERE label = ?;

-- query view_over_theta_joined
SELECT v.uid, v.label, n.nid FROM member_levels v JOIN notes n ON n.uid = v.uid;

-- writes
INSERT INTO levels VALUES (4, 'top', 9, NULL), (5, 'none', NULL, NULL);
INSERT INTO members VALUES (6, 'fay', 'red', 7), (7, 'gus', NULL, NULL);
INSERT INTO notes VALUES (16, 6, 'fifth', 8, 'red'), (17, 7, 'sixth', NULL, NULL), (18, NULL, 'lost', 3, NULL);

-- writes
UPDATE members SET karma = 0 WHERE uid = 1;
UPDATE members SET karma = 4 WHERE uid = 3;
UPDATE members SET team = 'red' WHERE uid = 2;
UPDATE notes SET uid = 2 WHERE nid = 13;
UPDATE notes SET score = NULL WHERE nid = 14;
UPDATE levels SET hi = 10 WHERE lvl = 3;

-- writes
DELETE FROM levels WHERE lvl = 1;
DELETE FROM notes WHERE uid = 1;
DELETE FROM members WHERE uid = 4;
UPDATE notes SET uid = 1 WHERE nid = 15;
INSERT INTO members VALUES (42, 'zed', 'green', 2);

-- writes
DELETE FROM levels;
UPDATE members SET karma = NULL;
INSERT INTO levels VALUES (9, 'only', 1, 2);
