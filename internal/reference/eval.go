package reference

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

var (
	// ErrInvalidPlan reports a plan or query that is malformed: a nil node, a column position
	// out of range, rows whose width disagrees with the declared columns.
	ErrInvalidPlan = errors.New("reference: invalid plan")
	// ErrArgs reports lookup arguments that do not fit the query's parameters.
	ErrArgs = errors.New("reference: invalid lookup arguments")
	// ErrOverflow reports an aggregate whose exact result Weir's value model cannot hold.
	ErrOverflow = errors.New("reference: numeric overflow")
)

// Eval evaluates q from scratch over the tables' contents and performs the lookup that args
// select, returning the visible columns of the result rows, in q.Order when it has one.
func Eval(q *planner.Query, tables func(name string) []dataflow.Row, args []dataflow.Value) ([]dataflow.Row, error) {
	s, err := Evaluate(q, tables)
	if err != nil {
		return nil, err
	}
	return s.Lookup(args)
}

// EvalPlan evaluates one plan node over the tables' contents and returns its complete output
// (a multiset, in no particular order).
func EvalPlan(p planner.Plan, tables func(name string) []dataflow.Row) ([]dataflow.Row, error) {
	ev := newEvaluator(tables)
	rows, err := ev.eval(p)
	if err != nil {
		return nil, err
	}
	return slices.Clone(rows), nil
}

// Snapshot is a query's plan evaluated once over fixed table contents. Lookups read it, so a
// caller that checks many keys against one state of the tables evaluates the plan only once.
type Snapshot struct {
	q    *planner.Query
	rows []dataflow.Row
}

// Evaluate computes q's root over the tables' contents and validates the query's lookup
// description against the root's columns.
func Evaluate(q *planner.Query, tables func(name string) []dataflow.Row) (*Snapshot, error) {
	return evaluate(q, tables, nil)
}

func evaluate(q *planner.Query, tables func(name string) []dataflow.Row, at *time.Time) (*Snapshot, error) {
	if q == nil || q.Root == nil {
		return nil, fmt.Errorf("%w: nil query or root", ErrInvalidPlan)
	}
	if tables == nil {
		tables = func(string) []dataflow.Row { return nil }
	}
	ev := newEvaluator(tables)
	ev.at = at
	rows, err := ev.eval(q.Root)
	if err != nil {
		return nil, err
	}
	width := len(q.Root.Columns())
	if len(q.Cols) > width {
		return nil, fmt.Errorf("%w: %d visible columns but the root has %d", ErrInvalidPlan, len(q.Cols), width)
	}
	if err := checkPositions("key column", q.KeyCols, width); err != nil {
		return nil, err
	}
	for _, k := range q.Order {
		if k.Col < 0 || k.Col >= width {
			return nil, fmt.Errorf("%w: order column %d out of range (width %d)", ErrInvalidPlan, k.Col, width)
		}
	}
	if len(q.KeyCols) == 0 && len(q.Lookups) > 1 {
		return nil, fmt.Errorf("%w: %d lookups for a view without key columns", ErrInvalidPlan, len(q.Lookups))
	}
	if len(q.KeyCols) > 0 && len(q.Lookups) == 0 {
		return nil, fmt.Errorf("%w: keyed view without lookups", ErrInvalidPlan)
	}
	for i, l := range q.Lookups {
		if len(q.KeyCols) > 0 && len(l) != len(q.KeyCols) {
			return nil, fmt.Errorf("%w: lookup %d has %d components for %d key columns", ErrInvalidPlan, i, len(l), len(q.KeyCols))
		}
	}
	return &Snapshot{q: q, rows: rows}, nil
}

// Rows returns the root's complete output: visible and hidden columns, in no particular order.
func (s *Snapshot) Rows() []dataflow.Row { return slices.Clone(s.rows) }

// Lookup returns the visible columns of the rows a read with args returns, in the query's
// order when it has one.
func (s *Snapshot) Lookup(args []dataflow.Value) ([]dataflow.Row, error) {
	full, err := s.LookupFull(args)
	if err != nil {
		return nil, err
	}
	n := len(s.q.Cols)
	out := make([]dataflow.Row, len(full))
	for i, r := range full {
		out[i] = r[:n:n]
	}
	return out, nil
}

