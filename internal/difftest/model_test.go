package difftest

import (
	"github.com/weirdb/weir/internal/reference"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

var (
	I = dataflow.Int
	S = dataflow.String
	N = dataflow.Null
)

func TestModelApply(t *testing.T) {
	pk := &Table{Name: "p", Cols: []Column{{Name: "id", Type: TypeInt}, {Name: "v", Type: TypeVarchar, Nullable: true}, {Name: "n", Type: TypeInt, Nullable: true}}, PK: []int{0}}
	heap := &Table{Name: "h", Cols: []Column{{Name: "a", Type: TypeInt, Nullable: true}, {Name: "b", Type: TypeInt, Nullable: true}}}
	// uq has two unique keys: uk0 (a), uk1 (b, c).
	uq := &Table{Name: "u", Cols: []Column{{Name: "id", Type: TypeInt}, {Name: "a", Type: TypeVarchar, Nullable: true},
		{Name: "b", Type: TypeInt, Nullable: true}, {Name: "c", Type: TypeInt, Nullable: true}}, PK: []int{0}, Unique: [][]int{{1}, {2, 3}}}
	seed := func() *Model {
		m := NewModel(&Schema{Tables: []*Table{pk, heap, uq}})
		m.tables["p"] = []dataflow.Row{{I(1), S("apple"), I(10)}, {I(2), N, N}}
		m.tables["h"] = []dataflow.Row{{I(1), I(1)}, {I(1), I(1)}, {N, I(2)}}
		m.tables["u"] = []dataflow.Row{{I(1), S("x"), I(1), I(1)}, {I(2), S("y"), I(2), I(2)}, {I(3), N, N, I(1)}}
		return m
	}
	useed := []string{`1, "x", 1, 1`, `2, "y", 2, 2`, `3, NULL, NULL, 1`}
	eq := func(col int, v dataflow.Value) *Pred {
		return &Pred{Op: PredCmp, Col: col, Cmp: "=", Vals: []dataflow.Value{v}}
	}
	cases := []struct {
		name     string
		w        *Write
		ok       bool
		affected int64
		table    string
		want     []string
	}{
		{
			name: "insert", w: &Write{Kind: WriteInsert, Table: pk, Rows: [][]dataflow.Value{{I(3), S("x"), N}, {I(4), N, I(1)}}},
			ok: true, affected: 2, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL", `3, "x", NULL`, "4, NULL, 1"},
		},
		{
			name: "insert duplicate of a stored key fails whole",
			w:    &Write{Kind: WriteInsert, Table: pk, Rows: [][]dataflow.Value{{I(3), N, N}, {I(1), N, N}}},
			ok:   false, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL"},
		},
		{
			name: "insert duplicate within the statement fails",
			w:    &Write{Kind: WriteInsert, Table: pk, Rows: [][]dataflow.Value{{I(5), N, N}, {I(5), N, N}}},
			ok:   false, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL"},
		},
		{
			name: "insert with a column list leaves the rest NULL",
			w:    &Write{Kind: WriteInsert, Table: pk, Cols: []int{2, 0}, Rows: [][]dataflow.Value{{I(7), I(9)}}},
			ok:   true, affected: 1, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL", "9, NULL, 7"},
		},
		{
			name: "heap tables keep duplicates",
			w:    &Write{Kind: WriteInsert, Table: heap, Rows: [][]dataflow.Value{{I(1), I(1)}}},
			ok:   true, affected: 1, table: "h", want: []string{"1, 1", "1, 1", "1, 1", "NULL, 2"},
		},
		{
			name: "insert colliding on a unique key fails, case-insensitively",
			w:    &Write{Kind: WriteInsert, Table: uq, Rows: [][]dataflow.Value{{I(4), S("X"), N, N}}},
			ok:   false, table: "u", want: useed,
		},
		{
			name: "NULLs never collide in a unique key",
			w:    &Write{Kind: WriteInsert, Table: uq, Rows: [][]dataflow.Value{{I(4), N, N, I(1)}, {I(5), N, I(2), N}}},
			ok:   true, affected: 2, table: "u", want: append(slices.Clone(useed), "4, NULL, NULL, 1", "5, NULL, 2, NULL"),
		},
		{
			name: "replace deletes rows colliding on earlier keys and updates the last in place",
			w:    &Write{Kind: WriteReplace, Table: uq, Rows: [][]dataflow.Value{{I(1), S("y"), I(2), I(2)}}},
			ok:   true, affected: 3, table: "u", want: []string{`1, "y", 2, 2`, `3, NULL, NULL, 1`},
		},
		{
			name: "replace of an identical row colliding on the last key counts 1",
			w:    &Write{Kind: WriteReplace, Table: uq, Rows: [][]dataflow.Value{{I(9), S("z"), I(2), I(2)}, {I(9), S("z"), I(2), I(2)}}},
			ok:   true, affected: 2 + 2, table: "u", want: []string{`1, "x", 1, 1`, `9, "z", 2, 2`, `3, NULL, NULL, 1`},
		},
		{
			name: "upsert updates the row colliding on a unique key, and may collide itself",
			w: &Write{Kind: WriteUpsert, Table: uq, Rows: [][]dataflow.Value{{I(7), S("x"), N, N}, {I(8), S("y"), N, N}},
				Set: []Assign{{Col: 2, Val: I(1)}, {Col: 3, Val: I(1)}}},
			ok: false, table: "u", want: useed,
		},
		{
			name: "update into a unique value held fails",
			w:    &Write{Kind: WriteUpdate, Table: uq, Set: []Assign{{Col: 1, Val: S("Y")}}, Where: eq(0, I(1))},
			ok:   false, table: "u", want: useed,
		},
		{
			name: "replace counts the deleted row",
			w:    &Write{Kind: WriteReplace, Table: pk, Rows: [][]dataflow.Value{{I(1), S("b"), N}, {I(3), N, N}}},
			ok:   true, affected: 3, table: "p", want: []string{`1, "b", NULL`, "2, NULL, NULL", "3, NULL, NULL"},
		},
		{
			name: "replace of an identical row counts 1",
			w:    &Write{Kind: WriteReplace, Table: pk, Rows: [][]dataflow.Value{{I(2), N, N}}},
			ok:   true, affected: 1, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL"},
		},
		{
			name: "upsert counts 2 for a change and 0 for none",
			w: &Write{Kind: WriteUpsert, Table: pk, Rows: [][]dataflow.Value{{I(1), S("z"), N}, {I(2), N, N}, {I(6), N, N}},
				Set: []Assign{{Col: 1, Kind: AssignValues}}},
			ok: true, affected: 2 + 0 + 1, table: "p", want: []string{`1, "z", 10`, "2, NULL, NULL", "6, NULL, NULL"},
		},
		{
			name: "upsert increments left to right",
			w: &Write{Kind: WriteUpsert, Table: pk, Rows: [][]dataflow.Value{{I(1), N, N}},
				Set: []Assign{{Col: 2, Kind: AssignIncr}, {Col: 2, Kind: AssignIncr}}},
			ok: true, affected: 2, table: "p", want: []string{`1, "apple", 12`, "2, NULL, NULL"},
		},
		{
			name: "update counts changed rows only",
			w:    &Write{Kind: WriteUpdate, Table: heap, Set: []Assign{{Col: 1, Val: I(2)}}},
			ok:   true, affected: 2, table: "h", want: []string{"1, 2", "1, 2", "NULL, 2"},
		},
		{
			name: "update where NULL is unknown",
			w:    &Write{Kind: WriteUpdate, Table: heap, Set: []Assign{{Col: 1, Val: I(5)}}, Where: &Pred{Op: PredNot, Kids: []*Pred{eq(0, I(1))}}},
			ok:   true, affected: 0, table: "h", want: []string{"1, 1", "1, 1", "NULL, 2"},
		},
		{
			name: "update of a key to a taken value fails",
			w:    &Write{Kind: WriteUpdate, Table: pk, Set: []Assign{{Col: 0, Val: I(1)}}, Where: eq(0, I(2))},
			ok:   false, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL"},
		},
		{
			name: "update of a key to its own value is no change",
			w:    &Write{Kind: WriteUpdate, Table: pk, Set: []Assign{{Col: 0, Val: I(1)}}, Where: eq(1, S("APPLE "))},
			ok:   true, affected: 0, table: "p", want: []string{`1, "apple", 10`, "2, NULL, NULL"},
		},
		{
			name: "delete with IN and NULL",
			w:    &Write{Kind: WriteDelete, Table: heap, Where: &Pred{Op: PredIn, Col: 0, Vals: []dataflow.Value{N, I(1)}}},
			ok:   true, affected: 2, table: "h", want: []string{"NULL, 2"},
		},
		{
			name: "delete everything",
			w:    &Write{Kind: WriteDelete, Table: pk},
			ok:   true, affected: 2, table: "p", want: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := seed()
			affected, ok := m.Apply(tc.w)
			if ok != tc.ok || ok && affected != tc.affected {
				t.Fatalf("Apply(%s) = %d, %v; want %d, %v", tc.w.SQL(), affected, ok, tc.affected, tc.ok)
			}
			var got []string
			for _, r := range m.Rows(tc.table) {
				got = append(got, reference.FormatRow(r))
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("after %s:\ngot  %q\nwant %q", tc.w.SQL(), got, want)
			}
		})
	}
}

