package httpapi

import (
	"math"
	"net/http"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/weirdb/weir"
)

// scrape serves /metrics and parses it as Prometheus does.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	code, hdr, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("/metrics Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return fams
}

// sample is the value of a family's series for one view ("" for an unlabelled family).
func sample(t *testing.T, fams map[string]*dto.MetricFamily, name, view string, typ dto.MetricType) (float64, bool) {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no family %s", name)
	}
	if f.GetType() != typ {
		t.Errorf("%s is a %v, want %v", name, f.GetType(), typ)
	}
	for _, m := range f.GetMetric() {
		label := ""
		for _, lp := range m.GetLabel() {
			if lp.GetName() == "view" {
				label = lp.GetValue()
			}
		}
		if label != view {
			continue
		}
		switch typ {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		default:
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	e := newsEngine(t, weir.Options{MemoryLimit: -1})
	reg := prometheus.NewRegistry()
	h := New(e, Config{Registry: reg})

	// votes is partial: a key's first read misses and fills it, later ones hit.
	for _, p := range []string{"1", "1", "3", "1"} {
		if code, _, body := get(t, h, "/v1/views/votes?p1="+p); code != http.StatusOK {
			t.Fatalf("votes %s: %d %s", p, code, body)
		}
	}
	if _, err := e.Query(testCtx(t), "SELECT title FROM article WHERE id = ?", 3); err != nil {
		t.Fatal(err)
	}

	fams := scrape(t, h)
	counter, gauge := dto.MetricType_COUNTER, dto.MetricType_GAUGE
	for _, tc := range []struct {
		name string
		typ  dto.MetricType
		want float64
	}{
		{"weir_view_hits_total", counter, 2},
		{"weir_view_misses_total", counter, 2},
		{"weir_view_upqueries_total", counter, 2},
		{"weir_view_evictions_total", counter, 0},
		{"weir_view_keys", gauge, 2},
	} {
		got, ok := sample(t, fams, tc.name, "votes", tc.typ)
		if !ok || got != tc.want {
			t.Errorf(`%s{view="votes"} = %v (present %v), want %v`, tc.name, got, ok, tc.want)
		}
	}
	if got, _ := sample(t, fams, "weir_view_bytes", "votes", gauge); got <= 0 {
		t.Errorf(`weir_view_bytes{view="votes"} = %v, want > 0`, got)
	}
	if got, ok := sample(t, fams, "weir_view_fill_latency_seconds", "votes", gauge); !ok || got <= 0 || got > 30 {
		t.Errorf(`weir_view_fill_latency_seconds{view="votes"} = %v (present %v), want a mean of two fills`, got, ok)
	}

	// Every view has its series, and they agree with the engine's own figures.
	stats := e.Stats()
	shapes := 0
	for _, st := range stats {
		label := viewLabel(st)
		if st.Name == "" {
			shapes++
			if !regexp.MustCompile(`^shape:[0-9a-f]{16}$`).MatchString(label) {
				t.Errorf("shape label %q", label)
			}
		}
		if got, ok := sample(t, fams, "weir_view_hits_total", label, counter); !ok || got != float64(st.Hits) {
			t.Errorf("hits of %q = %v (present %v), engine says %d", label, got, ok, st.Hits)
		}
		if got, ok := sample(t, fams, "weir_view_misses_total", label, counter); !ok || got != float64(st.Misses) {
			t.Errorf("misses of %q = %v (present %v), engine says %d", label, got, ok, st.Misses)
		}
	}
	if shapes != 1 {
		t.Errorf("%d ad-hoc shapes, want 1", shapes)
	}
	if got, _ := sample(t, fams, "weir_views", "", gauge); got != float64(len(stats)) {
		t.Errorf("weir_views = %v, want %d", got, len(stats))
	}
	if got, _ := sample(t, fams, "weir_memory_limit_bytes", "", gauge); got != -1 {
		t.Errorf("weir_memory_limit_bytes = %v, want -1 for no limit", got)
	}
	if got, _ := sample(t, fams, "weir_memory_in_use_bytes", "", gauge); got <= 0 {
		t.Errorf("weir_memory_in_use_bytes = %v, want > 0", got)
	}
	if got, _ := sample(t, fams, "weir_graph_memory_bytes", "", gauge); got <= 0 {
		t.Errorf("weir_graph_memory_bytes = %v, want > 0", got)
	}
	if got, ok := sample(t, fams, "weir_adhoc_caches_dropped_total", "", counter); !ok || got != 0 {
		t.Errorf("weir_adhoc_caches_dropped_total = %v (present %v), want 0 without a limit", got, ok)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s: the Go collector is missing", name)
		}
	}

	// Counters move with the reads, and labels stay put.
	if code, _, _ := get(t, h, "/v1/views/votes?p1=3"); code != http.StatusOK {
		t.Fatal(code)
	}
	fams = scrape(t, h)
	if got, _ := sample(t, fams, "weir_view_hits_total", "votes", counter); got != 3 {
		t.Errorf("hits after one more read: %v, want 3", got)
	}
	for _, st := range stats {
		if _, ok := sample(t, fams, "weir_view_keys", viewLabel(st), gauge); !ok {
			t.Errorf("the series of %q went away", viewLabel(st))
		}
	}
}

