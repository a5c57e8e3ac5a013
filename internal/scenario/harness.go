package scenario

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/eviction"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/upquery"
)

// Harness runs the commands of one scenario file. It is not safe for concurrent use: a
// scenario is one sequence of commands.
//
// Commands (arguments in brackets are optional):
//
//	setup [domains=3] [slots=8] [limit=1] [tokens]
//	    The runtime: the number of domains (domain 0 owns the base tables), the fill slots of
//	    the upquery client (upquery.NewClient), the evictor's memory limit in bytes (only
//	    `evict round` uses it) and whether writes are stamped with tokens (which adds the
//	    progress markers to the mailboxes). Must come first if present; the defaults apply
//	    otherwise.
//	table t cols=(a,b,c) [key=(a)]
//	    A base table (operators.NewBase) in domain 0; key columns by name or position.
//	filter f from=x where=($1 > 5) [domain=N]
//	project p from=x cols=(0,2) [domain=N]
//	agg a from=x group=(1) [count] [count=2] [sum=2] [min=2] [max=2] [domain=N]
//	topk k from=x group=(1) order=(2 desc, 0) limit=2 [offset=1] [domain=N]
//	join j left=x right=y on=(0=0, 1=2) [outer] [domain=N]   (outer: LEFT JOIN)
//	union u from=(x,y) [domain=N]
//	distinct d from=x [domain=N]
//	    Operators, built with their constructors but not linked yet: as in the engine, the
//	    reader that uses them decides which of them are partial. Columns are positions. A
//	    node goes to domain max(1, its parents' domains) unless domain=N says otherwise.
//	reader r from=x key=(0) [domain=N] [full]
//	    Runs upquery.Plan from x with the key columns, makes the chosen states partial, links
//	    the new nodes, adds the reader, and for a partial reader builds its upquery.Target
//	    (upquery.Client.NewTarget), sets the holds (upquery.SetUps) and tracks the partial
//	    nodes in the evictor. Prints the plan: the partial nodes, the replay paths and the
//	    states each partial node holds its keys on. Must run before the first write and with
//	    empty mailboxes. full makes the reader and its new states full whatever the plan, as
//	    the engine makes them where the key does not trace.
//	write t +1,2,3 -4,5,6   (or one row per input line)
//	    Queues a write in domain 0's mailbox (Runtime.Input). When it is handled it puts
//	    (+, replacing a row with the same primary key) or removes (-, by primary key, or the
//	    identical row without one) rows in the base table and emits the deltas.
//	read r key=5   or   read r key=(1,'x')
//	    A hit prints the rows. A hole of a partial reader calls Target.Start and prints
//	    whether an upquery was sent (it lands in the source domains' mailboxes), shared with
//	    the one in flight for the key, or not sent because every fill slot is busy.
//	evict r key=5 [via=evictor]
//	    Evicts a reader key as eviction does: a call posted to the reader's domain
//	    (Domain.Post), in order with its other messages, running Reader.EvictKey and then
//	    Domain.ReleaseUpstream. via=evictor calls Evictor.EvictKey instead, in a goroutine,
//	    stepping the reader's domain until it returns.
//	evict round
//	    Runs Evictor.Round in a goroutine, stepping the domains it calls until it returns.
//	drop r
//	    Drops a reader as the engine drops a view: Graph.Release removes it and the nodes
//	    only it used, then upquery.ReleaseAll retires each removed partial node and gives
//	    back the holds of its present keys, a Call in the node's domain (in a goroutine,
//	    stepping the domains it calls until it returns). Replay pieces still in flight to
//	    the removed nodes then fill nothing and give their holds back. Removed nodes leave
//	    the output of state and check.
//	deliver d1 [n=3 | all]
//	    Handles the oldest message(s) of one domain's mailbox (Domain.Step).
//	settle
//	    Handles messages round-robin over the domains until every mailbox is empty.
//	queues
//	    Prints every mailbox's pending messages, oldest first.
//	state x
//	    Prints a node's state: a reader's keys (holes are absent), a partial state's present
//	    keys and their output rows, a full node's output.
//	check
//	    Compares every present reader key and every present key of a partial state with the
//	    query recomputed from scratch over the base tables' current rows, and checks the
//	    holds: a key present in a partial node is present in the partial states it holds it
//	    on, and a present key of a partial state is held by some partial node below. Prints
//	    "ok" or the differences.
//
// Each delivered message prints as "dN: <message>", followed by the changes it made to
// readers and partial states ("r[5]: hole -> {[5, 2]}"), the fills that reached a reader,
// and the messages it sent ("-> d2: ..."). A message that changed nothing shown and sent
// nothing prints "(no change shown, nothing sent)".
type Harness struct {
	t failer

	domains int
	slots   int
	limit   int64
	tokens  bool
	token   uint64

	rt     *dataflow.Runtime
	graph  *dataflow.Graph
	client *upquery.Client
	ev     *eviction.Evictor

	nodes  map[string]*node
	order  []*node
	byNode map[*dataflow.Node]*node
	queues [][]entry
	keys   map[string]dataflow.Row       // encoded key -> its values, for display
	ivKeys map[string]operators.Interval // a filled interval's key -> the interval (intervals.go)
	notes  []string                      // events recorded while a message is handled
	wrote  bool
}

