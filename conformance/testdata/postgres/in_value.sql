# IN, NOT IN and EXISTS (subquery) as values in PostgreSQL's dialect, where NULL must be
# told from false: the select list, IS NULL, a NOT of OR, CASE, a group column, HAVING;
# NULLs on both sides, an empty subquery, correlation. Writes bring a NULL into the
# subquery and take the only match away.
-- setup
CREATE TABLE items (id int PRIMARY KEY, grp int, val int, name text);
CREATE TABLE picks (id int PRIMARY KEY, grp int, val int, label text);
CREATE TABLE empty_t (id int PRIMARY KEY, v int);
INSERT INTO items VALUES (1, 1, 10, 'ann'), (2, 1, 20, 'Bob'), (3, 2, NULL, 'cy'), (4, 2, 30, NULL), (5, NULL, 40, 'x'), (6, 3, 10, 'dee');
INSERT INTO picks VALUES (1, 1, 10, 'ann'), (2, 2, 30, NULL), (3, 2, 50, 'bob'), (4, 4, 20, 'x');

-- query select_in
SELECT id, val IN (SELECT val FROM picks) AS f FROM items;

-- query select_not_in
SELECT id, val NOT IN (SELECT val FROM picks) AS f FROM items;

-- query select_not_in_text_nulls
SELECT id, name NOT IN (SELECT label FROM picks) AS f FROM items;

-- query select_in_empty
SELECT id, val IN (SELECT v FROM empty_t) AS f, val NOT IN (SELECT v FROM empty_t) AS g FROM items;

-- query select_in_correlated
SELECT id, val IN (SELECT p.val FROM picks p WHERE p.grp = i.grp) AS f FROM items i;

-- query where_is_null
SELECT id FROM items WHERE (val IN (SELECT val FROM picks)) IS NULL;

-- query where_not_or
SELECT id FROM items WHERE NOT (val IN (SELECT val FROM picks) OR id > 5);

-- query select_case
SELECT id, CASE WHEN val IN (SELECT val FROM picks) THEN 'in' WHEN val NOT IN (SELECT val FROM picks) THEN 'out' ELSE 'unknown' END AS k FROM items;

-- query group_value
SELECT grp, val IN (SELECT val FROM picks) AS f, count(*) AS n FROM items GROUP BY grp, val;

-- query having_not_in
SELECT grp, count(*) AS n FROM items GROUP BY grp HAVING grp NOT IN (SELECT grp FROM picks);

-- query having_count_in
SELECT grp, count(*) AS n FROM items GROUP BY grp HAVING count(*) IN (SELECT id FROM picks);

-- query select_max_not_in
SELECT grp, max(val) NOT IN (SELECT val FROM picks) AS f FROM items GROUP BY grp;

-- query group_exists
SELECT grp, count(*) AS n, EXISTS (SELECT 1 FROM picks p WHERE p.grp = items.grp) AS e FROM items GROUP BY grp;

-- writes
INSERT INTO picks VALUES (5, 2, NULL, NULL);

-- writes
DELETE FROM picks WHERE id = 4;
INSERT INTO empty_t VALUES (1, NULL);
UPDATE items SET val = NULL WHERE id = 1;

-- writes
DELETE FROM picks WHERE id = 5;
UPDATE empty_t SET v = 30 WHERE id = 1;
