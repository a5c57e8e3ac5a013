// Package resp is Weir's Redis-protocol front door (`weir serve --resp ADDR`): an
// application that reads a materialized view from Redis today keeps its Redis client and
// reads the cache from Weir instead, with the same GET and MGET, and drops the code that
// kept Redis in step with its tables.
//
// A key names a cache (a named view: CREATE CACHE name FROM SELECT …) and the values of its
// parameters, separated by ':' (see Key for the escaping of ':' and '\'), and its value is
// the cache's rows for those parameters as the JSON document httpapi serves (package
// internal/jsonrows, without the final newline). Every key of a cache has a value, an empty
// "rows" array when nothing matches; a key of no cache is an error, not nil, so that a typo
// is noticed. Reads are the engine's lookups: a key not in a partial cache is filled before
// the reply, and WEIR.GETAFTER <token> <key> waits first for the write that returned the
// token (read-your-writes for a pooled client, on which no session state would hold).
//
// The package owns the protocol: parsing requests with bounded memory, authentication with
// the MySQL listener's users, the chatter clients send (HELLO, CLIENT, COMMAND, CONFIG GET,
// INFO, SELECT 0, PING), and the refusal of writes. It only reads: it must never write to
// the engine, never register or drop a cache, and never keep engine state between requests
// beyond a connection's memo of the views it read (checked on every read: a dropped cache
// is noticed by the read's error) and the few replies it kept (each used only for the very
// rows a read returned, see the read path below). It starts one goroutine per connection and no others.
//
// # The read path
//
// A connection runs on internal/connloop, as the MySQL listener's do: it reads what its
// client sent into one buffer, answers every complete command in it in order, appending
// the replies to one buffer, and writes them in one write; a GET costs one read and one
// write system call, and a pipeline of GETs the same. Arguments are slices of the read buffer;
// a key's parts are slices of it too unless the key has escapes; integer parameters are
// parsed in place; the JSON is appended by the cache's Layout, built once per connection.
// A connection keeps the framed replies of the few small values it read last, each with the
// rows it was encoded from, and copies one again when a read returns those very rows
// (replies.go): a reader's rows are immutable and replaced by every write and eviction of
// their key, so the reply copied is always the encoding of what the read returned, and a
// hot key costs a copy, as in Redis, rather than an encoding. A warm GET of a cached key
// allocates nothing (TestGetAllocations). An idle connection
// waits on the process's poller (internal/connloop; Config.NoPoller turns it off), which
// answers the GETs, MGETs and PINGs of every connection with input in one wakeup, as
// redis-server does; their reads run under weir.WithoutWaiting, and a command that is not
// one of those, or a read of a key the cache must fill first, is undone (its reply and
// counts) and run again on the connection's goroutine (conn.tryCommand).
//
// redcon provides the reply encoding and the splitting of inline commands. Its server loop
// is not used: it reads through net.Conn (a read that finds nothing before each wait),
// copies every command into fresh slices, buffers whatever length a client announces, and
// re-parses a partial command from its start on each read. The loop here
// bounds a command at Config.MaxCommandBytes and Config.MaxArgs before waiting for its bytes,
// and a panic ends one connection, not the server.
package resp
