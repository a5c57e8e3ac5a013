# Column types beyond numbers, text and dates: binary strings (BINARY, VARBINARY and the BLOB
# sizes) with the TEXT sizes; their values and edge cases, strict-mode errors, comparisons,
# ORDER BY, GROUP BY and lookups by key on each type.

-- setup
CREATE TABLE bins (
  id INT NOT NULL PRIMARY KEY,
  vb VARBINARY(4),
  bn BINARY(4),
  bl BLOB,
  tb TINYBLOB,
  tt TINYTEXT,
  mt MEDIUMTEXT,
  lt LONGTEXT
);
INSERT INTO bins VALUES
  (1, 'abc ', 'ab', 'x', 'y', 'Tiny', 'medium', 'long'),
  (2, 'abc', 'AB', 'X', NULL, 'tiny ', 'MEDIUM', NULL),
  (3, 'ABC', 'ab ', '', '', '', '', ''),
  (4, _binary'a', X'00FF', X'DEADBEEF', 'b', 'é', 'ü', 'z'),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (6, 'b', 'abcd', 'bb', 'b', 'x', 'y', 'z');

-- query bins_all
SELECT id, vb, bn, bl, tb, tt, mt, lt FROM bins;

-- query bins_lengths
SELECT id, LENGTH(vb), LENGTH(bn), LENGTH(bl), LENGTH(tt), CHAR_LENGTH(tt) FROM bins;

-- query bins_by_vb
-- args: 'abc'
-- args: 'abc '
-- args: 'ABC'
-- args: 'zzz'
SELECT id FROM bins WHERE vb = ?;

-- query bins_by_bn
-- args: 'ab'
-- args: 'abcd'
SELECT id, bn FROM bins WHERE bn = ?;

-- query bins_vb_literal
SELECT id FROM bins WHERE vb = 'abc';

-- query bins_bn_padded
SELECT id FROM bins WHERE bn = X'61620000';

-- query bins_by_blob
-- args: 'x'
-- args: 'X'
SELECT id FROM bins WHERE bl = ?;

-- query bins_by_tinytext
-- args: 'TINY'
SELECT id FROM bins WHERE tt = ?;

-- query bins_order_vb ordered
SELECT id, vb FROM bins ORDER BY vb, id;

-- query bins_order_bl_desc ordered
SELECT id FROM bins ORDER BY bl DESC, id;

-- query bins_group_vb
SELECT vb, COUNT(*) FROM bins GROUP BY vb;

-- query bins_group_bl
SELECT bl, COUNT(*) FROM bins GROUP BY bl;

-- query bins_group_text_ci
SELECT tt, COUNT(*) FROM bins GROUP BY tt;

-- query bins_compare
SELECT id, vb < 'b', vb > 'ABC', bl = 'x', tt = 'TINY' FROM bins WHERE id < 5;

-- query bins_hex_numeric
SELECT id, 0x41 + 0, 0x10 + id, 0x41 = 'A', 0x41 = 'a', b'101' = 5 FROM bins WHERE id = 1;

-- writes
-- error 1406
INSERT INTO bins (id, vb) VALUES (10, 'abcde');
-- error 1406
INSERT INTO bins (id, vb) VALUES (10, 'abc  ');
-- error 1406
INSERT INTO bins (id, bn) VALUES (10, 'abcd ');
-- error 1406
INSERT INTO bins (id, vb) VALUES (10, X'0102030405');
-- error 1366
INSERT INTO bins (id, tt) VALUES (10, X'FF');
INSERT INTO bins (id, tt, tb) VALUES (11, 'ü ', 'é');
INSERT INTO bins (id, vb, bn) VALUES (12, 0x41, 0x42);
UPDATE bins SET bn = 'z' WHERE id = 6;
UPDATE bins SET vb = 'ABC' WHERE vb = 'abc';
DELETE FROM bins WHERE bl = X'DEADBEEF';
