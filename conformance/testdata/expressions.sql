# Scalar expressions over one table: projections, arithmetic, comparisons, three-valued logic,
# predicates and functions. The seed rows mix NULLs, negative numbers, decimals, doubles,
# case variants, numeric-looking strings, trailing spaces and non-ASCII text.

-- setup
CREATE TABLE items (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(40),
  tag VARCHAR(20),
  qty INT,
  delta INT,
  price DECIMAL(10,2),
  weight DOUBLE,
  flag TINYINT,
  code VARCHAR(20),
  made DATE,
  seen DATETIME,
  note VARCHAR(60)
);
INSERT INTO items VALUES
  (1, 'Apple', 'fruit', 10, -3, 1.50, 0.25, 1, '10', '2024-01-15', '2024-01-15 08:30:00', 'crisp'),
  (2, 'apple', 'Fruit', 5, 0, 1.25, 0.2, 0, '9', '2024-02-01', '2024-02-01 12:00:00', NULL),
  (3, 'Banana', 'fruit', NULL, 7, 0.99, NULL, 1, 'abc', '2023-12-31', NULL, 'ripe'),
  (4, 'Cherry', 'FRUIT', 200, -200, 12.00, 0.01, NULL, '1e1', NULL, '2024-03-10 23:59:59', ''),
  (5, 'carrot', 'veg', 0, 12, NULL, 0.1, 0, '  7', '2024-01-01', '2024-01-01 00:00:00', 'orange');
INSERT INTO items VALUES
  (6, 'Daikon', 'Veg', -4, NULL, 3.33, 1.5, 1, '-3x', '2022-06-30', '2022-06-30 06:30:15', NULL),
  (7, NULL, NULL, 7, 7, 7.77, -2.5, NULL, NULL, NULL, NULL, NULL),
  (8, 'eggplant ', 'veg', 15, -15, 2.50, 3.75, 0, '0', '2024-05-05', '2024-05-05 05:05:05', 'trailing space'),
  (9, 'Éclair', 'dessert', 3, 2, 4.05, 0.333, 1, '3.5', '2024-02-29', '2024-02-29 14:15:16', 'naïve'),
  (10, 'fig', 'fruit', 1, 1, 0.10, 100, 1, '', '2021-11-11', '2021-11-11 11:11:11', 'f%g_x'),
  (11, '50% off', 'promo', 2, -1, 0.00, 0, 0, '100', '2024-04-01', NULL, 'a_b'),
  (12, 'under_score', 'promo', -7, -7, -1.75, -0.5, NULL, '-7', '2020-01-01', '2020-01-01 00:00:01', 'x!y');

# --- projections and aliases

-- query select_star_by_id
-- args: 1
-- args: 7
-- args: 99
SELECT * FROM items WHERE id = ?;

-- query project_alias
SELECT id AS k, name AS label, qty AS amount FROM items;

-- query project_table_alias
-- args: 2
-- args: 9
SELECT i.id, i.name, i.tag FROM items AS i WHERE i.id = ?;

-- query project_qualified
SELECT items.id, items.price, items.weight FROM items;

-- query project_reorder_duplicate
SELECT qty AS a, id AS b, qty AS c FROM items;

-- query project_literals
-- args: 3
SELECT id, 1 AS one, 'x' AS s, NULL AS n, 2.50 AS d FROM items WHERE id = ?;

-- query project_unaliased_expression_names
-- args: 1
SELECT id, qty + 1, UPPER(name) FROM items WHERE id = ?;

-- query project_dates
SELECT id, made, seen FROM items;

# --- arithmetic

-- query arith_add_sub_mul
SELECT id, qty + delta AS s, qty - delta AS d, qty * delta AS m FROM items;

-- query arith_divide
SELECT id, qty / delta AS q FROM items;

-- query arith_div_int
SELECT id, qty DIV delta AS q FROM items;

-- query arith_mod
SELECT id, qty MOD delta AS m, qty % 3 AS m3 FROM items;

-- query arith_negate
SELECT id, -qty AS n, -price AS np, -weight AS nw FROM items;

-- query arith_decimal_int
SELECT id, price * qty AS total, price + 1 AS p1, price - delta AS pd FROM items;

-- query arith_decimal_divide
SELECT id, price / 3 AS third, price / qty AS unit FROM items;

