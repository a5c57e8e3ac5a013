package dataflow

import "fmt"

// Replay is the tree along which one partial target (a reader) fills its keys. Its leaves
// are the nearest states that can answer for the key without holes (base tables, or full
// operator state); each leaf's path runs down through stateless operators and partial
// states to the target. Paths meet at joins and unions, which wait for one piece from
// every path of a request before they pass anything on.
//
// A key travels unchanged along the tree: every partial state on it is keyed by the same
// values (the planner makes a state partial only when the target's key columns trace to
// its key columns one for one, in order), so one encoded key names the key everywhere.
type Replay struct {
	Leaves []ReplayLeaf
	// Fill, run in the target's domain, installs the key at the target. It reports whether
	// the key was already present (the piece was not needed and its holds are released).
	Fill func(key Row, rows Batch) (redundant bool)
}

// ReplayLeaf is one path of a replay tree: the state the piece is read from and the hops it
// then travels, ending at the target.
type ReplayLeaf struct {
	Source *Node
	// Lookup, run in Source's domain, returns Source's output rows for the key.
	Lookup func(key Row) []Row
	Hops   []ReplayHop
}

// ReplayHop is one node a piece passes.
type ReplayHop struct {
	Node *Node
	// Slot is the parent position at which Node receives the piece.
	Slot int
	// Pieces is how many pieces of one request reach Node: one per path that meets there.
	Pieces int
	// Key is the key columns in Node's output.
	Key []int
	// Range: the key row is a range upquery's (an interval of Key's one column, see
	// operators.RangeKey), so rows belong to the key by lying in the interval.
	Range bool
}

// PartialState is implemented by operators whose state can be partial: present keys are
// kept up to date, updates for holes are dropped, and a hole is filled by a replay piece.
//
// Every piece a partial state passes on places a hold on the key there, which the state
// downstream gives back (Release) when it evicts the key or finds it did not need the piece.
// A key with holds is never evicted, so a key present downstream is always present
// upstream, and the upstream state keeps it current. Holds are counted, not flagged: a
// release still in flight while the key is filled again is balanced by the new piece.
type PartialState interface {
	Operator
	// Partial reports whether the operator keeps partial state.
	Partial() bool
	// ReplayPiece takes the piece of request req for key arriving at parent slot; pieces is
	// how many pieces the request sends here. Until all have arrived it returns done =
	// false. Then it returns the operator's whole current output for the key as insertions
	// and takes a hold on the key. redundant reports that this slot's piece was not used
	// because the key was already present there: its sender's hold must be released.
	ReplayPiece(req uint64, slot int, key Row, piece Batch, pieces int) (out Batch, done, redundant bool)
	// Release gives back one hold on an encoded key (dataflow.AppendKey of each key value).
	// When none is left and no request is waiting on it the key becomes a hole and evicted
	// is true: the holds it had on its parents' states must then be released.
	Release(key string) (evicted bool)
	// StateBytes approximates the memory the present keys hold.
	StateBytes() int64
	// PresentKeys calls f with every present key, encoded.
	PresentKeys(f func(key string))
}

// IsPartial reports whether a node keeps partial state: a partial operator state or a
// partial reader (any operator whose Partial method says so).
func IsPartial(n *Node) bool {
	p, ok := n.Op.(interface{ Partial() bool })
	return ok && p.Partial()
}

// PieceMerger is implemented by stateless operators where several paths of one replay meet
// (unions): they collect the pieces of a request and pass on their concatenation once every
// piece has arrived.
type PieceMerger interface {
	MergePiece(req uint64, slot int, keyCols []int, key Row, piece Batch, pieces int) (out Batch, done bool)
}

// RangePieceMerger is a PieceMerger that also collects the pieces of range upqueries, whose
// key names an interval of column col (ReplayHop.Range): the deltas that belong to such a
// key are those whose value of col lies in the interval.
type RangePieceMerger interface {
	MergeRangePiece(req uint64, slot int, col int, key Row, piece Batch, pieces int) (out Batch, done bool)
}

// ReplayThrough is implemented by stateful operators that a replay piece may pass through
// while their state is full (a join): the piece's rows, from one parent, are already in the
// state, and the operator computes the output they stand for from the state of its other
// parents as it is when the piece arrives, changing nothing. That output is right by the
// ordering argument: every delta of the other parents that the state does not hold yet
// arrives after the piece and is matched against the full state, whose rows of the key
// include the piece's, and reaches the target, where the key is present by then.
type ReplayThrough interface {
	ReplayThrough(slot int, piece Batch) Batch
}

// release is a hold given back on node's key.
type release struct {
	node *Node
	key  string
}

// AppendKeys appends the encoding of a key's values (AppendKey of each): the form in which
// readers and partial states key their maps, and PartialState.Release takes.
func AppendKeys(buf []byte, key Row) []byte {
	for _, v := range key {
		buf = AppendKey(buf, v)
	}
	return buf
}

// EncodeKey is AppendKeys as a string. The encoding is built on the stack: a key's string is
// its one allocation.
func EncodeKey(key Row) string {
	var buf [64]byte
	return string(AppendKeys(buf[:0], key))
}

