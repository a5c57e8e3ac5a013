package weir

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/tables"
)

// Error numbers of transactions.
const (
	// ErrCodeDeadlock (SQLSTATE 40001): a transaction's COMMIT (or a later statement) found
	// that a concurrent write changed the outcome of one of its statements; the transaction
	// is rolled back, and the client retries it, as after an InnoDB deadlock.
	ErrCodeDeadlock = 1213
	// ErrCodeTxTooBig: a transaction grew past the statements or rows Weir holds for it
	// (MySQL's "Multi-statement transaction required more than 'max_binlog_cache_size'").
	ErrCodeTxTooBig = 1197
	// ErrCodeTxReadOnly: a write in a READ ONLY transaction.
	ErrCodeTxReadOnly = 1792
)

// Bounds of one transaction: each statement applies the earlier ones again (see Tx), so
// the work of a statement grows with the transaction.
const (
	maxTxStatements = 1000
	maxTxRows       = 100_000
)

// ErrTxDone is returned by the methods of a transaction that has committed or rolled back.
var ErrTxDone = errors.New("weir: the transaction has already been committed or rolled back")

var errDeadlock = newError(ErrCodeDeadlock, "40001", "Deadlock found when trying to get lock; try restarting transaction")

// Tx is a transaction: writes that take effect together at Commit, as one write with one
// token and one durable batch, or not at all.
//
// Weir's base tables have no locks. A transaction records its statements with their
// arguments and the values they were given (AUTO_INCREMENT ids, the clock, RAND() and
// UUID()). Each statement is run, in the base domain, after the transaction's earlier
// statements are applied again over the live tables; its outcome (affected rows, insert
// id, or error) is what the client is told, and then everything is taken back through the
// undo logs, with nothing sent down the graph. Commit applies them all once more: if each
// statement's outcome is still the one its client was told, the changes go down the graph
// and to the durable store as one write; if a concurrent write changed one (say it took
// the key a transaction's INSERT was given), the transaction is rolled back and Commit fails
// with error 1213 (SQLSTATE 40001), which applications and ORMs retry. A statement that
// fails is taken back alone and the transaction stays open, as in MySQL. AUTO_INCREMENT
// values a transaction was given are not handed out again, even when it rolls back.
//
// A transaction that has written cannot read through the caches, which do not hold its
// writes: Query then evaluates the query over the tables with its writes (see Query).
//
// A Tx is safe for concurrent use, but its statements run one at a time.
type Tx struct {
	e        *Engine
	readOnly bool

	mu    sync.Mutex
	done  bool
	stmts []*txStmt
	rows  int // rows the statements changed, summed
}

// txStmt is a statement of a transaction, as run: text, arguments, the values it was
// given, and the outcome its client was told.
type txStmt struct {
	sql  string
	db   string // the database its unqualified names resolve in
	args dataflow.Row
	gen  tables.Generated
	res  Result
	rows int
	// fkChecks: the statement was executed with foreign key checks on.
	fkChecks bool
}

// TxOptions configures a transaction.
type TxOptions struct {
	// ReadOnly refuses writes (START TRANSACTION READ ONLY) with error 1792.
	ReadOnly bool
}

// Begin starts a transaction.
func (e *Engine) Begin(ctx context.Context) (*Tx, error) { return e.BeginTx(ctx, TxOptions{}) }

// BeginTx starts a transaction with options.
func (e *Engine) BeginTx(ctx context.Context, opts TxOptions) (*Tx, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &Tx{e: e, readOnly: opts.ReadOnly}, nil
}

// Wrote reports whether the transaction holds a write.
func (tx *Tx) Wrote() bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return len(tx.stmts) > 0
}

// Done reports whether the transaction has committed or rolled back (also implicitly: a
// DDL statement commits it, a deadlock rolls it back).
func (tx *Tx) Done() bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.done
}

