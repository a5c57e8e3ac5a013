# Parameters in PostgreSQL's dialect: $n in any order, repeated, with casts; several key
# columns; IN lists of parameters; literals instead of parameters share the cache.
-- setup
CREATE TABLE accounts (id int PRIMARY KEY, org text NOT NULL, login text NOT NULL, plan text, seats int);
INSERT INTO accounts VALUES
  (1, 'acme', 'root', 'pro', 10), (2, 'acme', 'Root', 'free', 1), (3, 'beta', 'root', NULL, 3),
  (4, 'beta', 'ops', 'pro', 7), (5, 'Acme', 'root', 'pro', 2), (6, 'gamma', 'dev', 'free', NULL);

-- query two_params
-- args: 'acme', 'root'
-- args: 'acme', 'Root'
-- args: 'Acme', 'root'
SELECT id, plan FROM accounts WHERE org = $1 AND login = $2;

-- query params_reversed
-- args: 'root', 'beta'
-- args: 'ops', 'beta'
SELECT id FROM accounts WHERE org = $2 AND login = $1;

-- query param_cast
-- args: 4
-- args: '6'
SELECT org, login FROM accounts WHERE id = $1::int;

-- query param_cast_text
-- args: 'gamma'
SELECT id FROM accounts WHERE org = $1::text;

-- query param_in_list
-- args: 1, 2
-- args: 3, 3
SELECT id, login FROM accounts WHERE id IN ($1, $2);

-- query param_text_in_list
-- args: 'acme', 'Acme'
-- args: 'beta', 'none'
SELECT id FROM accounts WHERE org IN ($1, $2);

-- query param_with_literal_filter
-- args: 'acme'
-- args: 'beta'
SELECT id FROM accounts WHERE org = $1 AND plan = 'pro';

-- query param_and_range ordered
-- args: 'acme', 1
-- args: 'beta', 0
SELECT id, seats FROM accounts WHERE org = $1 AND seats > $2 ORDER BY seats;

-- query param_agg
-- args: 'acme'
-- args: 'gamma'
SELECT org, count(*) AS n, sum(seats) AS s FROM accounts WHERE org = $1 GROUP BY org;

-- query param_null_arg
-- args: NULL
-- args: 'pro'
SELECT id FROM accounts WHERE plan = $1;

-- query param_join
-- args: 'root'
SELECT a.id, b.id AS other FROM accounts a JOIN accounts b ON b.org = a.org AND b.id <> a.id WHERE a.login = $1;

-- query literal_shares_shape
SELECT id, plan FROM accounts WHERE org = 'acme' AND login = 'root';

-- query param_order_by ordered
-- args: 'acme'
SELECT login, seats FROM accounts WHERE org = $1 ORDER BY login DESC, seats;

-- writes
INSERT INTO accounts VALUES (7, 'acme', 'ROOT', 'team', 5);
UPDATE accounts SET org = 'acme' WHERE id = 5;
DELETE FROM accounts WHERE id = 3;
