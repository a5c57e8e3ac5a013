package operators

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

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
//   - SUM and AVG over exact types run in exact 128-bit fixed-point at the result scale, so
//     retractions cancel exactly. Integer sums are emitted as KindInt while they fit an int64
//     (KindUint while they fit a uint64), decimal sums and averages as KindDecimal at the
//     result scale. A Value carries a 64-bit coefficient, so a result too long for it keeps
//     fewer fractional digits, and one whose integer part alone does not fit is emitted as
//     the nearest DOUBLE.
//   - SUM and AVG over DOUBLE keep the exact sum of the inputs (a big integer times a power of
//     two) and round once on output. The result is the correctly rounded sum, the same
//     whatever the order of insertions and retractions, where a running float64 would drift.
//   - MIN and MAX keep every value of the group in a counted sorted bag (extremum.go).
//   - GROUP_CONCAT keeps the same bag and renders it on output.
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
	bytes   atomic.Int64

	epoch   uint64
	touched []*aggGroup
	buf     []byte
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
	// and the bytes it is accounted for.
	holds   int32
	charged int32
}

// accState is one aggregate's state in one group. Only the fields its function uses are
// ever set; the pointer fields stay nil otherwise, so COUNT and exact SUM cost no allocation.
type accState struct {
	// n counts the non-NULL inputs (the distinct ones under DISTINCT): COUNT(col)'s answer and
	// AVG's divisor; SUM and AVG are NULL when it is 0.
	n    int64
	sum  int128
	fsum *floatSum
	dist map[string]*distinctValue
	vals *valueBag
}

// distinctValue is one distinct argument value of a group under DISTINCT: the first copy that
// arrived (whose contribution entered the sum) and how many copies are present.
type distinctValue struct {
	rep dataflow.Value
	n   int64
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
// point as MySQL does for non-numeric arguments. Scales past 18 cannot be held by a Value's
// 64-bit coefficient in any useful range, so they fall back to DOUBLE too.
func exactMode(t dataflow.Type) (bool, uint8) {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		return true, 0
	case dataflow.KindDecimal:
		if t.Scale >= 0 && t.Scale <= 18 {
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
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(p+22, 65), Scale: s, Nullable: true}
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
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: min(p+4, 65), Scale: min(s+4, 30), Nullable: true}
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
			if rec.Neg || a.partial {
				continue // retraction of a row that was never inserted, or a hole
			}
			g = a.newGroup()
			if len(a.groupBy) == 1 {
				g.inline[0] = colAt(rec.Row, a.groupBy[0])
				g.key.rep = g.inline[:]
			}
			a.groups.put(a.buf, g)
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
		if a.partial {
			a.charge(g)
		} else if !alive {
			a.buf = appendWholeRowKey(a.buf[:0], g.key.rep)
			a.groups.del(a.buf)
		}
	}
	clear(a.touched)
	a.touched = a.touched[:0]
	return out
}

func (a *Aggregate) apply(p *aggPlan, st *accState, row dataflow.Row, neg bool) {
	v := colAt(row, p.spec.Arg)
	if v.IsNull() {
		return
	}
	switch p.spec.Func {
	case AggCount:
		if p.spec.Distinct {
			a.distinctUpdate(st, v, neg)
			st.n = int64(len(st.dist))
			return
		}
		st.n += sign(neg)
	case AggSum, AggAvg:
		if p.spec.Distinct {
			rep, change := a.distinctUpdate(st, v, neg)
			if change == 0 {
				return
			}
			v, neg = rep, change < 0
		}
		st.n += sign(neg)
		if p.exact {
			c := exactContribution(v, p.scale)
			if neg {
				c = c.neg()
			}
			st.sum = st.sum.add(c)
		} else {
			if st.fsum == nil {
				st.fsum = &floatSum{}
			}
			st.fsum.add(floatArg(v), neg, &a.tmp)
		}
		if st.n <= 0 {
			// Nothing is left to sum; dropping the state also keeps a stray retraction
			// from leaving a residue behind.
			st.n, st.sum, st.fsum = 0, int128{}, nil
		}
	case AggMin, AggMax, AggGroupConcat:
		if neg {
			if st.vals != nil {
				st.vals.remove(v, compareValuesTotal)
				if st.vals.empty() {
					st.vals = nil
				}
			}
			return
		}
		if st.vals == nil {
			st.vals = &valueBag{}
		}
		st.vals.add(v, compareValuesTotal)
	}
}

