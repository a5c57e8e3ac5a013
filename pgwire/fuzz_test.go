package pgwire

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir/internal/connloop"
)

// fuzzMaxMessage bounds a message in the fuzz server: an input that announces a larger one
// must be refused before its bytes are buffered.
const fuzzMaxMessage = 64 << 10

// startFuzzServer starts the one server a fuzz process uses.
func startFuzzServer(f *testing.F) *Server {
	old := connloop.SetProbeEvery(20 * time.Millisecond)
	f.Cleanup(func() { connloop.SetProbeEvery(old) })
	e, err := openNewsEngine()
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(e, Config{MaxMessageBytes: fuzzMaxMessage, StatementTimeout: 5 * time.Second, AuthTimeout: 5 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	f.Cleanup(func() { s.Close(); e.Close() })
	for s.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	return s
}

// startupBytes is a valid StartupMessage for root.
func startupBytes() []byte {
	b, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "root", "database": "weir"}}).Encode(nil)
	return b
}

// FuzzMessages feeds arbitrary bytes to a connection: as its first message (startup) when
// the first byte is even, else after a valid startup, as command-phase messages. Whatever
// the bytes, the server must not panic, must answer or close the connection rather than
// hang, and must go on serving other connections.
func FuzzMessages(f *testing.F) {
	s := startFuzzServer(f)
	seed := func(msgs ...pgproto3.FrontendMessage) []byte {
		out := []byte{1}
		for _, m := range msgs {
			out, _ = m.Encode(out)
		}
		return out
	}
	f.Add(seed(&pgproto3.Query{String: "SELECT id, title FROM article WHERE author = 1; SHOW DateStyle"}))
	f.Add(seed(&pgproto3.Parse{Query: "SELECT title FROM article WHERE id = $1"}, &pgproto3.Bind{Parameters: [][]byte{{0, 0, 0, 1}},
		ParameterFormatCodes: []int16{1}, ResultFormatCodes: []int16{1}}, &pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(seed(&pgproto3.Query{String: "BEGIN; SET LOCAL statement_timeout = '1s'; SELECT current_setting('TimeZone'); COMMIT"}))
	f.Add(seed(&pgproto3.Bind{PreparedStatement: "nosuch"}, &pgproto3.Execute{}, &pgproto3.Sync{}, &pgproto3.Terminate{}))
	f.Add(append([]byte{0}, startupBytes()...))
	f.Add([]byte{0, 0, 0, 0, 8, 4, 210, 22, 47})                          // SSLRequest
	f.Add([]byte{0, 0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 1, 1, 2, 3, 4}) // CancelRequest
	f.Add([]byte{1, 'Q', 0x7f, 0xff, 0xff, 0xff})                         // a 2 GB message
	f.Fuzz(func(t *testing.T, input []byte) {
		if len(input) == 0 {
			return
		}
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
		payload := input[1:]
		if input[0]%2 == 1 {
			payload = append(startupBytes(), payload...)
		}
		if _, err := nc.Write(payload); err != nil {
			t.Fatal(err)
		}
		_ = nc.(*net.TCPConn).CloseWrite()
		if _, err := io.Copy(io.Discard, nc); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the server neither answered nor closed the connection for %q", input)
			}
		}
		if n := s.metrics.panics.Load(); n > 0 {
			t.Fatalf("%q: the server recovered from %d panics", input, n)
		}
	})
}

// TestOversizedMessage: a message that announces more than MaxMessageBytes ends its
// connection with 08P01 at once, before its bytes arrive, and the server buffers none of it.
func TestOversizedMessage(t *testing.T) {
	e := newsEngine(t)
	s := startServer(t, e, Config{MaxMessageBytes: 1 << 10})
	c := dialRaw(t, s)
	hdr := []byte{'Q', 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[1:], 1<<30)
	if _, err := c.nc.Write(hdr); err != nil {
		t.Fatal(err)
	}
	m, err := c.fe.Receive()
	if err != nil {
		t.Fatal(err)
	}
	er, ok := m.(*pgproto3.ErrorResponse)
	if !ok || er.Code != stateProtocol || er.Severity != "FATAL" {
		t.Fatalf("got %#v, want FATAL 08P01", m)
	}
	if _, err := c.fe.Receive(); err == nil {
		t.Fatal("the connection stayed open")
	}
}
