package binlog

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
)

// DDL in the binlog arrives as the statement's text (a QUERY event). Weir follows the
// statements that change the tables it mirrors: TRUNCATE empties the mirror in one
// transaction stored with its position; DROP TABLE drops the mirror (and the views over
// it); CREATE TABLE mirrors the new table when it is in scope; an ALTER TABLE or RENAME
// TABLE that leaves the columns and key as Weir mirrors them (an index, a comment, an
// engine option) needs nothing. One that changes them is followed by a fresh copy.

var (
	ddlTruncate = regexp.MustCompile(`(?is)^TRUNCATE\s+(?:TABLE\s+)?(.*)$`)
	ddlDrop     = regexp.MustCompile(`(?is)^DROP\s+(?:TEMPORARY\s+)?TABLES?\s+(?:IF\s+EXISTS\s+)?(.*)$`)
	ddlCreate   = regexp.MustCompile(`(?is)^CREATE\s+(OR\s+REPLACE\s+)?(TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(.*)$`)
	ddlAlter    = regexp.MustCompile(`(?is)^ALTER\s+(?:ONLINE\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(.*)$`)
	ddlRename   = regexp.MustCompile(`(?is)^RENAME\s+TABLES?\s+(.*)$`)
	ddlIndex    = regexp.MustCompile(`(?is)^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:ONLINE\s+)?(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s`)
	ddlDropDB   = regexp.MustCompile(`(?is)^DROP\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+EXISTS\s+)?(.*)$`)
)

// ddl follows a statement the binlog carries outside a transaction. schema is the
// statement's default database, pos the position after it.
func (r *Replicator) ddl(ctx context.Context, conn *client.Conn, schema, q string, pos uint64) error {
	q = stripComments(q)
	advance := func() error {
		if pos > r.m.Position() {
			r.m.Advance(pos)
		}
		return nil
	}
	if m := ddlTruncate.FindStringSubmatch(q); m != nil {
		names := r.ourTables(schema, m[1], false)
		if len(names) == 0 {
			return advance()
		}
		r.stats.ddl.Add(1)
		tx := &weir.MirrorTx{Position: pos}
		for _, n := range names {
			tx.Changes = append(tx.Changes, weir.MirrorChange{Table: n, Op: weir.MirrorTruncate})
		}
		if _, _, err := r.m.Apply(ctx, tx); err != nil {
			return err
		}
		r.stats.inPlace.Add(1)
		r.log.Info("followed TRUNCATE", zap.Strings("tables", names))
		return nil
	}
	if m := ddlDropDB.FindStringSubmatch(q); m != nil {
		db, _, _ := nextName(m[1])
		if strings.EqualFold(db, r.up.db) {
			r.stats.ddl.Add(1)
			return fatal{fmt.Errorf("binlog: the upstream dropped database %s, which Weir mirrors", r.up.db)}
		}
		return advance()
	}
	if m := ddlDrop.FindStringSubmatch(q); m != nil {
		names := r.ourTables(schema, m[1], false)
		for _, n := range names {
			r.stats.ddl.Add(1)
			if err := r.m.DropTable(ctx, n); err != nil {
				return err
			}
			delete(r.tables, strings.ToLower(n))
			r.stats.inPlace.Add(1)
			r.log.Info("followed DROP TABLE", zap.String("table", n))
		}
		return advance()
	}
	if m := ddlCreate.FindStringSubmatch(q); m != nil {
		if m[2] != "" {
			return advance() // a temporary table is the session's own
		}
		db, name, _ := nextName(m[3])
		if db == "" {
			db = schema
		}
		if !strings.EqualFold(db, r.up.db) || !r.inScope(name) {
			return advance()
		}
		r.stats.ddl.Add(1)
		tables, err := discover(conn, r.up.db, []string{name})
		if err != nil {
			// Gone again, or not mirrorable: a table Weir was not asked for by name is
			// left out, with a word in the log; one it was asked for stops replication.
			if len(r.cfg.Tables) == 0 {
				r.log.Warn("a table created on the upstream is not mirrored", zap.String("table", name), zap.Error(err))
				return advance()
			}
			return classify(err)
		}
		t := tables[0]
		if have := r.m.TableDDL(t.Name); have != "" {
			if have == t.DDL() {
				if m[1] == "" {
					return advance() // CREATE TABLE IF NOT EXISTS of a table that exists
				}
				// CREATE OR REPLACE of a table with the same columns: it starts empty.
				tx := &weir.MirrorTx{Position: pos, Changes: []weir.MirrorChange{{Table: t.Name, Op: weir.MirrorTruncate}}}
				if _, _, err := r.m.Apply(ctx, tx); err != nil {
					return err
				}
				r.stats.inPlace.Add(1)
				return nil
			}
			return r.freshCopy(fmt.Sprintf("table %s was created again with other columns", t.Name))
		}
		if err := r.m.CreateTable(ctx, t.DDL()); err != nil {
			return fatal{fmt.Errorf("binlog: creating the mirror of %s (%s): %w", t.Name, t.DDL(), err)}
		}
		r.tables[strings.ToLower(t.Name)] = t
		r.stats.inPlace.Add(1)
		r.log.Info("followed CREATE TABLE", zap.String("table", t.Name))
		return advance()
	}
	if m := ddlAlter.FindStringSubmatch(q); m != nil {
		names := r.ourTables(schema, m[1], true)
		if len(names) == 0 {
			return advance()
		}
		return r.columnsStillMatch(conn, names[0], "ALTER TABLE", advance)
	}
	if m := ddlRename.FindStringSubmatch(q); m != nil {
		if len(r.ourTables(schema, m[1], false)) > 0 {
			r.stats.ddl.Add(1)
			return r.freshCopy("RENAME TABLE " + m[1])
		}
		return advance()
	}
	if ddlIndex.MatchString(q) {
		return advance() // indexes do not change what Weir mirrors
	}
	return advance()
}

