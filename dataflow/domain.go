package dataflow

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A Domain owns a set of nodes and runs them on one goroutine, one message at a time, so
// operator state needs no locks. Messages between domains travel on FIFO mailboxes; a
// domain's handling of a message is a deterministic step (Handle, then Flush) with all I/O
// (channel sends, the goroutine) in the thin driver loop Run.
//
// Progress: every write is stamped with a token by the base domain (domain 0). After a
// domain has finished everything up to token T it sends a progress marker T to every
// higher-numbered domain, behind the data it sent, on the same mailbox. A domain's own
// progress is the minimum of the markers heard from every lower domain, so when a domain's
// progress reaches T, every delta caused by writes up to T has been applied to its nodes:
// readers in it can serve reads that must see T.
type Domain struct {
	ID    int
	inbox chan Message

	peers []*Domain

	progress atomic.Uint64
	notify   atomic.Pointer[chan struct{}]
	failed   atomic.Pointer[error]
	dead     chan struct{} // closed when the domain stops after an internal error

	// heard[s] is the progress marker last received from domain s (s < ID).
	heard     []uint64
	lastToken uint64 // domain 0: the newest token an input produced
	published uint64

	basePending []pendingBatch
	outbox      [][]pendingBatch
	outgoing    []Outgoing // what Flush returns, kept from one flush to the next
	outIndex    map[edgeKey]int
	mergeIndex  map[edgeKey]int
	mergeLen    []mergeSpan

	// releases holds eviction releases other domains sent to this one's nodes (see
	// Domain.ReleaseUpstream); they travel beside the mailbox, not in it, because they flow
	// against the edges and a blocking send upstream could deadlock with one downstream.
	relMu    sync.Mutex
	releases []release
}

type edgeKey struct {
	node *Node
	slot int
}

type pendingBatch struct {
	node  *Node
	slot  int
	batch Batch
	owned bool
	// replay, when set, makes this entry a replay piece rather than an update.
	replay *Message
}

type msgKind uint8

const (
	msgUpdate msgKind = iota
	msgProgress
	msgInput
	msgCall
	msgUpquery
	msgReplay
	msgWake
)

// Message is one item in a domain's mailbox.
type Message struct {
	kind  msgKind
	node  *Node
	slot  int
	batch Batch
	from  int
	token uint64
	input InputFunc
	call  func()
	// Upqueries and replays: the replay tree, the leaf whose path the piece travels, how
	// far along it the piece is, the key and the request the piece belongs to.
	replay *Replay
	leaf   int
	hop    int
	key    Row
	req    uint64
}

// InputFunc runs inside the base domain: it applies a write to base-table state, reports the
// deltas each base node emits through emit, and returns the write's token (0 when the
// write changed nothing or failed).
type InputFunc func(emit func(n *Node, b Batch)) uint64

// ErrClosed reports a message sent to a runtime that has stopped. The engine's own
// ErrClosed is this error, so errors.Is matches it whichever layer noticed.
var ErrClosed = errors.New("weir: engine closed")

// ErrDomainFailed reports that a domain stopped after an internal error; the engine must be
// reopened.
var ErrDomainFailed = errors.New("dataflow: domain failed")

// Runtime is the set of domains of one engine.
type Runtime struct {
	Domains []*Domain
	reqs    atomic.Uint64 // replay request ids
	stop    chan struct{}
	wg      sync.WaitGroup
	closed  atomic.Bool
}

// NewRuntime creates n domains (n ≥ 1). Domain 0 owns the base tables.
func NewRuntime(n int) *Runtime {
	rt := &Runtime{stop: make(chan struct{})}
	for i := 0; i < n; i++ {
		d := &Domain{ID: i, inbox: make(chan Message, 4096), heard: make([]uint64, i), dead: make(chan struct{}),
			outbox: make([][]pendingBatch, n), outIndex: map[edgeKey]int{}, mergeIndex: map[edgeKey]int{}}
		ch := make(chan struct{})
		d.notify.Store(&ch)
		rt.Domains = append(rt.Domains, d)
	}
	for _, d := range rt.Domains {
		d.peers = rt.Domains
	}
	return rt
}

