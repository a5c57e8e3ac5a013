# Binary strings (VARBINARY, BLOB) compare by their bytes wherever they meet: UNION keeps
# them binary (so UNION DISTINCT tells 'ann' from 'Ann'), and LIKE, LOCATE, INSTR and
# POSITION with a binary operand match case-sensitively.

-- setup
CREATE TABLE bin_a (id INT PRIMARY KEY, v VARBINARY(20), b BLOB);
CREATE TABLE bin_b (id INT PRIMARY KEY, v VARBINARY(20));
INSERT INTO bin_a VALUES (1, 'ann', 'Hello'), (2, 'Ann', 'HELLO'), (3, 'bob', NULL);
INSERT INTO bin_b VALUES (1, 'ann'), (2, 'ANN'), (3, 'cid');

-- query union_binary_distinct
SELECT v FROM bin_a UNION SELECT v FROM bin_b;

-- query union_binary_all
SELECT v FROM bin_a UNION ALL SELECT v FROM bin_b;

-- query union_binary_keyed
-- args: 1
-- args: 2
SELECT v FROM bin_a WHERE id = ? UNION SELECT v FROM bin_b WHERE id = 2;

-- query like_binary
SELECT id FROM bin_a WHERE v LIKE 'a%';

-- query like_blob
SELECT id FROM bin_a WHERE b LIKE '%ell%';

-- query locate_binary
SELECT id, LOCATE('l', b), INSTR(b, 'L'), POSITION('E' IN b) FROM bin_a;

-- writes
INSERT INTO bin_b VALUES (4, 'Ann');
UPDATE bin_a SET v = 'ANN' WHERE id = 3;
