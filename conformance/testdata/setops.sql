# UNION ALL, UNION (distinct), derived tables and IN (SELECT ...) semi-joins, with parameters
# inside and outside the subqueries.

-- setup
CREATE TABLE accounts (
  id INT NOT NULL PRIMARY KEY,
  owner VARCHAR(20) NOT NULL,
  kind VARCHAR(10),
  balance DECIMAL(12,2),
  active TINYINT NOT NULL DEFAULT 1
);
CREATE TABLE transfers (
  id INT NOT NULL PRIMARY KEY,
  src INT,
  dst INT,
  amount DECIMAL(12,2) NOT NULL,
  memo VARCHAR(30)
);
CREATE TABLE blocked (
  account_id INT NOT NULL PRIMARY KEY,
  reason VARCHAR(30)
);
INSERT INTO accounts VALUES
  (1, 'ann', 'checking', 100.00, 1),
  (2, 'ann', 'savings', 2500.50, 1),
  (3, 'bob', 'checking', -20.00, 1),
  (4, 'cy', 'savings', NULL, 0),
  (5, 'dee', NULL, 0.00, 1),
  (6, 'bob', 'savings', 10.10, 0);
INSERT INTO transfers VALUES
  (1, 1, 2, 50.00, 'rent'),
  (2, 2, 3, 10.00, NULL),
  (3, 3, 1, 5.25, 'Lunch'),
  (4, 1, 3, 50.00, 'lunch'),
  (5, NULL, 5, 1.00, 'deposit'),
  (6, 4, NULL, 7.00, 'withdrawal'),
  (7, 2, 1, 50.00, 'rent'),
  (8, 6, 6, 0.10, 'self');
INSERT INTO blocked VALUES (3, 'overdrawn'), (4, 'closed'), (9, 'unknown account');

-- query union_all_basic
SELECT id, owner FROM accounts WHERE kind = 'checking' UNION ALL SELECT id, owner FROM accounts WHERE balance > 50;

-- query union_distinct_basic
SELECT owner FROM accounts WHERE kind = 'checking' UNION SELECT owner FROM accounts WHERE kind = 'savings';

-- query union_all_duplicates
SELECT src AS account FROM transfers UNION ALL SELECT dst FROM transfers;

-- query union_distinct_nulls
SELECT src AS account FROM transfers UNION SELECT dst FROM transfers;

-- query union_all_param
-- args: 1, 1
-- args: 3, 5
-- args: 99, 99
SELECT id, amount FROM transfers WHERE src = ? UNION ALL SELECT id, amount FROM transfers WHERE dst = ?;

-- query union_all_three_branches
SELECT id, 'debit' AS side FROM transfers WHERE src = 1 UNION ALL SELECT id, 'credit' FROM transfers WHERE dst = 1 UNION ALL SELECT id, 'self' FROM transfers WHERE src = dst;

-- query union_mixed_types
SELECT id, balance AS v FROM accounts WHERE id <= 2 UNION ALL SELECT id, amount FROM transfers WHERE id <= 2;

-- query union_distinct_decimals
SELECT amount FROM transfers UNION SELECT balance FROM accounts;

-- query union_with_expressions
SELECT CONCAT('a', id) AS k, balance * 2 AS v FROM accounts UNION ALL SELECT CONCAT('t', id), -amount FROM transfers;

-- query union_order_limit ordered
SELECT id, amount FROM transfers WHERE src = 1 UNION ALL SELECT id, amount FROM transfers WHERE dst = 3 ORDER BY id DESC LIMIT 3;

-- query union_across_tables
SELECT account_id AS id FROM blocked UNION SELECT id FROM accounts WHERE active = 0;

-- query derived_table_basic
SELECT d.owner, d.total FROM (SELECT owner, SUM(balance) AS total FROM accounts GROUP BY owner) AS d;

