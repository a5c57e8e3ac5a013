package difftest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
)

// runScenarioFile runs a scenario from testdata against a fresh engine: statements must
// succeed or fail as marked, every lookup must agree with the reference evaluation (and with
// the rows the file pins), every table step must match.
func runScenarioFile(t *testing.T, name string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read scenario: %v", err)
	}
	sc, err := ParseScenario(string(text))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	runScenario(t, sc)
}

func runScenario(t *testing.T, sc *Scenario) {
	t.Helper()
	h := newHarness(t, 2)
	defer h.close()
	views := map[string]*liveView{}
	var tableNames []string
	for _, st := range sc.Steps {
		switch st.Kind {
		case StepStatement:
			h.exec(st.SQL, st.WantError, st.ErrorCode, -1)
			if !st.WantError && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(st.SQL)), "CREATE TABLE") {
				tableNames = append(tableNames, createdTable(st.SQL))
			}
		case StepRegister:
			v, err := h.register(st.Name, st.SQL)
			if err != nil {
				t.Fatalf("line %d: register %s: %v", st.Line, st.Name, err)
			}
			views[st.Name] = &liveView{name: st.Name, view: v}
		case StepLookup:
			lv, ok := views[st.Name]
			if !ok {
				t.Fatalf("line %d: no view %s", st.Line, st.Name)
			}
			tables := h.engineTables(tableNames)
			snap, err := reference.Evaluate(lv.view.Plan(), func(n string) []dataflow.Row { return tables[strings.ToLower(n)] })
			if err != nil {
				t.Fatalf("line %d: reference: %v\n%s", st.Line, err, FormatQuery(lv.view.Plan()))
			}
			var expected []string
			if st.HasExpected {
				expected = st.Expected
				if expected == nil {
					expected = []string{}
				}
			}
			h.lookup(st.Name, lv.view, snap, st.Args, expected)
		case StepEvict:
			lv, ok := views[st.Name]
			if !ok {
				t.Fatalf("line %d: no view %s", st.Line, st.Name)
			}
			args := make([]any, len(st.Args))
			for i, a := range st.Args {
				args[i] = a
			}
			if err := lv.view.Evict(h.ctx, args...); err != nil {
				t.Fatalf("line %d: evict %s: %v", st.Line, st.Name, err)
			}
			h.script.Steps = append(h.script.Steps, st)
		case StepTable:
			rows, err := h.eng.TableRows(h.ctx, st.Name)
			if err != nil {
				t.Fatalf("line %d: TableRows(%s): %v", st.Line, st.Name, err)
			}
			got := make([]string, len(rows))
			for i, r := range rows {
				got[i] = reference.FormatRow(r)
			}
			want := slices.Clone(st.Expected)
			slices.Sort(got)
			slices.Sort(want)
			if st.HasExpected && !slices.Equal(got, want) {
				t.Fatalf("line %d: table %s holds\n  %s\nwant\n  %s", st.Line, st.Name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		}
	}
}

// createdTable returns the lower-cased table name of a CREATE TABLE statement.
func createdTable(sql string) string {
	fields := strings.Fields(sql)
	if len(fields) < 3 {
		return ""
	}
	name := fields[2]
	if strings.EqualFold(name, "IF") && len(fields) >= 6 {
		name = fields[5]
	}
	if i := strings.IndexByte(name, '('); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(strings.Trim(name, "`"))
}
