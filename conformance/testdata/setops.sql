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

-- query not_in_subquery unsupported
SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM blocked);

-- query exists_subquery unsupported
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
