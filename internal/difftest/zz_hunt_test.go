package difftest

import (
	"testing"

	"pgregory.net/rapid"
)

func TestZZHunt(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 1, maxTables: 1, maxCols: 4,
		maxQueries: 3, maxBatches: 8, maxStmts: 6, maxRows: 6, maxKeys: 10,
		lateRegistration: true,
		query:            QueryConfig{MaxJoins: 2, Derived: true, Aggregates: true, Unions: true, Subqueries: true},
	}
	rapid.Check(t, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}
