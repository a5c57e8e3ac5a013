package operators

import (
	"math/big"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
)

// Aggregate groups its input by the GroupBy columns and computes every aggregate of one
// SELECT in one node, with an accumulator per function per group. Its output is the group
// columns followed by one column per aggregate.
//
// Per batch, each group the batch touched emits its change once: the retraction of the row it
// had before the batch and the insertion of the row it has after, or nothing when the two are
// identical. A group appears with its first input row and is retracted with its last, except
// with no group columns: then there is exactly one group, present from construction (COUNT 0,
// every other aggregate NULL) and never retracted, as SQL requires of a scalar aggregate.
//
// Group values that are equal under the collation but not identical ('a' and 'A') form one
// group; the output shows the smallest variant present in exact order, so the result depends
// only on the input multiset.
//
// Arithmetic (see SumType and AvgType for the result types):
//   - SUM and AVG over exact types run in exact fixed-point at the result scale, so
//     retractions cancel exactly: in 128 bits while the sum stays within ±2^126, in a big
//     integer beyond (wide DECIMAL columns), back in 128 bits when it shrinks. Integer sums
//     are emitted as KindInt while they fit an int64 (KindUint while they fit a uint64),
//     decimal sums and averages as KindDecimal at the result scale. As in MariaDB, a result
//     wider than 81 digits keeps fewer fractional digits, and one whose integer part alone
//     is wider is emitted as the nearest DOUBLE.
//   - SUM and AVG over DOUBLE keep the exact sum of the inputs (a big integer times a power of
//     two) and round once on output. The result is the correctly rounded sum, the same
//     whatever the order of insertions and retractions, where a running float64 would drift.
//   - MIN and MAX keep every value of the group in a counted sorted bag (extremum.go).
//   - GROUP_CONCAT keeps the same bag and renders it on output; so do JSON_ARRAYAGG (whose
//     bag holds NULLs too) and JSON_OBJECTAGG (whose bag holds its members' text). Rendering
//     from the bag makes the result a function of the group's multiset: a retraction takes
//     out one copy and the next read renders what is left, in value order.
type Aggregate struct {
	groupBy []int
	plans   []aggPlan
	nslots  int
	// countStar: the output has a COUNT(*) column, so a group whose row count changed has
	// surely changed and needs no comparison with its previous row.
	countStar bool
	groups    keyMap[*aggGroup]
	// partial: absent groups are holes (see partial.go); present groups stay when they
	// empty, since "no rows" is something the state knows.
	partial bool
	// subCols, when set (SetPartialBy), are the parent's columns, some of the group columns,
	// that the aggregate is partial by: subKeys holds the present values of them (see
	// subkey.go), and subOut their positions in the output.
	subCols []int
	subOut  []int
	subKeys keyMap[*subKey[*aggGroup]]
	// iv, when set (SetIntervalPartial), makes the aggregate partial by intervals of one
	// group column (see aggregate_intervals.go).
	iv    *aggIntervals
	bytes atomic.Int64

	epoch   uint64
	touched []*aggGroup
	buf     []byte
	kbuf    []byte
	vbuf    []byte
	textBuf []byte
	tmp     big.Int
}

// aggPlan is an AggSpec resolved once at construction.
type aggPlan struct {
	spec AggSpec
	// slot indexes the group's accumulators; -1 for COUNT(*), which the group's row count
	// answers.
	slot int
	// exact: SUM/AVG run in fixed-point at scale; otherwise in exact binary (DOUBLE).
	exact bool
	scale uint8
}

type aggGroup struct {
	key   variants     // group column values; key.n is the group's row count
	out   dataflow.Row // the row currently emitted, nil if none
	epoch uint64
	n0    int64 // key.n when the batch first touched the group
	accs  []accState
	// inline holds the value of a single group column inside the group itself, so the
	// identity check each delta makes reads memory the map lookup already brought in.
	inline [1]dataflow.Value
	// holds and charged serve partial state: the holds downstream states have on the group,
	// and the bytes it is accounted for. When the aggregate is partial by some of its group
	// columns, holds are its partial keys' and holds is instead the group's position in its
	// key's list (which keeps the group no bigger than before).
	holds   int32
	charged int32
}

