# Window functions: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD and COUNT, SUM, AVG, MIN, MAX
# OVER (PARTITION BY ... ORDER BY ... [frame]), several windows per query, named windows,
# windows in ORDER BY and in expressions, windows over aggregates and joins, and the
# top-N-per-group idiom through derived tables and CTEs, keyed by parameters or not. Writes
# move rows within and between partitions (into and out of the NULL partition), change
# order keys into and out of ties, and delete whole partitions. ROW_NUMBER, LAG and LEAD
# order by a unique column, or by columns that end with one, since SQL leaves the order of
# peers to the engine. Averages of DOUBLE use values exact in binary, so that the order of
# the additions cannot show.

-- setup
CREATE TABLE emp (
  id INT NOT NULL PRIMARY KEY,
  dept VARCHAR(10),
  name VARCHAR(20) NOT NULL,
  salary INT,
  bonus DECIMAL(6,2),
  rating DOUBLE
);
CREATE TABLE dept (
  name VARCHAR(10) NOT NULL PRIMARY KEY,
  floor INT
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
INSERT INTO dept VALUES ('eng', 3), ('ops', 1), ('sales', 1), ('hr', 2);

-- query row_number_by_dept ordered
SELECT id, dept, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary, id) AS rn FROM emp ORDER BY id;

-- query row_number_whole_table ordered
SELECT name, ROW_NUMBER() OVER (ORDER BY name DESC) AS rn FROM emp ORDER BY name;

-- query rank_dense_rank ordered
SELECT id, RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS r, DENSE_RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS dr FROM emp ORDER BY id;

-- query rank_nulls_first ordered
SELECT id, salary, RANK() OVER (ORDER BY salary) AS r FROM emp ORDER BY id;

-- query dense_rank_decimal_desc ordered
SELECT id, DENSE_RANK() OVER (PARTITION BY dept ORDER BY bonus DESC) AS dr FROM emp ORDER BY id;

-- query rank_two_keys ordered
SELECT id, RANK() OVER (ORDER BY rating DESC, salary) AS r FROM emp ORDER BY id;

-- query lag_lead ordered
SELECT id, LAG(salary) OVER (PARTITION BY dept ORDER BY id) AS prev, LEAD(name, 2) OVER (PARTITION BY dept ORDER BY id) AS next2 FROM emp ORDER BY id;

-- query lag_offset_zero_and_three ordered
SELECT id, LAG(name, 0) OVER (ORDER BY id) AS same, LAG(bonus, 3) OVER (ORDER BY id) AS back3 FROM emp ORDER BY id;

-- query lead_desc ordered
SELECT id, LEAD(id) OVER (ORDER BY salary DESC, id DESC) AS nxt FROM emp ORDER BY id;

-- query salary_change ordered
SELECT id, salary - LAG(salary) OVER (PARTITION BY dept ORDER BY id) AS delta FROM emp ORDER BY id;

-- query running_sum ordered
SELECT id, SUM(salary) OVER (PARTITION BY dept ORDER BY salary) AS running, COUNT(*) OVER (PARTITION BY dept) AS n FROM emp ORDER BY id;

-- query running_decimal ordered
SELECT id, SUM(bonus) OVER (PARTITION BY dept ORDER BY id) AS s, AVG(bonus) OVER (PARTITION BY dept ORDER BY id) AS a FROM emp ORDER BY id;

-- query partition_totals ordered
SELECT id, COUNT(salary) OVER (PARTITION BY dept) AS c, SUM(salary) OVER (PARTITION BY dept) AS s, AVG(rating) OVER (PARTITION BY dept) AS a, MIN(name) OVER (PARTITION BY dept) AS mn, MAX(bonus) OVER (PARTITION BY dept) AS mx FROM emp ORDER BY id;

-- query whole_table_aggregates ordered
SELECT id, COUNT(*) OVER () AS n, SUM(salary) OVER () AS s, MAX(rating) OVER () AS mx FROM emp ORDER BY id;

