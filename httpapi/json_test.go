package httpapi

import (
	"net/http"
	"testing"

	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

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
