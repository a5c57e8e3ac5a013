# A parameter under OR: each disjunct is looked up by its own key (a branch of one view),
# and a row that satisfies several disjuncts is returned once, as often as the FROM clause
# makes it (a read drops from a later branch the rows an earlier disjunct holds for, with
# SQL's NULL logic: a disjunct that is NULL for a row does not hold). ORDER BY, LIMIT and
# DISTINCT apply across the branches.

-- setup
CREATE TABLE people (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(10),
  city VARCHAR(10),
  boss INT,
  age INT,
  score DECIMAL(6,2)
);
CREATE TABLE pets (
  id INT NOT NULL PRIMARY KEY,
  owner INT,
  kind VARCHAR(10) NOT NULL,
  legs INT
);
CREATE TABLE tags (
  person INT NOT NULL,
  tag VARCHAR(10) NOT NULL
);
INSERT INTO people VALUES
  (1, 'ann', 'oslo', NULL, 30, 1.50),
  (2, 'bob', 'rome', 1, 25, NULL),
  (3, 'cy', 'oslo', 1, NULL, 2.00),
  (4, 'Dee', NULL, 2, 41, 3.25),
  (5, 'eve', 'lima', 3, 30, 1.50),
  (6, NULL, 'rome', NULL, 19, 0.75),
  (7, 'ann', 'Oslo', 4, 52, NULL);
INSERT INTO pets VALUES
  (1, 1, 'cat', 4), (2, 1, 'bird', 2), (3, 2, 'dog', 4), (4, 3, 'cat', 4),
  (5, NULL, 'fish', 0), (6, 5, 'dog', 3), (7, 7, 'cat', NULL);
INSERT INTO tags VALUES
  (1, 'x'), (1, 'x'), (2, 'y'), (3, 'x'), (5, 'z'), (7, 'y');

-- query two_columns
-- args: 1, 'rome'
-- args: 2, 'rome'
-- args: 1, 'oslo'
-- args: NULL, 'oslo'
-- args: 3, NULL
-- args: NULL, NULL
-- args: 99, 'nowhere'
SELECT id, name FROM people WHERE id = ? OR city = ?;

-- query same_column_twice
-- args: 1, 2
-- args: 1, 1
-- args: 1, NULL
-- args: 50, 60
SELECT id, age FROM people WHERE id = ? OR id = ?;

-- query same_column_collation
-- args: 'oslo', 'OSLO'
-- args: 'oslo', 'rome'
-- args: 'ann', 'lima'
SELECT id FROM people WHERE city = ? OR city = ?;

-- query conjunction_in_disjunct
-- args: 'oslo', 2
-- args: 'rome', 6
-- args: 'oslo', 3
SELECT id, name FROM people WHERE (city = ? AND age = 30) OR boss = ?;

-- query conjunction_with_null_column
-- args: 'oslo', 3
-- args: 'rome', 1
SELECT id FROM people WHERE (city = ? AND age > 20) OR id = ?;

-- query nullable_column_in_earlier_disjunct
-- args: 1, 'oslo'
-- args: 4, 'rome'
-- args: 2, NULL
SELECT id, boss FROM people WHERE boss = ? OR city = ?;

-- query three_disjuncts
-- args: 1, 'rome', 30
-- args: 1, 'oslo', 25
-- args: 7, 'lima', 52
SELECT id, name FROM people WHERE id = ? OR city = ? OR age = ?;

-- query in_list_disjunct
-- args: 1, 2, 'lima'
-- args: 3, 3, 'oslo'
-- args: NULL, 5, 'rome'
SELECT id FROM people WHERE id IN (?, ?) OR city = ?;

-- query in_list_later_disjunct
-- args: 'oslo', 1, 5
-- args: 'rome', 2, 6
SELECT id, city FROM people WHERE city = ? OR id IN (?, ?);

-- query and_outside_or
-- args: 30, 1, 'lima'
-- args: 30, 2, 'oslo'
-- args: 41, 4, 'rome'
SELECT id FROM people WHERE age = ? AND (id = ? OR city = ?);

