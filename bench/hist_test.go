package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestHistogramQuantilesWithinBucketWidth compares histogram quantiles with exact ones from
// the sorted samples.
func TestHistogramQuantilesWithinBucketWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var all []time.Duration
	for i := 0; i < 100_000; i++ {
		d := time.Duration(rng.ExpFloat64()*5000) + 50
		h.Record(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := all[int(q*float64(len(all)))-1]
		got := h.Quantile(q)
		if float64(got) < float64(exact)*0.97 || float64(got) > float64(exact)*1.05 {
			t.Errorf("q%.3f: histogram %v, exact %v", q, got, exact)
		}
	}
	if h.Count() != 100_000 {
		t.Fatalf("count %d", h.Count())
	}
}
