# Computed text under PostgreSQL's C collation: a value an expression makes (||, upper(),
# concat(), CASE, coalesce(), substring(), a cast to text) compares, groups, joins, sorts and
# keys byte by byte, as the columns it came from do.
-- setup
CREATE TABLE words (id int PRIMARY KEY, w text NOT NULL, alt text, tag varchar(10), n int);
INSERT INTO words VALUES
  (1, 'apple', 'APPLE', 'a', 1), (2, 'Apple', 'apple', 'A', 2), (3, 'APPLE', NULL, 'b', 3),
  (4, 'banana', 'Banana', 'B', 4), (5, 'Banana', 'banana', NULL, 5), (6, 'cherry', 'x', 'c', 6),
  (7, 'apple ', 'apple', 'a ', 7), (8, 'zed', 'Zed', 'Z', 8);
CREATE TABLE labels (id int PRIMARY KEY, label text NOT NULL, note text);
INSERT INTO labels VALUES
  (1, 'APPLE', 'upper'), (2, 'apple', 'lower'), (3, 'Apple', 'title'), (4, 'banana!', 'bang'),
  (5, 'x', 'ex'), (6, 'X', 'big ex');

-- query group_concat_op
SELECT w || '!' AS k, count(*) AS c FROM words GROUP BY w || '!';

-- query group_upper_alt
SELECT upper(w) AS u, count(*) AS c FROM words GROUP BY upper(w);

-- query group_concat_fn
SELECT concat(tag, '-') AS k, count(*) AS c FROM words GROUP BY concat(tag, '-');

-- query group_case
SELECT CASE WHEN n % 2 = 0 THEN 'A' ELSE 'a' END AS k, count(*) AS c FROM words GROUP BY 1;

-- query distinct_concat
SELECT DISTINCT w || '' AS k FROM words;

-- query distinct_substring
SELECT DISTINCT substring(w, 1, 1) AS k FROM words;

-- query compare_coalesce_column
SELECT id FROM words WHERE coalesce(alt, 'apple') = w;

-- query compare_upper_column
SELECT id FROM words WHERE upper(w) = alt;

-- query compare_lower_literal
SELECT id FROM words WHERE lower(alt) = 'apple';

-- query compare_concat_lt
SELECT id FROM words WHERE w || '' < 'a';

-- query compare_case_column
SELECT id FROM words WHERE CASE WHEN n > 4 THEN upper(w) ELSE w END = alt;

-- query in_computed
SELECT id FROM words WHERE concat(w, '') IN ('Apple', 'BANANA');

-- query order_concat ordered
SELECT w || '' AS k, id FROM words ORDER BY 1, 2;

-- query order_coalesce ordered
SELECT id, coalesce(alt, 'A') AS a FROM words ORDER BY 2, 1;

-- query min_max_computed
SELECT min(w || ''), max(upper(tag)) FROM words;

-- query join_upper
SELECT words.id, labels.id FROM words JOIN labels ON upper(words.w) = labels.label;

-- query join_lower_other_side
SELECT words.id, labels.id FROM words JOIN labels ON words.w = lower(labels.label);

-- query join_coalesce
SELECT words.id, labels.note FROM words JOIN labels ON coalesce(words.alt, 'x') = labels.label;

-- query left_join_concat
SELECT labels.id, words.id AS wid FROM labels LEFT JOIN words ON labels.label = words.w || '!';

-- query subquery_in_computed
SELECT id FROM words WHERE w IN (SELECT lower(label) FROM labels);

-- query computed_eq_param_key
-- args: 'apple'
-- args: 'Apple'
SELECT id, upper(w) AS u FROM words WHERE w = $1 AND upper(w) = 'APPLE';

-- query concat_eq_literal
SELECT id FROM words WHERE w || '!' = 'Apple!';

-- query cast_text_group
SELECT n::text || w AS k, count(*) AS c FROM words GROUP BY 1;

-- query replace_trim_compare
SELECT id FROM words WHERE replace(trim(w), 'p', 'P') = 'aPPle';

-- query union_computed
SELECT upper(w) AS k FROM words UNION SELECT label FROM labels;

-- query string_agg_group
SELECT lower(w) AS k, string_agg(w, ',' ORDER BY w) AS ws FROM words GROUP BY lower(w);

-- query having_computed
SELECT tag, count(*) AS c FROM words GROUP BY tag HAVING max(w || '') > 'a';

-- writes
INSERT INTO words VALUES (9, 'APPLE', 'apple', 'A', 9), (10, 'Cherry', 'CHERRY', 'C', 10);
UPDATE words SET alt = 'APPLE' WHERE id = 5;
DELETE FROM words WHERE id = 2;
UPDATE labels SET label = 'Zed' WHERE id = 5;
