package upquery

import (
	"context"
	"fmt"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// Range upqueries. A reader of a query whose only conditions are ranges keeps interval
// holes (operators.Reader.SetIntervalHoles) when its range column traces, column for
// column, to a column of a base table: through stateless operators with one parent
// (filters, projections of plain columns), through unions (UNION ALL: every branch is
// filled by the same interval, and the union passes the pieces on together,
// dataflow.RangePieceMerger), and through full joins from the side the column comes from
// (dataflow.ReplayThrough: the piece's rows are joined with the other side's state as it
// is when the piece passes). The base table answers the interval from an ordered index on
// the column, built for the purpose and kept by its writes
// (operators.Base.EnsureOrderedIndex), in O(log n) plus the rows of the interval.
//
// An aggregate grouped by the range column on the way is partial by intervals of it
// (operators.Aggregate.SetIntervalPartial): it keeps the groups of the intervals filled,
// builds those of an interval's missing part from the piece, and evicts an interval when
// its reader does, in the same domain and step (operators.IntervalState). It must then be
// reached from the reader through stateless operators of one parent, so that it shares
// the reader's domain, and there is one such state at most.
//
// Anything else on the path keeps the reader full, with the reason recorded on it
// (operators.Reader.FullReason): a distinct or top-k computes rows from others and its
// state answers by group, not by a range of an output column; an aggregate below a join
// or union could not evict with its reader; a column computed by an expression has no
// index to answer from.
//
// A range upquery is an ordinary upquery whose key row is operators.RangeKey: the
// interval rides as three values, so the fill slots, coalescing and waiting of Target, and
// the domains' replay messages, serve ranges unchanged.

// PlanRange decides whether a reader without equality keys over root, ordered by root's
// output column col, can keep interval holes filled by range upqueries. It returns "" when
// it can, and otherwise why not. The nodes are those of a new query before linking, as for
// Plan: a state on the way that can be partial by intervals of the column (an aggregate
// grouped by it) is among states, and Apply makes it so. Such a state must be reached from
// the reader through stateless operators of one parent (so that it shares the reader's
// domain, where the reader's evictions are its own in the same step), and there is one at
// most.
func PlanRange(root *dataflow.Node, col int) (states []IntervalPartial, reason string) {
	return planRange(root, col, true)
}

// planRange traces column c of n to the base tables' columns; direct says only stateless
// operators of one parent lie between n and the reader.
func planRange(n *dataflow.Node, c int, direct bool) (states []IntervalPartial, reason string) {
	for {
		if _, ok := n.Op.(rangeSource); ok {
			return states, ""
		}
		if _, ok := n.Op.(dataflow.Stateless); ok {
			if len(n.Parents) != 1 {
				// A union: every parent is filled by the same interval, and it passes on
				// their pieces together (dataflow.RangePieceMerger).
				if _, ok := n.Op.(dataflow.RangePieceMerger); !ok {
					return nil, fmt.Sprintf("a range upquery cannot pass %s: it merges pieces by equal key values only", n.Op.Describe())
				}
				for slot, p := range n.Parents {
					in, ok := ParentCols(n.Op, slot, []int{c})
					if !ok {
						return nil, fmt.Sprintf("the range column is computed by %s: no index holds its values", n.Op.Describe())
					}
					below, why := planRange(p, in[0], false)
					if why != "" {
						return nil, why
					}
					if len(below) > 0 {
						return nil, fmt.Sprintf("the range column comes from %s below %s: a state by intervals must share its reader's domain, above any union", below[0].Node.Op.Describe(), n.Op.Describe())
					}
				}
				return states, ""
			}
			in, ok := ParentCols(n.Op, 0, []int{c})
			if !ok {
				return nil, fmt.Sprintf("the range column is computed by %s: no index holds its values", n.Op.Describe())
			}
			n, c = n.Parents[0], in[0]
			continue
		}
		if slot, in, ok := passThrough(n, []int{c}); ok {
			n, c, direct = n.Parents[slot], in[0], false
			continue
		}
		if ik, ok := n.Op.(intervalKeyable); ok && len(n.Parents) == 1 && !IsPartial(n) {
			in, traced := ParentCols(n.Op, 0, []int{c})
			switch {
			case !traced:
				return nil, fmt.Sprintf("the range column is computed by %s: its groups are not ordered by it", n.Op.Describe())
			case !ik.IntervalKeyable(in[0]):
				return nil, fmt.Sprintf("the range column comes from %s, which cannot keep its state by intervals of it", n.Op.Describe())
			case !direct:
				return nil, fmt.Sprintf("the range column comes from %s below a join or union: its intervals could not be evicted with the reader's", n.Op.Describe())
			case len(states) > 0:
				return nil, fmt.Sprintf("the range column comes from %s below %s: one state by intervals at most", n.Op.Describe(), states[0].Node.Op.Describe())
			}
			states = append(states, IntervalPartial{Node: n, Col: in[0]})
			n, c, direct = n.Parents[0], in[0], false
			continue
		}
		return nil, fmt.Sprintf("the range column comes from %s, whose state cannot answer an interval", n.Op.Describe())
	}
}

// IntervalPartial is a state that PlanRange found can be partial by intervals of its
// parent's column Col.
type IntervalPartial struct {
	Node *dataflow.Node
	Col  int
}

// Apply makes the state partial by intervals, before it is linked.
func (p IntervalPartial) Apply() { p.Node.Op.(intervalKeyable).SetIntervalPartial(p.Col) }

// intervalKeyable is a state that can be partial by intervals of one of its parent's
// columns (operators.Aggregate, by a group column): it keeps the state of the rows whose
// value lies in the intervals filled, fills an interval from a range upquery's piece, and
// evicts intervals with the reader below it (operators.IntervalState).
type intervalKeyable interface {
	IntervalKeyable(col int) bool
	SetIntervalPartial(col int)
	IntervalColumn() (int, bool)
}

// rangeSource is a replay source that answers an interval of one of its columns (a base
// table).
type rangeSource interface {
	EnsureOrderedIndex(col int)
	LookupRange(col int, iv operators.Interval) []dataflow.Row
}

// BuildRangeReplay builds the fill tree of a reader with interval holes (see PlanRange)
// whose range column is col, from the linked graph: one path from each base table up to
// which the column traces (one per branch of a union on the way), each table's ordered
// index on the column built first in its domain.
func BuildRangeReplay(ctx context.Context, rt *dataflow.Runtime, target *dataflow.Node, col int,
	fill func(dataflow.Row, dataflow.Batch) bool) (*dataflow.Replay, error) {
	r := &dataflow.Replay{Fill: fill}
	hops := []dataflow.ReplayHop{{Node: target, Pieces: 1, Key: []int{col}, Range: true}}
	if err := walkRange(ctx, rt, r, target.Parents[0], col, hops); err != nil {
		return nil, err
	}
	return r, nil
}

// walkRange adds the paths above n, whose column c the interval is of; tail is the rest of
// the way down to the target.
func walkRange(ctx context.Context, rt *dataflow.Runtime, r *dataflow.Replay, n *dataflow.Node, c int, tail []dataflow.ReplayHop) error {
	for {
		if src, ok := n.Op.(rangeSource); ok {
			d := rt.Domains[n.Domain]
			if err := d.Call(ctx, func() { src.EnsureOrderedIndex(c) }); err != nil {
				return err
			}
			srcCol := c
			lookup := func(key dataflow.Row) []dataflow.Row {
				_, iv, ok := operators.SplitRangeKey(key)
				if !ok {
					return nil
				}
				return src.LookupRange(srcCol, iv)
			}
			r.Leaves = append(r.Leaves, dataflow.ReplayLeaf{Source: n, Lookup: lookup, Hops: tail})
			return nil
		}
		hop := func(slot int) []dataflow.ReplayHop {
			h := dataflow.ReplayHop{Node: n, Slot: slot, Pieces: 1, Key: []int{c}, Range: true}
			if _, ok := n.Op.(dataflow.Stateless); ok {
				h.Pieces = len(n.Parents)
			}
			return append([]dataflow.ReplayHop{h}, tail...)
		}
		if ik, ok := n.Op.(intervalKeyable); ok {
			if pc, partial := ik.IntervalColumn(); partial {
				tail = hop(0)
				n, c = n.Parents[0], pc
				continue
			}
		}
		if _, ok := n.Op.(dataflow.Stateless); ok {
			if len(n.Parents) > 1 {
				for slot, p := range n.Parents {
					in, traced := ParentCols(n.Op, slot, []int{c})
					if !traced {
						return fmt.Errorf("upquery: range column %d of %s does not trace to parent %d", c, n.Op.Describe(), slot)
					}
					if err := walkRange(ctx, rt, r, p, in[0], hop(slot)); err != nil {
						return err
					}
				}
				return nil
			}
			in, traced := ParentCols(n.Op, 0, []int{c})
			if !traced {
				return fmt.Errorf("upquery: range column %d of %s does not trace to its parent", c, n.Op.Describe())
			}
			tail = hop(0)
			n, c = n.Parents[0], in[0]
			continue
		}
		if s, cols, ok := passThrough(n, []int{c}); ok {
			tail = hop(s)
			n, c = n.Parents[s], cols[0]
			continue
		}
		return fmt.Errorf("upquery: %s cannot carry a range upquery", n.Op.Describe())
	}
}

// NewRangeTarget builds the fill side of a reader node with interval holes whose range
// column is col (see BuildRangeReplay).
func (c *Client) NewRangeTarget(ctx context.Context, node *dataflow.Node, col int) (*Target, error) {
	reader, ok := node.Op.(*operators.Reader)
	if !ok || !reader.IntervalHoles() {
		return nil, fmt.Errorf("upquery: node %d is not a reader with interval holes", node.ID)
	}
	t := &Target{c: c, reader: reader, home: c.rt.Domains[node.Domain], filling: map[string]chan struct{}{}, ranged: true}
	path, err := BuildRangeReplay(ctx, c.rt, node, col, t.fill)
	if err != nil {
		return nil, err
	}
	if len(path.Leaves) == 0 {
		return nil, fmt.Errorf("upquery: reader node %d has no range replay source", node.ID)
	}
	t.path = path
	t.source = c.rt.Domains[path.Leaves[0].Source.Domain]
	return t, nil
}

// AwaitRange fills the holes missing of equality key eq (none: the reader has no equality
// key) and waits until every one has been filled, sharing the upqueries of concurrent
// calls for the same intervals. As for Await, the caller looks again after: an interval
// can be evicted again by the time it does.
func (t *Target) AwaitRange(ctx context.Context, eq dataflow.Row, missing []operators.Interval, timeout <-chan time.Time) error {
	if !t.ranged {
		return fmt.Errorf("upquery: a range fill of a reader without interval holes")
	}
	dones := make([]<-chan struct{}, 0, len(missing))
	for _, iv := range missing {
		key := operators.RangeKey(eq, iv)
		enc := dataflow.EncodeKey(key)
		done, first := t.join(enc)
		if first {
			if _, err := t.send(ctx, key, enc, true); err != nil {
				return err
			}
		}
		dones = append(dones, done)
	}
	start := time.Now()
	for _, done := range dones {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			return fmt.Errorf("%w: fill of a missing range did not complete", dataflow.ErrReadTimeout)
		case <-t.c.rt.Done():
			return dataflow.ErrClosed
		case <-t.source.Dead():
			return t.source.Err()
		case <-t.home.Dead():
			return t.home.Err()
		}
	}
	t.fillNanos.Add(int64(time.Since(start)))
	t.fillsTimed.Add(1)
	return nil
}

// StartRange sends the range upqueries for the holes missing of equality key eq, unless
// their fills are under way or every slot is busy. It never blocks.
func (t *Target) StartRange(eq dataflow.Row, missing []operators.Interval) error {
	for _, iv := range missing {
		if err := t.Start(operators.RangeKey(eq, iv)); err != nil {
			return err
		}
	}
	return nil
}
