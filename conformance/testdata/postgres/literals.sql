# Literals in the text of a statement, as clients of the simple query protocol send them:
# statements of one shape with other literals share one plan (their literals become its
# parameters), and each must still mean what PostgreSQL makes of its literals: quotes inside
# strings, E'' and dollar quoting, comments, casts, negative numbers, integers past int4 and
# int8, numeric constants against integer columns, strings against integer columns, IN lists
# of different lengths, booleans, NULL, ORDER BY and GROUP BY positions, LIMIT and OFFSET.
-- setup
CREATE TABLE items (id int PRIMARY KEY, big bigint, name text NOT NULL, price numeric(8,2), ratio float8, flag boolean, note text);
INSERT INTO items VALUES
  (1, 10, 'it''s', 1.50, 0.5, true, NULL), (2, -20, 'plain', 2.00, 1.25, false, 'x'),
  (3, 3000000000, 'a$$b', 3.25, -0.75, NULL, 'y'), (4, -5, 'back\slash', 4.00, 2, true, 'x'),
  (5, 5, '-- not a comment', -1.50, 0, false, NULL), (-1, 0, 'negative', 0, 0, true, 'z');
CREATE TABLE typed (id int PRIMARY KEY, code varchar(2), day date, at timestamp);
INSERT INTO typed VALUES
  (1, 'ab', '2024-01-01', '2024-01-01 10:00:00'), (2, 'cd', '2024-02-29', '2024-02-29 23:59:59.5');

-- query key_int
SELECT name FROM items WHERE id = 1;

-- query key_int_again
SELECT name FROM items WHERE id = 2;

-- query key_string_for_int
SELECT name FROM items WHERE id = '3';

-- query key_negative
SELECT name FROM items WHERE id = -1;

-- query key_negative_glued
SELECT name FROM items WHERE id =-1;

-- query key_past_int4
SELECT name FROM items WHERE id = 3000000000;

-- query key_numeric_for_int
SELECT name FROM items WHERE id = 1.0;

-- query key_numeric_fraction_for_int
SELECT name FROM items WHERE id = 1.5;

-- query bigint_past_int4
SELECT id FROM items WHERE big = 3000000000;

-- query bigint_negative
SELECT id FROM items WHERE big = -20;

-- query quote_inside
SELECT id FROM items WHERE name = 'it''s';

-- query e_string
SELECT id FROM items WHERE name = E'it\'s';

-- query e_string_backslash
SELECT id FROM items WHERE name = E'back\\slash';

-- query standard_backslash
SELECT id FROM items WHERE name = 'back\slash';

-- query dollar_quoted
SELECT id FROM items WHERE name = $$a$$ || '$$b';

-- query dollar_quoted_value
SELECT id FROM items WHERE name = $q$a$$b$q$;

-- query dollar_quoted_plain
SELECT id FROM items WHERE name = $$plain$$;

-- query string_like_comment
SELECT id FROM items WHERE name = '-- not a comment';

-- query comments
SELECT /* 'x' = 1 */ name FROM items -- WHERE id = 2
WHERE id = 4 /* AND id = 5 */;

-- query cast_literal
SELECT name FROM items WHERE id = '2'::int;

-- query numeric_column ordered
SELECT id FROM items WHERE price >= 2 ORDER BY id;

-- query numeric_column_fraction ordered
SELECT id FROM items WHERE price > 1.5 ORDER BY id;

-- query numeric_negative
SELECT id FROM items WHERE price = -1.5;

-- query float_column ordered
SELECT id FROM items WHERE ratio < 1 ORDER BY id;

-- query float_column_exponent ordered
SELECT id FROM items WHERE ratio > 5e-1 ORDER BY id;

-- query in_list_two ordered
SELECT id FROM items WHERE id IN (1, 2) ORDER BY id;

-- query in_list_three ordered
SELECT id FROM items WHERE id IN (1, 2, -1) ORDER BY id;

-- query in_list_strings ordered
SELECT id FROM items WHERE note IN ('x', 'z') ORDER BY id;

-- query between ordered
SELECT id FROM items WHERE id BETWEEN -1 AND 3 ORDER BY id;

-- query boolean_literal ordered
SELECT id FROM items WHERE flag = true ORDER BY id;

-- query boolean_string ordered
SELECT id FROM items WHERE flag = 'f' ORDER BY id;

-- query null_literal
SELECT id FROM items WHERE note = NULL;

-- query is_null ordered
SELECT id FROM items WHERE note IS NULL ORDER BY id;

-- query order_by_position ordered
SELECT name, id FROM items WHERE id > 1 ORDER BY 2 DESC;

-- query group_by_position ordered
SELECT note, count(*) FROM items WHERE id <> 2 GROUP BY 1 ORDER BY 1;

-- query limit_literal ordered
SELECT id FROM items WHERE id > -5 ORDER BY id LIMIT 2;

-- query limit_offset_literal ordered
SELECT id FROM items WHERE id > -5 ORDER BY id LIMIT 2 OFFSET 3;

-- query select_list_constants
SELECT 1, 'x', 2.5, id FROM items WHERE id = 5;

-- query literal_on_the_left
SELECT name FROM items WHERE 4 = id;

-- query expression_operand
SELECT name FROM items WHERE id = 2 + 1;

-- query function_argument ordered
SELECT id FROM items WHERE round(price, 0) = 2 ORDER BY id;

-- query string_for_text_and_int
SELECT id FROM items WHERE note = 'x' AND id = 4;

# Strings against typed columns: read as the column's type, never cut to its length.

-- query varchar_longer_literal
SELECT id FROM typed WHERE code = 'abc';

-- query varchar_literal
SELECT id FROM typed WHERE code = 'ab';

-- query date_literal
SELECT id FROM typed WHERE day = '2024-02-29';

-- query date_range ordered
SELECT id FROM typed WHERE day >= '2024-01-01' AND day < '2024-03-01' ORDER BY id;

-- query timestamp_literal
SELECT id FROM typed WHERE at = '2024-02-29 23:59:59.5';

-- query timestamp_date_only
SELECT id FROM typed WHERE at > '2024-01-02';
