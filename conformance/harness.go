package conformance

import (
	"context"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
)

// opTimeout bounds one statement or lookup on one target, so a hung read becomes a failure
// that names its query instead of a test timeout that names nothing.
const opTimeout = 30 * time.Second

// Failure is one disagreement, or one place where MariaDB contradicts the scenario file.
type Failure struct {
	// Case is the query name, "exec:LINE" for a write, or "table NAME" for a table's
	// contents.
	Case string
	// Where says which statement or lookup, at which point of the scenario.
	Where string
	// Scenario is true when the reference contradicts the file itself (a statement marked
	// '-- error' succeeded on MariaDB, a query MariaDB rejects): the file is wrong, not the
	// target under test.
	Scenario bool
	Detail   string
}

func (f Failure) String() string {
	kind := ""
	if f.Scenario {
		kind = "scenario error: "
	}
	return fmt.Sprintf("%s%s\n%s", kind, f.Where, indent(f.Detail, "  "))
}

// Report is the outcome of running one scenario on two targets.
type Report struct {
	Scenario string
	Failures []Failure
	// Notes are observations that are not failures, such as a construct marked unsupported
	// that the target now supports.
	Notes []string
	// Lookups counts the query executions compared; Statements the writes compared.
	Lookups, Statements int
}

// FailedCases lists the distinct cases that failed, in order of first failure.
func (r *Report) FailedCases() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range r.Failures {
		if !seen[f.Case] {
			seen[f.Case] = true
			out = append(out, f.Case)
		}
	}
	return out
}

type caseState struct {
	q *QueryCase
	// disabled is set once the target under test rejected the case: repeating the same
	// error at every checkpoint would bury the other failures.
	disabled bool
}

// Preparer is implemented by targets that can compile a query ahead of its first read, as
// Weir registers a view.
type Preparer interface {
	Prepare(ctx context.Context, sql string) error
}

// Options vary how a scenario is run.
type Options struct {
	// PrepareBeforeData prepares every query of the scenario on the target under test (when
	// it is a Preparer) right after the tables are created and before any row is written, so
	// every row reaches the views as an incremental update rather than by filling a view
	// from existing data.
	PrepareBeforeData bool
	// SubIsReference says the target under test is the reference database too (MariaDB
	// against itself): it runs a query's MariaDB text ('-- mariadb') as the reference does.
	SubIsReference bool
}

type runner struct {
	ctx      context.Context
	sc       *Scenario
	ref, sub Target
	rep      *Report
	phase    string
	opts     Options
}

// Run executes sc on ref (the oracle, MariaDB) and sub (the target under test) step by step
// and reports every disagreement. It never stops early: one wrong write is reported once,
// and what follows is still compared, since later rows show what the write did.
func Run(ctx context.Context, sc *Scenario, ref, sub Target, opts Options) *Report {
	r := &runner{ctx: ctx, sc: sc, ref: ref, sub: sub, rep: &Report{Scenario: sc.Name}, phase: "during setup", opts: opts}
	states := map[string]*caseState{}
	for _, q := range sc.Queries() {
		states[q.Name] = &caseState{q: q}
	}
	prepared := !opts.PrepareBeforeData
	var declared []*caseState
	for _, st := range sc.Steps {
		if !prepared && st.Kind == StepExec && !isCreateTable(st.Exec.SQL) {
			prepared = true
			r.prepareAll(states)
		}
		switch st.Kind {
		case StepExec:
			if st.Block == 0 {
				r.phase = "during setup"
			} else {
				r.phase = fmt.Sprintf("in writes block %d", st.Block)
			}
			r.exec(st.Exec)
		case StepQuery:
			cs := states[st.Query.Name]
			declared = append(declared, cs)
			r.query(cs)
		case StepCheckpoint:
			if st.Block == 0 {
				r.phase = "after setup"
			} else {
				r.phase = fmt.Sprintf("after writes block %d (line %d)", st.Block, st.Line)
			}
			for _, t := range st.Tables {
				r.table(t)
			}
			for _, cs := range declared {
				r.query(cs)
			}
		}
	}
	return r.rep
}

// isCreateTable reports a statement that only defines the schema (a table, a view, a
// database, or the database a session is in), after which queries can be prepared before
// any data arrives.
func isCreateTable(sql string) bool {
	return createTable.MatchString(sql) || createView.MatchString(sql) || schemaOnly.MatchString(sql)
}

var schemaOnly = regexp.MustCompile(`(?is)^\s*(?:(?:CREATE|DROP)\s+(?:DATABASE|SCHEMA)|USE|SET\s+timestamp)\s`)