-- query derived_table_filter_outside
SELECT d.owner FROM (SELECT owner, COUNT(*) AS n FROM accounts GROUP BY owner) AS d WHERE d.n > 1;

-- query derived_table_param_outside
-- args: 'ann'
-- args: 'bob'
-- args: 'zed'
SELECT d.owner, d.n, d.total FROM (SELECT owner, COUNT(*) AS n, SUM(balance) AS total FROM accounts GROUP BY owner) AS d WHERE d.owner = ?;

-- query derived_table_param_inside
-- args: 'ann'
-- args: 'bob'
SELECT t.kind, t.balance FROM (SELECT kind, balance FROM accounts WHERE owner = ?) AS t;

-- query derived_table_join
SELECT a.owner, s.sent FROM accounts a JOIN (SELECT src, SUM(amount) AS sent FROM transfers GROUP BY src) AS s ON s.src = a.id;

-- query derived_table_aggregate_of_aggregate
SELECT MAX(n) AS most, MIN(n) AS least FROM (SELECT owner, COUNT(*) AS n FROM accounts GROUP BY owner) AS per_owner;

-- query derived_table_expression_columns
SELECT x.id, x.doubled + 1 AS v FROM (SELECT id, balance * 2 AS doubled FROM accounts) AS x WHERE x.doubled IS NOT NULL;

-- query derived_table_distinct
SELECT COUNT(*) AS owners FROM (SELECT DISTINCT owner FROM accounts) AS o;

-- query derived_table_union
SELECT u.account, COUNT(*) AS n FROM (SELECT src AS account FROM transfers UNION ALL SELECT dst FROM transfers) AS u GROUP BY u.account;

-- query in_subquery_basic
SELECT id, owner FROM accounts WHERE id IN (SELECT account_id FROM blocked);

-- query in_subquery_filtered
SELECT id, amount FROM transfers WHERE src IN (SELECT id FROM accounts WHERE owner = 'ann');

-- query in_subquery_param_outer
-- args: 'ann'
-- args: 'bob'
-- args: 'dee'
SELECT id FROM transfers WHERE dst IN (SELECT id FROM accounts WHERE kind = 'checking') AND memo = ?;

-- query in_subquery_param_inner
-- args: 'ann'
-- args: 'cy'
SELECT id, amount FROM transfers WHERE src IN (SELECT id FROM accounts WHERE owner = ?);

-- query in_subquery_duplicates_inner
SELECT id, owner FROM accounts WHERE id IN (SELECT src FROM transfers);

-- query in_subquery_nulls_inner
SELECT id FROM accounts WHERE id IN (SELECT dst FROM transfers WHERE memo IS NOT NULL);

-- query in_subquery_string_ci
SELECT id FROM transfers WHERE memo IN (SELECT memo FROM transfers WHERE id = 3);

-- query in_subquery_with_join
SELECT a.owner, t.amount FROM accounts a JOIN transfers t ON t.src = a.id WHERE t.dst IN (SELECT account_id FROM blocked);

# Parameters and key literals inside derived tables, IN subqueries and UNION branches: each
# nested key is carried up to the reader as a hidden column, and every UNION branch is looked
# up by its own tag and key.
-- query derived_table_param_group
-- args: 'ann'
-- args: 'bob'
-- args: 'zed'
-- args: NULL
SELECT d.kind, d.n, d.total FROM (SELECT kind, COUNT(*) AS n, SUM(balance) AS total FROM accounts WHERE owner = ? GROUP BY kind) AS d;

-- query derived_table_param_group_having
-- args: 'ann'
-- args: 'bob'
SELECT d.kind, d.total FROM (SELECT kind, SUM(balance) AS total FROM accounts WHERE owner = ? GROUP BY kind HAVING SUM(balance) > 0) AS d WHERE d.total < 1000;

-- query derived_table_param_distinct
-- args: 'ann'
-- args: 'bob'
-- args: 'cy'
SELECT d.kind FROM (SELECT DISTINCT kind FROM accounts WHERE owner = ?) AS d;