// Exec runs a write inside the transaction and returns its outcome (affected rows, insert
// id; Token stays zero until Commit). A DDL statement (CREATE/DROP TABLE, TRUNCATE) commits
// the transaction first and then runs on its own, as MySQL's implicit commit does; the
// transaction is then done.
func (tx *Tx) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return Result{}, ErrTxDone
	}
	e := tx.e
	if err := e.checkOpen(); err != nil {
		return Result{}, err
	}
	db := contextDatabase(ctx)
	st, _, err := e.plan(db, sql)
	if err != nil {
		return Result{}, err
	}
	switch st.(type) {
	case *planner.Select:
		return Result{}, newError(ErrCodeWrongUsage, "42000", "Exec runs DDL and writes; use Tx.Query to read a SELECT")
	case *planner.Insert, *planner.Update, *planner.Delete:
	default:
		// DDL: MySQL commits the open transaction first. The result's token covers both.
		tok, err := tx.commitLocked(ctx)
		if err != nil {
			return Result{}, err
		}
		res, err := e.Exec(ctx, sql, args...)
		res.Token = max(res.Token, tok)
		return res, err
	}
	if e.mirror != nil {
		return Result{}, errMirrorReadOnly(st.Verb())
	}
	if tx.readOnly {
		return Result{}, newError(ErrCodeTxReadOnly, "25006", "Cannot execute statement in a READ ONLY transaction")
	}
	if len(tx.stmts) >= maxTxStatements {
		return Result{}, newError(ErrCodeTxTooBig, "HY000", fmt.Sprintf(
			"Multi-statement transaction required more than %d statements: Weir holds a transaction's writes until COMMIT; commit in smaller transactions", maxTxStatements))
	}
	vals, err := dataflow.RowFromGo(args)
	if err != nil {
		return Result{}, err
	}
	next := &txStmt{sql: sql, db: db, args: vals, fkChecks: foreignKeyChecks(ctx)}
	next.gen.Record = true
	res, _, _, err := tx.run(ctx, next, false)
	if err != nil {
		return Result{}, err
	}
	tx.stmts = append(tx.stmts, next)
	tx.rows += next.rows
	return res, nil
}

// Query reads a SELECT in the transaction. Before the transaction has written, that is
// Engine.Query, through the caches. After, the caches do not hold the transaction's writes,
// so the query is evaluated from scratch (package reference) over the base tables with the
// transaction's statements applied, in the base domain, and then taken back. That blocks
// every write while it runs, so it is bounded: a query that would read more than
// maxTxReadRows rows, or whose tables' sizes multiply past maxTxReadWork (a join evaluated
// row by row), fails with ErrReadAfterWriteInTx instead.
func (tx *Tx) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return Rows{}, ErrTxDone
	}
	if len(tx.stmts) == 0 {
		return tx.e.Query(ctx, sql, args...)
	}
	e := tx.e
	if err := e.checkOpen(); err != nil {
		return Rows{}, err
	}
	q, err := e.planSelect(contextDatabase(ctx), sql)
	if err != nil {
		return Rows{}, err
	}
	vals, err := dataflow.RowFromGo(args)
	if err != nil {
		return Rows{}, err
	}
	if err := q.PrepareArgs(vals); err != nil {
		return Rows{}, err
	}
	for {
		e.gate.RLock()
		rows, stale, err := tx.readLocked(ctx, q, vals)
		e.gate.RUnlock()
		if stale {
			if q, err = e.planSelect(contextDatabase(ctx), sql); err != nil {
				return Rows{}, err
			}
			continue
		}
		if errors.Is(err, errDeadlock) {
			tx.done, tx.stmts = true, nil
		}
		if err != nil {
			return Rows{}, err
		}
		return Rows{cols: q.Cols, rows: rows, width: len(q.Cols)}, nil
	}
}

// Bounds of a read in a transaction that has written (see Tx.Query).
const (
	maxTxReadRows = 100_000
	maxTxReadWork = 1_000_000
)

// ErrReadAfterWriteInTx is the error of a read in a transaction that has written which is
// too large to evaluate from scratch.
var ErrReadAfterWriteInTx = newError(ErrCodeUnsupported, "42000", fmt.Sprintf(
	"This version of Weir doesn't yet support 'large reads in a transaction after it has written': Weir's caches do not hold the transaction's writes until COMMIT, and evaluating this query over the tables would read more than %d rows; read before writing, or after COMMIT", maxTxReadRows))

// readLocked evaluates q over the tables with the transaction's statements applied, with the
// gate held shared.
func (tx *Tx) readLocked(ctx context.Context, q *planner.Query, args dataflow.Row) (rows []dataflow.Row, stale bool, err error) {
	e := tx.e
	plans, stale, err := tx.planAll(nil)
	if stale || err != nil {
		return nil, stale, err
	}
	var out struct {
		rows []dataflow.Row
		err  error
	}
	// The catalog cannot change while the gate is held; the base domain must not wait for
	// its lock.
	e.mu.RLock()
	byName := make(map[string]*tables.Table, len(e.tables))
	maps.Copy(byName, e.tables)
	e.mu.RUnlock()
	stmts := tx.stmts
	callErr := e.rt.Domains[0].Call(ctx, func() {
		ws, err := e.replay(stmts, plans)
		switch {
		case err != nil:
			out.err = err
		case !withinReadBounds(q.Root, byName):
			out.err = ErrReadAfterWriteInTx
		default:
			out.rows, out.err = reference.Eval(q, func(name string) []dataflow.Row {
				if t, ok := byName[strings.ToLower(name)]; ok {
					return t.Base.Snapshot(nil)
				}
				return nil
			}, args)
		}
		for i := len(ws) - 1; i >= 0; i-- {
			ws[i].Rollback()
		}
	})
	if callErr != nil {
		return nil, false, callErr
	}
	return out.rows, false, out.err
}

