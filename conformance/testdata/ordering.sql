# ORDER BY (ASC, DESC, NULLs first in ascending order), LIMIT and OFFSET over total orders,
# per-parameter top-k, and IN (?, ?) lookups whose results Weir merges, re-sorts and re-limits.
# The writes then push rows in and out of every top-k window.

-- setup
CREATE TABLE stories (
  id INT NOT NULL PRIMARY KEY,
  author VARCHAR(20) NOT NULL,
  title VARCHAR(60),
  votes INT,
  rating DOUBLE,
  price DECIMAL(8,2),
  created DATETIME
);
INSERT INTO stories VALUES
  (1, 'ann', 'Alpha', 10, 4.5, 1.00, '2024-01-01 10:00:00'),
  (2, 'ann', 'beta', 3, NULL, 2.50, '2024-01-02 10:00:00'),
  (3, 'bob', 'Gamma', 10, 3.9, NULL, '2024-01-02 09:00:00'),
  (4, 'ann', 'delta', NULL, 2.0, 0.50, NULL),
  (5, 'cy', 'Epsilon', 7, 4.5, 1.00, '2024-01-03 11:00:00'),
  (6, 'bob', 'zeta', -1, 1.0, 9.99, '2023-12-31 23:59:59'),
  (7, 'ann', 'Eta', 25, 5.0, 3.00, '2024-01-04 08:00:00'),
  (8, 'ANN', 'theta', 8, 3.3, 1.00, '2024-01-05 07:00:00'),
  (9, 'dee', 'Iota', NULL, NULL, NULL, '2024-01-06 06:00:00'),
  (10, 'bob', 'kappa', 10, 4.5, 2.50, '2024-01-06 06:00:00'),
  (11, 'ann', 'Lambda', 0, 0.5, 0.00, '2024-01-07 05:00:00'),
  (12, 'cy', 'mu', 7, NULL, 4.25, '2024-01-08 04:00:00');

-- query order_by_id ordered
SELECT id, title FROM stories ORDER BY id;

-- query order_by_id_desc ordered
SELECT id FROM stories ORDER BY id DESC;

-- query order_by_nullable_asc ordered
SELECT id, votes FROM stories ORDER BY votes, id;

-- query order_by_nullable_desc ordered
SELECT id, votes FROM stories ORDER BY votes DESC, id;

-- query order_by_mixed_directions ordered
SELECT id, votes, rating FROM stories ORDER BY votes DESC, rating ASC, id DESC;

-- query order_by_double_nulls ordered
SELECT id, rating FROM stories ORDER BY rating DESC, id;

-- query order_by_decimal ordered
SELECT id, price FROM stories ORDER BY price, id;

-- query order_by_datetime ordered
SELECT id, created FROM stories ORDER BY created DESC, id;

-- query order_by_string_ci ordered
SELECT id, title FROM stories ORDER BY title;

-- query order_by_string_ties_ci ordered
SELECT id, author FROM stories ORDER BY author, id DESC;

-- query order_by_expression ordered
SELECT id, votes FROM stories ORDER BY votes * -1, id;

-- query order_by_alias ordered
SELECT id, COALESCE(votes, 0) + 1 AS v FROM stories ORDER BY v DESC, id;

-- query order_by_unselected_column ordered
SELECT title FROM stories ORDER BY id DESC;

-- query order_by_with_filter ordered
SELECT id, votes FROM stories WHERE votes > 5 ORDER BY votes DESC, id;

-- query limit_only ordered
SELECT id, votes FROM stories ORDER BY votes DESC, id LIMIT 3;

-- query limit_offset ordered
SELECT id, votes FROM stories ORDER BY votes DESC, id LIMIT 3 OFFSET 2;

-- query limit_comma_offset ordered
SELECT id FROM stories ORDER BY id LIMIT 4, 3;

-- query limit_past_end ordered
SELECT id FROM stories ORDER BY id LIMIT 5 OFFSET 100;

-- query limit_zero
SELECT id FROM stories ORDER BY id LIMIT 0;

-- query limit_nulls_first ordered
SELECT id, rating FROM stories ORDER BY rating, id LIMIT 4;

-- query topk_per_author ordered
-- args: 'ann'
-- args: 'bob'
-- args: 'dee'
-- args: 'nobody'
SELECT id, title FROM stories WHERE author = ? ORDER BY id DESC LIMIT 3;

