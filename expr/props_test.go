package expr

import (
	"math"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

// Generators for the property tests: a schema, rows that conform to it, and expression trees
// over it built from every constructor.

var genKinds = []dataflow.Kind{dataflow.KindInt, dataflow.KindUint, dataflow.KindFloat,
	dataflow.KindDecimal, dataflow.KindString, dataflow.KindDate, dataflow.KindDatetime}

func genType(t *rapid.T, label string) dataflow.Type {
	k := rapid.SampledFrom(genKinds).Draw(t, label+"kind")
	ty := dataflow.Type{Kind: k, Nullable: rapid.Bool().Draw(t, label+"nullable")}
	switch k {
	case dataflow.KindUint:
		ty.Unsigned = true
	case dataflow.KindDecimal:
		ty.Scale = rapid.IntRange(0, 4).Draw(t, label+"scale")
		ty.Precision = 18
	case dataflow.KindDatetime:
		ty.Scale = rapid.SampledFrom([]int{0, 3, 6}).Draw(t, label+"fsp")
	}
	return ty
}

var sampleStrings = []string{"", "a", "A", "abc", "ABC ", "12", "1.5", "-3e2", "x%_", "2024-02-29",
	"2024-03-05 10:11:12", "日本", "é", " 7 ", "0", "1e999", "-9223372036854775809"}

func genValueOf(t *rapid.T, ty dataflow.Type, label string) dataflow.Value {
	if ty.Nullable && rapid.IntRange(0, 4).Draw(t, label+"null") == 0 {
		return dataflow.Null
	}
	switch ty.Kind {
	case dataflow.KindInt:
		return dataflow.Int(rapid.OneOf(rapid.Int64Range(-20, 20),
			rapid.SampledFrom([]int64{math.MaxInt64, math.MinInt64, 1 << 40})).Draw(t, label))
	case dataflow.KindUint:
		return dataflow.Uint(rapid.OneOf(rapid.Uint64Range(0, 20),
			rapid.SampledFrom([]uint64{math.MaxUint64, 1 << 63})).Draw(t, label))
	case dataflow.KindFloat:
		return dataflow.Float(rapid.SampledFrom([]float64{0, -0.5, 0.5, 1, 2.5, -7.25, 1e300, 3.14159, -1e-9}).Draw(t, label))
	case dataflow.KindDecimal:
		coef := rapid.OneOf(rapid.Int64Range(-50000, 50000),
			rapid.SampledFrom([]int64{999999999999999999, -999999999999999999})).Draw(t, label)
		return dataflow.Decimal(coef, uint8(ty.Scale))
	case dataflow.KindString:
		return dataflow.String(rapid.SampledFrom(sampleStrings).Draw(t, label))
	case dataflow.KindDate:
		days := rapid.IntRange(-1000, 30000).Draw(t, label)
		return dataflow.Date(time.Unix(0, 0).UTC().AddDate(0, 0, days))
	case dataflow.KindDatetime:
		us := rapid.Int64Range(-1e15, 4e15).Draw(t, label)
		v := dataflow.Datetime(time.UnixMicro(us).UTC(), uint8(ty.Scale))
		return v
	}
	return dataflow.Null
}

type schema []dataflow.Type

func genSchema(t *rapid.T) schema {
	n := rapid.IntRange(1, 4).Draw(t, "ncols")
	s := make(schema, n)
	for i := range s {
		s[i] = genType(t, "col")
	}
	return s
}

func genRow(t *rapid.T, s schema) dataflow.Row {
	row := make(dataflow.Row, len(s))
	for i, ty := range s {
		row[i] = genValueOf(t, ty, "val")
	}
	return row
}

var castTargets = []dataflow.Type{
	{Kind: dataflow.KindInt}, {Kind: dataflow.KindUint, Unsigned: true},
	{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2}, {Kind: dataflow.KindString},
	{Kind: dataflow.KindString, Precision: 2}, {Kind: dataflow.KindDate}, {Kind: dataflow.KindDatetime},
	{Kind: dataflow.KindFloat}, {Kind: dataflow.KindInt, SQL: "TINYINT"},
}

var funcArities = []struct {
	name string
	n    int
}{
	{"coalesce", 2}, {"ifnull", 2}, {"nullif", 2}, {"if", 3}, {"isnull", 1}, {"greatest", 2}, {"least", 3},
	{"concat", 2}, {"concat_ws", 3}, {"lower", 1}, {"upper", 1}, {"length", 1}, {"char_length", 1},
	{"abs", 1}, {"round", 1}, {"round", 2}, {"truncate", 2}, {"floor", 1}, {"ceil", 1}, {"mod", 2},
	{"substring", 2}, {"substring", 3}, {"left", 2}, {"right", 2}, {"trim", 1}, {"ltrim", 1},
	{"rtrim", 1}, {"replace", 3}, {"reverse", 1}, {"sign", 1}, {"year", 1}, {"month", 1}, {"day", 1},
	{"date", 1}, {"hour", 1}, {"dayofweek", 1}, {"weekday", 1}, {"dayofyear", 1}, {"quarter", 1},
	{"week", 1}, {"to_days", 1}, {"last_day", 1}, {"dayname", 1}, {"monthname", 1}, {"datediff", 2},
	{"date_format", 2}, {"instr", 2}, {"locate", 2}, {"locate", 3}, {"find_in_set", 2}, {"field", 3},
	{"strcmp", 2}, {"ascii", 1}, {"substring_index", 3}, {"lpad", 3}, {"rpad", 3}, {"repeat", 2},
	{"space", 1}, {"hex", 1}, {"md5", 1}, {"sha1", 1}, {"sha2", 2}, {"to_base64", 1}, {"crc32", 1},
	{"sqrt", 1}, {"exp", 1}, {"ln", 1}, {"log", 2}, {"log10", 1}, {"pow", 2}, {"atan", 2}, {"degrees", 1},
}

// genExpr draws an expression of at most depth levels over the schema.
func genExpr(t *rapid.T, s schema, depth int) Expr {
	leaf := depth <= 0 || rapid.IntRange(0, 3).Draw(t, "leaf") == 3
	if leaf {
		if rapid.Bool().Draw(t, "iscol") {
			i := rapid.IntRange(0, len(s)-1).Draw(t, "colidx")
			return NewCol(i, dataflow.Column{Name: "c", Type: s[i]})
		}
		ty := genType(t, "const")
		return NewConst(genValueOf(t, ty, "constval"))
	}
	sub := func() Expr { return genExpr(t, s, depth-1) }
	switch rapid.IntRange(0, 14).Draw(t, "node") {
	case 0:
		return NewArith(ArithOp(rapid.IntRange(0, 5).Draw(t, "aop")), sub(), sub())
	case 1:
		return NewNeg(sub())
	case 2:
		return NewCompare(CmpOp(rapid.IntRange(0, 6).Draw(t, "cop")), sub(), sub())
	case 3:
		return []func(l, r Expr) Expr{NewAnd, NewOr, NewXor}[rapid.IntRange(0, 2).Draw(t, "lop")](sub(), sub())
	case 4:
		return NewNot(sub())
	case 5:
		return NewIsNull(sub(), rapid.Bool().Draw(t, "not"))
	case 6:
		return NewIsBool(sub(), rapid.Bool().Draw(t, "want"), rapid.Bool().Draw(t, "not"))
	case 7:
		return NewIn(sub(), []Expr{sub(), sub()}, rapid.Bool().Draw(t, "not"))
	case 8:
		return NewBetween(sub(), sub(), sub(), rapid.Bool().Draw(t, "not"))
	case 9:
		return NewLike(sub(), sub(), rapid.SampledFrom([]rune{'\\', '|', 0}).Draw(t, "esc"), rapid.Bool().Draw(t, "not"))
	case 10:
		var operand, els Expr
		if rapid.Bool().Draw(t, "simple") {
			operand = sub()
		}
		if rapid.Bool().Draw(t, "else") {
			els = sub()
		}
		return NewCase(operand, []When{{sub(), sub()}, {sub(), sub()}}, els)
	case 11:
		return NewCast(sub(), rapid.SampledFrom(castTargets).Draw(t, "to"))
	default:
		f := rapid.SampledFrom(funcArities).Draw(t, "func")
		args := make([]Expr, f.n)
		for i := range args {
			args[i] = sub()
		}
		e, err := NewFunc(f.name, args)
		if err != nil {
			t.Fatalf("NewFunc(%s): %v", f.name, err)
		}
		return e
	}
}

// kindFits reports whether a runtime value is one the static type allows. Integer results
// may degrade to DOUBLE on overflow (documented), and exact results to DOUBLE when their
// integer part exceeds 81 digits.
func kindFits(v dataflow.Value, ty dataflow.Type) bool {
	if v.IsNull() {
		return ty.Nullable || ty.Kind == dataflow.KindNull
	}
	return fitsType(v, ty)
}

// Folding a constant expression into a typed literal (as the planner does) keeps its value.
func TestPropFoldKeepsValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genExpr(t, schema{{Kind: dataflow.KindInt}}, 3)
		if !IsConst(e) {
			return
		}
		v := e.Eval(nil)
		folded := NewConstTyped(v, e.Type())
		if got := folded.Eval(nil); !sameValue(got, v) {
			t.Fatalf("%s = %s, folded into %s = %s", e, describe(v), folded, describe(got))
		}
	})
}