-- query arith_int_divide_literal
-- args: 1
-- args: 3
SELECT id, qty / 4 AS quarter, 7 / 2 AS c FROM items WHERE id = ?;

-- query arith_double
SELECT id, weight * 2 AS w2, weight + price AS wp, weight / 4 AS w4 FROM items;

-- query arith_null_literal
-- args: 1
SELECT id, qty + NULL AS a, NULL * 2 AS b, price / NULL AS c FROM items WHERE id = ?;

-- query arith_divide_by_zero
SELECT id, qty / 0 AS a, price / 0 AS b, qty DIV 0 AS c, qty MOD 0 AS d FROM items;

-- query arith_mod_negative
SELECT id, delta MOD 4 AS a, -7 MOD 3 AS b, 7 MOD -3 AS c, price MOD 1 AS d FROM items;

-- query arith_precedence
SELECT id, qty + delta * 2 AS a, (qty + delta) * 2 AS b, qty - delta - 1 AS c FROM items;

-- query arith_string_operand
SELECT id, code + 1 AS c1, code * 2 AS c2 FROM items;

-- query arith_in_where
SELECT id, name FROM items WHERE qty * 2 > delta + 10;

# --- comparisons

-- query cmp_int_literal
SELECT id FROM items WHERE qty > 5;

-- query cmp_ops_projection
SELECT id, qty = delta AS eq, qty <> delta AS ne, qty < delta AS lt, qty <= delta AS le, qty > delta AS gt, qty >= delta AS ge FROM items;

-- query cmp_not_equal_bang
SELECT id FROM items WHERE qty != 5;

-- query cmp_string_number_mixed
SELECT id, code FROM items WHERE code = 10;

-- query cmp_string_number_projection
SELECT id, code = 10 AS e10, code > 5 AS g5, code = 0 AS e0, code < 0 AS neg FROM items;

-- query cmp_string_equal_string
SELECT id, code FROM items WHERE code = '10';

-- query cmp_case_insensitive
SELECT id, name FROM items WHERE name = 'APPLE';

-- query cmp_pad_space
SELECT id FROM items WHERE name = 'eggplant';

-- query cmp_string_less
SELECT id, name FROM items WHERE name < 'c';

-- query cmp_string_projection
SELECT id, name = tag AS same, name > 'b' AS after_b, tag = 'FRUIT' AS is_fruit FROM items;

-- query cmp_decimal_literal
SELECT id, price FROM items WHERE price = 1.5;

-- query cmp_decimal_int
SELECT id FROM items WHERE price > 2;

-- query cmp_double_decimal
SELECT id, weight > price AS heavier FROM items;

-- query cmp_date_string
SELECT id, made FROM items WHERE made > '2024-01-01';

-- query cmp_datetime_string
SELECT id FROM items WHERE seen < '2024-02-01 12:00:00';

-- query cmp_date_equal
SELECT id FROM items WHERE made = '2024-01-15';

-- query cmp_null_literal
-- args: 1
SELECT id, qty = NULL AS a, NULL = NULL AS b, NULL <> 1 AS c FROM items WHERE id = ?;

-- query cmp_null_safe
SELECT id, qty <=> delta AS a, name <=> NULL AS b FROM items;

-- query cmp_column_column
SELECT id FROM items WHERE qty = delta;

-- query cmp_accent_insensitive
SELECT id FROM items WHERE name = 'eclair';

# --- boolean logic with NULLs

-- query logic_and_projection
SELECT id, qty > 0 AND delta > 0 AS a FROM items;

-- query logic_or_projection
SELECT id, qty > 0 OR delta > 0 AS o FROM items;

-- query logic_not_projection
SELECT id, NOT (qty > 5) AS n, NOT flag AS nf FROM items;

-- query logic_xor_projection
SELECT id, flag XOR 1 AS x, (qty > 0) XOR (delta > 0) AS x2 FROM items;

-- query logic_null_operands
SELECT id, flag AND NULL AS a, flag OR NULL AS o, NULL XOR flag AS x FROM items;

-- query logic_where_and
SELECT id FROM items WHERE qty > 0 AND price < 5;

-- query logic_where_or
SELECT id FROM items WHERE qty < 0 OR weight > 1;

-- query logic_where_not
SELECT id FROM items WHERE NOT (qty > 5);

-- query logic_where_xor
SELECT id FROM items WHERE flag XOR (qty > 5);