-- query topk_per_author_votes ordered
-- args: 'ann'
-- args: 'cy'
SELECT id, votes FROM stories WHERE author = ? ORDER BY votes DESC, id DESC LIMIT 2;

-- query topk_per_author_offset ordered
-- args: 'ann'
-- args: 'bob'
SELECT id, votes FROM stories WHERE author = ? ORDER BY votes DESC, id LIMIT 2 OFFSET 1;

-- query topk_per_author_ci_key ordered
-- args: 'Ann'
SELECT id FROM stories WHERE author = ? ORDER BY id LIMIT 10;

-- query topk_unselected_order_column ordered
-- args: 'ann'
SELECT title FROM stories WHERE author = ? ORDER BY created DESC, id LIMIT 3;

-- query order_per_author_no_limit ordered
-- args: 'bob'
SELECT id, rating FROM stories WHERE author = ? ORDER BY rating, id;

-- query in_params_merge ordered
-- args: 'ann', 'bob'
-- args: 'cy', 'dee'
-- args: 'bob', 'bob'
-- args: 'nobody', 'cy'
SELECT id, author, votes FROM stories WHERE author IN (?, ?) ORDER BY votes DESC, id LIMIT 4;

-- query in_params_merge_offset ordered
-- args: 'ann', 'cy'
SELECT id FROM stories WHERE author IN (?, ?) ORDER BY id DESC LIMIT 3 OFFSET 2;

-- query in_params_unordered
-- args: 'ann', 'bob', 'cy'
-- args: 'dee', 'dee', 'zed'
SELECT id, title FROM stories WHERE author IN (?, ?, ?);

-- query in_params_ids ordered
-- args: 1, 5
-- args: 3, 300
SELECT id, title FROM stories WHERE id IN (?, ?) ORDER BY id;

-- query in_params_distinct
-- args: 'ann', 'bob'
SELECT DISTINCT votes FROM stories WHERE author IN (?, ?);

-- query in_params_compound_key ordered
-- args: 'ann', 10, 3
-- args: 'bob', 10, -1
SELECT id FROM stories WHERE author = ? AND votes IN (?, ?) ORDER BY id;

-- query in_params_with_limit_no_order_key ordered
-- args: 'ann', 'bob'
SELECT id, votes FROM stories WHERE author IN (?, ?) ORDER BY id LIMIT 2;

-- query order_by_position ordered unsupported
SELECT id, votes FROM stories ORDER BY 2 DESC, 1;

-- query order_global_topk_ties ordered
SELECT id, rating FROM stories WHERE rating IS NOT NULL ORDER BY rating DESC, id LIMIT 5;

-- query page_by_param_limit ordered
-- args: 2
-- args: 0
-- args: 50
SELECT id, title FROM stories ORDER BY votes DESC, id LIMIT ?;

-- query page_by_param_limit_offset ordered
-- args: 3, 0
-- args: 3, 3
-- args: 3, 11
-- args: 5, 100
SELECT id FROM stories ORDER BY created DESC, id LIMIT ? OFFSET ?;

-- query page_per_author ordered
-- args: 'ann', 2, 1
-- args: 'BOB', 1, 0
-- args: 'zed', 3, 0
SELECT id, votes FROM stories WHERE author = ? ORDER BY votes, id LIMIT ? OFFSET ?;

-- query page_literal_offset ordered
-- args: 2
SELECT id FROM stories ORDER BY id LIMIT 4, ?;

-- writes
INSERT INTO stories VALUES
  (13, 'ann', 'Nu', 30, 4.9, 9.00, '2024-02-01 00:00:00'),
  (14, 'bob', 'xi', NULL, NULL, NULL, NULL),
  (15, 'dee', 'Omicron', 11, 4.5, 1.00, '2024-02-02 00:00:00');
UPDATE stories SET votes = 100 WHERE id = 2;
UPDATE stories SET votes = NULL WHERE id = 7;
DELETE FROM stories WHERE id = 1;
DELETE FROM stories WHERE id = 10;
UPDATE stories SET author = 'cy' WHERE id = 8;

-- writes
DELETE FROM stories WHERE author = 'ann';
UPDATE stories SET rating = 5.5 WHERE rating IS NULL;
INSERT INTO stories VALUES (1, 'ann', 'Alpha two', 1, 1.0, 1.00, '2024-03-01 00:00:00');
