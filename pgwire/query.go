package pgwire

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// field is a result column as the client sees it.
type field struct {
	name string
	typ  pgType
}

// sessionFunc runs a statement the session answers itself: it fills the portal's rows
// (for a statement with fields) and its command tag.
type sessionFunc func(c *conn, p *portal) error

// prepared is a statement ready to run: the dialect's plan, or one the session answers.
type prepared struct {
	sql       string
	empty     bool
	st        Statement   // the dialect's, or nil
	session   sessionFunc // the session's, or nil
	txControl bool        // BEGIN, COMMIT, ROLLBACK: allowed in a failed transaction
	paramOIDs []uint32
	fields    []field // nil: no rows
	tag       string  // the command tag's verb for a statement that is not a query
}

// portal is a bound statement: its arguments, its result formats and, once executed, its
// rows and how many were sent.
type portal struct {
	p       *prepared
	args    []weir.Value
	formats []int16 // one per field

	ran   bool
	rows  weir.Rows
	vrows [][]weir.Value
	pos   int
	tag   string
}

func (pt *portal) numRows() int {
	if pt.vrows != nil {
		return len(pt.vrows)
	}
	return pt.rows.Len()
}

func (pt *portal) row(i int) []weir.Value {
	if pt.vrows != nil {
		return pt.vrows[i]
	}
	return pt.rows.Row(i)
}

// prepare plans one statement: the session's own statements first, then the dialect.
func (c *conn) prepare(ctx context.Context, sql string, declared []uint32) (*prepared, error) {
	p := &prepared{sql: sql}
	toks := tokens(sql, 0)
	if len(toks) == 0 {
		p.empty = true
		return p, nil
	}
	handled, err := c.classify(p, toks)
	if err != nil {
		return nil, err
	}
	if handled {
		if len(declared) > 0 {
			p.paramOIDs = declared
		}
		return p, nil
	}
	st, err := c.s.dialect.Prepare(ctx, sql)
	if err != nil {
		return nil, err
	}
	p.st = st
	n := st.NumParams()
	if len(declared) > n {
		return nil, newPGError(stateProtocol, "the statement takes %d parameters, but %d parameter types were given", n, len(declared))
	}
	p.paramOIDs = make([]uint32, n)
	types := st.ParamTypes()
	for i := range p.paramOIDs {
		switch {
		case i < len(declared) && declared[i] != 0:
			p.paramOIDs[i] = declared[i]
		case i < len(types):
			p.paramOIDs[i] = typeOf(types[i]).oid
		default:
			p.paramOIDs[i] = pgtype.TextOID
		}
	}
	if st.IsQuery() {
		cols := st.Columns()
		p.fields = make([]field, len(cols))
		for i, col := range cols {
			p.fields[i] = field{name: col.Name, typ: typeOf(col.Type)}
		}
	} else {
		p.tag = commandVerb(toks)
	}
	return p, nil
}

// commandVerb is the verb of a statement's command tag: INSERT, UPDATE, DELETE, or the
// statement's leading keywords (CREATE TABLE, DROP VIEW, TRUNCATE TABLE).
func commandVerb(toks []token) string {
	w := func(i int) string {
		if i < len(toks) && toks[i].kind == tokWord {
			return strings.ToUpper(toks[i].text)
		}
		return ""
	}
	switch v := w(0); v {
	case "INSERT", "REPLACE":
		return "INSERT"
	case "UPDATE", "DELETE", "SELECT":
		return v
	case "TRUNCATE":
		return "TRUNCATE TABLE"
	case "CREATE", "DROP", "ALTER":
		obj := w(1)
		switch obj {
		case "UNIQUE":
			obj = "INDEX"
		case "OR":
			obj = w(3) // CREATE OR REPLACE VIEW
		case "TEMP", "TEMPORARY", "UNLOGGED":
			obj = w(2)
		}
		if obj == "" {
			return v
		}
		return v + " " + obj
	default:
		return v
	}
}

// tagFor is the command tag of a statement that ran.
func tagFor(verb string, res weir.Result) string {
	switch verb {
	case "INSERT":
		return "INSERT 0 " + strconv.FormatInt(res.RowsAffected, 10)
	case "UPDATE":
		return "UPDATE " + strconv.FormatInt(res.RowsFound, 10)
	case "DELETE":
		return "DELETE " + strconv.FormatInt(res.RowsAffected, 10)
	}
	return verb
}

