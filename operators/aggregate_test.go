package operators

import (
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Input of the aggregate property tests: [g string, i int, d DECIMAL(_,2), f DOUBLE, s string].
var (
	aggG = genValue(dataflow.Null, dataflow.String("a"), dataflow.String("A"), dataflow.String("b"))
	aggI = genValue(dataflow.Null, dataflow.Int(-2), dataflow.Int(0), dataflow.Int(1), dataflow.Int(3),
		dataflow.Int(math.MaxInt64/2))
	aggD = genValue(dataflow.Null, dataflow.Decimal(125, 2), dataflow.Decimal(-50, 2), dataflow.Decimal(200, 2),
		dataflow.Decimal(1, 2))
	aggF = genValue(dataflow.Null, dataflow.Float(0.1), dataflow.Float(0.2), dataflow.Float(1e16), dataflow.Float(-0.3),
		dataflow.Float(2.5), dataflow.Float(1e-300))
	aggS = genValue(dataflow.Null, dataflow.String("x"), dataflow.String("X"), dataflow.String("y"), dataflow.String("x "))
)

var propAggs = []AggSpec{
	{Func: AggCountStar},
	{Func: AggCount, Arg: 1},
	{Func: AggCount, Arg: 4, Distinct: true},
	{Func: AggSum, Arg: 1, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 41}},
	{Func: AggAvg, Arg: 1, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 24, Scale: 4}},
	{Func: AggSum, Arg: 2, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 32, Scale: 2}},
	{Func: AggAvg, Arg: 2, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 14, Scale: 6}},
	{Func: AggSum, Arg: 3, Type: dataflow.Type{Kind: dataflow.KindFloat}},
	{Func: AggAvg, Arg: 3, Type: dataflow.Type{Kind: dataflow.KindFloat}},
	{Func: AggMin, Arg: 4},
	{Func: AggMax, Arg: 4},
	{Func: AggGroupConcat, Arg: 4, Separator: ","},
	{Func: AggGroupConcat, Arg: 4, Separator: "|", Distinct: true, OrderDesc: true},
	{Func: AggSum, Arg: 1, Distinct: true, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 41}},
	{Func: AggMin, Arg: 1},
	{Func: AggMax, Arg: 3},
	{Func: AggJSONArray, Arg: 4},
	{Func: AggJSONArray, Arg: 3},
	{Func: AggJSONArray, Arg: 1, Distinct: true, OrderDesc: true, HasLimit: true, Limit: 2, Offset: 1},
	{Func: AggJSONArray, Arg: 4, Distinct: true, HasLimit: true, Limit: 0},
	{Func: AggJSONObject, Arg: 4},
	{Func: AggJSONArray, Arg: 4, OrderByArg: true, OrderArg: 1},
	{Func: AggJSONArray, Arg: 2, OrderByArg: true, OrderArg: 4, OrderDesc: true, HasLimit: true, Limit: 2, Offset: 1},
}

// refAggregate computes the aggregate from scratch with big rationals and sorting.
func refAggregate(groupBy []int, aggs []AggSpec) func(propInputs) []dataflow.Row {
	return func(in propInputs) []dataflow.Row {
		groups := refGroups(in[0], groupBy)
		if len(groupBy) == 0 && len(groups) == 0 {
			groups = [][]dataflow.Row{nil}
		}
		var out []dataflow.Row
		for _, g := range groups {
			var row dataflow.Row
			if len(groupBy) > 0 {
				keys := make([]dataflow.Row, len(g))
				for i, r := range g {
					for _, c := range groupBy {
						keys[i] = append(keys[i], r[c])
					}
				}
				slices.SortFunc(keys, refRowCompare)
				row = append(row, keys[0]...)
			}
			for _, a := range aggs {
				row = append(row, refAgg(a, g))
			}
			out = append(out, row)
		}
		return out
	}
}

