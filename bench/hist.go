package bench

import (
	"math"
	"time"
)

// Histogram records durations in logarithmic buckets 2% wide, so percentiles of millions of
// operations cost a few kilobytes instead of a sample each.
type Histogram struct {
	counts [1400]uint64
	n      uint64
}

const histGrowth = 1.02

func histBucket(d time.Duration) int {
	if d <= 1 {
		return 0
	}
	b := int(math.Log(float64(d)) / math.Log(histGrowth))
	return min(b, len(Histogram{}.counts)-1)
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	h.counts[histBucket(d)]++
	h.n++
}

// Merge adds another histogram's counts.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
}

// Count is the number of recorded durations.
func (h *Histogram) Count() uint64 { return h.n }

// Quantile returns the duration below which a fraction q of the recordings fall (the upper
// edge of that bucket, so within 2% above the true value).
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank == 0 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(math.Pow(histGrowth, float64(i+1)))
		}
	}
	return time.Duration(math.Pow(histGrowth, float64(len(h.counts))))
}
