package difftest

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// compileSchema plans the schema's DDL into a catalog, as the engine would.
func compileSchema(t tb, s *Schema) planner.MapCatalog {
	t.Helper()
	cat := planner.MapCatalog{}
	for _, ddl := range s.DDL() {
		st, err := planner.Compile(cat, ddl)
		if err != nil {
			t.Fatalf("generated DDL does not plan: %v\n%s", err, ddl)
		}
		ct, ok := st.(*planner.CreateTable)
		if !ok {
			t.Fatalf("DDL compiled to %T\n%s", st, ddl)
		}
		schema := ct.Schema
		cat[strings.ToLower(schema.Name)] = &schema
	}
	return cat
}

// TestGeneratedSQLPlans checks the generators without an engine: the DDL and every write
// statement plan, nearly every query plans, and the reference evaluates each planned query
// over modelled table contents for every lookup key without error.
func TestGeneratedSQLPlans(t *testing.T) {
	stats := &caseStats{}
	cfg := QueryConfig{MaxJoins: 2, Derived: true, Aggregates: true, Unions: true, Subqueries: true}
	checkN(t, 1000, func(rt *rapid.T) {
		g := gen{rt}
		s := genSchema(g, 1, 4, 5)
		cat := compileSchema(rt, s)
		model := NewModel(s)
		for range g.intn(0, 8) {
			w := genWrite(g, s, model, 3)
			if _, err := planner.Compile(cat, w.SQL()); err != nil {
				rt.Fatalf("generated write does not plan: %v\n%s", err, w.SQL())
			}
			model.Apply(w)
		}
		for range g.intn(1, 3) {
			q := genQuery(g, s, cfg)
			st, err := planner.Compile(cat, q.SQL)
			stats.record(q.SQL, err)
			if err != nil {
				continue
			}
			sel, ok := st.(*planner.Select)
			if !ok {
				rt.Fatalf("query compiled to %T\n%s", st, q.SQL)
			}
			if sel.Query.NumParams != len(q.Params) {
				rt.Fatalf("planner counts %d parameters, the generator %d\n%s", sel.Query.NumParams, len(q.Params), q.SQL)
			}
			if len(sel.Query.Cols) != q.Items {
				rt.Fatalf("planner gives %d columns, the select list has %d\n%s", len(sel.Query.Cols), q.Items, q.SQL)
			}
			snap, err := reference.Evaluate(sel.Query, model.Rows)
			if err != nil {
				rt.Fatalf("reference: %v\n%s\n%s", err, q.SQL, FormatQuery(sel.Query))
			}
			for _, key := range lookupKeys(g, q, model.Rows, 4) {
				if _, err := snap.LookupFull(key); err != nil {
					rt.Fatalf("reference lookup (%s): %v\n%s", formatArgs(key), err, q.SQL)
				}
			}
		}
	})
	stats.verify(t)
}

func TestSchemaDDL(t *testing.T) {
	tbl := &Table{
		Name: "t1",
		Cols: []Column{{Name: "c0", Type: TypeVarchar}, {Name: "c1", Type: TypeDecimal, Nullable: true}, {Name: "c2", Type: TypeUint}},
		PK:   []int{2, 0},
	}
	want := "CREATE TABLE t1 (c0 VARCHAR(16) NOT NULL, c1 DECIMAL(8,2), c2 BIGINT UNSIGNED NOT NULL, PRIMARY KEY (c2, c0))"
	if got := tbl.CreateSQL(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	tbl.Unique = [][]int{{1, 0}, {1}}
	want = "CREATE TABLE t1 (c0 VARCHAR(16) NOT NULL, c1 DECIMAL(8,2), c2 BIGINT UNSIGNED NOT NULL, PRIMARY KEY (c2, c0), UNIQUE KEY uk0 (c1, c0), UNIQUE KEY uk1 (c1))"
	if got := tbl.CreateSQL(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGeneratedSchemas(t *testing.T) {
	checkN(t, 200, func(rt *rapid.T) {
		s := genSchema(gen{rt}, 2, 4, 5)
		if n := len(s.Tables); n < 2 || n > 4 {
			rt.Fatalf("%d tables", n)
		}
		for _, tbl := range s.Tables {
			for _, p := range tbl.PK {
				if tbl.Cols[p].Nullable || tbl.Cols[p].Type == TypeDouble {
					rt.Fatalf("bad key column %+v in %s", tbl.Cols[p], tbl.CreateSQL())
				}
			}
			if len(tbl.PK) == 2 && tbl.PK[0] == tbl.PK[1] {
				rt.Fatalf("key repeats a column: %s", tbl.CreateSQL())
			}
			for i, u := range tbl.Unique {
				for _, c := range u {
					if tbl.IsPK(c) || tbl.Cols[c].Type == TypeDouble {
						rt.Fatalf("bad unique key column %+v in %s", tbl.Cols[c], tbl.CreateSQL())
					}
				}
				if i > 0 && tbl.uniqueRank(tbl.Unique[i-1]) > tbl.uniqueRank(u) {
					rt.Fatalf("unique keys out of MySQL's order in %s", tbl.CreateSQL())
				}
			}
		}
	})
}

func TestDomainsKeepOneSpellingPerCollationClass(t *testing.T) {
	for typ := range numColTypes {
		seen := map[string]dataflow.Value{}
		for _, v := range append(typ.Domain(), typ.Absent()...) {
			k := string(dataflow.AppendKey(nil, v))
			if prev, ok := seen[k]; ok {
				t.Errorf("%s: %v and %v are equal under the collation", typ.SQL(), prev, v)
			}
			seen[k] = v
		}
	}
}
