package expr

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

var updateStrings = flag.Bool("update-strings", false, "rewrite the golden file testdata/strings.golden")

// typeSummary renders the parts of a static type the planner reports as column metadata.
func typeSummary(t dataflow.Type) string {
	var b strings.Builder
	b.WriteString(t.Kind.String())
	if t.Unsigned {
		b.WriteString(" unsigned")
	}
	if t.Kind == dataflow.KindDecimal {
		b.WriteString("(" + strconv.Itoa(t.Precision) + "," + strconv.Itoa(t.Scale) + ")")
	}
	if t.Kind == dataflow.KindDatetime && t.Scale > 0 {
		b.WriteString("(" + strconv.Itoa(t.Scale) + ")")
	}
	if t.Nullable {
		b.WriteString(" null")
	} else {
		b.WriteString(" not null")
	}
	return b.String()
}

// TestStringGolden pins the canonical rendering and the static type of every node kind:
// plans are shared by String, so a change here changes which queries share state.
func TestStringGolden(t *testing.T) {
	a, s, d := col(0, tInt), col(1, tVarchar), col(2, tDec102)
	notNull := NewCol(3, dataflow.Column{Type: dataflow.Type{Kind: dataflow.KindInt}})
	exprs := []Expr{
		a, notNull, ki(5), ki(-5), kd("5.00"), kd("5"), kf(5), kf(0.1), ks("abc"), ks(`it's \ here`),
		k(vu(5)), kn, k(vdate("2024-01-02")), k(vdt("2024-01-02 03:04:05.25", 2)),
		NewConstTyped(vi(5), dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2}),
		NewConstTyped(null, tVarchar),
		NewConstTyped(vs("x"), dataflow.Type{Kind: dataflow.KindString, Precision: 1}),
		NewArith(OpAdd, col(2, tInt), ki(1)),
		NewArith(OpSub, notNull, ki(1)),
		NewArith(OpMul, d, d),
		NewArith(OpDiv, d, a),
		NewArith(OpDiv, a, kf(2)),
		NewArith(OpIntDiv, d, ki(2)),
		NewArith(OpMod, a, ki(3)),
		NewArith(OpAdd, col(4, tUbig), col(5, tUbig)),
		NewArith(OpAdd, s, ki(1)),
		NewNeg(a),
		NewCompare(OpEQ, a, ki(1)),
		NewCompare(OpNE, s, ks("x")),
		NewCompare(OpNullSafeEQ, a, kn),
		NewCompare(OpGE, notNull, ki(0)),
		NewAnd(NewCompare(OpLT, a, ki(1)), NewOr(NewIsNull(s, false), NewNot(a))),
		NewXor(a, notNull),
		NewIsNull(a, true),
		NewIsBool(a, true, false),
		NewIsBool(a, false, true),
		NewIn(a, []Expr{ki(1), ki(2)}, false),
		NewIn(s, []Expr{ks("a"), kn}, true),
		NewBetween(a, ki(1), ki(9), false),
		NewBetween(d, kd("0.5"), a, true),
		NewLike(s, ks("a%"), '\\', false),
		NewLike(s, ks("a|%"), '|', true),
		NewLike(s, ks("a%"), 0, false),
		NewCase(nil, []When{{NewCompare(OpGT, a, ki(0)), ks("pos")}}, ks("neg")),
		NewCase(a, []When{{ki(1), ki(10)}, {ki(2), kd("2.5")}}, nil),
		NewCast(s, dataflow.Type{Kind: dataflow.KindInt}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindUint}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindString, Precision: 3}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindString, Precision: 3, SQL: "CHAR(3)"}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR"}),
		NewCast(s, dataflow.Type{Kind: dataflow.KindDate}),
		NewCast(s, dataflow.Type{Kind: dataflow.KindDatetime, Scale: 3}),
		NewCast(a, dataflow.Type{Kind: dataflow.KindFloat}),
		mustFunc(t, "LCASE", s),
		mustFunc(t, "substr", s, ki(2)),
		mustFunc(t, "Ceiling", d),
		mustFunc(t, "MOD", a, ki(2)),
		mustFunc(t, "COALESCE", a, d, ki(0)),
		mustFunc(t, "IF", NewCompare(OpGT, a, ki(0)), a, kn),
		mustFunc(t, "CONCAT", s, a),
		mustFunc(t, "ROUND", d, ki(1)),
		mustFunc(t, "ROUND", kf(1.5)),
		mustFunc(t, "GREATEST", a, s),
		mustFunc(t, "DATE", s),
		mustFunc(t, "TRIM", s, ks("x"), ks("leading")),
	}
	var b strings.Builder
	for _, e := range exprs {
		b.WriteString(e.String() + "\t:: " + typeSummary(e.Type()) + "\n")
	}
	path := filepath.Join("testdata", "strings.golden")
	if *updateStrings {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-strings to create it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("line %d:\n got %s\nwant %s", i+1, g, w)
			}
		}
	}
}
