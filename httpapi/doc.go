// Package httpapi owns Weir's HTTP side, which `weir serve` listens on (--http, by default
// 127.0.0.1:6034): health, Prometheus metrics and JSON reads of registered views. It only
// reads: writes, DDL and registering queries go through the MySQL wire protocol or the Go
// API. It must never start goroutines of its own or keep engine state between requests:
// every answer is read from the engine when it is asked for.
//
// # Endpoints
//
// GET /healthz answers 200 "ok" while the engine is open and 503 once it is closed.
//
// GET /metrics serves the registry given in Config in Prometheus' text format. New registers
// on it the Go and process collectors and the engine's own figures, read at scrape time:
//
//	weir_view_hits_total{view}           counter  lookups served from the view's reader
//	weir_view_misses_total{view}         counter  lookups that found a hole and filled it
//	weir_view_upqueries_total{view}      counter  fills sent
//	weir_view_evictions_total{view}      counter  keys evicted from the reader
//	weir_view_keys{view}                 gauge    keys held
//	weir_view_bytes{view}                gauge    approximate bytes held
//	weir_view_fill_latency_seconds{view} gauge    mean fill latency of the fills reads waited for
//	weir_memory_in_use_bytes             gauge    partial state, which the memory limit bounds
//	weir_memory_limit_bytes              gauge    the memory limit; -1 when there is none
//	weir_views                           gauge    views, named and ad-hoc query shapes
//	weir_gc_pause_seconds                histogram the Go collector's stop-the-world pauses
//
// weir_gc_pause_seconds comes from runtime/metrics (/sched/pauses/total/gc:seconds) with
// bounds 2^k and 1.5·2^k seconds from about 1 µs to 1 s. Unlike go_gc_duration_seconds, a
// summary over the whole life of the process, the difference of two scrapes' buckets is the
// distribution of the pauses between them.
//
// The view label is the view's name; the view of an ad-hoc query shape, which has no name,
// is labelled "shape:" followed by 16 hex digits of a hash of its normalized SQL.
//
// GET /v1/views/{name}?p1=…&p2=… reads the registered view name with parameters p1..pN,
// N being the view's number of `?`. Every parameter is required; an unknown or repeated
// query parameter is an error. A parameter compared with a numeric column must be a
// number ("abc" is refused rather than read as 0, as MySQL would). The read is a lookup: it
// does not wait for writes in flight.
//
// # JSON
//
// A read answers 200 with Content-Type application/json:
//
//	{"view":"story",
//	 "columns":[{"name":"id","type":"INT"},{"name":"title","type":"VARCHAR(200)"},
//	            {"name":"price","type":"DECIMAL(10,2)"}],
//	 "rows":[{"id":1,"title":"Weir 1.0","price":"9.90"}]}
//
// The columns list gives the result's columns in order with their SQL types; each row is
// an object with the columns in that order (when two columns share a name the object has
// the key twice, and the columns list says which is which). Values: integers are JSON
// numbers, exact even for BIGINT UNSIGNED above 2^53 (a JavaScript client that needs those
// exactly must parse the number itself); DOUBLE and FLOAT are numbers; DECIMAL is a string
// with the column's scale ("9.90"), so that no client rounds it; strings are strings;
// BINARY, VARBINARY and BLOB values, which need not be text, are base64 strings ("AP9B");
// TIME is its text ("-26:03:04"), YEAR and BIT are numbers, ENUM and SET their members'
// text, JSON the document as a string;
// DATE and DATETIME are strings in MySQL's text form ("2026-11-01",
// "2026-11-01 10:00:00.123"); NULL is null.
//
// A failed read answers
//
//	{"error":"weir: no such view: nope","code":1146,"sqlstate":"42S02"}
//
// with code and sqlstate being MySQL's error number and SQLSTATE when the error has them:
// 404 for an unknown view, 400 for missing, extra or malformed parameters (code 1210), 503
// once the engine is closed, 500 for anything else, such as a read that timed out waiting
// for a fill (code 1205).
package httpapi
