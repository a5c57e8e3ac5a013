# Numbers: integer division truncates, % keeps the dividend's sign, numeric keeps its scale
# through + - * and sums, bigint and smallint, floats, casts, rounding.
-- setup
CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL, price numeric(10,2), weight float8, big bigint, small smallint, rate numeric(6,3));
INSERT INTO items VALUES
  (1, 7, 19.99, 1.5, 9000000000, 3, 0.125),
  (2, -7, 5.00, 0.25, -9000000000, -3, 1.500),
  (3, 10, NULL, NULL, 1, 1, NULL),
  (4, 3, 100.10, 2.75, 0, 0, 2.250),
  (5, 0, 0.01, 1e10, 42, 42, 0.001),
  (6, 15, 3.33, -0.5, -1, 7, 9.999);

-- query int_div
SELECT id, qty / 2 AS half FROM items;

-- query int_div_neg
SELECT id, qty / -4 AS q FROM items;

-- query int_div_param
-- args: 1
-- args: 2
SELECT qty / 3 AS third FROM items WHERE id = $1;

-- query int_mod
SELECT id, qty % 4 AS m FROM items;

-- query int_div_in_where
SELECT id FROM items WHERE qty / 2 = 3;

-- query int_div_big
SELECT id, big / 7 AS b FROM items;

-- query int_div_small
SELECT id, small / 2 AS s FROM items;

-- query int_div_literals
SELECT id, 7 / 2 AS a, -7 / 2 AS b, 1 / 3 AS c FROM items WHERE id = 1;

-- query numeric_div_int
SELECT id, price * 2 AS dbl FROM items;

-- query numeric_add
SELECT id, price + 1 AS p1, price - 0.5 AS p2 FROM items;

-- query numeric_mul_numeric
SELECT id, price * rate AS pr FROM items;

-- query numeric_sum
SELECT sum(price) AS total FROM items;

-- query numeric_sum_grouped
SELECT qty > 5 AS many, sum(price) AS total FROM items GROUP BY qty > 5;

-- query numeric_min_max
SELECT min(price), max(rate) FROM items;

-- query numeric_compare
SELECT id FROM items WHERE price > 10;

-- query numeric_compare_decimal
SELECT id FROM items WHERE rate >= 1.5;

-- query numeric_key
-- args: 19.99
-- args: 5
-- args: 5.001
SELECT id FROM items WHERE price = $1;

-- query sum_int
SELECT sum(qty) AS s FROM items;

-- query sum_bigint
SELECT sum(big) AS s FROM items;

-- query count_col
SELECT count(price) AS n, count(*) AS m FROM items;

-- query float_mul
SELECT id, weight * 2 AS w FROM items;

-- query float_compare
SELECT id FROM items WHERE weight < 1;

-- query float_sum
SELECT sum(weight) AS w FROM items;

-- query unary_minus
SELECT id, -qty AS neg, -price AS negp FROM items;

-- query abs_vals
SELECT id, abs(qty) AS a, abs(price) AS p FROM items;

-- query round_numeric
SELECT id, round(price) AS r0, round(price, 1) AS r1 FROM items;

-- query trunc_numeric
SELECT id, trunc(price) AS t0, trunc(rate, 1) AS t1 FROM items;

-- query ceil_floor
SELECT id, ceil(price) AS c, floor(price) AS f FROM items;

-- query cast_int
SELECT id, price::int AS p FROM items;

-- query cast_numeric
SELECT id, qty::numeric(10,2) AS q FROM items;

-- query cast_numeric_fn
SELECT id, CAST(qty AS numeric(8,3)) AS q FROM items;

-- query cast_text_concat
SELECT id, qty::text || 'x' AS t FROM items;

-- query arith_precedence
SELECT id, qty + 2 * 3 AS a, (qty + 2) * 3 AS b, qty - 2 - 1 AS c FROM items;

-- query between_ints
SELECT id FROM items WHERE qty BETWEEN 0 AND 10;

-- query not_between
SELECT id FROM items WHERE qty NOT BETWEEN 0 AND 10;

-- query in_ints
SELECT id FROM items WHERE qty IN (7, -7, 0);

-- query not_in_ints
SELECT id FROM items WHERE qty NOT IN (7, -7, 0);

-- query range_param ordered
-- args: 0
-- args: 10
SELECT id, qty FROM items WHERE qty > $1 ORDER BY qty;

-- query between_param ordered
-- args: 0, 10
-- args: -10, 3
SELECT id FROM items WHERE qty BETWEEN $1 AND $2 ORDER BY id;

-- query mod_fn
SELECT id, mod(qty, 3) AS m FROM items;

-- query power_op
SELECT id, qty ^ 2 AS sq FROM items WHERE id = 1;

-- writes
INSERT INTO items VALUES (7, 21, 7.77, 3.5, 100, 2, 0.333);
UPDATE items SET qty = qty * 2, price = price + 0.01 WHERE id <= 2;
DELETE FROM items WHERE id = 5;

-- writes
UPDATE items SET price = NULL WHERE id = 4;
INSERT INTO items VALUES (8, -1, 0.50, 0, NULL, NULL, 0.500);
