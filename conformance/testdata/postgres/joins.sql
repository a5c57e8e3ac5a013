# Joins in PostgreSQL's dialect: inner, LEFT, RIGHT, CROSS, USING, NATURAL; join keys on
# text compare byte by byte; schema-qualified and quoted names.
-- setup
CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL, country text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, title text NOT NULL, pages int, lang text);
CREATE TABLE langs (code text PRIMARY KEY, label text NOT NULL);
INSERT INTO authors VALUES (1, 'Ann', 'FR'), (2, 'Bob', 'fr'), (3, 'Cid', 'DE'), (4, 'Dee', NULL);
INSERT INTO books VALUES
  (10, 1, 'Alpha', 120, 'en'), (11, 1, 'beta', 300, 'EN'), (12, 2, 'Gamma', NULL, 'fr'),
  (13, 3, 'delta', 90, 'de'), (14, NULL, 'Orphan', 50, 'en'), (15, 2, 'epsilon', 410, NULL);
INSERT INTO langs VALUES ('en', 'English'), ('EN', 'ENGLISH'), ('fr', 'French'), ('de', 'German');

-- query inner_join
SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id;

-- query inner_join_where_key
-- args: 1
-- args: 2
-- args: 4
SELECT b.title, b.pages FROM authors a JOIN books b ON b.author_id = a.id WHERE a.id = $1;

-- query left_join
SELECT a.name, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id;

-- query left_join_count
SELECT a.id, a.name, count(b.id) AS n FROM authors a LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id, a.name;

-- query left_join_key
-- args: 3
-- args: 4
SELECT a.name, count(b.id) AS n, sum(b.pages) AS p FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.id = $1 GROUP BY a.name;

-- query right_join
SELECT a.name, b.title FROM authors a RIGHT JOIN books b ON b.author_id = a.id;

-- query text_join_case
SELECT b.title, l.label FROM books b JOIN langs l ON l.code = b.lang;

-- query text_join_left
SELECT b.title, l.label FROM books b LEFT JOIN langs l ON l.code = b.lang;

-- query text_join_key
-- args: 'en'
-- args: 'EN'
-- args: 'En'
SELECT b.title FROM books b JOIN langs l ON l.code = b.lang WHERE l.code = $1;

-- query using_join
SELECT title, label FROM books JOIN (SELECT code AS lang, label FROM langs) AS l USING (lang);

-- query cross_join_filtered
SELECT a.name, l.code FROM authors a CROSS JOIN langs l WHERE a.country = l.code;

-- query comma_join
SELECT a.name, b.title FROM authors a, books b WHERE a.id = b.author_id AND b.pages > 100;

-- query schema_qualified
SELECT public.authors.name FROM public.authors WHERE public.authors.id = 1;

-- query schema_qualified_join
SELECT a.name, b.title FROM public.authors AS a JOIN public.books AS b ON b.author_id = a.id WHERE b.pages < 200;

-- query quoted_idents
SELECT "a"."name" AS "Author Name", b."title" FROM "authors" "a" JOIN books b ON b.author_id = a."id";

-- query join_filter_both
SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id AND b.pages > 100 WHERE a.country = 'FR';

-- query join_three
SELECT a.name, b.title, l.label FROM authors a JOIN books b ON b.author_id = a.id JOIN langs l ON l.code = b.lang;

-- query join_order ordered
SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id ORDER BY b.title;

-- query join_order_nulls ordered
SELECT a.name, b.pages FROM authors a LEFT JOIN books b ON b.author_id = a.id ORDER BY b.pages DESC, a.name;

-- query left_join_is_null
SELECT a.name FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE b.id IS NULL;

-- query join_group_text
SELECT b.lang, count(*) AS n FROM books b JOIN authors a ON a.id = b.author_id GROUP BY b.lang;

-- query join_country_case
SELECT a.country, count(b.id) AS n FROM authors a JOIN books b ON b.author_id = a.id GROUP BY a.country;

-- query self_join
SELECT x.name AS a, y.name AS b FROM authors x JOIN authors y ON x.country = y.country AND x.id < y.id;

-- writes
INSERT INTO books VALUES (16, 4, 'Zeta', 77, 'EN');
UPDATE authors SET country = 'FR' WHERE id = 2;
DELETE FROM books WHERE id = 12;
INSERT INTO langs VALUES ('De', 'Deutsch');