func refAgg(a AggSpec, rows []dataflow.Row) dataflow.Value {
	if a.Func == AggCountStar {
		return dataflow.Int(int64(len(rows)))
	}
	if a.OrderByArg {
		return refJSONArrayByKey(a, rows)
	}
	var vals []dataflow.Value
	for _, r := range rows {
		if !r[a.Arg].IsNull() || a.Func == AggJSONArray {
			vals = append(vals, r[a.Arg])
		}
	}
	if a.Distinct && a.Func != AggGroupConcat && a.Func != AggJSONArray {
		var d []dataflow.Value
		for _, v := range vals {
			if !slices.ContainsFunc(d, func(x dataflow.Value) bool { return dataflow.Compare(x, v) == 0 }) {
				d = append(d, v)
			}
		}
		vals = d
	}
	slices.SortFunc(vals, refExactCompare)
	switch a.Func {
	case AggCount:
		return dataflow.Int(int64(len(vals)))
	case AggSum, AggAvg:
		if len(vals) == 0 {
			return dataflow.Null
		}
		sum := new(big.Rat)
		for _, v := range vals {
			sum.Add(sum, ratOf(v))
		}
		if a.Func == AggAvg {
			sum.Quo(sum, new(big.Rat).SetInt64(int64(len(vals))))
		}
		f, _ := sum.Float64()
		if a.Type.Kind == dataflow.KindFloat {
			return dataflow.Float(f)
		}
		// A result wider than 81 digits keeps fewer fractional digits.
		for s := a.Type.Scale; s >= 0; s-- {
			c := roundRatBig(new(big.Rat).Mul(sum, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))))
			switch {
			case a.Func == AggSum && a.Type.Scale == 0 && c.IsInt64():
				return dataflow.Int(c.Int64())
			case a.Func == AggSum && a.Type.Scale == 0 && c.IsUint64():
				return dataflow.Uint(c.Uint64())
			case dataflow.BigDigits(c) <= dataflow.MaxDecimalDigits:
				return dataflow.DecimalBig(c, uint8(s))
			}
		}
		return dataflow.Float(f)
	case AggMin:
		if len(vals) == 0 {
			return dataflow.Null
		}
		return vals[0]
	case AggMax:
		if len(vals) == 0 {
			return dataflow.Null
		}
		return vals[len(vals)-1]
	case AggGroupConcat:
		if len(vals) == 0 {
			return dataflow.Null
		}
		if a.OrderDesc {
			slices.Reverse(vals)
		}
		var parts []string
		for i, v := range vals {
			if a.Distinct && i > 0 && dataflow.Compare(vals[i-1], v) == 0 {
				continue
			}
			parts = append(parts, v.ToText())
		}
		return dataflow.String(strings.Join(parts, a.Separator))
	case AggJSONArray:
		if len(vals) == 0 {
			return dataflow.Null
		}
		if a.OrderDesc {
			slices.Reverse(vals)
		}
		var parts []string
		for i, v := range vals {
			if a.Distinct && i > 0 && dataflow.Compare(vals[i-1], v) == 0 {
				continue
			}
			parts = append(parts, string(expr.AppendJSONValue(nil, v, false)))
		}
		if a.HasLimit {
			parts = parts[min(a.Offset, len(parts)):]
			parts = parts[:min(a.Limit, len(parts))]
		}
		return dataflow.String("[" + strings.Join(parts, ",") + "]")
	case AggJSONObject:
		if len(vals) == 0 {
			return dataflow.Null
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.RawString()
		}
		return dataflow.String("{" + strings.Join(parts, ", ") + "}")
	}
	panic("unknown aggregate")
}

func TestAggregateIncremental(t *testing.T) {
	rows := genRow(aggG, aggI, aggD, aggF, aggS)
	for _, tc := range []struct {
		name    string
		groupBy []int
	}{
		{"grouped", []int{0}},
		{"two columns", []int{0, 4}},
		{"scalar", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				op := NewAggregate(tc.groupBy, propAggs)
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{rows}, refAggregate(tc.groupBy, propAggs))
			})
		})
	}
}

