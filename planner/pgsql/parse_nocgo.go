//go:build !cgo

package pgsql

import pg "github.com/pganalyze/pg_query_go/v6"

// parse fails: PostgreSQL's parser is C code, linked only in a build with cgo.
func parse(string) (*pg.ParseResult, error) {
	return nil, unsupported("the PostgreSQL dialect in this build: it needs PostgreSQL's parser, which is linked only when Weir is built with cgo (CGO_ENABLED=1 and a C compiler)")
}