// Start launches one goroutine per domain.
func (rt *Runtime) Start() {
	for _, d := range rt.Domains {
		rt.wg.Add(1)
		go func(d *Domain) {
			defer rt.wg.Done()
			// Label the goroutine so CPU profiles split by domain.
			pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("domain", strconv.Itoa(d.ID))))
			d.Run(rt.stop)
		}(d)
	}
}

// Stop ends every domain goroutine and waits for them.
func (rt *Runtime) Stop() {
	if rt.closed.CompareAndSwap(false, true) {
		close(rt.stop)
		rt.wg.Wait()
	}
}

// Done is closed when the runtime stops.
func (rt *Runtime) Done() <-chan struct{} { return rt.stop }

// Input queues a write for the base domain.
func (rt *Runtime) Input(f InputFunc) error {
	if rt.closed.Load() {
		return ErrClosed
	}
	d := rt.Domains[0]
	if err := d.Err(); err != nil {
		return err
	}
	select {
	case d.inbox <- Message{kind: msgInput, input: f}:
		return nil
	case <-rt.stop:
		return ErrClosed
	case <-d.dead:
		return d.Err()
	}
}

// Dead is closed when the domain has stopped after an internal error (see Err).
func (d *Domain) Dead() <-chan struct{} { return d.dead }

// Run is the driver loop: receive, step, drain what else is waiting (so many small writes
// travel downstream as one batch), then flush.
func (d *Domain) Run(stop <-chan struct{}) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("%w: domain %d: %v\n%s", ErrDomainFailed, d.ID, r, debug.Stack())
			d.failed.Store(&err)
			close(d.dead)
			d.wake()
		}
	}()
	const drainBudget = 512
	var pending []Message
	for {
		select {
		case m := <-d.inbox:
			pending = append(pending, m)
		case <-stop:
			return
		}
	drain:
		for len(pending) < drainBudget {
			select {
			case m := <-d.inbox:
				pending = append(pending, m)
			default:
				break drain
			}
		}
		d.handleAll(pending)
		clear(pending)
		pending = pending[:0]
		d.handleReleases()
		d.send(d.Flush())
	}
}

// handleAll handles the messages of one step. Updates for the same edge are merged into one
// batch first, in arrival order: an operator then sees, say, a thousand votes for one
// article as one batch and emits one change for it instead of a thousand. Reordering updates
// of different edges against each other is harmless (each edge's order is kept, and every
// operator's result is independent of how its inputs' deltas interleave), and progress is
// only published in Flush, after all of them.
func (d *Domain) handleAll(msgs []Message) {
	// Replays and upqueries are barriers: updates are merged only within the runs between
	// them, so no update moves across a replay piece.
	start := 0
	for i := range msgs {
		if k := msgs[i].kind; k == msgReplay || k == msgUpquery {
			d.handleMerged(msgs[start:i])
			d.Handle(msgs[i])
			start = i + 1
		}
	}
	d.handleMerged(msgs[start:])
}

func (d *Domain) handleMerged(msgs []Message) {
	if len(msgs) == 0 {
		return
	}
	if len(msgs) == 1 {
		d.Handle(msgs[0])
		return
	}
	// First pass: find each edge's first message and the merged length, so every merged
	// batch is allocated once.
	first := d.mergeIndex
	clear(first)
	total := d.mergeLen[:0]
	for i := range msgs {
		m := &msgs[i]
		if m.kind != msgUpdate {
			continue
		}
		k := edgeKey{m.node, m.slot}
		at, seen := first[k]
		if !seen {
			first[k] = len(total)
			total = append(total, mergeSpan{head: i, n: len(m.batch)})
			continue
		}
		total[at].n += len(m.batch)
		total[at].merged = true
	}
	d.mergeLen = total
	for _, t := range total {
		if !t.merged {
			continue
		}
		head := &msgs[t.head]
		b := make(Batch, 0, t.n)
		k := edgeKey{head.node, head.slot}
		for i := t.head; i < len(msgs); i++ {
			m := &msgs[i]
			if m.kind == msgUpdate && m.node == k.node && m.slot == k.slot {
				b = append(b, m.batch...)
				if i != t.head {
					m.node = nil // consumed
				}
			}
		}
		head.batch = b
	}
	for _, m := range msgs {
		if m.kind == msgUpdate && m.node == nil {
			continue
		}
		d.Handle(m)
	}
}