// NewAggregate returns an aggregate over the groupBy columns computing aggs.
func NewAggregate(groupBy []int, aggs []AggSpec) *Aggregate {
	a := &Aggregate{
		// Non-nil even when empty: a nil column list means "the whole row" to variants.
		groupBy: append([]int{}, groupBy...),
	}
	for _, s := range aggs {
		p := aggPlan{spec: s, slot: -1}
		if s.Func != AggCountStar {
			p.slot = a.nslots
			a.nslots++
		} else {
			a.countStar = true
		}
		if s.Func == AggSum || s.Func == AggAvg {
			p.exact, p.scale = exactMode(s.Type)
		}
		a.plans = append(a.plans, p)
	}
	if len(a.groupBy) == 0 {
		g := a.newGroup()
		g.out = a.outputRow(g)
		a.groups.put(nil, g)
	}
	return a
}

// exactMode decides how SUM/AVG compute from the declared result type: exact types in
// fixed-point at their scale, everything else (DOUBLE, and an unset type) in binary floating
// point as MySQL does for non-numeric arguments.
func exactMode(t dataflow.Type) (bool, uint8) {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		return true, 0
	case dataflow.KindDecimal:
		if t.Scale >= 0 && t.Scale <= dataflow.MaxDecimalScale {
			return true, uint8(t.Scale)
		}
	}
	return false, 0
}

// SumType is MySQL's result type of SUM over an argument of type arg: DECIMAL with the
// argument's scale for exact arguments, DOUBLE otherwise.
func SumType(arg dataflow.Type) dataflow.Type {
	switch arg.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		p := exactPrecision(arg)
		s := 0
		if arg.Kind == dataflow.KindDecimal {
			s = arg.Scale
		}
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(p+22, dataflow.MaxDecimalPrecision), Scale: s, Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
}

// AvgType is MySQL's result type of AVG over an argument of type arg: DECIMAL with four more
// digits of scale than the argument for exact arguments, DOUBLE otherwise.
func AvgType(arg dataflow.Type) dataflow.Type {
	switch arg.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		p := exactPrecision(arg)
		s := 0
		if arg.Kind == dataflow.KindDecimal {
			s = arg.Scale
		}
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(p+4, dataflow.MaxDecimalPrecision), Scale: min(s+4, dataflow.MaxDecimalScale), Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
}

func exactPrecision(t dataflow.Type) int {
	if t.Precision > 0 {
		return t.Precision
	}
	if t.Kind == dataflow.KindDecimal {
		return 10
	}
	return 20
}

func (a *Aggregate) newGroup() *aggGroup {
	g := &aggGroup{}
	if a.nslots > 0 {
		g.accs = make([]accState, a.nslots)
	}
	return g
}

// Process applies the deltas in order and emits the change of every touched group.
func (a *Aggregate) Process(_ int, in dataflow.Batch) dataflow.Batch {
	a.epoch++
	for _, rec := range in {
		a.buf = appendColsKey(a.buf[:0], rec.Row, a.groupBy)
		g, _ := a.groups.get(a.buf)
		if g == nil {
			if rec.Neg {
				continue // retraction of a row that was never inserted
			}
			var owner *subKey[*aggGroup]
			switch {
			case !a.partial:
			case a.iv != nil:
				if a.ivHole(rec.Row) {
					continue // a hole of the range column
				}
			case a.subCols == nil:
				continue // a hole
			default:
				if owner = a.subOwner(rec.Row); owner == nil {
					continue // a hole of the partial key
				}
			}
			g = a.newGroup()
			if len(a.groupBy) == 1 {
				g.inline[0] = colAt(rec.Row, a.groupBy[0])
				g.key.rep = g.inline[:]
			}
			a.groups.put(a.buf, g)
			if owner != nil {
				g.holds = owner.add(g)
			}
			if a.iv != nil {
				a.iv.groups.ReplaceOrInsert(ivGroup{val: colAt(rec.Row, a.iv.col), key: string(a.buf), g: g})
			}
		}
		n0 := g.key.n
		if rec.Neg {
			if !g.key.remove(rec.Row, a.groupBy) {
				continue
			}
		} else {
			g.key.add(rec.Row, a.groupBy)
		}
		if g.epoch != a.epoch {
			g.epoch = a.epoch
			g.n0 = n0
			a.touched = append(a.touched, g)
		}
		for i := range a.plans {
			if a.plans[i].slot >= 0 {
				a.apply(&a.plans[i], &g.accs[a.plans[i].slot], rec.Row, rec.Neg)
			}
		}
	}
	if len(a.touched) == 0 {
		return nil
	}
	out := make(dataflow.Batch, 0, 2*len(a.touched))
	for _, g := range a.touched {
		alive := g.key.n > 0 || len(a.groupBy) == 0
		var row dataflow.Row
		if alive {
			row = a.outputRow(g)
		}
		if g.out != nil && row != nil && !(a.countStar && g.n0 != g.key.n) && dataflow.IdenticalRows(g.out, row) {
			continue
		}
		if g.out != nil {
			out = append(out, dataflow.Record{Row: g.out, Neg: true})
		}
		if row != nil {
			out = append(out, dataflow.Record{Row: row})
		}
		g.out = row
		if alive || (a.partial && a.subCols == nil && a.iv == nil) {
			a.charge(g)
		} else {
			// An emptied group goes, unless it is itself a present key of partial state.
			a.dropGroup(g)
		}
	}
	clear(a.touched)
	a.touched = a.touched[:0]
	return out
}

