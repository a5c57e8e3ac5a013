# Dates and timestamps: comparisons, date ± integer (days), date - date (days), ± interval
# (a timestamp), extract, casts from text, ordering with NULLs.
-- setup
CREATE TABLE events (id int PRIMARY KEY, title text NOT NULL, day date, at timestamp, at6 timestamp(3));
INSERT INTO events VALUES
  (1, 'launch', '2024-01-15', '2024-01-15 09:30:00', '2024-01-15 09:30:00.125'),
  (2, 'review', '2024-02-29', '2024-02-29 23:59:59', NULL),
  (3, 'retro', NULL, '2023-12-31 00:00:00', '2023-12-31 00:00:00.5'),
  (4, 'party', '2024-12-31', NULL, '2024-12-31 18:00:00'),
  (5, 'audit', '2024-03-01', '2024-03-01 12:00:00.75', '2024-03-01 12:00:00');

-- query cols
SELECT id, day, at, at6 FROM events;

-- query day_gt_literal
SELECT id FROM events WHERE day > '2024-02-01';

-- query day_gt_date_literal
SELECT id FROM events WHERE day >= date '2024-02-29';

-- query day_cast_literal
SELECT id FROM events WHERE day < '2024-03-01'::date;

-- query day_plus_int
SELECT id, day + 1 AS next FROM events;

-- query day_minus_int
SELECT id, day - 30 AS before FROM events;

-- query int_plus_day
SELECT id, 7 + day AS wk FROM events;

-- query day_minus_day
SELECT id, day - date '2024-01-01' AS since FROM events;

-- query day_diff_filter
SELECT id FROM events WHERE day - date '2024-01-01' > 40;

-- query day_plus_interval
SELECT id, day + interval '1 day' AS t FROM events;

-- query at_plus_interval_hours
SELECT id, at + interval '2 hours' AS later FROM events;

-- query at_minus_interval_minutes
SELECT id, at - interval '90 minutes' AS earlier FROM events;

-- query at_plus_interval_month
SELECT id, at + interval '1 month' AS m FROM events;

-- query at_between
SELECT id FROM events WHERE at BETWEEN '2024-01-01' AND '2024-02-29 23:59:59';

-- query at_key
-- args: '2024-01-15 09:30:00'
-- args: '2023-12-31 00:00:00'
SELECT id, title FROM events WHERE at = $1;

-- query day_key
-- args: '2024-02-29'
-- args: '2024-03-01'
SELECT id FROM events WHERE day = $1;

-- query day_range_param ordered
-- args: '2024-01-31'
SELECT id, day FROM events WHERE day > $1 ORDER BY day, id;

-- query order_day ordered
SELECT id, day FROM events ORDER BY day, id;

-- query order_day_desc ordered
SELECT id, day FROM events ORDER BY day DESC, id;

-- query order_at_nulls_first ordered
SELECT id FROM events ORDER BY at NULLS FIRST, id;

-- query extract_year
SELECT id, extract(year FROM day) AS y FROM events;

-- query extract_month_day
SELECT id, extract(month FROM at) AS m, extract(day FROM at) AS d FROM events;

-- query date_part_hour
SELECT id, date_part('hour', at) AS h FROM events;

-- query cast_at_date
SELECT id, at::date AS d FROM events;

-- query cast_day_timestamp
SELECT id, day::timestamp AS t FROM events;

-- query group_by_day
SELECT day, count(*) AS n FROM events GROUP BY day;

-- query min_max_at
SELECT min(at), max(day) FROM events;

-- query at6_cmp
SELECT id FROM events WHERE at6 > '2024-01-15 09:30:00.1';

-- query now_filter
SELECT id FROM events WHERE at < now();

-- query now_interval_filter
SELECT id FROM events WHERE at > now() - interval '10 years';

-- query current_date_filter
SELECT id FROM events WHERE day <= current_date;

-- writes
INSERT INTO events VALUES (6, 'late', '2025-06-30', '2025-06-30 08:00:00', NULL);
UPDATE events SET day = day + 1 WHERE id = 2;
UPDATE events SET at = NULL WHERE id = 1;
DELETE FROM events WHERE id = 3;