-- query rows_frame_centered ordered
SELECT id, AVG(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a FROM emp ORDER BY id;

-- query rows_frame_rest ordered
SELECT id, SUM(bonus) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest FROM emp ORDER BY id;

-- query rows_frame_before ordered
SELECT id, COUNT(salary) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_me FROM emp ORDER BY id;

-- query rows_frame_ahead ordered
SELECT id, SUM(salary) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING) AS ahead FROM emp ORDER BY id;

-- query rows_frame_short ordered
SELECT id, MAX(salary) OVER (ORDER BY id ROWS 2 PRECEDING) AS mx FROM emp ORDER BY id;

-- query rows_frame_min_sliding ordered
SELECT id, MIN(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS mn FROM emp ORDER BY id;

-- query range_peers ordered
SELECT id, COUNT(*) OVER (ORDER BY salary RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS peers FROM emp ORDER BY id;

-- query range_to_end ordered
SELECT id, SUM(salary) OVER (PARTITION BY dept ORDER BY salary RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS s FROM emp ORDER BY id;

-- query range_whole ordered
SELECT id, COUNT(*) OVER (ORDER BY salary RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n FROM emp ORDER BY id;

-- query range_offset_int ordered
SELECT id, SUM(salary) OVER (ORDER BY salary RANGE BETWEEN 20 PRECEDING AND CURRENT ROW) AS s FROM emp ORDER BY id;

-- query range_offset_decimal_desc ordered
SELECT id, COUNT(*) OVER (PARTITION BY dept ORDER BY bonus DESC RANGE BETWEEN 1.5 PRECEDING AND 0.25 FOLLOWING) AS n FROM emp ORDER BY id;

-- query range_offset_double ordered
SELECT id, MAX(id) OVER (ORDER BY rating RANGE BETWEEN 0.5 PRECEDING AND 1 FOLLOWING) AS mx FROM emp ORDER BY id;

-- query range_offset_desc_short ordered
SELECT id, AVG(salary) OVER (ORDER BY salary DESC RANGE 10 PRECEDING) AS a FROM emp ORDER BY id;

-- query range_offset_ahead ordered
SELECT id, COUNT(salary) OVER (ORDER BY salary RANGE BETWEEN 5 FOLLOWING AND UNBOUNDED FOLLOWING) AS n FROM emp ORDER BY id;

-- query constant_window_order ordered
SELECT id, COUNT(*) OVER (ORDER BY 1) AS c, ROW_NUMBER() OVER (PARTITION BY 1 ORDER BY id) AS rn FROM emp ORDER BY id;

-- query named_window ordered
SELECT id, SUM(salary) OVER w AS s, ROW_NUMBER() OVER w AS rn FROM emp WINDOW w AS (PARTITION BY dept ORDER BY salary, id) ORDER BY id;

-- query named_window_refined ordered
SELECT id, COUNT(*) OVER (w ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS c FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY id;

-- query window_in_order_by ordered
SELECT id, name FROM emp ORDER BY ROW_NUMBER() OVER (ORDER BY salary DESC, id);

-- query order_by_window_alias ordered
SELECT id, DENSE_RANK() OVER (ORDER BY bonus) AS dr FROM emp ORDER BY dr, id;

-- query window_expression ordered
SELECT id, ROW_NUMBER() OVER (ORDER BY id) * 10 + 1 AS tag FROM emp ORDER BY id;

-- query partition_by_expression ordered
SELECT id, ROW_NUMBER() OVER (PARTITION BY salary > 85 ORDER BY id) AS rn FROM emp ORDER BY id;

-- query distinct_counts ordered
SELECT DISTINCT COUNT(*) OVER (PARTITION BY dept) AS n FROM emp ORDER BY n;

-- query two_windows ordered
SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS a, RANK() OVER (PARTITION BY dept ORDER BY salary) AS b FROM emp ORDER BY id;

-- query by_dept_param ordered
-- args: 'eng'
-- args: 'ops'
-- args: 'nope'
SELECT id, ROW_NUMBER() OVER (ORDER BY salary DESC, id) AS rn, SUM(salary) OVER (ORDER BY salary DESC, id) AS s FROM emp WHERE dept = ? ORDER BY rn;

-- query by_dept_param_partitioned ordered
-- args: 'eng'
-- args: 'sales'
SELECT id, RANK() OVER (PARTITION BY dept ORDER BY salary) AS r, LAG(name) OVER (PARTITION BY dept ORDER BY id) AS prev FROM emp WHERE dept = ? ORDER BY id;

-- query by_dept_param_limit ordered
-- args: 'eng'
-- args: 'ops'
SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS rn FROM emp WHERE dept = ? ORDER BY rn LIMIT 2;

-- query by_rating_param ordered
-- args: 4.0
-- args: 4.5
-- args: 1.0
SELECT id, RANK() OVER (PARTITION BY dept ORDER BY salary) AS r, COUNT(*) OVER () AS n FROM emp WHERE rating = ? ORDER BY id;

-- query literal_filters ordered
SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM emp WHERE salary > 65 AND dept IN ('eng', 'ops') ORDER BY id;

-- query join_window ordered
SELECT e.id, d.floor, ROW_NUMBER() OVER (PARTITION BY d.floor ORDER BY e.id) AS rn FROM emp e JOIN dept d ON d.name = e.dept ORDER BY e.id;

-- query left_join_window ordered
SELECT d.name, COUNT(e.id) OVER (PARTITION BY d.floor) AS n FROM dept d LEFT JOIN emp e ON e.dept = d.name ORDER BY d.name, e.id;

-- query top2_per_dept ordered
SELECT id, dept, salary FROM (SELECT id, dept, salary, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp) x WHERE rn <= 2 ORDER BY id;

-- query top2_param ordered
-- args: 'eng'
-- args: 'ops'
-- args: 'nope'
SELECT id, salary FROM (SELECT id, dept, salary, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp) x WHERE dept = ? AND rn <= 2 ORDER BY salary DESC, id;

-- query best_ties ordered
SELECT id FROM (SELECT id, RANK() OVER (PARTITION BY dept ORDER BY rating DESC) AS r FROM emp) x WHERE r = 1 ORDER BY id;

-- query cte_dense_rank ordered
WITH ranked AS (SELECT id, dept, DENSE_RANK() OVER (PARTITION BY dept ORDER BY salary DESC) AS dr FROM emp) SELECT id, dr FROM ranked WHERE dr <= 2 ORDER BY id;

-- query rank_over_count ordered
SELECT LOWER(dept) AS d, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r, SUM(COUNT(*)) OVER (ORDER BY LOWER(dept)) AS c FROM emp GROUP BY LOWER(dept) ORDER BY d;

-- query share_of_floor ordered
SELECT d.floor, SUM(e.salary) AS s, SUM(SUM(e.salary)) OVER () AS total FROM emp e JOIN dept d ON d.name = e.dept GROUP BY d.floor ORDER BY d.floor;

-- query grouped_param ordered
-- args: 1
-- args: 3
SELECT d.name, COUNT(*) AS n, ROW_NUMBER() OVER (ORDER BY d.name) AS rn FROM emp e JOIN dept d ON d.name = e.dept WHERE d.floor = ? GROUP BY d.name ORDER BY rn;

-- writes
INSERT INTO emp VALUES (11, 'eng', 'kim', 110, 4.00, 2.0);
UPDATE emp SET dept = 'ops' WHERE id = 1;
UPDATE emp SET salary = 200 WHERE id = 9;
DELETE FROM emp WHERE id = 6;

-- writes
UPDATE emp SET dept = NULL WHERE id = 10;
UPDATE emp SET salary = 90 WHERE id = 2;
UPDATE emp SET bonus = NULL, rating = 4.5 WHERE id = 4;
INSERT INTO emp VALUES (12, NULL, 'lu', NULL, 1.50, 3.0), (13, 'hr', 'max', 75, 2.25, 0.5);
UPDATE dept SET floor = 3 WHERE name = 'ops';

-- writes
DELETE FROM emp WHERE dept = 'sales';
UPDATE emp SET dept = 'eng' WHERE dept IS NULL;
UPDATE emp SET salary = salary + 5 WHERE dept = 'ops';
DELETE FROM dept WHERE name = 'hr';

-- writes
BEGIN;
DELETE FROM emp WHERE dept = 'ops';
INSERT INTO emp VALUES (14, 'ops', 'ned', 100, 3.00, 2.5);
UPDATE emp SET name = 'zed' WHERE id = 3;
COMMIT;