// prepareAll prepares every query case on the target under test. A failure is reported
// unless the case is marked unsupported, and the case is not run afterwards, where it would
// only fail the same way again.
func (r *runner) prepareAll(states map[string]*caseState) {
	p, ok := r.sub.(Preparer)
	if !ok {
		return
	}
	// A query declared after a change to the schema outside setup may read what the change
	// made: it is prepared when it is declared. So are the tables of later checkpoints.
	changedAt := -1
	for _, st := range r.sc.Steps {
		if st.Kind == StepExec && st.Block > 0 && isDDL(st.Exec.SQL) {
			changedAt = st.Exec.Line
			break
		}
	}
	for _, q := range r.sc.Queries() {
		if changedAt >= 0 && q.Line > changedAt {
			continue
		}
		err := guard(r.ctx, func(ctx context.Context) error { return p.Prepare(ctx, r.subSQL(q)) })
		if err == nil {
			continue
		}
		states[q.Name].disabled = true
		if q.Unsupported {
			r.note("query %s (marked unsupported) rejected as expected: %v", q.Name, err)
		} else {
			r.fail(Failure{Case: q.Name,
				Where:  fmt.Sprintf("%s:%d: query %s prepared before the seed data\n  %s", r.sc.Name, q.Line, q.Name, oneLine(q.SQL)),
				Detail: fmt.Sprintf("%s failed: %v", r.sub.Name(), err)})
		}
	}
	for _, st := range r.sc.Steps {
		if st.Kind == StepCheckpoint && (changedAt < 0 || st.Block == 0) {
			for _, t := range st.Tables {
				sql := "SELECT * FROM " + t
				if err := guard(r.ctx, func(ctx context.Context) error { return p.Prepare(ctx, sql) }); err != nil {
					r.fail(Failure{Case: "table " + t, Where: fmt.Sprintf("%s: %s prepared before the seed data", r.sc.Name, sql),
						Detail: fmt.Sprintf("%s failed: %v", r.sub.Name(), err)})
				}
			}
			break
		}
	}
}

func (r *runner) fail(f Failure) { r.rep.Failures = append(r.rep.Failures, f) }

func (r *runner) note(format string, args ...any) {
	r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("%s: ", r.sc.Name)+fmt.Sprintf(format, args...))
}

func (r *runner) exec(st *Statement) {
	r.rep.Statements++
	where := fmt.Sprintf("%s:%d: statement %s\n  %s", r.sc.Name, st.Line, r.phase, oneLine(st.SQL))
	name := fmt.Sprintf("exec:%d", st.Line)
	var refRes, subRes ExecResult
	refErr := guard(r.ctx, func(ctx context.Context) (err error) { refRes, err = r.ref.Exec(ctx, st.SQL, nil); return })
	subErr := guard(r.ctx, func(ctx context.Context) (err error) { subRes, err = r.sub.Exec(ctx, st.SQL, nil); return })

	refCode, refHas := 0, false
	if refErr != nil {
		refCode, refHas = r.ref.ErrorCode(refErr)
	}
	switch {
	case st.ExpectError && refErr == nil:
		r.fail(Failure{Case: name, Where: where, Scenario: true,
			Detail: fmt.Sprintf("marked '-- error' but %s accepted it", r.ref.Name())})
	case !st.ExpectError && refErr != nil:
		r.fail(Failure{Case: name, Where: where, Scenario: true,
			Detail: fmt.Sprintf("%s rejected it: %v", r.ref.Name(), refErr)})
	case st.ErrorCode != 0 && (!refHas || refCode != st.ErrorCode):
		r.fail(Failure{Case: name, Where: where, Scenario: true,
			Detail: fmt.Sprintf("marked '-- error %d' but %s said: %v", st.ErrorCode, r.ref.Name(), refErr)})
	}

	switch {
	case refErr == nil && subErr != nil:
		r.fail(Failure{Case: name, Where: where,
			Detail: fmt.Sprintf("%s failed: %v\n%s succeeded: %s", r.sub.Name(), subErr, r.ref.Name(), formatExec(refRes))})
	case refErr != nil && subErr == nil:
		r.fail(Failure{Case: name, Where: where,
			Detail: fmt.Sprintf("%s succeeded (%s) but %s failed: %v", r.sub.Name(), formatExec(subRes), r.ref.Name(), refErr)})
	case refErr != nil && subErr != nil:
		if subCode, ok := r.sub.ErrorCode(subErr); ok && refHas && subCode != refCode {
			r.fail(Failure{Case: name, Where: where,
				Detail: fmt.Sprintf("both failed, with different error codes:\n%s: %d %v\n%s: %d %v",
					r.sub.Name(), subCode, subErr, r.ref.Name(), refCode, refErr)})
		}
	case refRes != subRes && !(isDDL(st.SQL) && refRes.LastInsertID == subRes.LastInsertID):
		r.fail(Failure{Case: name, Where: where,
			Detail: fmt.Sprintf("%s: %s\n%s: %s", r.sub.Name(), formatExec(subRes), r.ref.Name(), formatExec(refRes))})
	}
}

