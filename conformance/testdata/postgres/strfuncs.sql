# String functions and casts in PostgreSQL's dialect.
-- setup
CREATE TABLE words (id int PRIMARY KEY, w text NOT NULL, tag varchar(10), n int);
INSERT INTO words VALUES
  (1, 'Hello', 'greet', 1), (2, 'world', NULL, 22), (3, '  padded  ', 'ws', 333),
  (4, 'MiXeD', 'Mix', -4), (5, 'a''quote', 'q', 0), (6, 'back\slash', 'bs', 6), (7, 'héllo', 'accent', 7);

-- query lower_upper
SELECT id, lower(w) AS l, upper(w) AS u FROM words WHERE w NOT LIKE '%é%';

-- query length_fn
SELECT id, length(w) AS len, octet_length(w) AS bytes FROM words;

-- query substr_fn
SELECT id, substr(w, 2, 3) AS s FROM words;

-- query substring_from
SELECT id, substring(w FROM 2 FOR 2) AS s FROM words;

-- query left_right
SELECT id, left(w, 2) AS l, right(w, 2) AS r FROM words;

-- query trims
SELECT id, trim(w) AS t, ltrim(w) AS l, rtrim(w) AS r FROM words;

-- query replace_fn
SELECT id, replace(w, 'l', 'L') AS r FROM words;

-- query reverse_fn
SELECT id, reverse(w) AS r FROM words;

-- query position_fn
SELECT id, position('l' IN w) AS p, strpos(w, 'o') AS s FROM words;

-- query lpad_rpad
SELECT id, lpad(tag, 6, '*') AS l, rpad(tag, 6, '-') AS r FROM words;

-- query concat_ws_fn
SELECT id, concat_ws('-', w, tag) AS c FROM words;

-- query concat_int
SELECT id, w || n AS wn FROM words;

-- query concat_chain
SELECT id, 'x' || w || 'y' || tag AS c FROM words;

-- query md5_fn
SELECT id, md5(w) AS h FROM words;

-- query quote_literal_eq
SELECT id FROM words WHERE w = 'a''quote';

-- query backslash_eq
SELECT id FROM words WHERE w = 'back\slash';

-- query like_escape_default
SELECT id FROM words WHERE w LIKE '%\\%';

-- query like_accent
SELECT id FROM words WHERE w LIKE 'h_llo';

-- query ilike_accent
SELECT id FROM words WHERE w ILIKE 'HELLO';

-- query cast_int_text
SELECT id, n::text AS t, CAST(n AS varchar(2)) AS v FROM words;

-- query cast_text_int
SELECT id FROM words WHERE tag::text = 'ws';

-- query order_bytes ordered
SELECT w FROM words ORDER BY w;

-- query collate_c ordered
SELECT w FROM words ORDER BY w COLLATE "C" DESC;

-- query tag_key
-- args: 'Mix'
-- args: 'mix'
SELECT id, w FROM words WHERE tag = $1;

-- query w_in_list
SELECT id FROM words WHERE w IN ('Hello', 'WORLD', 'MiXeD');

-- writes
INSERT INTO words VALUES (8, 'HELLO', 'greet', 8);
UPDATE words SET tag = 'mix' WHERE id = 4;
DELETE FROM words WHERE id = 3;