// failer is the part of testing.TB the harness uses.
type failer interface {
	Fatalf(format string, args ...any)
}

// entry is one message in the harness's copy of a mailbox.
type entry struct {
	m     dataflow.Message
	label string // set for messages the harness queued itself
	own   bool
}

// New returns a harness. t receives only internal failures; the scenario's own outcomes
// (misses, differences, panics in a domain) are printed.
func New(t failer) *Harness {
	return &Harness{t: t, domains: 3, slots: 8, limit: 1,
		nodes: map[string]*node{}, byNode: map[*dataflow.Node]*node{}, keys: map[string]dataflow.Row{},
		ivKeys: map[string]operators.Interval{}}
}

// Close stops the runtime (which was never started).
func (h *Harness) Close() {
	if h.rt != nil {
		h.rt.Stop()
	}
}

// Run executes one command and returns its output.
func (h *Harness) Run(td *datadriven.TestData) string {
	if td.Cmd != "setup" {
		h.init()
	}
	out, err := h.run(td)
	if err != nil {
		if out = strings.TrimRight(out, "\n"); out != "" {
			out += "\n"
		}
		return out + "error: " + err.Error()
	}
	if out == "" {
		return "ok"
	}
	return strings.TrimRight(out, "\n")
}

func (h *Harness) run(td *datadriven.TestData) (string, error) {
	a := args{td: td}
	switch td.Cmd {
	case "setup":
		return h.cmdSetup(a)
	case "table":
		return h.cmdTable(a)
	case "filter", "project", "agg", "topk", "join", "union", "distinct":
		return h.cmdOperator(a)
	case "reader":
		return h.cmdReader(a)
	case "write":
		return h.cmdWrite(a)
	case "read":
		return h.cmdRead(a)
	case "evict":
		return h.cmdEvict(a)
	case "drop":
		return h.cmdDrop(a)
	case "deliver":
		return h.cmdDeliver(a)
	case "settle":
		return h.cmdSettle()
	case "queues":
		return h.queuesString(), nil
	case "state":
		return h.cmdState(a)
	case "check":
		return h.check(), nil
	}
	return "", fmt.Errorf("unknown command %q", td.Cmd)
}

func (h *Harness) cmdSetup(a args) (string, error) {
	if h.rt != nil {
		return "", fmt.Errorf("setup must be the first command")
	}
	var err error
	if h.domains, err = a.intOr("domains", h.domains); err != nil {
		return "", err
	}
	if h.slots, err = a.intOr("slots", h.slots); err != nil {
		return "", err
	}
	limit, err := a.intOr("limit", int(h.limit))
	if err != nil {
		return "", err
	}
	h.limit = int64(limit)
	h.tokens = a.has("tokens")
	if h.domains < 1 {
		return "", fmt.Errorf("domains=%d: need at least one", h.domains)
	}
	if h.slots < 1 {
		return "", fmt.Errorf("slots=%d: need at least one", h.slots)
	}
	h.init()
	return "", nil
}

