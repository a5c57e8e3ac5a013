// Package weir is a partially-stateful dataflow engine that keeps the results of
// parameterized SQL queries up to date as their base tables change, and serves each result
// with one lookup.
//
// An application creates tables and registers the queries it runs:
//
//	e, _ := weir.Open(weir.Options{})
//	e.Exec(ctx, "CREATE TABLE stories (id INT PRIMARY KEY, author INT, title VARCHAR(100))")
//	v, _ := e.Register(ctx, "story", "SELECT id, title FROM stories WHERE id = ?")
//
// Each query becomes a graph of incremental operators (filters, projections, joins,
// aggregates, top-k, distinct, union) ending in a reader keyed by the query's parameters.
// Writes (Exec) flow through the graph as deltas; a read (View.Lookup) is a lookup in the
// reader and never evaluates the query. A write returns a Token; View.LookupAfter with that
// token waits until the write is visible in the view, which gives read-your-writes.
//
// SQL views (Exec of CREATE VIEW) are names for SELECTs, not caches: a query that reads one
// is planned with the view's text in its place, and its operators are shared with every
// other query over the view (SQLViews, SQLView and SQLViewColumns describe them).
//
// A query whose WHERE compares rows with NOW() (`created_at > NOW() - INTERVAL 1 DAY`) is a
// time window: the engine advances it as rows' membership falls due, with no write, and
// Engine.AdvanceClock brings every window to the clock's time on demand (temporal.go).
//
// Engine.Begin starts a transaction (Tx): its writes apply together at Commit, as one write
// with one token, or fail with error 1213 when a concurrent write changed the outcome of
// one of its statements (see Tx).
//
// The engine runs on domains: goroutines that each own part of the graph and handle one
// message at a time, so updates to a view are applied in a single order and a read never
// sees a half-applied change to a key.
package weir