-- query derived_table_param_topk
-- args: 1
-- args: 2
-- args: 6
-- args: 99
SELECT d.id, d.amount FROM (SELECT id, amount FROM transfers WHERE src = ? ORDER BY amount DESC, id LIMIT 2) AS d;

-- query derived_table_param_outer_aggregate
-- args: 1
-- args: 99
-- args: NULL
SELECT COUNT(*) AS n, SUM(d.amount) AS total, MAX(d.id) AS last FROM (SELECT id, amount FROM transfers WHERE src = ?) AS d;

-- query derived_table_param_outer_group ordered
-- args: 'rent'
-- args: 'LUNCH'
SELECT a.owner, COUNT(*) AS n FROM (SELECT src FROM transfers WHERE memo = ?) AS d JOIN accounts a ON a.id = d.src GROUP BY a.owner ORDER BY a.owner;

-- query derived_table_param_inside_and_outside
-- args: 'ann', 'savings'
-- args: 'bob', 'checking'
-- args: 'bob', 'nothing'
SELECT t.id, t.balance FROM (SELECT id, kind, balance FROM accounts WHERE owner = ?) AS t WHERE t.kind = ?;

-- query derived_table_param_in_list
-- args: 'ann', 'bob'
-- args: 'cy', 'cy'
SELECT t.id FROM (SELECT id FROM accounts WHERE owner IN (?, ?)) AS t;

-- query derived_table_nested_param ordered
-- args: 'checking'
-- args: 'savings'
SELECT x.owner FROM (SELECT t.owner FROM (SELECT owner, kind FROM accounts WHERE kind = ?) AS t WHERE t.owner <> 'dee') AS x ORDER BY x.owner;

-- query derived_table_literal_ann
SELECT t.kind, t.balance FROM (SELECT kind, balance FROM accounts WHERE owner = 'ann') AS t;

-- query derived_table_literal_bob
SELECT t.kind, t.balance FROM (SELECT kind, balance FROM accounts WHERE owner = 'bob') AS t;

-- query derived_table_scalar_aggregate_param unsupported
-- args: 1
SELECT d.n FROM (SELECT COUNT(*) AS n FROM transfers WHERE src = ?) AS d;

-- query derived_table_scalar_aggregate_literal
SELECT d.n FROM (SELECT COUNT(*) AS n FROM transfers WHERE src = 1) AS d;

-- query derived_table_param_left_join_optional unsupported
-- args: 'rent'
SELECT a.id, d.amount FROM accounts a LEFT JOIN (SELECT src, amount FROM transfers WHERE memo = ?) AS d ON d.src = a.id;

-- query derived_table_literal_left_join_optional
SELECT a.id, d.amount FROM accounts a LEFT JOIN (SELECT src, amount FROM transfers WHERE memo = 'rent') AS d ON d.src = a.id;

-- query in_subquery_param_order_limit ordered
-- args: 'ann'
-- args: 'bob'
-- args: 'zed'
SELECT id, amount FROM transfers WHERE dst IN (SELECT id FROM accounts WHERE owner = ?) ORDER BY amount DESC, id LIMIT 2;

-- query in_subquery_param_inner_and_outer
-- args: 'ann', 3
-- args: 'ann', 2
-- args: 'bob', 1
SELECT id FROM transfers WHERE src IN (SELECT id FROM accounts WHERE owner = ?) AND dst = ?;

-- query in_subquery_param_aggregate
-- args: 'ann'
-- args: 'zed'
SELECT COUNT(*) AS n, SUM(amount) AS total FROM transfers WHERE src IN (SELECT id FROM accounts WHERE owner = ?);

-- query in_subquery_param_distinct_inner
-- args: 'rent'
-- args: 'lunch'
SELECT id, owner FROM accounts WHERE id IN (SELECT src FROM transfers WHERE memo = ?);

