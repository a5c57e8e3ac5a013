package operators

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// refJoin is the join from scratch: nested loops with SQL equality on the keys.
func refJoin(kind JoinKind, lkeys, rkeys []int, rw int) func(propInputs) []dataflow.Row {
	return func(in propInputs) []dataflow.Row {
		var out []dataflow.Row
		for _, l := range in[0] {
			matched := false
			for _, r := range in[1] {
				eq := true
				for i := range lkeys {
					a, b := l[lkeys[i]], r[rkeys[i]]
					if a.IsNull() || b.IsNull() || dataflow.Compare(a, b) != 0 {
						eq = false
						break
					}
				}
				if eq {
					matched = true
					out = append(out, append(append(dataflow.Row{}, l...), r...))
				}
			}
			if !matched && kind == JoinLeft {
				row := append(dataflow.Row{}, l...)
				for i := 0; i < rw; i++ {
					row = append(row, dataflow.Null)
				}
				out = append(out, row)
			}
		}
		return out
	}
}

func TestJoinIncremental(t *testing.T) {
	ints := genValue(dataflow.Null, dataflow.Int(1), dataflow.Int(2), dataflow.Int(3))
	strs := genValue(dataflow.Null, dataflow.String("a"), dataflow.String("A"), dataflow.String("a "), dataflow.String("b"))
	payload := genValue(dataflow.Int(1), dataflow.Int(2))
	cases := []struct {
		name         string
		kind         JoinKind
		lkeys, rkeys []int
		left, right  *rapid.Generator[dataflow.Row]
		lw, rw       int
	}{
		{"inner int key", JoinInner, []int{0}, []int{0}, genRow(ints, payload), genRow(ints, payload), 2, 2},
		{"left int key", JoinLeft, []int{0}, []int{0}, genRow(ints, payload), genRow(ints, payload), 2, 2},
		{"left collated key", JoinLeft, []int{1}, []int{0}, genRow(payload, strs), genRow(strs, payload), 2, 2},
		{"inner compound key", JoinInner, []int{0, 1}, []int{1, 0}, genRow(ints, strs), genRow(strs, ints, payload), 2, 3},
		{"left compound key", JoinLeft, []int{0, 1}, []int{1, 0}, genRow(ints, strs), genRow(strs, ints), 2, 2},
		{"left cross", JoinLeft, nil, nil, genRow(payload), genRow(payload), 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				op := NewJoin(c.kind, c.lkeys, c.rkeys, c.lw, c.rw)
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{c.left, c.right}, refJoin(c.kind, c.lkeys, c.rkeys, c.rw))
			})
		})
	}
}

// TestJoinLargeBucket crosses the size at which a bucket gets an identity index, in both
// directions, and checks every step against recomputation.
func TestJoinLargeBucket(t *testing.T) {
	j := NewJoin(JoinLeft, []int{0}, []int{0}, 2, 2)
	var in propInputs = make(propInputs, 2)
	got := multiset{}
	apply := func(from int, b dataflow.Batch) {
		t.Helper()
		for _, rec := range j.Process(from, b) {
			if rec.Neg {
				if !got.remove(rec.Row) {
					t.Fatalf("retraction of %s not in output", fmtRow(rec.Row))
				}
			} else {
				got.add(rec.Row)
			}
		}
		if d := got.diff(multisetOf(refJoin(JoinLeft, []int{0}, []int{0}, 2)(in))); d != "" {
			t.Fatalf("differs from recomputation:\n%s", d)
		}
	}
	in[0] = append(in[0], dataflow.Row{dataflow.Int(1), dataflow.String("story")})
	apply(0, dataflow.Batch{{Row: in[0][0]}})
	var votes []dataflow.Row
	for i := 0; i < 3*bucketIndexMin; i++ {
		r := dataflow.Row{dataflow.Int(1), dataflow.Int(int64(i % (2 * bucketIndexMin)))}
		votes = append(votes, r)
		in[1] = append(in[1], r)
		apply(1, dataflow.Batch{{Row: r}})
	}
	// Retract from the middle, the ends and duplicates, so swaps move indexed rows around.
	for _, i := range []int{5, 0, len(votes) - 1, 17, 2*bucketIndexMin + 3, 3} {
		r := votes[i]
		for k, x := range in[1] {
			if dataflow.IdenticalRows(x, r) {
				in[1] = append(in[1][:k], in[1][k+1:]...)
				break
			}
		}
		apply(1, dataflow.Batch{{Row: append(dataflow.Row{}, r...), Neg: true}})
	}
	for len(in[1]) > 0 {
		r := in[1][len(in[1])/2]
		in[1] = append(in[1][:len(in[1])/2], in[1][len(in[1])/2+1:]...)
		apply(1, dataflow.Batch{{Row: r, Neg: true}})
	}
	// The story's key is all that is left.
	if n := j.entries.len(); n != 1 {
		t.Fatalf("%d join keys kept, want 1", n)
	}
}