// isDDL reports a statement that changes a definition. MySQL counts the rows an ALTER TABLE
// copied as affected, and how many it copies depends on whether the engine could change
// the table in place, which no client relies on: those counts are not compared.
func isDDL(sql string) bool {
	f := strings.Fields(sql)
	return len(f) > 0 && (strings.EqualFold(f[0], "ALTER") || strings.EqualFold(f[0], "RENAME") ||
		strings.EqualFold(f[0], "CREATE") || strings.EqualFold(f[0], "DROP"))
}

func formatExec(e ExecResult) string {
	return fmt.Sprintf("rows affected %d, last insert id %d", e.RowsAffected, e.LastInsertID)
}

// table compares a base table twice on the target under test: its raw content, and the
// registered view `SELECT * FROM t`, which must agree with it.
func (r *runner) table(name string) {
	where := fmt.Sprintf("%s: table %s %s", r.sc.Name, name, r.phase)
	var refRS, subRS *ResultSet
	refErr := guard(r.ctx, func(ctx context.Context) (err error) { refRS, err = r.ref.Table(ctx, name); return })
	subErr := guard(r.ctx, func(ctx context.Context) (err error) { subRS, err = r.sub.Table(ctx, name); return })
	if !r.compare("table "+name, where, false, refRS, refErr, subRS, subErr) {
		return
	}
	sql := "SELECT * FROM " + name
	where = fmt.Sprintf("%s: %s (as a view) %s", r.sc.Name, sql, r.phase)
	refErr = guard(r.ctx, func(ctx context.Context) (err error) { refRS, err = r.ref.Query(ctx, sql, nil); return })
	subErr = guard(r.ctx, func(ctx context.Context) (err error) { subRS, err = r.sub.Query(ctx, sql, nil); return })
	r.compare("table "+name, where, false, refRS, refErr, subRS, subErr)
}

func (r *runner) query(cs *caseState) {
	q := cs.q
	for _, args := range q.Args {
		if cs.disabled {
			return
		}
		r.rep.Lookups++
		where := fmt.Sprintf("%s:%d: query %s %s\n  %s", r.sc.Name, q.Line, q.Name, r.phase, oneLine(r.subSQL(q)))
		if q.MariaDB != "" && !r.opts.SubIsReference {
			where += "\n  on MariaDB: " + oneLine(q.MariaDB)
		}
		if len(args) > 0 {
			where += "\n  args: " + FormatArgs(args)
		}
		var refRS, subRS *ResultSet
		refErr := guard(r.ctx, func(ctx context.Context) (err error) { refRS, err = r.ref.Query(ctx, q.ReferenceSQL(), args); return })
		subErr := guard(r.ctx, func(ctx context.Context) (err error) { subRS, err = r.sub.Query(ctx, r.subSQL(q), args); return })
		if refErr == nil && subErr != nil && q.Unsupported {
			cs.disabled = true
			r.note("query %s (marked unsupported) rejected as expected: %v", q.Name, subErr)
			return
		}
		if r.compare(q.Name, where, q.Ordered, refRS, refErr, subRS, subErr) && q.Unsupported && refErr == nil {
			r.note("query %s is marked unsupported but %s runs it correctly: drop the mark", q.Name, r.sub.Name())
		}
		if subErr != nil {
			cs.disabled = true
		}
	}
}

// subSQL is the text the target under test runs.
func (r *runner) subSQL(q *QueryCase) string {
	if r.opts.SubIsReference {
		return q.ReferenceSQL()
	}
	return q.SQL
}

// compare reports a disagreement between two reads and returns whether they agreed.
func (r *runner) compare(name, where string, ordered bool, refRS *ResultSet, refErr error, subRS *ResultSet, subErr error) bool {
	if refErr != nil {
		r.fail(Failure{Case: name, Where: where, Scenario: true,
			Detail: fmt.Sprintf("%s rejected it: %v", r.ref.Name(), refErr)})
		return false
	}
	if subErr != nil {
		r.fail(Failure{Case: name, Where: where, Detail: fmt.Sprintf("%s failed: %v", r.sub.Name(), subErr)})
		return false
	}
	if diff := Diff(r.sub.Name(), subRS, r.ref.Name(), refRS, ordered); diff != "" {
		r.fail(Failure{Case: name, Where: where, Detail: diff})
		return false
	}
	return true
}

// guard runs one call on a target with a deadline, and turns a panic inside the target into
// an error so that one crashing case is reported like any other failure.
func guard(ctx context.Context, f func(ctx context.Context) error) (err error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return f(ctx)
}

func oneLine(sql string) string {
	return strings.Join(strings.Fields(sql), " ")
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
