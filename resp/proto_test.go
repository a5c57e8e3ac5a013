package resp

import (
	"bytes"
	"context"
	"fmt"
	"net"
	osexec "os/exec"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// TestMalformedRequests sends what no client should: each gets a protocol error and the
// connection is closed, and the server goes on serving others.
func TestMalformedRequests(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{MaxCommandBytes: 64 << 10, MaxArgs: 100})
	for _, tc := range []struct{ name, send, want string }{
		{"count not a number", "*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"count without CR", "*1\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"huge count", "*99999999999999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"too many args", "*101\r\n", "-ERR Protocol error: too many arguments in one command (the limit is 100)\r\n"},
		{"no dollar", "*1\r\n:3\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"},
		{"negative bulk", "*1\r\n$-5\r\nabc\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"bulk not a number", "*1\r\n$zz\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"huge bulk announced", "*1\r\n$2000000000\r\n", "-ERR Protocol error: command too large (the limit is 65536 bytes)\r\n"},
		{"bulk over the limit", "*2\r\n$3\r\nGET\r\n$65530\r\n", "-ERR Protocol error: command too large (the limit is 65536 bytes)\r\n"},
		{"bulk without CRLF", "*1\r\n$4\r\nPINGxx", "-ERR Protocol error: invalid bulk length\r\n"},
		{"long count line", "*" + strings.Repeat("1", 40), "-ERR Protocol error: too big mbulk count string\r\n"},
		{"long bulk line", "*1\r\n$" + strings.Repeat("1", 40), "-ERR Protocol error: too big bulk count string\r\n"},
		{"unbalanced quotes", "GET \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
		{"huge inline", strings.Repeat("x", 70<<10), "-ERR Protocol error: too big inline request\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, addr)
			c.send(t, tc.send)
			c.expect(t, tc.want)
			if !c.closed(t) {
				t.Error("the connection stays open after a protocol error")
			}
		})
	}
	// And the server still answers.
	c := dial(t, addr)
	c.send(t, "PING\r\n")
	c.expect(t, "+PONG\r\n")
}

// TestRequestForms checks what clients legitimately send: pipelines, commands split
// anywhere, inline commands, empty commands.
func TestRequestForms(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	c := dial(t, addr)
	// A pipeline in one write: the replies come in order.
	c.send(t, "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*0\r\n*-1\r\nPING\r\n\r\n*2\r\n$4\r\nPING\r\n$0\r\n\r\n")
	c.expect(t, "+PONG\r\n$2\r\nhi\r\n+PONG\r\n$0\r\n\r\n")
	// A command a byte at a time.
	cmd := "*2\r\n$3\r\nGET\r\n$13\r\narticle_count\r\n"
	for i := range len(cmd) {
		c.send(t, cmd[i:i+1])
	}
	if got := c.bulk(t); !strings.Contains(got, `"rows":[{"n":3}]`) {
		t.Errorf("byte-at-a-time GET: %s", got)
	}
	// Inline, with quotes as redis-cli's inline mode sends them.
	c.send(t, "ECHO \"a b\"\r\nget article_count\n")
	c.expect(t, "$3\r\na b\r\n")
	if got := c.bulk(t); !strings.Contains(got, `"n":3`) {
		t.Errorf("inline GET: %s", got)
	}
	// A long pipeline whose replies exceed the flush size.
	var b strings.Builder
	for range 2000 {
		b.WriteString("*2\r\n$3\r\nGET\r\n$9\r\narticle:1\r\n")
	}
	c.send(t, b.String())
	for i := range 2000 {
		if got := c.bulk(t); !strings.Contains(got, `"id":1`) {
			t.Fatalf("pipelined GET %d: %s", i, got)
		}
	}
	// A command that needs the read buffer to grow.
	key := "by_url:" + strings.Repeat("x", 100<<10)
	c.send(t, fmt.Sprintf("*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(key), key))
	if got := c.bulk(t); !strings.Contains(got, `"rows":[]`) {
		t.Errorf("long key: %.200s", got)
	}
	c.send(t, "QUIT\r\n")
	c.expect(t, "+OK\r\n")
	if !c.closed(t) {
		t.Error("QUIT leaves the connection open")
	}
}

func TestMaxConnections(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{MaxConnections: 2})
	a, b := dial(t, addr), dial(t, addr)
	for _, c := range []*rawConn{a, b} {
		c.send(t, "PING\r\n")
		c.expect(t, "+PONG\r\n")
	}
	c := dial(t, addr)
	c.expect(t, "-ERR max number of clients reached\r\n")
	if !c.closed(t) {
		t.Error("a connection over the limit stays open")
	}
	// One leaves: there is room again. The server notices the close asynchronously, so
	// try until it has (each attempt is refused or served, never left hanging).
	a.send(t, "QUIT\r\n")
	a.expect(t, "+OK\r\n")
	a.closed(t)
	for {
		c := dial(t, addr)
		c.send(t, "PING\r\n")
		if line := c.line(t); line == "+PONG\r\n" {
			break
		} else if line != "-ERR max number of clients reached\r\n" {
			t.Fatalf("after a client left: %q", line)
		}
	}
}

func TestAuthTimeout(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{Users: map[string]string{"root": "pw"}, AuthTimeout: 50 * time.Millisecond})
	c := dial(t, addr)
	c.expect(t, "-ERR authentication timed out\r\n")
	if !c.closed(t) {
		t.Error("an unauthenticated connection stays open past the timeout")
	}
	// Authenticated in time, the connection stays usable past it.
	c = dial(t, addr)
	c.send(t, "AUTH pw\r\n")
	c.expect(t, "+OK\r\n")
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		c.send(t, "PING\r\n")
		c.expect(t, "+PONG\r\n")
	}
}

