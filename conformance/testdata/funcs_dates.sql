# MySQL 8's date and time functions beyond the calendar basics: STR_TO_DATE, FROM_UNIXTIME,
# UNIX_TIMESTAMP(expr), TIME_TO_SEC, SEC_TO_TIME, TIMEDIFF, ADDTIME, SUBTIME, TIME, TIMESTAMP,
# MAKEDATE, MAKETIME, FROM_DAYS, WEEK with a mode, YEARWEEK, WEEKOFYEAR, TIME_FORMAT,
# PERIOD_ADD, PERIOD_DIFF and CONVERT_TZ with numeric offsets, over table columns (cached,
# keyed by parameters), in WHERE and GROUP BY, and over constants. Cases where MySQL 8 and
# MariaDB differ (zero dates, dates before 1970, offsets past +13:00) are in expr's tables.

-- setup
CREATE TABLE logs (
  id INT PRIMARY KEY,
  grp VARCHAR(10) NOT NULL,
  raw VARCHAR(40),
  fmt VARCHAR(20),
  ts BIGINT,
  at DATETIME,
  at6 DATETIME(6),
  dur TIME,
  secs INT,
  yr INT,
  yd INT,
  period INT
);
INSERT INTO logs VALUES
  (1, 'a', '05/03/2024 10:11:12', 'eu', 1709633472, '2024-03-05 10:11:12', '2024-03-05 10:11:12.250000', '01:02:03', 3723, 2024, 60, 202403),
  (2, 'a', 'March 5, 2024', 'us', 0, '2021-01-01 00:00:00', '2021-01-01 23:59:59.999999', '-00:30:00', -1800, 23, 365, 2312),
  (3, 'b', '2024-02-28', 'iso', 1, '2024-12-31 23:59:59', '2024-12-31 00:00:00.000001', '838:59:59', 3020399, 99, 1, 199912),
  (4, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 'c', 'not a date', 'iso', 2147483647, '1999-06-15 06:07:08', '1999-06-15 06:07:08.5', '00:00:00', 0, 2000, 366, 9901),
  (6, 'c', '31/12/1999 23:59:59', 'eu', 946684799, '2024-01-07 12:00:00', '2024-01-07 12:00:00', '12:00:00', 86399, 1970, 100, 7001);

-- query parse_text
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, STR_TO_DATE(raw, '%d/%m/%Y %H:%i:%s'), STR_TO_DATE(raw, '%M %e, %Y'), STR_TO_DATE(raw, '%Y-%m-%d'), STR_TO_DATE(raw, '%d/%m/%Y') FROM logs WHERE grp = ?;

-- query unix_time
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, FROM_UNIXTIME(ts), FROM_UNIXTIME(ts, '%Y-%m-%d %H'), UNIX_TIMESTAMP(at), UNIX_TIMESTAMP(at6), UNIX_TIMESTAMP(DATE(at)) FROM logs WHERE grp = ?;

-- query durations
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, TIME_TO_SEC(dur), SEC_TO_TIME(secs), SEC_TO_TIME(secs * 1000), TIME(at6), TIMEDIFF(at, at6), TIMEDIFF(dur, '01:00:00'), ADDTIME(at, dur), SUBTIME(at6, dur), ADDTIME(dur, '01:00:00.5') FROM logs WHERE grp = ?;

-- query constructors
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, MAKEDATE(yr, yd), MAKETIME(yr MOD 24, yd MOD 60, 30), FROM_DAYS(TO_DAYS(at) + yd), TIMESTAMP(DATE(at), dur), TIMESTAMP(at6) FROM logs WHERE grp = ?;

-- query weeks
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, WEEK(at, 0), WEEK(at, 1), WEEK(at, 2), WEEK(at, 3), WEEK(at, 4), WEEK(at, 5), WEEK(at, 6), WEEK(at, 7), YEARWEEK(at), YEARWEEK(at, 3), WEEKOFYEAR(at), DATE_FORMAT(at, '%u %V %v %X %x') FROM logs WHERE grp = ?;

-- query formats_and_periods
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, TIME_FORMAT(dur, '%H:%i:%s %p'), TIME_FORMAT(dur, '%k %l %r %T'), PERIOD_ADD(period, 13), PERIOD_DIFF(period, 202401), CONVERT_TZ(at, '+00:00', '+05:30'), CONVERT_TZ(at6, '-08:00', '+01:00') FROM logs WHERE grp = ?;

-- query filtered_by_parsed_day
-- args: 'a'
-- args: 'c'
SELECT id, raw FROM logs WHERE grp = ? AND DATE(STR_TO_DATE(raw, '%d/%m/%Y %H:%i:%s')) >= '2000-01-01';

-- query filtered_by_unix_hour
SELECT id FROM logs WHERE HOUR(FROM_UNIXTIME(ts)) IN (0, 10, 23) AND UNIX_TIMESTAMP(at) > 1000000000;

-- query grouped_by_week
SELECT YEARWEEK(at, 3) AS wk, COUNT(*), SUM(TIME_TO_SEC(dur)) FROM logs GROUP BY YEARWEEK(at, 3);

-- query filtered_by_duration
SELECT id FROM logs WHERE TIME_TO_SEC(TIMEDIFF(at, at6)) < 0 OR SEC_TO_TIME(secs) > '10:00:00';

-- query constants
SELECT STR_TO_DATE('10:30 PM', '%h:%i %p'), STR_TO_DATE('2024-01-02 10:11:12.5', '%Y-%m-%d %H:%i:%s.%f'), FROM_UNIXTIME(1.5), UNIX_TIMESTAMP('2024-01-01 00:00:00.5'), TIMEDIFF('10:00', '11:30:00.5'), MAKETIME(839, 0, 0), PERIOD_ADD(9912, 1), TIME_FORMAT('25:03:04', '%H %h %p'), CONVERT_TZ('2024-01-01 12:00:00', '+00:00', '-05:00');

-- query named_zone unsupported
SELECT CONVERT_TZ(at, 'UTC', 'Europe/Paris') FROM logs WHERE grp = 'a';

-- writes
UPDATE logs SET raw = '01/01/2000 00:00:00', ts = 946684800, dur = '23:59:59' WHERE id = 2;
INSERT INTO logs VALUES (7, 'a', '29/02/2024 12:00:00', 'eu', 1709208000, '2024-02-29 12:00:00', '2024-02-29 12:00:00.123456', '-12:34:56', 45296, 2024, 366, 202402);
DELETE FROM logs WHERE id = 6;
