//go:build linux

package connloop_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestPollerHandOverKeepsSocketInSet: a hand-over of a request that may wait costs no
// epoll_ctl call when the client sends nothing meanwhile: the socket stays in the poller's
// set, and the next request is answered on the poller.
func TestPollerHandOverKeepsSocketInSet(t *testing.T) {
	p, stop := connloop.NewPollerForTest(connloop.RingOff)
	defer stop()
	r := &pollRunner{t: t}
	pc := servePolledOn(t, p, 1, r.run)[0]
	attached(t, r, pc)
	ctls := p.EpollCtls()
	for i := range 5 {
		direct, polled := r.direct.Load(), r.polled.Load()
		pc.roundTrip(t, fmt.Sprintf("slow%d\nfast%d\n", i, i), fmt.Sprintf("SLOW%d\n", i), fmt.Sprintf("FAST%d\n", i))
		pc.roundTrip(t, fmt.Sprintf("next%d\n", i), fmt.Sprintf("NEXT%d\n", i))
		if r.direct.Load() == direct || r.polled.Load() == polled {
			t.Fatal("the request that may wait was not handed over, or the next not answered on the poller")
		}
	}
	if n := p.EpollCtls() - ctls; n != 0 {
		t.Fatalf("5 hand-overs made %d epoll_ctl calls, want 0", n)
	}
	pc.roundTrip(t, "quit\n", "bye\n")
	if err := pc.ended(t); err != nil {
		t.Fatalf("Serve after quit: %v", err)
	}
}

// TestPollerInputDuringHandOver: a client that sends while its connection is handed over
// has its socket taken out of the poller's set (level-triggered, it would be reported at
// every wait until the goroutine gives the connection back) and put back after: the input
// is answered in order, on the poller.
func TestPollerInputDuringHandOver(t *testing.T) {
	p, stop := connloop.NewPollerForTest(connloop.RingOff)
	defer stop()
	r := &pollRunner{t: t, hold: make(chan struct{}), held: make(chan struct{})}
	pc := servePolledOn(t, p, 1, r.run)[0]
	attached(t, r, pc)
	if _, err := pc.cl.Write([]byte("hold\n")); err != nil {
		t.Fatal(err)
	}
	<-r.held
	if _, err := pc.cl.Write([]byte("during\n")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); pc.loop.Registered(); {
		if time.Now().After(deadline) {
			t.Fatal("the socket of a connection handed over stayed in the set after its client sent")
		}
		runtime.Gosched()
	}
	polled := r.polled.Load()
	r.hold <- struct{}{}
	pc.roundTrip(t, "", "HOLD\n", "DURING\n")
	if r.polled.Load() != polled+1 {
		t.Fatal("the input sent during the hand-over was not answered on the poller")
	}
	if !pc.loop.Registered() {
		t.Fatal("the socket is not back in the set")
	}
	pc.roundTrip(t, "after\n", "AFTER\n")
	pc.roundTrip(t, "quit\n", "bye\n")
	if err := pc.ended(t); err != nil {
		t.Fatalf("Serve after quit: %v", err)
	}
}

// TestPollerChurn: connections open and end (the client hangs up, the server closes or
// wakes them, the client quits) at random points, some while handed over, while others
// are served, so the process gives ended connections' descriptor numbers to new ones
// under the poller, and sockets leave its set both from the poller (a client that sends
// while handed over) and from goroutines (an end while handed over). Every client gets
// exactly its own replies, in order, and every Serve returns.
func TestPollerChurn(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode int
	}{{"ring", connloop.RingOn}, {"no ring", connloop.RingOff}} {
		t.Run(tc.name, func(t *testing.T) {
			p, stop := connloop.NewPollerForTest(tc.mode)
			defer stop()
			r := &pollRunner{t: t}
			const workers, conns = 8, 40
			errs := make(chan error, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ln, err := net.Listen("tcp", "127.0.0.1:0") // the worker's own: it accepts what it dials
					if err != nil {
						errs <- err
						return
					}
					defer ln.Close()
					rng := rand.New(rand.NewPCG(uint64(w), 1))
					for n := range conns {
						if err := churnOne(ln, p, r, rng, fmt.Sprintf("w%dc%d", w, n)); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
	}
}

// churnOne serves one connection on p for a few random rounds of TestPollerChurn, then
// ends it one of four ways, and waits for Serve to return.
func churnOne(ln net.Listener, p *connloop.Poller, r *pollRunner, rng *rand.Rand, name string) error {
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer cl.Close()
	cl.SetDeadline(time.Now().Add(30 * time.Second))
	s, err := ln.Accept()
	if err != nil {
		return err
	}
	loop := connloop.New(s, s)
	loop.Run = r.run
	loop.UsePoller(p)
	done := make(chan error, 1)
	go func() {
		defer loop.Close()
		done <- loop.Serve()
	}()
	br := bufio.NewReader(cl)
	for round := range rng.IntN(6) {
		var send strings.Builder
		var want []string
		for j := range 1 + rng.IntN(3) {
			req := fmt.Sprintf("%sr%dq%d", name, round, j)
			if rng.IntN(3) == 0 {
				req = "slow" + req
			}
			send.WriteString(req + "\n")
			want = append(want, strings.ToUpper(req)+"\n")
		}
		if _, err := cl.Write([]byte(send.String())); err != nil {
			return err
		}
		for _, w := range want {
			line, err := br.ReadString('\n')
			if err != nil || line != w {
				return fmt.Errorf("%s round %d: got %q, %v; want %q", name, round, line, err, w)
			}
		}
	}
	// The end, sometimes right after a request that is handed over.
	if rng.IntN(2) == 0 {
		if _, err := cl.Write([]byte("slow" + name + "end\n")); err != nil {
			return err
		}
	}
	switch rng.IntN(4) {
	case 0:
		cl.Close()
	case 1:
		loop.Close()
	case 2:
		loop.Wake()
	default:
		if _, err := cl.Write([]byte("quit\n")); err != nil {
			return err
		}
	}
	select {
	case <-done:
		return nil
	case <-time.After(20 * time.Second):
		return fmt.Errorf("%s: Serve did not return", name)
	}
}
