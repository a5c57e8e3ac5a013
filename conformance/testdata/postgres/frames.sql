# Window frames in PostgreSQL's dialect: ROWS, RANGE with numeric and interval offsets over
# date and timestamp keys (NULLs sorted last ascending, first descending, or where NULLS
# FIRST/LAST puts them), and GROUPS, counting peer groups. Time keys, which the mirror cannot
# replicate, are checked by TestRangeIntervalFramesAgainstPostgres.
-- setup
CREATE TABLE ev (id int PRIMARY KEY, p int NOT NULL, d date, ts timestamp, v int, g int);
INSERT INTO ev VALUES
  (1, 0, '2024-01-30', '2024-02-28 10:00:00', 10, 1),
  (2, 0, '2024-01-31', '2024-02-28 11:30:00', 20, 1),
  (3, 0, '2024-02-01', '2024-02-28 11:30:00', NULL, 2),
  (4, 0, '2024-02-29', '2024-02-29 00:00:00', 5, 3),
  (5, 0, NULL, NULL, 7, NULL),
  (6, 1, '2024-02-05', '2024-02-27 23:45:00', -3, 1),
  (7, 1, '2024-02-05', '2024-02-28 01:00:00', 4, 1),
  (8, 1, '2024-02-12', '2024-02-29 12:00:00', 9, 4),
  (9, 1, '2024-03-31', NULL, 1, 4),
  (10, 2, '2024-03-01', '2024-03-01 00:00:00', 2, NULL),
  (11, 2, NULL, '2024-02-29 23:00:00', 3, 2);

-- query rows_sliding_sum
SELECT id, sum(v) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM ev;

-- query rows_unbounded_count
SELECT id, count(*) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING) AS n FROM ev;

-- query range_numeric
SELECT id, sum(v) OVER (ORDER BY g RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM ev;

-- query range_numeric_desc_nulls_last
SELECT id, count(*) OVER (ORDER BY g DESC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) AS n FROM ev;

-- query range_date_week
SELECT id, sum(v) OVER (PARTITION BY p ORDER BY d RANGE BETWEEN interval '7 days' PRECEDING AND CURRENT ROW) AS s FROM ev;

-- query range_date_unbounded_nulls_last
SELECT id, count(*) OVER (ORDER BY d RANGE BETWEEN interval '1 day' FOLLOWING AND UNBOUNDED FOLLOWING) AS n FROM ev;

-- query range_date_desc_month
SELECT id, max(id) OVER (ORDER BY d DESC RANGE BETWEEN interval '1 month' PRECEDING AND interval '1 day' FOLLOWING) AS m FROM ev;

-- query range_date_nulls_first
SELECT id, count(*) OVER (ORDER BY d NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND interval '2 days' PRECEDING) AS n FROM ev;

-- query range_timestamp_hours
SELECT id, sum(v) OVER (ORDER BY ts RANGE BETWEEN interval '1 hour 30 minutes' PRECEDING AND interval '90 minutes' FOLLOWING) AS s FROM ev;

-- query range_timestamp_desc_day
SELECT id, count(v) OVER (ORDER BY ts DESC RANGE BETWEEN CURRENT ROW AND interval '1 day' FOLLOWING) AS n FROM ev;

-- query range_key_param
-- args: 0
-- args: 1
SELECT id, min(v) OVER (ORDER BY d RANGE BETWEEN interval '3 days' PRECEDING AND interval '3 days' FOLLOWING) AS m FROM ev WHERE p = $1;

-- query groups_one_preceding
SELECT id, sum(v) OVER (ORDER BY g GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM ev;

-- query groups_partitioned
SELECT id, count(*) OVER (PARTITION BY p ORDER BY d GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n FROM ev;

-- query groups_following_only
SELECT id, max(id) OVER (ORDER BY g DESC GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS m FROM ev;

-- query groups_unbounded
SELECT id, sum(v) OVER (ORDER BY ts GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS s FROM ev;

-- query groups_short_form
SELECT id, count(v) OVER (ORDER BY d GROUPS 2 PRECEDING) AS n FROM ev;

-- query groups_two_keys
SELECT id, sum(v) OVER (ORDER BY p, g GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS s FROM ev;

-- query groups_first_last_value
SELECT id, first_value(id) OVER (ORDER BY g, id GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS f, last_value(id) OVER (ORDER BY g, id GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS l FROM ev;

-- query groups_key_param
-- args: 1
-- args: 2
SELECT id, sum(v) OVER (ORDER BY g GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM ev WHERE p = $1;

-- writes
INSERT INTO ev VALUES (12, 0, '2024-02-02', '2024-02-28 12:00:00', 11, 2);
UPDATE ev SET d = '2024-01-31', g = 3 WHERE id = 1;
UPDATE ev SET ts = '2024-02-28 10:45:00', v = NULL WHERE id = 7;
DELETE FROM ev WHERE id = 3;
INSERT INTO ev VALUES (13, 1, NULL, '2024-02-29 12:30:00', 6, 4);
UPDATE ev SET g = NULL, p = 2 WHERE id = 8;