func (a *Aggregate) outputRow(g *aggGroup) dataflow.Row {
	ng := len(a.groupBy)
	row := make(dataflow.Row, ng+len(a.plans))
	copy(row, g.key.current())
	for i := range a.plans {
		row[ng+i] = a.result(&a.plans[i], g)
	}
	return row
}

// Snapshot returns the row of every group, in group-key order.
func (a *Aggregate) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	out := make([]dataflow.Row, 0, a.groups.len())
	for _, g := range a.groups.sorted() {
		if g.out != nil {
			out = append(out, g.out)
		}
	}
	return out
}

// Describe renders the grouping and the aggregates, e.g. "agg[$0](count(*), sum($2))". SUM
// and AVG name their declared result type, which decides their arithmetic.
// Origins: the group columns come first, copied from the parent; the aggregates after them
// are computed.
func (a *Aggregate) Origins(col int) []dataflow.ColumnOrigin {
	if col < 0 || col >= len(a.groupBy) {
		return nil
	}
	return []dataflow.ColumnOrigin{{Slot: 0, Col: a.groupBy[col]}}
}

// StateKey: the aggregate's state is grouped by its group columns.
func (a *Aggregate) StateKey(int) []int { return a.groupBy }

func (a *Aggregate) Describe() string {
	var b strings.Builder
	b.WriteString("agg[")
	describeCols(&b, a.groupBy)
	b.WriteString("](")
	for i := range a.plans {
		if i > 0 {
			b.WriteString(", ")
		}
		describeAgg(&b, a.plans[i].spec)
	}
	b.WriteString(")")
	return b.String()
}

func describeAgg(b *strings.Builder, s AggSpec) {
	names := [...]string{
		AggCountStar: "count", AggCount: "count", AggSum: "sum", AggAvg: "avg",
		AggMin: "min", AggMax: "max", AggGroupConcat: "group_concat",
		AggJSONArray: "json_arrayagg", AggJSONObject: "json_objectagg",
	}
	if int(s.Func) >= len(names) {
		b.WriteString("agg" + strconv.Itoa(int(s.Func)) + "()")
		return
	}
	b.WriteString(names[s.Func])
	b.WriteByte('(')
	if s.Func == AggCountStar {
		b.WriteString("*)")
		return
	}
	if s.Distinct && s.Func != AggMin && s.Func != AggMax {
		b.WriteString("distinct ")
	}
	b.WriteString("$" + strconv.Itoa(s.Arg))
	if s.Func == AggGroupConcat {
		if s.OrderDesc {
			b.WriteString(" desc")
		}
		b.WriteString(" separator " + strconv.Quote(s.Separator))
		if s.MaxLen > 0 {
			b.WriteString(" max " + strconv.Itoa(s.MaxLen))
		}
	}
	if s.Func == AggJSONArray {
		if s.OrderByArg {
			b.WriteString(" order $" + strconv.Itoa(s.OrderArg))
		}
		if s.OrderDesc {
			b.WriteString(" desc")
		}
		if s.ArgJSON {
			b.WriteString(" json")
		}
		if s.HasLimit {
			b.WriteString(" limit " + strconv.Itoa(s.Offset) + "," + strconv.Itoa(s.Limit))
		}
	}
	b.WriteByte(')')
	if (s.Func == AggSum || s.Func == AggAvg) && s.Type.Kind != dataflow.KindNull {
		b.WriteString(":" + s.Type.String())
	}
}

func appendColsKey(buf []byte, row dataflow.Row, cols []int) []byte {
	for _, c := range cols {
		buf = dataflow.AppendKey(buf, colAt(row, c))
	}
	return buf
}
