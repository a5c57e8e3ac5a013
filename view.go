package weir

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/planner"
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
	// path fills the keys of a partial reader: from the base table through the stateless
	// operators above it. nil for a full reader.
	path *dataflow.Replay
	// hits and misses count keys found with rows and keys found empty. Striped counters:
	// reads on many cores must not contend on one cache line.
	hits, misses stripedCounter
	// upqueries counts the fills this view sent; fillNanos and fillsTimed add up the
	// latency, from upquery to filled, of those a reader waited for.
	upqueries, fillNanos, fillsTimed atomic.Int64
	// rowOrder orders merged rows of several lookups (Query.Order).
	width int
}

// Rows is the result of a read: column descriptions and rows of values. Rows may share
// memory with the view: treat them as read-only.
type Rows struct {
	cols  []Column
	rows  []dataflow.Row
	one   dataflow.Row // a single row, when rows is empty
	width int
}

// Columns describes the result columns.
func (r Rows) Columns() []Column { return r.cols }

// Len is the number of rows.
func (r Rows) Len() int {
	if r.one != nil {
		return 1
	}
	return len(r.rows)
}

// Row returns row i's values, one per column. The slice must not be modified.
func (r Rows) Row(i int) []Value {
	if r.one != nil {
		if i != 0 {
			panic(fmt.Sprintf("weir: row %d of a 1-row result", i))
		}
		return r.one[:r.width:r.width]
	}
	return r.rows[i][:r.width:r.width]
}

// Register compiles a SELECT into the dataflow and names it. `?` placeholders become the
// view's parameters (see View.Lookup); literals compared with columns in the WHERE clause are
// parameters too, fixed to their values, so queries that differ only in such literals share
// one reader. Registering a name again with the same query returns the existing view.
func (e *Engine) Register(ctx context.Context, name, sql string) (*View, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("weir: a view needs a name")
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
		if old.query.Text == q.Text && sameLookups(old.query, q) {
			return old, nil
		}
		return nil, fmt.Errorf("weir: view %q is already registered with a different query", name)
	}
	v, err := e.install(ctx, q, name)
	if err != nil {
		return nil, err
	}
	v.sql = sql
	if err := e.persistView(name, sql); err != nil {
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

func sameLookups(a, b *planner.Query) bool {
	if len(a.Lookups) != len(b.Lookups) {
		return false
	}
	for i := range a.Lookups {
		if len(a.Lookups[i]) != len(b.Lookups[i]) {
			return false
		}
		for j, ka := range a.Lookups[i] {
			kb := b.Lookups[i][j]
			if ka.Param != kb.Param || (ka.Param < 0 && !dataflow.Identical(ka.Literal, kb.Literal)) {
				return false
			}
		}
	}
	return true
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
	e.ddl.Lock()
	defer e.ddl.Unlock()
	resume, err := e.quiesce(ctx)
	if err != nil {
		return err
	}
	defer resume()
	e.mu.Lock()
	defer e.mu.Unlock()
	key := strings.ToLower(name)
	v, ok := e.views[key]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoSuchView, name)
	}
	if err := e.persistDropView(v.name); err != nil {
		return err
	}
	delete(e.views, key)
	e.dropViewLocked(v)
	return nil
}