// TestAggregateLargeGroup drives MIN, MAX and GROUP_CONCAT through a group large enough for
// the value bag to move into a B-tree and back, checking every step.
func TestAggregateLargeGroup(t *testing.T) {
	aggs := []AggSpec{{Func: AggMin, Arg: 1}, {Func: AggMax, Arg: 1}, {Func: AggGroupConcat, Arg: 1, Separator: " "},
		{Func: AggCount, Arg: 1, Distinct: true}}
	op := NewAggregate([]int{0}, aggs)
	ref := refAggregate([]int{0}, aggs)
	in := make(propInputs, 1)
	got := multiset{}
	step := func(rec dataflow.Record) {
		t.Helper()
		for _, o := range op.Process(0, dataflow.Batch{rec}) {
			if o.Neg && !got.remove(o.Row) {
				t.Fatalf("retraction of %s not in output", fmtRow(o.Row))
			} else if !o.Neg {
				got.add(o.Row)
			}
		}
		if d := got.diff(multisetOf(ref(in))); d != "" {
			t.Fatalf("after %v: differs from recomputation:\n%s", fmtBatch(dataflow.Batch{rec}), d)
		}
	}
	const n = 3 * bagSmallMax
	for i := 0; i < n; i++ {
		// A permutation of 0..n-1 with each value twice, arriving out of order.
		r := dataflow.Row{dataflow.Int(7), dataflow.Int(int64(i * 37 % n))}
		for range 2 {
			in[0] = append(in[0], r)
			step(dataflow.Record{Row: r})
		}
	}
	// Remove the current extremes first, then everything else.
	for len(in[0]) > 0 {
		k := 0
		if len(in[0])%3 == 0 {
			k = len(in[0]) - 1
		}
		slices.SortFunc(in[0], refRowCompare)
		r := in[0][k]
		in[0] = slices.Delete(in[0], k, k+1)
		step(dataflow.Record{Row: r, Neg: true})
	}
	if n := op.groups.len(); n != 0 {
		t.Fatalf("%d groups left after every row left", n)
	}
}

func TestAggregateDescribe(t *testing.T) {
	for _, tc := range []struct {
		groupBy []int
		aggs    []AggSpec
		want    string
	}{
		{[]int{0}, []AggSpec{{Func: AggCountStar}, {Func: AggSum, Arg: 2}}, "agg[$0](count(*), sum($2))"},
		{nil, []AggSpec{{Func: AggCount, Arg: 1, Distinct: true}}, "agg[](count(distinct $1))"},
		{[]int{1, 0}, []AggSpec{{Func: AggAvg, Arg: 2, Type: dataflow.Type{Kind: dataflow.KindDecimal, Precision: 14, Scale: 6}}},
			"agg[$1, $0](avg($2):DECIMAL(14,6))"},
		{[]int{0}, []AggSpec{{Func: AggMax, Arg: 3, Distinct: true}, {Func: AggGroupConcat, Arg: 1, Separator: ";", OrderDesc: true, MaxLen: 1024}},
			`agg[$0](max($3), group_concat($1 desc separator ";" max 1024))`},
		{nil, []AggSpec{{Func: AggJSONArray, Arg: 1, Distinct: true, OrderDesc: true, ArgJSON: true, HasLimit: true, Limit: 3, Offset: 1},
			{Func: AggJSONObject, Arg: 2}}, `agg[](json_arrayagg(distinct $1 desc json limit 1,3), json_objectagg($2))`},
		{nil, []AggSpec{{Func: AggFunc(99)}}, "agg[](agg99())"},
	} {
		if got := NewAggregate(tc.groupBy, tc.aggs).Describe(); got != tc.want {
			t.Errorf("Describe() = %q, want %q", got, tc.want)
		}
	}
}

