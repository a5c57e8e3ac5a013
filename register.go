package weir

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/eviction"
	"github.com/weirdb/weir/internal/stripe"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/planner/lower"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/upquery"
)

// View is a registered query. Reading it is a lookup in its reader by the query's
// parameters; it never runs the query.
type View struct {
	e       *Engine
	name    string
	sql     string // as registered ("" for the view of an ad-hoc query shape)
	query   *planner.Query
	node    *dataflow.Node
	reader  *operators.Reader
	domain  *dataflow.Domain
	dropped atomic.Bool
	// filler fills the holes of a partial reader by upqueries; nil for a full reader.
	// Views that share a reader share it.
	filler *upquery.Target
	// hits and misses count keys found with rows and keys found empty. Striped counters:
	// reads on many cores must not contend on one cache line.
	hits, misses stripe.Counter
	// width is the number of visible result columns.
	width int
	// lastRead is the evictor's clock (eviction.Evictor.Now) at the view's last read, 0
	// before its first; created is the clock when it was linked, and seq its number in link
	// order. The least recently read views of ad-hoc shapes are dropped first.
	lastRead atomic.Int64
	created  int64
	seq      uint64
	// graphBytes approximates the memory the view added to the graph: the view and its
	// plan, and the nodes its link created (their structures, a new reader's fixed cost);
	// overhead is the view and plan part. full are the nodes it created that hold full
	// state (counted toward the limit for a view of an ad-hoc shape).
	graphBytes, overhead int64
	full                 []*dataflow.Node
	// ownReader: the view's link created its reader.
	ownReader bool
	// dialect is the dialect the view was registered in (RegisterDialect), which its
	// definition is stored and planned again in.
	dialect Dialect
	// branches, for a query with a parameter under OR (planner.Query.Or), are the views of
	// its branches, one partial or full reader each, which its reads look up and merge.
	// They are no views of their own: not named, listed or accounted apart.
	branches []*View
}

// readers are the views whose readers a read of v looks up: its branches, or v itself.
func (v *View) readers() []*View {
	if v.branches != nil {
		return v.branches
	}
	return []*View{v}
}

// below reports whether the view reads from a node in set (its reader or a branch's).
func (v *View) below(set map[*dataflow.Node]bool) bool {
	for _, r := range v.readers() {
		if set[r.node] {
			return true
		}
	}
	return false
}

// Register compiles a SELECT in MySQL's dialect into the graph under name: the operators
// its plan needs, sharing those an earlier view built, and one reader. Registering a name again with the same query returns the existing view.
func (e *Engine) Register(ctx context.Context, name, sql string) (*View, error) {
	return e.register(ctx, MySQL, name, sql)
}

// RegisterDialect is Register for a SELECT written in dialect d. A view registered in
// PostgreSQL's dialect (planned as PrepareDialect plans it) is stored with its dialect, so
// that it is registered again in it when the engine opens its data directory; its
// Lookup takes its plan's parameters (View.NumParams) in the plan's order.
func (e *Engine) RegisterDialect(ctx context.Context, d Dialect, name, sql string) (*View, error) {
	return e.register(ctx, d, name, sql)
}

func (e *Engine) register(ctx context.Context, d Dialect, name, sql string) (*View, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, newError(ErrCodeWrongTableName, "42000", "Incorrect table name '': a view needs a name")
	}
	key := strings.ToLower(name)
	db := contextDatabase(ctx)
	e.mu.RLock()
	old, exists := e.views[key]
	e.mu.RUnlock()
	var v *View
	for attempt := 0; ; attempt++ {
		q, err := e.planDialect(d, db, sql)
		if err != nil {
			return nil, err
		}
		if exists {
			if old.query.Text == q.Text && old.query.SameLookups(q) && !old.dropped.Load() {
				return old, nil
			}
			return nil, newError(ErrCodeTableExists, "42S01", fmt.Sprintf("View '%s' is already registered with a different query", name))
		}
		v, err = e.install(ctx, q, name)
		if retryDropped(ctx, err, attempt) {
			continue // a view the query reads changed meanwhile
		}
		if err != nil {
			return nil, err
		}
		break
	}
	v.sql = sql
	v.dialect = d
	if err := e.persistCatalog(func(b *storage.Batch) { b.PutViewDialect(name, d.String(), db, sql) }); err != nil {
		_ = e.Unregister(ctx, name)
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev, ok := e.views[key]; ok {
		return prev, nil
	}
	e.views[key] = v
	return v, nil
}