-- query logic_where_nested
SELECT id FROM items WHERE (qty > 0 OR delta > 0) AND NOT (tag = 'veg' OR price IS NULL);

-- query logic_where_truthy_column
SELECT id FROM items WHERE flag;

-- query logic_where_truthy_string
SELECT id FROM items WHERE code;

-- query logic_and_or_symbols
SELECT id, qty > 0 && delta > 0 AS a, qty > 0 || delta > 0 AS o, !flag AS n FROM items;

# --- IS NULL

-- query isnull_where
SELECT id FROM items WHERE qty IS NULL;

-- query isnotnull_where
SELECT id FROM items WHERE price IS NOT NULL;

-- query isnull_projection
SELECT id, name IS NULL AS a, seen IS NOT NULL AS b, qty + delta IS NULL AS c FROM items;

-- query isnull_combined
SELECT id FROM items WHERE made IS NULL OR seen IS NULL;

# --- IN lists

-- query in_int_list
SELECT id FROM items WHERE qty IN (1, 5, 10);

-- query notin_int_list
SELECT id FROM items WHERE qty NOT IN (1, 5, 10);

-- query in_list_with_null
SELECT id, qty IN (1, NULL) AS a, qty NOT IN (1, NULL) AS b FROM items;

-- query in_string_list_ci
SELECT id FROM items WHERE name IN ('apple', 'FIG', 'nothing');

-- query in_mixed_types
SELECT id FROM items WHERE code IN (10, 9);

-- query in_projection
SELECT id, tag IN ('fruit', 'veg') AS known FROM items;

-- query in_decimal_list
SELECT id FROM items WHERE price IN (1.5, 2.50, 0.1);

# --- BETWEEN

-- query between_int
SELECT id FROM items WHERE qty BETWEEN 1 AND 10;

-- query not_between_int
SELECT id FROM items WHERE qty NOT BETWEEN 1 AND 10;

-- query between_decimal
SELECT id FROM items WHERE price BETWEEN 1 AND 2.5;

-- query between_dates
SELECT id FROM items WHERE made BETWEEN '2024-01-01' AND '2024-02-29';

-- query between_strings_ci
SELECT id FROM items WHERE name BETWEEN 'b' AND 'D';

-- query between_null_bound
SELECT id, qty BETWEEN NULL AND 10 AS a, qty BETWEEN 0 AND NULL AS b FROM items;

-- query between_columns
SELECT id FROM items WHERE 0 BETWEEN delta AND qty;

# --- LIKE

-- query like_prefix_ci
SELECT id FROM items WHERE name LIKE 'a%';

-- query like_contains
SELECT id FROM items WHERE name LIKE '%an%';

-- query like_underscore
SELECT id FROM items WHERE name LIKE '_ig';

-- query like_escaped_percent
SELECT id FROM items WHERE name LIKE '%\%%';

-- query like_escaped_underscore
SELECT id FROM items WHERE note LIKE 'a\_b';

-- query like_custom_escape
SELECT id FROM items WHERE name LIKE '%!_%' ESCAPE '!';

-- query not_like
SELECT id FROM items WHERE name NOT LIKE '%a%';

-- query like_projection
SELECT id, name LIKE '%e%' AS has_e, note LIKE 'f%g%' AS f FROM items;

-- query like_trailing_space
SELECT id FROM items WHERE name LIKE 'eggplant';

-- query like_null_pattern
-- args: 1
SELECT id, name LIKE NULL AS a FROM items WHERE id = ?;

-- query like_literal_only
SELECT id FROM items WHERE note LIKE 'f\%g\_x';

-- query like_number_column
SELECT id FROM items WHERE qty LIKE '1%';

# --- CASE

-- query case_simple
SELECT id, CASE tag WHEN 'fruit' THEN 1 WHEN 'veg' THEN 2 ELSE 0 END AS kind FROM items;

-- query case_searched
SELECT id, CASE WHEN qty > 10 THEN 'many' WHEN qty > 0 THEN 'some' ELSE 'none' END AS amount FROM items;

-- query case_no_else
SELECT id, CASE WHEN price > 3 THEN 'dear' END AS d FROM items;

-- query case_when_null
SELECT id, CASE qty WHEN NULL THEN 'null' ELSE 'other' END AS c FROM items;

