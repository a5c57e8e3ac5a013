# Text under PostgreSQL's C collation: comparisons, ordering, grouping and keys are byte by
# byte (case and trailing spaces count), LIKE is case-sensitive, ILIKE is not, || and
# concat() differ on NULL.
-- setup
CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, city varchar(20), nick text);
INSERT INTO people VALUES
  (1, 'alice', 'Paris', 'Al'), (2, 'Alice', 'paris', NULL), (3, 'ALICE', 'Berlin', 'al'),
  (4, 'bob', 'Berlin', 'Bobby'), (5, 'Bob', NULL, 'bob'), (6, 'carol', 'Rome', NULL),
  (7, 'alice ', 'Paris', 'x'), (8, 'Zed', 'rome', 'zz'), (9, 'éclair', 'Paris', 'É');

-- query name_eq_param
-- args: 'alice'
-- args: 'Alice'
-- args: 'ALICE'
-- args: 'alice '
-- args: 'nobody'
SELECT id, name FROM people WHERE name = $1;

-- query name_eq_literal
SELECT id FROM people WHERE name = 'Alice';

-- query name_lt ordered
SELECT name FROM people WHERE name < 'a' ORDER BY name;

-- query order_by_name ordered
SELECT name FROM people ORDER BY name, id;

-- query order_by_name_desc ordered
SELECT name FROM people ORDER BY name DESC, id;

-- query group_by_city
SELECT city, count(*) AS n FROM people GROUP BY city;

-- query distinct_city
SELECT DISTINCT city FROM people;

-- query like_case_sensitive
SELECT id FROM people WHERE name LIKE 'a%';

-- query like_upper
SELECT id FROM people WHERE name LIKE 'A%';

-- query like_suffix
SELECT id FROM people WHERE name LIKE '%e';

-- query like_underscore
SELECT id FROM people WHERE name LIKE '_ob';

-- query ilike
SELECT id FROM people WHERE name ILIKE 'al%';

-- query not_ilike
SELECT id FROM people WHERE city NOT ILIKE 'paris';

-- query concat_op
SELECT id, name || '/' || nick AS both FROM people;

-- query concat_fn
SELECT id, concat(name, '/', nick) AS both FROM people;

-- query city_in
SELECT id FROM people WHERE city IN ('Paris', 'rome');

-- query upper_eq
SELECT id FROM people WHERE upper(name) = 'ALICE';

-- query lower_group
SELECT lower(city) AS c, count(*) FROM people WHERE city IS NOT NULL GROUP BY lower(city);

-- query length_chars
SELECT id, length(name) AS l, char_length(nick) AS n FROM people;

-- query nick_between
SELECT id FROM people WHERE nick BETWEEN 'A' AND 'Z';

-- query min_max_name
SELECT min(name), max(name) FROM people;

-- query city_key_and_name
-- args: 'Paris', 'alice'
-- args: 'paris', 'Alice'
-- args: 'PARIS', 'alice'
SELECT id FROM people WHERE city = $1 AND name = $2;

-- query name_gt_param ordered
-- args: 'Z'
-- args: 'b'
SELECT id FROM people WHERE name > $1 ORDER BY id;

-- query name_not_eq
SELECT id FROM people WHERE name <> 'alice';

-- query name_ge_le
SELECT id FROM people WHERE name >= 'B' AND name <= 'b';

-- query trailing_space_eq
SELECT id FROM people WHERE name = 'alice ';

-- query nick_is_distinct
SELECT id FROM people WHERE nick IS DISTINCT FROM 'al';

-- query city_case_count
SELECT count(*) AS n FROM people WHERE city = 'Paris';

-- query concat_null_both
SELECT id, city || nick AS cn FROM people;

-- query coalesce_concat
SELECT id, coalesce(city, '?') || ':' || name AS label FROM people;

-- query order_nick_desc_nulls_last ordered
SELECT id, nick FROM people ORDER BY nick DESC NULLS LAST, id;

-- query group_nick_order ordered
SELECT nick, count(*) AS n FROM people GROUP BY nick ORDER BY nick;

-- query ilike_param_free
SELECT id FROM people WHERE nick ILIKE 'b%' OR city ILIKE 'R%';

-- writes
INSERT INTO people VALUES (10, 'ALICE ', 'PARIS', 'AL');
UPDATE people SET name = 'alice' WHERE id = 3;
DELETE FROM people WHERE id = 8;
