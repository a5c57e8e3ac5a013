// Package bench holds Weir's benchmarks: the workloads behind `weir bench`, the systems
// Weir is compared with, and the ways their figures are reported.
//
// The central workload is Noria's vote benchmark (vote.go, run.go): articles, votes, and an
// article with its vote count looked up by id, read and written by concurrent clients over
// uniform or Zipf keys (KeyGen). RunVote drives one engine in process; RunCompare
// (compare.go) runs the same clients, keys, read share and time against Weir — by default a
// `weir serve` child process (weirproc.go), in memory, loaded and read over its MySQL
// protocol; or its MySQL server in this process, the Go API, or a running `weir serve` at an
// address; or, with the proxy target (proxy_vote.go), `weir serve --upstream mariadb://…`
// in front of MariaDB, which holds the tables, the writes passed through Weir's proxy and the
// reads answered from its cache — and then against the baselines of compare_baselines.go:
// PostgreSQL and MariaDB answering the query themselves (with the proxy target, the same
// MariaDB, binary log on), and the cache-aside pattern, Redis in front of PostgreSQL.
// With a sweep, each system also runs open-loop at a range of offered loads. The other workloads each measure one property:
//
//   - consistency.go: writers increment counters in PostgreSQL while readers read them
//     through Weir (mirroring PostgreSQL by logical replication) and through cache-aside,
//     counting stale reads, keys still stale once the writes stop, and write-to-visible time.
//     The source of truth is behind a small interface (consistencySource):
//     consistency_mariadb.go puts MariaDB there, with Weir following its binary log and read
//     over its MySQL proxy, and adds read-your-writes sessions that write through the proxy
//     and read back on the same connection, counting their stale reads and how many of
//     their reads Weir's cache answered rather than MariaDB.
//     Weir's readers use its MySQL protocol, or (consistency_pg.go) pgx on its PostgreSQL
//     listener.
//   - pgbench.go: PostgreSQL's pgbench runs the vote read query as a custom script against
//     Weir's PostgreSQL listener (`weir serve --upstream postgres://…` as a child process)
//     and against that PostgreSQL, in each query mode (simple, extended, prepared); latencies
//     and reads come from pgbench's per-transaction log over a window between two of its
//     progress reports, at which both servers' CPU is read.
//   - memory.go: the vote view under memory limits that are fractions of its full state,
//     with the live heap it grew to and the hit rate each limit leaves.
//   - wire.go: reads of the vote view over the MySQL protocol (from a `weir serve` child
//     process by default) against the same rows as JSON in Redis, decoded into the same
//     struct, with each server's CPU per read.
//   - rangeread.go: a page of rows after a random time (`created > ? ORDER BY created
//     LIMIT 20`) read from Weir over the MySQL protocol and from PostgreSQL with a B-tree
//     index on the column, same rows and clients, with each server's CPU per read.
//   - durable.go: acknowledged rows and fsyncs per second of concurrent writers, in process
//     or over the protocol, under a --sync mode (group commit).
//   - restart.go: a loaded data directory closed and reopened: its size on disk, the time
//     to open it and the first read of the restored view.
//
// Latencies go into Histogram (hist.go), logarithmic buckets 2% wide, so a run of millions
// of operations keeps a few kilobytes. Every report prints as a table; markdown.go writes
// the README's tables, plot.go the latency-against-load and write-to-visible figures, and
// progress.go shows each timed phase as a bar on a terminal and as one line elsewhere.
// Servers not given by the caller are started privately (internal/testserver,
// redis-server) and stopped at the end. A baseline server that is given gets the
// benchmark's tables dropped and created again, so it must be a scratch server; a Weir
// server at --target that already has the vote tables is refused rather than cleared.
//
// The package measures; it never judges. Its tests run each workload briefly and check
// that it measured something and that what it measured is right (every acknowledged row
// is in the table, Weir ends with no stale key), never that it was fast enough: a timing
// asserted on a shared machine fails for reasons that have nothing to do with the change.
// It drives Weir only through what users have, the Go API and the MySQL and PostgreSQL
// protocols, and reads Weir's counters the same way (Stats, MemoryInUse, StorageMetrics,
// SHOW STATUS, /metrics).
//
// Server CPU (servercpu.go, meter.go) is the servers' alone: the user + system time of each
// server process and its descendants (PostgreSQL's backends), read from /proc at the start
// and the end of each measured window, divided by the operations completed in it; the
// clients, in the benchmark's process, are never counted. Where Weir runs inside the
// benchmark's process (the wire and inproc targets) its CPU is reported as unknown, never as
// the process's, which includes the load generator. Weir's GC pauses over the window come
// from the difference of two scrapes of its weir_gc_pause_seconds histogram (gcpause.go), or
// from runtime/metrics when it runs in process. Off Linux, CPU times are unknown.
package bench
