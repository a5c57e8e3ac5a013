package operators

import (
	"fmt"
	"slices"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func readerRows(r *Reader, k int64) []string {
	e, _ := r.GetInt(uint64(k))
	var out []string
	for _, row := range e.All() {
		out = append(out, row.String())
	}
	slices.Sort(out)
	return out
}

// TestReaderManyRetractionsInOneKey covers both ways a key's retractions are applied (scan
// and counted map), including duplicates and a row added and removed within the batch.
func TestReaderManyRetractionsInOneKey(t *testing.T) {
	for _, n := range []int{5, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := NewReader([]int{0}, nil)
			var in dataflow.Batch
			want := map[string]int{}
			for i := 0; i < n; i++ {
				row := dataflow.Row{dataflow.Int(1), dataflow.Int(int64(i % (n / 2)))} // each row twice
				in = append(in, dataflow.Record{Row: row})
				want[row.String()]++
			}
			r.Process(0, in)
			in = in[:0]
			for i := 0; i < n/2; i += 2 {
				row := dataflow.Row{dataflow.Int(1), dataflow.Int(int64(i))}
				in = append(in, dataflow.Record{Row: row, Neg: true})
				want[row.String()]--
			}
			extra := dataflow.Row{dataflow.Int(1), dataflow.Int(-1)}
			in = append(in, dataflow.Record{Row: extra}, dataflow.Record{Row: extra, Neg: true}, dataflow.Record{Row: extra})
			want[extra.String()]++
			r.Process(0, in)
			var exp []string
			for k, c := range want {
				for ; c > 0; c-- {
					exp = append(exp, k)
				}
			}
			slices.Sort(exp)
			if got := readerRows(r, 1); !slices.Equal(got, exp) {
				t.Fatalf("rows = %v\nwant %v", got, exp)
			}
		})
	}
}
