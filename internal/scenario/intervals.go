package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// Readers with interval holes and the states partial by intervals above them (an
// aggregate grouped by the range column). Their present "keys" are their filled
// intervals, shown as `[lo, hi]` and checked against recomputation restricted to each
// interval; a reader and the states above it hold the same intervals, so the holds check
// compares them as it compares keys.
//
//	reader r from=agg range=0           a reader ordered by column 0, kept by intervals
//	read r range=(3,7)                  a read of [3, 7]: a hit, or range upqueries for
//	                                    the parts missing
//	evict r range=(3,7)                 [3, 7] becomes a hole at the reader and above

// ivKeyPrefix marks a filled interval among encoded keys: no key encoding starts with it.
const ivKeyPrefix = "\xffinterval "

// intervalsOf reports the filled intervals of a node kept by intervals and the column of
// its output they are intervals of.
func intervalsOf(x *node) (filled *operators.Intervals, col int, ok bool) {
	if x.reader != nil {
		if !x.reader.IntervalHoles() {
			return nil, 0, false
		}
		if e, found := x.reader.Get(""); found && e.Tree != nil {
			filled = e.Tree.Filled()
		}
		return filled, x.rangeCol, true
	}
	a, isAgg := x.n.Op.(*operators.Aggregate)
	if !isAgg {
		return nil, 0, false
	}
	pc, by := a.IntervalColumn()
	if !by {
		return nil, 0, false
	}
	return a.Filled(), slices.Index(a.StateKey(0), pc), true
}

// intervalKeys lists a node's filled intervals as keys, in ascending order, and records
// them for rowsAt.
func (h *Harness) intervalKeys(filled *operators.Intervals) []string {
	var keys []string
	for i := range filled.Len() {
		iv := filled.At(i)
		k := ivKeyPrefix + iv.String()
		h.ivKeys[k] = iv
		keys = append(keys, k)
	}
	return keys
}

// inInterval keeps the rows whose column col lies in iv.
func inInterval(rows []dataflow.Row, col int, iv operators.Interval) []dataflow.Row {
	var out []dataflow.Row
	for _, r := range rows {
		if col < len(r) && iv.Contains(r[col]) {
			out = append(out, r)
		}
	}
	return out
}

// intervalRows returns the rows a node kept by intervals holds in the filled interval
// named by key.
func (h *Harness) intervalRows(x *node, key string) ([]dataflow.Row, bool) {
	iv, ok := h.ivKeys[key]
	if !ok {
		return nil, false
	}
	_, col, _ := intervalsOf(x)
	var all []dataflow.Row
	if x.reader != nil {
		if e, found := x.reader.Get(""); found {
			all = e.All()
		}
	} else {
		all = x.n.Op.Snapshot(nil)
	}
	return inInterval(all, col, iv), true
}

// closedRange reads range=(lo,hi) as the closed interval [lo, hi].
func closedRange(a args) (operators.Interval, error) {
	b, err := a.keyRow("range")
	if err != nil {
		return operators.Interval{}, err
	}
	if len(b) != 2 {
		return operators.Interval{}, fmt.Errorf("range=(lo,hi) takes two values, not %d", len(b))
	}
	return operators.Interval{Lo: operators.Bound{Val: b[0], Incl: true, Set: true}, Hi: operators.Bound{Val: b[1], Incl: true, Set: true}}, nil
}

// readRange reads an interval of a reader with interval holes: a hit when it is filled,
// otherwise a range upquery for each part missing (unless its fill is under way).
func (h *Harness) readRange(r *node, a args) (string, error) {
	if !r.reader.IntervalHoles() {
		return "", fmt.Errorf("reader %s keeps no interval holes", r.name)
	}
	iv, err := closedRange(a)
	if err != nil {
		return "", err
	}
	e, found := r.reader.Get("")
	if found && e.Tree != nil && e.Tree.Covers(iv.Lo, iv.Hi) {
		return "hit: " + formatRows(inInterval(e.All(), r.rangeCol, iv)), nil
	}
	missing := []operators.Interval{iv}
	if found && e.Tree != nil {
		missing = e.Tree.Missing(iv.Lo, iv.Hi)
	}
	before := r.target.Upqueries()
	if err := r.target.StartRange(nil, missing); err != nil {
		return "", err
	}
	arr := h.drainOwn(nil)
	var parts []string
	for _, m := range missing {
		parts = append(parts, m.String())
	}
	if n := r.target.Upqueries() - before; n > 0 {
		for _, m := range missing {
			r.inflight[dataflow.EncodeKey(operators.RangeKey(nil, m))] = true
		}
		return strings.Join(append([]string{fmt.Sprintf("miss: %d range upqueries sent for %s", n, strings.Join(parts, " "))}, h.arrivalLines(arr)...), "\n"), nil
	}
	return "miss: sharing the fills in flight for " + strings.Join(parts, " "), nil
}

// evictRange makes an interval of a reader with interval holes a hole, there and in the
// states by intervals above it.
func (h *Harness) evictRange(r *node, a args) (string, error) {
	iv, err := closedRange(a)
	if err != nil {
		return "", err
	}
	d := h.rt.Domains[r.n.Domain]
	label := fmt.Sprintf("evict %s%s", r.name, iv)
	d.Post(func() {
		if r.reader.EvictRange("", iv) > 0 {
			h.notes = append(h.notes, fmt.Sprintf("%s: evicted %s, and the states by intervals above it with it", r.name, iv))
		} else {
			h.notes = append(h.notes, fmt.Sprintf("%s%s is a hole: nothing to evict", r.name, iv))
		}
	})
	arr := h.drainOwn(func(entry) string { return label })
	return strings.Join(h.arrivalLines(arr), "\n"), nil
}
