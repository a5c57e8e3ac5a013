package bench

import (
	"context"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// TestRunWireSmall runs the wire comparison briefly: both sides must serve reads, and each
// read is checked against the article asked for.
func TestRunWireSmall(t *testing.T) {
	redis := testserver.RequireBinary(t, "redis-server")
	rep, err := RunWire(context.Background(), WireConfig{
		Articles: 300, Clients: 4, Duration: 400 * time.Millisecond, Rounds: 2, RedisServer: redis,
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
}
