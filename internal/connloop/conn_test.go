package connloop_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/connloop"
)

// lineRunner serves a toy protocol: each request is a line, answered by the line upper-cased;
// "quit" ends the connection.
func lineRunner(c *connloop.Conn) error {
	for {
		in := c.Input()
		i := bytes.IndexByte(in, '\n')
		if i < 0 {
			c.NeedMore(len(in) + 1)
			return nil
		}
		line := string(in[:i])
		c.Consume(i + 1)
		if line == "quit" {
			c.Out = append(c.Out, "bye\n"...)
			return connloop.ErrQuit
		}
		c.Out = append(c.Out, strings.ToUpper(line)...)
		c.Out = append(c.Out, '\n')
		if err := c.Added(); err != nil {
			return err
		}
	}
}

// serveOne accepts one connection on a loopback listener and serves it with lineRunner; the
// returned channel gets Serve's result.
func serveOne(t *testing.T) (net.Conn, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	done := make(chan error, 1)
	go func() {
		s, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		c := connloop.New(s, s)
		c.Run = lineRunner
		done <- c.Serve()
	}()
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	cl.SetDeadline(time.Now().Add(20 * time.Second))
	return cl, done
}

func TestPipelinedAndLargeRequests(t *testing.T) {
	cl, done := serveOne(t)
	big := strings.Repeat("x", 3*connloop.ReadBuffer+17) // grows the buffer, then it shrinks back
	var sent bytes.Buffer
	for i := range 200 {
		if i%50 == 7 {
			sent.WriteString(big + "\n")
		} else {
			sent.WriteString("req\n")
		}
	}
	sent.WriteString("quit\n")
	go cl.Write(sent.Bytes())
	r := bufio.NewReader(cl)
	for i := range 200 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		want := "REQ\n"
		if i%50 == 7 {
			want = strings.ToUpper(big) + "\n"
		}
		if line != want {
			t.Fatalf("reply %d: %d bytes, want %d", i, len(line), len(want))
		}
	}
	if line, _ := r.ReadString('\n'); line != "bye\n" {
		t.Fatalf("after quit: %q", line)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve after quit: %v", err)
	}
}

// TestRequestSplitAcrossWrites: a request that arrives in pieces is run once whole.
func TestRequestSplitAcrossWrites(t *testing.T) {
	cl, _ := serveOne(t)
	r := bufio.NewReader(cl)
	for _, piece := range []string{"he", "ll", "o\nwor", "ld\n"} {
		if _, err := cl.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"HELLO\n", "WORLD\n"} {
		if line, err := r.ReadString('\n'); err != nil || line != want {
			t.Fatalf("got %q, %v; want %q", line, err, want)
		}
	}
}

// TestHalfCloseSeen: a client that sends its last request and its end of stream together
// gets its answer and then the connection ends, within the probe, though no readiness
// follows the read that took the request.
func TestHalfCloseSeen(t *testing.T) {
	old := connloop.SetProbeEvery(50 * time.Millisecond)
	defer connloop.SetProbeEvery(old)
	cl, done := serveOne(t)
	if _, err := cl.Write([]byte("last\n")); err != nil {
		t.Fatal(err)
	}
	cl.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(cl)
	if err != nil || string(got) != "LAST\n" {
		t.Fatalf("got %q, %v", got, err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("Serve ended with %v, want EOF", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the half-closed connection was not released")
	}
}

// TestThroughNetConn: a connection that is not a TCP socket (TLS, a pipe) is served through
// net.Conn.
func TestThroughNetConn(t *testing.T) {
	s, cl := net.Pipe()
	defer cl.Close()
	done := make(chan error, 1)
	go func() {
		defer s.Close()
		c := connloop.New(s, nil)
		c.Run = lineRunner
		done <- c.Serve()
	}()
	go cl.Write([]byte("a\nb\nquit\n"))
	r := bufio.NewReader(cl)
	for _, want := range []string{"A\n", "B\n", "bye\n"} {
		if line, err := r.ReadString('\n'); err != nil || line != want {
			t.Fatalf("got %q, %v; want %q", line, err, want)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestAcceptEndsOnPurposefulClose: a listener closed on purpose ends Accept with no
// connection and no error; closed otherwise, Accept reports the error.
func TestAcceptEndsOnPurposefulClose(t *testing.T) {
	for _, purposeful := range []bool{true, false} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		c, err := connloop.Accept(ln, func() bool { return purposeful }, func(error, time.Duration) {
			t.Error("a closed listener is not a resource to wait for")
		})
		if c != nil || (err == nil) != purposeful {
			t.Fatalf("purposeful %v: Accept = %v, %v", purposeful, c, err)
		}
	}
}
