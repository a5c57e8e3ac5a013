# information_schema as ORMs and migration tools read it: the tables of the current
# database, their columns with types, defaults, nullability and keys, their indexes and
# constraints, compared with MariaDB's after each change to the schema. Queries filter on
# DATABASE(), since each run has its own database.

-- setup
CREATE TABLE accounts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(120) NOT NULL,
  display_name VARCHAR(60) DEFAULT 'anonymous',
  age INT,
  tiny TINYINT(1) NOT NULL DEFAULT 0,
  small SMALLINT UNSIGNED DEFAULT 7,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  ratio DOUBLE,
  born DATE DEFAULT '2000-01-01',
  seen DATETIME(3) NULL,
  created DATETIME NOT NULL,
  code CHAR(4),
  notes TEXT,
  PRIMARY KEY (id),
  UNIQUE KEY email (email),
  UNIQUE KEY name_born (display_name, born),
  KEY by_age (age),
  KEY by_code (code, tiny),
  KEY notes_prefix (notes(20)),
  FULLTEXT KEY notes_text (notes)
);
CREATE TABLE memberships (
  account_id BIGINT UNSIGNED NOT NULL,
  team VARCHAR(30) NOT NULL,
  since DATE,
  PRIMARY KEY (account_id, team),
  CONSTRAINT member_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

-- query catalog_tables
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = DATABASE();

-- query catalog_table_exists
-- args: 'accounts'
-- args: 'nope'
SELECT COUNT(*) AS n FROM information_schema.tables
WHERE table_schema = DATABASE() AND table_name = ? AND table_type = 'BASE TABLE';

-- query catalog_columns ordered
SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
       character_maximum_length, character_octet_length, numeric_precision, numeric_scale,
       datetime_precision, column_type, column_key, extra
FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name IN ('accounts', 'memberships', 'events')
ORDER BY table_name, ordinal_position;

-- query catalog_columns_of_table ordered
-- args: 'memberships'
SELECT column_name, is_nullable = 'YES' AS nullable, data_type, column_type
FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?
ORDER BY ordinal_position;

-- query catalog_statistics ordered
SELECT table_name, index_name, non_unique, seq_in_index, column_name, nullable, sub_part,
       index_type, collation
FROM information_schema.statistics WHERE table_schema = DATABASE()
ORDER BY table_name, index_name, seq_in_index;

-- query catalog_constraints ordered
SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints
WHERE table_schema = DATABASE() ORDER BY table_name, constraint_name;

-- query catalog_key_columns ordered
SELECT table_name, constraint_name, column_name, ordinal_position, position_in_unique_constraint,
       referenced_table_schema = DATABASE() AS same_schema, referenced_table_name, referenced_column_name
FROM information_schema.key_column_usage WHERE table_schema = DATABASE()
ORDER BY table_name, constraint_name, ordinal_position;

-- query catalog_foreign_keys ordered
SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule,
       table_name, referenced_table_name
FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()
ORDER BY table_name, constraint_name;

-- query catalog_schema
SELECT COUNT(*) AS n, MAX(default_character_set_name) AS charset
FROM information_schema.schemata WHERE schema_name = DATABASE();

-- writes
# The catalog follows DDL.
CREATE TABLE events (id INT NOT NULL PRIMARY KEY, at DATETIME, kind VARCHAR(10) NOT NULL DEFAULT 'x');
CREATE TABLE invites (
  id INT NOT NULL PRIMARY KEY,
  account_id BIGINT UNSIGNED,
  team VARCHAR(30),
  code CHAR(4),
  FOREIGN KEY (account_id, team) REFERENCES memberships (account_id, team) ON UPDATE CASCADE,
  CONSTRAINT invite_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE SET NULL ON UPDATE NO ACTION,
  FOREIGN KEY by_code (code) REFERENCES accounts (code)
);
# A referenced table cannot go while the referencing one stays.
-- error 1451
DROP TABLE memberships;
CREATE UNIQUE INDEX born_code ON accounts (born, code);
DROP INDEX by_age ON accounts;
ALTER TABLE accounts ADD INDEX (ratio), DROP COLUMN seen;
-- error 1044
INSERT INTO information_schema.tables (table_name) VALUES ('nope');

-- writes
# Views are listed as MariaDB lists them.
CREATE VIEW adults AS SELECT id, email FROM accounts WHERE age >= 18;
CREATE VIEW counts (n) AS SELECT COUNT(*) FROM accounts;

-- query catalog_views ordered
SELECT table_name, check_option, security_type
FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY table_name;

-- query catalog_view_tables ordered
SELECT table_name, table_type FROM information_schema.tables
WHERE table_schema = DATABASE() ORDER BY table_name;

# A view's columns: MariaDB reports defaults and some types of a view's columns in ways of
# its own (a computed column's display width, a default of 0 for a column it cannot know),
# so names, positions and nullability are compared.
-- query catalog_view_columns ordered
SELECT table_name, column_name, ordinal_position, is_nullable, data_type
FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name IN ('adults', 'counts')
ORDER BY table_name, ordinal_position;

-- writes
# The other column types, as COLUMNS describes them.
CREATE TABLE kinds (
  id INT PRIMARY KEY,
  b BINARY(4), vb VARBINARY(10), bl BLOB, tm TIME(2), y YEAR, bits BIT(5),
  e ENUM('Small','big') NOT NULL DEFAULT 'big', st SET('a','B'), lt LONGTEXT, tt TINYTEXT
);

-- query catalog_kinds ordered
SELECT column_name, data_type, column_type, character_maximum_length, character_octet_length,
       numeric_precision, datetime_precision, character_set_name, column_default
FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'kinds'
ORDER BY ordinal_position;
