package difftest

import (
	"fmt"
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
)

// caseConfig sizes one family of differential cases. Cases are kept small (a few rows, a few
// writes) so that many of them run: a bug needs the right shape far more than volume.
type caseConfig struct {
	minTables, maxTables int
	maxCols              int
	maxQueries           int
	maxBatches           int
	maxStmts             int // per batch
	maxRows              int // per INSERT
	maxKeys              int // lookups per view and batch when a view has several parameters
	lateRegistration     bool
	query                QueryConfig
}

// runCase is the differential property: a random schema, random queries registered before
// the first write or between batches, and random write batches; after every batch each base
// table must hold what MySQL's write semantics give, and every view must answer every key
// (every value in the tables, values never stored, other spellings, NULL) as the reference
// evaluation of its plan over the engine's tables. Now and then the same text also goes
// through the ad-hoc Engine.Query path.
func runCase(rt *rapid.T, cfg caseConfig, stats *caseStats) {
	g := gen{rt}
	schema := genSchema(g, cfg.minTables, cfg.maxTables, cfg.maxCols)
	nBatches := g.intn(1, cfg.maxBatches)
	type pending struct {
		q  *Query
		at int
	}
	var queries []pending
	for i := range g.intn(1, cfg.maxQueries) {
		at := 0
		if cfg.lateRegistration && g.chance(40) {
			at = g.intn(1, nBatches)
		}
		// Sometimes register an earlier query again, or with another key literal: the
		// engine then reuses nodes and state that earlier writes and reads have shaped.
		q := genQuery(g, schema, cfg.query)
		if i > 0 && g.chance(20) {
			q = pick(g, queries).q.Variant()
		}
		queries = append(queries, pending{q, at})
	}

	h := newHarness(rt, g.intn(1, 2))
	defer h.close()
	for _, ddl := range schema.DDL() {
		h.exec(ddl, false, 0, 0)
	}
	model := NewModel(schema)
	names := make([]string, len(schema.Tables))
	for i, t := range schema.Tables {
		names[i] = t.Name
	}

	registerDue := func(batch int) {
		for i, p := range queries {
			if p.at != batch {
				continue
			}
			name := fmt.Sprintf("v%d", i)
			sql := p.q.SQL
			if create, over, ok := AsView(sql, "sqlview_"+name); ok && i%2 == 0 {
				// Every other query that reads a derived table reads it as a view.
				h.exec(create, false, 0, -1)
				viewsMade.Add(1)
				sql = over
			}
			v, err := h.register(name, sql)
			stats.record(p.q.SQL, err)
			if p.q.InValues > 0 {
				stats.count(&stats.inValueQueries)
				if err == nil {
					stats.count(&stats.inValueViews)
				} else if testing.Verbose() {
					rt.Logf("rejected IN value: %s\n  -> %v", p.q.SQL, err)
				}
			}
			if err != nil {
				continue
			}
			if v.NumParams() != len(p.q.Params) {
				h.fail(nil, "view %s has %d parameters, its text %d:\n%s", name, v.NumParams(), len(p.q.Params), p.q.SQL)
			}
			if n := len(v.Columns()); n != p.q.Items {
				h.fail(nil, "view %s has %d columns, its select list %d:\n%s", name, n, p.q.Items, p.q.SQL)
			}
			stats.countIntervalView(v)
			stats.countCombinedView(v)
			h.views = append(h.views, &liveView{name: name, query: p.q, view: v, subKeyed: subKeyedView(v)})
		}
	}
	check := func() {
		tables := h.engineTables(names)
		for _, t := range schema.Tables {
			if dup := duplicateUniqueKey(t, tables[t.Name]); dup != "" {
				h.fail(nil, "table %s holds a duplicate unique key: %s", t.Name, dup)
			}
			if d := reference.DiffMultiset(model.Rows(t.Name), tables[t.Name]); d != "" {
				step := Step{Kind: StepTable, Name: t.Name, HasExpected: true}
				for _, r := range model.Rows(t.Name) {
					step.Expected = append(step.Expected, reference.FormatRow(r))
				}
				h.fail(&step, "table %s differs from MySQL's write semantics:\n%s", t.Name, d)
			}
		}
		rows := func(name string) []dataflow.Row { return tables[name] }
		for _, lv := range h.views {
			snap, err := reference.Evaluate(lv.view.Plan(), rows)
			if err != nil {
				h.fail(nil, "reference evaluation of %s: %v\n%s", lv.name, err, FormatQuery(lv.view.Plan()))
			}
			keys := lookupKeys(g, lv.query, rows, cfg.maxKeys)
			if g.chance(30) {
				freed, err := h.eng.Evict(h.ctx)
				if err != nil {
					h.fail(nil, "evict: %v", err)
				}
				if freed > 0 {
					stats.count(&stats.evictions)
				}
			}
			if g.chance(30) {
				h.adhoc(lv, snap, pick(g, keys))
			}
			if g.chance(25) {
				h.evictRead(lv, pick(g, keys), stats)
			}
			for _, key := range keys {
				if n := h.lookup(lv.name, lv.view, snap, key, nil); n > 0 {
					stats.count(&stats.nonEmpty)
				}
				stats.count(&stats.lookups)
			}
		}
	}

	registerDue(0)
	check()
	for b := range nBatches {
		// Some batches run as a transaction, committed (one write for every view) or
		// rolled back (none of it may show). A TRUNCATE would commit it, so none is drawn.
		inTx := g.chance(25)
		var before map[string][]dataflow.Row
		if inTx {
			before = maps.Clone(model.tables)
			h.exec("BEGIN", false, 0, 0)
		}
		for range g.intn(1, cfg.maxStmts) {
			w := genWrite(g, schema, model, cfg.maxRows)
			for inTx && w.Kind == WriteTruncate {
				w = genWrite(g, schema, model, cfg.maxRows)
			}
			affected, ok := model.Apply(w)
			stats.count(&stats.writes)
			if ok {
				h.exec(w.SQL(), false, 0, affected)
			} else {
				stats.count(&stats.failedWrites)
				h.exec(w.SQL(), true, 1062, -1)
			}
		}
		if inTx {
			if g.chance(70) {
				h.exec("COMMIT", false, 0, 0)
			} else {
				h.exec("ROLLBACK", false, 0, 0)
				model.tables = before
			}
		}
		registerDue(b + 1)
		check()
	}
	stats.mu.Lock()
	stats.uniqueCollisions += model.UniqueCollisions
	stats.mu.Unlock()
}

