package difftest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// TestDifferentialConcurrent runs writers, readers and evictions in parallel goroutines
// against views with partial state (readers, and the joins, aggregates and TopKs under
// them), so fills race writes, evictions race fills and releases race both. Nothing is
// checked while they run except that reads do not fail; once the writes stop, every view
// must answer every key as recomputation from scratch over the engine's final tables does.
// Keys a reader holds are among the keys read, so this covers every key any reader holds.
func TestDifferentialConcurrent(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 2, maxTables: 3, maxCols: 4,
		maxQueries: 3, maxStmts: 40, maxRows: 4, maxKeys: 8,
		query: QueryConfig{MaxJoins: 2, Aggregates: true, Unions: true, Subqueries: true, Derived: true},
	}
	var partial atomic.Int64
	checkN(t, 300, func(rt *rapid.T) { runConcurrentCase(rt, cfg, stats, &partial) })
	stats.verify(t)
	if partial.Load() == 0 {
		t.Fatal("no case had partial operator state: the test does not exercise it")
	}
	t.Logf("cases with partial operator state: %d", partial.Load())
}

// TestDifferentialConcurrentSingleTable runs the concurrent property over one table,
// where most range parameters fall on GROUP BY columns: fills of an aggregate's intervals
// race writes that move rows between groups, and evictions of intervals race both.
func TestDifferentialConcurrentSingleTable(t *testing.T) {
	stats := &caseStats{}
	cfg := caseConfig{
		minTables: 1, maxTables: 1, maxCols: 4,
		maxQueries: 3, maxStmts: 40, maxRows: 4, maxKeys: 8,
		query: QueryConfig{Aggregates: true, Derived: true},
	}
	var partial atomic.Int64
	checkN(t, 300, func(rt *rapid.T) { runConcurrentCase(rt, cfg, stats, &partial) })
	stats.verify(t)
	if stats.intervalViews > 10 && stats.intervalStateViews == 0 {
		t.Fatalf("none of %d views with interval holes kept an aggregate by intervals", stats.intervalViews)
	}
}