-- query literal_key_disjunct
-- args: 2
-- args: 5
-- args: NULL
SELECT id, name FROM people WHERE id = ? OR city = 'rome';

-- query literal_condition_in_disjunct
-- args: 1, 'ann'
-- args: 5, 'eve'
SELECT id FROM people WHERE (boss = ? AND score = 1.50) OR name = ?;

-- query order_limit ordered
-- args: 1, 'oslo'
-- args: 3, 'rome'
SELECT id, name FROM people WHERE boss = ? OR city = ? ORDER BY id DESC LIMIT 3;

-- query order_limit_offset ordered
-- args: 1, 'oslo'
-- args: 2, 'rome'
SELECT id, age FROM people WHERE boss = ? OR city = ? ORDER BY age, id LIMIT 2 OFFSET 1;

-- query order_by_unselected_column ordered
-- args: 1, 'rome'
-- args: 3, 'oslo'
SELECT name FROM people WHERE boss = ? OR city = ? ORDER BY score DESC, id;

-- query limit_where_later_rows_are_excluded ordered
-- args: 'oslo', 'oslo'
-- args: 'oslo', 'rome'
SELECT id FROM people WHERE city = ? OR city = ? ORDER BY id LIMIT 2;

-- query distinct_across_branches
-- args: 1, 'oslo'
-- args: 2, 'rome'
-- args: 5, 'lima'
SELECT DISTINCT name FROM people WHERE id = ? OR city = ?;

-- query distinct_order_limit ordered
-- args: 'oslo', 30
-- args: 'rome', 25
SELECT DISTINCT age FROM people WHERE city = ? OR age = ? ORDER BY age DESC LIMIT 2;

-- query join_disjuncts_on_both_sides
-- args: 'cat', 'rome'
-- args: 'dog', 'oslo'
-- args: 'fish', 'lima'
SELECT p.id, t.kind FROM people p JOIN pets t ON t.owner = p.id WHERE t.kind = ? OR p.city = ?;

-- query join_with_duplicates_from_the_join
-- args: 'x', 1
-- args: 'y', 3
-- args: 'x', 7
SELECT p.id, g.tag FROM people p JOIN tags g ON g.person = p.id WHERE g.tag = ? OR p.id = ?;

-- query left_join_disjunct_on_optional_side
-- args: 'cat', 6
-- args: 'bird', 4
SELECT p.id, t.kind FROM people p LEFT JOIN pets t ON t.owner = p.id WHERE t.kind = ? OR p.id = ?;

-- query duplicate_base_rows
-- args: 1, 'y'
-- args: 2, 'x'
-- args: 1, 'x'
SELECT person, tag FROM tags WHERE person = ? OR tag = ?;

-- query join_order_limit ordered
-- args: 'cat', 2
SELECT p.name, t.legs FROM people p JOIN pets t ON t.owner = p.id WHERE t.kind = ? OR t.legs = ? ORDER BY t.id LIMIT 3;

-- query expression_select_list
-- args: 1, 'rome'
SELECT id * 10 AS x, CONCAT(name, '!') AS y FROM people WHERE id = ? OR city = ?;

-- query no_key_disjunct unsupported
-- args: 1
SELECT id FROM people WHERE id = ? OR age > 40;

-- query aggregate_under_or
-- args: 1, 'oslo'
SELECT COUNT(*) FROM people WHERE id = ? OR city = ?;

-- writes
INSERT INTO people VALUES (8, 'fay', 'oslo', 1, 30, 1.50), (9, NULL, NULL, NULL, NULL, NULL);
UPDATE people SET city = 'rome' WHERE id = 3;
INSERT INTO tags VALUES (8, 'x'), (2, 'y');
INSERT INTO pets VALUES (8, 8, 'cat', 4);

-- writes
DELETE FROM people WHERE id = 1;
UPDATE people SET boss = NULL, age = 30 WHERE id = 2;
DELETE FROM tags WHERE person = 7;
UPDATE pets SET kind = 'dog' WHERE id = 4;
