# String, hash and math functions: INSTR, LOCATE, POSITION, SUBSTRING_INDEX, FIND_IN_SET,
# FIELD, STRCMP, ASCII, LPAD, RPAD, REPEAT, SPACE, HEX, MD5, SHA1, SHA2, TO_BASE64, CRC32,
# OCTET_LENGTH, SQRT, EXP, LN, LOG, LOG2, LOG10, POW, trigonometry, DEGREES, RADIANS; over
# table columns (cached and keyed) with NULLs, empty strings and edge values, and constants.

-- setup
CREATE TABLE words (id INT PRIMARY KEY, grp INT NOT NULL, w VARCHAR(40), tags VARCHAR(40), n INT, x DOUBLE);
INSERT INTO words VALUES
  (1, 1, 'Hello World', 'red,green,blue', 255, 2.0),
  (2, 1, 'héllo', 'a,b', -1, 0.5),
  (3, 2, '', '', 0, 0),
  (4, 2, NULL, NULL, NULL, NULL),
  (5, 3, 'a.b.c.d', 'x', 10, 100),
  (6, 3, 'MiXeD CaSe', 'Case,mixed', 65, -4);

-- query search
-- args: 1
-- args: 2
-- args: 3
SELECT id, INSTR(w, 'l'), INSTR(w, 'WORLD'), LOCATE('o', w), LOCATE('o', w, 6), POSITION('e' IN w), FIND_IN_SET('GREEN', tags), FIND_IN_SET('b', tags), FIELD(w, 'x', 'hello world', 'a.b.c.d'), STRCMP(w, 'hello world'), ASCII(w) FROM words WHERE grp = ?;

-- query cut_and_pad
-- args: 1
-- args: 2
-- args: 3
SELECT id, SUBSTRING_INDEX(w, '.', 2), SUBSTRING_INDEX(w, '.', -2), SUBSTRING_INDEX(tags, ',', 1), LPAD(w, 8, '*'), RPAD(w, 3, '-'), LPAD(n, 5, '0'), REPEAT(w, 2), CONCAT('[', SPACE(n % 4), ']') FROM words WHERE grp = ?;

-- query hex_and_hashes
-- args: 1
-- args: 2
-- args: 3
SELECT id, HEX(w), HEX(n), MD5(w), SHA1(w), SHA2(w, 256), SHA2(w, 512), TO_BASE64(w), CRC32(w), OCTET_LENGTH(w) FROM words WHERE grp = ?;

-- query math
-- args: 1
-- args: 2
-- args: 3
SELECT id, SQRT(x), EXP(x), LN(x), LOG(x), LOG(2, x), LOG2(x), LOG10(x), POW(x, 2), POWER(2, n), SIN(x), COS(x), ATAN(x), ATAN(x, 2), DEGREES(x), RADIANS(x) FROM words WHERE grp = ?;

-- query keyed_on_a_function_filter
-- args: 1
-- args: 3
SELECT id FROM words WHERE grp = ? AND FIND_IN_SET('x', tags) = 0;

-- query grouped_by_a_function
SELECT SUBSTRING_INDEX(tags, ',', 1) AS first_tag, COUNT(*) FROM words GROUP BY SUBSTRING_INDEX(tags, ',', 1);

-- query constants
SELECT HEX('abc'), HEX(255), HEX(-1), HEX(10.6), LPAD('hi', 5, 'xy'), RPAD('hi', 1, 'x'), LOCATE('z', 'abc'), FIELD(2, 1, 2), STRCMP('a', 'B'), SHA2('x', 7), TO_BASE64(REPEAT('abc', 30)), SQRT(-1), LN(0), LOG(1, 8), LOG(2, 8), LOG10(1000);

-- writes
UPDATE words SET w = 'changed.value', n = n + 1, x = x * 2 WHERE id IN (1, 3);
INSERT INTO words VALUES (7, 2, 'New', 'green', 7, 9);
DELETE FROM words WHERE id = 6;