// distinctUpdate records one copy of v under DISTINCT and reports the value that entered
// (+1) or left (-1) the group's distinct set, or 0 when the set did not change.
func (a *Aggregate) distinctUpdate(st *accState, v dataflow.Value, neg bool) (dataflow.Value, int) {
	a.vbuf = dataflow.AppendKey(a.vbuf[:0], v)
	d := st.dist[string(a.vbuf)]
	if neg {
		if d == nil {
			return dataflow.Null, 0
		}
		if d.n--; d.n > 0 {
			return dataflow.Null, 0
		}
		delete(st.dist, string(a.vbuf))
		if len(st.dist) == 0 {
			st.dist = nil
		}
		return d.rep, -1
	}
	if d != nil {
		d.n++
		return dataflow.Null, 0
	}
	if st.dist == nil {
		st.dist = make(map[string]*distinctValue)
	}
	st.dist[string(a.vbuf)] = &distinctValue{rep: v, n: 1}
	return v, 1
}

func sign(neg bool) int64 {
	if neg {
		return -1
	}
	return 1
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

func (a *Aggregate) result(p *aggPlan, g *aggGroup) dataflow.Value {
	if p.slot < 0 {
		return dataflow.Int(g.key.n)
	}
	st := &g.accs[p.slot]
	switch p.spec.Func {
	case AggCount:
		return dataflow.Int(st.n)
	case AggSum:
		if st.n == 0 {
			return dataflow.Null
		}
		if p.exact {
			return exactSumValue(st.sum, p.scale)
		}
		return dataflow.Float(st.fsum.value())
	case AggAvg:
		if st.n == 0 {
			return dataflow.Null
		}
		if p.exact {
			return exactAvgValue(st.sum, st.n, p.scale)
		}
		return dataflow.Float(st.fsum.mean(st.n))
	case AggMin, AggMax:
		if st.vals == nil {
			return dataflow.Null
		}
		return extremum(st.vals, p.spec.Func == AggMax)
	case AggGroupConcat:
		return a.groupConcat(&p.spec, st.vals)
	}
	return dataflow.Null
}

// groupConcat renders the group's values in order (reversed for OrderDesc, so ties the
// collation leaves are broken by exact order in the same direction). Under DISTINCT the
// first value of each run of collation-equal values stands for the run.
func (a *Aggregate) groupConcat(s *AggSpec, vals *valueBag) dataflow.Value {
	if vals == nil || vals.empty() {
		return dataflow.Null
	}
	buf := a.textBuf[:0]
	first := true
	var prev dataflow.Value
	visit := func(v dataflow.Value, n int64) bool {
		if s.Distinct {
			if !first && dataflow.Compare(prev, v) == 0 {
				return true
			}
			prev, n = v, 1
		}
		text := v.ToText()
		for ; n > 0; n-- {
			if !first {
				buf = append(buf, s.Separator...)
			}
			first = false
			buf = append(buf, text...)
			if s.MaxLen > 0 && len(buf) >= s.MaxLen {
				return false
			}
		}
		return true
	}
	if s.OrderDesc {
		vals.descend(visit)
	} else {
		vals.ascend(visit)
	}
	if s.MaxLen > 0 && len(buf) > s.MaxLen {
		buf = truncateUTF8(buf, s.MaxLen)
	}
	a.textBuf = buf[:0]
	return dataflow.String(string(buf))
}

// truncateUTF8 cuts b to at most n bytes without splitting a character.
func truncateUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	cut := n
	for k := 0; k < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(b[cut]); k++ {
		cut--
	}
	if !utf8.RuneStart(b[cut]) {
		cut = n // not UTF-8 to begin with: cut at the byte limit
	}
	return b[:cut]
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

// floatArg converts a SUM/AVG argument to DOUBLE as MySQL does. A string whose numeric
// prefix overflows a double parses as an infinity; MySQL clamps it to the largest double.
func floatArg(v dataflow.Value) float64 {
	f, _ := v.ToFloat()
	switch {
	case math.IsInf(f, 1):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	case math.IsNaN(f):
		return 0
	}
	return f
}

// floatSum is the exact sum of a multiset of doubles: mant × 2^exp, with mant odd (or zero)
// so the representation depends only on the value. Every double is an integer times a power
// of two, so additions and retractions are exact and the result is rounded once, on output.
type floatSum struct {
	mant big.Int
	exp  int
}

func (s *floatSum) add(f float64, neg bool, tmp *big.Int) {
	if f == 0 {
		return
	}
	fr, e := math.Frexp(f)
	m := int64(fr * (1 << 53)) // exact: |fr| < 1 has at most 53 significant bits
	e -= 53
	if neg {
		m = -m
	}
	if s.mant.Sign() == 0 {
		s.mant.SetInt64(m)
		s.exp = e
	} else {
		if e < s.exp {
			s.mant.Lsh(&s.mant, uint(s.exp-e))
			s.exp = e
		}
		tmp.SetInt64(m)
		tmp.Lsh(tmp, uint(e-s.exp))
		s.mant.Add(&s.mant, tmp)
	}
	if s.mant.Sign() == 0 {
		s.exp = 0
		return
	}
	if tz := s.mant.TrailingZeroBits(); tz > 0 {
		s.mant.Rsh(&s.mant, tz)
		s.exp += int(tz)
	}
}

func (s *floatSum) exact(z *big.Float) *big.Float {
	if s == nil {
		return z.SetInt64(0)
	}
	z.SetInt(&s.mant) // exact: the precision grows to the integer's length
	return z.SetMantExp(z, s.exp)
}

// value is the sum rounded to the nearest double (an overflow becomes NULL through
// dataflow.Float).
func (s *floatSum) value() float64 {
	var z big.Float
	f, _ := s.exact(&z).Float64()
	return f
}

// mean is sum/n rounded once to the nearest double.
func (s *floatSum) mean(n int64) float64 {
	var sum, cnt, q big.Float
	s.exact(&sum)
	cnt.SetInt64(n)
	f, _ := q.SetPrec(53).Quo(&sum, &cnt).Float64()
	return f
}

// int128 is a two's-complement 128-bit integer with wrapping arithmetic. Wrapping keeps
// insert-then-retract exact even through an intermediate overflow; the final value is right
// whenever the true sum fits, which 2^63 contributions of at most 2^64 × 10^18 always do.
type int128 struct {
	hi int64
	lo uint64
}

func int128From64(x int64) int128 { return int128{hi: x >> 63, lo: uint64(x)} }

func (a int128) add(b int128) int128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return int128{hi: a.hi + b.hi + int64(c), lo: lo}
}

