package weir

import "context"

// Shape is the normalized text of a prepared SELECT: the parser's canonical rendering with
// the literals that became key components replaced by ?. Every query of one shape shares
// one view, and a cache registered from a query answers every query of its shape; a proxy
// in front of another database keys its decisions on it. "" for other statements.
func (s *Stmt) Shape() string {
	if s.query == nil {
		return ""
	}
	return s.query.Text
}

// QueryIn reads a prepared SELECT through v, a view of the same shape (a cache registered
// by name), rather than through the view of its shape: the statement's own literals and
// args fill the key, and the read counts in v's statistics. When v is not of the
// statement's shape (or was dropped, or the catalog changed since the statement was
// planned), it reads as QueryValues does.
func (s *Stmt) QueryIn(ctx context.Context, v *View, args ...Value) (Rows, error) {
	if s.query == nil || v == nil || v.query.Text != s.query.Text || v.dropped.Load() ||
		s.e.version.Load() != s.version || len(args) != s.numParams || s.query.InfoSchema {
		return s.QueryValues(ctx, args...)
	}
	var argv [8]Value // read converts its arguments in place: a copy, on the stack
	rows, err := v.read(ctx, s.query, s.e.readToken(), append(argv[:0], args...))
	if err != nil && v.dropped.Load() {
		return s.QueryValues(ctx, args...)
	}
	return rows, err
}