func TestShutdown(t *testing.T) {
	e := newsEngine(t)
	s, addr := startServer(t, e, Config{})
	idle := dial(t, addr)
	idle.send(t, "PING\r\n")
	idle.expect(t, "+PONG\r\n")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if !idle.closed(t) {
		t.Error("an idle connection survives the shutdown")
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the listener accepts after the shutdown")
	}
}

// TestPanicEndsOneConnection: a bug in a command ends its connection only.
func TestPanicEndsOneConnection(t *testing.T) {
	e := newsEngine(t)
	s, addr := startServer(t, e, Config{})
	// A cache whose view is nil in the connection's memo stands for a bug in the read path.
	c := dial(t, addr)
	c.send(t, "PING\r\n")
	c.expect(t, "+PONG\r\n")
	// The memo is the connection goroutine's: it is written under infoMu, which RESET
	// takes on that goroutine before the GET reads the memo.
	s.mu.Lock()
	for sc := range s.conns {
		sc.infoMu.Lock()
		sc.views["boom"] = &cachedView{}
		sc.infoMu.Unlock()
	}
	s.mu.Unlock()
	c.send(t, "RESET\r\n")
	c.expect(t, "+RESET\r\n")
	c.send(t, "GET boom\r\n")
	c.expect(t, "-ERR internal error; closing the connection\r\n")
	if !c.closed(t) {
		t.Error("the connection survives a panic")
	}
	if got := s.metrics.panics.Load(); got != 1 {
		t.Errorf("panics counted: %d", got)
	}
	d := dial(t, addr)
	d.send(t, "PING\r\n")
	d.expect(t, "+PONG\r\n")
}

// TestGetAllocations: a GET of a key held by the cache allocates nothing once the
// connection is warm.
func TestGetAllocations(t *testing.T) {
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
	c := newConn(s, a)
	for _, key := range []string{"article:1", "by_author:1", "article_count", "by_author_title:2:plain"} {
		args := [][]byte{[]byte("GET"), []byte(key)}
		c.command(args) // warm: the fill, the memo of the cache
		if !bytes.HasPrefix(c.loop.Out, []byte("$")) {
			t.Fatalf("GET %s: %q", key, c.loop.Out)
		}
		c.loop.Out = c.loop.Out[:0]
		allocs := testing.AllocsPerRun(200, func() {
			c.command(args)
			c.loop.Out = c.loop.Out[:0]
		})
		// A string parameter is copied once: the key may outlive the request (a fill).
		want := 0.0
		if strings.Contains(key, "plain") {
			want = 1
		}
		if allocs > want {
			t.Errorf("GET %s: %v allocations, want %v", key, allocs, want)
		}
	}
	// The parser, a pipeline of GETs.
	var p parser
	p.maxBytes, p.maxArgs, p.maxInline = 1<<20, 100, 1<<16
	buf := []byte(strings.Repeat("*2\r\n$3\r\nGET\r\n$9\r\narticle:1\r\n", 10))
	var args [][]byte
	allocs := testing.AllocsPerRun(100, func() {
		rest := buf
		for len(rest) > 0 {
			var n int
			args, n, _, _ = p.next(rest, args)
			rest = rest[n:]
		}
	})
	if allocs != 0 {
		t.Errorf("parsing: %v allocations", allocs)
	}
}

// TestRedisBenchmark runs redis-benchmark against the listener: it must run unchanged,
// with its startup CONFIG GETs, and exit 0.
func TestRedisBenchmark(t *testing.T) {
	bin := testserver.RequireBinary(t, "redis-benchmark")
	e := newsEngine(t)
	// redis-benchmark -t get reads key:__rand_int__ (key:000000000042 with -r): a cache
	// named key with an integer parameter answers it.
	register(t, e, "key", "SELECT id, title FROM article WHERE id = ?")
	_, addr := startServer(t, e, Config{})
	_, port, _ := net.SplitHostPort(addr)
	for _, args := range [][]string{
		{"-n", "2000", "-c", "4", "-q", "GET", "article:1"},
		{"-n", "2000", "-c", "4", "-q", "-t", "get", "-r", "5"},
		{"-n", "2000", "-c", "4", "-q", "-P", "16", "MGET", "article:1", "article:2", "by_author:1"},
	} {
		cmd := osexec.Command(bin, append([]string{"-h", "127.0.0.1", "-p", port}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-benchmark %v: %v\n%s", args, err, out)
		}
		if strings.Contains(string(out), "WARNING") || strings.Contains(string(out), "ERR") {
			t.Errorf("redis-benchmark %v:\n%s", args, out)
		}
		t.Logf("redis-benchmark %v: %s", args, strings.TrimSpace(string(out)))
	}
	// Every GET was answered by a cache, not an error.
	if n := readsServed(e); n == 0 {
		t.Error("no reads reached the caches")
	}
}

// readsServed sums the reads the caches served.
func readsServed(e *weir.Engine) int64 {
	var n int64
	for _, st := range e.Stats() {
		n += st.Hits + st.Misses
	}
	return n
}
