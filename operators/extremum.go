package operators

import (
	"slices"

	"github.com/google/btree"

	"github.com/weirdb/weir/dataflow"
)

// compareValuesTotal is the order of a counted value bag (dataflow.CompareTotal): 0 only for
// values dataflow.Identical equates, which is what lets a bag remove the exact copy a
// retraction names.
func compareValuesTotal(a, b dataflow.Value) int { return dataflow.CompareTotal(a, b) }

// compareRowsExact orders rows column by column with compareValuesTotal; 0 means identical.
func compareRowsExact(a, b dataflow.Row) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if c := compareValuesTotal(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// Bag sizes: a sorted slice is faster than a tree for the small groups that dominate real
// data (one memmove beats pointer chasing); past bagSmallMax distinct entries the bag moves
// into a B-tree so an insert or delete stays logarithmic. The gap between the two thresholds
// keeps a group that hovers around the limit from converting back and forth on every delta.
const (
	bagSmallMax  = 64
	bagShrinkMax = 24
	bagDegree    = 16
)

// bagEntry is one distinct element of a bag and its multiplicity.
type bagEntry[T any] struct {
	v T
	n int64
}

// bag is a counted sorted multiset. The order is supplied by the caller on every call and
// must be the same function each time (the tree keeps the one it was built with); it must
// return 0 exactly for elements that are the same element.
type bag[T any] struct {
	small []bagEntry[T]
	big   *bigBag[T]
	total int64
}

type bigBag[T any] struct {
	tree  *btree.BTreeG[*bagEntry[T]]
	probe bagEntry[T]
}

func (b *bag[T]) empty() bool { return b.total == 0 }

// search returns the position of v in the small slice, or where it would be inserted.
func (b *bag[T]) search(v T, cmp func(a, b T) int) (int, bool) {
	return slices.BinarySearchFunc(b.small, v, func(e bagEntry[T], v T) int { return cmp(e.v, v) })
}

// add inserts one copy of v.
func (b *bag[T]) add(v T, cmp func(a, b T) int) {
	b.total++
	if b.big != nil {
		b.big.probe.v = v
		if e, ok := b.big.tree.Get(&b.big.probe); ok {
			e.n++
		} else {
			b.big.tree.ReplaceOrInsert(&bagEntry[T]{v: v, n: 1})
		}
		var zero T
		b.big.probe.v = zero
		return
	}
	i, ok := b.search(v, cmp)
	if ok {
		b.small[i].n++
		return
	}
	if len(b.small) >= bagSmallMax {
		b.grow(cmp)
		b.total--
		b.add(v, cmp)
		return
	}
	b.small = append(b.small, bagEntry[T]{})
	copy(b.small[i+1:], b.small[i:])
	b.small[i] = bagEntry[T]{v: v, n: 1}
}

func (b *bag[T]) grow(cmp func(a, b T) int) {
	tree := btree.NewG(bagDegree, func(x, y *bagEntry[T]) bool { return cmp(x.v, y.v) < 0 })
	for i := range b.small {
		e := b.small[i]
		tree.ReplaceOrInsert(&e)
	}
	b.small = nil
	b.big = &bigBag[T]{tree: tree}
}

// remove deletes one copy of v and reports whether there was one.
func (b *bag[T]) remove(v T, cmp func(a, b T) int) bool {
	if b.big != nil {
		b.big.probe.v = v
		e, ok := b.big.tree.Get(&b.big.probe)
		if ok {
			if e.n--; e.n == 0 {
				b.big.tree.Delete(&b.big.probe)
			}
		}
		var zero T
		b.big.probe.v = zero
		if !ok {
			return false
		}
		b.total--
		if b.big.tree.Len() < bagShrinkMax {
			b.shrink()
		}
		return true
	}
	i, ok := b.search(v, cmp)
	if !ok {
		return false
	}
	b.total--
	if b.small[i].n--; b.small[i].n == 0 {
		copy(b.small[i:], b.small[i+1:])
		b.small[len(b.small)-1] = bagEntry[T]{}
		b.small = b.small[:len(b.small)-1]
	}
	return true
}

func (b *bag[T]) shrink() {
	small := make([]bagEntry[T], 0, bagSmallMax)
	b.big.tree.Ascend(func(e *bagEntry[T]) bool {
		small = append(small, *e)
		return true
	})
	b.small = small
	b.big = nil
}

// first returns the smallest element.
func (b *bag[T]) first() (T, bool) {
	if b.big != nil {
		if e, ok := b.big.tree.Min(); ok {
			return e.v, true
		}
	} else if len(b.small) > 0 {
		return b.small[0].v, true
	}
	var zero T
	return zero, false
}

// last returns the largest element.
func (b *bag[T]) last() (T, bool) {
	if b.big != nil {
		if e, ok := b.big.tree.Max(); ok {
			return e.v, true
		}
	} else if len(b.small) > 0 {
		return b.small[len(b.small)-1].v, true
	}
	var zero T
	return zero, false
}

// ascend calls fn for each distinct element in order with its multiplicity, until fn
// returns false.
func (b *bag[T]) ascend(fn func(v T, n int64) bool) {
	if b.big != nil {
		b.big.tree.Ascend(func(e *bagEntry[T]) bool { return fn(e.v, e.n) })
		return
	}
	for _, e := range b.small {
		if !fn(e.v, e.n) {
			return
		}
	}
}

// descend is ascend in reverse order.
func (b *bag[T]) descend(fn func(v T, n int64) bool) {
	if b.big != nil {
		b.big.tree.Descend(func(e *bagEntry[T]) bool { return fn(e.v, e.n) })
		return
	}
	for i := len(b.small) - 1; i >= 0; i-- {
		if !fn(b.small[i].v, b.small[i].n) {
			return
		}
	}
}

// valueBag is the per-group state of MIN, MAX and GROUP_CONCAT: every non-NULL value of the
// group with its multiplicity, in compareValuesTotal order. Keeping all values (not just the
// current extreme) is what lets a retraction of the extreme produce the next one at once,
// without a query back to the parent.
type valueBag = bag[dataflow.Value]

// extremum returns MIN (max false) or MAX of the bag, or NULL when it is empty. Among values
// the collation calls equal ('a', 'A') MIN picks the first in exact order and MAX the last,
// so the answer depends only on the multiset, never on arrival order.
func extremum(b *valueBag, max bool) dataflow.Value {
	var (
		v  dataflow.Value
		ok bool
	)
	if max {
		v, ok = b.last()
	} else {
		v, ok = b.first()
	}
	if !ok {
		return dataflow.Null
	}
	return v
}
