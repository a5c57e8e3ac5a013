package weir

import "context"

type noForeignKeyChecks struct{}

// WithoutForeignKeyChecks returns a context under which DDL and writes run as MySQL runs
// them with foreign_key_checks=0, as dumps load: CREATE TABLE may reference a table that
// does not exist yet, writes neither check child rows against their parents nor act on the
// children of parent rows (no RESTRICT, CASCADE or SET NULL), and DROP TABLE and TRUNCATE
// ignore the tables that reference theirs. Rows written so are not checked later, as in
// InnoDB. A transaction's statements keep the setting they were executed with.
func WithoutForeignKeyChecks(ctx context.Context) context.Context {
	return context.WithValue(ctx, noForeignKeyChecks{}, true)
}

// foreignKeyChecks reports whether ctx asks for foreign keys to be enforced (the default).
func foreignKeyChecks(ctx context.Context) bool { return ctx.Value(noForeignKeyChecks{}) == nil }