// errShapeDropped is what a read through the view of an ad-hoc shape gets when the view was
// dropped meanwhile (under memory pressure, or with its table): the caller plans the query
// again and installs the shape again (retryDropped).
var errShapeDropped = errors.New("weir: the cache of the query shape was dropped during the read")

// maxShapeRetries bounds how often one query installs its shape again after the shape's
// view was dropped under it.
const maxShapeRetries = 8

// retryDropped reports whether a query whose read failed with err should plan and read
// again: its shape's view was dropped during the read, and it has tries left.
func retryDropped(ctx context.Context, err error, attempt int) bool {
	return errors.Is(err, errShapeDropped) && attempt < maxShapeRetries && ctx.Err() == nil
}

// SQL returns the SELECT the view was registered with.
func (v *View) SQL() string {
	if v.sql == "" {
		return v.query.Text
	}
	return v.sql
}

// View returns a registered view by name.
func (e *Engine) View(name string) (*View, error) {
	e.mu.RLock()
	v, ok := e.views[strings.ToLower(name)]
	e.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchView, name)
	}
	return v, nil
}

// Unregister removes a named view. Its nodes go too unless other views share them.
func (e *Engine) Unregister(ctx context.Context, name string) error {
	return e.changeGraph(ctx, func() error {
		key := strings.ToLower(name)
		v, ok := e.views[key]
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoSuchView, name)
		}
		if err := e.persistCatalog(func(b *storage.Batch) { b.DropView(v.name) }); err != nil {
			return err
		}
		delete(e.views, key)
		return e.dropViewLocked(ctx, v)
	}, nil)
}

// dropViewLocked releases a view's nodes; the partial ones give back the holds they had
// on the states above, and replays still in flight to them fill nothing (see
// upquery.ReleaseAll). Reads of the view that already hold it finish with the rows it had
// (every write acknowledged before the drop is in them) or fail with its errDropped. The
// caller is inside changeGraph.
func (e *Engine) dropViewLocked(ctx context.Context, v *View) error {
	if !v.dropped.CompareAndSwap(false, true) {
		return nil
	}
	e.graphBytes.Add(-v.overhead)
	if v.name == "" {
		e.adhocBytes.Add(-v.graphBytes)
		if len(v.full) > 0 {
			e.fullMu.Lock()
			delete(e.fullShapes, v)
			e.fullMu.Unlock()
		}
	}
	var firstErr error
	for _, r := range v.readers() {
		r.dropped.Store(true)
		for _, n := range e.graph.Release(r.node) {
			e.graphBytes.Add(-eviction.NodeBytes(n))
			target := e.fillers[n]
			delete(e.fillers, n)
			e.evictor.Untrack(n)
			if err := upquery.ReleaseAll(ctx, e.rt, n, target); err != nil && firstErr == nil {
				firstErr = fmt.Errorf("weir: releasing the state of dropped view %q: %w", v.name, err)
			}
		}
	}
	return firstErr
}

// Views lists the names of the registered views.
func (e *Engine) Views() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]string, 0, len(e.views))
	for _, v := range e.views {
		out = append(out, v.name)
	}
	slices.Sort(out)
	return out
}

// Query runs an ad-hoc SELECT: the first time a query shape is seen it is installed as an
// unnamed view (later queries of the same shape reuse it), and the read waits until every
// write acknowledged before the call is visible.
//
// Under a memory limit the view of a shape not read for a while may be dropped (see
// Options.MemoryLimit); its next query installs it again.
func (e *Engine) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	if err := e.checkOpen(); err != nil {
		return Rows{}, err
	}
	for attempt := 0; ; attempt++ {
		q, err := e.planSelect(contextDatabase(ctx), sql)
		if err != nil {
			return Rows{}, err
		}
		if q.InfoSchema {
			vals, err := dataflow.RowFromGo(args)
			if err != nil {
				return Rows{}, err
			}
			return e.queryInfoSchema(ctx, q, vals)
		}
		rows, err := e.queryPlanned(ctx, q, args)
		if !retryDropped(ctx, err, attempt) {
			return rows, err
		}
	}
}