// simpleQuery runs a Query message: each of its statements in turn, in one implicit
// transaction when there are several and no transaction block is open, stopping at the
// first error.
func (c *conn) simpleQuery(sql string) {
	c.counts.messages[kindQuery]++
	stmts := splitStatements(sql)
	if len(stmts) == 0 {
		c.send(&pgproto3.EmptyQueryResponse{})
		c.readyForQuery()
		return
	}
	implicit := false
	if len(stmts) > 1 && c.tx == nil {
		tx, err := c.s.e.Begin(c.ctx)
		if err != nil {
			c.sendError(err)
			c.readyForQuery()
			return
		}
		c.tx, implicit = tx, true
	}
	for _, text := range stmts {
		if err := c.simpleStatement(text); err != nil {
			c.sendError(err)
			if implicit && c.tx != nil {
				_ = c.tx.Rollback()
				c.tx = nil
				implicit = false
				c.reportRestored(c.settings.endTx(false))
			} else if c.tx != nil {
				c.txFailed = true
			}
			break
		}
		if implicit && c.txBlock {
			implicit = false // BEGIN made the implicit transaction a block of its own
		}
		if implicit && c.tx == nil {
			implicit = false // COMMIT or ROLLBACK ended it
		}
	}
	if implicit {
		_, err := c.tx.Commit(c.ctx)
		if err != nil {
			c.sendError(err)
		}
		c.tx = nil
		c.reportRestored(c.settings.endTx(err == nil))
	}
	c.readyForQuery()
}

// simpleStatement runs one statement of a Query message: all its rows, in text.
func (c *conn) simpleStatement(text string) error {
	p, args, err := c.cached(text)
	if err != nil {
		return err
	}
	if p.empty {
		c.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if len(p.paramOIDs) != len(args) {
		return newPGError(stateProtocol, "bind message supplies 0 parameters, but prepared statement \"\" requires %d", len(p.paramOIDs))
	}
	pt := &portal{p: p, args: args, formats: make([]int16, len(p.fields))}
	if err := c.runPortal(pt); err != nil {
		return err
	}
	if p.fields != nil {
		c.sendRowDescription(p.fields, pt.formats)
	}
	c.sendRows(pt, 0)
	return nil
}

// cached returns the plan of a simple query's statement and the arguments it runs with: a
// SELECT whose shape the listener has planned is that shape's plan with its literals as
// arguments (shapes.go); any other statement is planned by its text.
func (c *conn) cached(text string) (*prepared, []weir.Value, error) {
	if p, ok := c.cache[text]; ok {
		return p, nil, nil
	}
	if p, args, ok := c.lifted(text); ok {
		return p, args, nil
	}
	p, err := c.cachedText(text)
	return p, nil, err
}

// cachedText returns the plan of a simple query's statement by its text, planned once per
// connection while the cache has room (the dialect's statements replan themselves when
// the catalog changes).
func (c *conn) cachedText(text string) (*prepared, error) {
	if p, ok := c.cache[text]; ok {
		return p, nil
	}
	ctx := c.begin()
	p, err := c.prepare(ctx, text, nil)
	c.end()
	if err != nil {
		return nil, err
	}
	if p.st != nil {
		if len(c.cache) >= 256 {
			clear(c.cache)
		}
		c.cache[text] = p
	}
	return p, nil
}

// runPortal runs a portal's statement, once: a query's rows are kept for the Executes that
// send them.
func (c *conn) runPortal(pt *portal) error {
	if pt.ran {
		return nil
	}
	p := pt.p
	if c.tx != nil && c.txFailed && !p.txControl {
		return newPGError(stateInFailedTx, "current transaction is aborted, commands ignored until end of transaction block")
	}
	pt.ran = true
	if p.session != nil {
		c.counts.messages[kindSession]++
		return p.session(c, pt)
	}
	ctx := c.begin()
	defer c.end()
	if d := c.settings.statementTimeout(); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	if p.st.IsQuery() {
		rows, err := p.st.Query(ctx, c.tx, pt.args)
		if err != nil {
			return err
		}
		pt.rows = rows
		return nil
	}
	if c.tx != nil && c.txRO {
		return newPGError(stateReadOnly, "cannot execute %s in a read-only transaction", p.tag)
	}
	if c.settings.statementTimeout() == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.s.cfg.StatementTimeout)
		defer cancel()
	}
	res, err := p.st.Exec(ctx, c.tx, pt.args)
	if err != nil {
		return err
	}
	if c.tx != nil && c.tx.Done() {
		// DDL commits the engine's transaction: the block goes on in a new one.
		if c.tx, err = c.s.e.Begin(c.ctx); err != nil {
			return err
		}
	}
	pt.tag = tagFor(p.tag, res)
	return nil
}

