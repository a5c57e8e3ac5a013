package connloop

import (
	"net"
	"testing"
)

// socketPairs returns k connected loopback TCP pairs: the servers' descriptors and the
// clients' connections.
func socketPairs(tb testing.TB, k int) ([]int, []net.Conn) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	var fds []int
	var clients []net.Conn
	for range k {
		cc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			tb.Fatal(err)
		}
		sc, err := ln.Accept()
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { cc.Close(); sc.Close() })
		rc := rawConn(sc)
		fd := -1
		_ = rc.Control(func(d uintptr) { fd = int(d) })
		fds = append(fds, fd)
		clients = append(clients, cc)
	}
	return fds, clients
}

// benchmarkReplies writes a 300-byte reply to each of k sockets, then reads them at the
// clients: by one write(2) each, or by one io_uring_enter for all of them.
func benchmarkReplies(b *testing.B, k int, useRing bool) {
	fds, clients := socketPairs(b, k)
	var r *ring
	if useRing {
		var err error
		if r, err = newRing(64); err != nil {
			b.Skip(err)
		}
		defer r.close()
	}
	reply := make([]byte, 300)
	in := make([]byte, 4096)
	b.ResetTimer()
	for range b.N {
		if useRing {
			for i, fd := range fds {
				if err := r.prepare(true, fd, reply, uint64(i)); err != nil {
					b.Fatal(err)
				}
			}
			if err := r.submit(func(_ uint64, res int32) {
				if res != int32(len(reply)) {
					b.Fatalf("send: %d", res)
				}
			}); err != nil {
				b.Fatal(err)
			}
		} else {
			for _, fd := range fds {
				if n, err := rawWrite(uintptr(fd), reply); err != nil || n != len(reply) {
					b.Fatalf("write: %d %v", n, err)
				}
			}
		}
		for _, c := range clients {
			if _, err := c.Read(in); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReplies4Write and BenchmarkReplies4Ring, side by side, are what the ring saves on
// the writes of a wakeup that serves four connections.
func BenchmarkReplies4Write(b *testing.B) { benchmarkReplies(b, 4, false) }
func BenchmarkReplies4Ring(b *testing.B)  { benchmarkReplies(b, 4, true) }
