package connloop_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
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
	// hold, when set, is what a "hold" line waits for on its goroutine (after sending on
	// held), as a request waits for a fill.
	hold, held chan struct{}
	// gate, when set, is what a "gate" line waits for on the poller (after sending on
	// gated): the poller serves nothing else meanwhile, so the requests that arrive then
	// are all there at its next wakeup.
	gate, gated chan struct{}
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
		if c.Polled() && (strings.HasPrefix(line, "slow") || line == "quit" || line == "hold" || line == "deadline") {
			return connloop.ErrBlocking
		}
		c.Consume(i + 1)
		if c.Polled() {
			r.polled.Add(1)
		} else {
			r.direct.Add(1)
		}
		switch {
		case line == "gate" && c.Polled():
			r.gated <- struct{}{}
			<-r.gate
		case line == "quit":
			c.Out = append(c.Out, "bye\n"...)
			return connloop.ErrQuit
		case line == "panic":
			panic("runner panic")
		case strings.HasPrefix(line, "slow"):
			time.Sleep(time.Millisecond) // what a request that waits does to its goroutine
		case line == "hold":
			r.held <- struct{}{}
			<-r.hold
		case line == "deadline":
			c.SetDeadline(time.Now().Add(100 * time.Millisecond))
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
	return servePolledOn(t, p, n, run)
}

// servePolledOn is servePolled on the poller p.
func servePolledOn(t *testing.T, p *connloop.Poller, n int, run func(*connloop.Conn) error) []*polledConn {
	t.Helper()
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
			defer pc.loop.Close()
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
	servesInOrder(t, r, servePolled(t, 16, r.run))
}