-- query case_in_where
SELECT id FROM items WHERE CASE WHEN flag = 1 THEN qty ELSE delta END > 2;

-- query case_numeric_results
SELECT id, CASE WHEN delta < 0 THEN -delta ELSE delta END AS magnitude FROM items;

-- query case_nested
SELECT id, CASE WHEN qty IS NULL THEN 'unknown' ELSE CASE WHEN qty % 2 = 0 THEN 'even' ELSE 'odd' END END AS parity FROM items;

# --- CAST

-- query cast_signed_string
SELECT id, CAST(code AS SIGNED) AS c FROM items;

-- query cast_signed_decimal
SELECT id, CAST(price AS SIGNED) AS c FROM items;

-- query cast_signed_double
SELECT id, CAST(weight AS SIGNED) AS c FROM items;

-- query cast_unsigned
SELECT id, CAST(delta AS UNSIGNED) AS u FROM items;

-- query cast_decimal_from_double
SELECT id, CAST(weight AS DECIMAL(10,2)) AS d FROM items;

-- query cast_decimal_from_string
SELECT id, CAST(code AS DECIMAL(10,3)) AS d FROM items;

-- query cast_decimal_rounding
SELECT id, CAST(price AS DECIMAL(4,1)) AS d, CAST(qty AS DECIMAL(6,1)) AS q FROM items;

-- query cast_char
SELECT id, CAST(qty AS CHAR) AS a, CAST(price AS CHAR) AS b, CAST(made AS CHAR) AS c FROM items;

-- query cast_char_double
SELECT id, CAST(weight AS CHAR) AS w FROM items;

-- query cast_date_from_datetime
SELECT id, CAST(seen AS DATE) AS d FROM items;

-- query cast_date_from_string
-- args: 1
SELECT id, CAST('2024-02-30' AS DATE) AS bad, CAST('20240115' AS DATE) AS compact, CAST('2024-3-5' AS DATE) AS short FROM items WHERE id = ?;

-- query cast_in_where
SELECT id FROM items WHERE CAST(code AS SIGNED) > 5;

# --- functions

-- query fn_coalesce
SELECT id, COALESCE(qty, delta, 0) AS c, COALESCE(name, tag, 'none') AS n FROM items;

-- query fn_ifnull
SELECT id, IFNULL(name, 'none') AS n, IFNULL(qty, -1) AS q, IFNULL(price, 0) AS p FROM items;

-- query fn_nullif
SELECT id, NULLIF(qty, delta) AS a, NULLIF(tag, 'fruit') AS b FROM items;

-- query fn_if
SELECT id, IF(qty > 5, 'big', 'small') AS size, IF(flag, name, tag) AS pick FROM items;

-- query fn_if_numeric
SELECT id, IF(price IS NULL, 0, price) AS p, IF(qty, 1, 0) AS q FROM items;

-- query fn_concat
SELECT id, CONCAT(name, '-', tag) AS c FROM items;

-- query fn_concat_numbers
SELECT id, CONCAT(name, qty) AS a, CONCAT(price, '') AS b, CONCAT('#', id) AS c FROM items;

-- query fn_concat_ws
SELECT id, CONCAT_WS('/', name, tag, code) AS c FROM items;

-- query fn_concat_ws_null_separator
-- args: 1
SELECT id, CONCAT_WS(NULL, name, tag) AS c FROM items WHERE id = ?;

-- query fn_lower_upper
SELECT id, LOWER(name) AS l, UPPER(name) AS u FROM items;

-- query fn_length
SELECT id, LENGTH(name) AS bytes, CHAR_LENGTH(name) AS chars FROM items;

-- query fn_length_number
SELECT id, LENGTH(qty) AS a, CHAR_LENGTH(price) AS b FROM items;

-- query fn_abs
SELECT id, ABS(delta) AS a, ABS(price) AS b, ABS(weight) AS c FROM items;

-- query fn_round_decimal
SELECT id, ROUND(price) AS r0, ROUND(price, 1) AS r1 FROM items;

-- query fn_round_double
SELECT id, ROUND(weight) AS r0, ROUND(weight, 1) AS r1 FROM items;

-- query fn_round_negative_digits
SELECT id, ROUND(qty, -1) AS r FROM items;

-- query fn_floor_ceil
SELECT id, FLOOR(price) AS f, CEIL(price) AS c, FLOOR(weight) AS fw, CEILING(weight) AS cw FROM items;

