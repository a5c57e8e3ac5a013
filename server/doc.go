// Package server serves a Weir engine over the MySQL client/server protocol, so that any
// MySQL driver or tool can create tables, write, and read cached queries.
//
// The connection phase (greeting, TLS, authentication) is go-mysql's server package. The
// command phase is this package's own (wire.go, dispatch.go): reads are the point of Weir,
// and a generic packet loop cost more CPU than the lookup it served. A command is framed
// from a buffered reader, its reply built in one buffer and written with one system call
// (pipelined commands share one), and a prepared SELECT's rows are encoded straight from
// the view's rows with column definitions encoded once at prepare (a range read collects
// its rows in the session's weir.RowBuffer, and the rows and their strings are read ahead
// of their encoding, a run of rows at a time, so that their cache misses overlap). An idle connection
// (outside proxy mode, without TLS) waits on the process's poller (internal/connloop;
// Config.NoPoller turns it off), which answers the COM_PINGs and the COM_STMT_EXECUTEs of
// prepared SELECTs that hit (a key the view holds, or a range window of at most 64 rows
// whose interval it holds), outside a transaction, of every connection with input in one
// wakeup; any other command, or a read that would wait (a miss, a write acknowledged but
// not yet applied), goes back to the connection's goroutine untouched (session.tryDispatch).
// This package owns what
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
//
// # Proxy mode
//
// With Config.Proxy the listener stands in front of the MySQL or MariaDB database whose
// tables the engine mirrors (a binlog stream fills them), so an application changes only
// its connection string (proxy.go, proxy_session.go). Each client session gets an upstream
// session, opened on its first statement Weir does not answer, with the client's
// capability flags (found rows, several result sets, session tracking) and character set,
// so the upstream's replies are those the client expects, and they are relayed packet by
// packet, never decoded and encoded again: result sets with their column definitions, OK
// packets with affected rows, insert id, status flags and warning count, errors with their
// numbers and SQLSTATEs. SHOW WARNINGS after a relayed statement is the upstream's. The
// greeting announces the upstream's version (read at start), by which drivers choose
// between MariaDB's and MySQL's features.
//
// Weir answers a SELECT only when its shape (weir.Stmt.Shape: literals compared with key
// columns replaced) is cached, the session is outside a transaction (status flags of the
// upstream's last reply: in a transaction, or with autocommit off, every statement is the
// upstream's) and in the mirrored database (ProxyConfig.Database), reads results in UTF-8
// and times in UTC as the caches hold them (its login's character set, SET NAMES,
// character_set_results and time_zone are followed), and Weir has applied the session's
// last write. Cached shapes are those of the caches CREATE CACHE made (durable,
// so they answer again after a restart) and, with ProxyConfig.AutoCache, every shape Weir
// plans once it has been passed through twice. Everything else goes to the upstream:
// writes, DDL, transactions, SET and session variables, SELECTs Weir does not support or
// has not cached, CALL, LOAD DATA (with LOCAL, the client's file is relayed packet by packet
// as it arrives: the wire reads packets that continue a command's exchange while
// proxySession.file is set), COM_INIT_DB,
// COM_FIELD_LIST, COM_SET_OPTION, COM_RESET_CONNECTION. Prepared statements: a SELECT of a
// cached shape is prepared by Weir; any other is prepared on the upstream session, its
// reply relayed with Weir's statement id in place of the upstream's, and executions
// (cursors included, with COM_STMT_FETCH), COM_STMT_SEND_LONG_DATA, COM_STMT_RESET and
// COM_STMT_CLOSE carry the id mapped back. A
// statement Weir prepared that must run upstream (inside a transaction) is prepared there
// when first needed; parameter types the client sent only with an earlier execution are
// added. SHOW PROXIED QUERIES lists the shapes passed through (most recently seen first,
// at most ProxyConfig.MaxShapes, least recently seen forgotten), how often, and why the
// last was not answered by Weir; CREATE CACHE [name] FROM <id> caches one. SHOW STATUS LIKE
// 'weir…' is Weir's own (the replication's status); any other SHOW STATUS the upstream's. A
// cached shape has one reader: executions of a Weir-prepared SELECT read through the cache
// CREATE CACHE named, as text SELECTs do.
//
// Credentials: by default every upstream session logs in as the configured user (the
// upstream URL's), and clients authenticate to Weir with Weir's own users. Relaying the
// client's authentication instead (greeting it with the upstream's scramble) would let the
// upstream check each password, but a scramble answers one handshake only: a session
// opened lazily, or opened again after the upstream restarted, could not log in, and a
// client with a pooled connection would see its next statement fail. Deployments that
// need the upstream's per-user privileges set ProxyConfig.ClientCredentials: each upstream
// session logs in as the client's own user with the password Weir holds for it, so the
// upstream still checks that user's privileges on every statement.
//
// Faults: when the upstream session fails under a statement, the client gets the
// upstream's error if it sent one (a KILL: 1927), else 2013 (lost connection), and the
// statement is never run again, so a write runs at most once. The next statement opens a
// new upstream session, replaying the session's database, COM_SET_OPTION and every SET
// it ran (session variables, SET NAMES, user variables), and the server log says so; what
// SET did not make (temporary tables, named locks, user variables assigned in a SELECT,
// server-side PREPARE) is not restored. A session that lost its upstream inside a
// transaction gets error 1927 for every statement until its ROLLBACK: on a new upstream
// session, the rest of the transaction would commit statement by statement.
//
// Read-your-writes: after a statement that may write, the session's next cached read asks
// the upstream for @@last_gtid and waits (up to the engine's read timeout) until the
// replication stream has applied it (ProxyConfig.GTIDs, a GTIDWaiter); past that, or with no
// waiter, or when @@last_gtid cannot be read (MySQL), the upstream answers the read. An
// empty @@last_gtid means the session committed nothing to the binary log (its writes
// failed or changed no row): nothing to wait for. CREATE CACHE makes the same wait first,
// so a cache over a table the session just created upstream can be planned.
// SET @weir_read_your_writes = 0 lets a session read the caches without waiting.
package server
