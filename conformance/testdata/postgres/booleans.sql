# Booleans: a type of their own, shown as t and f; bare boolean columns as conditions,
# NOT, IS TRUE/FALSE/UNKNOWN, comparisons of booleans, bool_and/bool_or.
-- setup
CREATE TABLE flags (id int PRIMARY KEY, name text NOT NULL, active boolean NOT NULL, admin boolean, score int);
INSERT INTO flags VALUES
  (1, 'a', true, false, 10), (2, 'b', false, NULL, 20), (3, 'c', true, true, NULL),
  (4, 'd', false, false, 5), (5, 'e', true, NULL, 15);

-- query bool_cols
SELECT id, active, admin FROM flags;

-- query where_bool
SELECT id FROM flags WHERE active;

-- query where_not_bool
SELECT id FROM flags WHERE NOT active;

-- query where_bool_and
SELECT id FROM flags WHERE active AND admin;

-- query where_bool_or
SELECT id FROM flags WHERE active OR admin;

-- query is_true
SELECT id FROM flags WHERE admin IS TRUE;

-- query is_not_true
SELECT id FROM flags WHERE admin IS NOT TRUE;

-- query is_false
SELECT id FROM flags WHERE admin IS FALSE;

-- query is_not_false
SELECT id FROM flags WHERE admin IS NOT FALSE;

-- query is_unknown
SELECT id FROM flags WHERE admin IS UNKNOWN;

-- query eq_true
SELECT id FROM flags WHERE active = true;

-- query eq_false_literal
SELECT id FROM flags WHERE admin = false;

-- query bool_literal_cast
SELECT id FROM flags WHERE active = 't'::boolean;

-- query bool_key
-- args: true
-- args: false
SELECT id FROM flags WHERE active = $1;

-- query cmp_as_bool
SELECT id, score > 10 AS high FROM flags;

-- query not_cmp
SELECT id, NOT (score > 10) AS low FROM flags;

-- query and_or_values
SELECT id, active AND admin AS both, active OR admin AS either FROM flags;

-- query bool_group
SELECT active, count(*) AS n FROM flags GROUP BY active;

-- query bool_group_sum
SELECT admin, sum(score) AS s FROM flags GROUP BY admin;

-- query bool_and_or
SELECT bool_and(active) AS all_active, bool_or(admin) AS any_admin FROM flags;

-- query bool_and_grouped
SELECT active, bool_or(admin) AS a FROM flags GROUP BY active;

-- query bool_order ordered
SELECT id, active FROM flags ORDER BY active, id;

-- query bool_order_desc ordered
SELECT id, admin FROM flags ORDER BY admin DESC, id;

-- query bool_case
SELECT id, CASE WHEN active THEN 'on' ELSE 'off' END AS state FROM flags;

-- query bool_distinct_from
SELECT id FROM flags WHERE admin IS DISTINCT FROM true;

-- query bool_literal_select
SELECT id, true AS yes, false AS no FROM flags WHERE id = 1;

-- query bool_and_key
-- args: 1
-- args: 3
SELECT active, admin FROM flags WHERE id = $1;

-- writes
UPDATE flags SET admin = true WHERE id = 2;
UPDATE flags SET active = NOT active WHERE id IN (1, 4);
INSERT INTO flags VALUES (6, 'f', false, NULL, NULL);