// duplicateUniqueKey describes two rows that hold the same non-NULL values of one of t's
// unique keys, or returns "".
func duplicateUniqueKey(t *Table, rows []dataflow.Row) string {
	for u, cols := range t.Unique {
		seen := map[string]dataflow.Row{}
		for _, r := range rows {
			k := uniqueKey(r, cols)
			if k == "" {
				continue
			}
			if first, dup := seen[k]; dup {
				return fmt.Sprintf("uk%d: (%s) and (%s)", u, reference.FormatRow(first), reference.FormatRow(r))
			}
			seen[k] = r
		}
	}
	return ""
}

// lookupKeys lists the argument tuples to read a view with. A single parameter gets every
// candidate; several get up to maxKeys drawn combinations.
func lookupKeys(g gen, q *Query, rows func(string) []dataflow.Row, maxKeys int) [][]dataflow.Value {
	if len(q.Params) == 0 {
		return [][]dataflow.Value{nil}
	}
	cands := make([][]dataflow.Value, len(q.Params))
	for i, p := range q.Params {
		cands[i] = p.KeyCandidates(rows)
	}
	if len(cands) == 1 {
		out := make([][]dataflow.Value, len(cands[0]))
		for i, v := range cands[0] {
			out[i] = []dataflow.Value{v}
		}
		return out
	}
	seen := map[string]bool{}
	var out [][]dataflow.Value
	for range maxKeys {
		key := make([]dataflow.Value, len(cands))
		var enc []byte
		for i, c := range cands {
			key[i] = pick(g, c)
			enc = dataflow.AppendExactKey(enc, key[i])
		}
		if !seen[string(enc)] {
			seen[string(enc)] = true
			out = append(out, key)
		}
	}
	return out
}

// The property tests below add up to more than 10,000 cases per run, most of them cheap.

func TestDifferentialSingleTable(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 1, maxTables: 1, maxCols: 4,
		maxQueries: 1, maxBatches: 3, maxStmts: 4, maxRows: 4, maxKeys: 6,
		query: QueryConfig{Aggregates: true},
	}
	checkN(t, 5000, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}

func TestDifferentialJoins(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 2, maxTables: 3, maxCols: 4,
		maxQueries: 2, maxBatches: 3, maxStmts: 4, maxRows: 4, maxKeys: 6,
		query: QueryConfig{MaxJoins: 2, Aggregates: true, Subqueries: true, Scalars: true},
	}
	checkN(t, 3000, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}

func TestDifferentialFull(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 2, maxTables: 4, maxCols: 5,
		maxQueries: 3, maxBatches: 4, maxStmts: 4, maxRows: 4, maxKeys: 8,
		lateRegistration: true,
		query:            QueryConfig{MaxJoins: 2, Derived: true, Aggregates: true, Unions: true, Subqueries: true, Scalars: true},
	}
	checkN(t, 2000, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}

// TestDifferentialScalarSubqueries draws scalar subqueries (uncorrelated and correlated
// aggregates, LIMIT 1 rows, primary-key lookups) in select lists, WHERE and HAVING, over
// writes that empty and refill their groups.
func TestDifferentialScalarSubqueries(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 2, maxTables: 3, maxCols: 4,
		maxQueries: 2, maxBatches: 4, maxStmts: 4, maxRows: 4, maxKeys: 6,
		query: QueryConfig{MaxJoins: 1, Aggregates: true, Scalars: true},
	}
	checkN(t, 1500, func(rt *rapid.T) { runCase(rt, cfg, stats) })
	stats.verify(t)
}