// columnsStillMatch compares an altered table with its mirror: a match (an index, an option)
// needs nothing, a difference a fresh copy.
func (r *Replicator) columnsStillMatch(conn *client.Conn, name, what string, advance func() error) error {
	r.stats.ddl.Add(1)
	tables, err := discover(conn, r.up.db, []string{name})
	if err != nil {
		return r.freshCopy(fmt.Sprintf("%s %s: %v", what, name, err))
	}
	if tables[0].DDL() == r.m.TableDDL(name) {
		r.stats.inPlace.Add(1)
		return advance()
	}
	return r.freshCopy(fmt.Sprintf("%s changed the columns of %s (now %s)", what, name, tables[0].DDL()))
}

// freshCopy ends the session so that the next one copies the tables again.
func (r *Replicator) freshCopy(reason string) error {
	r.log.Warn("the upstream schema changed in a way Weir follows by copying the tables again", zap.String("change", reason))
	r.resnapshot.Store(true)
	return fmt.Errorf("binlog: %s; a fresh copy follows", reason)
}

// inScope reports whether a table of the mirrored database is one to mirror.
func (r *Replicator) inScope(name string) bool {
	if len(r.cfg.Tables) == 0 {
		return true
	}
	for _, t := range r.cfg.Tables {
		if strings.EqualFold(t, name) {
			return true
		}
	}
	return false
}

// ourTables returns the mirrored tables a statement's table list names (each of name or
// db.name, separated by commas; with pairs, as RENAME's "a TO b", both sides count). With
// first, only the first name is read.
func (r *Replicator) ourTables(schema, list string, first bool) []string {
	var out []string
	rest := list
	for {
		db, name, after := nextName(rest)
		if name == "" {
			break
		}
		if db == "" {
			db = schema
		}
		if t := r.tables[strings.ToLower(name)]; t != nil && strings.EqualFold(db, r.up.db) {
			out = append(out, t.Name)
		}
		if first {
			break
		}
		after = strings.TrimSpace(after)
		switch {
		case strings.HasPrefix(after, ","):
			rest = after[1:]
		case len(after) > 3 && strings.EqualFold(after[:3], "TO "):
			rest = after[3:]
		default:
			return out
		}
	}
	return out
}

// nextName reads a table name, `quoted` or bare, optionally qualified by a database, and
// returns what follows it.
func nextName(s string) (db, name, rest string) {
	a, rest := nextIdent(s)
	if a == "" {
		return "", "", s
	}
	if strings.HasPrefix(rest, ".") {
		b, rest2 := nextIdent(rest[1:])
		if b != "" {
			return a, b, rest2
		}
	}
	return "", a, rest
}

func nextIdent(s string) (string, string) {
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" {
		return "", s
	}
	if s[0] == '`' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '`' {
				if i+1 < len(s) && s[i+1] == '`' {
					b.WriteByte('`')
					i++
					continue
				}
				return b.String(), s[i+1:]
			}
			b.WriteByte(s[i])
		}
		return "", s
	}
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '$' || s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 0x80) {
		i++
	}
	return s[:i], s[i:]
}

// stripComments removes /* … */ comments (MariaDB adds "/* generated by server */") and
// leading blanks, so the statement's first words can be matched.
func stripComments(q string) string {
	for {
		i := strings.Index(q, "/*")
		if i < 0 {
			break
		}
		j := strings.Index(q[i+2:], "*/")
		if j < 0 {
			break
		}
		q = q[:i] + " " + q[i+2+j+2:]
	}
	return strings.TrimSpace(q)
}
