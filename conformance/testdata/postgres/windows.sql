# Window functions in PostgreSQL's dialect: row_number, rank, dense_rank and running
# aggregates, with PostgreSQL's NULL ordering inside OVER.
-- setup
CREATE TABLE runs (id int PRIMARY KEY, team text NOT NULL, lap int, ms int);
INSERT INTO runs VALUES
  (1, 'red', 1, 900), (2, 'red', 2, 850), (3, 'red', 3, NULL), (4, 'blue', 1, 880),
  (5, 'blue', 2, 880), (6, 'Red', 1, 700), (7, 'blue', 3, 910);

-- query row_number_team
SELECT id, row_number() OVER (PARTITION BY team ORDER BY ms, id) AS rn FROM runs;

-- query rank_team
SELECT id, rank() OVER (PARTITION BY team ORDER BY ms) AS r FROM runs;

-- query dense_rank_all
SELECT id, dense_rank() OVER (ORDER BY ms DESC) AS r FROM runs;

-- query row_number_nulls_first
SELECT id, row_number() OVER (ORDER BY ms NULLS FIRST, id) AS rn FROM runs;

-- query sum_over_team
SELECT id, sum(ms) OVER (PARTITION BY team) AS total FROM runs;

-- query count_over_all
SELECT id, count(*) OVER () AS n FROM runs;

-- query running_sum
SELECT id, sum(ms) OVER (PARTITION BY team ORDER BY lap) AS running FROM runs;

-- query window_key
-- args: 'red'
-- args: 'Red'
SELECT id, row_number() OVER (ORDER BY lap) AS rn FROM runs WHERE team = $1;

-- writes
INSERT INTO runs VALUES (8, 'red', 4, 800);
UPDATE runs SET ms = 860 WHERE id = 3;
DELETE FROM runs WHERE id = 5;