func TestPropEvalMatchesType(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSchema(t)
		e := genExpr(t, s, 3)
		for range 3 {
			row := genRow(t, s)
			v := e.Eval(row)
			if !kindFits(v, e.Type()) {
				t.Fatalf("%s over %v = %s, outside its type %+v", e, row, describe(v), e.Type())
			}
		}
	})
}

func TestPropRemap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSchema(t)
		e := genExpr(t, s, 3)
		row := genRow(t, s)
		if got := Remap(e, func(i int) int { return i }); got.String() != e.String() {
			t.Fatalf("identity Remap changed %s into %s", e, got)
		}
		// Move column i to position perm[i] in a wider row, and evaluate there.
		perm := rapid.Permutation(seq(len(s)+2)).Draw(t, "perm")
		moved := Remap(e, func(i int) int { return perm[i] })
		wide := make(dataflow.Row, len(s)+2)
		for i := range wide {
			wide[i] = dataflow.String("unused")
		}
		for i, v := range row {
			wide[perm[i]] = v
		}
		if a, b := e.Eval(row), moved.Eval(wide); !sameValue(a, b) {
			t.Fatalf("%s = %v but remapped %s = %v", e, a, moved, b)
		}
		back := make([]int, len(perm))
		for i, p := range perm {
			back[p] = i
		}
		if got := Remap(moved, func(i int) int { return back[i] }); got.String() != e.String() {
			t.Fatalf("Remap round trip: %s became %s", e, got)
		}
		var want []int
		for _, c := range Columns(e) {
			want = append(want, perm[c])
		}
		slices.Sort(want)
		if got := Columns(moved); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("Columns(%s) = %v, want %v", moved, got, want)
		}
		if IsConst(e) != (len(Columns(e)) == 0) {
			t.Fatalf("IsConst(%s) = %v with columns %v", e, IsConst(e), Columns(e))
		}
		if IsConst(e) {
			other := genRow(t, s)
			if a, b := e.Eval(row), e.Eval(other); !sameValue(a, b) {
				t.Fatalf("constant %s evaluates to %v and %v", e, a, b)
			}
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Two expressions with the same String compute the same function: the tiny grammar makes
// collisions between independently drawn expressions frequent.
func TestPropStringDeterminesEval(t *testing.T) {
	s := schema{
		{Kind: dataflow.KindInt, Nullable: true},
		{Kind: dataflow.KindString, Nullable: true},
		{Kind: dataflow.KindDecimal, Scale: 1, Precision: 18, Nullable: true},
	}
	rapid.Check(t, func(t *rapid.T) {
		rows := []dataflow.Row{genRow(t, s), genRow(t, s), genRow(t, s)}
		seen := map[string][]dataflow.Value{}
		for range 40 {
			e := genExpr(t, s, 2)
			vals := make([]dataflow.Value, len(rows))
			for i, r := range rows {
				vals[i] = e.Eval(r)
			}
			if prev, ok := seen[e.String()]; ok {
				for i := range vals {
					if !sameValue(prev[i], vals[i]) {
						t.Fatalf("%s evaluates to %v and %v over %v", e, prev[i], vals[i], rows[i])
					}
				}
			}
			seen[e.String()] = vals
		}
	})
}

// Equal literals render alike and different literals differently.
func TestPropLiteralStrings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genValueOf(t, genType(t, "a"), "a")
		b := genValueOf(t, genType(t, "b"), "b")
		same := NewConst(a).String() == NewConst(b).String()
		identical := a.Kind() == b.Kind() && a.Scale() == b.Scale() && a.ToText() == b.ToText()
		if same != identical {
			t.Fatalf("%s vs %s: same rendering %v, identical values %v", describe(a), describe(b), same, identical)
		}
	})
}

