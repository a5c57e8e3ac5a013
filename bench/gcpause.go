package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime/metrics"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// PauseStats is the distribution of a Go server's garbage-collector pauses (stop the world)
// over a measured window. Each figure is the upper bound of the histogram bucket it falls
// in (from /metrics, bounds 1.33–1.5× apart; in process, the runtime's own, 1.14–1.25×
// apart), so the true value is at most that.
type PauseStats struct {
	Pauses int64   `json:"pauses"`
	P50    float64 `json:"p50_us"`
	P99    float64 `json:"p99_us"`
	Max    float64 `json:"max_us"`
	// Source says where the pauses were read: "weir serve /metrics" or "this process" when
	// Weir runs inside the benchmark's process, whose clients then add to its garbage.
	Source string `json:"source"`
}

// pauseHist is a snapshot of a cumulative pause histogram: counts[i] pauses at most
// bounds[i] seconds and more than bounds[i-1]; the last bound may be +Inf.
type pauseHist struct {
	bounds []float64
	counts []uint64
}

// since returns the pauses between an earlier snapshot of the same histogram and h.
func (h pauseHist) since(earlier pauseHist) (pauseHist, error) {
	if len(earlier.bounds) != len(h.bounds) {
		return pauseHist{}, fmt.Errorf("bench: GC pause histograms with %d and %d buckets", len(earlier.bounds), len(h.bounds))
	}
	d := pauseHist{bounds: h.bounds, counts: make([]uint64, len(h.counts))}
	for i := range h.counts {
		if h.bounds[i] != earlier.bounds[i] || h.counts[i] < earlier.counts[i] {
			return pauseHist{}, fmt.Errorf("bench: GC pause histogram changed shape or went back (bucket %g)", h.bounds[i])
		}
		d.counts[i] = h.counts[i] - earlier.counts[i]
	}
	return d, nil
}

// plus adds the counts of another window of the same histogram.
func (h pauseHist) plus(o pauseHist) (pauseHist, error) {
	if len(o.bounds) != len(h.bounds) {
		return pauseHist{}, fmt.Errorf("bench: GC pause histograms with %d and %d buckets", len(h.bounds), len(o.bounds))
	}
	sum := pauseHist{bounds: h.bounds, counts: make([]uint64, len(h.counts))}
	for i := range h.counts {
		sum.counts[i] = h.counts[i] + o.counts[i]
	}
	return sum, nil
}

func (h pauseHist) total() uint64 {
	var n uint64
	for _, c := range h.counts {
		n += c
	}
	return n
}

// quantile returns the upper bound of the bucket that holds the q-quantile, in µs; for the
// +Inf bucket, the largest finite bound.
func (h pauseHist) quantile(q float64) float64 {
	n := h.total()
	if n == 0 {
		return 0
	}
	rank := max(uint64(math.Ceil(q*float64(n))), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return h.boundUS(i)
		}
	}
	return h.boundUS(len(h.counts) - 1)
}

func (h pauseHist) boundUS(i int) float64 {
	for ; i >= 0; i-- {
		if !math.IsInf(h.bounds[i], 1) {
			return h.bounds[i] * 1e6
		}
	}
	return 0
}

// stats summarizes the histogram of a window.
func (h pauseHist) stats(source string) *PauseStats {
	return &PauseStats{Pauses: int64(h.total()), P50: h.quantile(0.5), P99: h.quantile(0.99), Max: h.quantile(1), Source: source}
}

// gcPauseFamily is the histogram a Weir server exports on /metrics (httpapi).
const gcPauseFamily = "weir_gc_pause_seconds"

// serverMetrics is what the benchmark reads from a Weir server's /metrics.
type serverMetrics struct {
	pauses      pauseHist
	hasPauses   bool
	memoryInUse int64 // weir_memory_in_use_bytes; -1 when absent
}

// scrapeWeirMetrics fetches url (a Weir server's /metrics) and reads the GC pause histogram
// and the partial state's bytes.
func scrapeWeirMetrics(ctx context.Context, url string) (serverMetrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return serverMetrics{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return serverMetrics{}, fmt.Errorf("bench: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return serverMetrics{}, fmt.Errorf("bench: %s: %s", url, resp.Status)
	}
	return parseWeirMetrics(resp.Body)
}

// parseWeirMetrics reads the figures the benchmark needs from Prometheus' text format.
func parseWeirMetrics(r io.Reader) (serverMetrics, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return serverMetrics{}, fmt.Errorf("bench: parsing /metrics: %w", err)
	}
	m := serverMetrics{memoryInUse: -1}
	if f := fams["weir_memory_in_use_bytes"]; f != nil && len(f.GetMetric()) == 1 {
		m.memoryInUse = int64(f.GetMetric()[0].GetGauge().GetValue())
	}
	f := fams[gcPauseFamily]
	if f == nil || len(f.GetMetric()) != 1 || f.GetMetric()[0].GetHistogram() == nil {
		return m, nil
	}
	hist := f.GetMetric()[0].GetHistogram()
	var prev uint64
	for _, b := range hist.GetBucket() {
		c := b.GetCumulativeCount()
		if c < prev {
			return serverMetrics{}, fmt.Errorf("bench: %s: bucket le=%g below the one before", gcPauseFamily, b.GetUpperBound())
		}
		m.pauses.bounds = append(m.pauses.bounds, b.GetUpperBound())
		m.pauses.counts = append(m.pauses.counts, c-prev)
		prev = c
	}
	// The parser may or may not list the +Inf bucket; the count covers it either way.
	if n := len(m.pauses.bounds); n == 0 || !math.IsInf(m.pauses.bounds[n-1], 1) {
		m.pauses.bounds = append(m.pauses.bounds, math.Inf(1))
		m.pauses.counts = append(m.pauses.counts, 0)
	}
	if total := hist.GetSampleCount(); total >= prev {
		m.pauses.counts[len(m.pauses.counts)-1] += total - prev
	}
	m.hasPauses = true
	return m, nil
}

// runtimePauses reads this process's GC pause histogram from runtime/metrics, for Weir run
// inside the benchmark's process.
func runtimePauses() (pauseHist, bool) {
	s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return pauseHist{}, false
	}
	h := s[0].Value.Float64Histogram()
	// Counts[i] is the pauses in [Buckets[i], Buckets[i+1]): at most Buckets[i+1].
	return pauseHist{bounds: append([]float64(nil), h.Buckets[1:]...), counts: append([]uint64(nil), h.Counts...)}, true
}