func (h *Harness) init() {
	if h.rt != nil {
		return
	}
	h.rt = dataflow.NewRuntime(h.domains)
	h.graph = dataflow.NewGraph()
	h.ev = eviction.New(h.rt, h.limit, time.Minute, nil)
	h.client = upquery.NewClient(h.rt, h.slots, h.ev.Filled)
	h.queues = make([][]entry, h.domains)
}

// name renders a node by its scenario name.
func (h *Harness) name(n *dataflow.Node) string {
	if x, ok := h.byNode[n]; ok {
		return x.name
	}
	return fmt.Sprintf("n%d", n.ID)
}

func (h *Harness) format(e entry) string {
	if e.label != "" {
		return e.label
	}
	return e.m.Format(h.name)
}

// arrival is a message taken from a domain's channel into the harness's queue.
type arrival struct {
	domain, index int
}

// drain moves every message waiting in the domains' channels into the harness's queues, in
// order, and returns where they went.
func (h *Harness) drain() []arrival {
	var out []arrival
	for i, d := range h.rt.Domains {
		for {
			m, ok := d.Next()
			if !ok {
				break
			}
			h.queues[i] = append(h.queues[i], entry{m: m})
			out = append(out, arrival{i, len(h.queues[i]) - 1})
		}
	}
	return out
}

// foreign reports a Call queued by an engine call the harness runs in a goroutine (see
// blocking).
func (h *Harness) foreign(e entry) bool {
	return !e.own && e.label == "" && e.m.Format(h.name) == "call"
}

// drainStep drains what a step sent. A goroutine of blocking may queue its next Call while
// the step is still sending (its previous Call returned inside the step): such a Call is
// put behind the step's messages. The two have different senders, so either order can
// happen in a running engine; the harness always picks this one, so traces do not depend
// on scheduling.
func (h *Harness) drainStep() []arrival {
	lens := make([]int, len(h.queues))
	for i, q := range h.queues {
		lens[i] = len(q)
	}
	h.drain()
	var arr []arrival
	for i, q := range h.queues {
		var mine, calls []entry
		for _, e := range q[lens[i]:] {
			if h.foreign(e) {
				calls = append(calls, e)
			} else {
				mine = append(mine, e)
			}
		}
		h.queues[i] = append(append(q[:lens[i]], mine...), calls...)
		for k := range mine {
			arr = append(arr, arrival{i, lens[i] + k})
		}
	}
	return arr
}

// drainOwn drains the messages the harness itself just queued, labelling them.
func (h *Harness) drainOwn(label func(e entry) string) []arrival {
	arr := h.drain()
	for _, a := range arr {
		e := &h.queues[a.domain][a.index]
		e.own = true
		if label != nil {
			e.label = label(*e)
		}
	}
	return arr
}

func (h *Harness) arrivalLines(arr []arrival) []string {
	var out []string
	for _, a := range arr {
		out = append(out, fmt.Sprintf("  -> d%d: %s", a.domain, h.format(h.queues[a.domain][a.index])))
	}
	return out
}

func (h *Harness) pending() int {
	n := 0
	for _, q := range h.queues {
		n += len(q)
	}
	return n
}

// step handles the oldest message of domain i and returns its trace lines.
func (h *Harness) step(i int) []string {
	e := h.queues[i][0]
	h.queues[i] = h.queues[i][1:]
	lines := []string{fmt.Sprintf("d%d: %s", i, h.format(e))}
	before := h.render()
	h.notes = nil
	panicked := func() (p any) {
		defer func() { p = recover() }()
		h.rt.Domains[i].Step(e.m)
		return nil
	}()
	arr := h.drainStep()
	after := h.render()
	effects := h.diffStates(before, after)
	for _, n := range h.notes {
		effects = append(effects, "  "+n)
	}
	if panicked != nil {
		effects = append(effects, fmt.Sprintf("  PANIC: %v", panicked))
	}
	effects = append(effects, h.arrivalLines(arr)...)
	if len(effects) == 0 {
		effects = []string{"  (no change shown, nothing sent)"}
	}
	return append(lines, effects...)
}