-- query in_subquery_literal_bob
SELECT id, amount FROM transfers WHERE src IN (SELECT id FROM accounts WHERE owner = 'bob');

-- query union_all_param_order_limit ordered
-- args: 1, 1
-- args: 3, 3
-- args: 6, 6
SELECT id, amount FROM transfers WHERE src = ? UNION ALL SELECT id, amount FROM transfers WHERE dst = ? ORDER BY amount DESC, id LIMIT 3;

-- query union_distinct_param_order_limit ordered
-- args: 1, 1
-- args: 2, 3
-- args: 99, 99
SELECT dst AS account FROM transfers WHERE src = ? UNION SELECT src FROM transfers WHERE dst = ? ORDER BY account DESC LIMIT 2;

-- query union_distinct_param_offset ordered
-- args: 1, 1
-- args: 3, 2
SELECT amount FROM transfers WHERE src = ? UNION SELECT amount FROM transfers WHERE dst = ? ORDER BY amount LIMIT 1, 2;

-- query union_distinct_params
-- args: 1, 'ann'
-- args: 6, 'bob'
SELECT dst AS account FROM transfers WHERE src = ? UNION SELECT id FROM accounts WHERE owner = ?;

-- query union_param_keyless_branch
-- args: 1
-- args: 4
SELECT id FROM transfers WHERE src = ? UNION ALL SELECT account_id FROM blocked;

-- query union_param_in_list_branch
-- args: 1, 2, 3
-- args: 1, 1, 1
SELECT id, amount FROM transfers WHERE src IN (?, ?) UNION ALL SELECT id, amount FROM transfers WHERE dst = ?;

-- query union_param_counts
-- args: 1, 1
-- args: 99, 5
-- args: NULL, 3
SELECT COUNT(*) AS n FROM transfers WHERE src = ? UNION ALL SELECT COUNT(*) FROM transfers WHERE dst = ?;

-- query union_param_in_derived_table
-- args: 1, 1
-- args: 2, 6
SELECT u.id, u.amount FROM (SELECT id, amount FROM transfers WHERE src = ? UNION ALL SELECT id, amount FROM transfers WHERE dst = ?) AS u WHERE u.amount > 1;

-- query union_literal_2
SELECT id FROM transfers WHERE src = 2 UNION SELECT id FROM transfers WHERE dst = 2;

-- query union_literal_3
SELECT id FROM transfers WHERE src = 3 UNION SELECT id FROM transfers WHERE dst = 3;

-- query union_param_distinct_then_all unsupported
-- args: 1, 1
SELECT id FROM transfers WHERE src = ? UNION SELECT id FROM transfers WHERE dst = ? UNION ALL SELECT account_id FROM blocked;

-- query not_in_subquery
SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM blocked);

-- query exists_subquery
SELECT id FROM accounts a WHERE EXISTS (SELECT 1 FROM blocked b WHERE b.account_id = a.id);

-- query scalar_subquery unsupported
SELECT id, (SELECT COUNT(*) FROM transfers t WHERE t.src = a.id) AS n FROM accounts a;

-- writes
INSERT INTO accounts VALUES (7, 'eve', 'checking', 5.00, 1);
INSERT INTO transfers VALUES (9, 7, 1, 2.00, 'Rent'), (10, 1, 7, 3.00, NULL);
DELETE FROM blocked WHERE account_id = 3;
INSERT INTO blocked VALUES (1, 'audit');
UPDATE accounts SET owner = 'ann' WHERE id = 3;
UPDATE transfers SET src = NULL WHERE id = 1;
UPDATE accounts SET balance = balance + 1 WHERE balance IS NOT NULL;

-- writes
DELETE FROM transfers WHERE memo = 'rent';
UPDATE accounts SET active = 1;
DELETE FROM accounts WHERE owner = 'dee';
INSERT INTO blocked VALUES (5, 'gone');
