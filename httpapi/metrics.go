package httpapi

import (
	"hash/fnv"
	"math"
	"runtime/metrics"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/weirdb/weir"
)

// engineCollector exports an engine's view and memory figures. It reads the engine at
// scrape time (Engine.Stats, MemoryInUse), so there is nothing to keep in step between
// scrapes and no goroutine to stop when the engine closes.
type engineCollector struct {
	e *weir.Engine

	hits, misses, upqueries, evictions *prometheus.Desc
	keys, bytes, fillLatency           *prometheus.Desc
	memInUse, memLimit, views          *prometheus.Desc
	graphBytes, adhocDropped           *prometheus.Desc
	writeLag                           *prometheus.Desc
}

func newEngineCollector(e *weir.Engine) *engineCollector {
	view := []string{"view"}
	d := func(name, help string, labels []string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &engineCollector{
		e:         e,
		hits:      d("weir_view_hits_total", "Key lookups served from the view's reader (rows or a known-empty key).", view),
		misses:    d("weir_view_misses_total", "Key lookups that found a hole in the view's partial reader and had to fill it.", view),
		upqueries: d("weir_view_upqueries_total", "Fills (upqueries) the view sent; misses on a key already being filled share one.", view),
		evictions: d("weir_view_evictions_total", "Keys evicted from the view's reader.", view),
		keys:      d("weir_view_keys", "Keys with rows in the view's reader.", view),
		bytes:     d("weir_view_bytes", "Approximate bytes the rows of the view's reader hold.", view),
		fillLatency: d("weir_view_fill_latency_seconds",
			"Mean time from upquery to filled key, over the fills a read waited for.", view),
		memInUse: d("weir_memory_in_use_bytes",
			"Bytes the memory limit bounds: partial state (readers, partial operator state, read history) and the caches' graphs.", nil),
		graphBytes: d("weir_graph_memory_bytes",
			"Bytes of weir_memory_in_use_bytes that the caches' graphs cost: nodes, operator structures, readers, plans, the statement cache, full state of ad-hoc caches.", nil),
		adhocDropped: d("weir_adhoc_caches_dropped_total",
			"Caches of ad-hoc query shapes dropped to stay under the memory limit (the least recently read first).", nil),
		memLimit: d("weir_memory_limit_bytes",
			"The memory limit on partial state in bytes; -1 when there is none.", nil),
		views: d("weir_views", "Views the engine serves: named views and the views of ad-hoc query shapes.", nil),
		writeLag: d("weir_write_visible_lag_seconds",
			"Write-to-visible lag: each probe (10 a second) notes the newest acknowledged write and measures how long until every view shows it; 0 when nothing is pending.", nil),
	}
}

// Describe sends every descriptor: the set is fixed, so the registry can check it for
// clashes with other collectors when it is registered.
func (c *engineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.hits, c.misses, c.upqueries, c.evictions,
		c.keys, c.bytes, c.fillLatency, c.memInUse, c.memLimit, c.views, c.graphBytes, c.adhocDropped, c.writeLag} {
		ch <- d
	}
}

// Collect reads the engine now. It works on a closed engine too: the figures are then the
// last ones, which is what a final scrape should see.
func (c *engineCollector) Collect(ch chan<- prometheus.Metric) {
	stats := c.e.Stats()
	seen := make(map[string]bool, len(stats))
	for _, st := range stats {
		label := viewLabel(st)
		if seen[label] {
			// Two series with one label would fail the whole scrape; keep the first.
			continue
		}
		seen[label] = true
		c.send(ch, c.hits, prometheus.CounterValue, float64(st.Hits), label)
		c.send(ch, c.misses, prometheus.CounterValue, float64(st.Misses), label)
		c.send(ch, c.upqueries, prometheus.CounterValue, float64(st.Upqueries), label)
		c.send(ch, c.evictions, prometheus.CounterValue, float64(st.Evictions), label)
		c.send(ch, c.keys, prometheus.GaugeValue, float64(st.Keys), label)
		c.send(ch, c.bytes, prometheus.GaugeValue, float64(st.Bytes), label)
		c.send(ch, c.fillLatency, prometheus.GaugeValue, st.FillLatency.Seconds(), label)
	}
	mem := c.e.Memory()
	c.send(ch, c.memInUse, prometheus.GaugeValue, float64(mem.InUse))
	c.send(ch, c.graphBytes, prometheus.GaugeValue, float64(mem.Graph))
	c.send(ch, c.adhocDropped, prometheus.CounterValue, float64(mem.AdHocDropped))
	limit := c.e.Options().MemoryLimit
	if limit < 0 {
		limit = -1 // any negative limit means none; export one value for it
	}
	c.send(ch, c.memLimit, prometheus.GaugeValue, float64(limit))
	c.send(ch, c.views, prometheus.GaugeValue, float64(len(stats)))
	lag := c.e.WriteLag()
	buckets := make(map[float64]uint64, len(weir.LagBuckets))
	for i, b := range weir.LagBuckets {
		buckets[b.Seconds()] = lag.Buckets[i]
	}
	m, err := prometheus.NewConstHistogram(c.writeLag, lag.Count, lag.Sum.Seconds(), buckets)
	if err != nil {
		m = prometheus.NewInvalidMetric(c.writeLag, err)
	}
	ch <- m
}