func TestJoinMalformedInput(t *testing.T) {
	j := NewJoin(JoinLeft, []int{3}, []int{0}, 2, 1)
	// The key column is past the end of the row: it reads as NULL, so the row is padded.
	out := j.Process(0, batchOf(t, "+[1, 2]"))
	if got := fmtBatch(out); len(got) != 1 || got[0] != "+[1, 2, NULL]" {
		t.Fatalf("got %v", got)
	}
	if out := j.Process(2, batchOf(t, "+[1]")); out != nil {
		t.Fatalf("batch from a parent the join does not have: got %v", fmtBatch(out))
	}
}

func BenchmarkJoin(b *testing.B) {
	// Vote counts per story (right) joined to stories (left): each update is -old +new.
	const stories = 10000
	const batch = 256
	j := NewJoin(JoinInner, []int{0}, []int{0}, 2, 2)
	left := make(dataflow.Batch, stories)
	rows := [2][]dataflow.Row{make([]dataflow.Row, stories), make([]dataflow.Row, stories)}
	for i := range stories {
		left[i] = dataflow.Record{Row: dataflow.Row{dataflow.Int(int64(i)), dataflow.String("title")}}
		rows[0][i] = dataflow.Row{dataflow.Int(int64(i)), dataflow.Int(0)}
		rows[1][i] = dataflow.Row{dataflow.Int(int64(i)), dataflow.Int(1)}
	}
	j.Process(0, left)
	init := make(dataflow.Batch, stories)
	for i := range stories {
		init[i] = dataflow.Record{Row: rows[0][i]}
	}
	j.Process(1, init)
	// Pass p moves every story from count p%2 to (p+1)%2, batch by batch.
	var batches [2][]dataflow.Batch
	for p := range 2 {
		for s := 0; s < stories; s += batch / 2 {
			var bt dataflow.Batch
			for i := s; i < min(s+batch/2, stories); i++ {
				bt = append(bt, dataflow.Record{Row: rows[p][i], Neg: true}, dataflow.Record{Row: rows[1-p][i]})
			}
			batches[p] = append(batches[p], bt)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n, p, k := 0, 0, 0; n < b.N; {
		bt := batches[p][k]
		j.Process(1, bt)
		n += len(bt)
		if k++; k == len(batches[p]) {
			k, p = 0, 1-p
		}
	}
}

// TestJoinResidualIncremental: a join whose rows of one key meet only when a residual
// condition holds (`ON l.k = r.k AND r.v < l.v`, or no key at all) pads a LEFT join's left
// row exactly while none of its key's right rows meets it, through every sequence of
// inserts and retractions on both sides, duplicates and NULLs included.
func TestJoinResidualIncremental(t *testing.T) {
	ints := genValue(dataflow.Null, dataflow.Int(1), dataflow.Int(2), dataflow.Int(3))
	// Over the joined row: left (k, v), then right (k, v).
	less := expr.NewCompare(expr.OpLT, expr.NewCol(3, dataflow.Column{Type: dataflow.Type{Kind: dataflow.KindInt, Nullable: true}}),
		expr.NewCol(1, dataflow.Column{Type: dataflow.Type{Kind: dataflow.KindInt, Nullable: true}}))
	for _, c := range []struct {
		name         string
		kind         JoinKind
		lkeys, rkeys []int
	}{
		{"left keyed", JoinLeft, []int{0}, []int{0}},
		{"inner keyed", JoinInner, []int{0}, []int{0}},
		{"left cross", JoinLeft, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				op := NewJoin(c.kind, c.lkeys, c.rkeys, 2, 2)
				op.SetResidual(less)
				inner := refJoin(JoinInner, c.lkeys, c.rkeys, 2)
				ref := func(in propInputs) []dataflow.Row {
					var out []dataflow.Row
					for _, l := range in[0] {
						met := 0
						for _, jr := range inner(propInputs{{l}, in[1]}) {
							if less.Eval(jr).Truthy() {
								out = append(out, jr)
								met++
							}
						}
						if met == 0 && c.kind == JoinLeft {
							out = append(out, dataflow.Row{l[0], l[1], dataflow.Null, dataflow.Null})
						}
					}
					return out
				}
				checkIncremental(rt, op, []*rapid.Generator[dataflow.Row]{genRow(ints, ints), genRow(ints, ints)}, ref)
			})
		})
	}
}