func (h *Harness) domainArg(s string) (int, error) {
	var i int
	if _, err := fmt.Sscanf(s, "d%d", &i); err != nil || i < 0 || i >= len(h.rt.Domains) {
		return 0, fmt.Errorf("no domain %q (d0..d%d)", s, len(h.rt.Domains)-1)
	}
	return i, nil
}

func (h *Harness) cmdDeliver(a args) (string, error) {
	if len(a.td.CmdArgs) == 0 {
		return "", fmt.Errorf("deliver needs a domain: deliver d1")
	}
	i, err := h.domainArg(a.td.CmdArgs[0].Key)
	if err != nil {
		return "", err
	}
	n := 1
	all := a.has("all")
	if !all {
		if n, err = a.intOr("n", 1); err != nil {
			return "", err
		}
	}
	var lines []string
	for k := 0; all || k < n; k++ {
		if len(h.queues[i]) == 0 {
			if !all {
				lines = append(lines, fmt.Sprintf("d%d: (mailbox empty)", i))
			}
			break
		}
		if k > 10000 {
			return strings.Join(lines, "\n"), fmt.Errorf("d%d never emptied", i)
		}
		lines = append(lines, h.step(i)...)
	}
	return strings.Join(lines, "\n"), nil
}

// cmdSettle handles messages round-robin over the domains, one each per turn, until every
// mailbox is empty.
func (h *Harness) cmdSettle() (string, error) {
	var lines []string
	for steps := 0; h.pending() > 0; {
		for i := range h.queues {
			if len(h.queues[i]) == 0 {
				continue
			}
			lines = append(lines, h.step(i)...)
			if steps++; steps > 10000 {
				return strings.Join(lines, "\n"), fmt.Errorf("the mailboxes never emptied")
			}
		}
	}
	if len(lines) == 0 {
		return "(nothing to deliver)", nil
	}
	return strings.Join(lines, "\n"), nil
}

func (h *Harness) queuesString() string {
	var b strings.Builder
	for i, q := range h.queues {
		if len(q) == 0 {
			fmt.Fprintf(&b, "d%d: (empty)\n", i)
			continue
		}
		fmt.Fprintf(&b, "d%d:\n", i)
		for k, e := range q {
			fmt.Fprintf(&b, "  %d. %s\n", k+1, h.format(e))
		}
	}
	return b.String()
}

// blocking runs f, an engine call that blocks until some domain handles a Call it queued,
// in a goroutine, and steps the domains until it returns: each time a Call of f's arrives,
// the messages ahead of it in its domain's mailbox are handled first (FIFO), then the Call.
// While f computes, nothing is stepped, so its decisions see one state.
func (h *Harness) blocking(what string, f func()) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	var lines []string
	for {
		target, at := -1, -1
		for spins := 0; target < 0; spins++ {
			select {
			case <-done:
				h.drain()
				return lines
			default:
			}
			h.drain()
			for i, q := range h.queues {
				for k, e := range q {
					if h.foreign(e) {
						h.queues[i][k].label = "call (" + what + ")"
						target, at = i, k
						break
					}
				}
				if target >= 0 {
					break
				}
			}
			if target < 0 {
				if spins > 1e8 {
					h.t.Fatalf("scenario: %s neither returned nor queued a call", what)
				}
				runtime.Gosched()
			}
		}
		for k := 0; k <= at; k++ {
			lines = append(lines, h.step(target)...)
		}
	}
}

