package difftest

import (
	"testing"

	"pgregory.net/rapid"
)

// TestDifferentialWindows draws window functions (ranking, LAG and LEAD, aggregates over
// frames; several per query, keyed or not, over joins, and the top-N-per-group idiom)
// beside plain and aggregate queries, through writes that move rows between partitions.
func TestDifferentialWindows(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 1, maxTables: 3, maxCols: 4,
		maxQueries: 2, maxBatches: 4, maxStmts: 4, maxRows: 5, maxKeys: 6,
		lateRegistration: true,
		query:            QueryConfig{MaxJoins: 1, Aggregates: true, Windows: true, Derived: true},
	}
	checkN(t, 2000, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}