func TestWriteSQL(t *testing.T) {
	tbl := &Table{Name: "t0", Cols: []Column{{Name: "c0", Type: TypeInt}, {Name: "c1", Type: TypeBool, Nullable: true}, {Name: "c2", Type: TypeVarchar, Nullable: true}}, PK: []int{0}}
	cases := []struct {
		w    *Write
		want string
	}{
		{&Write{Kind: WriteInsert, Table: tbl, Rows: [][]dataflow.Value{{I(1), I(1), S("it's")}, {I(2), N, N}}},
			"INSERT INTO t0 VALUES (1, TRUE, 'it''s'), (2, NULL, NULL)"},
		{&Write{Kind: WriteUpsert, Table: tbl, Cols: []int{2, 0}, Rows: [][]dataflow.Value{{S("a"), I(1)}}, Set: []Assign{{Col: 2, Kind: AssignValues}, {Col: 1, Val: I(0)}}},
			"INSERT INTO t0 (c2, c0) VALUES ('a', 1) ON DUPLICATE KEY UPDATE c2 = VALUES(c2), c1 = FALSE"},
		{&Write{Kind: WriteReplace, Table: tbl, Rows: [][]dataflow.Value{{I(1), I(0), S("")}}},
			"REPLACE INTO t0 VALUES (1, FALSE, '')"},
		{&Write{Kind: WriteUpdate, Table: tbl, Set: []Assign{{Col: 0, Kind: AssignIncr}}, Where: &Pred{Op: PredOr, Kids: []*Pred{
			{Op: PredIsNull, Col: 2}, {Op: PredBetween, Col: 0, Vals: []dataflow.Value{I(-2), I(3)}}}}},
			"UPDATE t0 SET c0 = c0 + 1 WHERE (c2 IS NULL OR c0 BETWEEN -2 AND 3)"},
		{&Write{Kind: WriteDelete, Table: tbl, Where: &Pred{Op: PredNot, Kids: []*Pred{{Op: PredIn, Col: 2, Vals: []dataflow.Value{S("A"), N}}}}},
			"DELETE FROM t0 WHERE NOT (c2 IN ('A', NULL))"},
		{&Write{Kind: WriteTruncate, Table: tbl}, "TRUNCATE TABLE t0"},
	}
	for _, tc := range cases {
		if got := tc.w.SQL(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestSameValue(t *testing.T) {
	cases := []struct {
		a, b dataflow.Value
		want bool
	}{
		{I(2), dataflow.Decimal(200, 2), true},
		{dataflow.Uint(2), I(2), true},
		{dataflow.Decimal(25, 1), dataflow.Decimal(250, 2), true},
		{I(2), dataflow.Float(2), false},
		{dataflow.Float(0.5), dataflow.Float(0.5), true},
		{dataflow.Float(0), dataflow.Float(math.Copysign(0, -1)), true},
		{S("a"), S("A"), false},
		{S("a"), S("a "), false},
		{N, N, true},
		{N, I(0), false},
		{S(""), N, false},
		{S("1"), I(1), false},
	}
	for _, tc := range cases {
		if got := reference.SameValue(tc.a, tc.b); got != tc.want {
			t.Errorf("reference.SameValue(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := reference.SameValue(tc.b, tc.a); got != tc.want {
			t.Errorf("reference.SameValue(%v, %v) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestDiffResult(t *testing.T) {
	rows := func(vals ...int64) []dataflow.Row {
		var out []dataflow.Row
		for i := 0; i < len(vals); i += 2 {
			out = append(out, dataflow.Row{I(vals[i]), I(vals[i+1])})
		}
		return out
	}
	visible := func(rs []dataflow.Row) []dataflow.Row {
		out := make([]dataflow.Row, len(rs))
		for i, r := range rs {
			out[i] = r[:1]
		}
		return out
	}
	// One visible column, ordered by the hidden second one.
	ordered := &planner.Query{Cols: []dataflow.Column{{Name: "a"}}, Order: []dataflow.SortKey{{Col: 1}}}
	unordered := &planner.Query{Cols: []dataflow.Column{{Name: "a"}}}
	want := rows(1, 10, 2, 20, 3, 20, 4, 30)
	cases := []struct {
		name string
		q    *planner.Query
		got  []dataflow.Row
		ok   bool
	}{
		{"same order", ordered, visible(rows(1, 0, 2, 0, 3, 0, 4, 0)), true},
		{"ties in any order", ordered, visible(rows(1, 0, 3, 0, 2, 0, 4, 0)), true},
		{"out of order", ordered, visible(rows(2, 0, 1, 0, 3, 0, 4, 0)), false},
		{"multiset", unordered, visible(rows(4, 0, 3, 0, 2, 0, 1, 0)), true},
		{"missing row", unordered, visible(rows(4, 0, 3, 0, 2, 0)), false},
		{"extra copy", unordered, visible(rows(4, 0, 3, 0, 2, 0, 1, 0, 1, 0)), false},
		{"wide row", unordered, rows(1, 0, 2, 0, 3, 0, 4, 0), false},
	}
	for _, tc := range cases {
		d := reference.DiffResult(tc.q, want, tc.got)
		if (d == "") != tc.ok {
			t.Errorf("%s: diff %q, want ok=%v", tc.name, d, tc.ok)
		}
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	text := `# a comment
statement ok
CREATE TABLE t0 (c0 INT PRIMARY KEY,
  c1 VARCHAR(16))

statement error 1062
INSERT INTO t0 VALUES (1, 'a'), (1, 'b')

register v0
SELECT c1 FROM t0 WHERE c0 = ? AND c1 = ?

lookup v0 1 'it''s a b' NULL 2.50 -3.5e0 DATE'2024-02-29' 18446744073709551615
----
"a"
NULL

lookup v0 2
----

table t0
----
1, "a"
`
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sc.Steps); n != 6 {
		t.Fatalf("%d steps", n)
	}
	l := sc.Steps[3]
	wantArgs := "1, 'it''s a b', NULL, 2.50, -3.5e0, DATE'2024-02-29', 18446744073709551615"
	if got := formatArgs(l.Args); got != wantArgs || l.Args[6].Kind() != dataflow.KindUint {
		t.Errorf("args %s, want %s", got, wantArgs)
	}
	if !sc.Steps[4].HasExpected || len(sc.Steps[4].Expected) != 0 {
		t.Errorf("empty expectation lost: %+v", sc.Steps[4])
	}
	if sc.Steps[1].ErrorCode != 1062 || !sc.Steps[1].WantError {
		t.Errorf("error step: %+v", sc.Steps[1])
	}
	again, err := ParseScenario(sc.String())
	if err != nil {
		t.Fatalf("reparse: %v\n%s", err, sc.String())
	}
	if again.String() != sc.String() {
		t.Errorf("round trip changed the scenario:\n%s\n---\n%s", sc.String(), again.String())
	}
}

func TestScenarioErrors(t *testing.T) {
	for _, text := range []string{
		"frobnicate\nSELECT 1\n",
		"statement\nSELECT 1\n",
		"statement maybe\nSELECT 1\n",
		"statement ok\n",
		"register\nSELECT 1\n",
		"lookup v0 'open\n",
		"lookup v0 1x\n",
		"lookup v0 DATE'2024-13-45'\n",
		"statement ok\nDELETE FROM t\n----\n1\n",
		"table t0\nSELECT 1\n",
	} {
		if _, err := ParseScenario(text); err == nil {
			t.Errorf("ParseScenario(%q) succeeded", text)
		}
	}
}

func TestArgsRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		g := gen{rt}
		typ := ColType(g.intn(0, int(numColTypes)-1))
		var v dataflow.Value
		switch g.intn(0, 3) {
		case 0:
			v = pick(g, typ.Domain())
		case 1:
			v = Respell(pick(g, typ.Domain()), g.intn(0, 2))
		case 2:
			v = dataflow.String(rapid.String().Draw(rt, "s"))
		}
		args, err := ParseArgs(FormatArg(v))
		if err != nil {
			rt.Fatalf("ParseArgs(%s): %v", FormatArg(v), err)
		}
		if len(args) != 1 || !reference.SameValue(args[0], v) {
			rt.Fatalf("%v came back as %v", v, args)
		}
	})
}