func TestPropCompareAntisymmetric(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genValueOf(t, genType(t, "a"), "a")
		b := genValueOf(t, genType(t, "b"), "b")
		if a.IsNull() || b.IsNull() {
			return
		}
		ab, ba := compareValues(a, b), compareValues(b, a)
		if sign(ab) != -sign(ba) {
			t.Fatalf("compare(%v, %v) = %d but compare(%v, %v) = %d", a, b, ab, b, a, ba)
		}
		if sign(ab) != sign(dataflow.Compare(a, b)) {
			t.Fatalf("compareValues(%v, %v) = %d disagrees with dataflow.Compare", a, b, ab)
		}
		lt := NewCompare(OpLT, NewConst(a), NewConst(b)).Eval(nil)
		gt := NewCompare(OpGT, NewConst(b), NewConst(a)).Eval(nil)
		eq1 := NewCompare(OpEQ, NewConst(a), NewConst(b)).Eval(nil)
		eq2 := NewCompare(OpNullSafeEQ, NewConst(b), NewConst(a)).Eval(nil)
		if !sameValue(lt, gt) || !sameValue(eq1, eq2) {
			t.Fatalf("%v vs %v: a<b %v, b>a %v, a=b %v, b<=>a %v", a, b, lt, gt, eq1, eq2)
		}
	})
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// Convert never fails leniently except into types it cannot represent, and strict success
// is stable: converting the result again gives it back.
func TestPropConvertIdempotent(t *testing.T) {
	targets := append(slices.Clone(castTargets),
		dataflow.Type{Kind: dataflow.KindInt, SQL: "SMALLINT UNSIGNED", Unsigned: true},
		dataflow.Type{Kind: dataflow.KindString, SQL: "CHAR(3)", Precision: 3},
		dataflow.Type{Kind: dataflow.KindDatetime, Scale: 3})
	rapid.Check(t, func(t *rapid.T) {
		v := genValueOf(t, genType(t, "v"), "v")
		to := rapid.SampledFrom(targets).Draw(t, "to")
		strict := rapid.Bool().Draw(t, "strict")
		got, err := Convert(v, to, strict)
		if err != nil {
			if !strict {
				t.Fatalf("lenient Convert(%v, %s): %v", v, to, err)
			}
			return
		}
		again, err := Convert(got, to, true)
		if err != nil || !sameValue(again, got) {
			t.Fatalf("Convert(%v, %s) = %v, converting again gives %v, %v", v, to, got, again, err)
		}
	})
}
