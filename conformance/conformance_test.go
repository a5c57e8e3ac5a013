package conformance

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// minQueryShapes is the corpus size the scenario files must keep: enough distinct SELECTs
// that every construct Weir supports is compared in several combinations.
const minQueryShapes = 250

func loadScenarios(t *testing.T) []*Scenario {
	t.Helper()
	scs, err := LoadScenarios("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) == 0 {
		t.Fatal("no scenario files in testdata")
	}
	return scs
}

// mariaTarget connects to a fresh database on the private server. Text mode interpolates
// parameters into the SQL text, so MariaDB sees exactly the literals a hand-written query
// would have; prepared mode sends them as binary protocol parameters.
func mariaTarget(t *testing.T, m *testserver.MariaDB, database string, prepared bool) Target {
	t.Helper()
	cfg, err := mysql.ParseDSN(m.CreateDatabase(t, database))
	if err != nil {
		t.Fatal(err)
	}
	cfg.InterpolateParams = !prepared
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := "MariaDB"
	if prepared {
		name = "MariaDB (prepared)"
	}
	target, closeConn, err := NewSQLTarget(t.Context(), name, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closeConn() })
	return target
}

func report(t *testing.T, rep *Report) {
	t.Helper()
	for _, n := range rep.Notes {
		t.Log(n)
	}
	for _, f := range rep.Failures {
		t.Error(f.String())
	}
	summary := fmt.Sprintf("%s: %d lookups and %d statements compared, %d failures",
		rep.Scenario, rep.Lookups, rep.Statements, len(rep.Failures))
	if cases := rep.FailedCases(); len(cases) > 0 {
		summary += "\nfailing cases: " + strings.Join(cases, " ")
	}
	t.Log(summary)
}

// TestConformance runs every scenario on Weir through its Go API and on MariaDB, twice: once
// with each view registered at its first read, so it is filled from the rows already there,
// and once with every view registered on the empty tables, so every row reaches it as an
// incremental update.
func TestConformance(t *testing.T) {
	scs := loadScenarios(t)
	m := testserver.StartMariaDB(t)
	for _, sc := range scs {
		for _, mode := range []struct {
			name string
			opts Options
		}{
			{"registered_after_data", Options{}},
			{"registered_before_data", Options{PrepareBeforeData: true}},
		} {
			t.Run(sc.Name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				ref := mariaTarget(t, m, "weir_"+sc.Name+"_"+mode.name, false)
				clock := &Clock{}
				eng, err := weir.Open(weir.Options{Clock: clock.Now})
				if err != nil {
					t.Fatalf("open Weir: %v", err)
				}
				t.Cleanup(func() {
					if err := eng.Close(); err != nil {
						t.Errorf("close Weir: %v", err)
					}
				})
				report(t, Run(t.Context(), sc, ref, NewWeirTargetWithClock(eng, clock), mode.opts))
			})
		}
	}
}

// TestScenariosOnMariaDB checks the scenario files themselves: every statement marked to
// fail fails on MariaDB and no other does, MariaDB accepts every query, and two independent
// databases, one read in text mode and one with prepared statements, agree on every result.
// It also keeps the sqlTarget honest in both protocol modes, which Weir's server will be
// compared in.
func TestScenariosOnMariaDB(t *testing.T) {
	scs := loadScenarios(t)
	m := testserver.StartMariaDB(t)
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ref := mariaTarget(t, m, "text_"+sc.Name, false)
			sub := mariaTarget(t, m, "prep_"+sc.Name, true)
			report(t, Run(t.Context(), sc, ref, sub, Options{SubIsReference: true}))
		})
	}
}

// TestCorpus keeps the scenario corpus as large as promised, with unique query texts so that
// no case is a silent duplicate of another (literal variants, which Weir serves from one
// view, differ in text and count separately on purpose).
func TestCorpus(t *testing.T) {
	shapes := map[string]string{}
	for _, sc := range loadScenarios(t) {
		for _, q := range sc.Queries() {
			key := oneLine(q.SQL)
			if prev, dup := shapes[key]; dup {
				t.Errorf("%s: query %s repeats %s", sc.Name, q.Name, prev)
				continue
			}
			shapes[key] = sc.Name + "/" + q.Name
		}
	}
	if len(shapes) < minQueryShapes {
		t.Errorf("%d distinct query shapes, want at least %d", len(shapes), minQueryShapes)
	}
	t.Logf("%d distinct query shapes", len(shapes))
}
