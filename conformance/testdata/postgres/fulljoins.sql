# FULL [OUTER] JOIN in PostgreSQL's dialect: rows of either side without a match padded with
# NULLs, appearing and disappearing as writes on both sides make and break matches.
-- setup
CREATE TABLE fauthors (id int PRIMARY KEY, name text NOT NULL, country text);
CREATE TABLE fbooks (id int PRIMARY KEY, author_id int, title text NOT NULL, pages int, lang text);
CREATE TABLE flangs (code text PRIMARY KEY, label text NOT NULL);
CREATE TABLE fflags (id int PRIMARY KEY, flag text NOT NULL);
INSERT INTO fauthors VALUES (1, 'Ann', 'FR'), (2, 'Bob', 'fr'), (3, 'Cid', 'DE'), (4, 'Dee', NULL);
INSERT INTO fbooks VALUES
  (10, 1, 'Alpha', 120, 'en'), (11, 1, 'beta', 300, 'EN'), (12, 2, 'Gamma', NULL, 'fr'),
  (13, 7, 'delta', 90, 'de'), (14, NULL, 'Orphan', 50, 'xx'), (15, 2, 'epsilon', 410, NULL);
INSERT INTO flangs VALUES ('en', 'English'), ('EN', 'ENGLISH'), ('fr', 'French'), ('it', 'Italian');
INSERT INTO fflags VALUES (1, 'on');

-- query full_join
SELECT a.id, a.name, b.id AS book, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id;

-- query full_outer_join_ordered ordered
SELECT a.name, b.title FROM fauthors a FULL OUTER JOIN fbooks b ON a.id = b.author_id ORDER BY b.id NULLS FIRST, a.id;

-- query full_join_residual
SELECT a.name, b.title, b.pages FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id AND b.pages > 100;

-- query full_join_left_only_on
SELECT a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id AND a.country = 'FR';

-- query full_join_right_only_on
SELECT a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id AND b.lang IS NOT NULL;

-- query full_join_key
-- args: 1
-- args: 4
-- args: 9
SELECT a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id WHERE a.id = $1;

-- query full_join_right_key
-- args: 13
-- args: 14
-- args: 10
SELECT a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id WHERE b.id = $1;

-- query full_join_unmatched
SELECT a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id WHERE a.id IS NULL OR b.id IS NULL;

-- query full_join_count
SELECT coalesce(a.name, '(none)') AS name, count(b.id) AS books, count(*) AS n FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id GROUP BY coalesce(a.name, '(none)');

-- query full_join_text
SELECT b.title, l.label FROM fbooks b FULL JOIN flangs l ON l.code = b.lang;

-- query full_join_on_true
SELECT a.name, f.flag FROM fauthors a FULL JOIN fflags f ON true;

-- query full_join_three
SELECT a.name, b.title, l.label FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id LEFT JOIN flangs l ON l.code = b.lang;

-- query full_join_derived
SELECT x.author, x.title FROM (SELECT a.name AS author, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id) AS x WHERE x.title IS NOT NULL;

-- query full_join_coalesce_key
SELECT coalesce(a.id, b.author_id) AS id, a.name, b.title FROM fauthors a FULL JOIN fbooks b ON b.author_id = a.id;

-- writes
INSERT INTO fauthors VALUES (7, 'Gus', 'IT'), (8, 'Hal', 'FR');
INSERT INTO fbooks VALUES (16, 9, 'zeta', 200, 'it'), (17, 8, 'eta', 80, 'fr');
INSERT INTO flangs VALUES ('de', 'German');

-- writes
INSERT INTO fauthors VALUES (9, 'Ivy', 'DE');
DELETE FROM fauthors WHERE id = 1;
UPDATE fbooks SET author_id = 4 WHERE id = 14;
UPDATE fbooks SET pages = 50 WHERE id = 15;
DELETE FROM fflags;

-- writes
DELETE FROM fbooks WHERE author_id = 2;
UPDATE fbooks SET author_id = 3, lang = 'en' WHERE id = 17;
INSERT INTO fauthors VALUES (1, 'Ann', 'FR');
INSERT INTO fflags VALUES (2, 'off'), (3, 'maybe');
DELETE FROM flangs WHERE code = 'en';

-- writes
DELETE FROM fbooks;