// sendRows sends a portal's rows from where the last Execute stopped: at most max (0: all),
// then PortalSuspended when rows remain, else CommandComplete.
func (c *conn) sendRows(pt *portal, max int) {
	if pt.p.fields == nil {
		c.complete(pt.tag, -1)
		return
	}
	// As PostgreSQL: an Execute that sends its limit suspends the portal even when no row
	// is left (the next Execute completes it), and the tag counts this Execute's rows.
	n := pt.numRows()
	sent := 0
	for ; pt.pos < n; sent++ {
		if max > 0 && sent == max {
			break
		}
		if err := c.sendRow(pt.row(pt.pos), pt.p.fields, pt.formats); err != nil {
			c.sendError(err)
			pt.pos = n
			return
		}
		pt.pos++
		if err := c.loop.Added(); err != nil {
			return
		}
	}
	if max > 0 && sent == max {
		c.send(&pgproto3.PortalSuspended{})
		return
	}
	switch pt.tag {
	case "", "SELECT":
		c.complete("SELECT", sent)
	default:
		c.complete(pt.tag, -1)
	}
}

// padChars pads the text buf[start:] with spaces to n characters, as PostgreSQL shows a
// character(n) value (Weir keeps it without trailing spaces); the same bytes are its binary
// format.
func padChars(buf []byte, start, n int) []byte {
	for have := utf8.RuneCount(buf[start:]); have < n; have++ {
		buf = append(buf, ' ')
	}
	return buf
}

// sendRow sends one DataRow: each value encoded into one scratch buffer, and the message
// built from slices of it, so a row allocates nothing once the buffers have grown.
func (c *conn) sendRow(vals []weir.Value, fields []field, formats []int16) error {
	c.scratch = c.scratch[:0]
	c.offsets = c.offsets[:0]
	var err error
	for i, v := range vals {
		if i >= len(fields) {
			break
		}
		start := len(c.scratch)
		if v.IsNull() {
			c.offsets = append(c.offsets, -1, -1)
			continue
		}
		if formats[i] == pgtype.BinaryFormatCode {
			c.scratch, err = c.codec.appendBinary(c.scratch, v, fields[i].typ.oid)
		} else {
			c.scratch, err = c.codec.appendText(c.scratch, v, fields[i].typ.oid)
		}
		if err != nil {
			var pe *pgError
			if errors.As(err, &pe) {
				return pe
			}
			return newPGError(stateInvalidText, "column %q: %v", fields[i].name, err)
		}
		if t := fields[i].typ; t.oid == pgtype.BPCharOID && t.mod > 4 && v.Kind() == dataflow.KindString {
			c.scratch = padChars(c.scratch, start, int(t.mod-4))
		}
		c.offsets = append(c.offsets, start, len(c.scratch))
	}
	c.rowVals = c.rowVals[:0]
	for i := 0; i < len(c.offsets); i += 2 {
		if c.offsets[i] < 0 {
			c.rowVals = append(c.rowVals, nil)
			continue
		}
		c.rowVals = append(c.rowVals, c.scratch[c.offsets[i]:c.offsets[i+1]:c.offsets[i+1]])
	}
	c.dataRow.Values = c.rowVals
	c.send(&c.dataRow)
	if cap(c.scratch) > 1<<20 {
		c.scratch = nil
	}
	return nil
}

// sendRowDescription describes a statement's columns in the given formats.
func (c *conn) sendRowDescription(fields []field, formats []int16) {
	fds := make([]pgproto3.FieldDescription, len(fields))
	for i, f := range fields {
		fds[i] = pgproto3.FieldDescription{
			Name:         []byte(f.name),
			DataTypeOID:  f.typ.oid,
			DataTypeSize: f.typ.size,
			TypeModifier: f.typ.mod,
		}
		if formats != nil {
			fds[i].Format = formats[i]
		}
	}
	c.send(&pgproto3.RowDescription{Fields: fds})
}

// textField is a column of text, as SHOW and the catalog answers have.
func textField(name string) field {
	return field{name: name, typ: pgType{pgtype.TextOID, -1, -1}}
}

func textRow(vals ...string) []weir.Value {
	row := make([]weir.Value, len(vals))
	for i, v := range vals {
		row[i] = dataflow.String(v)
	}
	return row
}
