package pgwire

import (
	"context"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
)

// TestExecuteAllocations counts what a Bind, Execute and Sync of a prepared SELECT
// allocate once the connection is warm: the read path of the product.
func TestExecuteAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	e := newsEngine(t)
	s, err := New(e, Config{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := s.newConn(a)
	c.loop = connloop.New(a, a)
	c.ready = true
	c.settings = newSessionSettings("15.0 (Weir)", "root", 1)
	c.db = weir.DatabaseName
	c.ctx, c.cancel = context.WithCancel(weir.WithDatabase(context.Background(), c.db))
	defer c.cancel()
	body := func(m pgproto3.FrontendMessage) (byte, []byte) {
		buf, err := m.Encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		return buf[0], buf[5:]
	}
	run := func(msgs ...pgproto3.FrontendMessage) {
		for _, m := range msgs {
			typ, b := body(m)
			if err := c.message(typ, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(&pgproto3.Parse{Name: "q", Query: "SELECT id, title FROM article WHERE id = $1"}, &pgproto3.Sync{})
	c.loop.Out = c.loop.Out[:0]
	bind := &pgproto3.Bind{PreparedStatement: "q", Parameters: [][]byte{{0, 0, 0, 1}}, ParameterFormatCodes: []int16{1}, ResultFormatCodes: []int16{1}}
	msgs := []pgproto3.FrontendMessage{bind, &pgproto3.Execute{}, &pgproto3.Sync{}}
	type raw struct {
		typ  byte
		body []byte
	}
	var raws []raw
	for _, m := range msgs {
		typ, b := body(m)
		raws = append(raws, raw{typ, b})
	}
	exec := func() {
		for _, r := range raws {
			if err := c.message(r.typ, r.body); err != nil {
				t.Fatal(err)
			}
		}
		c.loop.Out = c.loop.Out[:0]
	}
	for _, format := range []int16{0, 1} {
		bind.ResultFormatCodes = []int16{format}
		raws[0].typ, raws[0].body = body(bind)
		exec() // warm: the fill
		allocs := testing.AllocsPerRun(200, exec)
		t.Logf("Bind+Execute+Sync, results in format %d: %v allocations", format, allocs)
		// pgproto3's Bind.Decode allocates its three slices (parameters, their formats,
		// result formats); pgtype scans the binary parameter into a pointer it keeps, and
		// boxes the binary int4 it encodes.
		want := 5.0
		if format == 1 {
			want = 6
		}
		if allocs > want {
			t.Errorf("Bind+Execute+Sync, results in format %d: %v allocations, want at most %v", format, allocs, want)
		}
	}
}
