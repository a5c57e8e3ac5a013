# SELECT without FROM (and FROM DUAL): constant expressions, parameters, UNION of constant
# rows, a derived table without FROM, aggregates and WHERE over the one row. Such a query
# is evaluated when it runs, never cached; one that also reads tables is refused.

-- setup
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 10), (2, 20);

-- query arithmetic
SELECT 1 + 2, 10 / 4, 7 DIV 2, -7 % 3, 2.5 * 2, 1e1 + 1;

-- query strings_and_nulls
SELECT CONCAT('a', 'b'), 'x' = 'X', UPPER('weir'), LENGTH('héllo'), NULL, NULL = NULL, COALESCE(NULL, 'z');

-- query from_dual
SELECT 42 AS answer FROM DUAL;

-- query parameters
-- args: 41
-- args: -1
SELECT ? + 1 AS next;

-- query parameter_in_function
-- args: 'b'
-- args: NULL
SELECT CONCAT('a', ?) AS s;

-- query union_of_rows
SELECT 1 AS n UNION SELECT 2 UNION SELECT 1;

-- query union_all_ordered ordered
SELECT 3 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 ORDER BY n;

-- query derived_without_from
SELECT a + 1 FROM (SELECT 1 AS a) d;

-- query where_false
SELECT 1 WHERE 1 = 0;

-- query where_true
SELECT 'yes' WHERE 2 > 1;

-- query aggregate
SELECT COUNT(*), SUM(5), MAX('m');

-- query dates
SELECT YEAR('2023-05-06'), MONTH(DATE '2024-02-28'), DATE '2024-02-28';

-- query case_and_if
SELECT CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END, IF(NULL, 1, 2), IFNULL(NULL, 3);

-- query mixed_with_a_table unsupported
SELECT v FROM t WHERE id IN (SELECT 1);

-- writes
INSERT INTO t VALUES (3, 30);