// cmdEvict evicts a reader key, or runs an eviction round.
func (h *Harness) cmdEvict(a args) (string, error) {
	if len(a.td.CmdArgs) == 0 {
		return "", fmt.Errorf("evict needs a reader or round")
	}
	if a.td.CmdArgs[0].Key == "round" {
		var freed int64
		var err error
		lines := h.blocking("eviction round", func() {
			freed, err = h.ev.Round(context.Background())
		})
		lines = append([]string{fmt.Sprintf("round freed %d bytes at the readers", freed)}, lines...)
		return strings.Join(lines, "\n"), err
	}
	r, err := h.readerArg(a)
	if err != nil {
		return "", err
	}
	if a.has("range") {
		return h.evictRange(r, a)
	}
	key, err := a.keyRow("key")
	if err != nil {
		return "", err
	}
	enc := h.register(key)
	if v, ok := a.val("via"); ok {
		if v != "evictor" {
			return "", fmt.Errorf("via=%s: only via=evictor", v)
		}
		var err error
		lines := h.blocking("Evictor.EvictKey "+r.name+key.String(), func() {
			err = h.ev.EvictKey(context.Background(), r.n, enc)
		})
		return strings.Join(lines, "\n"), err
	}
	d := h.rt.Domains[r.n.Domain]
	label := fmt.Sprintf("evict %s%s", r.name, key)
	d.Post(func() {
		if r.reader.EvictKey(enc) {
			d.ReleaseUpstream(r.n, enc)
			h.notes = append(h.notes, fmt.Sprintf("%s: released the holds of %s", r.name, key))
		} else {
			h.notes = append(h.notes, fmt.Sprintf("%s%s is a hole: nothing to evict", r.name, key))
		}
	})
	arr := h.drainOwn(func(entry) string { return label })
	return strings.Join(h.arrivalLines(arr), "\n"), nil
}

// cmdDrop drops a reader and the nodes only it used.
func (h *Harness) cmdDrop(a args) (string, error) {
	r, err := h.readerArg(a)
	if err != nil {
		return "", err
	}
	if !r.linked {
		return "", fmt.Errorf("reader %s was dropped already", r.name)
	}
	removed := h.graph.Release(r.n)
	var names []string
	for _, n := range removed {
		x := h.byNode[n]
		x.linked, x.dropped = false, true
		names = append(names, x.name)
		h.ev.Untrack(n)
	}
	lines := []string{"removed " + strings.Join(names, ", ")}
	var errs []error
	for _, n := range removed {
		x := h.byNode[n]
		lines = append(lines, h.blocking("retiring "+x.name, func() {
			if err := upquery.ReleaseAll(context.Background(), h.rt, n, x.target); err != nil {
				errs = append(errs, err)
			}
		})...)
	}
	return strings.Join(lines, "\n"), errors.Join(errs...)
}

// cmdRead reads a reader key.
func (h *Harness) cmdRead(a args) (string, error) {
	r, err := h.readerArg(a)
	if err != nil {
		return "", err
	}
	if a.has("range") {
		return h.readRange(r, a)
	}
	key, err := a.keyRow("key")
	if err != nil {
		return "", err
	}
	if len(key) != len(r.keyCols) {
		return "", fmt.Errorf("reader %s has %d key columns, the key has %d", r.name, len(r.keyCols), len(key))
	}
	enc := h.register(key)
	if rows, ok := readerRows(r, key); ok {
		return "hit: " + formatRows(rows), nil
	}
	if !r.reader.Partial() {
		return "hit: {}", nil
	}
	before := r.target.Upqueries()
	if err := r.target.Start(key); err != nil {
		return "", err
	}
	arr := h.drainOwn(nil)
	switch {
	case r.target.Upqueries() > before:
		r.inflight[enc] = true
		return strings.Join(append([]string{"miss: upquery sent"}, h.arrivalLines(arr)...), "\n"), nil
	case r.inflight[enc]:
		return "miss: sharing the upquery in flight for " + key.String(), nil
	case h.client.InFlight() >= h.slots:
		return fmt.Sprintf("miss: every fill slot is busy (%d in flight): no upquery, read again later", h.client.InFlight()), nil
	}
	return fmt.Sprintf("miss: no upquery sent, although a fill slot is free and none is in flight for %s", key), nil
}

