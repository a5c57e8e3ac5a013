// Package storage is the durable home of Weir's base tables: their rows, the catalog of
// tables and views, and the newest write token. It is built on pebble, an LSM key-value store
// with a write-ahead log, and owns nothing above bytes on disk: it does not parse SQL, does not
// know column types and does not decide what a primary key is. The engine gives it opaque
// primary-key bytes and rows of dataflow values; it gives them back after a restart, exactly.
//
// What it must never do: acknowledge a write before it is as durable as the sync mode
// promises; make part of a batch durable without the rest; let a later batch survive a crash
// that an earlier one did not; or return rows from a store it knows to be damaged.
//
// # On-disk layout
//
// The directory is a pebble database (pebble's format pinned, so upgrading pebble does not
// silently change the files). Every key starts with a byte that names its space:
//
//	'm' "format"               uvarint: Weir's layout version (FormatVersion), written on first open
//	'm' "token"                uvarint: the newest write token (Batch.SetToken)
//	'm' "nexttable"            uvarint: the id the next table gets (Batch.SetNextTableID)
//	'm' "upstream"             text: the upstream database a mirror follows (Batch.SetUpstream)
//	'm' "upstreampos"          uvarint: the upstream change-stream position of the rows (LSN)
//	'c' 't' id[4, big endian]  the table's DDL text
//	'c' 'a' id[4, big endian]  uvarint: the table's next AUTO_INCREMENT value
//	'c' 'v' name               a registered query's SQL text, after 0, its database, 0 when
//	                           that is not the default one
//	'c' 's' lower-cased name   a SQL view's CREATE VIEW text (its name qualified by its database)
//	'c' 'd' lower-cased name   a database (CREATE DATABASE), spelled as created
//	'r' id[4, big endian] pk   one row: EncodeRow of its values
//
// Table ids are fixed-width big endian so that byte order is id order and the rows of one
// table form one contiguous range: a table is scanned with one iterator and dropped with one
// range deletion. The primary-key bytes come from the engine unchanged; rows therefore come
// back in the byte order of the engine's key encoding.
//
// A row value is a uvarint column count, then per column a tag byte and a payload: NULL (no
// payload), signed integer (zig-zag varint), unsigned integer (uvarint), float (8 bytes, the
// IEEE-754 bits, so -0.0 stays -0.0), decimal (zig-zag varint coefficient and a scale byte;
// a coefficient past int64 under its own tag: a sign byte, a scale byte, a uvarint length
// and the big-endian magnitude),
// string (uvarint length and the raw bytes, valid UTF-8 or not), date (zig-zag varint
// microseconds since the epoch), datetime (the same, then a fractional-digits byte), binary
// string (as string, under its own tag), TIME (zig-zag varint signed microseconds and a
// fractional-digits byte), ENUM and SET values (uvarint index or bit mask, then as string).
// Tags are only ever added, so rows written before a kind existed still load. Values
// describe themselves, so rows stay readable whatever later happens to the schema. DecodeRow
// refuses anything EncodeRow could not have written instead of guessing.
//
// # Durability contract
//
// A Batch is atomic: pebble writes it to the log as one record, and recovery replays whole
// records or none. Commit returns when the batch is durable per the SyncMode:
//
//   - SyncAlways: the log is fsynced before Commit returns. Concurrent commits share fsyncs:
//     pebble's log writer syncs everything queued while the previous fsync ran with the next
//     one (measured by BenchmarkCommitSyncAlways and reported in Metrics.Fsyncs).
//   - SyncInterval: Commit returns once the log is written to the operating system; a
//     background loop fsyncs it every interval. A killed process loses nothing; a power cut
//     loses up to about one interval.
//   - SyncNever: the operating system flushes when it likes. For tests and benchmarks.
//
// CommitAsync splits Commit in two for a single-threaded writer such as the engine's base
// domain: it returns once the batch has its place in the log, and a wait function reports
// durability later. The log is one sequence and an fsync makes a prefix of it durable, so
// batches become durable in the order they were handed over, and many batches handed over
// while one fsync runs share the next. Recording the write token in the same batch as the
// write's rows keeps "the newest durable token" and "the newest durable rows" in step.
//
// On open, pebble replays the log. A torn record at the very end (a crash mid-write) is the
// end of the log; damage before the point the log had been synced to, a checksum mismatch in a
// table file, a file the manifest names that is missing or cut short, a missing manifest, or
// an unreadable row is reported as ErrCorrupt, and Weir stops rather than serve from such a
// store. One blind spot remains, shared with every log that ends at its first bad record:
// pebble learns how far the log had been synced from the records after the damage, read a
// 32 KiB block at a time, so damage inside the newest log's last block, with no later block,
// looks like a torn end and replay stops there. Only a disk that corrupts a file's last
// written block without failing the write can cause that. A second process opening the same directory fails with ErrLocked
// (pebble holds a lock on the LOCK file), and a directory written by an unknown layout version
// fails with ErrFormat.
package storage
