# IN and NOT IN (subquery) over expressions and under OR: the outer operand an expression
# (functions, arithmetic, a row of them), the subquery's select list an expression or an
# aggregate; comparisons across types (exact numbers with DOUBLEs, numbers with strings),
# strings that differ only in case or trailing spaces, NULLs on both sides, empty subqueries,
# parameters outside and inside the subquery; IN and NOT IN joined to other conditions by OR
# and nests of AND and OR. Writes make matches appear and disappear and NULLs come and go.

-- setup
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, nick VARCHAR(20) NULL, team INT NULL, score DECIMAL(6,2) NULL, rating DOUBLE NULL, code VARCHAR(10) NULL);
CREATE TABLE tags (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NULL, team INT NULL, weight INT NULL, ratio DOUBLE NULL, txt VARCHAR(10) NULL);
CREATE TABLE empty_t (id INT NOT NULL PRIMARY KEY, v INT NULL, s VARCHAR(10) NULL);
INSERT INTO people VALUES (1, 'Ann', 'annie', 1, 2.00, 2.5, '2'), (2, 'bob', NULL, 2, 3.50, NULL, 'x'), (3, 'CY', 'Cy', NULL, NULL, 3, '3abc'), (4, 'dee', 'DEE', 3, 4.00, 4, NULL), (5, 'Eve', 'eve ', 1, 1.00, 1, '1'), (6, 'fay', NULL, 4, 6.00, 6.5, '04');
INSERT INTO tags VALUES (1, 'ann', 1, 2, 2.5, '2'), (2, 'BOB', 1, 4, 4, '4x'), (3, 'zed', 2, 3, 3, 'x'), (4, NULL, 3, NULL, NULL, NULL), (5, 'Eve', 3, 5, 1, '1.0'), (6, 'dee', NULL, 7, 6.5, '06');

-- query lower_in
SELECT id, name FROM people WHERE lower(name) IN (SELECT label FROM tags);

-- query upper_in
SELECT id FROM people WHERE upper(name) IN (SELECT label FROM tags);

-- query concat_both_sides
SELECT id FROM people WHERE concat(name, '!') IN (SELECT concat(label, '!') FROM tags);

-- query trailing_space
SELECT id FROM people WHERE nick IN (SELECT label FROM tags);

-- query trailing_space_expr
SELECT id FROM people WHERE concat(name, ' ') IN (SELECT label FROM tags);

-- query arith_outer
SELECT id FROM people WHERE team + 1 IN (SELECT team FROM tags);

-- query arith_inner
SELECT id FROM people WHERE team IN (SELECT weight - 1 FROM tags);

-- query arith_both
SELECT id FROM people WHERE team * 2 IN (SELECT weight + 1 FROM tags);

-- query division_inner
SELECT id FROM people WHERE team IN (SELECT weight / 2 FROM tags);

-- query aggregate_inner
SELECT id FROM people WHERE team IN (SELECT MAX(weight) - 2 FROM tags GROUP BY team);

-- query count_inner
SELECT id FROM people WHERE id IN (SELECT COUNT(*) FROM tags GROUP BY team);

-- query row_expr
SELECT id FROM people WHERE (team, id + 1) IN (SELECT team, weight FROM tags);

-- query row_both_exprs
SELECT id FROM people WHERE (lower(name), team - 1) IN (SELECT label, team - 1 FROM tags);

-- query decimal_vs_int
SELECT id FROM people WHERE score IN (SELECT weight FROM tags);

-- query int_vs_double
SELECT id FROM people WHERE team + 1 IN (SELECT ratio FROM tags);

-- query decimal_vs_double
SELECT id FROM people WHERE score + 0.5 IN (SELECT ratio FROM tags);

-- query double_vs_int
SELECT id FROM people WHERE rating IN (SELECT weight FROM tags);

-- query int_vs_string
SELECT id FROM people WHERE team IN (SELECT txt FROM tags);

-- query string_vs_int
SELECT id FROM people WHERE code IN (SELECT weight FROM tags);

-- query string_expr_vs_int
SELECT id FROM people WHERE concat(code, '') IN (SELECT weight - 1 FROM tags);

-- query coalesce_outer
SELECT id FROM people WHERE coalesce(team, 2) IN (SELECT weight FROM tags);

-- query nullable_expr_outer
SELECT id FROM people WHERE lower(nick) IN (SELECT label FROM tags);

-- query constant_outer
SELECT id FROM people WHERE 5 IN (SELECT weight FROM tags);

-- query param_and_expr
-- args: 1
-- args: 2
-- args: 5
SELECT id, name FROM people WHERE id = ? AND lower(name) IN (SELECT label FROM tags);

-- query param_list_and_expr
-- args: 1, 4
-- args: 2, 3
SELECT id FROM people WHERE id IN (?, ?) AND team + 1 IN (SELECT weight FROM tags);

-- query param_inside
-- args: 1
-- args: 3
SELECT id FROM people WHERE lower(name) IN (SELECT label FROM tags WHERE team = ?);

-- query derived_table_key
-- args: 1
-- args: 3
-- args: 6
SELECT d.id, d.name FROM (SELECT id, name FROM people WHERE lower(name) IN (SELECT label FROM tags) OR team IN (SELECT weight FROM tags)) AS d WHERE d.id = ?;

-- query exists_with_in_under_or
SELECT id FROM tags t WHERE EXISTS (SELECT 1 FROM people p WHERE p.team = t.team AND (p.score > 3 OR lower(p.name) IN (SELECT label FROM tags)));

-- query correlated_expr
SELECT id FROM people p WHERE p.team + 1 IN (SELECT weight FROM tags t WHERE t.team = p.team);

