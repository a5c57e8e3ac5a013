package pgwire

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
)

// conn is one client connection. Its goroutine runs the connection phase on the socket,
// then the command phase on a connloop.Conn: every whole message read is answered in order
// into one buffer, written once the messages read so far are answered (or at a Flush or
// Sync, or when the buffer passes connloop.FlushAt).
type conn struct {
	s      *Server
	nc     net.Conn
	loop   *connloop.Conn
	log    *zap.Logger
	pid    int32
	secret uint32
	user   string
	db     string

	counted bool // counted in metrics.connected
	ready   bool // past the connection phase (set before loop is published)

	settings sessionSettings
	codec    codec

	// runMu guards running and the statement context, which a cancel request from
	// another connection's goroutine cancels.
	runMu   sync.Mutex
	running bool
	ctx     context.Context
	cancel  context.CancelFunc

	// The transaction: tx is nil outside a transaction block; txFailed says a statement
	// failed inside it, so that everything but its end is refused until then.
	tx       *weir.Tx
	txBlock  bool // tx is a block a BEGIN opened (else the implicit one of a Query message)
	txFailed bool
	txRO     bool

	// skipping: an extended-protocol message failed, and messages are discarded until
	// Sync.
	skipping bool

	stmts   map[string]*prepared
	portals map[string]*portal
	// cache holds the statements of simple Query messages, by text, so that a repeated
	// query is planned once.
	cache map[string]*prepared

	// unnamed is the unnamed portal's storage, reused by every Bind to it.
	unnamed *portal
	// Messages and buffers reused by every execution, so that a read allocates nothing
	// of its own.
	rfq     pgproto3.ReadyForQuery
	done    pgproto3.CommandComplete
	dataRow pgproto3.DataRow
	tagBuf  []byte
	scratch []byte
	offsets []int
	rowVals [][]byte
	args    []weir.Value

	counts counts
	quit   bool

	// px is the connection's side of proxy mode (Config.Proxy); nil outside it.
	px *proxySession
}

func (s *Server) newConn(nc net.Conn) *conn {
	c := &conn{
		s:       s,
		nc:      nc,
		codec:   newCodec(),
		stmts:   map[string]*prepared{},
		portals: map[string]*portal{},
		cache:   map[string]*prepared{},
	}
	c.log = s.log.With(zap.Stringer("pg_remote", nc.RemoteAddr()))
	if s.proxy != nil {
		c.px = newProxySession(s)
	}
	return c
}

// serve runs the connection until the client leaves, sends Terminate or a malformed
// message, or the server shuts down.
func (c *conn) serve() {
	defer c.s.untrack(c)
	defer c.nc.Close()
	defer func() {
		if c.counted {
			c.s.metrics.connected.Add(-1)
		}
	}()
	defer c.s.metrics.flush(&c.counts)
	defer c.rollback()
	defer c.closeUpstream()
	// A bug must cost one connection, not the server.
	defer func() {
		if r := recover(); r != nil {
			c.s.metrics.panics.Add(1)
			c.log.Error("panic serving a PostgreSQL connection; closing it", zap.Any("panic", r), zap.Stack("stack"))
			out, _ := (&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: stateInternal, Message: "internal error; closing the connection"}).Encode(nil)
			_, _ = c.nc.Write(out)
		}
	}()
	_ = c.nc.SetDeadline(time.Now().Add(c.s.cfg.AuthTimeout))
	cur, err := c.startup()
	if err != nil {
		if !errors.Is(err, errClosedQuietly) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			c.log.Debug("PostgreSQL connection phase failed", zap.Error(err))
		}
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	c.log = c.log.With(zap.Int32("pg_pid", c.pid), zap.String("user", c.user))
	c.ctx, c.cancel = context.WithCancel(weir.WithDatabase(c.s.base, c.engineDB()))
	loop := connloop.New(cur, c.nc)
	loop.Run = c.run
	if c.px != nil {
		// A LISTENing proxy session relays its notifications while the client is idle.
		loop.Idle, loop.Busy = c.startIdleRelay, c.stopIdleRelay
	}
	c.runMu.Lock()
	c.loop = loop
	c.ready = true
	c.runMu.Unlock()
	err = loop.Serve()
	c.stopIdleRelay()
	switch {
	case err == nil, errors.Is(err, connloop.ErrWoken):
		if c.s.closing.Load() {
			c.sendError(&pgError{severity: "FATAL", code: stateAdminShutdown, msg: "terminating connection due to administrator command"})
			_ = loop.Flush()
		}
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded):
	default:
		var pe *pgError
		if errors.As(err, &pe) {
			pe.severity = "FATAL"
			c.sendError(pe)
			_ = loop.Flush()
		} else {
			c.log.Debug("PostgreSQL connection closed", zap.Error(err))
		}
	}
	c.cancel()
}

// wake makes the connection end once the messages it has are answered.
func (c *conn) wake() {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	if c.ready {
		c.loop.Wake()
	}
}

// cancelRunning cancels the statement running now, if any: a cancel request that arrives
// between statements cancels nothing, as in PostgreSQL.
func (c *conn) cancelRunning() {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	if c.ready && c.running {
		c.cancel()
	}
}

// begin marks a statement as running and returns its context.
func (c *conn) begin() context.Context {
	c.runMu.Lock()
	c.running = true
	ctx := c.ctx
	c.runMu.Unlock()
	return ctx
}

