package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/weirdb/weir"
)

// testCtx bounds a test's engine calls: a hang fails the test instead of the run.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func openEngine(t *testing.T, opts weir.Options) *weir.Engine {
	t.Helper()
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func exec(t *testing.T, e *weir.Engine, sql string, args ...any) weir.Result {
	t.Helper()
	res, err := e.Exec(testCtx(t), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func register(t *testing.T, e *weir.Engine, name, sql string) *weir.View {
	t.Helper()
	v, err := e.Register(testCtx(t), name, sql)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return v
}

// get serves one GET through h and returns the status and body.
func get(t *testing.T, h http.Handler, target string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", target, err)
	}
	return rec.Code, rec.Result().Header, string(body)
}

func TestHealthz(t *testing.T) {
	e := openEngine(t, weir.Options{})
	h := New(e, Config{})

	code, hdr, body := get(t, h, "/healthz")
	if code != http.StatusOK || body != "ok\n" {
		t.Fatalf("open engine: %d %q, want 200 \"ok\\n\"", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}

	// A table named "" exists and must not be touched by the probe (nor break it).
	exec(t, e, "CREATE TABLE `` (id INT PRIMARY KEY)")
	if code, _, body := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("with a table named \"\": %d %q", code, body)
	}
	if got := e.Views(); len(got) != 0 {
		t.Fatalf("the health probe registered views: %v", got)
	}

	e.Close()
	code, _, body = get(t, h, "/healthz")
	if code != http.StatusServiceUnavailable || strings.TrimSpace(body) == "" {
		t.Fatalf("closed engine: %d %q, want 503 with a reason", code, body)
	}
}

func TestRoutes(t *testing.T) {
	e := openEngine(t, weir.Options{})
	h := New(e, Config{})
	req := httptest.NewRequest(http.MethodPost, "/healthz", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d, want 405", rec.Code)
	}
	if code, _, _ := get(t, h, "/nope"); code != http.StatusNotFound {
		t.Errorf("GET /nope: %d, want 404", code)
	}
	req = httptest.NewRequest(http.MethodHead, "/healthz", nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("HEAD /healthz: %d, want 200", rec.Code)
	}
}

// TestSharedRegistry checks that the handler leaves room for the server's other metrics and
// that wiring a second handler onto one registry does not panic.
func TestSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	conns := prometheus.NewGauge(prometheus.GaugeOpts{Name: "weir_mysql_connections", Help: "Open connections."})
	reg.MustRegister(conns)
	conns.Set(3)

	e := openEngine(t, weir.Options{})
	h := New(e, Config{Registry: reg})
	New(e, Config{Registry: reg}) // the collectors are there already

	code, _, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	for _, want := range []string{"weir_mysql_connections 3", "weir_views 0", "go_goroutines "} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if prometheus.DefaultRegisterer.Unregister(newEngineCollector(e)) {
		t.Errorf("the engine collector was registered on the default registry")
	}
}

// decodeRead decodes a view read, keeping numbers exact.
func decodeRead(t *testing.T, body string) readBody {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var rb readBody
	if err := dec.Decode(&rb); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	if dec.More() {
		t.Fatalf("trailing data after the object: %s", body)
	}
	return rb
}

type readBody struct {
	View    string `json:"view"`
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Rows []map[string]any `json:"rows"`
}