func TestSumAvgTypes(t *testing.T) {
	dec := func(p, s int) dataflow.Type {
		return dataflow.Type{Kind: dataflow.KindDecimal, Precision: p, Scale: s, Nullable: true}
	}
	double := dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
	for _, tc := range []struct {
		arg      dataflow.Type
		sum, avg dataflow.Type
	}{
		{dataflow.Type{Kind: dataflow.KindInt, Precision: 11}, dec(33, 0), dec(15, 4)},
		{dataflow.Type{Kind: dataflow.KindInt}, dec(42, 0), dec(24, 4)},
		{dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2}, dec(32, 2), dec(14, 6)},
		{dataflow.Type{Kind: dataflow.KindDecimal, Precision: 65, Scale: 28}, dec(65, 28), dec(65, 32)},
		{dataflow.Type{Kind: dataflow.KindDecimal, Precision: 65, Scale: 36}, dec(65, 36), dec(65, 38)},
		{dataflow.Type{Kind: dataflow.KindFloat}, double, double},
		{dataflow.Type{Kind: dataflow.KindString}, double, double},
	} {
		if got := SumType(tc.arg); got != tc.sum {
			t.Errorf("SumType(%v) = %+v, want %+v", tc.arg, got, tc.sum)
		}
		if got := AvgType(tc.arg); got != tc.avg {
			t.Errorf("AvgType(%v) = %+v, want %+v", tc.arg, got, tc.avg)
		}
	}
}

func TestExactContribution(t *testing.T) {
	for _, tc := range []struct {
		v     dataflow.Value
		scale uint8
		want  string
	}{
		{dataflow.Int(-7), 0, "-7"},
		{dataflow.Int(-7), 4, "-70000"},
		{dataflow.Int(math.MinInt64), 18, "-9223372036854775808000000000000000000"},
		{dataflow.Uint(math.MaxUint64), 18, "18446744073709551615000000000000000000"},
		{dataflow.Decimal(125, 2), 6, "1250000"},
		{dataflow.Decimal(125, 2), 1, "13"},   // 1.25 -> 1.3, half away from zero
		{dataflow.Decimal(-125, 2), 1, "-13"}, // -1.25 -> -1.3
		{dataflow.Decimal(-124, 2), 1, "-12"},
		{dataflow.Decimal(math.MaxInt64, 30), 0, "0"},
		{dataflow.Float(2.5), 0, "3"},
		{dataflow.Float(-2.5), 0, "-3"},
		{dataflow.Float(1e20), 0, "100000000000000000000"},
		{dataflow.Float(-1e30), 0, "-1000000000000000019884624838656"},
		{dataflow.Float(1e300), 0, "1" + strings.Repeat("0", 81)}, // saturates past any decimal
		{dataflow.Float(1e37), 0, "9999999999999999538762658202121142272"},
		{dataflow.Decimal(1, 38), 38, "1"},
		{dataflow.Int(3), 38, "3" + strings.Repeat("0", 38)},
		{wideDecimal(t, "-123456789012345678901234567890.123456789"), 2, "-12345678901234567890123456789012"},
		{dataflow.String("12.5abc"), 1, "125"},
		{dataflow.String("1e400"), 0, "1" + strings.Repeat("0", 81)},
	} {
		c := exactContribution(tc.v, tc.scale)
		got := c.c.bigInt().String()
		if c.wide != nil {
			got = c.wide.String()
		}
		if got != tc.want {
			t.Errorf("exactContribution(%v, %d) = %s, want %s", tc.v, tc.scale, got, tc.want)
		}
	}
}

