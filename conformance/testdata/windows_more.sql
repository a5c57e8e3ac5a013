# NTILE, PERCENT_RANK, CUME_DIST, FIRST_VALUE, LAST_VALUE and NTH_VALUE, keyed by their
# partition and not, with default and explicit frames (ROWS, RANGE with offsets), through
# writes that move rows between partitions. Every ORDER BY is a total order, so the rows
# peers would share are not left to chance.

-- setup
CREATE TABLE emp (id INT NOT NULL PRIMARY KEY, dept VARCHAR(10) NOT NULL, salary INT NOT NULL, bonus INT);
INSERT INTO emp VALUES (1, 'eng', 100, 5), (2, 'eng', 120, NULL), (3, 'ops', 90, 1), (4, 'ops', 95, 2), (5, 'hr', 50, NULL), (6, 'eng', 120, 7), (7, 'eng', 80, 3), (8, 'ops', 60, NULL);

-- query ntile_by_dept
-- args: 'eng'
-- args: 'ops'
-- args: 'hr'
-- args: 'none'
SELECT id, NTILE(3) OVER (PARTITION BY dept ORDER BY salary, id) AS t FROM emp WHERE dept = ?;

-- query ntile_all
SELECT id, NTILE(2) OVER (ORDER BY salary DESC, id) AS half, NTILE(5) OVER (ORDER BY id) AS fifth, NTILE(20) OVER (ORDER BY id) AS many FROM emp;

# PERCENT_RANK and CUME_DIST treat peers alike: salary alone orders them.
-- query percent_and_cume
SELECT id, PERCENT_RANK() OVER (ORDER BY salary) AS pr, CUME_DIST() OVER (ORDER BY salary) AS cd FROM emp;

-- query percent_by_dept
-- args: 'eng'
-- args: 'hr'
SELECT id, PERCENT_RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS pr, CUME_DIST() OVER (PARTITION BY dept ORDER BY salary DESC) AS cd FROM emp WHERE dept = ?;

-- query first_last_default
SELECT id, FIRST_VALUE(id) OVER (PARTITION BY dept ORDER BY salary, id) AS f, LAST_VALUE(id) OVER (PARTITION BY dept ORDER BY salary, id) AS l FROM emp;

-- query first_last_whole
-- args: 'eng'
-- args: 'ops'
SELECT id, FIRST_VALUE(bonus) OVER w AS f, LAST_VALUE(bonus) OVER w AS l, NTH_VALUE(bonus, 2) OVER w AS second FROM emp WHERE dept = ? WINDOW w AS (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);

-- query nth_sliding
SELECT id, NTH_VALUE(salary, 2) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n2, NTH_VALUE(salary, 3) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n3 FROM emp;

-- query last_value_range
SELECT id, LAST_VALUE(id) OVER (ORDER BY salary RANGE BETWEEN 10 PRECEDING AND 20 FOLLOWING) AS l, FIRST_VALUE(id) OVER (ORDER BY salary RANGE BETWEEN 10 PRECEDING AND 20 FOLLOWING) AS f FROM emp WHERE id <> 2 AND id <> 6;

-- query first_value_peers
SELECT id, FIRST_VALUE(dept) OVER (ORDER BY salary, id) AS lowest_dept, LAST_VALUE(salary) OVER (ORDER BY salary) AS peers_last FROM emp;

-- writes
INSERT INTO emp VALUES (9, 'hr', 55, 4), (10, 'eng', 200, NULL);
UPDATE emp SET dept = 'hr' WHERE id = 3;
DELETE FROM emp WHERE id = 7;

-- writes
UPDATE emp SET salary = 95, bonus = NULL WHERE id = 1;
DELETE FROM emp WHERE dept = 'ops';
