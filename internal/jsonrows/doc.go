// Package jsonrows is what the front doors that answer reads as JSON share: turning a
// parameter's text into the value a view is looked up by, and encoding a read's rows as the
// JSON document that httpapi serves and resp returns as a Redis value:
//
//	{"view":"story",
//	 "columns":[{"name":"id","type":"INT"},{"name":"title","type":"VARCHAR(200)"}],
//	 "rows":[{"id":1,"title":"Weir 1.0"}]}
//
// It owns the encoding of each SQL value (see AppendValue) and the typing of parameters
// (see ParamValue), so that one view read over HTTP and over RESP gives the same bytes and
// refuses the same parameters. It must never read the engine, write to a connection, or
// keep state between calls beyond the buffers its callers hand it: the Layout a caller keeps
// is the caller's.
package jsonrows
