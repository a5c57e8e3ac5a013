package operators

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
)

// refTopK is top-k from scratch: group, sort each group completely, cut the window.
func refTopK(groupBy []int, order []dataflow.SortKey, limit, offset int) func(propInputs) []dataflow.Row {
	return func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, g := range refGroups(in[0], groupBy) {
			g = slices.Clone(g)
			slices.SortFunc(g, func(a, b dataflow.Row) int {
				if c := dataflow.CompareRowsTotal(a, b, order); c != 0 {
					return c
				}
				return refRowCompare(a, b)
			})
			end := len(g)
			if limit >= 0 {
				end = min(len(g), offset+limit)
			}
			if offset < end {
				out = append(out, g[offset:end]...)
			}
		}
		return out
	}
}

func TestTopKIncremental(t *testing.T) {
	rows := genRow(
		genValue(dataflow.Int(1), dataflow.Int(2), dataflow.Null),
		genValue(dataflow.Null, dataflow.Int(1), dataflow.Int(2), dataflow.Int(3)),
		genValue(dataflow.String("a"), dataflow.String("A"), dataflow.String("b")),
	)
	for _, tc := range []struct {
		name          string
		groupBy       []int
		order         []dataflow.SortKey
		limit, offset int
	}{
		{"top1 desc", []int{0}, []dataflow.SortKey{{Col: 1, Desc: true}}, 1, 0},
		{"top2 asc", []int{0}, []dataflow.SortKey{{Col: 1}}, 2, 0},
		{"top3 two keys", []int{0}, []dataflow.SortKey{{Col: 2, Desc: true}, {Col: 1}}, 3, 0},
		{"offset", []int{0}, []dataflow.SortKey{{Col: 1, Desc: true}}, 2, 1},
		{"no group", nil, []dataflow.SortKey{{Col: 1}}, 3, 2},
		{"no limit", []int{0}, []dataflow.SortKey{{Col: 1}}, -1, 1},
		{"limit 0", []int{0}, []dataflow.SortKey{{Col: 1}}, 0, 0},
		{"no order", []int{2}, nil, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				op := NewTopK(tc.groupBy, tc.order, tc.limit, tc.offset)
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{rows}, refTopK(tc.groupBy, tc.order, tc.limit, tc.offset))
			})
		})
	}
}

// TestTopKLargeGroup keeps one group large enough for its rows to live in a B-tree, with
// updates inside, across and outside the window.
func TestTopKLargeGroup(t *testing.T) {
	order := []dataflow.SortKey{{Col: 1, Desc: true}}
	op := NewTopK([]int{0}, order, 5, 2)
	ref := refTopK([]int{0}, order, 5, 2)
	in := make(propInputs, 1)
	got := multiset{}
	apply := func(b dataflow.Batch) {
		t.Helper()
		for _, rec := range b {
			if rec.Neg {
				k := slices.IndexFunc(in[0], func(r dataflow.Row) bool { return dataflow.IdenticalRows(r, rec.Row) })
				in[0] = slices.Delete(in[0], k, k+1)
			} else {
				in[0] = append(in[0], rec.Row)
			}
		}
		for _, rec := range op.Process(0, b) {
			if rec.Neg && !got.remove(rec.Row) {
				t.Fatalf("retraction of %s not in output", fmtRow(rec.Row))
			} else if !rec.Neg {
				got.add(rec.Row)
			}
		}
		if d := got.diff(multisetOf(ref(in))); d != "" {
			t.Fatalf("after %v: differs from recomputation:\n%s", fmtBatch(b), d)
		}
	}
	score := map[int64]int64{}
	row := func(id int64) dataflow.Row {
		return dataflow.Row{dataflow.Int(0), dataflow.Int(score[id]), dataflow.Int(id)}
	}
	const n = 4 * bagSmallMax
	for id := int64(0); id < n; id++ {
		score[id] = id * 7 % n
		apply(dataflow.Batch{{Row: row(id)}})
	}
	// Vote updates (-old +new) on a spread of rows, several per batch.
	for round := int64(0); round < 3*n; round++ {
		var b dataflow.Batch
		for k := int64(0); k < 3; k++ {
			id := (round*13 + k*29) % n
			b = append(b, dataflow.Record{Row: row(id), Neg: true})
			score[id] = (score[id] + round*k + 11) % (2 * n)
			b = append(b, dataflow.Record{Row: row(id)})
		}
		apply(b)
	}
	for id := int64(0); id < n; id++ {
		apply(dataflow.Batch{{Row: row((id * 5) % n), Neg: true}})
	}
	if n := op.groups.len(); n != 0 {
		t.Fatalf("%d groups left", n)
	}
}

func TestTopKMalformedInput(t *testing.T) {
	op := NewTopK(nil, []dataflow.SortKey{{Col: 4}}, 1, -3)
	// The sort column is past the end of the rows: it reads as NULL, ties break by the row.
	got := fmtBatch(op.Process(0, batchOf(t, "+[2]", "+[1]")))
	if !slices.Equal(got, []string{"+[1]"}) {
		t.Fatalf("got %v", got)
	}
	if d := op.Describe(); d != "topk[]($4; limit 1 offset 0)" {
		t.Fatalf("Describe() = %q", d)
	}
}
