package weir

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
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
}

// Rows is the result of a read: column descriptions and rows of values. Rows may share
// memory with the view: treat them as read-only.
// one reader. Registering a name again with the same query returns the existing view.
func (e *Engine) Register(ctx context.Context, name, sql string) (*View, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, newError(ErrCodeWrongTableName, "42000", "Incorrect table name '': a view needs a name")
	}
	key := strings.ToLower(name)
	e.mu.RLock()
	old, exists := e.views[key]
	e.mu.RUnlock()
	q, err := e.planSelect(sql)
	if err != nil {
		return nil, err
	}
	if exists {
		if old.query.Text == q.Text && old.query.SameLookups(q) {
			return old, nil
		}
		return nil, newError(ErrCodeTableExists, "42S01", fmt.Sprintf("View '%s' is already registered with a different query", name))
	}
	v, err := e.install(ctx, q, name)
	if err != nil {
		return nil, err
	}
	v.sql = sql
	if err := e.persistCatalog(func(b *storage.Batch) { b.PutView(name, sql) }); err != nil {
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
// on the states above. The caller is inside changeGraph.
func (e *Engine) dropViewLocked(ctx context.Context, v *View) error {
	if !v.dropped.CompareAndSwap(false, true) {
		return nil
	}
	var firstErr error
	for _, n := range e.graph.Release(v.node) {
		delete(e.fillers, n)
		e.evictor.Untrack(n)
		if err := upquery.ReleaseAll(ctx, e.rt, n); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("weir: releasing the state of dropped view %q: %w", v.name, err)
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
func (e *Engine) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	if err := e.checkOpen(); err != nil {
		return Rows{}, err
	}
	q, err := e.planSelect(sql)
	if err != nil {
		return Rows{}, err
	}
	return e.queryPlanned(ctx, q, args)
}

// queryPlanned reads a planned SELECT through the view of its shape, installing the view
// the first time the shape is seen.
func (e *Engine) queryPlanned(ctx context.Context, q *planner.Query, args []any) (Rows, error) {
	v, err := e.shapeView(ctx, q)
	if err != nil {
		return Rows{}, err
	}
	// The shared view has the shape's first literals; this query's own literals fill the
	// key through its own lookup plan.
	return v.lookupWith(ctx, q, Token(e.lastToken.Load()), args)
}

// shapeView is the view of q's shape, installed now if it is the first of its shape.
func (e *Engine) shapeView(ctx context.Context, q *planner.Query) (*View, error) {
	shape := q.Text
	e.mu.RLock()
	v, ok := e.shapes[shape]
	e.mu.RUnlock()
	if !ok {
		var err error
		if v, err = e.install(ctx, q, ""); err != nil {
			return nil, err
		}
		e.mu.Lock()
		if prev, ok := e.shapes[shape]; ok {
			v = prev
		} else {
			e.shapes[shape] = v
		}
		e.mu.Unlock()
	}
	return v, nil
}

func (e *Engine) planSelect(sql string) (*planner.Query, error) {
	st, _, err := e.plan(sql)
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
// dataflow.Backfill).
func (e *Engine) install(ctx context.Context, q *planner.Query, name string) (*View, error) {
	var v *View
	var backfill *dataflow.Backfill
	err := e.changeGraph(ctx, func() (err error) {
		v, backfill, err = e.link(ctx, q, name)
		return err
	}, func() error {
		err := backfill.Run(ctx, e.rt)
		if err != nil && !errors.Is(err, dataflow.ErrDomainFailed) {
			// Stopped half way: take the new nodes, whose state is incomplete, out while
			// the schema lock keeps other registrations from sharing them.
			err = errors.Join(err, e.stopped(context.Background(), func() error { return e.dropViewLocked(context.Background(), v) }))
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
	rnode := low.Reader
	if low.NewReader && upquery.IsPartial(rnode) {
		upquery.SetUps(rnode)
		target, err := e.upquery.NewTarget(ctx, rnode, q.KeyCols)
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
	backfill := dataflow.NewBackfill(low.Created)
	backfill.Computed = e.backfilled
	v := &View{e: e, name: name, query: q, node: rnode, reader: rnode.Op.(*operators.Reader),
		filler: e.fillers[rnode], domain: e.rt.Domains[rnode.Domain], width: len(q.Cols)}
	return v, backfill, nil
}
