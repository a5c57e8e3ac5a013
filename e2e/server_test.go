package e2e

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/servertest"
	"github.com/weirdb/weir/server"
)

// startServer runs an engine and a server on a free loopback port until the test ends, and
// returns the engine and the server's address. The listener exists before Serve runs, so a
// client may connect as soon as this returns: the kernel queues the connection until Serve
// accepts it.
func startServer(t testing.TB) (*weir.Engine, string) {
	t.Helper()
	e, _, addr := servertest.Start(t, weir.Options{MemoryLimit: -1}, server.Config{})
	return e, addr
}

// Command bytes of the MySQL protocol that the tests name.
const (
	comQuit      = 0x01
	comQuery     = 0x03
	comFieldList = 0x04
)

// Header bytes of the server's replies.
const (
	replyOK  = 0x00
	replyErr = 0xff
)

// command is one command a client sent, and the first byte of the server's reply: OK (0x00),
// an error (0xff), EOF (0xfe) or, for a result set, the start of its column count.
type command struct {
	code    byte
	arg     string
	reply   byte
	replied bool
}

func (c command) String() string {
	switch c.code {
	case comQuery:
		return fmt.Sprintf("COM_QUERY %q", c.arg)
	case comFieldList:
		// The table name ends at a NUL; a wildcard may follow.
		name := c.arg
		for i := range len(name) {
			if name[i] == 0 {
				name = name[:i]
				break
			}
		}
		return fmt.Sprintf("COM_FIELD_LIST %q", name)
	case comQuit:
		return "COM_QUIT"
	}
	return fmt.Sprintf("command %#x", c.code)
}

// wireLog is a TCP proxy in front of a server that records the commands clients send and how
// the server answers each. A client's output shows what it chose to print; the log shows
// what it asked, so a test can tell that the queries a client sends on its own (on
// connecting, say) were sent at all and were answered without an error.
type wireLog struct {
	mu       sync.Mutex
	commands []command
}

// recordWire starts a proxy to target and returns its address; it stops when the test ends.
func recordWire(t testing.TB, target string) (*wireLog, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &wireLog{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			srv, err := net.Dial("tcp", target)
			if err != nil {
				t.Errorf("proxy: %v", err)
				client.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, client, srv)
			mu.Unlock()
			wg.Go(func() {
				w.forward(srv, client, w.request)
				srv.Close()
			})
			wg.Go(func() {
				w.forward(client, srv, w.response)
				client.Close()
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return w, ln.Addr().String()
}

// forward copies packets from src to dst, showing each to see before passing it on, so that
// a command is logged before the server can answer it.
func (w *wireLog) forward(dst io.Writer, src io.Reader, see func(seq byte, payload []byte)) {
	header := make([]byte, 4)
	for {
		if _, err := io.ReadFull(src, header); err != nil {
			return
		}
		n := int(header[0]) | int(header[1])<<8 | int(header[2])<<16
		packet := make([]byte, 4+n)
		copy(packet, header)
		if _, err := io.ReadFull(src, packet[4:]); err != nil {
			return
		}
		see(header[3], packet[4:])
		if _, err := dst.Write(packet); err != nil {
			return
		}
	}
}

// request logs a client's packet that starts a command: sequence number 0 (the handshake
// response has 1).
func (w *wireLog) request(seq byte, payload []byte) {
	if seq != 0 || len(payload) == 0 {
		return
	}
	w.mu.Lock()
	w.commands = append(w.commands, command{code: payload[0], arg: string(payload[1:])})
	w.mu.Unlock()
}

// response notes the first packet of a reply (sequence number 1) against the oldest command
// not yet answered. The server's handshake packets have other numbers.
func (w *wireLog) response(seq byte, payload []byte) {
	if seq != 1 || len(payload) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.commands {
		if !w.commands[i].replied && w.commands[i].code != comQuit {
			w.commands[i].reply, w.commands[i].replied = payload[0], true
			return
		}
	}
}

func (w *wireLog) log() []command {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]command(nil), w.commands...)
}

// checkAnswered fails the test for each command the server answered with an error or not at
// all (COM_QUIT has no answer).
func (w *wireLog) checkAnswered(t testing.TB) {
	t.Helper()
	for _, c := range w.log() {
		switch {
		case c.code == comQuit:
		case !c.replied:
			t.Errorf("%v: no reply", c)
		case c.reply == replyErr:
			t.Errorf("%v: the server answered with an error", c)
		}
	}
}
