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
		// by gives, for each of partial, the parent columns it is partial by when that is
		// not its own state key (dataflow.SubKeyedState); nil: all of them by their keys.
		by [][]int
		ok bool
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
		"an aggregate grouped by the key and another column is partial by the key": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{1, 0}, count), votes)
			return shape{root: agg, keyCols: []int{1}, partial: []*dataflow.Node{agg}, by: [][]int{{0}}, ok: true}
		},
		"key columns in another order than the groups: the aggregate is partial by them in the key's order": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			agg := node(operators.NewAggregate([]int{0, 1}, count), votes)
			return shape{root: agg, keyCols: []int{1, 0}, partial: []*dataflow.Node{agg}, by: [][]int{{1, 0}}, ok: true}
		},
		"an aggregate grouped by other columns than the key, and by no key column, is full": func() shape {
			votes := node(operators.NewBase("votes", 3, nil))
			agg := node(operators.NewAggregate([]int{0, 1}, count), votes)
			proj := node(operators.NewProject([]expr.Expr{col(0), col(2)}), agg)
			// The key is the count, computed: nothing answers for it.
			return shape{root: proj, keyCols: []int{1}}
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
		"a distinct is partial by the key's columns of its rows": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			d := node(operators.NewDistinct(), votes)
			return shape{root: d, keyCols: []int{1}, partial: []*dataflow.Node{d}, by: [][]int{{1}}, ok: true}
		},
		"an aggregate partial by part of its groups, over a join on the key and an aggregate under it": func() shape {
			articles := node(operators.NewBase("articles", 2, []int{0}))
			votes := node(operators.NewBase("votes", 2, nil))
			perArticle := node(operators.NewAggregate([]int{0}, count), votes)
			join := node(operators.NewJoin(operators.JoinInner, []int{0}, []int{0}, 2, 2), articles, perArticle)
			// Grouped by (title, id), looked up by id.
			top := node(operators.NewAggregate([]int{1, 0}, count), join)
			return shape{root: top, keyCols: []int{1}, partial: []*dataflow.Node{top, join, perArticle}, by: [][]int{{0}, nil, nil}, ok: true}
		},
		"an aggregate whose input cannot be traced falls back to full, leaving no marks": func() shape {
			votes := node(operators.NewBase("votes", 2, nil))
			proj := node(operators.NewProject([]expr.Expr{expr.NewConst(dataflow.Int(1)), col(1)}), votes)
			inner := node(operators.NewAggregate([]int{0}, count), proj)
			outer := node(operators.NewAggregate([]int{0}, count), inner)
			// outer's own key traces into inner, whose input's key column is computed:
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
			for _, p := range partial {
				i := slices.Index(s.partial, p.Node)
				if i < 0 {
					t.Errorf("%s made partial, want only %d nodes", p.Node.Op.Describe(), len(s.partial))
					continue
				}
				var by []int
				if s.by != nil {
					by = s.by[i]
				}
				if !slices.Equal(p.By, by) {
					t.Errorf("%s partial by %v, want %v", p.Node.Op.Describe(), p.By, by)
				}
			}
			if len(partial) != len(s.partial) {
				t.Errorf("%d partial nodes, want %d", len(partial), len(s.partial))
			}
		})
	}
}