func runConcurrentCase(rt *rapid.T, cfg caseConfig, stats *caseStats, partial *atomic.Int64) {
	g := gen{rt}
	schema := genSchema(g, cfg.minTables, cfg.maxTables, cfg.maxCols)
	h := newHarness(rt, g.intn(2, 3))
	defer h.close()
	for _, ddl := range schema.DDL() {
		h.exec(ddl, false, 0, 0)
	}
	// Some queries are registered while the writers run: their new nodes are backfilled
	// from a snapshot while deltas queue at them.
	nq := g.intn(1, cfg.maxQueries)
	early := g.intn(1, nq)
	var lateQueries []*Query
	for i := range nq {
		q := genQuery(g, schema, cfg.query)
		if i >= early {
			lateQueries = append(lateQueries, q)
			continue
		}
		name := fmt.Sprintf("v%d", i)
		v, err := h.register(name, q.SQL)
		stats.record(q.SQL, err)
		if err == nil {
			stats.countIntervalView(v)
			stats.countCombinedView(v)
			h.views = append(h.views, &liveView{name: name, query: q, view: v, subKeyed: subKeyedView(v)})
		}
	}
	if len(h.views) == 0 {
		return
	}
	if st, err := h.eng.States(h.ctx); err == nil && len(st) > 0 {
		partial.Add(1)
	}

	// Writes are generated in order against the model (so they look like an application's),
	// then split between writers that run them concurrently: the final tables depend on the
	// interleaving, so views are checked against the engine's tables, not the model.
	model := NewModel(schema)
	const writers = 3
	var scripts [writers][]string
	for i := range g.intn(4, cfg.maxStmts) {
		w := genWrite(g, schema, model, cfg.maxRows)
		model.Apply(w)
		scripts[i%writers] = append(scripts[i%writers], w.SQL())
		stats.count(&stats.writes)
	}
	stats.mu.Lock()
	stats.uniqueCollisions += model.UniqueCollisions
	stats.mu.Unlock()
	names := make([]string, len(schema.Tables))
	for i, tb := range schema.Tables {
		names[i] = tb.Name
	}
	// Readers read keys drawn from every value the model's tables held along the way.
	type read struct {
		view     *weir.View
		args     []any
		try      bool
		subKeyed bool
	}
	var reads []read
	modelRows := func(name string) []dataflow.Row { return model.Rows(name) }
	for _, lv := range h.views {
		for _, key := range lookupKeys(g, lv.query, modelRows, cfg.maxKeys) {
			args := make([]any, len(key))
			for i, a := range key {
				args[i] = a
			}
			reads = append(reads, read{lv.view, args, g.chance(30), lv.subKeyed})
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg, readers, bg sync.WaitGroup
	var maxTok atomic.Uint64
	for w := range writers {
		wg.Go(func() {
			for _, sql := range scripts[w] {
				res, err := h.eng.Exec(ctx, sql)
				if err == nil {
					for {
						cur := maxTok.Load()
						if uint64(res.Token) <= cur || maxTok.CompareAndSwap(cur, uint64(res.Token)) {
							break
						}
					}
				}
			}
		})
	}
	var lateViews []*liveView
	var lateErr error
	wg.Go(func() {
		for i, q := range lateQueries {
			name := fmt.Sprintf("late%d", i)
			v, err := h.eng.Register(ctx, name, q.SQL)
			stats.record(q.SQL, err)
			var pe *planner.Error
			if err != nil && !errors.As(err, &pe) {
				lateErr = fmt.Errorf("register %s while writing: %w\n%s", name, err, q.SQL)
				return
			}
			if err == nil {
				lateViews = append(lateViews, &liveView{name: name, query: q, view: v, subKeyed: subKeyedView(v)})
			}
		}
	})
	var readErr atomic.Pointer[error]
	// Readers go on after the writers until each has read every key a few times, so
	// evictions and fills keep racing releases at the end too.
	minReads := 4 * len(reads)
	for r := range 2 {
		readers.Go(func() {
			for i := r; i < minReads || ctx.Err() == nil; i++ {
				rd := reads[i%len(reads)]
				var err error
				if r == 1 && i%5 == 1 {
					// Evict what the read would read (a view's interval, or its keys)
					// while the other reader fills: fills, evictions and writes race.
					if err = rd.view.Evict(context.Background(), rd.args...); err == nil && intervalView(rd.view) {
						stats.count(&stats.intervalEvictions)
					}
					if err == nil && orView(rd.view) {
						stats.count(&stats.orEvictions)
					}
					if err == nil && intervalStateView(rd.view) {
						stats.count(&stats.intervalStateEvictions)
					}
					if err == nil && rd.subKeyed {
						stats.count(&stats.subKeyedEvictions)
					}
				} else if rd.try {
					_, _, err = rd.view.TryLookup(context.Background(), rd.args...)
				} else {
					_, err = rd.view.Lookup(context.Background(), rd.args...)
				}
				if err != nil {
					readErr.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	evictCtx, stopEvicting := context.WithCancel(context.Background())
	defer stopEvicting()
	bg.Go(func() {
		for evictCtx.Err() == nil {
			freed, err := h.eng.Evict(evictCtx)
			if err != nil && evictCtx.Err() == nil {
				readErr.CompareAndSwap(nil, &err)
				return
			}
			if freed > 0 {
				stats.count(&stats.evictions)
			}
		}
	})
	wg.Wait()
	cancel()
	readers.Wait()
	stopEvicting()
	bg.Wait()
	if p := readErr.Load(); p != nil {
		h.fail(nil, "concurrent read or eviction failed: %v", *p)
	}

	if lateErr != nil {
		h.fail(nil, "%v", lateErr)
	}
	h.views = append(h.views, lateViews...)
	h.tok = weir.Token(maxTok.Load())
	tables := h.engineTables(names)
	for _, t := range schema.Tables {
		if dup := duplicateUniqueKey(t, tables[t.Name]); dup != "" {
			h.fail(nil, "after concurrent writes, table %s holds a duplicate unique key: %s", t.Name, dup)
		}
	}
	rows := func(name string) []dataflow.Row { return tables[name] }
	for _, lv := range h.views {
		snap, err := reference.Evaluate(lv.view.Plan(), rows)
		if err != nil {
			h.fail(nil, "reference evaluation of %s: %v\n%s", lv.name, err, FormatQuery(lv.view.Plan()))
		}
		keys := append(lookupKeys(g, lv.query, modelRows, cfg.maxKeys), lookupKeys(g, lv.query, rows, cfg.maxKeys)...)
		for _, key := range keys {
			if n := h.lookup(lv.name, lv.view, snap, key, nil); n > 0 {
				stats.count(&stats.nonEmpty)
			}
			stats.count(&stats.lookups)
		}
	}
}
