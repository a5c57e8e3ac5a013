package conformance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner"
)

// Target is one front end the scenarios run against: MariaDB, Weir's Go API, or Weir's MySQL
// protocol server in text or prepared mode.
type Target interface {
	// Name labels the target in reports.
	Name() string
	// Exec runs a DDL or write statement.
	Exec(ctx context.Context, sql string, args []any) (ExecResult, error)
	// Query runs a SELECT with parameter values for its placeholders.
	Query(ctx context.Context, sql string, args []any) (*ResultSet, error)
	// Table returns the full content of a base table.
	Table(ctx context.Context, name string) (*ResultSet, error)
	// ErrorCode extracts the MySQL error number from an error this target returned; ok is
	// false when the error carries none.
	ErrorCode(err error) (code int, ok bool)
}

// ExecResult is what a client learns from a successful write.
type ExecResult struct {
	RowsAffected int64
	LastInsertID uint64
}

// ResultSet is a query result normalized for comparison.
type ResultSet struct {
	// Columns are the result's column names; nil when the target does not report them.
	Columns []string
	// Types are the columns' types as the protocol announces them (PostgreSQL's type
	// names, from the RowDescription's OIDs); nil when the target does not report them.
	Types []string
	Rows  [][]Cell
}

// sqlTarget runs statements through database/sql on one pinned connection, so session state
// (a front end's read-your-writes token, for instance) carries from a write to the next read
// the way it does for an application holding one connection.
type sqlTarget struct {
	name string
	conn *sql.Conn
	// home is the database the connection started in, where the tables a scenario names
	// without a database are, whatever it USEs later.
	home string
}

// NewSQLTarget returns a Target over one connection of db. The caller closes db; closing the
// connection is done by Close.
func NewSQLTarget(ctx context.Context, name string, db *sql.DB) (Target, func() error, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("conformance: %s: connect: %w", name, err)
	}
	var home sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&home); err != nil {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("conformance: %s: current database: %w", name, err)
	}
	if !home.Valid {
		// Only Weir lets a client work with no database selected: in its default one.
		home.String = weir.DatabaseName
	}
	return &sqlTarget{name: name, conn: conn, home: home.String}, conn.Close, nil
}

func (s *sqlTarget) Name() string { return s.name }

// homeToken, in a scenario's SQL, stands for the database a target starts in: a scenario
// that creates databases names them {db}_name, so that runs sharing one server never meet,
// and reaches the target's own tables as {db}.name.
const homeToken = "{db}"

func expandHome(sql, home string) string { return strings.ReplaceAll(sql, homeToken, home) }

func (s *sqlTarget) Exec(ctx context.Context, query string, args []any) (ExecResult, error) {
	query = expandHome(query, s.home)
	res, err := s.conn.ExecContext(ctx, query, args...)
	if err != nil {
		return ExecResult{}, err
	}
	var out ExecResult
	if out.RowsAffected, err = res.RowsAffected(); err != nil {
		return ExecResult{}, fmt.Errorf("conformance: rows affected: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return ExecResult{}, fmt.Errorf("conformance: last insert id: %w", err)
	}
	out.LastInsertID = uint64(id)
	return out, nil
}

func (s *sqlTarget) Query(ctx context.Context, query string, args []any) (*ResultSet, error) {
	query = expandHome(query, s.home)
	rows, err := s.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("conformance: column types: %w", err)
	}
	rs := &ResultSet{Columns: make([]string, len(types))}
	for i, t := range types {
		rs.Columns[i] = t.Name()
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("conformance: scan: %w", err)
		}
		row := make([]Cell, len(vals))
		for i, v := range vals {
			c, err := CellFromDriver(v, types[i].DatabaseTypeName())
			if err != nil {
				return nil, fmt.Errorf("conformance: column %s: %w", rs.Columns[i], err)
			}
			row[i] = c
		}
		rs.Rows = append(rs.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return rs, nil
}

func (s *sqlTarget) Table(ctx context.Context, name string) (*ResultSet, error) {
	quote := func(n string) string { return "`" + strings.ReplaceAll(n, "`", "``") + "`" }
	db, table, ok := strings.Cut(expandHome(name, s.home), ".")
	if !ok {
		db, table = s.home, name
	}
	return s.Query(ctx, "SELECT * FROM "+quote(db)+"."+quote(table), nil)
}

func (s *sqlTarget) ErrorCode(err error) (int, bool) {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return int(me.Number), true
	}
	return 0, false
}

