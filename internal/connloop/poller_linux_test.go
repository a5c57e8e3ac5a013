//go:build linux

package connloop_test

import (
	"fmt"
	"testing"

	"github.com/weirdb/weir/internal/connloop"
)

// TestPollerBatch: requests that arrive on several connections while the poller is busy are
// read, run and answered in one wakeup: with a ring, one io_uring_enter for the reads and
// one for the writes; without one, a system call each; and with a ring that fails, the calls
// it did not make are made one by one, and it is not used again.
func TestPollerBatch(t *testing.T) {
	for _, tc := range []struct {
		name         string
		mode         int
		wantSubmits  bool
		wantBatching bool
	}{
		{"ring", connloop.RingOn, true, true},
		{"no ring", connloop.RingOff, false, false},
		{"broken ring", connloop.RingBroken, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, stop := connloop.NewPollerForTest(tc.mode)
			r := &pollRunner{t: t, gate: make(chan struct{}), gated: make(chan struct{})}
			conns := servePolledOn(t, p, 5, r.run)
			for _, pc := range conns {
				attached(t, r, pc)
			}
			// The poller waits in the first connection's "gate" while the others'
			// requests arrive.
			if _, err := conns[0].cl.Write([]byte("gate\n")); err != nil {
				t.Fatal(err)
			}
			<-r.gated
			for round := range 3 {
				for i, pc := range conns[1:] {
					if _, err := fmt.Fprintf(pc.cl, "c%dr%d\n", i, round); err != nil {
						t.Fatal(err)
					}
				}
				if round == 0 {
					r.gate <- struct{}{}
					conns[0].roundTrip(t, "", "GATE\n")
				}
				for i, pc := range conns[1:] {
					pc.roundTrip(t, "", fmt.Sprintf("C%dR%d\n", i, round))
				}
			}
			for _, pc := range conns {
				pc.roundTrip(t, "quit\n", "bye\n")
				if err := pc.ended(t); err != nil {
					t.Fatalf("Serve after quit: %v", err)
				}
			}
			submits, batching := stop()
			if (submits > 0) != tc.wantSubmits || batching != tc.wantBatching {
				t.Fatalf("io_uring_enter calls %d, ring kept %v; want calls %v, ring kept %v", submits, batching, tc.wantSubmits, tc.wantBatching)
			}
		})
	}
}

// TestPollerServesInOrderEachWay: TestPollerServesInOrder's scenario on a poller of its
// own with and without a ring, and with a ring whose first call fails.
func TestPollerServesInOrderEachWay(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode int
	}{{"ring", connloop.RingOn}, {"no ring", connloop.RingOff}, {"broken ring", connloop.RingBroken}} {
		t.Run(tc.name, func(t *testing.T) {
			p, stop := connloop.NewPollerForTest(tc.mode)
			r := &pollRunner{t: t}
			servesInOrder(t, r, servePolledOn(t, p, 16, r.run))
			stop()
		})
	}
}
