// Package binlog keeps a mirroring engine's tables (weir.Options.Mirror) equal to a MariaDB
// or MySQL database's, by following its binary log through go-mysql's replication package.
// It is the MySQL-family sibling of package replication (PostgreSQL) and has the same
// structure: check, copy, then stream; exactly once; a fresh copy when mirror and upstream
// part ways.
//
// # Start-up checks
//
// Before anything else the upstream's settings are read, and each one Weir cannot work
// with is refused with an error saying what to change: log_bin must be on, binlog_format
// ROW (Weir reads the rows a statement changed, not the statement), binlog_row_image FULL
// (with MINIMAL an update carries only the key and the changed columns, so the rows the
// caches hold could not be rebuilt; NOBLOB leaves out the blobs the same way), the
// upstream's server_id must not be 0 and must differ from Weir's own (Config.ServerID,
// `weir serve --server-id`, by default a number derived from the host name, the upstream's
// address and the data directory), and no other replica may be registered under Weir's id
// (SHOW SLAVE HOSTS; Weir registers as host weir-<hash of its host and data directory>, so
// its own earlier connection is not taken for another replica). The user needs REPLICATION SLAVE, REPLICATION CLIENT (BINLOG MONITOR in
// MariaDB 10.5 and later) and SELECT, read from SHOW GRANTS; on MySQL also RELOAD. Every
// mirrored table must be InnoDB (a consistent snapshot does not fence off other engines'
// writes) and have a primary key (a row event names its row by its values; Weir finds the
// row by its key).
//
// binlog_format is a session variable: a session opened before the server's change to ROW
// keeps logging statements. A data-changing statement on the mirrored database arriving as
// text stops replication with an error saying so, rather than mirror without it; so does an
// XA transaction that changes a mirrored table (its rows are logged at XA PREPARE, before
// its outcome is known).
//
// # Copy, then stream
//
// On MariaDB the copy runs in START TRANSACTION WITH CONSISTENT SNAPSHOT, and the status
// variables binlog_snapshot_file and binlog_snapshot_position name the binlog position
// that snapshot corresponds to: every transaction committed before it is in the copy,
// every one after it in the stream, and none in both, without locking anything. On MySQL 8
// writes are held off with FLUSH TABLES WITH READ LOCK for the moment it takes to open the
// snapshot and read SHOW BINARY LOG STATUS (SHOW MASTER STATUS before 8.2), then released
// before the rows are read. The upstream's identity and the start position are stored only
// once the copy is complete; a crash during the copy leads to a new copy.
//
// Table definitions are built from information_schema.COLUMNS and STATISTICS rather than
// from SHOW CREATE TABLE's text: the column types (COLUMN_TYPE, in MySQL's dialect, which
// Weir's planner reads), nullability and the primary key are all a mirror needs. Indexes,
// foreign keys, CHECK constraints, defaults, AUTO_INCREMENT, ON UPDATE clauses, comments
// and table options are left out on purpose: the upstream enforces them before a change
// reaches its binlog, and a mirror must take every row the upstream logged.
//
// # Exactly once
//
// Each upstream transaction (from its GTID or BEGIN event to its XID event, or to a COMMIT
// query for a non-transactional table) becomes one engine transaction
// (weir.Mirror.Apply): its rows in every table, its token and its end position go into one
// durable batch. The mirror's position is a uint64; a binlog position is packed into it as
// the file's number (the digits after the base name's dot) in the high 32 bits and the
// offset in the low 32, so later positions compare greater, across rotations too. After a
// restart, a cut connection or an upstream restart the stream asks for the binlog from the
// stored position (go-mysql's own retry is off: it would resume from where it read, not
// from what Weir applied), and transactions at or below it are skipped.
//
// # GTIDs and read-your-writes
//
// The replicator also keeps the upstream's GTID state the tables reflect
// (Replicator.GTID): on MariaDB the GTID position per domain, computed at the copy and at
// each resume with BINLOG_GTID_POS and moved by each GTID event; on MySQL the executed GTID
// set, taken from SHOW BINARY LOG STATUS at the copy and grown by each GTID event.
// Replicator.WaitForGTID blocks until a given GTID (MariaDB's @@last_gtid after a write, or
// MySQL's session-tracked GTIDs) is applied and visible in every view: the wait a proxy
// makes before it serves a session's read after its write from a cache.
//
// # DDL
//
// The binlog carries DDL as statement text, and Weir follows it in place where its own DDL
// does what the upstream's did. TRUNCATE of a mirrored table is applied as one transaction
// stored with its position; DROP TABLE drops the mirror and the views over it; CREATE TABLE
// of a table in scope creates its mirror (a table Weir cannot mirror that was not named
// with Config.Tables is left out with a warning); RENAME TABLE renames the mirror (or drops
// it, renamed out of scope). After an ALTER TABLE the upstream's definition is read again
// and compared with the mirror's: indexes, options and comments need nothing; dropped
// columns, and added ones whose existing rows get NULL, a literal default or their type's
// implicit default, are applied with Weir's ALTER TABLE, which keeps the rows and plans the
// views again. A changed type, a renamed or moved column, a changed primary key, or a
// default computed by an expression is followed by a fresh copy, logged, as is a table
// renamed into scope (its rows are not in the mirror). Each change made in place stores
// its position at once. A row event whose column count differs from its mirror's also leads
// to a fresh copy, as does a transaction that does not apply (a row to change is missing).
// DDL is read from the upstream's catalog when its event arrives; if later DDL already
// changed the table again, the next row event's columns disagree and a fresh copy follows.
//
// When the binlog file the stored position lies in is gone from the upstream (purged, by
// PURGE BINARY LOGS or expire_logs_days), the next session says so in the log and takes a
// fresh copy. Named caches survive fresh copies: they are registered again over the new
// tables; one that no longer fits them is dropped with an error in the log.
//
// # Types
//
// Every type go-mysql decodes from a row event is mapped: TINYINT to BIGINT, signed and
// unsigned; DECIMAL (as its text, converted exactly); FLOAT (as the shortest text of its
// 32-bit value, so the copy and the stream agree) and DOUBLE; CHAR, VARCHAR and the TEXT
// types in utf8mb4, utf8mb3 or ascii with a case-insensitive (_ci) collation, since Weir
// compares strings case-insensitively; BINARY, VARBINARY and the BLOB types as bytes; DATE,
// DATETIME and TIMESTAMP with fractions (TIMESTAMP in UTC: the copy's session and the
// decoder both use UTC), TIME and YEAR; ENUM and SET (the binlog carries a member index
// and a bit mask, turned back into the members' names); JSON (MariaDB's JSON is a LONGTEXT;
// MySQL's binary JSON is decoded to text); BIT. Any other type (spatial types, MariaDB's
// UUID and INET types, ZEROFILL, a _bin collation, another character set, a VIRTUAL
// generated column) is refused at start naming the table and the column; leave the table
// out with Config.Tables.
//
// # What was tested
//
// The tests run against MariaDB 10.11 only. The MySQL 8 paths (FLUSH TABLES WITH READ LOCK
// and SHOW BINARY LOG STATUS for the copy, GTID events and executed GTID sets, compressed
// transaction payloads, the partial JSON update event being refused) are written to
// MySQL's documentation and go-mysql's decoder, but no MySQL 8 server was available to run
// them against. On MySQL a resumed stream does not know the GTID set it resumes at (MySQL
// has no BINLOG_GTID_POS): its set holds only the GTIDs applied since, so WaitForGTID for a
// GTID committed before the resume waits until its context ends, and a proxy falls back to
// the upstream rather than answer stale.
package binlog