// Commit applies the transaction's writes as one write and returns its token (zero for a
// transaction that changed nothing but the newest token then, as for any write that
// changes nothing). It fails with error 1213 when a concurrent write changed the outcome
// of one of its statements; the transaction is then rolled back.
func (tx *Tx) Commit(ctx context.Context) (Token, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return 0, ErrTxDone
	}
	return tx.commitLocked(ctx)
}

func (tx *Tx) commitLocked(ctx context.Context) (Token, error) {
	tx.done = true
	if len(tx.stmts) == 0 {
		return Token(tx.e.lastToken.Load()), nil
	}
	_, tok, durable, err := tx.run(ctx, nil, true)
	tx.stmts = nil
	if err != nil {
		return 0, err
	}
	if durable != nil {
		if err := durable(); err != nil {
			return 0, fmt.Errorf("weir: the transaction was applied but could not be made durable: %w", err)
		}
	}
	return Token(tok), nil
}

// Rollback discards the transaction's writes. Rolling back a finished transaction returns
// ErrTxDone.
func (tx *Tx) Rollback() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return ErrTxDone
	}
	tx.done, tx.stmts = true, nil
	return nil
}

// txPlan is a statement of a transaction planned against the current catalog.
type txPlan struct {
	st    planner.Statement
	table *tables.Table
}

// run applies the transaction's statements again, then next (when not nil), in one call in
// the base domain. For a statement (commit false) it reports next's outcome and takes
// everything back; for a commit (next nil) it sends the changes down the graph and to the
// store as one write. An earlier statement whose outcome changed rolls the transaction back
// with error 1213.
func (tx *Tx) run(ctx context.Context, next *txStmt, commit bool) (Result, uint64, func() error, error) {
	e := tx.e
	for {
		e.gate.RLock()
		res, tok, durable, stale, err := tx.runLocked(ctx, next, commit)
		e.gate.RUnlock()
		if stale {
			continue
		}
		if errors.Is(err, errDeadlock) {
			tx.done, tx.stmts = true, nil
		}
		return res, tok, durable, err
	}
}

// runLocked is run with the gate held shared; stale reports that the catalog changed
// while the statements were planned.
func (tx *Tx) runLocked(ctx context.Context, next *txStmt, commit bool) (res Result, tok uint64, durable func() error, stale bool, err error) {
	e := tx.e
	plans, stale, err := tx.planAll(next)
	if stale || err != nil {
		return Result{}, 0, nil, stale, err
	}
	now := e.opts.Clock()
	rowsBefore := tx.rows
	// The closure reads only what is captured here: a cancelled caller may have returned
	// and gone on with the transaction before the base domain runs it.
	stmts := tx.stmts
	// out is next's outcome. The closure below runs in the base domain and may run after a
	// cancelled caller has returned, so it writes only here, read once it is known to have run.
	var out struct {
		res  Result
		rows int
		err  error
	}
	// apply applies every statement in order: the writers of those that succeeded, for the
	// caller to keep or take back.
	apply := func() ([]*tables.Writer, error) {
		ws, err := e.replay(stmts, plans)
		if err != nil || next == nil {
			return ws, err
		}
		p := plans[len(plans)-1]
		if p.table.Base.Compact() {
			p.table.Renumbered = true
		}
		next.gen.Now = now
		w := tables.NewWriter(p.table, next.args)
		w.SetGenerated(&next.gen)
		stmtWs, err := e.applyEnforced(w, p.st, next.fkChecks)
		changes := 0
		for _, sw := range stmtWs {
			changes += len(sw.Deltas())
		}
		if err == nil && rowsBefore+changes > maxTxRows {
			for i := len(stmtWs) - 1; i >= 0; i-- {
				stmtWs[i].Rollback()
			}
			err = newError(ErrCodeTxTooBig, "HY000", fmt.Sprintf(
				"Multi-statement transaction required more than %d row changes: Weir holds a transaction's writes until COMMIT; commit in smaller transactions", maxTxRows))
		}
		if err != nil {
			out.err = err
			return ws, nil
		}
		affected, unchanged, lastID := w.Counts()
		out.res = Result{RowsAffected: affected, RowsFound: affected + unchanged, LastInsertID: lastID}
		out.rows = changes
		return append(ws, stmtWs...), nil
	}
	if commit {
		tok, durable, err = e.apply(ctx, false, apply, func(ws []*tables.Writer, tok uint64) (func() error, error) {
			durable, err := e.persistWrite(ws, tok, nil)
			if err != nil {
				return nil, fmt.Errorf("weir: the transaction was not applied: %w", err)
			}
			return durable, nil
		}, nil)
		return Result{}, tok, durable, false, err
	}
	// A statement: applied and taken back, nothing sent on. AUTO_INCREMENT counters keep
	// the values handed out.
	var applyErr error
	callErr := e.rt.Domains[0].Call(ctx, func() {
		ws, err := apply()
		applyErr = err
		counters := map[*tables.Table]uint64{}
		for _, w := range ws {
			counters[w.Table()] = max(counters[w.Table()], w.Table().AutoInc)
		}
		for i := len(ws) - 1; i >= 0; i-- {
			ws[i].Rollback()
		}
		for t, n := range counters {
			t.AutoInc = max(t.AutoInc, n)
		}
	})
	if callErr != nil {
		return Result{}, 0, nil, false, callErr
	}
	if applyErr != nil {
		return Result{}, 0, nil, false, applyErr
	}
	if out.err != nil {
		return Result{}, 0, nil, false, out.err
	}
	next.res, next.rows = out.res, out.rows
	return out.res, 0, nil, false, nil
}