func (a int128) neg() int128 {
	lo, borrow := bits.Sub64(0, a.lo, 0)
	return int128{hi: -a.hi - int64(borrow), lo: lo}
}

// int64 returns the value when it fits an int64.
func (a int128) int64() (int64, bool) {
	if (a.hi == 0 && a.lo <= math.MaxInt64) || (a.hi == -1 && a.lo > math.MaxInt64) {
		return int64(a.lo), true
	}
	return 0, false
}

// mulSmall multiplies by m (wrapping).
func (a int128) mulSmall(m uint64) int128 {
	neg := a.hi < 0
	if neg {
		a = a.neg()
	}
	hi, lo := bits.Mul64(a.lo, m)
	hi += uint64(a.hi) * m
	r := int128{hi: int64(hi), lo: lo}
	if neg {
		r = r.neg()
	}
	return r
}

// divRound divides by d > 0, rounding half away from zero as MySQL's DECIMAL division does.
func (a int128) divRound(d int64) int128 {
	neg := a.hi < 0
	if neg {
		a = a.neg()
	}
	ud := uint64(d)
	hi := uint64(a.hi)
	qh, r := hi/ud, hi%ud
	ql, rem := bits.Div64(r, a.lo, ud)
	q := int128{hi: int64(qh), lo: ql}
	if rem >= ud-rem {
		q = q.add(int128{lo: 1})
	}
	if neg {
		q = q.neg()
	}
	return q
}

