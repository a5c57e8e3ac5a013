# Keys and indexes: UNIQUE keys (column-level, named, multi-column, CONSTRAINT … UNIQUE),
# plain and FULLTEXT keys, CREATE/DROP INDEX and ALTER TABLE … ADD/DROP INDEX, and the writes
# they constrain: duplicates on every kind of statement (error 1062), INSERT IGNORE, REPLACE
# and INSERT … ON DUPLICATE KEY UPDATE colliding on secondary unique keys (rows affected are
# compared for every write), NULLs (which never collide), case-insensitive equality, and a
# failed statement leaving nothing behind. Table options as a dump writes them load.
#
# REPLACE, upserts and failing inserts are kept off AUTO_INCREMENT tables: InnoDB consumes
# auto-increment values for them (Weir does not), which MySQL documents as an implementation
# detail.

-- setup
CREATE TABLE accounts (
  id INT NOT NULL,
  email VARCHAR(40) NOT NULL UNIQUE,
  org INT,
  handle VARCHAR(20),
  bio TEXT,
  visits INT NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY org_handle (org, handle),
  KEY (org),
  FULLTEXT KEY ft_bio (bio)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC COMMENT='user accounts';
CREATE TABLE tags (
  name VARCHAR(20),
  slug VARCHAR(20),
  weight INT,
  CONSTRAINT tag_slug UNIQUE (slug),
  UNIQUE INDEX (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE seq (
  id INT NOT NULL AUTO_INCREMENT,
  code VARCHAR(10) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY code (code)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
INSERT INTO accounts (id, email, org, handle) VALUES (1, 'ann@x.org', 1, 'ann'), (2, 'bob@x.org', 1, 'bob'), (3, 'cy@y.org', 2, 'ann');
INSERT INTO accounts (id, email, org, handle) VALUES (4, 'dee@y.org', NULL, 'dee'), (5, 'eve@y.org', NULL, 'dee'), (6, 'fay@z.org', 3, NULL), (7, 'gus@z.org', 3, NULL);
INSERT INTO tags VALUES ('Go', 'go', 1), ('Rust', 'rust', 2), (NULL, NULL, 3), (NULL, NULL, 4);
INSERT INTO seq (code) VALUES ('a'), ('b');

-- query account_by_email
-- args: 'ann@x.org'
-- args: 'ANN@X.ORG'
-- args: 'nobody@x.org'
SELECT id, org, handle, visits FROM accounts WHERE email = ?;

-- query accounts_by_org
-- args: 1
-- args: 3
SELECT id, email, handle FROM accounts WHERE org = ?;

-- query tag_by_slug
-- args: 'go'
-- args: 'RUST'
SELECT name, weight FROM tags WHERE slug = ?;

-- writes
# Duplicates on every kind of statement; each failing statement leaves nothing behind.
-- error 1062
INSERT INTO accounts (id, email) VALUES (8, 'ANN@x.org');
-- error 1062
INSERT INTO accounts (id, email, org, handle) VALUES (8, 'hal@x.org', 1, 'BOB');
-- error 1062
INSERT INTO accounts (id, email) VALUES (8, 'hal@x.org'), (9, 'ivy@x.org'), (10, 'hal@X.org');
-- error 1062
INSERT INTO accounts (id, email) VALUES (1, 'new@x.org');
-- error 1062
UPDATE accounts SET email = 'bob@x.org' WHERE id = 1;
-- error 1062
UPDATE accounts SET handle = 'ann' WHERE id = 2;
-- error 1062
UPDATE accounts SET org = 1 WHERE id IN (3, 6);
-- error 1062
INSERT INTO tags VALUES ('go', 'golang', 5);
-- error 1062
UPDATE tags SET slug = 'GO' WHERE name = 'Rust';
# NULLs never collide; updates that move keys into freed values succeed.
INSERT INTO accounts (id, email, org, handle) VALUES (8, 'hal@x.org', NULL, 'dee'), (9, 'ivy@x.org', 3, NULL);
INSERT INTO tags VALUES (NULL, NULL, 5);
UPDATE accounts SET handle = 'bo' WHERE id = 2;
UPDATE accounts SET handle = 'bob' WHERE id = 1;
UPDATE accounts SET email = 'ANN@X.ORG' WHERE id = 1;
UPDATE IGNORE accounts SET org = 1 WHERE id IN (3, 6, 9);
INSERT INTO seq (code) VALUES ('c');
# INSERT IGNORE skips the rows that collide on any key.
INSERT IGNORE INTO accounts (id, email, org, handle) VALUES (10, 'jo@x.org', 1, 'bo'), (11, 'kim@x.org', 1, 'kim'), (12, 'KIM@x.org', 4, 'k2'), (1, 'lee@x.org', 5, 'lee');
INSERT IGNORE INTO tags VALUES ('GO', 'g', 9), ('Zig', 'zig', 6);

-- writes
# Upserts: the first colliding row in key order (primary key, then unique keys as MySQL
# sorts them) is updated; the update itself may collide.
INSERT INTO accounts (id, email, org, handle) VALUES (20, 'ann@x.org', 9, 'x') ON DUPLICATE KEY UPDATE visits = visits + 1;
INSERT INTO accounts (id, email, org, handle) VALUES (21, 'new@x.org', 2, 'ANN') ON DUPLICATE KEY UPDATE visits = visits + 10;
INSERT INTO accounts (id, email, org, handle) VALUES (2, 'cy@y.org', 2, 'ann') ON DUPLICATE KEY UPDATE visits = 100;
INSERT INTO accounts (id, email, org, handle) VALUES (22, 'mo@x.org', 7, 'mo') ON DUPLICATE KEY UPDATE visits = 0;
INSERT INTO accounts (id, email) VALUES (4, 'zed@x.org') ON DUPLICATE KEY UPDATE visits = visits;
-- error 1062
INSERT INTO accounts (id, email) VALUES (23, 'mo@x.org') ON DUPLICATE KEY UPDATE email = 'bob@x.org';
INSERT INTO tags VALUES ('rust', 'r', 0) ON DUPLICATE KEY UPDATE weight = weight + VALUES(weight) + 10;
INSERT INTO tags VALUES ('Java', 'GO', 0) ON DUPLICATE KEY UPDATE weight = 50;
# REPLACE deletes every row that collides on any unique key, then inserts.
REPLACE INTO accounts (id, email, org, handle) VALUES (30, 'bob@x.org', 2, 'ann');
REPLACE INTO accounts (id, email, org, handle) VALUES (30, 'cy@y.org', 2, 'ann');
REPLACE INTO accounts (id, email, org, handle) VALUES (30, 'cy@y.org', 2, 'ann');
REPLACE INTO accounts (id, email, org, handle) VALUES (31, 'Hal@X.org', 3, NULL), (32, 'ivy@x.org', NULL, NULL);
REPLACE INTO tags VALUES ('Go', 'rust', 7);
REPLACE INTO tags VALUES ('Go', 'rust', 7);
REPLACE INTO tags VALUES (NULL, NULL, 8), ('Zig', NULL, 9);

-- writes
# Indexes added and dropped, then written through. DISABLE/ENABLE KEYS, as dumps write
# them, change nothing.
ALTER TABLE tags DISABLE KEYS;
-- error 1062
CREATE UNIQUE INDEX by_org ON accounts (org);
-- error 1062
ALTER TABLE accounts ADD UNIQUE KEY (visits);
-- error 1061
CREATE INDEX tag_slug ON tags (weight);
-- error 1091
DROP INDEX nope ON tags;
CREATE UNIQUE INDEX w ON tags (weight);
-- error 1062
INSERT INTO tags VALUES ('Ada', 'ada', 9);
INSERT INTO tags VALUES ('Ada', 'ada', 10);
DROP INDEX tag_slug ON tags;
INSERT INTO tags VALUES ('Ada2', 'ADA', 11);
ALTER TABLE accounts DROP INDEX org_handle, ADD INDEX (handle), ADD UNIQUE KEY (visits, id);
INSERT INTO accounts (id, email, org, handle) VALUES (40, 'pat@x.org', 3, 'mo');
-- error 1062
INSERT INTO accounts (id, email, org, handle) VALUES (40, 'pat2@x.org', 3, 'mo');
ALTER TABLE seq ADD INDEX (code), DROP INDEX code;
INSERT INTO seq (code) VALUES ('a');
ALTER TABLE seq ENABLE KEYS;
