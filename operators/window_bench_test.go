package operators

import (
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// BenchmarkWindowFrameWrite measures one write (a row inserted and deleted again, two
// batches) into one of 100 partitions of 200 rows each, per frame kind: a window recomputes
// only the touched partition, so the cost per write follows the partition's size, not the
// table's. Rows are (partition, id, at DATETIME, v, at - 7 days, at + 1 day, v - 3, v + 3):
// the bound columns are those the planner's projection computes for RANGE offsets.
func BenchmarkWindowFrameWrite(b *testing.B) {
	const parts, perPart = 100, 200
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	row := func(p, id int) dataflow.Row {
		at := base.Add(time.Duration(id*7%perPart) * 6 * time.Hour)
		v := int64(id * 13 % 50)
		return dataflow.Row{dataflow.Int(int64(p)), dataflow.Int(int64(id)), dataflow.Datetime(at, 0), dataflow.Int(v),
			dataflow.Datetime(at.Add(-7*24*time.Hour), 0), dataflow.Datetime(at.Add(24*time.Hour), 0),
			dataflow.Int(v - 3), dataflow.Int(v + 3)}
	}
	sum := func(f expr.WindowFrame) WindowFunc {
		return WindowFunc{Kind: expr.WinAgg, Agg: AggSpec{Func: AggSum, Arg: 3, Type: SumType(dataflow.Type{Kind: dataflow.KindInt})}, Frame: f, Default: -1}
	}
	cur := expr.FrameBound{Kind: expr.CurrentRow}
	for _, c := range []struct {
		name  string
		order int
		frame expr.WindowFrame
	}{
		{"rows 1 preceding", 2, expr.WindowFrame{Rows: true, Start: expr.FrameBound{Kind: expr.Preceding, N: 1}, End: cur}},
		{"range numeric 3", 3, expr.WindowFrame{Start: expr.FrameBound{Kind: expr.Preceding, Col: 6}, End: expr.FrameBound{Kind: expr.Following, Col: 7}}},
		{"range interval 7 day", 2, expr.WindowFrame{Start: expr.FrameBound{Kind: expr.Preceding, Col: 4}, End: expr.FrameBound{Kind: expr.Following, Col: 5}}},
		{"groups 1 preceding", 3, expr.WindowFrame{Groups: true, Start: expr.FrameBound{Kind: expr.Preceding, N: 1}, End: expr.FrameBound{Kind: expr.Following, N: 1}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			w := NewWindow(8, []int{0}, []dataflow.SortKey{{Col: c.order}}, []WindowFunc{sum(c.frame)})
			var seed dataflow.Batch
			for p := range parts {
				for id := range perPart {
					seed = append(seed, dataflow.Record{Row: row(p, id)})
				}
			}
			w.Process(0, seed)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				r := row(i%parts, perPart+i%perPart)
				w.Process(0, dataflow.Batch{{Row: r}})
				w.Process(0, dataflow.Batch{{Row: r, Neg: true}})
			}
		})
	}
}