// LookupFull is Lookup with the hidden columns kept (sort and key columns), so that a caller
// can tell which rows tie under the query's order.
func (s *Snapshot) LookupFull(args []dataflow.Value) ([]dataflow.Row, error) {
	q := s.q
	if len(args) < q.NumParams {
		return nil, fmt.Errorf("%w: %d arguments for %d parameters", ErrArgs, len(args), q.NumParams)
	}
	var out []dataflow.Row
	if len(q.KeyCols) == 0 {
		out = slices.Clone(s.rows)
		if len(out) == 0 && q.EmptyRow != nil {
			if r, ok := q.EmptyRow(dataflow.Row{}); ok {
				out = append(out, r)
			}
		}
	} else {
		keys, err := s.keys(args)
		if err != nil {
			return nil, err
		}
		// A row is in the result when it matches any of the keys: that is what `IN (?, ?)`
		// means, and it keeps a row once even when two arguments are equal ('a' and 'A').
		for _, r := range s.rows {
			for _, k := range keys {
				if s.matches(r, k) {
					out = append(out, r)
					break
				}
			}
		}
		if q.EmptyRow != nil {
			seen := map[string]bool{}
			for _, k := range keys {
				enc := string(dataflow.AppendRowKey(nil, k, allColumns(len(k))))
				if seen[enc] {
					continue
				}
				seen[enc] = true
				if s.anyMatch(k) {
					continue
				}
				if r, ok := q.EmptyRow(k); ok {
					out = append(out, r)
				}
			}
		}
	}
	need := max(len(q.Cols), maxOrderCol(q.Order)+1)
	if q.Combine != nil {
		need = q.Combine.Width
	}
	for _, r := range out {
		if len(r) < need {
			return nil, fmt.Errorf("%w: result row %v narrower than the query's %d columns", ErrInvalidPlan, r, need)
		}
	}
	if q.Or != nil {
		out = s.orFilter(out, args)
	}
	if q.Combine != nil {
		return s.combine(out)
	}
	if len(q.Ranges) > 0 {
		// The reader selects the rows within the bounds at read time (no operator does).
		kept := out[:0]
		for _, r := range out {
			if q.InRange(r, args) {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	if len(q.Order) > 0 || len(q.Lookups) > 1 {
		slices.SortStableFunc(out, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, q.Order) })
	}
	if len(q.Lookups) > 1 || len(q.Ranges) > 0 {
		out = s.merge(out)
	}
	if q.Paging != nil {
		lo, hi := q.Paging.Window(len(out), args)
		out = out[lo:hi]
	}
	return out, nil
}

// merge applies what a read over several lookups does after concatenating them: DISTINCT on
// the visible columns (keeping the first row in order), then OFFSET and LIMIT. One lookup's
// rows are already cut by the plan's TopK; the query-level window is only for merges.
func (s *Snapshot) merge(rows []dataflow.Row) []dataflow.Row {
	q := s.q
	if q.Distinct {
		visible := allColumns(len(q.Cols))
		seen := map[string]bool{}
		kept := rows[:0:0]
		for _, r := range rows {
			enc := string(dataflow.AppendRowKey(nil, r, visible))
			if seen[enc] {
				continue
			}
			seen[enc] = true
			kept = append(kept, r)
		}
		rows = kept
	}
	return window(rows, q.Offset, q.Limit)
}

// keys turns the arguments into one key per lookup.
func (s *Snapshot) keys(args []dataflow.Value) ([]dataflow.Row, error) {
	keys := make([]dataflow.Row, 0, len(s.q.Lookups))
	for _, l := range s.q.Lookups {
		k := make(dataflow.Row, len(l))
		for j, src := range l {
			if src.Param < 0 {
				k[j] = src.Literal
				continue
			}
			if src.Param >= len(args) {
				return nil, fmt.Errorf("%w: key takes parameter %d of %d arguments", ErrArgs, src.Param, len(args))
			}
			k[j] = args[src.Param]
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// matches applies SQL equality between the row's key columns and the key: NULL never
// matches, and mixed kinds compare as MySQL compares them (numbers by value, strings by
// the collation).
func (s *Snapshot) matches(r, key dataflow.Row) bool {
	for j, c := range s.q.KeyCols {
		if r[c].IsNull() || key[j].IsNull() || dataflow.Compare(r[c], key[j]) != 0 {
			return false
		}
	}
	return true
}

func (s *Snapshot) anyMatch(key dataflow.Row) bool {
	for _, r := range s.rows {
		if s.matches(r, key) {
			return true
		}
	}
	return false
}

func maxOrderCol(keys []dataflow.SortKey) int {
	m := -1
	for _, k := range keys {
		m = max(m, k.Col)
	}
	return m
}

func allColumns(n int) []int {
	cols := make([]int, n)
	for i := range cols {
		cols[i] = i
	}
	return cols
}

// window skips offset rows and keeps at most limit (limit < 0: all).
func window(rows []dataflow.Row, offset, limit int) []dataflow.Row {
	if offset > 0 {
		if offset >= len(rows) {
			return nil
		}
		rows = rows[offset:]
	}
	if limit >= 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	return rows
}

func checkPositions(what string, cols []int, width int) error {
	for _, c := range cols {
		if c < 0 || c >= width {
			return fmt.Errorf("%w: %s %d out of range (width %d)", ErrInvalidPlan, what, c, width)
		}
	}
	return nil
}

// exactCompare is a total order that refines dataflow.Compare: values equal under the
// collation ('a', 'A') or across numeric kinds (2, 2.00) are ordered by their exact form.
// Wherever SQL leaves the choice among equal values open (the value a group or DISTINCT
// shows, MIN of 'a' and 'A'), the reference takes the least under this order, so that its
// answer does not depend on the order the tables list their rows in.
func exactCompare(a, b dataflow.Value) int {
	if c := dataflow.Compare(a, b); c != 0 {
		return c
	}
	if a.Kind() != b.Kind() {
		return int(a.Kind()) - int(b.Kind())
	}
	switch a.Kind() {
	case dataflow.KindString:
		return strings.Compare(a.RawString(), b.RawString())
	case dataflow.KindDecimal:
		return int(a.Scale()) - int(b.Scale())
	case dataflow.KindFloat:
		// -0 and 0 compare equal; put -0 first.
		an, bn := math.Signbit(a.RawFloat()), math.Signbit(b.RawFloat())
		switch {
		case an && !bn:
			return -1
		case bn && !an:
			return 1
		}
	case dataflow.KindDatetime:
		return int(a.Scale()) - int(b.Scale())
	}
	return 0
}

// exactCompareRows orders rows column by column with exactCompare.
func exactCompareRows(a, b dataflow.Row, cols []int) int {
	for _, c := range cols {
		if x := exactCompare(a[c], b[c]); x != 0 {
			return x
		}
	}
	return 0
}
