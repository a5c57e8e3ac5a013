// Package replication keeps a mirroring engine's tables (weir.Options.Mirror) equal to a
// PostgreSQL database's, through logical replication.
//
// # Copy, then stream
//
// On first start the Replicator creates a publication for the tables and a logical
// replication slot (pgoutput), asking the slot to export the snapshot its stream begins at.
// It copies every table under that snapshot (SET TRANSACTION SNAPSHOT in a REPEATABLE READ
// transaction), so the copy holds exactly the transactions committed before the slot's start
// position and the stream holds exactly those after: none is missed and none is seen twice.
// The upstream's identity and the start position are stored only once the copy is complete;
// a crash during the copy leads to a new copy.
//
// # Exactly once
//
// Each upstream transaction becomes one engine transaction (weir.Mirror.Apply): its rows in
// every table, its token and the position of its commit go into one durable batch. The
// position is confirmed to PostgreSQL only after that batch is durable, so the slot never
// forgets a transaction Weir might not have. After a restart the stream resumes from the
// stored position; PostgreSQL may send transactions again from its older confirmed
// position, and those at or below the stored position are skipped. Nothing is lost and
// nothing is applied twice.
//
// # When the mirror and the upstream part ways
//
// A fresh copy is taken, and logged loudly, when the slot is gone or has lost WAL it needed,
// when the data directory mirrors another upstream, when an upstream table's columns differ
// from its mirror's (ALTER TABLE … ADD/DROP COLUMN, a type change), and when a transaction
// does not apply (a row to change is missing). Named caches are registered again over the
// new tables; one that no longer fits them is dropped with an error in the log. TRUNCATE is
// applied as a transaction that empties the table.
//
// # Types
//
// PostgreSQL types map to Weir's: smallint, integer and bigint; numeric(p,s) with p ≤ 65 and
// s ≤ 38 (a numeric without precision, up to 1000 digits, is refused);
// real and double precision; boolean; text and varchar (as binary strings, LONGBLOB and
// VARBINARY(4n), compared byte by byte as PostgreSQL's C and other deterministic collations
// tell 'a' from 'A', so that keys the upstream keeps apart stay apart); char(n) (as CHAR(n)
// COLLATE utf8mb4_bin, binary strings without their trailing spaces, which compare byte by
// byte with trailing spaces insignificant, as bpchar does);
// uuid (as CHAR(36)); date,
// timestamp and timestamptz (in UTC). Any other type is refused at start, naming the table
// and the column. Values travel in PostgreSQL's text form, with the session's time zone set
// to UTC, and are converted as MySQL converts text.
package replication
