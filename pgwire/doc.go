// Package pgwire is Weir's PostgreSQL front door (`weir serve --pg-listen ADDR`): psql,
// pgx, psycopg and node-postgres connect to Weir as they would to PostgreSQL 15, with a
// changed port and nothing else.
//
// # What it owns
//
// The protocol (version 3.0) and the session:
//
//   - The connection phase (startup.go): SSLRequest (TLS with the MySQL listener's
//     certificate, 'N' without one), GSSENCRequest (always 'N'), CancelRequest, the
//     StartupMessage and its parameters (including PGOPTIONS' -c settings), and
//     authentication against the MySQL listener's users: SCRAM-SHA-256 (the default) or
//     md5 for users with a password, trust for a user without one. An unknown user goes
//     through the SCRAM exchange like a known one and fails at its end, so that a client
//     cannot tell which users exist. Then AuthenticationOk, the reported parameters
//     (server_version, server_encoding UTF8, client_encoding, DateStyle ISO, MDY,
//     integer_datetimes, standard_conforming_strings, TimeZone UTC, application_name,
//     is_superuser, …), BackendKeyData and ReadyForQuery.
//   - The simple query protocol (several statements in one Query message, run in one
//     implicit transaction; EmptyQueryResponse; command tags such as SELECT 3 and
//     INSERT 0 1) and the extended protocol (extended.go): Parse, Bind, Describe of
//     statements and portals, Execute with row limits and PortalSuspended, Sync, Close,
//     Flush, named and unnamed statements and portals, pipelining, and after an error the
//     discarding of messages until Sync.
//   - Types (types.go): one table maps Weir's column types onto PostgreSQL's OIDs (int2,
//     int4, int8, numeric, float4, float8, bool, text, varchar, bpchar, bytea, date, time,
//     timestamp, timestamptz, uuid, json). Binary formats, and the parameters clients
//     bind, are encoded and decoded by pgtype; the text forms are PostgreSQL 15's output
//     for a session with DateStyle ISO and TimeZone UTC. A numeric's binary form is the bytes
//     numeric_send writes (no trailing zero digits; zero has none). An integer past the
//     width its column is announced with (int4 arithmetic is int4, as in PostgreSQL) fails
//     the statement with 22003 rather than being sent wrapped around.
//   - The session's own statements (session.go, settings.go): SET, RESET and SHOW of the
//     run-time parameters clients and ORMs set (a change of a reported parameter is sent as
//     ParameterStatus; SET is undone by ROLLBACK, SET LOCAL at the end of its transaction;
//     statement_timeout bounds statements), SELECT of version(), current_setting(…),
//     current_database() and the like, BEGIN / START TRANSACTION, COMMIT, ROLLBACK (a
//     block mapped onto weir.Tx; after an error in a block everything but its end fails
//     with 25P02), DISCARD ALL and DEALLOCATE. A parameter whose other values Weir would
//     not honor (client_encoding other than UTF8, TimeZone other than UTC, a DateStyle
//     other than ISO) is refused with an error that says so.
//   - The catalog questions clients ask (catalog.go), answered from Weir's catalog: psql's
//     relation lists (\d, \dt, \dv) and lookups of pg_type by name (psycopg2 asks for
//     hstore's OID at connect, under SQLAlchemy too). Any other query of pg_catalog is
//     refused with 0A000, never answered wrongly.
//   - Errors (errors.go): ErrorResponse with PostgreSQL's SQLSTATEs; Weir's typed errors
//     are mapped by their MySQL numbers (a syntax error is 42601, an unknown table 42P01,
//     an unknown column 42703, an unsupported construct 0A000, a cancelled statement
//     57014, a write in a read-only transaction 25006).
//   - Cancel requests: a CancelRequest naming a connection's process id and secret
//     cancels the statement that connection is running.
//
// # What it must never do
//
// It never reads or rewrites a statement's SQL beyond finding where the statements of a
// Query message end, recognizing the session's own statements (lex.go) and lifting the
// literals of a simple-protocol statement into parameters (literals.go, see "Simple-protocol
// shapes"): planning, `$n` parameters and PostgreSQL's semantics belong to the Dialect,
// which plans every other statement. The default, PostgresDialect, is the engine's PostgreSQL dialect
// (weir.Engine.PrepareDialect): SELECTs, with every other statement refused with 0A000 as
// writes and DDL belong to the upstream (in proxy mode they go there); its text values, which it reads as binary strings
// to compare them as PostgreSQL's C collation does, are described to clients as text.
// EngineDialect (the engine's own dialect, with writes and `?` parameters) serves tests
// of the protocol's write paths and embedders that want it. It never answers a catalog query it does not understand, never keeps engine
// state between statements beyond the connection's prepared statements and portals, and
// never lets one connection's failure touch another: a panic ends its own connection.
//
// # Proxy mode
//
// With Config.Proxy (weir serve --upstream postgres://…) the listener is a transparent proxy
// in front of the PostgreSQL the engine mirrors (proxy.go, proxy_session.go). A connection
// answers Weir's own statements (CREATE CACHE [name] FROM <select> | <id>, DROP CACHE, SHOW
// CACHES, SHOW PROXIED QUERIES, SET/SHOW weir.read_your_writes) and the SELECTs of cached
// shapes it may answer now; every other message goes to an upstream session of its own,
// opened with pgconn at its first such message and hijacked, so that the messages are
// relayed as they are. Messages to the upstream are queued with the replies they are owed
// (ParseComplete, BindComplete, a description, an Execute's rows up to its completion, a
// ReadyForQuery) and drained in order, the queue written while the replies are read, before
// Weir answers a message of its own, at Sync, Flush and Query. A statement belongs to the
// side that prepared it: Weir for a Parse of a cached shape, which an execution Weir cannot
// answer prepares upstream under the client's name with Weir's parameter types. The shapes
// and the proxied-query table are internal/proxyshape's, shared with the MySQL listener.
// CREATE CACHE registers its SELECT in the engine in PostgreSQL's dialect
// (weir.Engine.RegisterDialect), so that with a data directory the cache is durable: the
// engine registers it again when it opens, and New answers its shape again before the
// listener accepts; DROP CACHE unregisters it.
//
// Weir answers only outside the upstream's transactions (its last ReadyForQuery) and outside
// a batch that passed messages upstream before its Sync, and only while the session's
// reported TimeZone, DateStyle, client_encoding and IntervalStyle are those Weir encodes in.
// After a statement that may have written, the next cached read reads the upstream's WAL
// insert position on the session's connection and waits for the mirror to apply it
// (ProxyConfig.Positions, bounded by the engine's read timeout), and goes upstream instead
// when that fails. An upstream that fails under a statement is closed and the client told
// (its FATAL error relayed as ERROR, or 08006); the statement is never run again, and a
// transaction lost with it fails with 25P02 until the client ends it. A new upstream session
// runs the SETs the session ran outside transactions first. Once a session has passed a
// LISTEN upstream, its upstream is read while the client is idle too (proxy_notify.go,
// between connloop's Idle and Busy), so that NotificationResponse, NoticeResponse and
// ParameterStatus reach the client as the upstream sends them; the relay stops and hands the
// connection back before the client's next message is handled, and whatever else it read is
// the next reply's.
//
// # Simple-protocol shapes
//
// Clients of the simple query protocol (psql, ORMs without prepared statements, pgx and
// pgbench in simple mode) write their values into the text, so every read is a new text.
// A statement of a Query message is lexed as PostgreSQL 15 lexes it (standard, E'…' and
// dollar-quoted strings, U&'…' and bit strings, nested comments, operators cut as
// PostgreSQL cuts them, so that =-5 is = and -5) and the literals that a parameter in their
// place leaves meaning the same are replaced by $1, $2, …: a string or a number that is a
// whole operand of a comparison (=, <>, !=, <, >, <=, >=; a minus the grammar reads as
// unary belongs to the number), a bound of BETWEEN, an item of an IN list (whose length is
// thus part of the shape), in a WHERE, ON or HAVING clause. Select-list constants, LIMIT and
// OFFSET counts, ORDER BY and GROUP BY positions, function arguments, casts ('5'::int),
// typed literals (interval '1 day'), booleans and NULL stay in the shape. The shape's
// plan is kept on the Server for every connection (shapes.go; at most 4096 shapes, the
// table cleared when full), keyed by the database, the shape and its literals' kinds, and
// each statement runs it with its literals as arguments, read as PostgreSQL reads a
// literal in the parameter's place: an untyped string ('5', PostgreSQL's unknown) by the
// parameter's type, an integer (int4, int8 past int4's range) or a numeric constant only
// where the parameter is of a numeric type. A shape the dialect refuses with parameters, or
// whose literals do not fit its parameters (an integer compared with text, 1.5 with an
// integer column, 3000000000 with an int4 one), is planned by its text as before, and a
// refused shape is retried after 10 seconds. In proxy mode a lifted shape that is a cached
// one is answered from the cache without planning the text; any other statement goes the
// way a text does (SHOW PROXIED QUERIES and --auto-cache count its normalized text).
//
// # The read path
//
// pgproto3's message types decode and encode every message. Its Backend's reader is not
// used: it reads ahead of the message it returns, and in the connection phase nothing
// after an SSLRequest may be read before TLS starts (CVE-2021-23214); in the command phase
// the messages are framed (a type byte and a length) straight from internal/connloop's
// buffer, as the MySQL and Redis listeners frame theirs, so that a Bind/Execute/Sync costs
// one read and one write system call, and a pipeline of them the same. A row is encoded
// into a scratch buffer the connection keeps, and the DataRow built from slices of it.
// The unnamed portal and the messages sent for every execution are reused: a warm Bind,
// Execute and Sync allocates only in pgproto3's decoding of Bind and pgtype's of its
// parameters (TestExecuteAllocations). A message is bounded by Config.MaxMessageBytes
// before its bytes are buffered; the prepared statements and portals of a connection by
// Config.MaxStatements.
package pgwire