// weirTarget runs statements on an engine through its Go API. Each distinct SELECT text is
// registered once as a view and then only looked up, carrying the newest write token, so
// every read after a write goes through the incremental path and sees that write.
type weirTarget struct {
	eng        *weir.Engine
	views      map[string]*weir.View
	registered int // views registered so far, which names the next one
	token      weir.Token
	// tx is the transaction BEGIN opened, nil outside one: the Go API's transactions stand
	// for a connection's.
	tx *weir.Tx
	// db is the database the last USE selected, which statements carry in their context
	// as a connection's session does, once used says one was ("": dropped since).
	db   string
	used bool
	// clock, when set, is the engine's injected clock, which SET timestamp moves
	// (clock.go).
	clock *Clock
}

// in is ctx carrying the database USE selected.
func (w *weirTarget) in(ctx context.Context) context.Context {
	if !w.used {
		return ctx
	}
	return weir.WithDatabase(ctx, w.db)
}

// NewWeirTarget returns a Target over eng.
func NewWeirTarget(eng *weir.Engine) Target {
	return &weirTarget{eng: eng, views: map[string]*weir.View{}}
}

func (w *weirTarget) Name() string { return "Weir" }

func (w *weirTarget) Exec(ctx context.Context, query string, args []any) (ExecResult, error) {
	query = expandHome(query, weir.DatabaseName)
	if m := useDatabase.FindStringSubmatch(query); m != nil {
		db, ok := w.eng.DatabaseSpelling(m[1])
		if !ok {
			return ExecResult{}, &weir.Error{Code: 1049, SQLState: "42000", Msg: fmt.Sprintf("Unknown database '%s'", m[1])}
		}
		w.db, w.used = db, true
		return ExecResult{}, nil
	}
	ctx = w.in(ctx)
	if ok, err := w.setClock(ctx, query); ok {
		return ExecResult{}, err
	}
	if verb, ok := txVerb(query); ok {
		return ExecResult{}, w.control(ctx, verb, query)
	}
	var res weir.Result
	var err error
	if w.tx != nil {
		res, err = w.tx.Exec(ctx, query, args...)
		if w.tx.Done() {
			w.tx = nil
		}
	} else {
		res, err = w.eng.Exec(ctx, query, args...)
	}
	if err != nil {
		return ExecResult{}, err
	}
	if w.used && w.db != "" && !w.eng.HasDatabase(w.db) {
		w.db = "" // a session's database is none once it is dropped
	}
	if res.Token > w.token {
		w.token = res.Token
	}
	return ExecResult{RowsAffected: res.RowsAffected, LastInsertID: res.LastInsertID}, nil
}

// txVerb recognizes the statements that open and end a transaction.
func txVerb(query string) (string, bool) {
	words := strings.Fields(strings.ToUpper(strings.TrimRight(strings.TrimSpace(query), ";")))
	if len(words) == 0 {
		return "", false
	}
	switch words[0] {
	case "BEGIN", "COMMIT", "ROLLBACK":
		return words[0], true
	case "START":
		return "BEGIN", len(words) > 1 && words[1] == "TRANSACTION"
	}
	return "", false
}

// control runs BEGIN / START TRANSACTION, COMMIT or ROLLBACK on the Go API.
func (w *weirTarget) control(ctx context.Context, verb, query string) error {
	end := func(commit bool) error {
		if w.tx == nil {
			return nil
		}
		tx := w.tx
		w.tx = nil
		if !commit {
			return tx.Rollback()
		}
		tok, err := tx.Commit(ctx)
		if tok > w.token {
			w.token = tok
		}
		return err
	}
	switch verb {
	case "COMMIT":
		return end(true)
	case "ROLLBACK":
		return end(false)
	}
	if err := end(true); err != nil { // BEGIN commits an open transaction
		return err
	}
	tx, err := w.eng.BeginTx(w.in(ctx), weir.TxOptions{ReadOnly: strings.Contains(strings.ToUpper(query), "READ ONLY")})
	if err != nil {
		return err
	}
	w.tx = tx
	return nil
}

