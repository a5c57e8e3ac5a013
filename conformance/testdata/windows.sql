# Window functions: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD and COUNT, SUM, AVG, MIN, MAX
# OVER (PARTITION BY ... ORDER BY ... [frame]), several windows per query, named windows,
# windows over aggregates, and the top-N-per-group idiom through a derived table. Writes
# move rows within and between partitions (NULL partitions included), change order keys
# and delete whole partitions. ROW_NUMBER, LAG and LEAD order by a unique column, or by
# columns that end with one, since SQL leaves the order of peers to the engine.

-- setup
CREATE TABLE emp (
  id INT NOT NULL PRIMARY KEY,
  dept VARCHAR(10),
  name VARCHAR(20) NOT NULL,
  salary INT,
  bonus DECIMAL(6,2),
  rating DOUBLE
);
INSERT INTO emp VALUES
  (1, 'eng', 'ann', 100, 10.00, 4.5),
  (2, 'eng', 'bob', 120, 5.50, 3.0),
  (3, 'eng', 'cy', 100, NULL, 4.0),
  (4, 'ops', 'dee', 90, 1.25, NULL),
  (5, 'ops', 'eve', NULL, 2.00, 2.5),
  (6, NULL, 'fay', 70, 3.00, 1.0),
  (7, NULL, 'gus', 80, NULL, 5.0),
  (8, 'Eng', 'hal', 130, 7.75, 3.5),
  (9, 'sales', 'ivy', 60, 0.50, 4.0),
  (10, 'sales', 'jo', 60, 0.50, 4.0);

-- query row_number_by_dept ordered
SELECT id, dept, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary, id) AS rn FROM emp ORDER BY id;

-- query rank_dense_rank ordered
SELECT id, RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS r, DENSE_RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS dr FROM emp ORDER BY id;

-- query lag_lead ordered
SELECT id, LAG(salary) OVER (PARTITION BY dept ORDER BY id) AS prev, LEAD(name, 2) OVER (PARTITION BY dept ORDER BY id) AS next2 FROM emp ORDER BY id;

-- query running_sum ordered
SELECT id, SUM(salary) OVER (PARTITION BY dept ORDER BY salary) AS running, COUNT(*) OVER (PARTITION BY dept) AS n FROM emp ORDER BY id;

-- query rows_frame ordered
SELECT id, AVG(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a, SUM(bonus) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest FROM emp ORDER BY id;

-- query by_dept_param ordered
-- args: 'eng'
-- args: 'ops'
-- args: 'nope'
SELECT id, ROW_NUMBER() OVER (ORDER BY salary DESC, id) AS rn, SUM(salary) OVER (ORDER BY salary DESC, id) AS s FROM emp WHERE dept = ? ORDER BY rn;

-- query top2_per_dept ordered
SELECT id, dept, salary FROM (SELECT id, dept, salary, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp) x WHERE rn <= 2 ORDER BY id;

-- query rank_over_count ordered
SELECT LOWER(dept) AS d, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r, SUM(COUNT(*)) OVER (ORDER BY LOWER(dept)) AS c FROM emp GROUP BY LOWER(dept) ORDER BY d;

-- writes
INSERT INTO emp VALUES (11, 'eng', 'kim', 110, 4.00, 2.0);
UPDATE emp SET dept = 'ops' WHERE id = 1;
UPDATE emp SET salary = 200 WHERE id = 9;
DELETE FROM emp WHERE id = 6;