type mergeSpan struct {
	head   int
	n      int
	merged bool
}

// Err reports why the domain stopped, if it failed.
func (d *Domain) Err() error {
	if p := d.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// Outgoing is a message a step produced for another domain.
type Outgoing struct {
	To  int
	Msg Message
}

func (d *Domain) send(out []Outgoing) {
	for _, o := range out {
		d.peers[o.To].inbox <- o.Msg
	}
	clear(out) // the domain's list (Flush): it must not keep the batches it sent alive
}

// Handle applies one message to the domain's nodes.
func (d *Domain) Handle(m Message) {
	switch m.kind {
	case msgUpdate:
		d.process(m.node, m.slot, m.batch)
	case msgProgress:
		if m.token > d.heard[m.from] {
			d.heard[m.from] = m.token
		}
	case msgInput:
		tok := m.input(func(n *Node, b Batch) {
			if len(b) == 0 {
				return
			}
			for i := range d.basePending {
				if d.basePending[i].node == n {
					p := &d.basePending[i]
					if !p.owned {
						p.batch = append(Batch(nil), p.batch...)
						p.owned = true
					}
					p.batch = append(p.batch, b...)
					return
				}
			}
			d.basePending = append(d.basePending, pendingBatch{node: n, batch: b})
		})
		if tok > d.lastToken {
			d.lastToken = tok
		}
	case msgCall:
		m.call()
	case msgUpquery:
		// Deltas of writes this step already applied must leave before the replay: the
		// replay's rows include those writes, and everything queued behind a replay on an
		// edge is applied after it.
		d.flushBase()
		rows := m.replay.Leaves[m.leaf].Lookup(m.key)
		b := make(Batch, len(rows))
		for i, r := range rows {
			b[i] = Record{Row: r}
		}
		d.replay(m.replay, m.leaf, 0, m.key, m.req, b)
	case msgReplay:
		d.replay(m.replay, m.leaf, m.hop, m.key, m.req, m.batch)
	}
}

// flushBase propagates the base-table deltas of the writes handled so far.
func (d *Domain) flushBase() {
	for i := range d.basePending {
		p := d.basePending[i]
		d.emit(p.node, p.batch)
		d.basePending[i] = pendingBatch{}
	}
	d.basePending = d.basePending[:0]
}

// Flush propagates pending base-table deltas, then returns the messages for other domains:
// data first, then progress markers. The list is the domain's own, valid until its next
// Flush.
func (d *Domain) Flush() []Outgoing {
	d.flushBase()

	// The list is the domain's, reused by its next Flush: made afresh, it was a tenth of
	// what the vote query's fills allocated (one Message is over 100 bytes, and a replay
	// step sends several).
	out := d.outgoing[:0]
	defer func() { d.outgoing = out }()
	for to, list := range d.outbox {
		for i, p := range list {
			if p.replay != nil {
				out = append(out, Outgoing{To: to, Msg: *p.replay})
				list[i] = pendingBatch{}
				continue
			}
			out = append(out, Outgoing{To: to, Msg: Message{kind: msgUpdate, node: p.node, slot: p.slot, batch: p.batch}})
			list[i] = pendingBatch{}
		}
		d.outbox[to] = list[:0]
	}
	clear(d.outIndex)

	next := d.lastToken
	if d.ID > 0 {
		next = d.heard[0]
		for _, h := range d.heard[1:] {
			next = min(next, h)
		}
	}
	if next > d.published {
		d.published = next
		for to := d.ID + 1; to < len(d.peers); to++ {
			out = append(out, Outgoing{To: to, Msg: Message{kind: msgProgress, from: d.ID, token: next}})
		}
		d.progress.Store(next)
		d.wake()
	}
	return out
}

func (d *Domain) process(n *Node, slot int, in Batch) {
	if n.backfill != nil {
		// The batch may be shared with other children or reused by its sender.
		n.backfill.pending = append(n.backfill.pending, slotBatch{slot, append(Batch(nil), in...)})
		return
	}
	var holes map[string]bool
	if Invariants {
		holes = holeKeys(n, slot, in)
	}
	out := n.Op.Process(slot, in)
	if Invariants {
		checkNoHoleDeltas(n, holes, out)
	}
	if len(out) > 0 {
		d.emit(n, out)
	}
}

func (d *Domain) emit(n *Node, out Batch) {
	for _, e := range n.Children {
		c := e.Child
		if c.Domain == d.ID {
			d.process(c, e.Slot, out)
			continue
		}
		k := edgeKey{c, e.Slot}
		if i, ok := d.outIndex[k]; ok {
			p := &d.outbox[c.Domain][i]
			if !p.owned {
				p.batch = append(make(Batch, 0, len(p.batch)+len(out)), p.batch...)
				p.owned = true
			}
			p.batch = append(p.batch, out...)
			continue
		}
		d.outIndex[k] = len(d.outbox[c.Domain])
		d.outbox[c.Domain] = append(d.outbox[c.Domain], pendingBatch{node: c, slot: e.Slot, batch: out})
	}
}

// EndBackfill applies the deltas a node queued during its backfill, in the order they came,
// passes its output on, and makes it apply deltas as they come from then on. It must run in
// the node's domain (see Call), after the node's initial state is complete.
func (d *Domain) EndBackfill(n *Node) {
	if n.Domain != d.ID {
		panic(fmt.Sprintf("dataflow: EndBackfill of node %d (domain %d) in domain %d", n.ID, n.Domain, d.ID))
	}
	b := n.backfill
	if b == nil {
		return
	}
	n.backfill = nil
	for i, p := range b.pending {
		d.process(n, p.slot, p.batch)
		b.pending[i] = slotBatch{}
	}
}

func (d *Domain) wake() {
	ch := make(chan struct{})
	old := d.notify.Swap(&ch)
	close(*old)
}

// Progress is the newest token whose effects this domain has fully applied.
func (d *Domain) Progress() uint64 { return d.progress.Load() }

// WaitProgress blocks until the domain's progress reaches tok, the context ends or the
// deadline passes.
func (d *Domain) WaitProgress(ctx context.Context, tok uint64, deadline time.Time) error {
	if d.progress.Load() >= tok {
		return nil
	}
	var timer *time.Timer
	var timeout <-chan time.Time
	if !deadline.IsZero() {
		timer = time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		timeout = timer.C
	}
	for {
		ch := *d.notify.Load()
		if d.progress.Load() >= tok {
			return nil
		}
		if err := d.Err(); err != nil {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			return fmt.Errorf("%w: write %d not visible after waiting", ErrReadTimeout, tok)
		}
	}
}

// ErrReadTimeout reports that a read waited past its deadline for a write to become visible.
var ErrReadTimeout = errors.New("read timed out")

// Call runs f on the domain's goroutine, in order with its other messages, and waits for it.
func (d *Domain) Call(ctx context.Context, f func()) error {
	done := make(chan struct{})
	select {
	case d.inbox <- Message{kind: msgCall, call: func() { f(); close(done) }}:
	case <-ctx.Done():
		return ctx.Err()
	case <-d.dead:
		return d.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-d.dead:
		return d.Err()
	}
}
