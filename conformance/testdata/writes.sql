# Write semantics: multi-row INSERT, AUTO_INCREMENT, DEFAULT values, NULLs, UPDATE and DELETE
# with predicates, REPLACE, INSERT ... ON DUPLICATE KEY UPDATE (with VALUES()), and the
# errors strict mode raises: duplicate keys, NULL in NOT NULL columns, missing values without
# defaults. Rows affected and the last insert id are compared for every write.
#
# Upserts and REPLACE are kept off AUTO_INCREMENT tables: InnoDB consumes auto-increment
# values for them, which MySQL documents as an implementation detail, not a guarantee.

-- setup
CREATE TABLE people (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(30) NOT NULL,
  nick VARCHAR(10) DEFAULT 'none',
  age INT DEFAULT NULL,
  score DECIMAL(6,2) NOT NULL DEFAULT 0.00,
  joined DATE DEFAULT '2024-01-01'
);
CREATE TABLE counters (
  k VARCHAR(20) NOT NULL PRIMARY KEY,
  n INT NOT NULL DEFAULT 0,
  total DECIMAL(10,2),
  note VARCHAR(20)
);
CREATE TABLE pairs (
  a INT NOT NULL,
  b INT NOT NULL,
  v VARCHAR(10),
  PRIMARY KEY (a, b)
);
INSERT INTO people (name, age, score) VALUES ('ann', 30, 1.5), ('bob', NULL, 2), ('cy', 41, 0.25);
INSERT INTO people (name) VALUES ('dee');
INSERT INTO people (id, name, nick) VALUES (10, 'eve', 'E');
INSERT INTO people (name, nick, joined) VALUES ('fay', NULL, NULL);
INSERT INTO people VALUES (NULL, 'gus', DEFAULT, 7, DEFAULT, DEFAULT);
INSERT INTO counters VALUES ('a', 1, 10.00, 'x'), ('B', 2, NULL, NULL), ('c', 0, 0.50, 'z');
INSERT INTO pairs VALUES (1, 1, 'one'), (1, 2, 'two'), (2, 1, 'three');
INSERT INTO people (name, age) VALUES ('hal', 3.7), ('ivy', '12');
INSERT INTO people (name, score) VALUES ('jo', 1.005);

-- query people_by_id
-- args: 1
-- args: 11
-- args: 12
-- args: 14
SELECT id, name, nick, age, score, joined FROM people WHERE id = ?;

-- query people_by_name_ci
-- args: 'ANN'
-- args: 'Eve'
SELECT id, nick FROM people WHERE name = ?;

-- query people_defaults
SELECT name, nick, age, score, joined FROM people WHERE nick = 'none' OR nick IS NULL;

-- query counters_all
SELECT k, n, total, note FROM counters;

-- query counters_by_key
-- args: 'a'
-- args: 'b'
-- args: 'zz'
SELECT n, total FROM counters WHERE k = ?;

-- query pairs_compound_key
-- args: 1, 2
-- args: 2, 2
SELECT v FROM pairs WHERE a = ? AND b = ?;

-- query pairs_by_prefix
-- args: 1
-- args: 3
SELECT b, v FROM pairs WHERE a = ?;

-- query people_count
SELECT COUNT(*) AS n, MAX(id) AS last_id, SUM(score) AS s FROM people;

-- writes
INSERT INTO people (name, age) VALUES ('kim', 22), ('lee', 23);
INSERT INTO people SET name = 'max', age = 50;
UPDATE people SET age = age + 1 WHERE age IS NOT NULL;
UPDATE people SET nick = 'same' WHERE name = 'ann';
UPDATE people SET nick = 'same' WHERE name = 'ann';
UPDATE people SET score = score * 2, nick = NULL WHERE id IN (2, 3);
UPDATE people SET name = 'nobody' WHERE id = 999;
DELETE FROM people WHERE name = 'dee';
DELETE FROM people WHERE id = 999;
-- error 1062
INSERT INTO people (id, name) VALUES (1, 'dup');
-- error 1048
INSERT INTO people (name) VALUES (NULL);
-- error 1364
INSERT INTO counters (n) VALUES (5);
-- error 1062
INSERT INTO counters (k, n) VALUES ('A', 9);
-- error 1062
INSERT INTO counters (k, n) VALUES ('new1', 1), ('new2', 2), ('c', 3);
-- error 1062
UPDATE counters SET k = 'a' WHERE k = 'c';
-- error 1048
UPDATE counters SET n = NULL WHERE k = 'a';
-- error 1062
INSERT INTO pairs VALUES (3, 3, 'ok'), (1, 1, 'dup');
INSERT INTO counters (k, n, total) VALUES ('a', 5, 1.00) ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total);
INSERT INTO counters (k, n) VALUES ('d', 4) ON DUPLICATE KEY UPDATE n = n + 1;
INSERT INTO counters (k, n, note) VALUES ('b', 7, 'upd') ON DUPLICATE KEY UPDATE note = VALUES(note);
INSERT INTO counters (k, n) VALUES ('c', 0) ON DUPLICATE KEY UPDATE n = 0;
INSERT INTO counters (k, n) VALUES ('e', 1), ('a', 1), ('e', 5) ON DUPLICATE KEY UPDATE n = counters.n + VALUES(n);
REPLACE INTO counters VALUES ('B', 20, 2.00, 'replaced');
REPLACE INTO counters (k, n) VALUES ('f', 6);
REPLACE INTO pairs VALUES (1, 2, 'TWO'), (4, 4, 'four');
UPDATE pairs SET v = CONCAT(v, '!') WHERE a = 1;
DELETE FROM pairs WHERE a = 2 AND b = 1;

-- query people_after_writes
SELECT id, name, nick, age FROM people WHERE age > 20;

-- writes
UPDATE counters SET n = n * 10, total = NULL WHERE n > 3;
DELETE FROM counters WHERE note IS NULL;
INSERT INTO counters (k) VALUES ('g');
INSERT INTO pairs VALUES (2, 1, 'back');
UPDATE pairs SET b = b + 10 WHERE a = 4;
DELETE FROM people WHERE age < 10 OR age IS NULL;
INSERT INTO people (name) VALUES ('ned');
UPDATE people SET joined = '2025-06-01' WHERE joined IS NULL;