// servesInOrder is TestPollerServesInOrder's scenario on conns, served with r.
func servesInOrder(t *testing.T, r *pollRunner, conns []*polledConn) {
	t.Helper()
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

// TestPollerHandOverOrder: requests pipelined across a hand-over to the goroutine, and
// requests that arrive while the goroutine runs one that waits, are answered in the order
// sent, and the connection then goes back to the poller.
func TestPollerHandOverOrder(t *testing.T) {
	r := &pollRunner{t: t, hold: make(chan struct{}), held: make(chan struct{})}
	conns := servePolled(t, 2, r.run)
	pc := conns[0]
	attached(t, r, pc)
	attached(t, r, conns[1])
	var want []string
	var send strings.Builder
	for i := range 40 {
		req := fmt.Sprintf("p%d", i)
		if i%9 == 4 {
			req = "slow" + req
		}
		send.WriteString(req + "\n")
		want = append(want, strings.ToUpper(req)+"\n")
	}
	pc.roundTrip(t, send.String(), want...)

	// A request that waits, with more sent behind it before and while it waits.
	if _, err := pc.cl.Write([]byte("a1\na2\nhold\na3\n")); err != nil {
		t.Fatal(err)
	}
	<-r.held
	if _, err := pc.cl.Write([]byte("a4\nslowa5\na6\n")); err != nil {
		t.Fatal(err)
	}
	conns[1].roundTrip(t, "other\n", "OTHER\n") // the poller serves others meanwhile
	r.hold <- struct{}{}
	for _, w := range []string{"A1\n", "A2\n", "HOLD\n", "A3\n", "A4\n", "SLOWA5\n", "A6\n"} {
		line, err := pc.r.ReadString('\n')
		if err != nil || line != w {
			t.Fatalf("got %q, %v; want %q", line, err, w)
		}
	}
	before := r.polled.Load()
	pc.roundTrip(t, "back\n", "BACK\n")
	if r.polled.Load() != before+1 {
		t.Fatal("the connection did not go back to the poller")
	}
}

// TestPollerSlowReader: a client that pipelines requests whose replies outgrow the
// socket's buffers and reads them slowly gets every byte in order, while the poller serves
// another connection.
func TestPollerSlowReader(t *testing.T) {
	r := &pollRunner{t: t}
	conns := servePolled(t, 2, r.run)
	pc := conns[0]
	attached(t, r, pc)
	attached(t, r, conns[1])
	const requests, size = 64, 100 << 10
	var send strings.Builder
	for i := range requests {
		fmt.Fprintf(&send, "big:%d\nn%d\n", size+i, i)
	}
	go pc.cl.Write([]byte(send.String())) // the server's replies fill the sockets first
	for i := range 20 {
		req := fmt.Sprintf("o%d", i)
		conns[1].roundTrip(t, req+"\n", strings.ToUpper(req)+"\n")
	}
	buf := make([]byte, 1000) // small reads: a slow reader
	var got []byte
	total := 0
	for i := range requests {
		total += size + i + 1 + len(fmt.Sprintf("N%d\n", i))
	}
	for len(got) < total {
		n, err := pc.r.Read(buf)
		if err != nil {
			t.Fatalf("after %d of %d bytes: %v", len(got), total, err)
		}
		got = append(got, buf[:n]...)
	}
	for i := range requests {
		line, rest, _ := strings.Cut(string(got), "\n")
		if len(line) != size+i || strings.Count(line, "b") != size+i {
			t.Fatalf("reply %d: %d bytes", i, len(line))
		}
		small, rest2, _ := strings.Cut(rest, "\n")
		if small != fmt.Sprintf("N%d", i) {
			t.Fatalf("reply to n%d: %.20q", i, small)
		}
		got = []byte(rest2)
	}
	pc.roundTrip(t, "after\n", "AFTER\n")
}

// TestPollerCloseDuringWait: a connection whose request is waiting on its goroutine, after
// a hand-over, ends when it is closed or when its client goes away, once the request
// returns.
func TestPollerCloseDuringWait(t *testing.T) {
	r := &pollRunner{t: t, hold: make(chan struct{}), held: make(chan struct{})}
	conns := servePolled(t, 3, r.run)
	for _, pc := range conns {
		attached(t, r, pc)
	}

	// Closed by the server while the request waits.
	if _, err := conns[0].cl.Write([]byte("hold\nnext\n")); err != nil {
		t.Fatal(err)
	}
	<-r.held
	conns[0].loop.Close()
	r.hold <- struct{}{}
	if err := conns[0].ended(t); err == nil {
		t.Fatal("Serve after Close: nil")
	}
	if rest, err := io.ReadAll(conns[0].r); err != nil || len(rest) > len("HOLD\n") {
		t.Fatalf("after Close the client read %q, %v", rest, err)
	}

	// The client goes away while the request waits.
	if _, err := conns[1].cl.Write([]byte("hold\n")); err != nil {
		t.Fatal(err)
	}
	<-r.held
	conns[1].cl.Close()
	r.hold <- struct{}{}
	if err := conns[1].ended(t); err == nil {
		t.Fatal("Serve after the client left: nil")
	}

	conns[2].roundTrip(t, "alive\n", "ALIVE\n")
}

// TestPollerBackAtOnce: a connection handed to its goroutine for a request that may wait
// is the poller's again for the next request.
func TestPollerBackAtOnce(t *testing.T) {
	r := &pollRunner{t: t}
	pc := servePolled(t, 1, r.run)[0]
	attached(t, r, pc)
	for i := range 3 {
		direct := r.direct.Load()
		pc.roundTrip(t, fmt.Sprintf("slow%d\n", i), fmt.Sprintf("SLOW%d\n", i))
		if r.direct.Load() != direct+1 {
			t.Fatal("the request that may wait was not answered on the goroutine")
		}
		polled := r.polled.Load()
		pc.roundTrip(t, fmt.Sprintf("fast%d\n", i), fmt.Sprintf("FAST%d\n", i))
		if r.polled.Load() != polled+1 {
			t.Fatal("the next request was not answered on the poller")
		}
	}
}

// TestPollerCloseDuringStalledWrite: a connection whose goroutine waits to write a reply the
// client does not read is closed at once by Close.
func TestPollerCloseDuringStalledWrite(t *testing.T) {
	r := &pollRunner{t: t}
	pc := servePolled(t, 1, r.run)[0]
	attached(t, r, pc)
	if _, err := pc.cl.Write([]byte(fmt.Sprintf("big:%d\n", 64<<20))); err != nil {
		t.Fatal(err)
	}
	// The poller writes what the socket takes, then hands the rest to the goroutine, which
	// waits for the client to read.
	if _, err := io.ReadFull(pc.r, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	if r.polled.Load() != 2 {
		t.Fatalf("answered on the poller: %d, want 2", r.polled.Load())
	}
	pc.loop.Close()
	if err := pc.ended(t); err == nil {
		t.Fatal("Serve after Close: nil")
	}
}

// TestPollerDeadlineAfterHandOver: a deadline a runner sets on the goroutine holds: the
// connection is served through a net.Conn again, and Serve ends when it passes.
func TestPollerDeadlineAfterHandOver(t *testing.T) {
	r := &pollRunner{t: t}
	pc := servePolled(t, 1, r.run)[0]
	attached(t, r, pc)
	pc.roundTrip(t, "deadline\n", "DEADLINE\n")
	pc.roundTrip(t, "within\n", "WITHIN\n")
	if err := pc.ended(t); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Serve after the deadline: %v", err)
	}
}
