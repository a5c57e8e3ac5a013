# LIMIT, OFFSET, FETCH FIRST, UNION [ALL] and keyed top-k in PostgreSQL's dialect.
-- setup
CREATE TABLE posts (id int PRIMARY KEY, author text NOT NULL, score int, title text NOT NULL);
CREATE TABLE drafts (id int PRIMARY KEY, author text NOT NULL, title text NOT NULL);
INSERT INTO posts VALUES
  (1, 'ann', 10, 'one'), (2, 'ann', 30, 'two'), (3, 'bob', 20, 'three'), (4, 'bob', NULL, 'four'),
  (5, 'Ann', 50, 'five'), (6, 'cid', 40, 'six'), (7, 'ann', 5, 'seven'), (8, 'cid', NULL, 'eight');
INSERT INTO drafts VALUES (1, 'ann', 'draft a'), (2, 'dee', 'draft b'), (3, 'Ann', 'three');

-- query limit_only ordered
SELECT id FROM posts ORDER BY id LIMIT 3;

-- query limit_offset ordered
SELECT id FROM posts ORDER BY id LIMIT 3 OFFSET 2;

-- query offset_only ordered
SELECT id FROM posts ORDER BY id OFFSET 5;

-- query limit_all ordered
SELECT id FROM posts ORDER BY id LIMIT ALL;

-- query fetch_first ordered
SELECT id FROM posts ORDER BY score DESC, id FETCH FIRST 3 ROWS ONLY;

-- query fetch_first_one ordered
SELECT title FROM posts ORDER BY score NULLS FIRST, id FETCH FIRST ROW ONLY;

-- query offset_fetch ordered
SELECT id FROM posts ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY;

-- query topk_per_author ordered
-- args: 'ann'
-- args: 'Ann'
-- args: 'bob'
SELECT id, score FROM posts WHERE author = $1 ORDER BY score DESC, id LIMIT 2;

-- query topk_nulls_last ordered
-- args: 'cid'
-- args: 'bob'
SELECT id, score FROM posts WHERE author = $1 ORDER BY score LIMIT 1;

-- query order_text_limit ordered
SELECT title FROM posts ORDER BY title LIMIT 4;

-- query order_author_title ordered
SELECT author, title FROM posts ORDER BY author, title;

-- query limit_param ordered
-- args: 2
-- args: 5
SELECT id FROM posts ORDER BY id LIMIT $1;

-- query union_all
SELECT author, title FROM posts WHERE score > 25 UNION ALL SELECT author, title FROM drafts;

-- query union_distinct
SELECT author FROM posts UNION SELECT author FROM drafts;

-- query union_case_distinct
SELECT title FROM posts UNION SELECT title FROM drafts;

-- query union_order ordered
SELECT author FROM posts UNION SELECT author FROM drafts ORDER BY author;

-- query union_order_limit ordered
SELECT id, title FROM posts UNION ALL SELECT id, title FROM drafts ORDER BY title DESC, id LIMIT 4;

-- query union_three
SELECT id FROM posts WHERE id < 3 UNION ALL SELECT id FROM drafts UNION ALL SELECT id FROM posts WHERE id > 7;

-- writes
INSERT INTO posts VALUES (9, 'ann', 35, 'nine');
UPDATE posts SET score = 60 WHERE id = 7;
DELETE FROM posts WHERE id = 2;
INSERT INTO drafts VALUES (4, 'bob', 'two');
