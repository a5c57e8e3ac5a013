package connloop_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/connloop"
)

// pollRunner serves lineRunner's protocol on a poller: "slow…" lines (and "quit") may wait,
// so on the poller they are ErrBlocking; "big:N" answers N bytes; "panic" panics. It counts
// the lines answered on the poller and on the goroutine, and fails the test if a slow line
// is ever answered on the poller.
type pollRunner struct {
	t              *testing.T
	polled, direct atomic.Int64
}

func (r *pollRunner) run(c *connloop.Conn) error {
	for {
		in := c.Input()
		i := bytes.IndexByte(in, '\n')
		if i < 0 {
			c.NeedMore(len(in) + 1)
			return nil
		}
		line := string(in[:i])
		if c.Polled() && (strings.HasPrefix(line, "slow") || line == "quit") {
			return connloop.ErrBlocking
		}
		c.Consume(i + 1)
		if c.Polled() {
			r.polled.Add(1)
		} else {
			r.direct.Add(1)
		}
		switch {
		case line == "quit":
			c.Out = append(c.Out, "bye\n"...)
			return connloop.ErrQuit
		case line == "panic":
			panic("runner panic")
		case strings.HasPrefix(line, "slow"):
			time.Sleep(time.Millisecond) // what a request that waits does to its goroutine
		case strings.HasPrefix(line, "big:"):
			var n int
			fmt.Sscanf(line, "big:%d", &n)
			c.Out = append(c.Out, strings.Repeat("b", n)...)
			c.Out = append(c.Out, '\n')
			if err := c.Added(); err != nil {
				return err
			}
			continue
		}
		c.Out = append(c.Out, strings.ToUpper(line)...)
		c.Out = append(c.Out, '\n')
		if err := c.Added(); err != nil {
			return err
		}
	}
}

type polledConn struct {
	cl   net.Conn
	r    *bufio.Reader
	loop *connloop.Conn
	done chan error // Serve's result, or the value it panicked with as an error
}

// servePolled accepts n connections on a loopback listener, each served with run on the
// shared poller.
func servePolled(t *testing.T, n int, run func(*connloop.Conn) error) []*polledConn {
	t.Helper()
	p := connloop.Shared()
	if p == nil {
		t.Skip("no poller on this platform")
	}
	old := connloop.SetStayTurns(0)
	t.Cleanup(func() { connloop.SetStayTurns(old) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := make([]*polledConn, n)
	for i := range conns {
		cl, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		cl.SetDeadline(time.Now().Add(30 * time.Second))
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		pc := &polledConn{cl: cl, r: bufio.NewReader(cl), loop: connloop.New(s, s), done: make(chan error, 1)}
		pc.loop.Run = run
		pc.loop.UsePoller(p)
		go func() {
			defer s.Close()
			defer func() {
				if r := recover(); r != nil {
					pc.done <- fmt.Errorf("panic: %v", r)
				}
			}()
			pc.done <- pc.loop.Serve()
		}()
		conns[i] = pc
	}
	return conns
}

func (pc *polledConn) roundTrip(t *testing.T, send string, want ...string) {
	t.Helper()
	if _, err := pc.cl.Write([]byte(send)); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		line, err := pc.r.ReadString('\n')
		if err != nil || line != w {
			t.Fatalf("after %q: got %.40q, %v; want %.40q", send, line, err, w)
		}
	}
}

func (pc *polledConn) ended(t *testing.T) error {
	t.Helper()
	select {
	case err := <-pc.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return")
		return nil
	}
}

// TestPollerServesInOrder: many connections, each sending requests one at a time and
// pipelined, fast ones and ones that may wait mixed, get every reply in order; the fast
// ones are answered on the poller, the others on their goroutines.
func TestPollerServesInOrder(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 16, r.run)
	var wg sync.WaitGroup
	errs := make(chan error, len(conns))
	for i, pc := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 50 {
				var send strings.Builder
				var want []string
				k := 1 + (i+round)%4 // a pipeline of k requests
				for j := range k {
					req := fmt.Sprintf("c%dr%dq%d", i, round, j)
					if (i+round+j)%7 == 0 {
						req = "slow" + req
					}
					send.WriteString(req + "\n")
					want = append(want, strings.ToUpper(req)+"\n")
				}
				if _, err := pc.cl.Write([]byte(send.String())); err != nil {
					errs <- err
					return
				}
				for _, w := range want {
					line, err := pc.r.ReadString('\n')
					if err != nil || line != w {
						errs <- fmt.Errorf("connection %d round %d: got %q, %v; want %q", i, round, line, err, w)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, pc := range conns {
		pc.roundTrip(t, "quit\n", "bye\n")
		if err := pc.ended(t); err != nil {
			t.Fatalf("Serve after quit: %v", err)
		}
	}
	if r.polled.Load() == 0 || r.direct.Load() == 0 {
		t.Fatalf("answered on the poller %d, on goroutines %d: want both", r.polled.Load(), r.direct.Load())
	}
}

// attached makes pc's connection wait on the poller: a request sent once the goroutine
// has answered the previous one is the poller's.
func attached(t *testing.T, r *pollRunner, pc *polledConn) {
	t.Helper()
	pc.roundTrip(t, "one\n", "ONE\n")
	before := r.polled.Load()
	pc.roundTrip(t, "two\n", "TWO\n")
	if r.polled.Load() != before+1 {
		t.Fatal("the second request was not answered on the poller")
	}
}

// TestPollerWakeAndClose: Wake and Close take a connection back from the poller at once.
func TestPollerWakeAndClose(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 2, r.run)
	attached(t, r, conns[0])
	attached(t, r, conns[1])
	conns[0].loop.Wake()
	if err := conns[0].ended(t); !errors.Is(err, connloop.ErrWoken) {
		t.Fatalf("Serve after Wake: %v", err)
	}
	conns[1].loop.Close()
	if err := conns[1].ended(t); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve after Close: %v", err)
	}
	if _, err := conns[1].r.ReadString('\n'); err == nil {
		t.Fatal("the client's connection is still open")
	}
}

// TestPollerPanic: a runner that panics on the poller panics on its connection's goroutine,
// where the server recovers, and the poller serves the other connections on.
func TestPollerPanic(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 2, r.run)
	attached(t, r, conns[0])
	attached(t, r, conns[1])
	if _, err := conns[0].cl.Write([]byte("panic\n")); err != nil {
		t.Fatal(err)
	}
	if err := conns[0].ended(t); err == nil || err.Error() != "panic: runner panic" {
		t.Fatalf("Serve: %v, want the runner's panic", err)
	}
	conns[1].roundTrip(t, "three\n", "THREE\n")
}