// planAll plans the transaction's statements, then next (when not nil), against the
// current catalog; the caller holds the gate shared. stale reports that the catalog changed
// while they were planned. An earlier statement that no longer plans (a table it wrote was
// dropped) is a conflict: error 1213.
func (tx *Tx) planAll(next *txStmt) (plans []txPlan, stale bool, err error) {
	e := tx.e
	version := e.version.Load()
	all := tx.stmts
	if next != nil {
		all = append(all[:len(all):len(all)], next)
	}
	plans = make([]txPlan, len(all))
	for i, s := range all {
		p, v, err := tx.planWrite(s)
		if v != 0 && v != version {
			return nil, true, nil
		}
		if err != nil {
			if s == next {
				return nil, false, err
			}
			return nil, false, errDeadlock
		}
		plans[i] = p
	}
	return plans, false, nil
}

// replay applies a transaction's recorded statements again, in the base domain, with the
// values they were given, and checks that each has the outcome its client was told: if not,
// a concurrent write conflicted (error 1213). It returns the writers of the statements
// applied, for the caller to keep or take back.
func (e *Engine) replay(stmts []*txStmt, plans []txPlan) ([]*tables.Writer, error) {
	ws := make([]*tables.Writer, 0, len(plans))
	for i, s := range stmts {
		p := plans[i]
		if p.table.Base.Compact() {
			p.table.Renumbered = true
		}
		s.gen.Rewind()
		w := tables.NewWriter(p.table, s.args)
		w.SetGenerated(&s.gen)
		stmtWs, err := e.applyEnforced(w, p.st, s.fkChecks)
		if err != nil {
			return ws, errDeadlock
		}
		ws = append(ws, stmtWs...)
		affected, unchanged, lastID := w.Counts()
		if affected != s.res.RowsAffected || affected+unchanged != s.res.RowsFound || lastID != s.res.LastInsertID {
			return ws, errDeadlock
		}
	}
	return ws, nil
}

// planWrite plans a statement of a transaction; v is the catalog version it was planned
// against (0 when planning failed).
func (tx *Tx) planWrite(s *txStmt) (txPlan, uint64, error) {
	e := tx.e
	st, v, err := e.plan(s.db, s.sql)
	if err != nil {
		return txPlan{}, 0, err
	}
	ws, ok := st.(planner.Write)
	if !ok {
		return txPlan{}, v, newError(ErrCodeUnsupported, "42000", fmt.Sprintf("%s cannot be executed as a write", st.Verb()))
	}
	if n := ws.Params(); len(s.args) != n {
		return txPlan{}, v, newError(ErrCodeWrongArguments, "HY000",
			fmt.Sprintf("statement has %d placeholders but %d arguments were given", n, len(s.args)))
	}
	e.mu.RLock()
	t, ok := e.tables[strings.ToLower(ws.Target())]
	e.mu.RUnlock()
	if !ok {
		return txPlan{}, v, errNoSuchTable(ws.Target())
	}
	return txPlan{st: st, table: t}, v, nil
}

// withinReadBounds estimates what evaluating a plan from scratch costs: the rows its scans
// read, and the product of their sizes (the reference evaluator joins row by row). It runs
// in the base domain.
func withinReadBounds(root planner.Plan, byName map[string]*tables.Table) bool {
	read, work, nodes := 0, 1, 0
	var walk func(p planner.Plan) bool
	walk = func(p planner.Plan) bool {
		if nodes++; nodes > 10_000 {
			return false
		}
		if sc, ok := p.(*planner.Scan); ok {
			n := 0
			if t, ok := byName[strings.ToLower(sc.Table)]; ok {
				n = t.Base.Len()
			}
			read += n
			work *= max(n, 1)
			return read <= maxTxReadRows && work <= maxTxReadWork
		}
		for _, in := range p.Inputs() {
			if !walk(in) {
				return false
			}
		}
		return true
	}
	return root != nil && walk(root)
}