func (w *weirTarget) view(ctx context.Context, query string) (*weir.View, error) {
	if v, ok := w.views[query]; ok {
		return v, nil
	}
	w.registered++
	v, err := w.eng.Register(w.in(ctx), fmt.Sprintf("conformance_%d", w.registered), query)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	w.views[query] = v
	return v, nil
}

// Prepare registers the view for query without reading it.
func (w *weirTarget) Prepare(ctx context.Context, query string) error {
	query = expandHome(query, weir.DatabaseName)
	if catalog, err := w.readsCatalog(query); err != nil || catalog {
		return err
	}
	_, err := w.view(ctx, query)
	return err
}

// readsCatalog reports whether query reads information_schema, which no view can be made
// of: such a query is answered from the catalog each time it runs.
func (w *weirTarget) readsCatalog(query string) (bool, error) {
	st, err := w.eng.PrepareContext(w.in(context.Background()), query)
	if err != nil {
		return false, err
	}
	return st.ReadsCatalog(), nil
}

// read runs query through its view, or from the catalog for information_schema.
func (w *weirTarget) read(ctx context.Context, query string, args []any) (weir.Rows, error) {
	if catalog, err := w.readsCatalog(query); err != nil || catalog {
		if err != nil {
			return weir.Rows{}, err
		}
		return w.eng.Query(w.in(ctx), query, args...)
	}
	v, err := w.view(ctx, query)
	if err != nil {
		return weir.Rows{}, err
	}
	rows, err := v.LookupAfter(ctx, w.token, args...)
	if errors.Is(err, weir.ErrNoSuchView) {
		// A change to a table (ALTER TABLE, RENAME TABLE) or to a SQL view it reads dropped
		// a cache: an application makes it again, over the definitions as they are now.
		delete(w.views, query)
		if v, err = w.view(ctx, query); err != nil {
			return weir.Rows{}, err
		}
		rows, err = v.LookupAfter(ctx, w.token, args...)
	}
	if err != nil {
		return weir.Rows{}, fmt.Errorf("lookup: %w", err)
	}
	return rows, nil
}

func (w *weirTarget) Query(ctx context.Context, query string, args []any) (*ResultSet, error) {
	query = expandHome(query, weir.DatabaseName)
	rows, err := w.read(ctx, query, args)
	if err != nil {
		return nil, err
	}
	cols := rows.Columns()
	rs := &ResultSet{Columns: make([]string, len(cols))}
	for i, c := range cols {
		rs.Columns[i] = c.Name
	}
	for i := 0; i < rows.Len(); i++ {
		vals := rows.Row(i)
		if len(vals) != len(cols) {
			return nil, fmt.Errorf("lookup: row %d has %d values for %d columns", i, len(vals), len(cols))
		}
		row := make([]Cell, len(vals))
		for j, v := range vals {
			row[j] = CellFromValue(v)
		}
		rs.Rows = append(rs.Rows, row)
	}
	return rs, nil
}

func (w *weirTarget) Table(ctx context.Context, name string) (*ResultSet, error) {
	db, table, ok := strings.Cut(expandHome(name, weir.DatabaseName), ".")
	if ok {
		name = planner.TableKey(db, table)
	}
	rows, err := w.eng.TableRows(ctx, name)
	if err != nil {
		return nil, err
	}
	rs := &ResultSet{}
	for _, r := range rows {
		row := make([]Cell, len(r))
		for j, v := range r {
			row[j] = CellFromValue(v)
		}
		rs.Rows = append(rs.Rows, row)
	}
	return rs, nil
}

func (w *weirTarget) ErrorCode(err error) (int, bool) {
	code, _, ok := weir.ErrorCode(err)
	return code, ok
}
