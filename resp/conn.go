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
	"github.com/weirdb/weir/internal/jsonrows"
)

const (
	// readSize is a connection's read buffer while its commands are small.
	readSize = 4 << 10
	// flushAt is the reply size at which replies are written out before the rest of a
	// batch of commands is answered: enough that a pipeline of GETs is one write, little
	// enough that an MGET of many large values does not pile up in memory.
	flushAt = 64 << 10
	// maxKeep bounds the buffers a connection keeps between commands; a larger one, grown
	// by one large request or reply, is let go.
	maxKeep = 256 << 10
	// maxViews bounds the caches a connection remembers (see conn.views).
	maxViews = 64
)

// conn is one client connection: a goroutine reads commands, answers them in order and
// writes the replies, one write per batch of commands that arrived together. Everything
// a command needs (buffers, parsed arguments, lookup values) is kept here and reused, so
// that a GET allocates nothing once a connection is warm.
type conn struct {
	s   *Server
	nc  net.Conn
	ctx context.Context
	log *zap.Logger
	id  int64

	in         []byte // read buffer; in[start:end] is unparsed
	start, end int
	p          parser
	args       [][]byte
	out        []byte // replies not yet written
	json       []byte // one value's JSON, before it is framed as a bulk string
	key        keyParts
	vals       []dataflow.Value
	counts     counts

	// views remembers the caches this connection read, by the name as the client spelled
	// it, with their JSON layouts: a read looks its cache up in a map without allocating
	// and copies no column names. A cache dropped since is noticed by the read's error.
	views map[string]*cachedView

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
		id:      s.nextID.Add(1),
		in:      make([]byte, readSize),
		proto:   2,
		resp:    2,
		created: time.Now(),
		views:   map[string]*cachedView{},
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
	defer c.nc.Close()
	defer c.s.metrics.flush(&c.counts)
	// A bug must cost one connection, not the server.
	defer func() {
		if r := recover(); r != nil {
			c.s.metrics.panics.Add(1)
			c.log.Error("panic serving a RESP connection; closing it", zap.Any("panic", r), zap.Stack("stack"))
			_, _ = c.nc.Write([]byte("-ERR internal error; closing the connection\r\n"))
		}
	}()
	if !c.authed {
		_ = c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.AuthTimeout))
	}
	for {
		if err := c.runBuffered(); err != nil {
			var pe *protoError
			if errors.As(err, &pe) {
				c.out = redcon.AppendError(c.out, "ERR "+pe.Error())
				c.counts.errors++
			}
			_ = c.flush()
			c.log.Debug("RESP connection closed", zap.Error(err))
			return
		}
		if err := c.flush(); err != nil || c.quit {
			return
		}
		c.s.metrics.flush(&c.counts)
		if c.s.closing.Load() {
			return
		}
		if err := c.fill(); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				if errors.Is(err, os.ErrDeadlineExceeded) && !c.authed && !c.s.closing.Load() {
					c.out = redcon.AppendError(c.out, "ERR authentication timed out")
					_ = c.flush()
				}
				c.log.Debug("RESP connection closed", zap.Error(err))
			}
			return
		}
	}
}

// runBuffered answers every complete command in the read buffer.
func (c *conn) runBuffered() error {
	for c.start < c.end && !c.quit {
		args, n, _, err := c.p.next(c.in[c.start:c.end], c.args)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil // incomplete: read more
		}
		c.args = args
		c.start += n
		if len(args) > 0 {
			c.command(args)
		}
		if cap(c.args) > 1024 {
			c.args = nil
		}
		if len(c.out) >= flushAt {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	if c.start == c.end {
		c.start, c.end = 0, 0
	}
	return nil
}

// fill reads more of the request into the buffer, making room first: the unparsed part
// moves to the front, and the buffer grows (up to the command size limit) when the
// command being received needs it.
func (c *conn) fill() error {
	if c.start == c.end {
		c.start, c.end = 0, 0
		if len(c.in) > maxKeep {
			c.in = make([]byte, readSize)
		}
	} else if c.end == len(c.in) {
		if c.start > 0 {
			copy(c.in, c.in[c.start:c.end])
			c.end -= c.start
			c.start = 0
		} else {
			// The parser bounds a command at MaxCommandBytes (and an inline one lower),
			// so the buffer never grows past that and a little.
			size := min(2*len(c.in), c.s.cfg.MaxCommandBytes+maxLine+2)
			if size <= len(c.in) {
				return &protoError{"command too large"}
			}
			in := make([]byte, size)
			copy(in, c.in[:c.end])
			c.in = in
		}
	}
	n, err := c.nc.Read(c.in[c.end:])
	c.end += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// flush writes the replies.
func (c *conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.out)
	if cap(c.out) > maxKeep {
		c.out = nil
	} else {
		c.out = c.out[:0]
	}
	return err
}

// authenticated marks the connection as logged in as user.
func (c *conn) authenticated(user string) {
	if !c.authed {
		c.authed = true
		// The authentication deadline is over; a shutdown that started meanwhile is
		// noticed before the next read.
		_ = c.nc.SetReadDeadline(time.Time{})
	}
	c.infoMu.Lock()
	c.user = user
	c.infoMu.Unlock()
}