// end marks the statement as done; a context a cancel request used up is replaced.
func (c *conn) end() {
	c.runMu.Lock()
	c.running = false
	if c.ctx.Err() != nil {
		c.ctx, c.cancel = context.WithCancel(weir.WithDatabase(c.s.base, c.engineDB()))
	}
	c.runMu.Unlock()
}

// run answers every whole message read.
func (c *conn) run(l *connloop.Conn) error {
	defer c.s.metrics.flush(&c.counts)
	for !c.quit {
		in := l.Input()
		if len(in) < 5 {
			if len(in) > 0 {
				l.NeedMore(5)
			}
			break
		}
		typ := in[0]
		n := int(int32(binary.BigEndian.Uint32(in[1:5])))
		if n < 4 {
			return newPGError(stateProtocol, "invalid message length")
		}
		if n-4 > c.s.cfg.MaxMessageBytes {
			return newPGError(stateProtocol, "message of %d bytes is longer than the %d bytes a message may have", n-4, c.s.cfg.MaxMessageBytes)
		}
		if len(in) < 1+n {
			l.NeedMore(1 + n)
			break
		}
		body := in[5 : 1+n]
		l.Consume(1 + n)
		if err := c.message(typ, body); err != nil {
			return err
		}
		if err := l.Added(); err != nil {
			return err
		}
	}
	if c.quit || (c.s.closing.Load() && !c.inTx()) {
		if !c.quit {
			return connloop.ErrWoken
		}
		return connloop.ErrQuit
	}
	return nil
}

// message handles one message of the command phase; an error ends the connection.
func (c *conn) message(typ byte, body []byte) error {
	if c.px != nil {
		return c.proxyMessage(typ, body)
	}
	if c.skipping && typ != 'S' && typ != 'X' {
		return nil
	}
	var err error
	switch typ {
	case 'Q':
		var m pgproto3.Query
		if err = m.Decode(body); err == nil {
			c.simpleQuery(m.String)
		}
	case 'P':
		var m pgproto3.Parse
		if err = m.Decode(body); err == nil {
			c.extended(c.parse(&m))
		}
	case 'B':
		var m pgproto3.Bind
		if err = m.Decode(body); err == nil {
			c.extended(c.bind(&m))
		}
	case 'D':
		var m pgproto3.Describe
		if err = m.Decode(body); err == nil {
			c.extended(c.describe(&m))
		}
	case 'E':
		var m pgproto3.Execute
		if err = m.Decode(body); err == nil {
			c.extended(c.executeMsg(&m))
		}
	case 'C':
		var m pgproto3.Close
		if err = m.Decode(body); err == nil {
			c.extended(c.closeMsg(&m))
		}
	case 'S':
		c.sync()
	case 'H':
		return c.loop.Flush()
	case 'X':
		c.quit = true
	case 'F':
		c.extended(newPGError(stateFeature, "Weir does not support the function call protocol"))
	case 'd', 'c', 'f':
		// Copy messages outside a COPY are ignored, as PostgreSQL does.
	default:
		return newPGError(stateProtocol, "invalid frontend message type %d", typ)
	}
	if err != nil {
		return newPGError(stateProtocol, "invalid message format: %v", err)
	}
	return nil
}

// extended reports the error of an extended-protocol message, after which messages are
// discarded until Sync.
func (c *conn) extended(err error) {
	if err == nil {
		return
	}
	c.sendError(err)
	c.skipping = true
	if c.tx != nil {
		c.txFailed = true
	}
}

// sync ends an extended-protocol batch: the implicit transaction's portals are closed
// and the client hears that the server is ready.
func (c *conn) sync() {
	c.skipping = false
	if c.tx == nil {
		clear(c.portals)
	}
	c.readyForQuery()
}

func (c *conn) inTx() bool { return c.tx != nil }

func (c *conn) txStatus() byte {
	switch {
	case c.tx == nil:
		return 'I'
	case c.txFailed:
		return 'E'
	}
	return 'T'
}

func (c *conn) readyForQuery() {
	c.rfq.TxStatus = c.txStatus()
	c.send(&c.rfq)
}

// complete sends CommandComplete with tag, and n after it when n >= 0.
func (c *conn) complete(tag string, n int) {
	c.tagBuf = append(c.tagBuf[:0], tag...)
	if n >= 0 {
		c.tagBuf = append(c.tagBuf, ' ')
		c.tagBuf = strconv.AppendInt(c.tagBuf, int64(n), 10)
	}
	c.done.CommandTag = c.tagBuf
	c.send(&c.done)
}

// send appends a message to the replies.
func (c *conn) send(m pgproto3.BackendMessage) {
	out, err := m.Encode(c.loop.Out)
	if err != nil {
		// Only a message past the protocol's bounds fails to encode (a row of more than
		// 65535 columns, a value over 1 GB): the client hears of it instead.
		out, _ = toPG(newPGError(stateProgramLimit, "reply does not fit in a protocol message: %v", err)).Encode(c.loop.Out)
	}
	c.loop.Out = out
}

// sendError sends an ErrorResponse.
func (c *conn) sendError(err error) {
	c.counts.errors++
	e := toPG(err)
	if e.Code == stateInternal {
		c.log.Error("statement failed", zap.Error(err))
	}
	c.send(e)
}

// notice sends a NoticeResponse.
func (c *conn) notice(severity, code, msg string) {
	c.send(&pgproto3.NoticeResponse{Severity: severity, SeverityUnlocalized: severity, Code: code, Message: msg})
}

// rollback ends a transaction a connection leaves open.
func (c *conn) rollback() {
	if c.tx != nil {
		_ = c.tx.Rollback()
		c.tx = nil
	}
}