// send builds one sample. NewConstMetric only fails on a label that is not UTF-8, which
// viewLabel rules out; should it fail anyway, the scrape reports the error instead of the
// server panicking.
func (c *engineCollector) send(ch chan<- prometheus.Metric, d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	ch <- m
}

// viewLabel is the value of the view label: the view's name, or for the view of an ad-hoc
// query shape (which has none) "shape:" and a hash of its normalized SQL, which stays the
// same across scrapes and restarts while keeping query text out of the label.
func viewLabel(st weir.ViewStats) string {
	if st.Name != "" {
		// Names come from users; a label must be valid UTF-8.
		return strings.ToValidUTF8(st.Name, string(utf8.RuneError))
	}
	h := fnv.New64a()
	h.Write([]byte(st.Query))
	var buf [16]byte
	hex := strconv.AppendUint(buf[:0], h.Sum64(), 16)
	return "shape:" + strings.Repeat("0", 16-len(hex)) + string(hex)
}

// gcPauseMetric is the runtime/metrics histogram of the Go collector's stop-the-world pauses.
const gcPauseMetric = "/sched/pauses/total/gc:seconds"

// gcPauseCollector exports the process's GC pauses as a histogram, weir_gc_pause_seconds.
// The Go collector's go_gc_duration_seconds is a summary over the whole life of the process,
// from which the pauses of an interval cannot be told; bucket counts can: the difference of
// two scrapes is the distribution of the pauses between them (weir bench reports its
// percentiles over its measured window).
//
// The runtime's histogram has four buckets per power of two; this one keeps every other
// bound, 2^k and 1.5·2^k seconds, from 2^-20 (about 1 µs) to 1 s: 41 series. A runtime
// bucket counts in the first bound at or above its upper edge, so no pause is counted below
// its length. The runtime keeps no sum of pauses: the exported sum counts each pause at the
// middle of its runtime bucket (within 12.5%).
type gcPauseCollector struct {
	desc   *prometheus.Desc
	bounds []float64 // upper bounds in seconds, ascending, without +Inf
}

func newGCPauseCollector() *gcPauseCollector {
	var bounds []float64
	for k := -20; k < 0; k++ {
		b := math.Ldexp(1, k)
		bounds = append(bounds, b, 1.5*b)
	}
	bounds = append(bounds, 1)
	return &gcPauseCollector{
		desc: prometheus.NewDesc("weir_gc_pause_seconds",
			"Stop-the-world pauses of the Go garbage collector in this process (runtime/metrics "+gcPauseMetric+"), in buckets 1.33-1.5x apart from 1us to 1s; the sum counts each pause at the middle of the runtime's finer bucket.",
			nil, nil),
		bounds: bounds,
	}
}

func (c *gcPauseCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *gcPauseCollector) Collect(ch chan<- prometheus.Metric) {
	s := []metrics.Sample{{Name: gcPauseMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return // a Go without this metric: no series rather than a wrong one
	}
	count, sum, cum := c.fold(s[0].Value.Float64Histogram())
	buckets := make(map[float64]uint64, len(c.bounds))
	for i, b := range c.bounds {
		buckets[b] = cum[i]
	}
	m, err := prometheus.NewConstHistogram(c.desc, count, sum, buckets)
	if err != nil {
		m = prometheus.NewInvalidMetric(c.desc, err)
	}
	ch <- m
}

// fold sums a runtime histogram (Counts[i] counts values in [Buckets[i], Buckets[i+1])) into
// the cumulative counts of c.bounds.
func (c *gcPauseCollector) fold(h *metrics.Float64Histogram) (count uint64, sum float64, cum []uint64) {
	per := make([]uint64, len(c.bounds))
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		count += n
		switch {
		case math.IsInf(lo, -1) || lo < 0:
			sum += float64(n) * max(hi, 0) / 2
		case math.IsInf(hi, 1):
			sum += float64(n) * lo
		default:
			sum += float64(n) * (lo + hi) / 2
		}
		for j, b := range c.bounds {
			if hi <= b {
				per[j] += n
				break
			}
		}
		// Above the last bound: only in the count (the +Inf bucket).
	}
	cum = make([]uint64, len(c.bounds))
	var run uint64
	for j, n := range per {
		run += n
		cum[j] = run
	}
	return count, sum, cum
}