// TestInt128 checks the 128-bit arithmetic against math/big on random operands.
func TestInt128(t *testing.T) {
	mod := new(big.Int).Lsh(big.NewInt(1), 128)
	wrap := func(x *big.Int) *big.Int {
		x.Mod(x, mod)
		if x.Cmp(new(big.Int).Rsh(mod, 1)) >= 0 {
			x.Sub(x, mod)
		}
		return x
	}
	gen := rapid.Custom(func(t *rapid.T) int128 {
		return int128{hi: rapid.Int64().Draw(t, "hi"), lo: rapid.Uint64().Draw(t, "lo")}
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		if got, want := a.add(b).bigInt(), wrap(new(big.Int).Add(a.bigInt(), b.bigInt())); got.Cmp(want) != 0 {
			t.Fatalf("add: %v + %v = %v, want %v", a.bigInt(), b.bigInt(), got, want)
		}
		if got, want := a.neg().bigInt(), wrap(new(big.Int).Neg(a.bigInt())); got.Cmp(want) != 0 {
			t.Fatalf("neg: %v", got)
		}
		m := rapid.Uint64Range(0, 1e18).Draw(t, "m")
		small := int128From64(rapid.Int64().Draw(t, "small"))
		if got, want := small.mulSmall(m).bigInt(), new(big.Int).Mul(small.bigInt(), new(big.Int).SetUint64(m)); got.Cmp(want) != 0 {
			t.Fatalf("mulSmall: %v × %d = %v, want %v", small.bigInt(), m, got, want)
		}
		d := rapid.Int64Range(1, math.MaxInt64).Draw(t, "d")
		q := new(big.Rat).SetFrac(a.bigInt(), big.NewInt(d))
		if got, want := a.divRound(d).bigInt().Int64(), roundRatBig(q); a.divRound(d).bigInt().Cmp(want) != 0 {
			t.Fatalf("divRound: %v / %d = %v, want %v", a.bigInt(), d, got, want)
		}
		if v, ok := a.int64(); ok != a.bigInt().IsInt64() || (ok && v != a.bigInt().Int64()) {
			t.Fatalf("int64(%v) = %d, %v", a.bigInt(), v, ok)
		}
	})
}

func roundRatBig(r *big.Rat) *big.Int {
	neg := r.Sign() < 0
	x := new(big.Rat).Abs(r)
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q
}

// TestFloatSumExact checks that the DOUBLE accumulator is the correctly rounded exact sum
// after any sequence of insertions and retractions, whatever the magnitudes.
func TestFloatSumExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s floatSum
		var tmp big.Int
		var live []float64
		for i := rapid.IntRange(0, 40).Draw(t, "n"); i > 0; i-- {
			if len(live) > 0 && rapid.Bool().Draw(t, "retract") {
				k := rapid.IntRange(0, len(live)-1).Draw(t, "k")
				s.add(live[k], true, &tmp)
				live = slices.Delete(live, k, k+1)
				continue
			}
			f := rapid.Float64().Draw(t, "f")
			if math.IsInf(f, 0) || math.IsNaN(f) {
				continue
			}
			s.add(f, false, &tmp)
			live = append(live, f)
		}
		want := new(big.Rat)
		for _, f := range live {
			want.Add(want, new(big.Rat).SetFloat64(f))
		}
		wf, _ := want.Float64()
		if got := s.value(); got != wf && !(math.IsInf(wf, 0) && math.IsInf(got, 0)) {
			t.Fatalf("sum of %v = %v, want %v", live, got, wf)
		}
		if len(live) == 0 && (s.mant.Sign() != 0 || s.exp != 0) {
			t.Fatalf("empty sum left state %v×2^%d", &s.mant, s.exp)
		}
		if len(live) > 0 {
			mw, _ := new(big.Rat).Quo(want, new(big.Rat).SetInt64(int64(len(live)))).Float64()
			if got := s.mean(int64(len(live))); got != mw && math.Abs(mw) > 1e-300 {
				t.Fatalf("mean of %v = %v, want %v", live, got, mw)
			}
		}
	})
}

