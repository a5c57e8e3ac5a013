package resp

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/tidwall/redcon"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/connloop"
	"github.com/weirdb/weir/internal/jsonrows"
)

const (
	// maxViews bounds the caches a connection remembers (see conn.views).
	maxViews = 64
	// maxKeep bounds the JSON buffer a connection keeps between commands.
	maxKeep = 256 << 10
)

// conn is one client connection: a goroutine reads commands, answers them in order and
// writes the replies, one write per batch of commands that arrived together, on a
// connloop.Conn (one read and one write system call per command). Everything a command
// needs (buffers, parsed arguments, lookup values) is kept here and reused, so that a GET
// allocates nothing once a connection is warm.
type conn struct {
	s    *Server
	nc   net.Conn
	loop *connloop.Conn // its buffers: loop.Out holds the replies not yet written
	ctx  context.Context
	// nowait is ctx under weir.WithoutWaiting, for reads on the poller; wouldWait says a
	// read on it would have waited (the command is run again on the goroutine).
	nowait    context.Context
	wouldWait bool
	log       *zap.Logger
	id        int64

	p      parser
	args   [][]byte
	json   []byte // one value's JSON, before it is framed as a bulk string
	key    keyParts
	vals   []dataflow.Value
	counts counts

	// views remembers the caches this connection read, by the name as the client spelled
	// it, with their JSON layouts: a read looks its cache up in a map without allocating
	// and copies no column names. A cache dropped since is noticed by the read's error.
	views map[string]*cachedView
	// lastView is the memo's entry for lastName, the cache read last: a connection reading
	// one cache skips the map's hashing of its name.
	lastView *cachedView
	lastName []byte
	// replies keeps the replies of the values read last, for reads of the same rows.
	replies replyCache

	authed bool
	proto  int // 2 or 3
	quit   bool

	// info is what CLIENT LIST shows of this connection, read by other connections.
	infoMu  sync.Mutex
	user    string
	name    string
	libName string
	libVer  string
	resp    int // proto, for CLIENT LIST
	created time.Time
}

type cachedView struct {
	v      *weir.View
	types  []dataflow.Type
	layout jsonrows.Layout
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{
		s:       s,
		nc:      nc,
		ctx:     s.base,
		loop:    connloop.New(nc, nc),
		id:      s.nextID.Add(1),
		proto:   2,
		resp:    2,
		created: time.Now(),
		views:   map[string]*cachedView{},
	}
	c.nowait = weir.WithoutWaiting(c.ctx)
	if !s.cfg.NoPoller {
		c.loop.UsePoller(connloop.Shared())
	}
	c.p = parser{maxBytes: s.cfg.MaxCommandBytes, maxArgs: s.cfg.MaxArgs, maxInline: min(64<<10, s.cfg.MaxCommandBytes)}
	c.log = s.log.With(zap.Int64("resp_conn", c.id), zap.Stringer("remote", nc.RemoteAddr()))
	if !s.authRequired() {
		c.authed, c.user = true, s.cfg.DefaultUser
	}
	return c
}

// serve runs the connection until the client leaves, sends a malformed request or QUIT,
// or the server shuts down.
func (c *conn) serve() {
	defer c.s.untrack(c)
	defer c.loop.Close() // the connection's net.Conn is a new one after the poller had it
	defer c.s.metrics.flush(&c.counts)
	// A bug must cost one connection, not the server.
	defer func() {
		if r := recover(); r != nil {
			c.s.metrics.panics.Add(1)
			c.log.Error("panic serving a RESP connection; closing it", zap.Any("panic", r), zap.Stack("stack"))
			_, _ = c.loop.NetConn().Write([]byte("-ERR internal error; closing the connection\r\n"))
		}
	}()
	if !c.authed {
		c.loop.SetDeadline(time.Now().Add(c.s.cfg.AuthTimeout))
	}
	c.loop.Run = func(*connloop.Conn) error { return c.runBuffered() }
	err := c.loop.Serve()
	var pe *protoError
	switch {
	case err == nil, errors.Is(err, connloop.ErrWoken):
	case errors.As(err, &pe):
		c.loop.Out = redcon.AppendError(c.loop.Out, "ERR "+pe.Error())
		c.counts.errors++
		_ = c.loop.Flush()
	case errors.Is(err, os.ErrDeadlineExceeded) && !c.authed && !c.s.closing.Load():
		c.loop.Out = redcon.AppendError(c.loop.Out, "ERR authentication timed out")
		_ = c.loop.Flush()
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		c.log.Debug("RESP connection closed", zap.Error(err))
	}
}

// runBuffered answers every complete command read; the connection ends after QUIT, or
// once a shutdown has begun.
func (c *conn) runBuffered() error {
	defer c.s.metrics.flush(&c.counts)
	for !c.quit {
		in := c.loop.Input()
		if len(in) == 0 {
			break
		}
		args, n, need, err := c.p.next(in, c.args)
		if err != nil {
			return err
		}
		if n == 0 {
			c.loop.NeedMore(need) // incomplete: read more (the parser bounds need)
			return nil
		}
		c.args = args
		if c.loop.Polled() {
			if err := c.tryCommand(args); err != nil {
				return err
			}
			c.loop.Consume(n)
			continue
		}
		c.loop.Consume(n)
		if len(args) > 0 {
			c.command(args)
		}
		if cap(c.args) > 1024 {
			c.args = nil
		}
		if err := c.loop.Added(); err != nil {
			return err
		}
	}
	if c.quit || c.s.closing.Load() {
		return connloop.ErrQuit
	}
	return nil
}

// tryCommand answers a command on the poller, where nothing may wait: GET, MGET and PING of
// an authenticated connection, when the reads hit. Anything else, or a read that would
// wait, is connloop.ErrBlocking, with what was counted and written for it undone: the
// connection's goroutine runs it again.
func (c *conn) tryCommand(args [][]byte) error {
	if len(args) == 0 || !c.authed || c.quit {
		return connloop.ErrBlocking
	}
	switch {
	case len(args) == 2 && asciiEqualFold(args[0], "GET"),
		len(args) >= 2 && asciiEqualFold(args[0], "MGET"),
		len(args) == 1 && asciiEqualFold(args[0], "PING"):
	default:
		return connloop.ErrBlocking
	}
	out, counts := len(c.loop.Out), c.counts
	c.wouldWait = false
	c.command(args)
	if c.wouldWait {
		c.wouldWait = false
		c.loop.Out, c.counts = c.loop.Out[:out], counts
		return connloop.ErrBlocking
	}
	return nil
}

// asciiEqualFold reports whether b is name (upper case) in any case.
func asciiEqualFold(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i, ch := range b {
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch != name[i] {
			return false
		}
	}
	return true
}

// authenticated marks the connection as logged in as user.
func (c *conn) authenticated(user string) {
	if !c.authed {
		c.authed = true
		// The authentication deadline is over; a shutdown that started meanwhile is
		// noticed before the next read.
		c.loop.SetDeadline(time.Time{})
	}
	c.infoMu.Lock()
	c.user = user
	c.infoMu.Unlock()
}
