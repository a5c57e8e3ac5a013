//go:build cgo

package pgsql

import (
	"errors"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// parse runs PostgreSQL's parser (libpg_query, linked with cgo). Its refusal is a 42601
// error with the position PostgreSQL reports.
func parse(sql string) (*pg.ParseResult, error) {
	tree, err := pg.Parse(sql)
	if err != nil {
		e := &Error{SQLState: StateSyntaxError, Msg: err.Error(), Err: err}
		var pe *parser.Error
		if errors.As(err, &pe) {
			e.Position = pe.Cursorpos
		}
		return nil, e
	}
	return tree, nil
}
