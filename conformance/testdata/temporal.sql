# Time windows: WHERE conditions comparing rows with NOW(), CURRENT_TIMESTAMP,
# UTC_TIMESTAMP(), CURDATE() and CURRENT_DATE, ± INTERVAL and BETWEEN, keyed and not, as
# the clock moves with no write in between. `SET timestamp = N` fixes MariaDB's session
# clock; on Weir it sets the engine's clock and advances every view to it, so both are
# compared at the same instant. Writes read the same clock (NOW() in INSERT).

-- setup
SET timestamp = 1714564800;
CREATE TABLE events (
  id INT NOT NULL PRIMARY KEY,
  user_id INT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE TABLE sessions (
  id INT NOT NULL PRIMARY KEY,
  expires_at DATETIME
);
CREATE TABLE posts (
  id INT NOT NULL PRIMARY KEY,
  day DATE
);
INSERT INTO events VALUES
  (1, 1, '2024-04-01 12:00:00'),
  (2, 1, '2024-04-01 12:00:01'),
  (3, 1, '2024-05-01 11:10:00'),
  (4, 2, '2024-05-01 11:30:00'),
  (5, 2, '2024-05-01 11:59:59'),
  (6, 2, '2024-05-01 12:00:30'),
  (7, 3, '2024-05-09 00:00:00');
INSERT INTO sessions VALUES
  (1, '2024-05-01 12:00:10'),
  (2, '2024-05-01 12:30:00'),
  (3, NULL),
  (4, '2024-05-01 11:00:00'),
  (5, '2024-05-02 00:00:00');
INSERT INTO posts VALUES (1, '2024-04-30'), (2, '2024-05-01'), (3, '2024-05-02'), (4, NULL);

-- query recent_month
SELECT COUNT(*) FROM events WHERE created_at > NOW() - INTERVAL 30 DAY;

-- query hourly_by_user
-- args: 1
-- args: 2
-- args: 3
SELECT user_id, COUNT(*) FROM events WHERE created_at >= NOW() - INTERVAL 1 HOUR AND user_id = ? GROUP BY user_id;

-- query live_sessions ordered
SELECT id FROM sessions WHERE expires_at > NOW() ORDER BY id;

-- query live_sessions_ts
SELECT id, expires_at FROM sessions WHERE expires_at > CURRENT_TIMESTAMP AND id < 5;

-- query live_sessions_utc
SELECT COUNT(*) FROM sessions WHERE UTC_TIMESTAMP() < expires_at;

-- query posts_today
SELECT id FROM posts WHERE day = CURDATE();

-- query posts_since_yesterday
SELECT COUNT(*) FROM posts WHERE day >= CURRENT_DATE - INTERVAL 1 DAY;

-- query last_week ordered
SELECT id, created_at FROM events WHERE created_at BETWEEN NOW() - INTERVAL 7 DAY AND NOW() ORDER BY id;

-- query future_events
SELECT id FROM events WHERE created_at > NOW();

-- query active_between
SELECT s.id FROM sessions s WHERE NOW() BETWEEN s.expires_at - INTERVAL 1 HOUR AND s.expires_at;

-- writes
# Twenty seconds on: event 6 is no longer in the future, session 1 expired.
SET timestamp = 1714564820;

-- writes
# Half an hour and more: session 2 expired, events 3 to 5 left the hour.
SET timestamp = 1714566660;
INSERT INTO events VALUES (8, 2, NOW()), (9, 1, NOW() - INTERVAL 59 MINUTE);

-- writes
# A second before midnight, then midnight: posts move from today to yesterday.
SET timestamp = 1714607999;

-- writes
SET timestamp = 1714608000;
INSERT INTO posts VALUES (5, CURDATE());

-- writes
# A month on: the April events left the 30 days, event 7 entered and left the week.
SET timestamp = 1717156801;
DELETE FROM events WHERE id = 9;

-- writes
SET timestamp = 1717201800;
UPDATE events SET created_at = NOW() - INTERVAL 10 MINUTE WHERE id = 4;
