package difftest

import (
	"testing"

	"pgregory.net/rapid"
)

// TestDifferentialValues draws VALUES tables in FROM (alone, joined with tables on their
// columns, under aggregates, in derived tables), looked up by table columns and by the
// VALUES table's own, through writes to the tables they join.
func TestDifferentialValues(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 1, maxTables: 3, maxCols: 4,
		maxQueries: 2, maxBatches: 3, maxStmts: 4, maxRows: 4, maxKeys: 6,
		lateRegistration: true,
		query:            QueryConfig{MaxJoins: 2, Aggregates: true, Derived: true, Subqueries: true, Values: true},
	}
	checkN(t, 1500, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
	if stats.values < stats.accepted/10 {
		t.Errorf("%d of %d accepted queries have a VALUES table, want at least a tenth", stats.values, stats.accepted)
	}
	t.Logf("%d accepted queries with a VALUES table", stats.values)
}
