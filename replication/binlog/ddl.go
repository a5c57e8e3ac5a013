package binlog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
)

// DDL in the binlog arrives as the statement's text (a QUERY event). Weir follows the
// statements that change the tables it mirrors, in place where its own DDL does what the
// upstream's did: TRUNCATE empties the mirror in one transaction stored with its position;
// DROP TABLE drops the mirror (and the views over it); CREATE TABLE mirrors the new table
// when it is in scope; ALTER TABLE is compared, once applied upstream, with the mirror, and
// the difference run as Weir's ALTER TABLE when Weir can (see alterInPlace); RENAME TABLE
// renames the mirror. Each change made in place stores its position at once, so a crash
// never replays rows against a definition they do not fit. Anything else about a mirrored
// table is followed by a fresh copy.

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
func (r *Replicator) ddl(ctx context.Context, cc *catalogConn, schema, q string, pos uint64) error {
	q = stripComments(q)
	catalog := func() (*client.Conn, error) { return cc.get(ctx) }
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
			return fatal{Err: fmt.Errorf("binlog: the upstream dropped database %s, which Weir mirrors", r.up.db)}
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
			r.log.Info("followed DROP TABLE", zap.String("table", n))
		}
		if len(names) > 0 {
			return r.storeDDLPosition(pos)
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
		conn, err := catalog()
		if err != nil {
			return err
		}
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
			if same, err := r.m.TableMatches(t.Name, t.DDL()); err == nil && same {
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
			return fatal{Err: fmt.Errorf("binlog: creating the mirror of %s (%s): %w", t.Name, t.DDL(), err)}
		}
		r.tables[strings.ToLower(t.Name)] = t
		r.log.Info("followed CREATE TABLE", zap.String("table", t.Name))
		return r.storeDDLPosition(pos)
	}
	if m := ddlAlter.FindStringSubmatch(q); m != nil {
		names := r.ourTables(schema, m[1], true)
		if len(names) == 0 {
			return advance()
		}
		r.stats.ddl.Add(1)
		conn, err := catalog()
		if err != nil {
			return err
		}
		return r.alterInPlace(ctx, conn, names[0], pos)
	}
	if m := ddlRename.FindStringSubmatch(q); m != nil {
		return r.rename(ctx, schema, m[1], pos, advance)
	}
	if ddlIndex.MatchString(q) {
		return advance() // indexes do not change what Weir mirrors
	}
	return advance()
}

// storeDDLPosition durably records that the statement ending at pos is applied, so a
// crash after a change made in place does not replay the rows before it against the new
// definition.
func (r *Replicator) storeDDLPosition(pos uint64) error {
	if err := r.m.SetUpstream(r.m.Upstream(), pos); err != nil {
		return err
	}
	r.stats.inPlace.Add(1)
	return nil
}

// alterInPlace follows an ALTER TABLE of a mirrored table: the upstream's definition now is
// compared with the mirror's, and the difference applied with Weir's own ALTER TABLE when
// it is one Weir applies as the upstream did (columns dropped; columns added with NULL, a
// literal default or their type's implicit one; indexes and options, which a mirror does
// not keep). Anything else (a type changed, a column renamed or moved, a default computed
// by an expression) is followed by a fresh copy.
func (r *Replicator) alterInPlace(ctx context.Context, conn *client.Conn, name string, pos uint64) error {
	old := r.tables[strings.ToLower(name)]
	tables, err := discover(conn, r.up.db, []string{name})
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		return r.freshCopy(fmt.Sprintf("ALTER TABLE %s: %v", name, err))
	}
	if err != nil {
		return err
	}
	nt := tables[0]
	if same, err := r.m.TableMatches(name, nt.DDL()); err == nil && same {
		r.tables[strings.ToLower(nt.Name)] = nt
		return r.storeDDLPosition(pos)
	}
	stmt, why := alterStatement(old, nt)
	if why != "" {
		return r.freshCopy(fmt.Sprintf("ALTER TABLE %s %s", name, why))
	}
	if err := r.m.AlterTable(ctx, stmt); err != nil {
		return r.freshCopy(fmt.Sprintf("ALTER TABLE %s did not apply in place (%s): %v", name, stmt, err))
	}
	if same, err := r.m.TableMatches(name, nt.DDL()); err != nil || !same {
		return r.freshCopy(fmt.Sprintf("ALTER TABLE %s left the mirror unlike the upstream's %s", name, nt.DDL()))
	}
	r.tables[strings.ToLower(nt.Name)] = nt
	r.log.Info("followed ALTER TABLE in place", zap.String("table", name), zap.String("as", stmt))
	return r.storeDDLPosition(pos)
}

var literalDefault = regexp.MustCompile(`^(?:-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|'(?:[^'\\]|''|\\.)*')$`)

