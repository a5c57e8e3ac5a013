package bench

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// TestRunRangeSmall runs the range comparison briefly, with Weir's server in the test's
// process: both sides must serve reads, every page is checked (full, in created order,
// right after its bound), and PostgreSQL's CPU per read is measured.
func TestRunRangeSmall(t *testing.T) {
	pg := testserver.StartPostgres(t)
	rep, err := RunRange(context.Background(), RangeConfig{
		Rows: 3000, Clients: 2, Duration: 400 * time.Millisecond, Rounds: 2, Target: "wire",
		PostgresURL: pg.CreateDatabase(t, "ranges"), PostgresPID: pg.PID(),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Weir.Reads == 0 || rep.Postgres.Reads == 0 || rep.Ratio <= 0 {
		t.Fatalf("nothing measured: %+v", rep)
	}
	if rep.Weir.P99 < rep.Weir.P50 || rep.Postgres.P99 < rep.Postgres.P50 {
		t.Fatalf("percentiles out of order: %+v", rep)
	}
	if p := rep.Postgres.Server; runtime.GOOS == "linux" && p.CPUPerOp == nil {
		t.Fatalf("PostgreSQL's CPU: %+v", p)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "server CPU/read") {
		t.Fatalf("report:\n%s", out.String())
	}
}

// TestCheckRangePage: the page check must reject a short page, a gap, and a page that
// starts past the first row after its bound.
func TestCheckRangePage(t *testing.T) {
	page := func(first int64) []int64 {
		p := make([]int64, rangePage)
		for i := range p {
			p[i] = first + int64(i)*1000
		}
		return p
	}
	for _, tc := range []struct {
		bound int64
		page  []int64
		ok    bool
	}{
		{0, page(1), true},
		{1, page(1001), true},
		{1000, page(1001), true},
		{1001, page(2001), true},
		{1001, page(1001), false},
		{1000, page(2001), false},
		{1000, page(1001)[:rangePage-1], false},
		{1000, append(page(1001)[:rangePage-1], 99999999), false},
	} {
		if err := checkRangePage(tc.bound, tc.page); (err == nil) != tc.ok {
			t.Errorf("bound %d: %v, want ok %v", tc.bound, err, tc.ok)
		}
	}
}
