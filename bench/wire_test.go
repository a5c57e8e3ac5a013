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

// TestRunWireSmall runs the wire comparison briefly, with Weir's server in the test's
// process (cmd/weir's tests run the process target): both sides must serve reads, each read
// is checked against the article asked for, and redis-server's CPU per GET is measured.
func TestRunWireSmall(t *testing.T) {
	redis := testserver.RequireBinary(t, "redis-server")
	rep, err := RunWire(context.Background(), WireConfig{
		Articles: 300, Clients: 4, Duration: 400 * time.Millisecond, Rounds: 2, RedisServer: redis, Target: "wire",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Weir.Reads == 0 || rep.Redis.Reads == 0 || rep.Ratio <= 0 {
		t.Fatalf("nothing measured: %+v", rep)
	}
	if rep.Weir.P50 <= 0 || rep.Weir.P99 < rep.Weir.P50 || rep.Redis.P99 < rep.Redis.P50 {
		t.Fatalf("percentiles out of order: %+v", rep)
	}
	if rep.Weir.Server.CPUPerOp != nil || rep.CPURatio != 0 || rep.Weir.Server.GCPause == nil {
		t.Fatalf("in-process Weir: %+v, CPU ratio %v", rep.Weir.Server, rep.CPURatio)
	}
	if r := rep.Redis.Server; runtime.GOOS == "linux" && (r.CPUPerOp == nil || r.Processes[0].Commands < rep.Redis.Reads) {
		t.Fatalf("redis-server's CPU: %+v (%d reads)", r, rep.Redis.Reads)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "server CPU/read") {
		t.Fatalf("report:\n%s", out.String())
	}
}
