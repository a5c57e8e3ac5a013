package httpapi

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted"`, `back\slash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"ünïcødé ✓ 😀", "<script>&amp;</script>", "line\u2028sep\u2029par",
		"bad \xff utf8 \xe2\x82", "\xed\xa0\x80 surrogate",
	} {
		got := appendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s is not JSON: %v", s, got, err)
			continue
		}
		ref, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		// encoding/json is the reference: the same text, invalid bytes as U+FFFD.
		if back != want {
			t.Errorf("%q: decodes as %q, encoding/json's as %q", s, back, want)
		}
		if !utf8.Valid(got) {
			t.Errorf("%q: output %q is not UTF-8", s, got)
		}
		if strings.ContainsAny(string(got), "\u2028\u2029") {
			t.Errorf("%q: line separators left unescaped: %s", s, got)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 4.5, 0.1, 1e-7, 1.5e-9, 123456789, 1e20, 1e21, 1.2345e300,
		-3.4e-300, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53, 0.000001} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: %s, want %s (encoding/json)", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := appendFloat(nil, f); string(got) != "null" {
			t.Errorf("%v: %s, want null", f, got)
		}
	}
}

func TestAppendDecimal(t *testing.T) {
	for _, coef := range []int64{0, 1, -1, 5, -5, 990, -990, 123456789, 999999999999999999, math.MaxInt64, math.MinInt64} {
		for scale := uint8(0); scale <= 20; scale++ {
			want := dataflow.FormatDecimal(coef, scale)
			if got := string(appendDecimal(nil, coef, scale)); got != want {
				t.Errorf("%d scale %d: %s, want %s", coef, scale, got, want)
			}
		}
	}
}

func TestAppendValue(t *testing.T) {
	at := time.Date(2026, 11, 1, 10, 0, 0, 123456789, time.UTC)
	for _, tc := range []struct {
		v    dataflow.Value
		want string
	}{
		{dataflow.Null, "null"},
		{dataflow.Int(-42), "-42"},
		{dataflow.Int(math.MinInt64), "-9223372036854775808"},
		{dataflow.Uint(math.MaxUint64), "18446744073709551615"},
		{dataflow.Bool(true), "1"},
		{dataflow.Float(2.5), "2.5"},
		{dataflow.Float(math.NaN()), "null"},
		{dataflow.Decimal(-5, 2), `"-0.05"`},
		{dataflow.Decimal(1234, 0), `"1234"`},
		{dataflow.String(`a"b`), `"a\"b"`},
		{dataflow.Date(at), `"2026-11-01"`},
		{dataflow.Datetime(at, 0), `"2026-11-01 10:00:00"`},
		{dataflow.Datetime(at, 3), `"2026-11-01 10:00:00.123"`},
		{dataflow.Datetime(at, 6), `"2026-11-01 10:00:00.123456"`},
		{dataflow.Datetime(time.Date(1000, 1, 1, 0, 0, 0, 5000, time.UTC), 6), `"1000-01-01 00:00:00.000005"`},
	} {
		if got := string(appendValue(nil, tc.v)); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.v, got, tc.want)
		}
		// Dates and decimals read as MySQL's text.
		if tc.v.IsTime() || tc.v.Kind() == dataflow.KindDecimal {
			if want := `"` + tc.v.ToText() + `"`; tc.want != want {
				t.Errorf("%v: want %s differs from ToText %s", tc.v, tc.want, want)
			}
		}
	}
}

// discard is a ResponseWriter that keeps nothing, so that allocation counts are the
// handler's own.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// TestReadAllocations checks that encoding a read allocates nothing per row: the buffers
// are pooled and the read shares the view's rows.
func TestReadAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	e := newsEngine(t, weir.Options{})
	v, err := e.View("by_author")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	rows, err := v.LookupValues(ctx, 0, dataflow.Int(1))
	if err != nil {
		t.Fatal(err)
	}
	w := &discard{h: http.Header{}}
	allocs := testing.AllocsPerRun(100, func() {
		enc := encoders.Get().(*encoder)
		if err := enc.write(w, "by_author", rows); err != nil {
			t.Fatal(err)
		}
		enc.release()
	})
	if allocs != 0 {
		t.Errorf("encoding a read: %v allocations, want 0", allocs)
	}

	// The whole handler, hit path: what is left is net/http's header map entry.
	h := &handler{e: e, log: zap.NewNop()}
	req, err := http.NewRequest(http.MethodGet, "/v1/views/by_author?p1=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetPathValue("name", "by_author")
	allocs = testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.view(w, req)
	})
	if allocs > 2 {
		t.Errorf("a read through the handler: %v allocations, want at most 2", allocs)
	}
	t.Logf("a read through the handler: %v allocations", allocs)
}