func TestMetricsMemoryLimit(t *testing.T) {
	e := openEngine(t, weir.Options{MemoryLimit: 64 << 20})
	fams := scrape(t, New(e, Config{}))
	if got, _ := sample(t, fams, "weir_memory_limit_bytes", "", dto.MetricType_GAUGE); got != 64<<20 {
		t.Errorf("weir_memory_limit_bytes = %v, want %d", got, 64<<20)
	}
	if got, _ := sample(t, fams, "weir_views", "", dto.MetricType_GAUGE); got != 0 {
		t.Errorf("weir_views = %v, want 0", got)
	}
}

// TestMetricsOddNames checks that view names no label may hold, and names that clash with
// the labels of ad-hoc shapes, do not break a scrape.
func TestMetricsOddNames(t *testing.T) {
	e := openEngine(t, weir.Options{})
	exec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	if _, err := e.Query(testCtx(t), "SELECT v FROM t WHERE id = ?", 1); err != nil {
		t.Fatal(err)
	}
	var shape string
	for _, st := range e.Stats() {
		if st.Name == "" {
			shape = viewLabel(st)
		}
	}
	register(t, e, shape, "SELECT id FROM t WHERE v = ?")
	names := []string{shape, `quote"back\slash` + "\nnewline", "ünï ✓"}
	if _, err := e.Register(testCtx(t), "bad\xffutf8", "SELECT v FROM t WHERE id = ?"); err == nil {
		names = append(names, "bad\uFFFDutf8")
	}
	for _, name := range names[1:3] {
		register(t, e, name, "SELECT v FROM t WHERE id = ?")
	}
	fams := scrape(t, New(e, Config{}))
	for _, name := range names {
		if _, ok := sample(t, fams, "weir_view_hits_total", name, dto.MetricType_COUNTER); !ok {
			t.Errorf("no series for view %q", name)
		}
	}
}

// TestMetricsGCPauses checks weir_gc_pause_seconds: a histogram whose count grows by the
// pauses of a forced collection (two stop-the-world phases per cycle), with cumulative
// buckets.
func TestMetricsGCPauses(t *testing.T) {
	e := openEngine(t, weir.Options{MemoryLimit: -1})
	h := New(e, Config{})
	count := func() (uint64, *dto.Histogram) {
		f, ok := scrape(t, h)["weir_gc_pause_seconds"]
		if !ok || f.GetType() != dto.MetricType_HISTOGRAM || len(f.GetMetric()) != 1 {
			t.Fatalf("weir_gc_pause_seconds: %v", f)
		}
		hist := f.GetMetric()[0].GetHistogram()
		return hist.GetSampleCount(), hist
	}
	runtime.GC()
	before, _ := count()
	runtime.GC()
	after, hist := count()
	if after < before+2 {
		t.Fatalf("pauses counted %d before a collection and %d after, want at least 2 more", before, after)
	}
	var last uint64
	for _, b := range hist.GetBucket() {
		if b.GetCumulativeCount() < last || b.GetCumulativeCount() > after {
			t.Fatalf("bucket le=%g holds %d after %d (count %d)", b.GetUpperBound(), b.GetCumulativeCount(), last, after)
		}
		last = b.GetCumulativeCount()
	}
	if n := len(hist.GetBucket()); n != 41 && n != 42 { // the parser may list +Inf
		t.Fatalf("%d buckets, want 41 and +Inf", n)
	}
	if hist.GetSampleSum() <= 0 {
		t.Fatalf("sum %g", hist.GetSampleSum())
	}
}

// TestGCPauseFold folds a runtime-style histogram into the exported bounds: a runtime bucket
// counts at the first bound at or above its upper edge, and pauses past 1 s only in the count.
func TestGCPauseFold(t *testing.T) {
	c := newGCPauseCollector()
	us := func(v float64) float64 { return v * 1e-6 }
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), math.Ldexp(1, -20), math.Ldexp(1.25, -20), math.Ldexp(1.5, -20), us(100), us(120), 2, math.Inf(1)},
		Counts:  []uint64{1, 2, 0, 3, 4, 5, 6},
	}
	count, sum, cum := c.fold(h)
	if count != 21 {
		t.Fatalf("count %d, want 21", count)
	}
	at := func(bound float64) uint64 {
		for i, b := range c.bounds {
			if b == bound {
				return cum[i]
			}
		}
		t.Fatalf("no bound %g", bound)
		return 0
	}
	// [-Inf, 2^-20) and none above: le=2^-20 holds 1; [2^-20, 1.25·2^-20) goes to 1.5·2^-20.
	if got := at(math.Ldexp(1, -20)); got != 1 {
		t.Errorf("le=2^-20: %d, want 1", got)
	}
	if got := at(math.Ldexp(1.5, -20)); got != 3 {
		t.Errorf("le=1.5·2^-20: %d, want 3", got)
	}
	// [1.5·2^-20, 100µs) ends at 100µs: bound 2^-13 = 122µs; [100µs, 120µs) too.
	if got := at(math.Ldexp(1, -13)); got != 3+3+4 {
		t.Errorf("le=2^-13: %d, want 10", got)
	}
	// [120µs, 2s) is past 1s: only in the count.
	if got := at(1); got != 10 {
		t.Errorf("le=1: %d, want 10", got)
	}
	if sum <= 0 {
		t.Errorf("sum %g", sum)
	}
}