// cmdWrite queues a write in domain 0's mailbox.
func (h *Harness) cmdWrite(a args) (string, error) {
	if len(a.td.CmdArgs) == 0 {
		return "", fmt.Errorf("write needs a table")
	}
	t, ok := h.nodes[a.td.CmdArgs[0].Key]
	if !ok || t.base == nil {
		return "", fmt.Errorf("no table %q", a.td.CmdArgs[0].Key)
	}
	var specs []string
	for _, c := range a.td.CmdArgs[1:] {
		specs = append(specs, c.String())
	}
	for _, line := range strings.Split(a.td.Input, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			specs = append(specs, line)
		}
	}
	var ds []delta
	for _, s := range specs {
		d, err := parseDelta(s, t.width)
		if err != nil {
			return "", err
		}
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		return "", fmt.Errorf("write %s: no rows", t.name)
	}
	h.wrote = true
	base, node := t.base, t.n
	err := h.rt.Input(func(emit func(*dataflow.Node, dataflow.Batch)) uint64 {
		var b dataflow.Batch
		for _, d := range ds {
			b = h.applyDelta(t.name, base, d, b)
		}
		emit(node, b)
		if len(b) == 0 || !h.tokens {
			return 0
		}
		h.token++
		return h.token
	})
	if err != nil {
		return "", err
	}
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.String())
	}
	label := fmt.Sprintf("write %s {%s}", t.name, strings.Join(parts, ", "))
	arr := h.drainOwn(func(entry) string { return label })
	return strings.Join(h.arrivalLines(arr), "\n"), nil
}

type delta struct {
	row dataflow.Row
	neg bool
}

func (d delta) String() string {
	if d.neg {
		return "-" + d.row.String()
	}
	return "+" + d.row.String()
}

// applyDelta applies one written row to the base table, in domain 0, and appends the deltas
// it causes.
func (h *Harness) applyDelta(name string, base *operators.Base, d delta, b dataflow.Batch) dataflow.Batch {
	if !d.neg {
		key := base.KeyOf(d.row)
		if base.HasPrimaryKey() {
			if old, ok := base.Get(key); ok {
				b = append(b, dataflow.Record{Row: old, Neg: true})
			}
		}
		base.Put(key, d.row)
		return append(b, dataflow.Record{Row: d.row})
	}
	if base.HasPrimaryKey() {
		key, old, ok := base.GetByKey(d.row)
		if !ok {
			h.notes = append(h.notes, fmt.Sprintf("%s: no row with the key of %s, nothing removed", name, d.row))
			return b
		}
		base.Remove(key)
		return append(b, dataflow.Record{Row: old, Neg: true})
	}
	var found string
	var old dataflow.Row
	base.Scan(func(k string, r dataflow.Row) bool {
		if dataflow.IdenticalRows(r, d.row) {
			found, old = k, r
			return false
		}
		return true
	})
	if old == nil {
		h.notes = append(h.notes, fmt.Sprintf("%s: no row %s, nothing removed", name, d.row))
		return b
	}
	base.Remove(found)
	return append(b, dataflow.Record{Row: old, Neg: true})
}

func (h *Harness) readerArg(a args) (*node, error) {
	if len(a.td.CmdArgs) == 0 {
		return nil, fmt.Errorf("%s needs a reader", a.td.Cmd)
	}
	r, ok := h.nodes[a.td.CmdArgs[0].Key]
	if !ok || r.reader == nil {
		return nil, fmt.Errorf("no reader %q", a.td.CmdArgs[0].Key)
	}
	return r, nil
}

// register records a key's values under its encoding, for display.
func (h *Harness) register(key dataflow.Row) string {
	enc := dataflow.EncodeKey(key)
	if _, ok := h.keys[enc]; !ok {
		h.keys[enc] = slices.Clone(key)
	}
	return enc
}

func (h *Harness) cmdState(a args) (string, error) {
	if len(a.td.CmdArgs) == 0 {
		return "", fmt.Errorf("state needs a node")
	}
	n, ok := h.nodes[a.td.CmdArgs[0].Key]
	if !ok || n.n == nil || !n.linked {
		return "", fmt.Errorf("no linked node %q", a.td.CmdArgs[0].Key)
	}
	return h.stateString(n), nil
}
