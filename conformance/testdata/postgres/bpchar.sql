# char(n) (bpchar) under PostgreSQL's C collation: values compare, group, join, sort and key
# byte by byte with trailing spaces insignificant, and show padded to n.
-- setup
CREATE TABLE codes (id int PRIMARY KEY, code char(3) NOT NULL, alt char(3), name text);
INSERT INTO codes VALUES
  (1, 'ab', 'AB', 'ab'), (2, 'AB', 'ab', 'AB'), (3, 'ab ', NULL, 'ab '), (4, 'b', 'B', 'b'),
  (5, 'B', 'b', 'B  '), (6, 'abc', 'ABC', 'abc'), (7, 'a', 'a', 'a');
CREATE TABLE keyed (code char(2) PRIMARY KEY, label text);
INSERT INTO keyed VALUES ('ab', 'lower'), ('AB', 'upper'), ('a', 'one'), ('A', 'ONE');

-- query show_padded
SELECT id, code, alt FROM codes;

-- query eq_literal
SELECT id FROM codes WHERE code = 'ab';

-- query eq_literal_trailing
SELECT id FROM codes WHERE code = 'ab  ';

-- query eq_param
-- args: 'ab'
-- args: 'AB'
-- args: 'b '
-- args: 'B'
SELECT id FROM codes WHERE code = $1;

-- query eq_columns
SELECT id FROM codes WHERE code = alt;

-- query lt_literal
SELECT id FROM codes WHERE code < 'b';

-- query group_code
SELECT code, count(*) AS c FROM codes GROUP BY code;

-- query distinct_alt
SELECT DISTINCT alt FROM codes;

-- query order_code ordered
SELECT code, id FROM codes ORDER BY code, id;

-- query join_char_char
SELECT codes.id, keyed.label FROM codes JOIN keyed ON codes.code = keyed.code;

-- query keyed_all
SELECT code, label FROM keyed;

-- query keyed_param
-- args: 'ab'
-- args: 'AB'
-- args: 'a'
SELECT label FROM keyed WHERE code = $1;

-- query length_code
SELECT id, length(code) AS l, octet_length(code) AS o FROM codes;

-- query concat_op_code
SELECT id, code || '|' AS c FROM codes;

-- query concat_fn_code
SELECT id, concat(code, '|', alt) AS c, concat_ws('/', code, name) AS w FROM codes;

-- query group_concat_code
SELECT code || '' AS c, count(*) AS n FROM codes GROUP BY 1;

-- query code_eq_text_column
SELECT id FROM codes WHERE code = name;

-- query code_in_list
SELECT id FROM codes WHERE code IN ('ab ', 'B');

-- query code_between
SELECT id FROM codes WHERE code BETWEEN 'a ' AND 'ab ';

-- query upper_code
SELECT id, upper(code) AS u FROM codes;

-- query cast_literal_eq
SELECT id FROM codes WHERE 'ab '::char(3) = code;

-- query cast_column_char
SELECT id, name::char(3) AS c FROM codes;

-- query cast_group
SELECT name::char(3) AS c, count(*) AS n FROM codes GROUP BY 1;

-- query min_max_code
SELECT min(code), max(alt) FROM codes;

-- writes
INSERT INTO codes VALUES (8, 'AB ', 'ab', 'x');
UPDATE codes SET code = 'b' WHERE id = 5;
DELETE FROM codes WHERE id = 1;
UPDATE keyed SET label = 'LOWER' WHERE code = 'ab';