// TestPollerLargeReply: a reply the socket does not take at once is written by the
// connection's goroutine, while the poller answers the other connections.
func TestPollerLargeReply(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 2, r.run)
	attached(t, r, conns[0])
	attached(t, r, conns[1])
	const size = 16 << 20
	if _, err := conns[0].cl.Write([]byte(fmt.Sprintf("big:%d\n", size))); err != nil {
		t.Fatal(err)
	}
	// Connection 0's client reads nothing yet: the other is answered meanwhile.
	for i := range 20 {
		req := fmt.Sprintf("n%d", i)
		conns[1].roundTrip(t, req+"\n", strings.ToUpper(req)+"\n")
	}
	got, err := conns[0].r.ReadString('\n')
	if err != nil || len(got) != size+1 || strings.Count(got, "b") != size {
		t.Fatalf("large reply: %d bytes, %v", len(got), err)
	}
	conns[0].roundTrip(t, "after\n", "AFTER\n")
}

// TestPollerHalfClose: a client that sends its last request and its end of stream
// together gets its answer, and its connection ends.
func TestPollerHalfClose(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 1, r.run)
	pc := conns[0]
	attached(t, r, pc)
	if _, err := pc.cl.Write([]byte("last\n")); err != nil {
		t.Fatal(err)
	}
	pc.cl.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(pc.r)
	if err != nil || string(got) != "LAST\n" {
		t.Fatalf("got %q, %v", got, err)
	}
	if err := pc.ended(t); !errors.Is(err, io.EOF) {
		t.Fatalf("Serve ended with %v, want EOF", err)
	}
}

// TestPollerStays: after a request that may wait, a connection stays on its goroutine for
// a while rather than going back to the poller after each request.
func TestPollerStays(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 1, r.run)
	connloop.SetStayTurns(3)
	pc := conns[0]
	attached(t, r, pc)
	pc.roundTrip(t, "slow\n", "SLOW\n")
	before := r.polled.Load()
	for i := range 3 {
		req := fmt.Sprintf("s%d", i)
		pc.roundTrip(t, req+"\n", strings.ToUpper(req)+"\n")
	}
	if r.polled.Load() != before {
		t.Fatal("the connection went back to the poller at once")
	}
	pc.roundTrip(t, "back\n", "BACK\n")
	if r.polled.Load() != before+1 {
		t.Fatal("the connection did not go back to the poller")
	}
}
