package scenario

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/datadriven"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/upquery"
)

// node is a node of the scenario's graph, under its scenario name.
type node struct {
	name    string
	kind    string
	n       *dataflow.Node
	parents []*node
	width   int
	domain  int
	linked  bool
	dropped bool // removed from the graph by drop
	// fresh builds a full copy of the operator, for recomputation (not for tables and
	// readers).
	fresh func() dataflow.Operator
	// lookup is the output columns by which a partial state's key is looked up
	// (dataflow.OutputIndex.LookupOutput).
	lookup []int
	// subKeyed: the state is partial by some of what it groups by
	// (dataflow.SubKeyedState), lookup's columns, and its rows at a key are those of its
	// output with that key.
	subKeyed bool

	base     *operators.Base
	cols     []string
	reader   *operators.Reader
	keyCols  []int
	target   *upquery.Target
	inflight map[string]bool // keys whose upquery this harness sent and that are not filled
	// rangeCol is a reader's range column (reader r … range=c), -1 for none; such a reader
	// without key columns keeps interval holes when a range upquery can fill them.
	rangeCol int
}

// outputCols returns, for each column of op's one parent in cols, the output column that
// copies it.
func outputCols(op dataflow.Operator, width int, cols []int) []int {
	out := make([]int, len(cols))
	for i, c := range cols {
		out[i] = -1
		for o := 0; o < width && out[i] < 0; o++ {
			if slices.Contains(op.Origins(o), dataflow.ColumnOrigin{Slot: 0, Col: c}) {
				out[i] = o
			}
		}
	}
	return out
}

// args reads a command's arguments.
type args struct{ td *datadriven.TestData }

func (a args) vals(k string) ([]string, bool) {
	for _, c := range a.td.CmdArgs {
		if c.Key == k {
			return c.Vals, true
		}
	}
	return nil, false
}

func (a args) has(k string) bool {
	_, ok := a.vals(k)
	return ok
}

func (a args) val(k string) (string, bool) {
	v, ok := a.vals(k)
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}

func (a args) need(k string) (string, error) {
	v, ok := a.val(k)
	if !ok {
		return "", fmt.Errorf("%s needs %s=...", a.td.Cmd, k)
	}
	return v, nil
}

func (a args) intOr(k string, def int) (int, error) {
	v, ok := a.val(k)
	if !ok {
		if a.has(k) {
			return 0, fmt.Errorf("%s needs one value", k)
		}
		return def, nil
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%s=%s: not an integer", k, v)
	}
	return i, nil
}

func (a args) ints(k string) ([]int, error) {
	vs, ok := a.vals(k)
	if !ok {
		return nil, fmt.Errorf("%s needs %s=(...)", a.td.Cmd, k)
	}
	out := []int{}
	for _, v := range vs {
		if strings.TrimSpace(v) == "" {
			continue // k=()
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("%s=%v: %q is not a column position", k, vs, v)
		}
		out = append(out, n)
	}
	return out, nil
}

func (a args) keyRow(k string) (dataflow.Row, error) {
	vs, ok := a.vals(k)
	if !ok || len(vs) == 0 {
		return nil, fmt.Errorf("%s needs %s=...", a.td.Cmd, k)
	}
	row := make(dataflow.Row, len(vs))
	for i, v := range vs {
		row[i] = parseValue(v)
	}
	return row, nil
}

// parseValue reads 5, -2, 1.5, 'text' or NULL.
func parseValue(s string) dataflow.Value {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "null"):
		return dataflow.Null
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return dataflow.String(s[1 : len(s)-1])
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return dataflow.Int(i)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return dataflow.Float(f)
	}
	return dataflow.String(s)
}

// parseDelta reads +1,2,3 or -1,2,3.
func parseDelta(s string, width int) (delta, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return delta{}, fmt.Errorf("row %q: write +v1,v2,... or -v1,v2,...", s)
	}
	parts := strings.Split(s[1:], ",")
	if len(parts) != width {
		return delta{}, fmt.Errorf("row %q has %d values, the table %d columns", s, len(parts), width)
	}
	row := make(dataflow.Row, len(parts))
	for i, p := range parts {
		row[i] = parseValue(p)
	}
	return delta{row: row, neg: s[0] == '-'}, nil
}

