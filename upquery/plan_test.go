package upquery_test

import (
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/upquery"
)

func node(op dataflow.Operator, parents ...*dataflow.Node) *dataflow.Node {
	return &dataflow.Node{Op: op, Parents: parents}
}

func col(i int) expr.Expr { return expr.NewCol(i, dataflow.Column{Name: "c"}) }

var count = []operators.AggSpec{{Func: operators.AggCountStar}}

// TestPlanTracesProvenance: which states Plan makes partial, for a reader keyed by keyCols
// on root, is decided from the operators' column provenance alone.
func TestPlanTracesProvenance(t *testing.T) {
	// Fresh tables per case: votes(article, user), articles(id, title).
	type shape struct {
		root    *dataflow.Node
		keyCols []int
		partial []*dataflow.Node // nil with ok false: the reader must be full
		ok      bool
	}
	cases := map[string]func() shape{
		"a base table by any column is a source": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			return shape{root: votes, keyCols: []int{1}, ok: true}
		},
		"an aggregate grouped by the key is partial": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0}, count), votes)
			return shape{root: agg, keyCols: []int{0}, partial: []*dataflow.Node{agg}, ok: true}
		},
		"an aggregate grouped by the key and another column: no state answers, the reader is full": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0, 1}, count), votes)
			return shape{root: agg, keyCols: []int{0}}
		},
		"key columns in another order than the groups: the aggregate stays full and answers by its index": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0, 1}, count), votes)
			return shape{root: agg, keyCols: []int{1, 0}, ok: true}
		},
		"a key on an aggregate's computed column cannot be traced": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0}, count), votes)
			return shape{root: agg, keyCols: []int{1}}
		},
		"a projection passes plain columns and reorders them": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0}, count), votes)
			proj := node(operators.NewProject([]expr.Expr{col(1), col(0)}), agg)
			return shape{root: proj, keyCols: []int{1}, partial: []*dataflow.Node{agg}, ok: true}
		},
		"a key on a projection's computed column cannot be traced": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			proj := node(operators.NewProject([]expr.Expr{expr.NewConst(dataflow.Int(1))}), votes)
			return shape{root: proj, keyCols: []int{0}}
		},
		"a join on the key is partial, and so is the aggregate under it": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0}, count), votes)
			join := node(operators.NewJoin(operators.JoinLeft, []int{0}, []int{0}, 2, 2), articles, agg)
			return shape{root: join, keyCols: []int{0}, partial: []*dataflow.Node{join, agg}, ok: true}
		},
		"a join keyed by the right side's key columns is partial": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			join := node(operators.NewJoin(operators.JoinInner, []int{0}, []int{0}, 2, 2), articles, votes)
			return shape{root: join, keyCols: []int{2}, partial: []*dataflow.Node{join}, ok: true}
		},
		"a join by a non-key column of one side stays full and lets the replay through to that side": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			join := node(operators.NewJoin(operators.JoinInner, []int{0}, []int{0}, 2, 2), articles, votes)
			return shape{root: join, keyCols: []int{1}, ok: true}
		},
		"a join by columns of both sides is full: no side answers for them": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			join := node(operators.NewJoin(operators.JoinInner, []int{0}, []int{0}, 2, 2), articles, votes)
			return shape{root: join, keyCols: []int{1, 3}}
		},
		"a full join lets no replay through to a side that would be partial": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{1}, count), votes)
			join := node(operators.NewJoin(operators.JoinInner, []int{0}, []int{1}, 2, 2), articles, agg)
			// The key is the aggregate's group column, seen from the right side only, and not
			// the join key: the aggregate would be partial under a full join.
			return shape{root: join, keyCols: []int{2}}
		},
		"a union passes the key to every input": func() shape {
			a := node(operators.NewBase("a", 2, nil))
			b := node(operators.NewBase("b", 2, nil))
			aggA := node(operators.NewAggregate([]int{0}, count), a)
			union := node(operators.NewUnion(2), aggA, b)
			return shape{root: union, keyCols: []int{0}, partial: []*dataflow.Node{aggA}, ok: true}
		},
		"a distinct keeps whole rows and stops the trace": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			d := node(operators.NewDistinct(), votes)
			return shape{root: d, keyCols: []int{0}}
		},
		"an aggregate whose input cannot be traced falls back to full, leaving no marks": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			d := node(operators.NewDistinct(), votes)
			inner := node(operators.NewAggregate([]int{0}, count), d)
			outer := node(operators.NewAggregate([]int{0}, count), inner)
			// outer's own key traces into inner, whose input (a distinct) cannot be traced:
			// inner stays full and answers as a source, so outer alone is partial.
			return shape{root: outer, keyCols: []int{0}, partial: []*dataflow.Node{outer}, ok: true}
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			s := build()
			partial, ok := upquery.Plan(s.root, s.keyCols)
			if ok != s.ok {
				t.Fatalf("ok = %v, want %v", ok, s.ok)
			}
			for _, n := range partial {
				if !slices.Contains(s.partial, n) {
					t.Errorf("%s made partial, want only %d nodes", n.Op.Describe(), len(s.partial))
				}
			}
			if len(partial) != len(s.partial) {
				t.Errorf("%d partial nodes, want %d", len(partial), len(s.partial))
			}
		})
	}
}
