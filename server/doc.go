// Package server serves a Weir engine over the MySQL client/server protocol, so that any
// MySQL driver or tool can create tables, write, and read cached queries.
//
// The connection phase (greeting, TLS, authentication) is go-mysql's server package. The
// command phase is this package's own (wire.go, dispatch.go): reads are the point of Weir,
// and a generic packet loop cost more CPU than the lookup it served. A command is framed
// from a buffered reader, its reply built in one buffer and written with one system call
// (pipelined commands share one), and a prepared SELECT's rows are encoded straight from
// the view's rows with column definitions encoded once at prepare. This package owns what
// the statements mean:
//
//   - DDL and writes (CREATE/DROP TABLE, ALTER TABLE, CREATE/ALTER/DROP VIEW, TRUNCATE,
//     INSERT, REPLACE, UPDATE, DELETE) go to the engine, and the client gets MySQL's
//     affected-row count and last insert id. SHOW [FULL] TABLES lists views with Table_type
//     VIEW; SHOW CREATE VIEW, DESCRIBE and COM_FIELD_LIST describe them.
//   - A SELECT becomes a cached view the first time its shape is seen: literals compared
//     with columns in WHERE become the view's key, so `WHERE id = 1` and `WHERE id = 2` share
//     one view and each read is one lookup. Prepared SELECTs are planned at COM_STMT_PREPARE,
//     so the client receives the real column definitions, and each execution is a lookup.
//   - Weir's own statements: CREATE CACHE [name] FROM <select>, DROP CACHE name, SHOW
//     CACHES (with why_full: what keeps a full cache from being partial), EXPLAIN SELECT
//     (the cache's operators, each state partial or full and why), EXPLAIN GRAPH [name]
//     (the dataflow graph in Graphviz dot).
//   - The chatter drivers and tools send (SET NAMES, SET autocommit, SELECT @@version and
//     other variables, SHOW VARIABLES/DATABASES/TABLES/COLUMNS/INDEX/STATUS/WARNINGS, DESCRIBE,
//     USE, COM_INIT_DB, COM_PING, COM_FIELD_LIST) is answered by the session.
//
// Transactions (tx.go): BEGIN / START TRANSACTION, COMMIT, ROLLBACK and SET autocommit map
// onto the engine's transactions (weir.Tx): writes apply together at COMMIT, a concurrent
// write that changed a statement's outcome makes COMMIT fail with 1213, DDL commits first
// (MySQL's implicit commit), and a connection that ends rolls back. Every OK and EOF packet
// carries the session's SERVER_STATUS_AUTOCOMMIT and SERVER_STATUS_IN_TRANS. A SELECT in a
// transaction that has written reads through it (weir.Tx.Query), so it sees the
// transaction's writes. Savepoints are refused.
//
// Errors carry MySQL error numbers and SQLSTATEs: the engine's typed errors keep theirs
// (1064 syntax, 1146 unknown table, 1054 unknown column, 1062 duplicate key, 1235 an
// unsupported construct, named), and the server adds its own (1153 packet too large, 1049
// unknown database, 1040 too many connections). A failing statement never closes its
// connection; a malformed or oversized packet closes only its own.
//
// Prepared statements keep their parameter types between executions (a client may send
// them once), take values sent with COM_STMT_SEND_LONG_DATA, and refuse cursors with an
// error that names them.
//
// Each connection runs on its own goroutine; sessions share nothing but the engine, whose
// reads take no lock. Shutdown stops accepting, closes idle connections, lets statements in
// flight finish, and after its deadline cancels them.
package server