func (h *Harness) newName(a args) (string, error) {
	if len(a.td.CmdArgs) == 0 || len(a.td.CmdArgs[0].Vals) > 0 {
		return "", fmt.Errorf("%s needs a name first", a.td.Cmd)
	}
	name := a.td.CmdArgs[0].Key
	if _, dup := h.nodes[name]; dup {
		return "", fmt.Errorf("%q is already defined", name)
	}
	return name, nil
}

func (h *Harness) add(x *node) {
	h.nodes[x.name] = x
	h.order = append(h.order, x)
	h.byNode[x.n] = x
}

func intType() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt, Nullable: true} }

func (h *Harness) cmdTable(a args) (string, error) {
	name, err := h.newName(a)
	if err != nil {
		return "", err
	}
	cols, ok := a.vals("cols")
	if !ok || len(cols) == 0 {
		return "", fmt.Errorf("table needs cols=(...)")
	}
	var pk []int
	if keys, ok := a.vals("key"); ok {
		for _, k := range keys {
			i := slices.Index(cols, strings.TrimSpace(k))
			if i < 0 {
				if i, err = strconv.Atoi(strings.TrimSpace(k)); err != nil || i < 0 || i >= len(cols) {
					return "", fmt.Errorf("key column %q is not a column", k)
				}
			}
			pk = append(pk, i)
		}
	}
	base := operators.NewBase(name, len(cols), pk)
	dcols := make([]dataflow.Column, len(cols))
	for i, c := range cols {
		dcols[i] = dataflow.Column{Table: name, Name: c, Type: intType()}
	}
	n := &dataflow.Node{Op: base, Domain: 0, Cols: dcols, Signature: "base:" + name, Base: name}
	if err := h.graph.Add(n); err != nil {
		return "", err
	}
	h.add(&node{name: name, kind: "table", n: n, width: len(cols), linked: true, base: base, cols: cols})
	return "", nil
}

func (h *Harness) parent(name string) (*node, error) {
	p, ok := h.nodes[strings.TrimSpace(name)]
	if !ok {
		return nil, fmt.Errorf("no node %q", name)
	}
	if p.reader != nil {
		return nil, fmt.Errorf("%q is a reader: nothing reads from a reader", name)
	}
	if p.dropped {
		return nil, fmt.Errorf("%q was dropped: declare a new node", name)
	}
	return p, nil
}

var whereRe = regexp.MustCompile(`^\$(\d+)\s*(<=|>=|<>|!=|=|<|>)\s*(.+)$`)

func colsOf(width int) []dataflow.Column {
	out := make([]dataflow.Column, width)
	for i := range out {
		out[i] = dataflow.Column{Name: "c" + strconv.Itoa(i), Type: intType()}
	}
	return out
}