-- query left_join_expr
SELECT p.id, t.id AS tid FROM people p LEFT JOIN tags t ON t.label = p.name WHERE coalesce(t.weight, 0) + 1 IN (SELECT team FROM people);

-- query grouped_expr
SELECT team, COUNT(*) AS n FROM people WHERE lower(name) IN (SELECT label FROM tags) GROUP BY team;

-- query not_in_expr_nulls_inside
SELECT id FROM people WHERE team + 1 NOT IN (SELECT weight FROM tags);

-- query not_in_expr
SELECT id FROM people WHERE team + 1 NOT IN (SELECT weight FROM tags WHERE weight IS NOT NULL);

-- query not_in_lower
SELECT id FROM people WHERE lower(name) NOT IN (SELECT label FROM tags WHERE label IS NOT NULL);

-- query not_in_expr_empty
SELECT id FROM people WHERE team + 1 NOT IN (SELECT v FROM empty_t);

-- query not_in_nullable_expr
SELECT id FROM people WHERE lower(nick) NOT IN (SELECT label FROM tags WHERE id < 4);

-- query not_paren_in_expr
SELECT id FROM people WHERE NOT (team * 2 IN (SELECT weight FROM tags WHERE weight IS NOT NULL));

-- query not_in_coerced
SELECT id FROM people WHERE team NOT IN (SELECT ratio FROM tags WHERE ratio IS NOT NULL);

-- query not_in_inner_expr
SELECT id FROM people WHERE team NOT IN (SELECT weight - 1 FROM tags WHERE weight IS NOT NULL);

-- query not_in_correlated_expr
SELECT id FROM people p WHERE p.team * 2 NOT IN (SELECT weight FROM tags t WHERE t.team = p.team);

-- query not_in_row
SELECT id FROM people WHERE (id > 4, upper(name)) NOT IN (SELECT id > 4, name FROM people WHERE id > 3);

-- query not_in_row_under_or
SELECT id FROM people WHERE id = 1 OR (id, name) NOT IN (SELECT id, name FROM people WHERE team > 1);

-- query or_in_lower
SELECT id FROM people WHERE id = 1 OR lower(name) IN (SELECT label FROM tags);

-- query or_in_column
SELECT id FROM people WHERE team IN (SELECT weight FROM tags) OR score > 5;

-- query or_two_ins
SELECT id FROM people WHERE team IN (SELECT weight FROM tags) OR name IN (SELECT label FROM tags);

-- query or_and_nest
SELECT id FROM people WHERE (team > 1 AND id IN (SELECT weight FROM tags)) OR (name IN (SELECT label FROM tags) AND team IS NULL);

-- query and_of_ors
SELECT id FROM people WHERE (id < 3 OR team IN (SELECT weight FROM tags)) AND (score IS NULL OR lower(name) IN (SELECT label FROM tags));

-- query or_in_expr
SELECT id FROM people WHERE id = 2 OR team * 2 IN (SELECT weight FROM tags);

-- query or_in_correlated
SELECT id FROM people p WHERE id = 1 OR team IN (SELECT weight FROM tags t WHERE t.id = p.id);

-- query or_in_row
SELECT id FROM people WHERE id = 3 OR (team, id + 1) IN (SELECT team, weight FROM tags);

-- query or_in_coerced
SELECT id FROM people WHERE id = 6 OR code IN (SELECT weight FROM tags);

-- query or_in_param
-- args: 1
-- args: 3
-- args: 4
SELECT id FROM people WHERE id = ? AND (team = 1 OR lower(name) IN (SELECT label FROM tags));

-- query or_not_in
SELECT id FROM people WHERE id = 1 OR team NOT IN (SELECT weight FROM tags WHERE weight IS NOT NULL);

-- query or_not_in_nulls_inside
SELECT id FROM people WHERE id = 1 OR team NOT IN (SELECT weight FROM tags);

-- query or_not_in_empty
SELECT id FROM people WHERE id = 1 OR team NOT IN (SELECT v FROM empty_t);

-- query or_not_paren_in
SELECT id FROM people WHERE id = 1 OR NOT (team IN (SELECT weight FROM tags WHERE weight IS NOT NULL));

-- query or_not_in_expr
SELECT id FROM people WHERE score > 5 OR lower(nick) NOT IN (SELECT label FROM tags WHERE label IS NOT NULL);

-- query on_clause_expr
SELECT p.id, t.id AS tid FROM people p JOIN tags t ON t.team = p.team AND p.id + 1 IN (SELECT weight FROM tags);

-- query on_clause_or_in
SELECT p.id, t.id AS tid FROM people p JOIN tags t ON t.team = p.team AND (t.weight > 4 OR lower(p.name) IN (SELECT label FROM tags));

-- writes
# Matches appear: a label in another case, a weight that completes a row, a NULL label.
INSERT INTO tags VALUES (7, 'CY', 2, 2, 2, '3'), (8, NULL, NULL, 8, NULL, 'x');
UPDATE people SET team = 2 WHERE id = 3;
UPDATE people SET nick = 'BOB' WHERE id = 2;

-- writes
# Matches disappear; the NULL weight and label go, so NOT IN finds rows again.
DELETE FROM tags WHERE id = 4;
DELETE FROM tags WHERE id = 8;
UPDATE tags SET label = 'anne' WHERE id = 1;
UPDATE people SET name = 'EVE' WHERE id = 5;
INSERT INTO empty_t VALUES (1, NULL, NULL);
UPDATE people SET team = 9 WHERE id = 6;

-- writes
# NULLs come back on the outer side; the empty table fills with a value.
UPDATE people SET team = NULL, code = NULL WHERE id = 1;
UPDATE empty_t SET v = 3 WHERE id = 1;
UPDATE tags SET weight = NULL WHERE id = 2;
DELETE FROM tags WHERE id = 5;
