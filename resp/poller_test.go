package resp

import (
	"testing"

	"github.com/weirdb/weir"
)

// TestPolledReads: GETs and MGETs answered on the poller (every request goes there first)
// are the replies of a listener without one, in order, pipelined or not; a key the cache
// does not hold yet is handed to the goroutine, which fills it, and its miss is counted
// once, not once more for the poller's attempt.
func TestPolledReads(t *testing.T) {
	e := newsEngine(t)
	_, polledAddr := startServer(t, e, Config{})
	_, plainAddr := startServer(t, e, Config{NoPoller: true})
	stats := func(name string) weir.ViewStats {
		for _, st := range e.Stats() {
			if st.Name == name {
				return st
			}
		}
		t.Fatalf("no cache %s", name)
		return weir.ViewStats{}
	}
	before := stats("by_author")
	polled, plain := dial(t, polledAddr), dial(t, plainAddr)
	requests := []string{
		"GET by_author:2\r\n", // a miss: filled by the goroutine
		"GET by_author:2\r\n", // a hit
		"PING\r\n",
		"MGET by_author:1 article:1 by_author:1\r\n", // by_author:1 misses within the MGET
		"MGET article:1 article:2 article:404 nosuch:1\r\n",
		"GET by_author:1\r\nGET article:3\r\nget article:2\r\nPING\r\nMGET article:3 by_author:2\r\n",
		"ECHO hello\r\n", // not the poller's
		"GET by_author:3\r\n",
	}
	var got []string
	for _, req := range requests {
		polled.send(t, req)
		got = append(got, readReplies(t, polled, req))
	}
	after := stats("by_author")
	if misses := after.Misses - before.Misses; misses != 3 {
		t.Errorf("by_author: %d misses counted, want 3 (keys 1, 2 and 3, each filled once)", misses)
	}
	for i, req := range requests {
		plain.send(t, req)
		if want := readReplies(t, plain, req); got[i] != want {
			t.Errorf("%q: polled %q, without the poller %q", req, got[i], want)
		}
	}
}

// readReplies reads the replies to the commands of req (one line each), as text.
func readReplies(t *testing.T, c *rawConn, req string) string {
	t.Helper()
	var out string
	for range countCommands(req) {
		out += readReply(t, c)
	}
	return out
}

func countCommands(req string) int {
	n := 0
	for i := 0; i+1 < len(req); i++ {
		if req[i] == '\r' && req[i+1] == '\n' {
			n++
		}
	}
	return n
}

// readReply reads one reply: a simple string, error, integer, bulk string, or an array of
// those.
func readReply(t *testing.T, c *rawConn) string {
	t.Helper()
	line := c.line(t)
	switch line[0] {
	case '$':
		if line == "$-1\r\n" {
			return line
		}
		c.buf = append([]byte(line), c.buf...)
		return "$" + c.bulk(t) + "\r\n"
	case '*':
		var n int
		for _, ch := range line[1 : len(line)-2] {
			n = n*10 + int(ch-'0')
		}
		out := line
		for range n {
			out += readReply(t, c)
		}
		return out
	}
	return line
}