func TestTruncateUTF8(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"aé", 2, "a"},
		{"aéb", 3, "aé"},
		{"a€", 3, "a"},
		{"a€", 4, "a€"},
		{"\xff\xff\xff\xff\xff", 3, "\xff\xff\xff"},
	} {
		if got := string(truncateUTF8([]byte(tc.in), tc.n)); got != tc.want {
			t.Errorf("truncateUTF8(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestAggregateMalformedInput(t *testing.T) {
	op := NewAggregate([]int{5}, []AggSpec{{Func: AggSum, Arg: 9}, {Func: AggMin, Arg: -1}})
	// Columns past the end read as NULL: one group of NULL, SUM and MIN NULL.
	got := fmtBatch(op.Process(0, batchOf(t, "+[1]")))
	if len(got) != 1 || got[0] != "+[NULL, NULL, NULL]" {
		t.Fatalf("got %v", got)
	}
}

func BenchmarkAggregateCount(b *testing.B) {
	// Votes: COUNT(*) GROUP BY story over batches of 256 inserts spread over 10k stories.
	const stories = 10000
	const batch = 256
	var batches []dataflow.Batch
	x := uint64(1)
	for range 512 {
		bt := make(dataflow.Batch, batch)
		for i := range bt {
			x = x*6364136223846793005 + 1442695040888963407
			bt[i] = dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(x>>33) % stories), dataflow.Int(int64(i))}}
		}
		batches = append(batches, bt)
	}
	op := NewAggregate([]int{0}, []AggSpec{{Func: AggCountStar}})
	b.ReportAllocs()
	b.ResetTimer()
	for n, k := 0, 0; n < b.N; k++ {
		bt := batches[k%len(batches)]
		op.Process(0, bt)
		n += len(bt)
	}
}

// refJSONArrayByKey is JSON_ARRAYAGG(x ORDER BY y) from scratch: rows sorted by (y, x),
// reversed under OrderDesc, then the LIMIT window.
func refJSONArrayByKey(a AggSpec, rows []dataflow.Row) dataflow.Value {
	if len(rows) == 0 {
		return dataflow.Null
	}
	pairs := make([]dataflow.Row, len(rows))
	for i, r := range rows {
		pairs[i] = dataflow.Row{r[a.OrderArg], r[a.Arg]}
	}
	slices.SortFunc(pairs, refRowCompare)
	if a.OrderDesc {
		slices.Reverse(pairs)
	}
	var parts []string
	for _, p := range pairs {
		parts = append(parts, string(expr.AppendJSONValue(nil, p[1], false)))
	}
	if a.HasLimit {
		parts = parts[min(a.Offset, len(parts)):]
		parts = parts[:min(a.Limit, len(parts))]
	}
	return dataflow.String("[" + strings.Join(parts, ",") + "]")
}

