package planner

import (
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func TestBindParams(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		args []dataflow.Value
		want string
	}{
		{"SELECT a FROM information_schema.tables WHERE b LIKE ? ORDER BY c = ? DESC",
			[]dataflow.Value{dataflow.String("we%"), dataflow.String("weir")},
			"SELECT a FROM information_schema.tables WHERE b LIKE 'we%' ORDER BY c = 'weir' DESC"},
		// A quote or backslash in an argument stays inside its literal.
		{"SELECT ? , '?'", []dataflow.Value{dataflow.String(`it's \' OR 1=1 -- `), dataflow.String("x")}, ""},
		{"SELECT ?, ?, ?, ?", []dataflow.Value{dataflow.Null, dataflow.Int(-3), dataflow.Uint(18446744073709551615), dataflow.Decimal(125, 2)},
			"SELECT NULL, -3, 18446744073709551615, 1.25"},
	} {
		got, err := BindParams(tc.sql, tc.args)
		if tc.want == "" {
			if err == nil {
				t.Errorf("BindParams(%q): no error for %d arguments to 1 parameter", tc.sql, len(tc.args))
			}
			continue
		}
		if err != nil {
			t.Errorf("BindParams(%q): %v", tc.sql, err)
			continue
		}
		if got != tc.want {
			t.Errorf("BindParams(%q):\n got %s\nwant %s", tc.sql, got, tc.want)
		}
	}
}

// TestBindParamsQuoting checks that any string argument reads back as itself: a bound
// argument can never change the statement around it.
func TestBindParamsQuoting(t *testing.T) {
	for _, s := range []string{`'`, `\`, `\'`, `''`, "a\nb", `%_`, `?`, "\x00", `\\'; DROP TABLE t; --`, "é😀"} {
		sql, err := BindParams("SELECT ? AS v FROM information_schema.schemata", []dataflow.Value{dataflow.String(s)})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		st, err := Compile(nil, sql)
		if err != nil {
			t.Fatalf("%q: %s: %v", s, sql, err)
		}
		q := st.(*Select).Query
		p, ok := q.Root.(*Project)
		if !ok {
			t.Fatalf("%q: root is %T", s, q.Root)
		}
		got := p.Exprs[0].Eval(nil)
		if got.RawString() != s {
			t.Errorf("%q bound as %s reads back as %q", s, sql, got.RawString())
		}
	}
}
