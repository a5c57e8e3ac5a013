package expr

import (
	"slices"

	"github.com/weirdb/weir/dataflow"
)

// Expr is a compiled scalar expression over the columns of one input row. Implementations are
// immutable and safe to share between goroutines.
type Expr interface {
	// Eval computes the expression over row with MySQL semantics (three-valued logic, NULL
	// propagation, implicit conversions). It never panics on any row of the input schema.
	Eval(row dataflow.Row) dataflow.Value
	// Type is the static result type.
	Type() dataflow.Type
	// String is a canonical rendering; two expressions with the same String compute the same
	// function of the row, so plans can be compared and shared by it.
	String() string
}

// node is implemented by every expression of this package; it lets the tree walkers (Columns,
// Remap, IsConst) see inside an expression without a type switch per node kind.
type node interface {
	Expr
	children() []Expr
	// withChildren returns a copy of the node over new children (same count and order).
	withChildren(ch []Expr) Expr
}

// Columns returns the input positions e references, sorted and without duplicates.
func Columns(e Expr) []int {
	seen := map[int]bool{}
	walk(e, func(x Expr) {
		if c, ok := x.(*colRef); ok {
			seen[c.idx] = true
		}
	})
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

func walk(e Expr, f func(Expr)) {
	if e == nil {
		return
	}
	f(e)
	if n, ok := e.(node); ok {
		for _, c := range n.children() {
			walk(c, f)
		}
	}
}

// Remap returns e with every column position i replaced by f(i). The planner uses it when it
// moves an expression across an operator that reorders columns (a projection, a join side).
func Remap(e Expr, f func(int) int) Expr {
	if e == nil {
		return nil
	}
	if c, ok := e.(*colRef); ok {
		return NewCol(f(c.idx), c.col)
	}
	n, ok := e.(node)
	if !ok {
		return e
	}
	ch := n.children()
	if len(ch) == 0 {
		return e
	}
	out := make([]Expr, len(ch))
	for i, c := range ch {
		out[i] = Remap(c, f)
	}
	return n.withChildren(out)
}

// IsConst reports whether e references no column, so that it evaluates to the same value for
// every row and may be folded. Every function of this package is deterministic, so that is
// enough. An expression implemented outside this package is never considered constant.
func IsConst(e Expr) bool {
	constant := true
	walk(e, func(x Expr) {
		if _, ok := x.(*colRef); ok {
			constant = false
		} else if _, ok := x.(node); !ok {
			constant = false
		}
	})
	return constant
}
