package server

import (
	"context"
	"encoding/binary"
	"math"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/pingcap/tidb/pkg/parser"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// session is one client connection's state and its handler for go-mysql's command loop.
// go-mysql calls it from the connection's goroutine only, so it needs no lock.
type session struct {
	srv  *Server
	id   uint32
	user string
	// db is the database USE (or the handshake) selected, as DATABASE() shows it: "" when
	// none is. dbCtx carries it to the engine once one was selected; before that, names
	// resolve in Weir's default database.
	db    string
	dbCtx context.Context
	// buffered is bufferedOf (the read context) with rowBuf (see bufferedCtx); nowait is
	// buffered under weir.WithoutWaiting, for the poller.
	buffered, bufferedOf, nowait context.Context
	rowBuf                       weir.RowBuffer

	// tx is the open transaction (BEGIN, or any statement while autocommit is off), nil
	// outside one; manual is set by SET autocommit = 0.
	tx         *weir.Tx
	txReadOnly bool
	manual     bool

	// binary is set while a prepared statement the server answers itself runs, so its
	// result set uses the binary protocol.
	binary bool

	// foundRows: the client asked for found rows (CLIENT_FOUND_ROWS, which mysql2 and
	// others set): an UPDATE reports the rows it matched, not only those it changed.
	foundRows bool
	// flags holds the server status flags every OK and EOF packet carries.
	flags uint16

	lastInsertID uint64
	// warnings are those of the last statement, for SHOW WARNINGS.
	warnings []weir.Warning
	vars     map[string]string         // session variables set by SET, lower-case names
	userVars map[string]any            // @name values set by SET @name = literal
	stmts    map[uint32]*prepared      // by statement id
	defs     map[*weir.Column][][]byte // encoded column definitions, see columnDefs
	parser   *parser.Parser            // for the statements the session answers itself, see parseOne
	lastStmt uint32                    // the id of the last statement prepared
	touched  uint64                    // touchRows's sums, kept so that its reads are made
	// minLSN (SET @weir_min_lsn): the session's reads wait until a mirror has applied this
	// upstream position; 0 for none.
	minLSN uint64
	// px is the session's side of proxy mode (Config.Proxy); nil outside it.
	px *proxySession
}

// prepared is a statement a client prepared: a Weir statement, or (st nil) one the server
// answers itself, run as text on each execution.
type prepared struct {
	id     uint32
	sql    string
	st     *weir.Stmt
	params int
	fields []*mysql.Field // a SELECT's column definitions, made once
	defs   [][]byte       // the same, encoded
	// types holds the parameter types of the last execution that sent them: a client may
	// send them once and leave them out of later executions.
	types []byte
	// long holds values sent with COM_STMT_SEND_LONG_DATA for the next execution.
	long       [][]byte
	longTooBig bool
	vals       []dataflow.Value // the current execution's arguments, reused
}

func newSession(srv *Server, id uint32) *session {
	s := &session{
		srv:      srv,
		id:       id,
		vars:     map[string]string{},
		userVars: map[string]any{},
		stmts:    map[uint32]*prepared{},
		defs:     map[*weir.Column][][]byte{},
	}
	if srv.proxy != nil {
		s.px = newProxySession(srv)
		s.dbCtx = s.px.readCtx // what Weir answers reads the mirrored tables
	}
	return s
}

// ctx bounds one DDL or write statement: the server's base context (cancelled when a
// shutdown runs out of patience) and the statement timeout.
func (s *session) ctx() (context.Context, context.CancelFunc) {
	base := s.readCtx()
	if s.vars["foreign_key_checks"] == "0" {
		// SET foreign_key_checks = 0, as dumps begin: DDL and writes skip them.
		base = weir.WithoutForeignKeyChecks(base)
	}
	return context.WithTimeout(base, s.srv.cfg.StatementTimeout)
}

// readCtx is the context of a read. The engine bounds every wait of a read (for a fill, for
// a write to become visible) by its ReadTimeout, so a read needs no timer of its own: a
// context with a deadline per read cost a timer allocation on the hottest path.
func (s *session) readCtx() context.Context {
	if s.dbCtx != nil {
		return s.dbCtx
	}
	return s.srv.base
}

// UseDB handles COM_INIT_DB and USE.
func (s *session) UseDB(name string) error {
	spelled, ok := s.srv.engine.DatabaseSpelling(name)
	if !ok {
		return wireError(codeBadDB, "42000", "Unknown database '%s'", name)
	}
	s.selectDB(spelled)
	return nil
}

// selectDB makes db the session's database ("": none, after it was dropped).
func (s *session) selectDB(db string) {
	s.db = db
	s.dbCtx = weir.WithDatabase(s.srv.base, db)
}

// resolveDB is the database the session's unqualified names resolve in.
func (s *session) resolveDB() string {
	if s.dbCtx == nil {
		return weir.DatabaseName
	}
	return s.db
}

// key is the catalog key of table name in database db ("": the session's).
func (s *session) key(db, name string) (string, error) {
	if db == "" {
		if db = s.resolveDB(); db == "" {
			return "", wireError(codeNoDB, "3D000", "No database selected")
		}
	}
	return planner.TableKey(db, name), nil
}

// HandleQuery handles COM_QUERY.
func (s *session) HandleQuery(query string) (*mysql.Result, error) {
	s.clearWarnings(query)
	res, err := s.run(query)
	s.srv.metrics.statement(err)
	if err != nil {
		s.srv.logStatementError(s, query, err)
		return nil, toWire(err)
	}
	return res, nil
}

// run executes one statement sent as text (or prepared without parameters, see binary).
func (s *session) run(query string) (*mysql.Result, error) {
	sql := trimStatement(query)
	if sql == "" {
		return nil, wireError(1065, "42000", "Query was empty")
	}
	words := leadingWords(sql, 3)
	first, second := word(words, 0), word(words, 1)
	execSQL := func(ctx context.Context) (weir.Result, error) { return s.srv.engine.Exec(ctx, sql) }
	switch first {
	case "SELECT", "(", "WITH", "VALUES":
		return s.selectText(sql)
	case "INSERT", "UPDATE", "DELETE", "REPLACE":
		return s.write(sql, nil, execSQL)
	case "CREATE":
		if second == "CACHE" {
			return s.createCache(sql)
		}
		return s.ddl(execSQL)
	case "DROP":
		if second == "CACHE" {
			return s.dropCache(sql)
		}
		res, err := s.ddl(execSQL)
		if err == nil && (second == "DATABASE" || second == "SCHEMA") && s.db != "" && !s.srv.engine.HasDatabase(s.db) {
			s.selectDB("") // MySQL's session has no database once its own is dropped
		}
		return res, err
	case "TRUNCATE", "ALTER", "RENAME":
		return s.ddl(execSQL)
	case "SHOW":
		if second == "CACHES" {
			return s.showCaches(sql)
		}
		return s.show(sql)
	case "SET":
		return nil, s.set(sql)
	case "USE":
		return nil, s.UseDB(unquoteName(afterWords(sql, 1)))
	case "BEGIN", "START":
		if first == "START" && second != "TRANSACTION" {
			break
		}
		return nil, s.begin(sql)
	case "COMMIT":
		if err := txEnd(sql); err != nil {
			return nil, err
		}
		return nil, s.commit()
	case "ROLLBACK":
		if second == "TO" {
			return nil, unsupported("savepoints (ROLLBACK TO)")
		}
		if err := txEnd(sql); err != nil {
			return nil, err
		}
		s.rollback()
		return nil, nil
	case "SAVEPOINT", "RELEASE":
		return nil, unsupported("savepoints (%s)", first)
	case "DESCRIBE", "DESC", "EXPLAIN":
		switch second {
		case "SELECT", "WITH", "(", "VALUES":
			return s.explainSelect(afterWords(sql, 1))
		case "GRAPH":
			if first == "EXPLAIN" {
				return s.explainGraph(sql)
			}
		}
		if first != "EXPLAIN" {
			return s.describe(sql)
		}
		return nil, unsupported("EXPLAIN %s (use EXPLAIN SELECT … or EXPLAIN GRAPH [cache])", strings.ToUpper(second))
	}
	// Anything else goes to the engine, which names what it does not support.
	return s.run1(execSQL)
}

// clearWarnings forgets the warnings of the previous statement, as MySQL does when a new
// statement runs, unless the statement is one that reads them (SHOW WARNINGS, SHOW ERRORS,
// SHOW COUNT(*) WARNINGS).
func (s *session) clearWarnings(sql string) {
	if s.warnings == nil {
		return
	}
	if w := leadingWords(trimStatement(sql), 2); word(w, 0) == "SHOW" {
		switch word(w, 1) {
		case "WARNINGS", "ERRORS", "COUNT(*)", "COUNT":
			return
		}
	}
	s.warnings = nil
}

// write runs an INSERT, REPLACE, UPDATE or DELETE (args for a prepared one's
// placeholders): in the session's transaction when one is open or autocommit is off,
// otherwise on its own through run.
func (s *session) write(sql string, args []any, run func(ctx context.Context) (weir.Result, error)) (*mysql.Result, error) {
	if s.tx == nil && !s.manual {
		return s.run1(run)
	}
	if err := s.implicitBegin(); err != nil {
		return nil, err
	}
	return s.run1(func(ctx context.Context) (weir.Result, error) {
		res, err := s.tx.Exec(ctx, sql, args...)
		if s.tx.Done() {
			// A deadlock (1213) rolled the transaction back.
			s.tx = nil
			s.syncFlags()
		}
		return res, err
	})
}

// ddl runs a statement that changes the schema, after committing the open transaction
// (MySQL's implicit commit).
func (s *session) ddl(run func(ctx context.Context) (weir.Result, error)) (*mysql.Result, error) {
	if err := s.commit(); err != nil {
		return nil, err
	}
	return s.run1(run)
}

// run1 runs a DDL or write statement and reports its affected rows and insert id.
func (s *session) run1(run func(ctx context.Context) (weir.Result, error)) (*mysql.Result, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	res, err := run(ctx)
	if err != nil {
		return nil, err
	}
	if res.LastInsertID != 0 {
		s.lastInsertID = res.LastInsertID
	}
	affected := res.RowsAffected
	if s.foundRows {
		affected = res.RowsFound
	}
	s.warnings = res.Warnings
	return &mysql.Result{AffectedRows: uint64(affected), InsertId: res.LastInsertID,
		Warnings: uint16(min(len(res.Warnings), math.MaxUint16))}, nil
}

// selectText runs a SELECT sent as text: through the view of its shape (literals in WHERE
// become the key), or, for the SELECTs without FROM that drivers and tools send (system
// variables, DATABASE(), VERSION()), answered by the session.
func (s *session) selectText(sql string) (*mysql.Result, error) {
	rows, res, err := s.selectRows(sql)
	if err != nil || res != nil {
		return res, err
	}
	return encodeRows(rows, nil, s.binary)
}

// selectRows is selectText's read: the rows of a view, or a result the session made.
func (s *session) selectRows(sql string) (weir.Rows, *mysql.Result, error) {
	if err := s.waitMinLSN(); err != nil {
		return weir.Rows{}, nil, err
	}
	inTx, err := s.readInTx()
	if err != nil {
		return weir.Rows{}, nil, err
	}
	if !hasFrom(sql) {
		// The session answers what it knows of itself (DATABASE() is NULL before a USE,
		// system variables); the engine evaluates the rest.
		if res, ok := s.selectSession(sql); ok {
			return weir.Rows{}, res, nil
		}
	}
	var rows weir.Rows
	if inTx {
		rows, err = s.txQuery(sql)
	} else {
		rows, err = s.srv.engine.Query(s.readCtx(), sql)
	}
	if err != nil {
		if res, ok := s.selectSession(sql); ok {
			return weir.Rows{}, res, nil
		}
		return weir.Rows{}, nil, err
	}
	return rows, nil, nil
}

// encodeRows puts a read's rows in a result set, with the given column definitions (nil:
// made from the rows' columns).
func encodeRows(rows weir.Rows, fields []*mysql.Field, binary bool) (*mysql.Result, error) {
	var rs *resultset
	if fields != nil {
		rs = &resultset{fields: fields, binary: binary}
	} else {
		rs = newResultset(rows.Columns(), binary)
	}
	for i := range rows.Len() {
		if err := rs.add(rows.Row(i)); err != nil {
			return nil, err
		}
	}
	return rs.result(), nil
}

// prepareStmt plans a statement a client prepares: the statement is planned now, so the
// client gets its parameter count and real column definitions.
func (s *session) prepareStmt(query string) (*prepared, error) {
	sql := trimStatement(query)
	p := &prepared{sql: sql}
	switch word(leadingWords(sql, 1), 0) {
	case "SELECT", "(", "WITH", "VALUES", "INSERT", "UPDATE", "DELETE", "REPLACE":
		st, err := s.srv.engine.PrepareContext(s.readCtx(), sql)
		if err != nil {
			if countPlaceholders(sql) == 0 {
				// A SELECT of session variables, say: answered as text on each execution.
				if _, ok := s.selectSession(sql); ok {
					return p, nil
				}
			}
			return nil, err
		}
		p.st = st
		for _, c := range st.Columns() {
			f := fieldFor(c)
			p.fields = append(p.fields, f)
			p.defs = append(p.defs, f.Dump())
		}
		p.params = st.NumParams()
	default:
		// DDL, SET, SHOW and the rest take no parameters and run as text when executed.
		if n := countPlaceholders(sql); n > 0 {
			what := word(leadingWords(sql, 1), 0)
			if what == "" {
				what = "this statement"
			}
			return nil, unsupported("parameters in %s", what)
		}
	}
	return p, nil
}

// runBinary runs a prepared statement the server answers itself, with a result set in the
// binary protocol.
func (s *session) runBinary(sql string) (*mysql.Result, error) {
	s.binary = true
	defer func() { s.binary = false }()
	return s.run(sql)
}

// HandleFieldList handles COM_FIELD_LIST, which the mariadb client sends to complete column
// names.
func (s *session) HandleFieldList(table string, wildcard string) ([]*mysql.Field, error) {
	table, err := s.key("", table)
	if err != nil {
		return nil, err
	}
	schema, err := s.srv.engine.Table(table)
	if err != nil {
		cols, verr := s.srv.engine.SQLViewColumns(table)
		if verr != nil {
			return nil, toWire(err)
		}
		var out []*mysql.Field
		for _, c := range cols {
			out = append(out, fieldFor(c))
		}
		return out, nil
	}
	var out []*mysql.Field
	for _, c := range schema.Columns(planner.KeyName(schema.Name)) {
		out = append(out, fieldFor(c))
	}
	return out, nil
}

// binaryTime decodes a DATE or DATETIME of the binary protocol (its length byte already
// taken): year (2 bytes), month, day, then optionally hour, minute, second and microseconds.
func binaryTime(b []byte) (time.Time, error) {
	switch len(b) {
	case 0:
		return time.Time{}, nil
	case 4, 7, 11:
	default:
		return time.Time{}, wireError(1210, "HY000", "Incorrect arguments to EXECUTE: a temporal parameter of %d bytes", len(b))
	}
	y, mo, d := int(binary.LittleEndian.Uint16(b)), time.Month(b[2]), int(b[3])
	var h, mi, sec, us int
	if len(b) >= 7 {
		h, mi, sec = int(b[4]), int(b[5]), int(b[6])
	}
	if len(b) == 11 {
		us = int(binary.LittleEndian.Uint32(b[7:]))
	}
	return time.Date(y, mo, d, h, mi, sec, us*1000, time.UTC), nil
}
