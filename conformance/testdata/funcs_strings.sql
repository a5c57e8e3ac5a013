# MySQL 8's string, base, address and bit functions: REGEXP / RLIKE (REGEXP_LIKE in MySQL 8,
# which MariaDB lacks), REGEXP_REPLACE, REGEXP_SUBSTR, REGEXP_INSTR, UNHEX, FROM_BASE64, CONV,
# BIN, OCT, FORMAT, CHAR, ELT, INSERT, QUOTE, SOUNDEX, BIT_LENGTH, BIT_COUNT, INET_ATON,
# INET_NTOA, INET6_ATON, INET6_NTOA and the operators & | ^ << >> ~, over table columns
# (cached, keyed by parameters), in WHERE and GROUP BY, and over constants. MariaDB's regular
# expression functions take fewer arguments than MySQL 8's and its REGEXP_SUBSTR gives ''
# where MySQL's gives NULL; those cases are in expr's tables.

-- setup
CREATE TABLE users (
  id INT PRIMARY KEY,
  team VARCHAR(10) NOT NULL,
  name VARCHAR(40),
  email VARCHAR(60),
  hexed VARCHAR(20),
  b64 VARCHAR(20),
  ip VARCHAR(40),
  flags INT,
  amount DECIMAL(12,3),
  ratio DOUBLE
);
INSERT INTO users VALUES
  (1, 'a', 'Robert Smith', 'rob@Example.com', '4D7953514C', 'YWJj', '192.168.0.1', 5, 1234567.891, 2.5),
  (2, 'a', 'Ashcraft', 'ASH@mail.example.org', 'abc', 'YW Jj', '::ffff:10.0.0.1', 255, -1234.5, 0.125),
  (3, 'b', 'Tymczak', 'not an email', 'zz', 'YWJ', '2001:db8::1:0:0:1', -1, 0.5, -3.75),
  (4, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 'c', 'Émile Zola', 'zola@example.com', '', '', '10.1', 0, 0, 0),
  (6, 'c', 'o''Brien', 'ob@x.io', '00FF', 'w7k=', 'bad', 1024, 999.9995, 1e10);

-- query regexps
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, email REGEXP '@example\\.(com|org)$', name RLIKE '^[a-m]', REGEXP_SUBSTR(email, '[a-z]+'), REGEXP_INSTR(email, '@'), REGEXP_REPLACE(name, '[aeiou]', '*') FROM users WHERE team = ?;

-- query codecs
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, HEX(UNHEX(hexed)), HEX(FROM_BASE64(b64)), CONV(hexed, 16, 10), CONV(flags, 10, 2), CONV(flags, -10, -16), BIN(flags), OCT(flags), BIT_COUNT(flags), BIT_LENGTH(name) FROM users WHERE team = ?;

-- query formatting
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, FORMAT(amount, 2), FORMAT(amount, 0), FORMAT(ratio, 1), FORMAT(flags, 3), ELT(flags MOD 3 + 1, 'zero', 'one', 'two'), INSERT(name, 2, 3, '~'), QUOTE(name), SOUNDEX(name) FROM users WHERE team = ?;

-- query addresses
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, INET_ATON(ip), INET_NTOA(INET_ATON(ip)), HEX(INET6_ATON(ip)), INET6_NTOA(INET6_ATON(ip)), INET_NTOA(flags) FROM users WHERE team = ?;

-- query bits
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, flags & 4, flags | 1, flags ^ 255, flags << 2, flags >> 1, ~flags, (flags & 1) = 1, ratio & 7 FROM users WHERE team = ?;

-- query filtered_by_regexp
SELECT id, name FROM users WHERE email REGEXP 'example' AND NOT (name REGEXP 'zola');

-- query filtered_by_bits
SELECT id FROM users WHERE flags & 4 <> 0 OR flags >> 8 = 4;

-- query grouped_by_soundex
SELECT SOUNDEX(name) AS s, COUNT(*) FROM users GROUP BY SOUNDEX(name);

-- query grouped_by_domain
SELECT REGEXP_SUBSTR(email, '[^@]+$') AS domain, COUNT(*) FROM users WHERE email REGEXP '@' GROUP BY REGEXP_SUBSTR(email, '[^@]+$');

-- query constants
SELECT 'ABC' REGEXP 'b', CHAR(77, 121, 83, 81, 76), HEX(CHAR(256, 65536)), CONV('ff', 16, 10), FORMAT(1234567.891, 2), INSERT('Quadratic', 3, 4, 'What'), QUOTE('Don''t'), SOUNDEX('Quadratically'), INET_ATON('127.1'), 5 & 3, 5 | 3, 5 ^ 3, 1 << 63, ~0, BIT_COUNT(-1);

-- query backreference unsupported
SELECT id FROM users WHERE name REGEXP '(a)\\1';

-- query lookahead unsupported
SELECT id FROM users WHERE name REGEXP 'a(?=b)';

-- writes
UPDATE users SET email = 'robert@example.org', flags = 7 WHERE id = 1;
INSERT INTO users VALUES (7, 'a', 'Pfister', 'p@example.com', '41', 'QQ==', '127.0.0.1', 12, 42.0005, 1.5);
DELETE FROM users WHERE id = 3;