// alterStatement is the ALTER TABLE that turns table old into nt, or why there is none Weir
// can run in place.
func alterStatement(old, nt *Table) (string, string) {
	if len(old.PK) != len(nt.PK) {
		return "", "changed the primary key"
	}
	for i := range old.PK {
		if !strings.EqualFold(old.Columns[old.PK[i]].Name, nt.Columns[nt.PK[i]].Name) {
			return "", "changed the primary key"
		}
	}
	oldAt := map[string]int{}
	for i, c := range old.Columns {
		oldAt[strings.ToLower(c.Name)] = i
	}
	newHas := map[string]bool{}
	for _, c := range nt.Columns {
		newHas[strings.ToLower(c.Name)] = true
	}
	var specs []string
	for _, c := range old.Columns {
		if !newHas[strings.ToLower(c.Name)] {
			specs = append(specs, "DROP COLUMN "+quoteName(c.Name))
		}
	}
	last := -1
	for i, c := range nt.Columns {
		if j, ok := oldAt[strings.ToLower(c.Name)]; ok {
			oc := old.Columns[j]
			if oc.Weir != c.Weir || oc.NotNull != c.NotNull || oc.Name != c.Name {
				return "", fmt.Sprintf("changed column %s from %s to %s", c.Name, oc.Weir, c.Weir)
			}
			if j < last {
				return "", fmt.Sprintf("moved column %s", c.Name)
			}
			last = j
			continue
		}
		spec := "ADD COLUMN " + quoteName(c.Name) + " " + c.Weir
		if c.NotNull {
			spec += " NOT NULL"
		}
		switch {
		case c.Default == "":
		case strings.EqualFold(c.Default, "NULL"):
			spec += " DEFAULT NULL"
		case literalDefault.MatchString(c.Default):
			spec += " DEFAULT " + c.Default
		default:
			return "", fmt.Sprintf("added column %s with the default %s, which the rows there get as the upstream computed it", c.Name, c.Default)
		}
		if i == 0 {
			spec += " FIRST"
		} else {
			spec += " AFTER " + quoteName(nt.Columns[i-1].Name)
		}
		specs = append(specs, spec)
	}
	if len(specs) == 0 {
		return "", "changed the table in a way Weir cannot tell apart"
	}
	return "ALTER TABLE " + quoteName(old.Name) + " " + strings.Join(specs, ", "), ""
}

// rename follows RENAME TABLE a TO b, …: a mirrored table renamed to a name in scope is
// renamed in place; one renamed out of scope is dropped; a table renamed into scope brings
// rows Weir does not have, and leads to a fresh copy.
func (r *Replicator) rename(ctx context.Context, schema, list string, pos uint64, advance func() error) error {
	type pair struct{ from, to string }
	var pairs []pair
	rest := list
	for {
		fdb, from, after := nextName(rest)
		after = strings.TrimSpace(after)
		if from == "" || len(after) < 3 || !strings.EqualFold(after[:3], "TO ") {
			break
		}
		tdb, to, after2 := nextName(after[3:])
		if to == "" {
			break
		}
		if fdb == "" {
			fdb = schema
		}
		if tdb == "" {
			tdb = schema
		}
		ours := func(db, name string) bool { return strings.EqualFold(db, r.up.db) && r.inScope(name) }
		if ours(fdb, from) || ours(tdb, to) {
			f, t := "", ""
			if strings.EqualFold(fdb, r.up.db) {
				f = from
			}
			if ours(tdb, to) {
				t = to
			}
			pairs = append(pairs, pair{f, t})
		}
		after2 = strings.TrimSpace(after2)
		if !strings.HasPrefix(after2, ",") {
			break
		}
		rest = after2[1:]
	}
	changed := false
	for _, p := range pairs {
		var old *Table
		if p.from != "" {
			old = r.tables[strings.ToLower(p.from)]
		}
		switch {
		case old == nil && p.to == "":
		case old == nil:
			r.stats.ddl.Add(1)
			return r.freshCopy(fmt.Sprintf("RENAME TABLE brought table %s into the mirrored ones", p.to))
		case p.to == "":
			r.stats.ddl.Add(1)
			if err := r.m.DropTable(ctx, old.Name); err != nil {
				return err
			}
			delete(r.tables, strings.ToLower(old.Name))
			changed = true
		default:
			r.stats.ddl.Add(1)
			if err := r.m.AlterTable(ctx, "RENAME TABLE "+quoteName(old.Name)+" TO "+quoteName(p.to)); err != nil {
				return r.freshCopy(fmt.Sprintf("RENAME TABLE %s TO %s did not apply in place: %v", old.Name, p.to, err))
			}
			delete(r.tables, strings.ToLower(old.Name))
			nt := *old
			nt.Name = p.to
			r.tables[strings.ToLower(p.to)] = &nt
			changed = true
			r.log.Info("followed RENAME TABLE in place", zap.String("from", old.Name), zap.String("to", p.to))
		}
	}
	if changed {
		return r.storeDDLPosition(pos)
	}
	return advance()
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