// replay moves a piece along leaf li's path from hop i, handing it to the next domain when
// the path leaves this one.
func (d *Domain) replay(r *Replay, li, i int, key Row, req uint64, b Batch) {
	hops := r.Leaves[li].Hops
	for ; i < len(hops); i++ {
		h := &hops[i]
		n := h.Node
		if n.Domain != d.ID {
			m := Message{kind: msgReplay, replay: r, leaf: li, hop: i, key: key, req: req, batch: b}
			d.outbox[n.Domain] = append(d.outbox[n.Domain], pendingBatch{replay: &m})
			// Updates queued after this piece must not merge into entries ahead of it.
			for k := range d.outIndex {
				if k.node.Domain == n.Domain {
					delete(d.outIndex, k)
				}
			}
			return
		}
		if i == len(hops)-1 {
			if r.Fill(key, b) {
				d.releaseParents(n, h.Slot, EncodeKey(key))
			}
			return
		}
		if ps, ok := n.Op.(PartialState); ok && ps.Partial() {
			if n.retired {
				// The node left the graph while the piece was on its way: nothing below
				// will hold the key, so the holds the piece took above go back.
				d.releaseParents(n, h.Slot, EncodeKey(key))
				return
			}
			out, done, redundant := ps.ReplayPiece(req, h.Slot, key, b, h.Pieces)
			if redundant {
				d.releaseParents(n, h.Slot, EncodeKey(key))
			}
			if !done {
				return
			}
			b = out
			continue
		}
		if rm, ok := n.Op.(RangePieceMerger); ok && h.Range && h.Pieces > 1 && len(h.Key) == 1 {
			out, done := rm.MergeRangePiece(req, h.Slot, h.Key[0], key, b, h.Pieces)
			if !done {
				return
			}
			b = out
			continue
		}
		if pm, ok := n.Op.(PieceMerger); ok && h.Pieces > 1 {
			out, done := pm.MergePiece(req, h.Slot, h.Key, key, b, h.Pieces)
			if !done {
				return
			}
			b = out
			continue
		}
		if rt, ok := n.Op.(ReplayThrough); ok {
			b = rt.ReplayThrough(h.Slot, b)
			continue
		}
		b = n.Op.Process(h.Slot, b)
	}
}

// Upquery asks every leaf of the replay tree to send its piece for key; the pieces meet on
// their way and the target is filled once.
func (rt *Runtime) Upquery(r *Replay, key Row) error {
	if rt.closed.Load() {
		return ErrClosed
	}
	req := rt.reqs.Add(1)
	for li := range r.Leaves {
		d := rt.Domains[r.Leaves[li].Source.Domain]
		select {
		case d.inbox <- Message{kind: msgUpquery, replay: r, leaf: li, key: key, req: req}:
		case <-rt.stop:
			return ErrClosed
		case <-d.dead:
			return d.Err()
		}
	}
	return nil
}

// ReleaseUpstream gives back the holds node n has on its parents' partial states for an
// encoded key, after n evicted it. It must run on n's domain.
func (d *Domain) ReleaseUpstream(n *Node, key string) {
	for slot := range n.Ups {
		d.releaseParents(n, slot, key)
	}
}

// ReleaseSlot gives back the hold node n has for an encoded key on the partial states that
// feed it at parent slot. It must run on n's domain.
func (d *Domain) ReleaseSlot(n *Node, slot int, key string) { d.releaseParents(n, slot, key) }

// releaseParents gives back one hold for key on each partial state feeding n at slot.
func (d *Domain) releaseParents(n *Node, slot int, key string) {
	if slot >= len(n.Ups) {
		return
	}
	for _, up := range n.Ups[slot] {
		if up.Domain == d.ID {
			d.release(up, key)
			continue
		}
		peer := d.peers[up.Domain]
		peer.relMu.Lock()
		peer.releases = append(peer.releases, release{node: up, key: key})
		peer.relMu.Unlock()
		select {
		case peer.inbox <- Message{kind: msgWake}:
		default: // the peer is busy and looks at its releases after the step it is in
		}
	}
}

// release applies one release to a node of this domain, passing it on when the key goes.
// A retired node gave its holds back when it retired: releases that reach it are late.
func (d *Domain) release(n *Node, key string) {
	ps, ok := n.Op.(PartialState)
	if !ok || !ps.Partial() || n.retired {
		return
	}
	if ps.Release(key) {
		d.ReleaseUpstream(n, key)
	}
}

// Retire marks n, a partial node that has left the graph, as gone for the replay pieces and
// releases still in flight towards it: a piece that reaches it later gives back the holds
// it took above instead of filling the key, and a release that reaches it is ignored. It
// must run in n's domain (see Call), before the holds of n's present keys are given back
// (ReleaseUpstream of each), so that every hold above is given back exactly once: by the
// key's release if the key was present when n retired, by the piece if it arrived after.
// A retired reader's fill function is still called (it gives back what the fill took);
// it must not install the key.
func (d *Domain) Retire(n *Node) {
	if n.Domain != d.ID {
		panic(fmt.Sprintf("dataflow: Retire of node %d (domain %d) in domain %d", n.ID, n.Domain, d.ID))
	}
	n.retired = true
}

// Retired reports whether n has retired (see Retire). Only n's domain may ask.
func (n *Node) Retired() bool { return n.retired }

// handleReleases applies the releases other domains sent.
func (d *Domain) handleReleases() {
	d.relMu.Lock()
	rs := d.releases
	d.releases = nil
	d.relMu.Unlock()
	for _, r := range rs {
		d.release(r.node, r.key)
	}
}