func (a int128) bigInt() *big.Int {
	x := new(big.Int).SetInt64(a.hi)
	x.Lsh(x, 64)
	return x.Add(x, new(big.Int).SetUint64(a.lo))
}

var pow10u64 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// exactContribution is v scaled to the fixed-point scale (≤ 18). Exact kinds convert
// exactly (a decimal with more digits than the scale is rounded half away from zero); other
// kinds go through MySQL's numeric conversion to DOUBLE and are rounded to the scale. The
// contribution is a function of the value alone, which is what makes a retraction undo its
// insertion exactly.
func exactContribution(v dataflow.Value, scale uint8) int128 {
	switch v.Kind() {
	case dataflow.KindInt:
		return int128From64(v.RawInt()).mulSmall(pow10u64[scale])
	case dataflow.KindUint:
		return int128{lo: v.RawUint()}.mulSmall(pow10u64[scale])
	case dataflow.KindDecimal:
		c, s := v.DecimalParts()
		if s <= scale {
			return int128From64(c).mulSmall(pow10u64[scale-s])
		}
		return int128From64(decimalRescaleDown(c, s-scale))
	}
	f := floatArg(v) * math.Pow10(int(scale))
	return int128FromFloat(f)
}

// decimalRescaleDown divides c by 10^drop rounding half away from zero, for any drop.
func decimalRescaleDown(c int64, drop uint8) int64 {
	if drop >= uint8(len(pow10u64)) {
		return 0 // |c| < 2^63 < 0.5 × 10^20
	}
	neg := c < 0
	mag := uint64(c)
	if neg {
		mag = -mag
	}
	p := pow10u64[drop]
	q, r := mag/p, mag%p
	if r >= p-r {
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// int128FromFloat rounds f half away from zero to an integer. Magnitudes past 2^126 saturate:
// such a contribution is already meaningless as a decimal, and saturation keeps it a pure
// function of the value.
func int128FromFloat(f float64) int128 {
	f = math.Round(f)
	mag := math.Abs(f)
	var r int128
	switch {
	case mag < 1<<63:
		r = int128{lo: uint64(mag)}
	case mag >= 1<<126 || math.IsNaN(mag):
		r = int128{hi: 1 << 62}
	default:
		fr, e := math.Frexp(mag) // mag = fr × 2^e, 64 ≤ e ≤ 126
		m := uint64(fr * (1 << 64))
		k := uint(e - 64)
		r = int128{lo: m << k}
		if k > 0 {
			r.hi = int64(m >> (64 - k))
		}
	}
	if f < 0 {
		r = r.neg()
	}
	return r
}

// exactSumValue turns a fixed-point sum into a Value: an INT for scale 0 while it fits (a
// UINT up to 2^64), otherwise a DECIMAL at the scale.
func exactSumValue(sum int128, scale uint8) dataflow.Value {
	if v, ok := sum.int64(); ok {
		if scale == 0 {
			return dataflow.Int(v)
		}
		return dataflow.Decimal(v, scale)
	}
	if scale == 0 && sum.hi == 0 {
		return dataflow.Uint(sum.lo)
	}
	return fitDecimal(sum.bigInt(), big.NewInt(1), scale)
}

// exactAvgValue is sum/n (sum at the fixed-point scale) rounded half away from zero.
func exactAvgValue(sum int128, n int64, scale uint8) dataflow.Value {
	if v, ok := sum.divRound(n).int64(); ok {
		return dataflow.Decimal(v, scale)
	}
	return fitDecimal(sum.bigInt(), big.NewInt(n), scale)
}

// fitDecimal renders num/den × 10^-scale when its coefficient does not fit 64 bits at the
// scale: it drops fractional digits (rounding once, half away from zero) until the
// coefficient fits, keeping the 18-19 significant digits a Value can hold, and falls back to
// the nearest DOUBLE only when even the integer part does not fit.
func fitDecimal(num, den *big.Int, scale uint8) dataflow.Value {
	ten := big.NewInt(10)
	for s := int(scale); s >= 0; s-- {
		d := new(big.Int).Exp(ten, big.NewInt(int64(int(scale)-s)), nil)
		d.Mul(d, den)
		if q := roundQuo(num, d); q.IsInt64() {
			return dataflow.Decimal(q.Int64(), uint8(s))
		}
	}
	d := new(big.Int).Exp(ten, big.NewInt(int64(scale)), nil)
	f, _ := new(big.Rat).SetFrac(num, d.Mul(d, den)).Float64()
	return dataflow.Float(f)
}

// roundQuo is num/den (den > 0) rounded half away from zero.
func roundQuo(num, den *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	m.Abs(m).Lsh(m, 1)
	if m.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// keyMap is a map keyed by encoded keys. Keys of up to smallKeyMax bytes (one integer column
// encodes in 9) are stored inline in a fixed-size array key: the lookup then hashes and
// compares the array in place instead of chasing a string pointer to compare key bytes,
// which saves a cache miss per delta on large maps and an allocation per new key. Longer
// keys use an ordinary string map. Encodings are prefix-free, and the array also records the
// length, so zero padding cannot make two keys collide.
type keyMap[V any] struct {
	small map[smallKey]V
	large map[string]V
}

const smallKeyMax = 15

type smallKey [smallKeyMax + 1]byte

func toSmallKey(k []byte) smallKey {
	var sk smallKey
	copy(sk[:smallKeyMax], k)
	sk[smallKeyMax] = byte(len(k))
	return sk
}

func (sk *smallKey) bytes() []byte { return sk[:sk[smallKeyMax]] }

func (m *keyMap[V]) get(k []byte) (V, bool) {
	if len(k) <= smallKeyMax {
		v, ok := m.small[toSmallKey(k)]
		return v, ok
	}
	v, ok := m.large[string(k)]
	return v, ok
}

func (m *keyMap[V]) put(k []byte, v V) {
	if len(k) <= smallKeyMax {
		if m.small == nil {
			m.small = make(map[smallKey]V)
		}
		m.small[toSmallKey(k)] = v
		return
	}
	if m.large == nil {
		m.large = make(map[string]V)
	}
	m.large[string(k)] = v
}

func (m *keyMap[V]) del(k []byte) {
	if len(k) <= smallKeyMax {
		delete(m.small, toSmallKey(k))
		return
	}
	delete(m.large, string(k))
}

func (m *keyMap[V]) len() int { return len(m.small) + len(m.large) }

// each calls f with every key and value, in no particular order.
func (m *keyMap[V]) each(f func(k []byte, v V)) {
	for k, v := range m.small {
		f(k.bytes(), v)
	}
	for k, v := range m.large {
		f([]byte(k), v)
	}
}

// sorted returns the entries in key order (for deterministic snapshots).
func (m *keyMap[V]) sorted() []V {
	type kv struct {
		k string
		v V
	}
	all := make([]kv, 0, m.len())
	for k, v := range m.small {
		all = append(all, kv{string(k.bytes()), v})
	}
	for k, v := range m.large {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	out := make([]V, len(all))
	for i, e := range all {
		out[i] = e.v
	}
	return out
}
