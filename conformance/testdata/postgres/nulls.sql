# NULLs: ascending order puts them last, descending first, NULLS FIRST/LAST override;
# IS [NOT] DISTINCT FROM compares them; COALESCE, NULLIF, GREATEST and LEAST (which skip them).
-- setup
CREATE TABLE scores (id int PRIMARY KEY, player text NOT NULL, points int, bonus int, note text);
INSERT INTO scores VALUES
  (1, 'ann', 10, NULL, 'good'), (2, 'ben', NULL, 5, NULL), (3, 'cat', 7, 7, 'ok'),
  (4, 'dan', NULL, NULL, NULL), (5, 'eve', 12, 0, 'best'), (6, 'fay', 7, NULL, '');

-- query order_asc ordered
SELECT id, points FROM scores ORDER BY points, id;

-- query order_desc ordered
SELECT id, points FROM scores ORDER BY points DESC, id;

-- query order_asc_nulls_first ordered
SELECT id, points FROM scores ORDER BY points NULLS FIRST, id;

-- query order_desc_nulls_last ordered
SELECT id, points FROM scores ORDER BY points DESC NULLS LAST, id;

-- query order_two_keys ordered
SELECT id FROM scores ORDER BY bonus DESC, points, id;

-- query order_by_position ordered
SELECT points, id FROM scores ORDER BY 1, 2;

-- query order_by_alias ordered
SELECT id, points AS p FROM scores ORDER BY p DESC, id;

-- query order_text_nulls ordered
SELECT id, note FROM scores ORDER BY note, id;

-- query order_limit ordered
SELECT id FROM scores ORDER BY points, id LIMIT 3;

-- query order_desc_limit ordered
SELECT id FROM scores ORDER BY points DESC, id LIMIT 2;

-- query order_expr ordered
SELECT id, points + bonus AS s FROM scores ORDER BY points + bonus, id;

-- query distinct_from_literal
SELECT id FROM scores WHERE points IS DISTINCT FROM 7;

-- query not_distinct_from_literal
SELECT id FROM scores WHERE points IS NOT DISTINCT FROM 7;

-- query distinct_from_null
SELECT id FROM scores WHERE bonus IS DISTINCT FROM NULL;

-- query not_distinct_cols
SELECT id FROM scores WHERE points IS NOT DISTINCT FROM bonus;

-- query distinct_cols
SELECT id FROM scores WHERE points IS DISTINCT FROM bonus;

-- query distinct_from_select
SELECT id, points IS DISTINCT FROM bonus AS d FROM scores;

-- query eq_null_is_null
SELECT id, points = bonus AS e FROM scores;

-- query is_null
SELECT id FROM scores WHERE points IS NULL;

-- query is_not_null
SELECT id FROM scores WHERE note IS NOT NULL;

-- query coalesce2
SELECT id, coalesce(points, bonus) AS c FROM scores;

-- query coalesce3
SELECT id, coalesce(points, bonus, -1) AS c FROM scores;

-- query coalesce_text
SELECT id, coalesce(note, 'none') AS n FROM scores;

-- query nullif_fn
SELECT id, nullif(points, 7) AS n FROM scores;

-- query nullif_text
SELECT id, nullif(note, '') AS n FROM scores;

-- query greatest_nulls
SELECT id, greatest(points, bonus) AS g FROM scores;

-- query least_nulls
SELECT id, least(points, bonus) AS l FROM scores;

-- query greatest3
SELECT id, greatest(points, bonus, 6) AS g FROM scores;

-- query sum_nulls
SELECT sum(points) AS s, sum(bonus) AS b, count(points) AS c FROM scores;

-- query min_max_nulls
SELECT min(points), max(bonus) FROM scores;

-- query group_by_nullable
SELECT bonus, count(*) AS n FROM scores GROUP BY bonus;

-- query group_order_nulls ordered
SELECT bonus, count(*) AS n FROM scores GROUP BY bonus ORDER BY bonus;

-- query group_order_nulls_desc ordered
SELECT bonus, count(*) AS n FROM scores GROUP BY bonus ORDER BY bonus DESC;

-- query arith_null
SELECT id, points + bonus AS s FROM scores;

-- query concat_null
SELECT id, player || note AS pn FROM scores;

-- query case_null
SELECT id, CASE WHEN points IS NULL THEN 'none' WHEN points > 8 THEN 'high' ELSE 'low' END AS k FROM scores;

-- query case_simple
SELECT id, CASE points WHEN 7 THEN 'seven' WHEN 10 THEN 'ten' END AS k FROM scores;

-- query not_in_with_null
SELECT id FROM scores WHERE points NOT IN (7, 10);

-- query key_nullable
-- args: 7
-- args: 5
SELECT id FROM scores WHERE bonus = $1;

-- writes
UPDATE scores SET points = NULL WHERE id = 5;
INSERT INTO scores VALUES (7, 'gus', NULL, 3, 'late');
UPDATE scores SET bonus = 7 WHERE id = 4;