// cmdOperator builds an operator node, not linked until a reader uses it.
func (h *Harness) cmdOperator(a args) (string, error) {
	name, err := h.newName(a)
	if err != nil {
		return "", err
	}
	x := &node{name: name, kind: a.td.Cmd}
	var parents []string
	switch a.td.Cmd {
	case "join":
		l, err := a.need("left")
		if err != nil {
			return "", err
		}
		r, err := a.need("right")
		if err != nil {
			return "", err
		}
		parents = []string{l, r}
	case "union":
		vs, ok := a.vals("from")
		if !ok || len(vs) < 1 {
			return "", fmt.Errorf("union needs from=(x,y,...)")
		}
		parents = vs
	default:
		f, err := a.need("from")
		if err != nil {
			return "", err
		}
		parents = []string{f}
	}
	for _, pn := range parents {
		p, err := h.parent(pn)
		if err != nil {
			return "", err
		}
		x.parents = append(x.parents, p)
	}
	p0 := x.parents[0]
	switch a.td.Cmd {
	case "filter":
		w, err := a.need("where")
		if err != nil {
			return "", err
		}
		m := whereRe.FindStringSubmatch(strings.TrimSpace(w))
		if m == nil {
			return "", fmt.Errorf("where=(%s): write where=($col op value)", w)
		}
		col, _ := strconv.Atoi(m[1])
		if col >= p0.width {
			return "", fmt.Errorf("where: column %d past the %d columns of %s", col, p0.width, p0.name)
		}
		ops := map[string]expr.CmpOp{"=": expr.OpEQ, "<>": expr.OpNE, "!=": expr.OpNE, "<": expr.OpLT, "<=": expr.OpLE, ">": expr.OpGT, ">=": expr.OpGE}
		pred := expr.NewCompare(ops[m[2]], expr.NewCol(col, dataflow.Column{Name: "c" + m[1], Type: intType()}), expr.NewConst(parseValue(m[3])))
		x.fresh = func() dataflow.Operator { return operators.NewFilter(pred) }
		x.width = p0.width
	case "project":
		cols, err := a.ints("cols")
		if err != nil {
			return "", err
		}
		var es []expr.Expr
		for _, c := range cols {
			if c < 0 || c >= p0.width {
				return "", fmt.Errorf("project: column %d past the %d columns of %s", c, p0.width, p0.name)
			}
			es = append(es, expr.NewCol(c, dataflow.Column{Name: "c" + strconv.Itoa(c), Type: intType()}))
		}
		x.fresh = func() dataflow.Operator { return operators.NewProject(es) }
		x.width = len(cols)
	case "agg":
		group, err := a.ints("group")
		if err != nil {
			return "", err
		}
		var specs []operators.AggSpec
		for _, c := range a.td.CmdArgs[1:] {
			fn, ok := map[string]operators.AggFunc{"count": operators.AggCount, "sum": operators.AggSum,
				"avg": operators.AggAvg, "min": operators.AggMin, "max": operators.AggMax}[c.Key]
			if !ok {
				continue
			}
			if c.Key == "count" && len(c.Vals) == 0 {
				specs = append(specs, operators.AggSpec{Func: operators.AggCountStar})
				continue
			}
			if len(c.Vals) != 1 {
				return "", fmt.Errorf("%s needs one column: %s=2", c.Key, c.Key)
			}
			col, err := strconv.Atoi(c.Vals[0])
			if err != nil || col < 0 || col >= p0.width {
				return "", fmt.Errorf("%s=%s: not a column of %s", c.Key, c.Vals[0], p0.name)
			}
			s := operators.AggSpec{Func: fn, Arg: col}
			switch fn {
			case operators.AggSum:
				s.Type = operators.SumType(intType())
			case operators.AggAvg:
				s.Type = operators.AvgType(intType())
			case operators.AggCount:
				s.Type = intType()
			default:
				s.Type = intType()
			}
			specs = append(specs, s)
		}
		if len(specs) == 0 {
			return "", fmt.Errorf("agg needs at least one of count, count=, sum=, avg=, min=, max=")
		}
		x.fresh = func() dataflow.Operator { return operators.NewAggregate(group, specs) }
		x.width = len(group) + len(specs)
		x.lookup = seq(len(group))
	case "topk":
		group, err := a.ints("group")
		if err != nil {
			return "", err
		}
		ovals, ok := a.vals("order")
		if !ok {
			return "", fmt.Errorf("topk needs order=(col [desc], ...)")
		}
		var order []dataflow.SortKey
		for _, o := range ovals {
			f := strings.Fields(o)
			if len(f) == 0 || len(f) > 2 || (len(f) == 2 && f[1] != "desc" && f[1] != "asc") {
				return "", fmt.Errorf("order term %q: write col or col desc", o)
			}
			c, err := strconv.Atoi(f[0])
			if err != nil {
				return "", fmt.Errorf("order term %q: not a column position", o)
			}
			order = append(order, dataflow.SortKey{Col: c, Desc: len(f) == 2 && f[1] == "desc"})
		}
		limit, err := a.intOr("limit", -1)
		if err != nil {
			return "", err
		}
		offset, err := a.intOr("offset", 0)
		if err != nil {
			return "", err
		}
		x.fresh = func() dataflow.Operator { return operators.NewTopK(group, order, limit, offset) }
		x.width = p0.width
		x.lookup = slices.Clone(group)
	case "join":
		on, ok := a.vals("on")
		if !ok || len(on) == 0 {
			return "", fmt.Errorf("join needs on=(l=r, ...)")
		}
		var lk, rk []int
		for _, term := range on {
			l, r, ok := strings.Cut(term, "=")
			li, err1 := strconv.Atoi(strings.TrimSpace(l))
			ri, err2 := strconv.Atoi(strings.TrimSpace(r))
			if !ok || err1 != nil || err2 != nil {
				return "", fmt.Errorf("on term %q: write leftcol=rightcol", term)
			}
			lk, rk = append(lk, li), append(rk, ri)
		}
		kind := operators.JoinInner
		if a.has("outer") {
			kind = operators.JoinLeft
		}
		lw, rw := x.parents[0].width, x.parents[1].width
		x.fresh = func() dataflow.Operator { return operators.NewJoin(kind, lk, rk, lw, rw) }
		x.width = lw + rw
		x.lookup = slices.Clone(lk)
	case "union":
		for _, p := range x.parents {
			if p.width != p0.width {
				return "", fmt.Errorf("union: %s has %d columns, %s %d", p.name, p.width, p0.name, p0.width)
			}
		}
		k := len(x.parents)
		x.fresh = func() dataflow.Operator { return operators.NewUnion(k) }
		x.width = p0.width
	case "distinct":
		x.fresh = func() dataflow.Operator { return operators.NewDistinct() }
		x.width = p0.width
	}
	dom := min(1, h.domains-1)
	for _, p := range x.parents {
		dom = max(dom, p.domain)
	}
	if dom, err = a.intOr("domain", dom); err != nil {
		return "", err
	}
	if dom < 0 || dom >= h.domains {
		return "", fmt.Errorf("domain=%d: the runtime has domains 0..%d", dom, h.domains-1)
	}
	x.domain = dom
	ps := make([]*dataflow.Node, len(x.parents))
	for i, p := range x.parents {
		ps[i] = p.n
	}
	x.n = &dataflow.Node{Op: x.fresh(), Parents: ps, Cols: colsOf(x.width)}
	h.add(x)
	return "", nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// ancestors lists x and the nodes above it, parents first, each once.
func ancestors(x *node) []*node {
	seen := map[*node]bool{}
	var out []*node
	var visit func(*node)
	visit = func(y *node) {
		if seen[y] {
			return
		}
		seen[y] = true
		for _, p := range y.parents {
			visit(p)
		}
		out = append(out, y)
	}
	visit(x)
	return out
}

// cmdReader adds a reader the way the engine's registration does (see weir's link): plan
// the partial states, make them partial, link the new nodes, add the reader, build its fill
// target, set the holds and track the partial nodes.
func (h *Harness) cmdReader(a args) (string, error) {
	name, err := h.newName(a)
	if err != nil {
		return "", err
	}
	from, err := a.need("from")
	if err != nil {
		return "", err
	}
	root, err := h.parent(from)
	if err != nil {
		return "", err
	}
	var keyCols []int
	if !a.has("range") || a.has("key") {
		if keyCols, err = a.ints("key"); err != nil {
			return "", err
		}
	}
	for _, c := range keyCols {
		if c < 0 || c >= root.width {
			return "", fmt.Errorf("key column %d past the %d columns of %s", c, root.width, root.name)
		}
	}
	if h.pending() > 0 {
		return "", fmt.Errorf("the graph changes only while every mailbox is empty (the engine quiesces): settle first")
	}
	if h.wrote {
		return "", fmt.Errorf("declare readers before the first write: a base-table index built over existing rows lists them in map order, which would make traces nondeterministic")
	}
	above := ancestors(root)
	partial, keyed := upquery.Plan(root.n, keyCols)
	if a.has("full") {
		partial, keyed = nil, false
	}
	rangeCol, err := a.intOr("range", -1)
	if err != nil {
		return "", err
	}
	if rangeCol >= root.width {
		return "", fmt.Errorf("range column %d past the %d columns of %s", rangeCol, root.width, root.name)
	}
	// A reader whose only parameter is a range keeps interval holes, as the engine's
	// lowering decides (planner/lower): the states by intervals on the way keep them too.
	var ivStates []upquery.IntervalPartial
	rangeWhy := "no range column"
	if !keyed && len(keyCols) == 0 && rangeCol >= 0 && !a.has("full") {
		ivStates, rangeWhy = upquery.PlanRange(root.n, rangeCol)
	}
	want := map[*dataflow.Node]bool{}
	for _, p := range partial {
		want[p.Node] = true
	}
	for _, p := range ivStates {
		want[p.Node] = true
	}
	for _, y := range above {
		_, keyedState := y.n.Op.(dataflow.KeyedState)
		_, subKeyed := y.n.Op.(dataflow.SubKeyedState)
		if !(keyedState || subKeyed) || !y.linked {
			continue
		}
		if is := upquery.IsPartial(y.n); is != want[y.n] {
			return "", fmt.Errorf("%s is linked already with %s state, and this reader's plan wants it %s: the engine would build a new node (a different signature); declare a new one",
				y.name, partialWord(is), partialWord(want[y.n]))
		}
	}
	for _, p := range partial {
		if y := h.byNode[p.Node]; !y.linked {
			p.Apply()
			if p.By != nil {
				y.lookup, y.subKeyed = outputCols(p.Node.Op, y.width, p.By), true
			}
		}
	}
	for _, p := range ivStates {
		if y := h.byNode[p.Node]; !y.linked {
			p.Apply()
		} else {
			return "", fmt.Errorf("%s is linked already: a state by intervals serves one reader; declare a new one", y.name)
		}
	}
	var created []*node
	for _, y := range above {
		if y.linked {
			continue
		}
		y.n.Domain, y.n.Signature = y.domain, y.name
		if err := h.graph.Add(y.n); err != nil {
			return "", err
		}
		y.linked = true
		created = append(created, y)
	}
	dom := max(min(1, h.domains-1), root.domain)
	if dom, err = a.intOr("domain", dom); err != nil {
		return "", err
	}
	if dom < 0 || dom >= h.domains {
		return "", fmt.Errorf("domain=%d: the runtime has domains 0..%d", dom, h.domains-1)
	}
	reader := operators.NewReader(keyCols, nil)
	if rangeCol >= 0 {
		reader.SetRange(rangeCol)
	}
	switch {
	case keyed:
		reader.SetPartial()
	case rangeWhy == "":
		reader.SetIntervalHoles()
		for _, p := range ivStates {
			if p.Node.Domain != dom {
				return "", fmt.Errorf("%s is in d%d and the reader in d%d: a state by intervals shares its reader's domain", h.byNode[p.Node].name, p.Node.Domain, dom)
			}
			reader.AddIntervalState(p.Node.Op.(operators.IntervalState))
		}
	}
	r := &node{name: name, kind: "reader", parents: []*node{root}, width: root.width, domain: dom,
		reader: reader, keyCols: keyCols, inflight: map[string]bool{}, rangeCol: rangeCol}
	r.n = &dataflow.Node{Op: reader, Parents: []*dataflow.Node{root.n}, Domain: dom, Cols: colsOf(root.width), Signature: "reader:" + name}
	if err := h.graph.Add(r.n); err != nil {
		return "", err
	}
	r.linked = true
	h.graph.Retain(r.n) // as the engine's views do, so that drop can release it
	h.add(r)
	var lines []string
	if reader.Partial() {
		upquery.SetUps(r.n)
		var target *upquery.Target
		var terr error
		lines = h.blocking("building the replay of "+name, func() {
			if reader.IntervalHoles() {
				target, terr = h.client.NewRangeTarget(context.Background(), r.n, rangeCol)
			} else {
				target, terr = h.client.NewTarget(context.Background(), r.n, keyCols)
			}
		})
		if terr != nil {
			return strings.Join(lines, "\n"), terr
		}
		r.target = target
		rep := target.Replay()
		fill := rep.Fill
		rep.Fill = func(key dataflow.Row, rows dataflow.Batch) bool {
			redundant := fill(key, rows)
			delete(r.inflight, dataflow.EncodeKey(key))
			switch {
			case r.dropped:
				h.notes = append(h.notes, fmt.Sprintf("%s%s: the reader was dropped: the fill installs nothing and its holds go back", name, key))
			case redundant:
				h.notes = append(h.notes, fmt.Sprintf("%s%s: fill not needed (present already): its holds go back", name, key))
			}
			return redundant
		}
		h.ev.Track(r.n)
	}
	for _, y := range created {
		if _, ok := y.n.Op.(dataflow.PartialState); ok && upquery.IsPartial(y.n) {
			upquery.SetUps(y.n)
			h.ev.Track(y.n)
		}
	}
	// New full nodes get their initial state as the engine gives it (dataflow.Backfill):
	// computed from a snapshot of their inputs, then each node's domain applies the deltas
	// it queued meanwhile (a Call per node). The tables are empty when readers are
	// declared, so only an aggregate without groups has a row to give.
	nodes := make([]*dataflow.Node, 0, len(created)+1)
	for _, y := range created {
		nodes = append(nodes, y.n)
	}
	fill := dataflow.NewBackfill(append(nodes, r.n))
	var ferr error
	lines = append(lines, h.blocking("backfill for "+name, func() { ferr = fill.Run(context.Background(), h.rt) })...)
	if ferr != nil {
		return strings.Join(lines, "\n"), ferr
	}
	return strings.Join(append(h.planLines(r, above), lines...), "\n"), nil
}

func partialWord(p bool) string {
	if p {
		return "partial"
	}
	return "full"
}

func liveOutput(n *dataflow.Node) []dataflow.Row {
	return n.Op.Snapshot(func(i int) []dataflow.Row { return liveOutput(n.Parents[i]) })
}

func inserts(rows []dataflow.Row) dataflow.Batch {
	b := make(dataflow.Batch, len(rows))
	for i, r := range rows {
		b[i] = dataflow.Record{Row: r}
	}
	return b
}

// planLines describes what the reader's registration decided.
func (h *Harness) planLines(r *node, above []*node) []string {
	var part []string
	for _, y := range append(above, r) {
		if upquery.IsPartial(y.n) {
			part = append(part, fmt.Sprintf("%s (d%d)", y.name, y.n.Domain))
		}
	}
	if len(part) == 0 {
		return []string{fmt.Sprintf("full: %s's key does not trace to states that can fill it", r.name)}
	}
	lines := []string{"partial: " + strings.Join(part, ", ")}
	if r.target != nil {
		lines = append(lines, "replay paths:")
		for _, leaf := range r.target.Replay().Leaves {
			s := fmt.Sprintf("  %s (d%d)", h.name(leaf.Source), leaf.Source.Domain)
			for _, hop := range leaf.Hops {
				s += fmt.Sprintf(" -> %s/%d (d%d", h.name(hop.Node), hop.Slot, hop.Node.Domain)
				if hop.Pieces > 1 {
					s += fmt.Sprintf(", %d pieces meet", hop.Pieces)
				}
				s += ")"
			}
			lines = append(lines, s)
		}
	}
	var holds []string
	for _, y := range append(above, r) {
		if !upquery.IsPartial(y.n) || y.n.Ups == nil {
			continue
		}
		var on []string
		for _, ups := range y.n.Ups {
			for _, u := range ups {
				on = append(on, h.name(u))
			}
		}
		if len(on) == 0 {
			on = []string{"nothing (full parents)"}
		}
		holds = append(holds, fmt.Sprintf("%s on %s", y.name, strings.Join(on, ", ")))
	}
	return append(lines, "holds: "+strings.Join(holds, "; "))
}