-- query fn_floor_ceil_int
SELECT id, FLOOR(qty) AS f, CEIL(delta) AS c FROM items;

-- query fn_substring
SELECT id, SUBSTRING(name, 2) AS a, SUBSTRING(name, 2, 3) AS b FROM items;

-- query fn_substring_negative
SELECT id, SUBSTRING(name, -3) AS a, SUBSTRING(name, -3, 2) AS b, SUBSTRING(name, 0) AS c FROM items;

-- query fn_substring_from_for
SELECT id, SUBSTRING(name FROM 1 FOR 2) AS a, SUBSTR(note, 3) AS b FROM items;

-- query fn_trim
SELECT id, TRIM(name) AS n, TRIM(code) AS c FROM items;

-- query fn_trim_forms
SELECT id, TRIM(LEADING '-' FROM code) AS l, TRIM(TRAILING 'x' FROM code) AS t, TRIM(BOTH 'e' FROM name) AS b FROM items;

-- query fn_greatest_least_int
SELECT id, GREATEST(qty, delta) AS g, LEAST(qty, delta, 0) AS l FROM items;

-- query fn_greatest_least_mixed
SELECT id, GREATEST(price, weight) AS g, LEAST(price, 1) AS l FROM items;

-- query fn_greatest_least_strings
SELECT id, GREATEST(name, tag) AS g, LEAST(name, 'c') AS l FROM items;

-- query fn_greatest_null
-- args: 1
SELECT id, GREATEST(qty, NULL) AS g, LEAST(NULL, 1) AS l FROM items WHERE id = ?;

-- query fn_nested
SELECT id, UPPER(CONCAT(SUBSTRING(name, 1, 3), '-', IFNULL(tag, '?'))) AS k FROM items;

-- query fn_in_where
SELECT id FROM items WHERE LOWER(name) = 'apple';

-- query fn_length_where
SELECT id FROM items WHERE CHAR_LENGTH(name) > 6;

-- query fn_coalesce_where
SELECT id FROM items WHERE COALESCE(qty, 0) = 0;

-- query fn_abs_round_combo
SELECT id, ROUND(ABS(weight) * 10) / 10 AS w FROM items;

# --- literal auto-parameterization and constants

-- query literal_id
SELECT id, name FROM items WHERE id = 3;

-- query literal_id_other
SELECT id, name FROM items WHERE id = 8;

-- query literal_string_key
SELECT id FROM items WHERE tag = 'veg';

-- query no_filter_constant_expression
-- args: 5
SELECT 1 + 2 AS three, CONCAT('a', 'b') AS ab, NULL IS NULL AS t FROM items WHERE id = ?;

-- query where_false
SELECT id FROM items WHERE 1 = 0;

-- query where_null
SELECT id FROM items WHERE NULL;

-- writes
UPDATE items SET qty = qty + 1 WHERE id IN (1, 2, 3);
UPDATE items SET name = 'APPLE', price = 1.55 WHERE id = 2;
UPDATE items SET qty = NULL, weight = 2.25 WHERE id = 5;
UPDATE items SET qty = 9, delta = 3, flag = 1 WHERE id = 7;
DELETE FROM items WHERE id = 4;
DELETE FROM items WHERE tag = 'promo' AND qty < 0;
INSERT INTO items VALUES
  (13, 'apple', 'fruit', 10, 10, 1.50, 0.25, 0, '10', '2024-01-15', '2024-01-15 08:30:00', 'dup of 1'),
  (14, 'Zucchini', 'VEG', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (15, 'ab%c', 'promo', 4, 4, 99.99, 1e10, 1, '  42abc', '2025-12-31', '2025-12-31 23:59:59', 'a_b');
UPDATE items SET note = NULL WHERE note = '';
UPDATE items SET seen = '2024-01-01 00:00:00' WHERE seen IS NULL AND made IS NOT NULL;

-- writes
UPDATE items SET tag = 'fruit' WHERE tag = 'FRUIT' OR tag = 'VEG';
DELETE FROM items WHERE id IN (1, 13);
INSERT INTO items VALUES (1, 'Apple', 'fruit', 11, -2, 1.50, 0.5, 1, '11', '2024-01-16', '2024-01-16 08:30:00', 'back');
UPDATE items SET price = price * 2 WHERE price < 1;
