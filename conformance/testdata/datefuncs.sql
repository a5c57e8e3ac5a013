# Date arithmetic and calendar functions: DATE_ADD / DATE_SUB / ADDDATE / SUBDATE and
# `d ± INTERVAL n unit` on DATE, DATETIME and text (month-end clamping, leap years, results
# outside the calendar), DATEDIFF, TIMESTAMPDIFF, DAYOFWEEK, WEEKDAY, DAYOFYEAR, QUARTER,
# WEEK, TO_DAYS, LAST_DAY, DAYNAME, MONTHNAME, EXTRACT and DATE_FORMAT, compound INTERVAL
# units (DAY_HOUR, YEAR_MONTH, …), over table columns
# (cached, keyed by parameters) and constants.

-- setup
CREATE TABLE events (
  id INT PRIMARY KEY,
  kind VARCHAR(10) NOT NULL,
  day DATE,
  at DATETIME,
  label VARCHAR(30)
);
INSERT INTO events VALUES
  (1, 'a', '2024-01-31', '2024-01-31 23:59:59', '2024-01-31'),
  (2, 'a', '2024-02-29', '2024-02-29 12:00:00', '2024-02-29 12:00:00'),
  (3, 'b', '2023-12-31', '2023-12-31 00:00:01', 'not a date'),
  (4, 'b', NULL, NULL, NULL),
  (5, 'c', '0001-01-01', '9999-12-31 23:59:59', '1999-12-31'),
  (6, 'c', '2024-03-03', '2024-03-03 07:08:09', '2024-03-03');

-- query add_units
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, DATE_ADD(day, INTERVAL 1 MONTH), DATE_ADD(day, INTERVAL 1 YEAR), DATE_SUB(day, INTERVAL 1 DAY), day + INTERVAL 2 WEEK, day - INTERVAL 1 QUARTER FROM events WHERE kind = ?;

-- query add_time_units
-- args: 'a'
-- args: 'c'
SELECT id, DATE_ADD(at, INTERVAL 1 SECOND), DATE_ADD(at, INTERVAL -90 MINUTE), at + INTERVAL 25 HOUR, DATE_ADD(day, INTERVAL 3 HOUR), ADDDATE(at, 10), SUBDATE(day, INTERVAL 1 MONTH) FROM events WHERE kind = ?;

-- query add_to_text
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, DATE_ADD(label, INTERVAL 1 DAY), DATE_SUB(label, INTERVAL 1 HOUR) FROM events WHERE kind = ?;

-- query differences
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, DATEDIFF(at, day), DATEDIFF('2024-03-01', day), TIMESTAMPDIFF(MONTH, day, '2024-03-31'), TIMESTAMPDIFF(DAY, at, '2024-03-01 00:00:00'), TIMESTAMPDIFF(HOUR, at, '2024-03-01'), TIMESTAMPDIFF(YEAR, day, at), TIMESTAMPDIFF(QUARTER, '2023-01-15', day) FROM events WHERE kind = ?;

-- query calendar
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, DAYOFWEEK(day), WEEKDAY(day), DAYOFYEAR(day), QUARTER(day), WEEK(day), TO_DAYS(day), LAST_DAY(at), DAYNAME(day), MONTHNAME(at) FROM events WHERE kind = ?;

-- query extract_and_format
-- args: 'a'
-- args: 'c'
SELECT id, EXTRACT(YEAR FROM at), EXTRACT(MONTH FROM day), EXTRACT(DAY FROM at), EXTRACT(HOUR FROM at), EXTRACT(YEAR_MONTH FROM day), DATE_FORMAT(at, '%Y/%m/%d %H:%i:%s'), DATE_FORMAT(at, '%W %D %M %Y, %l:%i %p'), DATE_FORMAT(day, '%a %b %e %j %U %%') FROM events WHERE kind = ?;

-- query grouped_by_month
SELECT DATE_FORMAT(day, '%Y-%m') AS month, COUNT(*) FROM events WHERE day IS NOT NULL GROUP BY DATE_FORMAT(day, '%Y-%m');

-- query filtered_by_a_computed_day
SELECT id FROM events WHERE DATE_ADD(day, INTERVAL 1 DAY) = '2024-03-01' OR DATE_SUB(at, INTERVAL 1 YEAR) < '2023-06-01';

-- query constants
SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH), DATE_ADD('2024-01-31 10:00:00.5', INTERVAL 1 DAY), DATE_SUB('2024-01-31 10:00:00', INTERVAL 1 HOUR), DATE_ADD(DATE '9999-12-31', INTERVAL 1 DAY), DATE_SUB(DATE '0001-01-01', INTERVAL 1 DAY), DATE_ADD(DATE '2024-01-01', INTERVAL 1.6 DAY), INTERVAL 1 DAY + DATE '2024-02-28';

-- query compound_units
-- args: 'a'
-- args: 'c'
SELECT id, DATE_ADD(day, INTERVAL '1 2' DAY_HOUR), DATE_SUB(at, INTERVAL '1:30' MINUTE_SECOND), at + INTERVAL '1-2' YEAR_MONTH, DATE_ADD(at, INTERVAL '1 2:3:4.5' DAY_MICROSECOND), DATE_ADD(label, INTERVAL '-1 1' DAY_HOUR) FROM events WHERE kind = ?;

-- writes
UPDATE events SET day = '2024-12-31', at = '2024-12-31 18:30:00' WHERE id = 3;
INSERT INTO events VALUES (7, 'a', '2025-02-28', '2025-02-28 00:00:00', '2025-02-28');
DELETE FROM events WHERE id = 2;
