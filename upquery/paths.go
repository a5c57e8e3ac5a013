package upquery

import (
	"context"
	"fmt"
	"slices"

	"github.com/weirdb/weir/dataflow"
)

// BuildReplay builds the fill tree of a partial target (a reader) that reads parent with
// key columns keyCols, from the linked graph: one leaf per replay source, each with the
// hops its piece travels down to the target. It follows the trace Plan made: through
// stateless operators by column provenance, through partial states by their state keys
// (or the columns they are partial by, dataflow.SubKeyedState),
// through full joins by the columns of one side (dataflow.ReplayThrough), ending at full
// states that can answer for the key (dataflow.OutputIndex). A source that
// answers by a scan unless it is indexed (a base table, by columns other than its primary
// key) gets the index first, built in its domain.
//
// fill installs a key at the target, in the target's domain (dataflow.Replay.Fill).
func BuildReplay(ctx context.Context, rt *dataflow.Runtime, target *dataflow.Node, keyCols []int,
	fill func(dataflow.Row, dataflow.Batch) bool) (*dataflow.Replay, error) {
	r := &dataflow.Replay{Fill: fill}
	b := replayBuilder{ctx: ctx, rt: rt, r: r}
	b.walk(target.Parents[0], keyCols, []dataflow.ReplayHop{{Node: target, Pieces: 1, Key: slices.Clone(keyCols)}})
	if b.err != nil {
		return nil, b.err
	}
	return r, nil
}

type replayBuilder struct {
	ctx context.Context
	rt  *dataflow.Runtime
	r   *dataflow.Replay
	err error
}

// walk adds the paths above n, whose output is looked up by cols; tail is the rest of the
// way down to the target.
func (b *replayBuilder) walk(n *dataflow.Node, cols []int, tail []dataflow.ReplayHop) {
	if b.err != nil {
		return
	}
	hop := func(slot int) []dataflow.ReplayHop {
		h := dataflow.ReplayHop{Node: n, Slot: slot, Pieces: len(n.Parents), Key: slices.Clone(cols)}
		return append([]dataflow.ReplayHop{h}, tail...)
	}
	if _, ok := n.Op.(dataflow.Stateless); ok {
		for slot, p := range n.Parents {
			in, ok := ParentCols(n.Op, slot, cols)
			if !ok {
				b.err = fmt.Errorf("upquery: key %v of %s does not trace to parent %d", cols, n.Op.Describe(), slot)
				return
			}
			b.walk(p, in, hop(slot))
		}
		return
	}
	if sk, ok := n.Op.(dataflow.SubKeyedState); ok && IsPartial(n) && sk.PartialKey() != nil {
		b.walk(n.Parents[0], sk.PartialKey(), hop(0))
		return
	}
	if ks, ok := n.Op.(dataflow.KeyedState); ok && IsPartial(n) {
		for slot, p := range n.Parents {
			b.walk(p, ks.StateKey(slot), hop(slot))
		}
		return
	}
	if idx, ok := n.Op.(dataflow.OutputIndex); !ok || !idx.KeyedBy(cols) {
		if slot, in, ok := passThrough(n, cols); ok {
			h := dataflow.ReplayHop{Node: n, Slot: slot, Pieces: 1, Key: slices.Clone(cols)}
			b.walk(n.Parents[slot], in, append([]dataflow.ReplayHop{h}, tail...))
			return
		}
	}
	lookup, err := b.sourceLookup(n, cols)
	if err != nil {
		b.err = err
		return
	}
	b.r.Leaves = append(b.r.Leaves, dataflow.ReplayLeaf{Source: n, Lookup: lookup, Hops: tail})
}

// indexedSource is a replay source that answers by some column sets only with a scan,
// unless it is given an index for them (a base table, by columns other than its primary
// key).
type indexedSource interface {
	CoveredByPrimaryKey(cols []int) bool
	EnsureIndex(cols []int)
}

// sourceLookup is how a replay source answers for a key.
func (b *replayBuilder) sourceLookup(n *dataflow.Node, cols []int) (func(dataflow.Row) []dataflow.Row, error) {
	idx, ok := n.Op.(dataflow.OutputIndex)
	if !ok || !idx.KeyedBy(cols) {
		return nil, fmt.Errorf("upquery: %s cannot answer a replay by columns %v", n.Op.Describe(), cols)
	}
	if is, ok := n.Op.(indexedSource); ok && !is.CoveredByPrimaryKey(cols) {
		// The index is built in the source's domain, which may be answering other views'
		// upqueries meanwhile (writes are stopped, but reads are not).
		d := b.rt.Domains[n.Domain]
		if err := d.Call(b.ctx, func() { is.EnsureIndex(cols) }); err != nil {
			return nil, err
		}
	}
	cols = slices.Clone(cols)
	return func(key dataflow.Row) []dataflow.Row { return idx.LookupOutput(cols, key) }, nil
}
