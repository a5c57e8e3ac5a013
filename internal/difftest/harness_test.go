package difftest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// explicitChecks is set when the run chose rapid's number of checks itself (-rapid.checks
// or RAPID_CHECKS); the tests' own counts then give way.
var explicitChecks bool

func TestMain(m *testing.M) {
	flag.Parse()
	failFile := false
	flag.Visit(func(f *flag.Flag) {
		explicitChecks = explicitChecks || f.Name == "rapid.checks"
		failFile = failFile || f.Name == "rapid.nofailfile"
	})
	if _, ok := os.LookupEnv("RAPID_CHECKS"); ok {
		explicitChecks = true
	}
	// rapid would write fail files into testdata/rapid in the source tree; a failure report
	// carries its seed and a scenario to reproduce it instead.
	if _, ok := os.LookupEnv("RAPID_NOFAILFILE"); !ok && !failFile {
		if err := flag.Set("rapid.nofailfile", "true"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// checkN runs a property for n random cases. rapid reads its count from a flag only, so the
// flag is set for the duration of the call.
func checkN(t *testing.T, n int, prop func(*rapid.T)) {
	t.Helper()
	if !explicitChecks {
		f := flag.Lookup("rapid.checks")
		old := f.Value.String()
		if err := f.Value.Set(strconv.Itoa(n)); err != nil {
			t.Fatalf("set rapid.checks: %v", err)
		}
		defer func() { _ = f.Value.Set(old) }()
	}
	rapid.Check(t, prop)
}

// tb is what the harness needs from *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// caseStats counts, across the cases of one test, the generated queries the planner
// accepted and rejected, the lookups made and how many found rows, and the writes. A test
// whose generator drifts out of the supported set, or into cases where nothing is ever
// found, fails rather than passing vacuously.
type caseStats struct {
	mu       sync.Mutex
	accepted int
	rejected int
	samples  []string

	lookups, nonEmpty, writes, failedWrites int
	// uniqueCollisions counts written rows that collided on a unique key.
	uniqueCollisions int
	// evictions counts eviction rounds that freed something.
	evictions int
	// ranges counts accepted queries with a range parameter (`c > ?`, `c BETWEEN ? AND ?`).
	ranges int
	// intervalViews counts views that keep interval holes, intervalEvictions the
	// intervals of a lookup evicted between reads (see ranges_test.go).
	intervalViews, intervalEvictions int
	// intervalStateViews counts the views with interval holes whose aggregate is partial by
	// intervals of the range column too, intervalStateEvictions the lookups of such views
	// evicted between reads.
	intervalStateViews, intervalStateEvictions int
	// combinedViews counts views whose reads combine an aggregate's groups across keys,
	// orViews those with a parameter under OR.
	combinedViews, orViews int
	// partialOrViews counts the views with a parameter under OR whose branches' readers are
	// partial, orEvictions the lookups of such views evicted between reads.
	partialOrViews, orEvictions int
	// orAggViews counts the aggregating views with a parameter under OR.
	orAggViews int
	// collectedViews and collectedOrViews count the views over an IN list and under OR whose
	// reads compute an aggregate that does not decompose over the rows of every key.
	collectedViews, collectedOrViews int
	// subKeyedViews counts the views with a state partial by some of what it groups by (an
	// aggregate grouped by more than the key, a DISTINCT), subKeyedEvictions the lookups of
	// such views evicted between reads.
	subKeyedViews, subKeyedEvictions int
	// joins counts accepted queries with a join, otherJoins those with a join not keyed by
	// equalities alone (see otherJoin).
	joins, otherJoins int
	// values counts accepted queries with a VALUES table.
	values int
	// inValueQueries counts the registered queries that read an IN (subquery) as a value,
	// inValueViews those the planner accepted.
	inValueQueries, inValueViews int
}

// rangeParamSQL matches the range conditions with parameters that the generator writes.
var rangeParamSQL = regexp.MustCompile(`(<|<=|>|>=) \?|\? (<|<=|>|>=) |BETWEEN \? AND \?`)

// otherJoinSQL matches the joins otherJoin writes.
var otherJoinSQL = regexp.MustCompile(`CROSS JOIN | USING \(| ON [a-z0-9.]+ (<|>=|<>) [a-z]| ON [a-z0-9.]+ = [a-z0-9.]+ AND \(| ON \(`)

const (
	// maxRejectPct is the share of generated queries the planner may reject.
	maxRejectPct = 5
	// minNonEmptyPct is the share of lookups that must find rows.
	minNonEmptyPct = 5
)

func (s *caseStats) count(n *int) {
	s.mu.Lock()
	*n++
	s.mu.Unlock()
}

func (s *caseStats) record(sql string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.accepted++
		if rangeParamSQL.MatchString(sql) {
			s.ranges++
		}
		if strings.Contains(sql, " JOIN ") {
			s.joins++
		}
		if otherJoinSQL.MatchString(sql) {
			s.otherJoins++
		}
		if strings.Contains(sql, "(VALUES ROW(") {
			s.values++
		}
		return
	}
	s.rejected++
	if len(s.samples) < 15 {
		s.samples = append(s.samples, fmt.Sprintf("%s\n    -> %v", sql, err))
	}
}

func (s *caseStats) verify(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	total := s.accepted + s.rejected
	t.Logf("planner accepted %d of %d generated queries (%d with range parameters, %d with joins not keyed by equalities alone); %d lookups, %d found rows; %d writes, %d rejected as duplicates, %d rows collided on unique keys; %d eviction rounds freed keys",
		s.accepted, total, s.ranges, s.otherJoins, s.lookups, s.nonEmpty, s.writes, s.failedWrites, s.uniqueCollisions, s.evictions)
	if s.accepted > 200 && s.ranges*20 < s.accepted {
		t.Errorf("only %d of %d accepted queries have range parameters: the cases barely exercise range reads", s.ranges, s.accepted)
	}
	if s.joins > 200 && s.otherJoins*20 < s.joins {
		t.Errorf("only %d of %d accepted queries with joins have cross, theta, gated LEFT or USING joins", s.otherJoins, s.joins)
	}
	if s.writes > 1000 && s.uniqueCollisions == 0 {
		t.Errorf("no written row collided on a unique key: the cases never exercised unique keys")
	}
	t.Logf("the planner accepted %d of %d queries reading an IN (subquery) as a value", s.inValueViews, s.inValueQueries)
	if s.inValueQueries > 50 && s.inValueViews*100 < s.inValueQueries*(100-maxRejectPct) {
		t.Errorf("the planner accepted only %d of %d queries reading an IN (subquery) as a value", s.inValueViews, s.inValueQueries)
	}
	t.Logf("%d views kept interval holes; %d lookup intervals evicted between reads; %d views combined groups across keys; %d had a parameter under OR",
		s.intervalViews, s.intervalEvictions, s.combinedViews, s.orViews)
	if s.accepted > 1000 && s.lookups > 100 && (s.combinedViews == 0 || s.orViews == 0) {
		t.Errorf("of %d accepted queries, %d combined an aggregate's groups across the keys of an IN list and %d had a parameter under OR: the cases barely exercise post-lookup reads",
			s.accepted, s.combinedViews, s.orViews)
	}
	t.Logf("%d views with a parameter under OR had partial branches, %d aggregated; %d of their lookups evicted between reads", s.partialOrViews, s.orAggViews, s.orEvictions)
	t.Logf("%d views over an IN list and %d under OR computed DISTINCT, GROUP_CONCAT or JSON aggregates over the rows of every key", s.collectedViews, s.collectedOrViews)
	if s.combinedViews > 50 && s.collectedViews == 0 {
		t.Errorf("none of %d views that combined across the keys of an IN list computed an aggregate that does not decompose", s.combinedViews)
	}
	if s.orAggViews > 50 && s.collectedOrViews == 0 {
		t.Errorf("none of %d aggregating views with a parameter under OR computed an aggregate that does not decompose", s.orAggViews)
	}
	if s.orViews > 100 && s.orAggViews == 0 {
		t.Errorf("none of %d views with a parameter under OR aggregated", s.orViews)
	}
	t.Logf("%d views kept a state partial by some of what it groups by; %d of their lookups evicted between reads", s.subKeyedViews, s.subKeyedEvictions)
	if s.accepted > 1000 && s.lookups > 100 && s.subKeyedViews == 0 {
		t.Errorf("none of %d accepted queries kept an aggregate grouped by more than its key, or a DISTINCT, partial by the key", s.accepted)
	}
	if s.subKeyedViews > 20 && s.lookups > 100 && s.subKeyedEvictions == 0 {
		t.Errorf("no lookup of the %d views partial by part of what a state groups by was evicted between reads", s.subKeyedViews)
	}
	if s.orViews > 20 && s.partialOrViews*2 < s.orViews {
		t.Errorf("only %d of %d views with a parameter under OR had partial branches", s.partialOrViews, s.orViews)
	}
	if s.partialOrViews > 20 && s.lookups > 100 && s.orEvictions == 0 {
		t.Errorf("no lookup of the %d partial views with a parameter under OR was evicted between reads", s.partialOrViews)
	}
	if s.ranges > 50 && s.lookups > 100 && s.intervalViews == 0 {
		t.Errorf("none of %d range views kept interval holes: the cases never exercised range upqueries", s.ranges)
	}
	t.Logf("%d views kept an aggregate partial by intervals of the range column; %d of their lookups evicted between reads", s.intervalStateViews, s.intervalStateEvictions)
	if s.intervalViews > 50 && s.intervalStateViews == 0 {
		t.Errorf("none of %d views with interval holes kept an aggregate by intervals: the cases never exercised range upqueries through an aggregate", s.intervalViews)
	}
	if s.intervalStateViews > 20 && s.lookups > 100 && s.intervalStateEvictions == 0 {
		t.Errorf("no lookup of the %d views with an aggregate by intervals was evicted between reads", s.intervalStateViews)
	}
	if s.lookups > 100 && s.evictions == 0 {
		t.Errorf("no eviction freed anything: the cases never exercised reads after eviction")
	}
	if total > 0 && s.rejected*100 > total*maxRejectPct {
		t.Errorf("planner rejected %d of %d generated queries (more than %d%%); the generator leaves the supported set. Samples:\n  %s",
			s.rejected, total, maxRejectPct, strings.Join(s.samples, "\n  "))
	}
	if s.lookups > 0 && s.nonEmpty*100 < s.lookups*minNonEmptyPct {
		t.Errorf("only %d of %d lookups found rows; the generated cases test little", s.nonEmpty, s.lookups)
	}
}

// liveView is a registered view with what the generator knows about its parameters.
type liveView struct {
	name  string
	query *Query
	view  *weir.View
	// subKeyed: the view keeps a state partial by some of what it groups by.
	subKeyed bool
}

// harness drives an engine through SQL text, keeps a transcript in scenario form for failure
// reports, and checks views against the reference evaluator.
type harness struct {
	t      tb
	ctx    context.Context
	eng    *weir.Engine
	tok    weir.Token
	script Scenario
	views  []*liveView
	// tx is the transaction a BEGIN statement opened, until COMMIT or ROLLBACK.
	tx *weir.Tx
}

func newHarness(t tb, domains int) *harness {
	t.Helper()
	// A tiny memory limit keeps partial readers evicting (every 50ms, and when a case asks):
	// views must stay right whatever was evicted, whenever.
	eng, err := weir.Open(weir.Options{Domains: domains, MemoryLimit: 512})
	if err != nil {
		t.Fatalf("open engine: %v", err)
	}
	return &harness{t: t, ctx: context.Background(), eng: eng}
}

func (h *harness) close() {
	if err := h.eng.Close(); err != nil {
		h.t.Fatalf("close engine: %v", err)
	}
}

// fail reports a failure with the transcript so far, extended by the failing step: the text
// is a scenario that reproduces it.
func (h *harness) fail(last *Step, format string, args ...any) {
	h.t.Helper()
	sc := Scenario{Steps: slices.Clone(h.script.Steps)}
	if last != nil {
		sc.Steps = append(sc.Steps, *last)
	}
	h.t.Fatalf("%s\n--- reproducing scenario ---\n%s", fmt.Sprintf(format, args...), sc.String())
}

// exec runs a statement. wantErr says whether it must fail and, when not 0, code is the
// MySQL error number it must carry. affected, when not negative, is the affected-rows count
// a success must report.
func (h *harness) exec(sql string, wantErr bool, code int, affected int64) {
	h.t.Helper()
	step := Step{Kind: StepStatement, SQL: sql, WantError: wantErr, ErrorCode: code}
	res, err := h.run(sql)
	switch {
	case wantErr && err == nil:
		h.fail(&step, "statement succeeded, want error %d", code)
	case wantErr && code != 0:
		if got, _, _ := weir.ErrorCode(err); got != code {
			h.fail(&step, "statement failed with %v (code %d), want error %d", err, got, code)
		}
	case !wantErr && err != nil:
		h.fail(&step, "statement failed: %v", err)
	case !wantErr && affected >= 0 && res.RowsAffected != affected:
		h.fail(&step, "statement affected %d rows, want %d", res.RowsAffected, affected)
	}
	if err == nil {
		h.tok = max(h.tok, res.Token)
	}
	h.script.Steps = append(h.script.Steps, step)
}

// run runs a statement: BEGIN, COMMIT and ROLLBACK through the Go API's transactions,
// anything else in the open transaction or on its own.
func (h *harness) run(sql string) (weir.Result, error) {
	switch strings.ToUpper(strings.TrimSpace(sql)) {
	case "BEGIN":
		tx, err := h.eng.Begin(h.ctx)
		h.tx = tx
		return weir.Result{}, err
	case "COMMIT", "ROLLBACK":
		tx := h.tx
		h.tx = nil
		if tx == nil {
			return weir.Result{}, nil
		}
		if strings.EqualFold(strings.TrimSpace(sql), "ROLLBACK") {
			return weir.Result{}, tx.Rollback()
		}
		tok, err := tx.Commit(h.ctx)
		return weir.Result{Token: tok}, err
	}
	if h.tx != nil {
		return h.tx.Exec(h.ctx, sql)
	}
	return h.eng.Exec(h.ctx, sql)
}

// register registers a view. A planner rejection is returned for the caller to count; any
// other failure is fatal.
func (h *harness) register(name, sql string) (*weir.View, error) {
	h.t.Helper()
	step := Step{Kind: StepRegister, Name: name, SQL: sql}
	v, err := h.eng.Register(h.ctx, name, sql)
	if err != nil {
		var pe *planner.Error
		if errors.As(err, &pe) {
			return nil, err
		}
		h.fail(&step, "register: %v", err)
	}
	h.script.Steps = append(h.script.Steps, step)
	return v, nil
}

// engineTables reads every table's rows from the engine.
func (h *harness) engineTables(names []string) map[string][]dataflow.Row {
	h.t.Helper()
	out := map[string][]dataflow.Row{}
	for _, n := range names {
		rows, err := h.eng.TableRows(h.ctx, n)
		if err != nil {
			h.fail(nil, "TableRows(%s): %v", n, err)
		}
		out[n] = rows
	}
	return out
}

// lookup reads one key of a view after the last write and compares the answer with the
// reference's over the given tables. expected, when not nil, also pins the reference. It
// returns the number of rows found.
func (h *harness) lookup(name string, v *weir.View, snap *reference.Snapshot, args []dataflow.Value, expected []string) int {
	h.t.Helper()
	step := Step{Kind: StepLookup, Name: name, Args: args}
	want, err := snap.LookupFull(args)
	if err != nil {
		h.fail(&step, "reference lookup: %v\n%s", err, FormatQuery(v.Plan()))
	}
	q := v.Plan()
	vis := make([]string, len(want))
	for i, r := range want {
		vis[i] = reference.FormatRow(r[:min(len(q.Cols), len(r))])
	}
	step.HasExpected, step.Expected = true, vis
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	rows, err := v.LookupAfter(h.ctx, h.tok, anyArgs...)
	if err != nil {
		h.fail(&step, "lookup: %v\n%s", err, FormatQuery(q))
	}
	got := make([]dataflow.Row, rows.Len())
	for i := range got {
		got[i] = dataflow.Row(rows.Row(i))
	}
	if d := reference.DiffResult(q, want, got); d != "" {
		h.fail(&step, "view %s disagrees with the reference for key (%s):\n%s\nview returned:\n%s\n%s",
			name, formatArgs(args), d, reference.FormatRows(got), FormatQuery(q))
	}
	if expected != nil {
		sorted := len(q.Order) > 0
		w, e := slices.Clone(vis), slices.Clone(expected)
		if !sorted {
			slices.Sort(w)
			slices.Sort(e)
		}
		if !slices.Equal(w, e) {
			h.fail(&step, "reference answer for %s (%s) is\n  %s\nthe scenario expects\n  %s",
				name, formatArgs(args), strings.Join(vis, "\n  "), strings.Join(expected, "\n  "))
		}
	}
	return len(got)
}

// adhoc runs a registered view's SQL as an ad-hoc query (Engine.Query), which plans the
// text again, reuses or installs a view for its shape and reads it after every acknowledged
// write; the answer must be the reference's, as the view's is.
func (h *harness) adhoc(lv *liveView, snap *reference.Snapshot, args []dataflow.Value) {
	h.t.Helper()
	step := Step{Kind: StepLookup, Name: lv.name, Args: args}
	q := lv.view.Plan()
	want, err := snap.LookupFull(args)
	if err != nil {
		h.fail(&step, "reference lookup: %v\n%s", err, FormatQuery(q))
	}
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	rows, err := h.eng.Query(h.ctx, lv.query.SQL, anyArgs...)
	if err != nil {
		h.fail(&step, "ad-hoc query (%s): %v\n%s", formatArgs(args), err, lv.query.SQL)
	}
	got := make([]dataflow.Row, rows.Len())
	for i := range got {
		got[i] = dataflow.Row(rows.Row(i))
	}
	if d := reference.DiffResult(q, want, got); d != "" {
		h.fail(&step, "ad-hoc query of %s disagrees with the reference for (%s):\n%s\nquery returned:\n%s\n%s",
			lv.name, formatArgs(args), d, reference.FormatRows(got), FormatQuery(q))
	}
}

func formatArgs(args []dataflow.Value) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = FormatArg(a)
	}
	return strings.Join(parts, ", ")
}