// dropViewLocked releases a view's nodes. The caller holds the gate exclusively and e.mu.
func (e *Engine) dropViewLocked(v *View) {
	if v.dropped.CompareAndSwap(false, true) {
		for _, n := range e.graph.Release(v.node) {
			delete(e.paths, n)
			delete(e.partials, n)
			e.releaseAll(n)
		}
	}
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
	shape := q.Text
	e.mu.RLock()
	v, ok := e.shapes[shape]
	e.mu.RUnlock()
	if !ok {
		var err error
		if v, err = e.install(ctx, q, ""); err != nil {
			return Rows{}, err
		}
		e.mu.Lock()
		if prev, ok := e.shapes[shape]; ok {
			v = prev
		} else {
			e.shapes[shape] = v
		}
		e.mu.Unlock()
	}
	// The shared view has the shape's first literals; this query's own literals fill the
	// key through its own lookup plan.
	return v.lookupWith(ctx, q, Token(e.lastToken.Load()), args)
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

// install lowers a planned query into the graph, reusing nodes that compute the same thing.
//
// Writes pause only while the nodes are linked in and their inputs are snapshotted (the
// rows of the base tables and existing states they read from: copies of row references).
// New full nodes are then backfilled from that snapshot outside the domains while writes go
// on: the deltas that reach them meanwhile are queued (dataflow.Node.StartBackfill) and
// applied after, in order, so no write is missed or counted twice. Partial nodes need no
// backfill: they start as holes.
func (e *Engine) install(ctx context.Context, q *planner.Query, name string) (*View, error) {
	e.ddl.Lock()
	defer e.ddl.Unlock()
	resume, err := e.quiesce(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	v, fill, err := e.link(q, name)
	e.mu.Unlock()
	resume()
	if err != nil {
		return nil, err
	}
	if err := fill.run(); err != nil {
		return nil, err
	}
	return v, nil
}

// link adds a query's nodes to the graph and snapshots what their backfill reads. The
// caller holds the gate exclusively and e.mu.
func (e *Engine) link(q *planner.Query, name string) (*View, *backfill, error) {
	e.queries++
	l := lowering{e: e, home: 1 + (e.queries-1)%(len(e.rt.Domains)-1), pp: planPartial(q),
		nodes: map[planner.Plan]*dataflow.Node{}}
	root, err := l.lower(q.Root)
	if err != nil {
		l.undo()
		return nil, nil, err
	}
	readerSig := fmt.Sprintf("reader(%v,%v)<-n%d", q.KeyCols, q.Order, root.ID)
	rnode, ok := e.graph.Lookup(readerSig)
	if !ok {
		reader := operators.NewReader(q.KeyCols, q.Order)
		if l.pp != nil { // a new reader whose key traces to states that can fill it
			reader.SetPartial()
		}
		rnode = &dataflow.Node{Op: reader, Parents: []*dataflow.Node{root},
			Domain: max(l.home, root.Domain), Cols: q.Root.Columns(), Signature: readerSig}
		if err := e.graph.Add(rnode); err != nil {
			l.undo()
			return nil, nil, err
		}
		l.created = append(l.created, rnode)
		if reader.Partial() {
			setUps(rnode)
			e.paths[rnode] = l.replayTree(q, rnode, func(key dataflow.Row, rows dataflow.Batch) bool {
				present := reader.Fill(key, rows)
				<-e.upqueries
				e.filled()
				return present
			})
			if l.err != nil { // a domain failed
				delete(e.paths, rnode)
				l.undo()
				return nil, nil, l.err
			}
		}
	}
	e.graph.Retain(rnode)
	reader := rnode.Op.(*operators.Reader)
	l.markBackfill()
	for _, n := range l.created {
		if ps, ok := n.Op.(dataflow.PartialState); ok && ps.Partial() {
			setUps(n)
			e.partials[n] = ps
		}
	}
	v := &View{e: e, name: name, query: q, node: rnode, reader: reader, path: e.paths[rnode],
		domain: e.rt.Domains[rnode.Domain], width: len(q.Cols)}
	return v, l.snapshot(), nil
}

// lowering turns plan nodes into graph nodes.
type lowering struct {
	e       *Engine
	home    int
	created []*dataflow.Node
	pp      *partialPlan                    // nil: every node full
	nodes   map[planner.Plan]*dataflow.Node // the node each plan node became
	err     error                           // a failure while building replay paths
}

func (l *lowering) lower(p planner.Plan) (*dataflow.Node, error) {
	if s, ok := p.(*planner.Scan); ok {
		t, ok := l.e.tables[strings.ToLower(s.Table)]
		if !ok {
			return nil, errNoSuchTable(s.Table)
		}
		l.nodes[p] = t.node
		return t.node, nil
	}
	var parents []*dataflow.Node
	for _, in := range p.Inputs() {
		n, err := l.lower(in)
		if err != nil {
			return nil, err
		}
		parents = append(parents, n)
	}
	var op dataflow.Operator
	var desc string
	switch p := p.(type) {
	case *planner.Filter:
		op, desc = operators.NewFilter(p.Pred), "filter("+p.Pred.String()+")"
	case *planner.Project:
		if isIdentity(p.Exprs, len(p.Input.Columns())) {
			l.nodes[p] = parents[0]
			return parents[0], nil
		}
		op, desc = operators.NewProject(p.Exprs), "project("+exprList(p.Exprs)+")"
	case *planner.Join:
		kind := operators.JoinInner
		if p.Kind == planner.LeftJoin {
			kind = operators.JoinLeft
		}
		lw, rw := len(p.Left.Columns()), len(p.Right.Columns())
		op = operators.NewJoin(kind, p.LeftKeys, p.RightKeys, lw, rw)
		desc = fmt.Sprintf("join(%d,%v,%v,%d,%d)", p.Kind, p.LeftKeys, p.RightKeys, lw, rw)
	case *planner.Aggregate:
		op, desc = operators.NewAggregate(p.GroupBy, p.Aggs), fmt.Sprintf("agg(%v,%+v)", p.GroupBy, p.Aggs)
	case *planner.Distinct:
		op, desc = operators.NewDistinct(), "distinct"
	case *planner.TopK:
		op = operators.NewTopK(p.GroupBy, p.Order, p.Limit, p.Offset)
		desc = fmt.Sprintf("topk(%v,%v,%d,%d)", p.GroupBy, p.Order, p.Limit, p.Offset)
	case *planner.Union:
		op, desc = operators.NewUnion(len(p.Ins)), "union"
	default:
		return nil, newError(ErrCodeUnsupported, "42000", fmt.Sprintf("plan node %T cannot be lowered", p))
	}
	if l.pp != nil {
		if _, ok := l.pp.keyed[p]; ok {
			switch op := op.(type) {
			case *operators.Aggregate:
				op.SetPartial()
			case *operators.TopK:
				op.SetPartial()
			case *operators.Join:
				op.SetPartial()
			}
			desc += " partial"
		}
	}
	sig := desc + "<-"
	dom := l.home
	for i, pn := range parents {
		if i > 0 {
			sig += ","
		}
		sig += fmt.Sprintf("n%d", pn.ID)
		dom = max(dom, pn.Domain)
	}
	if n, ok := l.e.graph.Lookup(sig); ok {
		l.nodes[p] = n
		return n, nil
	}
	n := &dataflow.Node{Op: op, Parents: parents, Domain: dom, Cols: p.Columns(), Signature: sig}
	if err := l.e.graph.Add(n); err != nil {
		return nil, err
	}
	l.created = append(l.created, n)
	l.nodes[p] = n
	return n, nil
}

// isIdentity reports whether a projection passes its input through unchanged.
func isIdentity(es []expr.Expr, width int) bool {
	if len(es) != width {
		return false
	}
	for i, e := range es {
		if c, ok := expr.Index(e); !ok || c != i {
			return false
		}
	}
	return true
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// undo removes the nodes a failed lowering added.
func (l *lowering) undo() {
	for i := len(l.created) - 1; i >= 0; i-- {
		l.e.graph.RemoveUnused(l.created[i])
	}
	l.created = nil
}

// backfill computes the initial state of a registration's new full nodes.
type backfill struct {
	e     *Engine
	nodes []*dataflow.Node                  // new full nodes, parents first
	snap  map[*dataflow.Node][]dataflow.Row // existing inputs' outputs when the nodes were linked
}

// markBackfill makes the new nodes that need an initial state queue their deltas (see
// dataflow.Node.StartBackfill): full stateful nodes, and stateless ones that feed such a
// node. A stateless node that feeds only partial nodes needs nothing: they start as holes,
// and snapshotting its inputs would copy whole tables for no use. Writes are stopped, so no
// delta reaches the nodes before they are marked.
func (l *lowering) markBackfill() {
	created := map[*dataflow.Node]bool{}
	for _, n := range l.created {
		created[n] = true
	}
	// l.created lists parents before children: walk it backwards so children are decided
	// first.
	for i := len(l.created) - 1; i >= 0; i-- {
		n := l.created[i]
		if isPartial(n) {
			continue
		}
		need := true
		switch n.Op.(type) {
		case *operators.Filter, *operators.Project, *operators.Union:
			need = false
			for _, c := range n.Children {
				if created[c.Child] && c.Child.Backfilling() {
					need = true
				}
			}
		}
		if need {
			n.StartBackfill()
		}
	}
}

// snapshot records, while writes are stopped, the current output of every existing node a
// new full node reads from. The new nodes are already queueing deltas (markBackfill), so the snapshot and the queues together hold every change exactly once.
func (l *lowering) snapshot() *backfill {
	b := &backfill{e: l.e, snap: map[*dataflow.Node][]dataflow.Row{}}
	for _, n := range l.created {
		if !n.Backfilling() {
			continue
		}
		b.nodes = append(b.nodes, n)
		for _, p := range n.Parents {
			if !p.Backfilling() {
				b.output(p)
			}
		}
	}
	return b
}

// output is a node's output, computed once: an existing node's as of the snapshot, a new
// node's once it is complete (a stateless one derives it from its parents' outputs).
func (b *backfill) output(n *dataflow.Node) []dataflow.Row {
	if rows, ok := b.snap[n]; ok {
		return rows
	}
	rows := n.Op.Snapshot(func(i int) []dataflow.Row { return b.output(n.Parents[i]) })
	b.snap[n] = rows
	return rows
}

// run gives every new full node the state it would have had if it had existed from the
// start, then has each node's domain apply the deltas it queued meanwhile. Nodes are visited
// parents first, so a new stateful parent is complete when its child reads its output; and
// a parent's queued deltas reach its children (queued too, or applied if they are done)
// before theirs are drained, in edge order.
func (b *backfill) run() error {
	for _, n := range b.nodes {
		for i, p := range n.Parents {
			rows := b.output(p)
			if len(rows) == 0 {
				continue
			}
			batch := make(dataflow.Batch, len(rows))
			for j, r := range rows {
				batch[j] = dataflow.Record{Row: r}
			}
			n.Op.Process(i, batch)
		}
	}
	if b.e.backfilled != nil {
		b.e.backfilled()
	}
	for _, n := range b.nodes {
		d := b.e.rt.Domains[n.Domain]
		if err := d.Call(context.Background(), func() { d.EndBackfill(n) }); err != nil {
			return err
		}
	}
	return nil
}

// Name is the view's registered name ("" for an ad-hoc query's view).
func (v *View) Name() string { return v.name }

// Columns describes the result columns.
func (v *View) Columns() []Column { return v.query.Cols }

// NumParams is the number of arguments Lookup takes.
func (v *View) NumParams() int { return v.query.NumParams }

// Plan is the compiled query.
func (v *View) Plan() *planner.Query { return v.query }

// Lookup reads the view's current result for the given parameters. It does not wait for
// writes in flight; use LookupAfter to read your own writes.
func (v *View) Lookup(ctx context.Context, args ...any) (Rows, error) {
	return v.lookupWith(ctx, v.query, 0, args)
}

// LookupAfter reads the view once every write up to tok is visible in it, waiting at most
// the engine's ReadTimeout (or the context's deadline).
func (v *View) LookupAfter(ctx context.Context, tok Token, args ...any) (Rows, error) {
	return v.lookupWith(ctx, v.query, tok, args)
}

func (v *View) lookupWith(ctx context.Context, q *planner.Query, tok Token, args []any) (Rows, error) {
	var argv [8]Value
	vals, err := goArgs(argv[:0], args)
	if err != nil {
		return Rows{}, err
	}
	return v.read(ctx, q, tok, vals)
}

// LookupValues is Lookup for arguments that are already Values: the read allocates nothing
// (the result shares the view's rows). tok, when not zero, makes the read wait for that write
// as LookupAfter does.
func (v *View) LookupValues(ctx context.Context, tok Token, args ...Value) (Rows, error) {
	if len(args) <= 8 {
		var argv [8]Value
		return v.read(ctx, v.query, tok, append(argv[:0], args...))
	}
	return v.read(ctx, v.query, tok, append([]Value(nil), args...))
}

// goArgs converts a read's Go arguments to Values, appending to vals.
func goArgs(vals []Value, args []any) ([]Value, error) {
	for i, a := range args {
		val, err := dataflow.FromGo(a)
		if err != nil {
			return nil, fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		vals = append(vals, val)
	}
	return vals, nil
}

// lookupKey is the key row of one lookup: its literals and the caller's arguments.
func lookupKey(lookup []planner.KeySource, vals []Value) dataflow.Row {
	key := make(dataflow.Row, len(lookup))
	for i, ks := range lookup {
		key[i] = ks.Literal
		if ks.Param >= 0 {
			key[i] = vals[ks.Param]
		}
	}
	return key
}

// prepareArgs checks the argument count and converts each argument, in place, to the form
// its key column compares in.
func prepareArgs(q *planner.Query, vals []Value) error {
	if len(vals) != q.NumParams {
		return newError(ErrCodeWrongArguments, "HY000",
			fmt.Sprintf("query has %d parameters but %d arguments were given", q.NumParams, len(vals)))
	}
	for i := range vals {
		kv, err := keyValue(vals[i], q.ParamTypes[i])
		if err != nil {
			return fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		vals[i] = kv
	}
	return nil
}

// Evict turns the keys a read with args would look up into holes of the view's partial
// reader, as memory pressure does: the next read fills them again. The partial states above
// give the keys up too when no other reader holds them. It does nothing for a view whose
// reader is full.
func (v *View) Evict(ctx context.Context, args ...any) error {
	vals, err := goArgs(nil, args)
	if err != nil {
		return err
	}
	q := v.query
	if err := prepareArgs(q, vals); err != nil {
		return err
	}
	if !v.reader.Partial() {
		return nil
	}
	for _, lookup := range q.Lookups {
		key := lookupKey(lookup, vals)
		if slices.ContainsFunc(key, Value.IsNull) {
			continue
		}
		enc, _, _ := operators.EncodeKey(nil, key)
		err := v.domain.Call(ctx, func() {
			if v.reader.EvictKey(string(enc)) {
				v.domain.ReleaseUpstream(v.node, string(enc))
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// TryLookup reads the view without waiting for a fill: when a key the read needs is a hole
// of a partial reader, it starts the fill and reports ok = false instead of waiting, so a
// caller can serve something else (or come back) and never blocks on a cold key.
func (v *View) TryLookup(ctx context.Context, args ...any) (rows Rows, ok bool, err error) {
	var argv [8]Value
	vals, err := goArgs(argv[:0], args)
	if err != nil {
		return Rows{}, false, err
	}
	if v.dropped.Load() {
		return Rows{}, false, fmt.Errorf("%w: %s (dropped)", ErrNoSuchView, v.name)
	}
	q := v.query
	if err := prepareArgs(q, vals); err != nil {
		return Rows{}, false, err
	}
	ready := true
	for _, lookup := range q.Lookups {
		if _, found, _ := v.get(lookup, vals); !found {
			ready = false
			if err := v.startFill(lookup, vals); err != nil {
				return Rows{}, false, err
			}
		}
	}
	if !ready {
		v.misses.inc()
		return Rows{}, false, nil
	}
	rows, err = v.serve(ctx, q, vals)
	return rows, err == nil, err
}

// startFill sends the upquery for a hole unless one is already under way or every fill slot
// is busy (then a later read tries again); it never blocks.
func (v *View) startFill(lookup []planner.KeySource, vals []Value) error {
	key := lookupKey(lookup, vals)
	enc, _, _ := operators.EncodeKey(nil, key)
	if _, first := v.reader.AwaitFill(string(enc)); first {
		select {
		case v.e.upqueries <- struct{}{}:
		default:
			// Every fill slot is busy: leave this key for a later read rather than block.
			v.reader.CancelFill(string(enc))
			return nil
		}
		if err := v.e.rt.Upquery(v.path, key); err != nil {
			<-v.e.upqueries
			v.reader.CancelFill(string(enc))
			return err
		}
		v.upqueries.Add(1)
	}
	return nil
}

// read serves one read; it converts vals in place to the key columns' forms.
func (v *View) read(ctx context.Context, q *planner.Query, tok Token, vals []Value) (Rows, error) {
	if v.dropped.Load() {
		return Rows{}, fmt.Errorf("%w: %s (dropped)", ErrNoSuchView, v.name)
	}
	if err := prepareArgs(q, vals); err != nil {
		return Rows{}, err
	}
	if tok > 0 && v.domain.Progress() < uint64(tok) {
		deadline := time.Now().Add(v.e.opts.ReadTimeout)
		if err := v.domain.WaitProgress(ctx, uint64(tok), deadline); err != nil {
			return Rows{}, err
		}
	}
	return v.serve(ctx, q, vals)
}

// serve answers a read whose arguments are prepared: one lookup, or several merged.
func (v *View) serve(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	if len(q.Lookups) <= 1 {
		var lookup []planner.KeySource
		if len(q.Lookups) == 1 {
			lookup = q.Lookups[0]
		}
		e, err := v.fetch(ctx, lookup, vals)
		if err != nil {
			return Rows{}, err
		}
		if e.Len() == 0 && q.EmptyRow != nil {
			return Rows{cols: q.Cols, rows: v.emptyRow(q, lookup, vals), width: v.width}, nil
		}
		return Rows{cols: q.Cols, rows: e.Rows, one: e.One, width: v.width}, nil
	}
	return v.merge(ctx, q, vals)
}

// get reads one key. ok is false when a key component is NULL: `col = NULL` matches nothing.
// get reads one key. found is false for a hole of a partial reader; a NULL component matches
// nothing (`col = NULL`), which is found and empty.
// For a partial reader, hash is the key's hash for counting reads (see Engine.countRead).
func (v *View) get(lookup []planner.KeySource, vals []Value) (e operators.ReaderEntry, found bool, hash uint64) {
	if len(lookup) == 1 {
		kv := lookup[0].Literal
		if lookup[0].Param >= 0 {
			kv = vals[lookup[0].Param]
		}
		if kv.IsNull() {
			return operators.ReaderEntry{}, true, 0
		}
		if k, ok := dataflow.IntKey(kv); ok {
			e, found := v.reader.GetInt(k)
			if !v.reader.Partial() {
				return e, true, 0
			}
			return e, found, v.reader.HashInt(k)
		}
	}
	var buf [64]byte
	key := buf[:0]
	for _, ks := range lookup {
		kv := ks.Literal
		if ks.Param >= 0 {
			kv = vals[ks.Param]
		}
		if kv.IsNull() {
			return operators.ReaderEntry{}, true, 0
		}
		key = dataflow.AppendKey(key, kv)
	}
	var k string
	if len(key) > 0 {
		k = unsafe.String(&key[0], len(key))
	}
	e, found = v.reader.Get(k)
	if !v.reader.Partial() {
		return e, true, 0
	}
	return e, found, v.reader.HashKey(k)
}

// fetch reads one key, filling it first when it is a hole: the fill is an upquery to the
// base domain whose rows travel to the reader on the same edges as updates. Concurrent
// misses on one key share one fill. It waits at most the read timeout; it never returns a
// partial result.
func (v *View) fetch(ctx context.Context, lookup []planner.KeySource, vals []Value) (operators.ReaderEntry, error) {
	e, found, hash := v.get(lookup, vals)
	if v.reader.Partial() && v.e.opts.MemoryLimit > 0 { // counts only matter for eviction
		v.e.countRead(hash)
	}
	if found {
		v.hits.inc()
		return e, nil
	}
	v.misses.inc()
	key := lookupKey(lookup, vals)
	enc, _, _ := operators.EncodeKey(nil, key)
	timer := time.NewTimer(v.e.opts.ReadTimeout)
	defer timer.Stop()
	source := v.e.rt.Domains[v.path.Leaves[0].Source.Domain]
	for {
		if v.dropped.Load() {
			return e, fmt.Errorf("%w: %s (dropped)", ErrNoSuchView, v.name)
		}
		done, first := v.reader.AwaitFill(string(enc))
		var sent time.Time
		if first {
			if err := v.e.upquery(ctx, v.path, key); err != nil {
				v.reader.CancelFill(string(enc))
				return e, err
			}
			v.upqueries.Add(1)
			sent = time.Now()
		}
		select {
		case <-done:
			if first {
				v.fillNanos.Add(int64(time.Since(sent)))
				v.fillsTimed.Add(1)
			}
		case <-ctx.Done():
			return e, ctx.Err()
		case <-timer.C:
			return e, fmt.Errorf("%w: fill of a missing key did not complete", dataflow.ErrReadTimeout)
		case <-source.Dead():
			return e, source.Err()
		case <-v.domain.Dead():
			return e, v.domain.Err()
		}
		if e, found, _ = v.get(lookup, vals); found {
			return e, nil
		}
		// Filled, then emptied (and so dropped) by later deletes before we looked: fill again.
	}
}

func (v *View) emptyRow(q *planner.Query, lookup []planner.KeySource, vals []Value) []dataflow.Row {
	if row, ok := q.EmptyRow(lookupKey(lookup, vals)); ok {
		return []dataflow.Row{row}
	}
	return nil
}

// merge combines several point lookups (`col IN (?, ?)`): each distinct key once, then the
// query's DISTINCT, ORDER BY and LIMIT over the union.
func (v *View) merge(ctx context.Context, q *planner.Query, vals []Value) (Rows, error) {
	var out []dataflow.Row
	seen := map[string]bool{}
	for _, lookup := range q.Lookups {
		var kb []byte
		null := false
		for _, ks := range lookup {
			kv := ks.Literal
			if ks.Param >= 0 {
				kv = vals[ks.Param]
			}
			null = null || kv.IsNull()
			kb = dataflow.AppendKey(kb, kv)
		}
		if null && q.EmptyRow == nil {
			continue
		}
		if seen[string(kb)] {
			continue
		}
		seen[string(kb)] = true
		e, err := v.fetch(ctx, lookup, vals)
		if err != nil {
			return Rows{}, err
		}
		rows := e.All()
		if len(rows) == 0 && q.EmptyRow != nil {
			rows = v.emptyRow(q, lookup, vals)
		}
		out = append(out, rows...)
	}
	if q.Distinct {
		visible := make([]int, v.width)
		for i := range visible {
			visible[i] = i
		}
		uniq := out[:0:0]
		have := map[string]bool{}
		for _, r := range out {
			k := string(dataflow.AppendRowKey(nil, r, visible))
			if !have[k] {
				have[k] = true
				uniq = append(uniq, r)
			}
		}
		out = uniq
	}
	if len(q.Order) > 0 {
		slices.SortStableFunc(out, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, q.Order) })
	}
	if q.Offset > 0 {
		if q.Offset >= len(out) {
			out = nil
		} else {
			out = out[q.Offset:]
		}
	}
	if q.Limit >= 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return Rows{cols: q.Cols, rows: out, width: v.width}, nil
}

// keyValue converts a lookup argument to the form it is compared in against the key column:
// text against a number is read as a number, text against a date as a date or datetime.
// Numbers keep their exact value (the key encoding compares them across kinds), so 1.5 never
// matches an integer column. A number against a text column is refused: MySQL compares those
// as numbers, which matches many strings ('abc' = 0) and cannot be answered by one lookup.
func keyValue(v Value, t dataflow.Type) (Value, error) {
	if v.IsNull() {
		return v, nil
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
		if v.Kind() == dataflow.KindString {
			if c, s, ok := dataflow.ParseDecimal(v.RawString()); ok {
				return dataflow.Decimal(c, s), nil
			}
			f, _ := v.ToFloat()
			return dataflow.Float(f), nil
		}
	case dataflow.KindString:
		if v.IsNumeric() {
			return v, newError(ErrCodeWrongArguments, "HY000",
				fmt.Sprintf("a number (%s) cannot be looked up in text column; pass it as a string", v.ToText()))
		}
		if v.Kind() != dataflow.KindString {
			return dataflow.String(v.ToText()), nil
		}
	case dataflow.KindDate, dataflow.KindDatetime:
		if v.Kind() == dataflow.KindString {
			tv, err := expr.Convert(v, datetime6, false)
			if err != nil || tv.IsNull() {
				// Not a date: MySQL's comparison is false for every row.
				return dataflow.Null, nil
			}
			return tv, nil
		}
	}
	return v, nil
}

var datetime6 = dataflow.Type{Kind: dataflow.KindDatetime, Scale: 6, SQL: "DATETIME(6)", Nullable: true}

// WaitFor blocks until every view reflects every write up to tok, or ctx ends.
func (e *Engine) WaitFor(ctx context.Context, tok Token) error {
	for _, d := range e.rt.Domains {
		if err := d.WaitProgress(ctx, uint64(tok), time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// ViewStats describes a view's reader and the reads it served.
type ViewStats struct {
	Name  string // "" for the view of an ad-hoc query shape
	Query string // normalized SQL text
	// Keys is the number of keys with rows in the reader; Bytes approximates the memory
	// those rows hold. Views of one query shape share a reader and report the same figures.
	Keys  int
	Bytes int64
	// Hits counts key lookups served from the reader (rows or a known-empty key); Misses
	// those that found a hole and had to fill it by an upquery (partial readers only).
	Hits, Misses int64
	// Upqueries counts the fills sent (misses on a key already being filled share one);
	// FillLatency is the mean time from upquery to filled key of those a read waited for.
	Upqueries   int64
	FillLatency time.Duration
	// Evictions counts the keys evicted from the reader.
	Evictions int64
}

// Stats reports the view's size and read counters.
func (v *View) Stats() ViewStats {
	st := ViewStats{Name: v.name, Query: v.query.Text, Keys: v.reader.Keys(), Bytes: v.reader.Bytes(),
		Hits: v.hits.value(), Misses: v.misses.value(), Upqueries: v.upqueries.Load(),
		Evictions: v.reader.Evictions()}
	if n := v.fillsTimed.Load(); n > 0 {
		st.FillLatency = time.Duration(v.fillNanos.Load() / n)
	}
	return st
}

// StateStats describes one partial operator state inside the graph.
type StateStats struct {
	Node  string // the operator, e.g. "agg[$0](count(*))"
	Keys  int    // present keys
	Bytes int64  // approximate memory of the present keys
}

// States reports the partial operator states (readers are in Stats): what each holds, which
// MemoryLimit bounds together with the readers.
func (e *Engine) States(ctx context.Context) ([]StateStats, error) {
	e.mu.RLock()
	nodes := make([]*dataflow.Node, 0, len(e.partials))
	for n := range e.partials {
		nodes = append(nodes, n)
	}
	e.mu.RUnlock()
	slices.SortFunc(nodes, func(a, b *dataflow.Node) int { return int(a.ID - b.ID) })
	out := make([]StateStats, len(nodes))
	for i, n := range nodes {
		ps := n.Op.(dataflow.PartialState)
		out[i] = StateStats{Node: n.Op.Describe(), Bytes: ps.StateBytes()}
		keys := 0
		if err := e.rt.Domains[n.Domain].Call(ctx, func() { ps.PresentKeys(func(string) { keys++ }) }); err != nil {
			return nil, err
		}
		out[i].Keys = keys
	}
	return out, nil
}

// Stats reports every view: the named ones, then the views of ad-hoc query shapes.
func (e *Engine) Stats() []ViewStats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []ViewStats
	for _, v := range e.views {
		out = append(out, v.Stats())
	}
	slices.SortFunc(out, func(a, b ViewStats) int { return strings.Compare(a.Name, b.Name) })
	for _, v := range e.shapes {
		out = append(out, v.Stats())
	}
	slices.SortStableFunc(out[len(e.views):], func(a, b ViewStats) int { return strings.Compare(a.Query, b.Query) })
	return out
}

// upquery sends a fill request, waiting for a free slot when MaxUpqueries are in flight; the
// slot is returned when the replay reaches the reader (every upquery ends in exactly one
// fill there, even an empty one).
func (e *Engine) upquery(ctx context.Context, path *dataflow.Replay, key dataflow.Row) error {
	select {
	case e.upqueries <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := e.rt.Upquery(path, key); err != nil {
		<-e.upqueries
		return err
	}
	return nil
}