// TestAggregateJSONInsertDelete follows JSON_ARRAYAGG and JSON_OBJECTAGG through inserts and
// deletes in one group: a NULL is an element of the array, a retraction takes out one copy
// of its value, the element order is the value order whatever the arrival order, and the
// group's last row takes the group away.
func TestAggregateJSONInsertDelete(t *testing.T) {
	doc := dataflow.String(`{"k": [1, 2]}`)
	aggs := []AggSpec{
		{Func: AggJSONArray, Arg: 1},
		{Func: AggJSONArray, Arg: 2, ArgJSON: true},
		{Func: AggJSONArray, Arg: 1, Distinct: true, OrderDesc: true, HasLimit: true, Limit: 2},
		{Func: AggJSONObject, Arg: 3},
	}
	op := NewAggregate([]int{0}, aggs)
	g := dataflow.Int(1)
	row := func(v dataflow.Value, member string) dataflow.Row {
		m := dataflow.Null
		if member != "" {
			m = dataflow.String(member)
		}
		return dataflow.Row{g, v, doc, m}
	}
	steps := []struct {
		rec  dataflow.Record
		want string // the group's row after the step, "" when the group is gone
	}{
		{dataflow.Record{Row: row(dataflow.String(`b"`), `"b":2`)},
			`[1, "[\"b\\\"\"]", "[{\"k\": [1, 2]}]", "[\"b\\\"\"]", "{\"b\":2}"]`},
		{dataflow.Record{Row: row(dataflow.Null, "")},
			`[1, "[null,\"b\\\"\"]", "[{\"k\": [1, 2]},{\"k\": [1, 2]}]", "[\"b\\\"\",null]", "{\"b\":2}"]`},
		{dataflow.Record{Row: row(dataflow.String("a"), `"a":1`)},
			`[1, "[null,\"a\",\"b\\\"\"]", "[{\"k\": [1, 2]},{\"k\": [1, 2]},{\"k\": [1, 2]}]", "[\"b\\\"\",\"a\"]", "{\"a\":1, \"b\":2}"]`},
		{dataflow.Record{Row: row(dataflow.String("a"), `"a":1`)},
			`[1, "[null,\"a\",\"a\",\"b\\\"\"]", "[{\"k\": [1, 2]},{\"k\": [1, 2]},{\"k\": [1, 2]},{\"k\": [1, 2]}]", "[\"b\\\"\",\"a\"]", "{\"a\":1, \"a\":1, \"b\":2}"]`},
		{dataflow.Record{Row: row(dataflow.String(`b"`), `"b":2`), Neg: true},
			`[1, "[null,\"a\",\"a\"]", "[{\"k\": [1, 2]},{\"k\": [1, 2]},{\"k\": [1, 2]}]", "[\"a\",null]", "{\"a\":1, \"a\":1}"]`},
		{dataflow.Record{Row: row(dataflow.String("a"), `"a":1`), Neg: true},
			`[1, "[null,\"a\"]", "[{\"k\": [1, 2]},{\"k\": [1, 2]}]", "[\"a\",null]", "{\"a\":1}"]`},
		{dataflow.Record{Row: row(dataflow.String("a"), `"a":1`), Neg: true},
			`[1, "[null]", "[{\"k\": [1, 2]}]", "[null]", NULL]`},
		{dataflow.Record{Row: row(dataflow.Null, ""), Neg: true}, ""},
	}
	var cur dataflow.Row
	for i, st := range steps {
		for _, o := range op.Process(0, dataflow.Batch{st.rec}) {
			if o.Neg {
				if cur == nil || !dataflow.IdenticalRows(cur, o.Row) {
					t.Fatalf("step %d: retraction of %s, which is not the group's row", i, fmtRow(o.Row))
				}
				cur = nil
			} else {
				cur = o.Row
			}
		}
		got := ""
		if cur != nil {
			got = fmtRow(cur)
		}
		if got != st.want {
			t.Fatalf("step %d (%v): row %s, want %s", i, fmtBatch(dataflow.Batch{st.rec}), got, st.want)
		}
	}
}

func BenchmarkAggregateSumDecimal(b *testing.B) {
	// SUM and AVG of a DECIMAL(10,2) GROUP BY story over batches of 256 inserts spread over
	// 10k stories: the narrow fixed-point path.
	const stories = 10000
	const batch = 256
	var batches []dataflow.Batch
	x := uint64(1)
	for range 512 {
		bt := make(dataflow.Batch, batch)
		for i := range bt {
			x = x*6364136223846793005 + 1442695040888963407
			bt[i] = dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(x>>33) % stories), dataflow.Decimal(int64(x>>40)%100000-50000, 2)}}
		}
		batches = append(batches, bt)
	}
	dec := dataflow.Type{Kind: dataflow.KindDecimal, Precision: 32, Scale: 2}
	avg := dataflow.Type{Kind: dataflow.KindDecimal, Precision: 14, Scale: 6}
	op := NewAggregate([]int{0}, []AggSpec{{Func: AggSum, Arg: 1, Type: dec}, {Func: AggAvg, Arg: 1, Type: avg}})
	b.ReportAllocs()
	b.ResetTimer()
	for n, k := 0, 0; n < b.N; k++ {
		bt := batches[k%len(batches)]
		op.Process(0, bt)
		n += len(bt)
	}
}

func wideDecimal(t *testing.T, s string) dataflow.Value {
	t.Helper()
	v, ok := dataflow.ParseDecimalValue(s)
	if !ok {
		t.Fatalf("ParseDecimalValue(%q) failed", s)
	}
	return v
}