// queryPlanned reads a planned SELECT through the view of its shape, installing the view
// the first time the shape is seen. When the view is dropped during the read it fails with
// errShapeDropped: the caller plans again (the catalog may have changed) and retries.
func (e *Engine) queryPlanned(ctx context.Context, q *planner.Query, args []any) (Rows, error) {
	v, err := e.shapeView(ctx, q)
	if err != nil {
		return Rows{}, err
	}
	// The shared view has the shape's first literals; this query's own literals fill the
	// key through its own lookup plan.
	rows, err := v.lookupWith(ctx, q, e.readToken(), args)
	if err != nil && v.dropped.Load() {
		return Rows{}, fmt.Errorf("%w: %w", errShapeDropped, err)
	}
	return rows, err
}

// shapeView is the view of q's shape, installed now if it is the first of its shape.
func (e *Engine) shapeView(ctx context.Context, q *planner.Query) (*View, error) {
	e.mu.RLock()
	v, ok := e.shapes[q.Text]
	e.mu.RUnlock()
	if !ok {
		var err error
		if v, err = e.install(ctx, q, ""); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// planDialect plans a SELECT in dialect d.
func (e *Engine) planDialect(d Dialect, db, sql string) (*planner.Query, error) {
	if d != PostgreSQL {
		return e.planSelect(db, sql)
	}
	c, _, err := e.planPostgres(db, sql)
	if err != nil {
		return nil, err
	}
	return c.Query, nil
}

// Dialect is the dialect the view was registered in.
func (v *View) Dialect() Dialect { return v.dialect }

func (e *Engine) planSelect(db, sql string) (*planner.Query, error) {
	st, _, err := e.plan(db, sql)
	if err != nil {
		return nil, err
	}
	sel, ok := st.(*planner.Select)
	if !ok {
		return nil, newError(ErrCodeWrongUsage, "42000", "only a SELECT can be registered or queried")
	}
	return sel.Query, nil
}

// install lowers a planned query into the graph, reusing nodes that compute the same thing
// (package lower), then backfills the new full nodes while writes go on (see
// dataflow.Backfill). The view of an ad-hoc shape (name "") is the shape's from then on;
// when the shape has a view already, install returns it.
func (e *Engine) install(ctx context.Context, q *planner.Query, name string) (*View, error) {
	if q.InfoSchema {
		return nil, newError(ErrCodeUnsupported, "42000",
			"This version of Weir doesn't yet support 'a cache over information_schema': its queries are answered from the catalog when they run")
	}
	var v *View
	var backfill *dataflow.Backfill
	err := e.changeGraph(ctx, func() (err error) {
		if prev, ok := e.shapes[q.Text]; ok && name == "" {
			v = prev // installed by a concurrent query of the shape
			return nil
		}
		if !e.currentPlan(q) {
			// Planned over a view that changed since: the caller plans again.
			return errShapeDropped
		}
		v, backfill, err = e.link(ctx, q, name)
		return err
	}, func() error {
		if backfill == nil {
			return nil
		}
		err := backfill.Run(ctx, e.rt)
		if err != nil && !errors.Is(err, dataflow.ErrDomainFailed) {
			// Stopped half way: take the new nodes, whose state is incomplete, out while
			// the schema lock keeps other registrations from sharing them.
			err = errors.Join(err, e.stopped(context.Background(), func() error { return e.dropViewLocked(context.Background(), v) }))
		}
		e.clock.kick() // temporal filters backfilled meanwhile may have changes due
		if err == nil && name == "" {
			// Published once filled, under the schema lock: a concurrent query of the
			// shape waits for it in changeGraph and then finds it.
			e.mu.Lock()
			e.shapes[q.Text] = v
			e.mu.Unlock()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// link adds a query's nodes to the graph, readies the fills of a new partial reader and
// the holds of new partial states, and snapshots what the backfill reads. The caller is
// inside changeGraph.
func (e *Engine) link(ctx context.Context, q *planner.Query, name string) (*View, *dataflow.Backfill, error) {
	e.queries++
	home := 1 + (e.queries-1)%(len(e.rt.Domains)-1)
	if q.Or != nil && len(q.Or.Branches) > 0 {
		return e.linkOr(ctx, q, name, home)
	}
	v, created, err := e.linkReader(ctx, q, name, home)
	if err != nil {
		return nil, nil, err
	}
	backfill := dataflow.NewBackfill(created)
	backfill.Computed = e.backfilled
	e.account(v, created)
	return v, backfill, nil
}

// linkOr links a query with a parameter under OR as one reader per branch
// (planner.OrBranches.Branches), all homed in one domain so that a read sees the branches
// at one point of the writes wherever their nodes allow it. The view reads through its
// branches; its own reader fields are the first branch's, for what names one node (the
// graph's rendering). The caller is inside changeGraph.
func (e *Engine) linkOr(ctx context.Context, q *planner.Query, name string, home int) (*View, *dataflow.Backfill, error) {
	var created []*dataflow.Node
	branches := make([]*View, 0, len(q.Or.Branches))
	for i, bq := range q.Or.Branches {
		bv, bc, err := e.linkReader(ctx, bq, name, home)
		if err != nil {
			// The branches linked so far were not accounted yet: what their drop gives
			// back must have been added first.
			for _, n := range created {
				e.graphBytes.Add(eviction.NodeBytes(n))
			}
			for _, done := range branches {
				_ = e.dropViewLocked(ctx, done)
			}
			return nil, nil, fmt.Errorf("linking branch %d of OR: %w", i, err)
		}
		branches = append(branches, bv)
		created = append(created, bc...)
	}
	first := branches[0]
	v := &View{e: e, name: name, query: q, node: first.node, reader: first.reader, filler: first.filler,
		domain: first.domain, width: len(q.Cols), created: first.created, seq: first.seq,
		ownReader: first.ownReader, branches: branches}
	backfill := dataflow.NewBackfill(created)
	backfill.Computed = e.backfilled
	e.account(v, created)
	return v, backfill, nil
}

// linkReader adds the nodes of one reader's query to the graph, homed in domain home, and
// returns its view (not yet accounted) and the nodes it created. The caller is inside
// changeGraph.
func (e *Engine) linkReader(ctx context.Context, q *planner.Query, name string, home int) (*View, []*dataflow.Node, error) {
	table := func(name string) (*dataflow.Node, bool) {
		t, ok := e.tables[strings.ToLower(name)]
		if !ok {
			return nil, false
		}
		return t.Node, true
	}
	low, err := lower.Query(e.graph, table, home, q)
	if err != nil {
		return nil, nil, err
	}
	e.startTemporal(low.Created)
	rnode := low.Reader
	if low.NewReader && upquery.IsPartial(rnode) {
		upquery.SetUps(rnode)
		var target *upquery.Target
		if rnode.Op.(*operators.Reader).IntervalHoles() {
			target, err = e.upquery.NewRangeTarget(ctx, rnode, q.RangeCol())
		} else {
			target, err = e.upquery.NewTarget(ctx, rnode, q.KeyCols)
		}
		if err != nil {
			low.Undo(e.graph)
			return nil, nil, err
		}
		e.fillers[rnode] = target
		e.evictor.Track(rnode)
	}
	e.graph.Retain(rnode)
	for _, n := range low.Created {
		if _, ok := n.Op.(dataflow.PartialState); ok && upquery.IsPartial(n) {
			upquery.SetUps(n)
			e.evictor.Track(n)
		}
	}
	e.viewSeq++
	v := &View{e: e, name: name, query: q, node: rnode, reader: rnode.Op.(*operators.Reader),
		filler: e.fillers[rnode], domain: e.rt.Domains[rnode.Domain], width: len(q.Cols),
		created: e.evictor.Now(), seq: e.viewSeq, ownReader: low.NewReader}
	return v, low.Created, nil
}

// account adds a new view and the nodes its link created to the graph's memory (see
// View.graphBytes). The caller is inside changeGraph.
func (e *Engine) account(v *View, created []*dataflow.Node) {
	v.overhead = eviction.ViewBytes(v.query.Text)
	v.graphBytes = v.overhead
	for _, n := range created {
		v.graphBytes += eviction.NodeBytes(n)
		if eviction.HoldsFullState(n) {
			v.full = append(v.full, n)
		}
	}
	e.graphBytes.Add(v.graphBytes)
	if v.name == "" {
		e.adhocBytes.Add(v.graphBytes)
		if len(v.full) > 0 {
			e.fullMu.Lock()
			e.fullShapes[v] = struct{}{}
			e.fullMu.Unlock()
		}
	}
}
