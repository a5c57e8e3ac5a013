package pgwire

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/proxyshape"
)

// proxySession is one client connection's side of proxy mode: its upstream session, opened
// on the first message Weir does not answer, and what Weir must know of it.
type proxySession struct {
	up  net.Conn
	fe  *pgproto3.Frontend
	pid uint32
	key []byte
	// gen counts the upstream sessions opened, so that a statement knows whether the
	// current one has it.
	gen uint64
	// db is the database the client named at startup, which its upstream sessions open;
	// params are the startup parameters they are given.
	db     string
	params map[string]string
	// reported holds the parameters the upstream reported (ParameterStatus): Weir answers
	// only a session whose output settings are those its caches are encoded in.
	reported map[string]string
	// txStatus is the upstream's last ReadyForQuery status: 'I' outside a transaction.
	txStatus byte
	// lostInTx: the upstream went away inside a transaction, which it rolled back. Until
	// the client ends the transaction, its statements fail as in an aborted one.
	lostInTx bool
	// wrote: a statement that may have written was passed through since Weir last caught
	// up with the session's writes (read-your-writes); noRYW turns the wait off.
	wrote, noRYW bool
	// out holds the messages to send upstream; pending the replies they are owed, in order.
	out     []byte
	pending []expect
	// copyIn: the upstream waits for the client's COPY data. needSync: extended-protocol
	// messages went upstream since its last Sync.
	copyIn, needSync bool
	// stmts are the client's prepared statements, by name, and which side has them;
	// portals says which portals are the upstream's.
	stmts   map[string]*proxyStmt
	portals map[string]bool
	// readCtx is the context of Weir's reads: names resolve among the mirrored tables.
	readCtx context.Context
	// replay holds the SET and RESET statements the session ran outside a transaction, in
	// order, which a new upstream session runs first; failed: the upstream sent an error
	// since it was last cleared.
	replay []string
	failed bool
	// listening: the session passed a LISTEN upstream, so its upstream is read while the
	// client is idle (proxy_notify.go); idle is that relay while it runs, and held and
	// heldErr what it read that belongs to the next reply.
	listening bool
	idle      *idleRelay
	held      pgproto3.BackendMessage
	heldErr   error
}

// maxReplay bounds the statements a session keeps for a new upstream session; past it the
// oldest is forgotten, with a warning.
const maxReplay = 512

// proxyStmt is a prepared statement of the client's.
type proxyStmt struct {
	sql  string
	oids []uint32
	// weir: Weir prepared it (a SELECT of a cached shape), and answers its executions when
	// it can; an execution it cannot answer prepares it on the upstream.
	weir bool
	// gen is the upstream session that has it (0: none).
	gen uint64
}

// expect is a reply owed by the upstream for a message sent.
type expect uint8

const (
	expectReady    expect = iota // Query, Sync, FunctionCall: up to ReadyForQuery
	expectParse                  // ParseComplete
	expectBind                   // BindComplete
	expectDescS                  // ParameterDescription, then RowDescription or NoData
	expectDescP                  // RowDescription or NoData
	expectExecute                // up to CommandComplete, EmptyQueryResponse or PortalSuspended
	expectClose                  // CloseComplete
	expectOwnParse               // ParseComplete of a Parse Weir sent itself: not relayed
)

func newProxySession(s *Server) *proxySession {
	return &proxySession{
		txStatus: 'I',
		params:   map[string]string{},
		reported: map[string]string{},
		stmts:    map[string]*proxyStmt{},
		portals:  map[string]bool{},
		readCtx:  weir.WithDatabase(s.base, s.proxy.cfg.MirrorDatabase),
	}
}

// proxyStartup takes the client's startup parameters for its upstream sessions.
func (c *conn) proxyStartup(params map[string]string) {
	px := c.px
	px.db = params["database"]
	for k, v := range params {
		switch k {
		case "user", "database", "replication":
			continue
		}
		if !strings.HasPrefix(k, "_pq_.") {
			px.params[k] = v
		}
	}
	// The client was told Weir's reported settings (TimeZone UTC, DateStyle ISO): the
	// upstream session starts with them unless the client asked for others.
	for _, name := range []string{"TimeZone", "DateStyle", "IntervalStyle", "client_encoding"} {
		if _, ok := px.params[name]; !ok {
			if v, ok := c.settings.get(name); ok {
				px.params[name] = v
			}
		}
	}
	for _, name := range []string{"TimeZone", "DateStyle", "IntervalStyle", "client_encoding"} {
		if v, ok := px.params[name]; ok {
			px.reported[name] = v // until the upstream reports its own
		}
	}
}

// engineDB is the database Weir's statements resolve names in.
func (c *conn) engineDB() string {
	if c.px != nil {
		return c.s.proxy.cfg.MirrorDatabase
	}
	return c.db
}

// errUpstreamLost is what a statement in flight gets when the upstream session goes away:
// it may or may not have run there, and Weir does not run it again.
func errUpstreamLost(err error) *pgError {
	return &pgError{code: "08006", msg: fmt.Sprintf("lost the upstream PostgreSQL session during the statement (%v): it may or may not have run there; Weir did not run it again, and the next statement opens a new session", err), err: err}
}

var errLostTx = newPGError(stateInFailedTx, "current transaction is aborted, commands ignored until end of transaction block (the upstream session was lost inside it and rolled it back)")

// openUpstream opens the session's upstream session if it has none.
func (c *conn) openUpstream() error {
	px := c.px
	if px.up != nil {
		return nil
	}
	pc := c.s.proxy.cfg
	cfg := pc.Upstream.Copy()
	if pc.ClientCredentials {
		cfg.User, cfg.Password = c.user, c.s.cfg.Users[c.user]
	}
	if px.db != "" {
		cfg.Database = px.db
	}
	cfg.RuntimeParams = map[string]string{}
	for k, v := range pc.Upstream.RuntimeParams {
		cfg.RuntimeParams[k] = v
	}
	for k, v := range px.params {
		cfg.RuntimeParams[k] = v
	}
	// A cancel request while the session opens cancels the statement that opens it.
	ctx, cancel := context.WithTimeout(c.begin(), pc.DialTimeout)
	defer c.end()
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil && ctx.Err() == context.Canceled {
		return newPGError(stateCanceled, "canceling statement due to user request")
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return upstreamError(pe)
		}
		return &pgError{code: "08001", msg: fmt.Sprintf("could not connect to the upstream PostgreSQL server: %v", err), err: err}
	}
	h, err := conn.Hijack()
	if err != nil {
		_ = conn.Close(ctx)
		return &pgError{code: "08001", msg: fmt.Sprintf("upstream PostgreSQL session: %v", err), err: err}
	}
	px.up, px.fe, px.pid, px.key = h.Conn, h.Frontend, h.PID, h.SecretKey
	for _, stmt := range px.replay {
		if err := c.replayStatement(stmt); err != nil {
			_ = px.up.Close()
			px.up, px.fe = nil, nil
			return err
		}
	}
	px.gen++
	px.txStatus = 'I'
	for name, v := range h.ParameterStatuses {
		px.reported[name] = v
		// The client hears of the upstream's settings where they differ from what Weir
		// reported at startup.
		if mine, ok := c.settings.get(name); !ok || mine != v {
			c.send(&pgproto3.ParameterStatus{Name: name, Value: v})
		}
	}
	if px.gen > 1 {
		c.log.Info("upstream session reopened", zap.String("db", cfg.Database))
	}
	if ctx.Err() == context.Canceled {
		return newPGError(stateCanceled, "canceling statement due to user request")
	}
	return nil
}

// replayStatement runs a SET of the session's on a new upstream session.
func (c *conn) replayStatement(stmt string) error {
	px := c.px
	out, _ := (&pgproto3.Query{String: stmt}).Encode(nil)
	if _, err := px.up.Write(out); err != nil {
		return &pgError{code: "08006", msg: fmt.Sprintf("replaying the session's %q on a new upstream session: %v", stmt, err), err: err}
	}
	var failure *pgError
	for {
		msg, err := px.fe.Receive()
		if err != nil {
			return &pgError{code: "08006", msg: fmt.Sprintf("replaying the session's %q on a new upstream session: %v", stmt, err), err: err}
		}
		switch m := msg.(type) {
		case *pgproto3.ErrorResponse:
			failure = &pgError{code: m.Code, msg: fmt.Sprintf("replaying the session's %q on a new upstream session: %s", stmt, m.Message)}
		case *pgproto3.ParameterStatus:
			px.reported[m.Name] = m.Value
			c.send(m)
		case *pgproto3.ReadyForQuery:
			if failure != nil {
				return failure
			}
			return nil
		}
	}
}

// forgetStatements follows DEALLOCATE and DISCARD ALL the upstream ran: they drop the
// session's prepared statements, those of the protocol too.
func (c *conn) forgetStatements(toks []token) {
	px := c.px
	first := firstWord(toks)
	rest := toks[1:]
	if first == "deallocate" && len(rest) > 0 && rest[0].is("prepare") {
		rest = rest[1:]
	}
	switch {
	case first == "discard" && len(rest) > 0 && rest[0].is("all"), first == "deallocate" && len(rest) > 0 && rest[0].is("all"):
		clear(px.stmts)
		clear(c.stmts)
	case first == "deallocate" && len(rest) == 1:
		delete(px.stmts, rest[0].text)
		delete(c.stmts, rest[0].text)
	}
}

// remember keeps a SET or RESET the upstream ran outside a transaction for a new upstream
// session; DISCARD ALL and RESET ALL forget the others.
func (c *conn) remember(stmt string, toks []token) {
	px := c.px
	first := firstWord(toks)
	switch {
	case first == "discard" || (first == "reset" && len(toks) > 1 && toks[1].is("all")):
		px.replay = px.replay[:0]
		if first == "discard" {
			return
		}
	case first != "set" && first != "reset":
		return
	case len(toks) > 1 && (toks[1].is("local") || toks[1].is("transaction")):
		return // the transaction's own
	}
	for i, old := range px.replay {
		if old == stmt {
			px.replay = append(px.replay[:i], px.replay[i+1:]...)
			break
		}
	}
	if len(px.replay) >= maxReplay {
		c.log.Warn("session state too long to keep whole; the oldest SET is forgotten", zap.String("statement", px.replay[0]))
		px.replay = px.replay[1:]
	}
	px.replay = append(px.replay, stmt)
}

// upstreamError is a connection-time error of the upstream's, as the client would have
// seen it.
func upstreamError(pe *pgconn.PgError) *pgError {
	return &pgError{code: pe.Code, msg: pe.Message, detail: pe.Detail, hint: pe.Hint, position: pe.Position, err: pe}
}

// closeUpstream ends the upstream session, if any.
func (c *conn) closeUpstream() {
	px := c.px
	if px == nil || px.up == nil {
		return
	}
	c.stopIdleRelay()
	px.listening, px.held, px.heldErr = false, nil, nil
	_ = px.up.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = px.up.Write([]byte{'X', 0, 0, 0, 4})
	_ = px.up.Close()
	px.up, px.fe = nil, nil
	px.out, px.pending, px.copyIn, px.needSync = px.out[:0], px.pending[:0], false, false
	clear(px.portals)
}

// errUpstreamEnded: the upstream ended the session with a FATAL error, which the client
// has heard.
var errUpstreamEnded = errors.New("the upstream ended the session")

// lost ends an upstream session that failed under a statement and tells the client.
func (c *conn) lost(err error) {
	px := c.px
	if errors.Is(err, errUpstreamEnded) {
		c.log.Info("the upstream ended the session during a statement")
	} else {
		c.log.Warn("upstream session lost during a statement", zap.Error(err))
	}
	if px.txStatus != 'I' {
		px.lostInTx = true
	}
	ready := false
	for _, e := range px.pending {
		if e == expectReady {
			ready = true
		}
	}
	c.closeUpstream()
	px.txStatus = 'I'
	if !errors.Is(err, errUpstreamEnded) {
		c.sendError(errUpstreamLost(err))
	}
	if ready {
		// The Query or Sync the client sent is owed its ReadyForQuery.
		c.proxyReady()
	} else {
		c.skipping = true
	}
}

// proxyReady sends ReadyForQuery with the session's transaction status.
func (c *conn) proxyReady() {
	st := c.px.txStatus
	if c.px.lostInTx {
		st = 'E'
	}
	c.rfq.TxStatus = st
	c.send(&c.rfq)
}

// queue appends a message to those to send upstream, owed reply e.
func (px *proxySession) queue(typ byte, body []byte, e expect) {
	px.out = append(px.out, typ, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(px.out[len(px.out)-4:], uint32(len(body)+4))
	px.out = append(px.out, body...)
	px.noteSent(typ)
	if e != expectNone {
		px.pending = append(px.pending, e)
	}
}

// noteSent notes an extended-protocol message sent, which a Sync must end on the upstream
// (after an error there, it discards messages until one).
func (px *proxySession) noteSent(typ byte) {
	switch typ {
	case 'P', 'B', 'D', 'E', 'C':
		px.needSync = true
	case 'S':
		px.needSync = false
	}
}

// expectNone marks a message with no reply (CopyData, CopyDone, Flush).
const expectNone expect = 255

// queueMsg encodes a message of Weir's own to send upstream.
func (px *proxySession) queueMsg(m pgproto3.FrontendMessage, e expect) {
	start := len(px.out)
	out, err := m.Encode(px.out)
	if err != nil {
		return
	}
	px.out = out
	px.noteSent(out[start])
	if e != expectNone {
		px.pending = append(px.pending, e)
	}
}

// flushUp writes the queued messages upstream.
func (c *conn) flushUp() error {
	px := c.px
	if len(px.out) == 0 {
		return nil
	}
	_, err := px.up.Write(px.out)
	if cap(px.out) > 1<<20 {
		px.out = nil
	} else {
		px.out = px.out[:0]
	}
	return err
}

// drain sends the queued messages and relays the replies owed, in order, until none is
// owed or the upstream asks for the client's COPY data. The messages are written while
// the replies are read, so that neither side waits for the other.
func (c *conn) drain() {
	px := c.px
	if px.up == nil || (len(px.pending) == 0 && len(px.out) == 0) {
		return
	}
	if n := len(px.pending); n > 0 && px.pending[n-1] != expectReady {
		px.queue('H', nil, expectNone) // Flush: the upstream replies without a Sync
	}
	ctx := c.begin()
	defer c.end()
	stop := context.AfterFunc(ctx, c.cancelUpstream)
	defer stop()
	var werr chan error
	if len(px.out) > 64<<10 {
		werr = make(chan error, 1)
		out := px.out
		px.out = nil
		go func() {
			_, err := px.up.Write(out)
			werr <- err
		}()
	} else if err := c.flushUp(); err != nil {
		c.lost(err)
		return
	}
	err := c.relay()
	if werr != nil {
		if werr2 := <-werr; err == nil && werr2 != nil {
			err = werr2
		}
	}
	if err != nil {
		c.lost(err)
	}
}

// relay relays the upstream's replies until none is owed or a COPY waits for the client.
func (c *conn) relay() error {
	px := c.px
	for len(px.pending) > 0 {
		msg, err := c.receiveUp()
		if err != nil {
			return err
		}
		e := px.pending[0]
		relay, done := true, false
		switch m := msg.(type) {
		case *pgproto3.ParameterStatus:
			px.reported[m.Name] = m.Value
		case *pgproto3.NoticeResponse, *pgproto3.NotificationResponse:
		case *pgproto3.ReadyForQuery:
			px.txStatus = m.TxStatus
			done = e == expectReady
			if !done {
				return fmt.Errorf("unexpected ReadyForQuery from the upstream")
			}
		case *pgproto3.ErrorResponse:
			px.failed = true
			if m.Severity == "FATAL" || m.Severity == "PANIC" {
				// The upstream session ends, not the client's: the client hears the error as
				// the statement's, and its next statement opens a new session.
				m.Severity, m.SeverityUnlocalized = "ERROR", "ERROR"
				c.counts.errors++
				c.send(m)
				return errUpstreamEnded
			}
			if e != expectReady {
				// The upstream discards the messages up to the next Sync, and so does Weir.
				i := 0
				for i < len(px.pending) && px.pending[i] != expectReady {
					i++
				}
				px.pending = px.pending[i:]
				// Weir discards the client's messages up to its Sync too, unless the Sync
				// has gone upstream already.
				c.skipping = len(px.pending) == 0
				c.counts.errors++
				c.send(m)
				if err := c.loop.Added(); err != nil {
					return err
				}
				continue
			}
			c.counts.errors++
		case *pgproto3.CopyInResponse:
			c.send(m)
			px.copyIn = true
			return nil
		case *pgproto3.CopyOutResponse, *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.DataRow, *pgproto3.FunctionCallResponse:
		case *pgproto3.ParseComplete:
			done = e == expectParse || e == expectOwnParse
			relay = e != expectOwnParse
		case *pgproto3.BindComplete:
			done = e == expectBind
		case *pgproto3.CloseComplete:
			done = e == expectClose
		case *pgproto3.ParameterDescription:
		case *pgproto3.RowDescription:
			done = e == expectDescS || e == expectDescP
		case *pgproto3.NoData:
			done = e == expectDescS || e == expectDescP
		case *pgproto3.CommandComplete, *pgproto3.EmptyQueryResponse, *pgproto3.PortalSuspended:
			done = e == expectExecute
		}
		if relay {
			c.send(msg)
			if err := c.loop.Added(); err != nil {
				return err
			}
		}
		if done {
			px.pending = px.pending[1:]
		}
	}
	return nil
}

// cancelUpstream asks the upstream to cancel what the session runs there: a client's
// CancelRequest reaches the statement wherever it runs.
func (c *conn) cancelUpstream() {
	px := c.px
	cfg := c.s.proxy.cfg.Upstream
	if px.up == nil || len(px.key) == 0 {
		return
	}
	pid, key := px.pid, append([]byte(nil), px.key...)
	go func() {
		d := net.Dialer{Timeout: 5 * time.Second}
		nc, err := d.Dial(px.up.RemoteAddr().Network(), px.up.RemoteAddr().String())
		if err != nil {
			c.log.Debug("upstream cancel request", zap.String("host", cfg.Host), zap.Error(err))
			return
		}
		defer nc.Close()
		buf := make([]byte, 12, 12+len(key))
		binary.BigEndian.PutUint32(buf[0:], uint32(12+len(key)))
		binary.BigEndian.PutUint32(buf[4:], 80877102)
		binary.BigEndian.PutUint32(buf[8:], pid)
		_, _ = nc.Write(append(buf, key...))
		_, _ = nc.Read(buf[:1]) // the server closes the connection when done
	}()
}

// forward passes a message to the upstream session, opening it first, owed reply e.
func (c *conn) forward(typ byte, body []byte, e expect) error {
	if err := c.openUpstream(); err != nil {
		return err
	}
	c.px.queue(typ, body, e)
	return nil
}

// proxyMessage handles one message of the command phase in proxy mode.
func (c *conn) proxyMessage(typ byte, body []byte) error {
	px := c.px
	if px.copyIn {
		switch typ {
		case 'd':
			px.queue(typ, body, expectNone)
			if len(px.out) > 256<<10 {
				if err := c.flushUp(); err != nil {
					c.lost(err)
				}
			}
			return nil
		case 'c', 'f':
			px.copyIn = false
			px.queue(typ, body, expectNone)
			c.drain()
			return nil
		case 'H', 'S':
			return nil // ignored during COPY, as PostgreSQL does
		}
		// Any other message ends the COPY with an error, as PostgreSQL does.
		px.copyIn = false
		px.queue('f', append([]byte("unexpected message during COPY from the client"), 0), expectNone)
		c.drain()
	}
	if c.skipping && typ != 'S' && typ != 'X' {
		return nil
	}
	var err error
	switch typ {
	case 'Q':
		var m pgproto3.Query
		if err = m.Decode(body); err == nil {
			c.proxyQuery(m.String, body)
		}
	case 'P':
		var m pgproto3.Parse
		if err = m.Decode(body); err == nil {
			c.proxyExtended(c.proxyParse(&m, body))
		}
	case 'B':
		var m pgproto3.Bind
		if err = m.Decode(body); err == nil {
			c.proxyExtended(c.proxyBind(&m, body))
		}
	case 'D':
		var m pgproto3.Describe
		if err = m.Decode(body); err == nil {
			c.proxyExtended(c.proxyDescribe(&m, body))
		}
	case 'E':
		var m pgproto3.Execute
		if err = m.Decode(body); err == nil {
			c.proxyExtended(c.proxyExecute(&m, body))
		}
	case 'C':
		var m pgproto3.Close
		if err = m.Decode(body); err == nil {
			c.proxyExtended(c.proxyClose(&m, body))
		}
	case 'S':
		c.proxySync()
	case 'H':
		c.drain()
		return c.loop.Flush()
	case 'X':
		c.closeUpstream()
		c.quit = true
	case 'F':
		if c.px.lostInTx {
			c.sendError(errLostTx)
			c.proxyReady()
			return nil
		}
		c.drain()
		if ferr := c.forward(typ, body, expectReady); ferr != nil {
			c.sendError(ferr)
			c.proxyReady()
			return nil
		}
		px.wrote = true
		c.drain()
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

// proxyExtended reports the error of an extended-protocol message Weir handled.
func (c *conn) proxyExtended(err error) {
	if err == nil {
		return
	}
	c.drain() // the replies before it come first
	c.sendError(err)
	c.skipping = true
}

// proxySync handles Sync: the upstream's ReadyForQuery when it has messages of this batch,
// else Weir's.
func (c *conn) proxySync() {
	px := c.px
	c.skipping = false
	clear(c.portals)
	upstream := px.up != nil && (px.needSync || len(px.pending) > 0 || len(px.out) > 0)
	if upstream {
		px.queue('S', nil, expectReady)
		c.drain()
	}
	// Weir's portals end with the batch; the upstream's with its transaction.
	for name, up := range px.portals {
		if !up || px.txStatus == 'I' {
			delete(px.portals, name)
		}
	}
	if !upstream {
		c.proxyReady()
	}
}

// firstWord returns the first word of a statement, lower case ("" when it starts otherwise).
func firstWord(toks []token) string {
	if len(toks) > 0 && toks[0].kind == tokWord {
		return toks[0].text
	}
	return ""
}

// mayWrite reports whether a statement passed through may have written: the next cached
// read of the session waits for the upstream's position after it.
func mayWrite(first string) bool {
	switch first {
	case "select", "show", "set", "reset", "begin", "start", "commit", "end", "rollback", "abort", "savepoint",
		"release", "listen", "unlisten", "fetch", "move", "close", "declare", "explain", "prepare", "deallocate",
		"discard", "values", "table":
		return false
	}
	return true
}

// lostTxAnswer answers a statement while the session's transaction is lost: ROLLBACK and
// COMMIT end it (the upstream rolled it back), anything else fails.
func (c *conn) lostTxAnswer(first string) error {
	switch first {
	case "rollback", "abort", "commit", "end":
		c.px.lostInTx = false
		c.complete("ROLLBACK", -1)
		return nil
	}
	return errLostTx
}

// proxyQuery handles a Query message: Weir's own statements and a SELECT Weir answers are
// answered here, anything else by the upstream.
func (c *conn) proxyQuery(sql string, body []byte) {
	c.counts.messages[kindQuery]++
	px := c.px
	c.drain()
	stmts := splitStatements(sql)
	write := true // several statements: any may write
	if len(stmts) == 1 {
		toks := tokens(stmts[0], 0)
		first := firstWord(toks)
		if px.lostInTx {
			if err := c.lostTxAnswer(first); err != nil {
				c.sendError(err)
			}
			c.proxyReady()
			return
		}
		p := &prepared{sql: stmts[0]}
		if c.proxyCommand(p, stmts[0], toks) {
			c.runWeir(p, stmts[0], nil)
			c.proxyReady()
			return
		}
		if p, args := c.weirSelect(stmts[0], toks); p != nil && c.runWeir(p, stmts[0], args) {
			c.proxyReady()
			return
		}
		write = mayWrite(first)
		px.noteListen(first)
		if first == "set" || first == "reset" || first == "discard" || first == "deallocate" {
			if err := c.forward('Q', body, expectReady); err != nil {
				c.sendError(err)
				c.proxyReady()
				return
			}
			px.failed = false
			c.drain()
			if !px.failed && px.up != nil {
				c.forgetStatements(toks)
				if px.txStatus == 'I' {
					c.remember(stmts[0], toks)
				}
			}
			return
		}
	} else if px.lostInTx {
		c.sendError(errLostTx)
		c.proxyReady()
		return
	} else {
		for _, stmt := range stmts {
			px.noteListen(firstWord(tokens(stmt, 0)))
		}
	}
	if err := c.forward('Q', body, expectReady); err != nil {
		c.sendError(err)
		c.proxyReady()
		return
	}
	if write {
		px.wrote = true
	}
	c.drain()
}

// runWeir runs a statement Weir answers in a Query message, sql, with its lifted literals
// as args; false when a SELECT's read failed and the upstream should answer it instead.
func (c *conn) runWeir(p *prepared, sql string, args []weir.Value) bool {
	c.counts.messages[kindSession]++
	pt := &portal{p: p, args: args, formats: make([]int16, len(p.fields))}
	if err := c.runPortal(pt); err != nil {
		if p.st != nil {
			c.s.proxy.shapes.See(normalize(sql), sql, "Weir's read failed: "+toPG(err).Message)
			return false
		}
		c.sendError(err)
		return true
	}
	if p.st != nil {
		c.s.proxy.servedCounter(p.st.(pgStmt).Shape()).Add(1)
	}
	if p.fields != nil {
		c.sendRowDescription(p.fields, pt.formats)
	}
	c.sendRows(pt, 0)
	return true
}

// weirSelect returns a SELECT Weir answers now, planned; nil when the upstream must answer
// it (the reason is recorded for SHOW PROXIED QUERIES).
func (c *conn) weirSelect(sql string, toks []token) (*prepared, []weir.Value) {
	switch firstWord(toks) {
	case "select", "with":
	default:
		return nil, nil
	}
	p, args, ok := c.weirPlan(sql, nil, true, true)
	if !ok {
		return nil, nil
	}
	if !c.caughtUp() {
		c.s.proxy.shapes.See(normalize(sql), sql, proxyshape.WhyReadYourWrite)
		return nil, nil
	}
	return p, args
}

// weirPlan plans a SELECT of a cached shape when the session may read Weir's caches now;
// ok is false otherwise (with the reason recorded when see is set). A simple-protocol
// statement whose lifted shape (shapes.go) is a cached one is that shape's plan, with its
// literals as args; any other is planned by its text, whose shape is the one a cache made
// from it has.
func (c *conn) weirPlan(sql string, oids []uint32, simple, see bool) (*prepared, []weir.Value, bool) {
	px := c.px
	shapes := c.s.proxy.shapes
	note := func(why string) (*prepared, []weir.Value, bool) {
		if see {
			shapes.See(normalize(sql), sql, why)
		}
		return nil, nil, false
	}
	if px.txStatus != 'I' {
		return note(proxyshape.WhyInTransaction)
	}
	if db := c.s.proxy.cfg.Upstream.Database; px.db != "" && db != "" && px.db != db {
		return note(proxyshape.WhyOtherDB)
	}
	if why := px.whyNotServable(); why != "" {
		return note(why)
	}
	var p *prepared
	var err error
	if simple {
		if lp, args, ok := c.lifted(sql); ok {
			if st, isPG := lp.st.(pgStmt); isPG && !st.ReadsCatalog() && shapes.IsCached(st.Shape()) {
				return lp, args, true
			}
		}
		p, err = c.cachedText(sql)
	} else {
		ctx := c.begin()
		p, err = c.prepare(ctx, sql, oids)
		c.end()
	}
	var st pgStmt
	if err == nil {
		ok := false
		if st, ok = p.st.(pgStmt); !ok || !st.IsQuery() || st.ReadsCatalog() {
			err = newPGError(stateFeature, "this statement in a cache")
		}
	}
	if err != nil {
		return note("not supported by Weir: " + toPG(err).Message)
	}
	if !shapes.IsCached(st.Shape()) {
		if see {
			shapes.Miss(normalize(sql), sql, st.Shape(), c.s.proxy.cfg.AutoCache)
		}
		return nil, nil, false
	}
	return p, nil, true
}

// whyNotServable says why Weir's answers would not be what the session expects (its
// output settings differ from those Weir encodes in); "" when they would be.
func (px *proxySession) whyNotServable() string {
	for name, want := range map[string][]string{
		"TimeZone":        {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Zulu", "GMT", "Etc/GMT"},
		"DateStyle":       {"ISO, MDY", "ISO, DMY", "ISO, YMD", "ISO"},
		"client_encoding": {"UTF8", "UTF-8", "utf8", "unicode"},
		"IntervalStyle":   {"postgres"},
	} {
		v, ok := px.reported[name]
		if !ok {
			continue
		}
		match := false
		for _, w := range want {
			if strings.EqualFold(v, w) {
				match = true
			}
		}
		if !match {
			return fmt.Sprintf("the session's %s is %s; Weir's caches answer in %s", name, v, want[0])
		}
	}
	return ""
}

// caughtUp reports whether Weir's caches may answer the session: it wrote nothing since
// Weir last applied its writes, or the mirror now has the upstream's WAL position read on
// the session's connection after them (waiting for it up to the read timeout).
func (c *conn) caughtUp() bool {
	px := c.px
	if !px.wrote || px.noRYW {
		return true
	}
	waiter := c.s.proxy.cfg.Positions
	if waiter == nil || px.up == nil {
		return false
	}
	lsn, err := c.upstreamLSN()
	if err != nil {
		c.log.Debug("reading the upstream's WAL position", zap.Error(err))
		return false
	}
	ctx, cancel := context.WithTimeout(c.s.base, c.s.e.Options().ReadTimeout)
	defer cancel()
	if err := waiter.WaitForPosition(ctx, lsn); err != nil {
		return false
	}
	px.wrote = false
	return true
}

// upstreamLSN reads the upstream's WAL insert position on the session's own connection:
// every transaction the session committed ends at or before it. (pg_current_wal_lsn(), the
// position written, can lag a commit made with synchronous_commit off.)
func (c *conn) upstreamLSN() (uint64, error) {
	px := c.px
	if len(px.pending) > 0 || px.copyIn || px.needSync {
		return 0, errors.New("the upstream session is busy")
	}
	px.queueMsg(&pgproto3.Query{String: "SELECT pg_catalog.pg_current_wal_insert_lsn()::text"}, expectNone)
	if err := c.flushUp(); err != nil {
		c.closeUpstream()
		return 0, err
	}
	var text string
	var qerr error
	for {
		msg, err := c.receiveUp()
		if err != nil {
			c.closeUpstream()
			return 0, err
		}
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			if len(m.Values) == 1 {
				text = string(m.Values[0])
			}
		case *pgproto3.ErrorResponse:
			qerr = fmt.Errorf("%s (SQLSTATE %s)", m.Message, m.Code)
		case *pgproto3.ParameterStatus:
			px.reported[m.Name] = m.Value
			c.send(m)
		case *pgproto3.NotificationResponse, *pgproto3.NoticeResponse:
			c.send(m)
		case *pgproto3.ReadyForQuery:
			px.txStatus = m.TxStatus
			if qerr != nil {
				return 0, qerr
			}
			lsn, err := pglogrepl.ParseLSN(text)
			return uint64(lsn), err
		}
	}
}

// weirAnswers reports whether Weir answers an execution of a statement it prepared now.
func (c *conn) weirAnswers(ps *proxyStmt) bool {
	px := c.px
	// Within a batch that has passed messages upstream, the upstream may hold an implicit
	// transaction open until the Sync: its reads are the upstream's.
	if ps == nil || px.txStatus != 'I' || px.needSync || px.lostInTx || px.whyNotServable() != "" {
		return false
	}
	c.drain()
	return c.caughtUp()
}

// proxyParse handles Parse: a SELECT of a cached shape, or a statement of Weir's own, is
// prepared by Weir; any other on the upstream session.
func (c *conn) proxyParse(m *pgproto3.Parse, body []byte) error {
	c.counts.messages[kindParse]++
	px := c.px
	if m.Name != "" {
		if _, exists := px.stmts[m.Name]; exists {
			return newPGError(stateDuplicatePrepare, "prepared statement %q already exists", m.Name)
		}
		if len(px.stmts) >= c.s.cfg.MaxStatements {
			return newPGError(stateConfigLimit, "a connection may have at most %d prepared statements", c.s.cfg.MaxStatements)
		}
	}
	toks := tokens(m.Query, 0)
	ps := &proxyStmt{sql: m.Query, oids: m.ParameterOIDs}
	delete(c.stmts, m.Name)
	p := &prepared{sql: m.Query}
	weirs := c.proxyCommand(p, m.Query, toks)
	if f := firstWord(toks); !weirs && (f == "select" || f == "with") && len(splitStatements(m.Query)) == 1 {
		if wp, _, ok := c.weirPlan(m.Query, m.ParameterOIDs, false, true); ok {
			p, weirs = wp, true
		}
	}
	if weirs {
		c.drain()
		ps.weir = true
		ps.oids = p.paramOIDs
		px.stmts[m.Name] = ps
		c.stmts[m.Name] = p
		c.send(&pgproto3.ParseComplete{})
		return nil
	}
	if px.lostInTx {
		return errLostTx
	}
	if err := c.forward('P', body, expectParse); err != nil {
		return err
	}
	px.noteListen(firstWord(toks))
	ps.gen = px.gen
	px.stmts[m.Name] = ps
	return nil
}

// upstreamHas makes sure the upstream session has the statement, preparing it there under
// the client's name when it does not (a statement Weir prepared, or one prepared on an
// upstream session since lost). Its ParseComplete is Weir's, not relayed.
func (c *conn) upstreamHas(name string, ps *proxyStmt) error {
	if err := c.openUpstream(); err != nil {
		return err
	}
	px := c.px
	if ps.gen == px.gen {
		return nil
	}
	px.queueMsg(&pgproto3.Parse{Name: name, Query: ps.sql, ParameterOIDs: ps.oids}, expectOwnParse)
	ps.gen = px.gen
	return nil
}

// proxyBind handles Bind: a portal of a statement Weir prepared is Weir's when Weir
// answers it now; any other is bound on the upstream session.
func (c *conn) proxyBind(m *pgproto3.Bind, body []byte) error {
	c.counts.messages[kindBind]++
	px := c.px
	ps, ok := px.stmts[m.PreparedStatement]
	if !ok {
		return newPGError(stateUndefinedPrepare, "prepared statement %q does not exist", m.PreparedStatement)
	}
	if _, exists := px.portals[m.DestinationPortal]; !exists && m.DestinationPortal != "" && len(px.portals) >= c.s.cfg.MaxStatements {
		return newPGError(stateConfigLimit, "a connection may have at most %d portals", c.s.cfg.MaxStatements)
	}
	delete(c.portals, m.DestinationPortal)
	delete(px.portals, m.DestinationPortal)
	if ps.weir {
		if p := c.stmts[m.PreparedStatement]; p != nil && (p.session != nil || c.weirAnswers(ps)) {
			c.drain()
			if err := c.bind(m); err != nil {
				return err
			}
			px.portals[m.DestinationPortal] = false
			return nil
		}
	}
	if px.lostInTx {
		return errLostTx
	}
	if err := c.upstreamHas(m.PreparedStatement, ps); err != nil {
		return err
	}
	px.queue('B', body, expectBind)
	px.portals[m.DestinationPortal] = true
	if mayWrite(firstWord(tokens(ps.sql, 1))) {
		px.wrote = true
	}
	return nil
}

// proxyDescribe handles Describe of a statement or portal, by the side that has it.
func (c *conn) proxyDescribe(m *pgproto3.Describe, body []byte) error {
	px := c.px
	switch m.ObjectType {
	case 'S':
		ps, ok := px.stmts[m.Name]
		if !ok {
			return newPGError(stateUndefinedPrepare, "prepared statement %q does not exist", m.Name)
		}
		if ps.weir {
			c.drain()
			return c.describe(m)
		}
		if err := c.upstreamHas(m.Name, ps); err != nil {
			return err
		}
		px.queue('D', body, expectDescS)
	case 'P':
		up, ok := px.portals[m.Name]
		if !ok {
			return newPGError(stateUndefinedCursor, "portal %q does not exist", m.Name)
		}
		if !up {
			c.drain()
			return c.describe(m)
		}
		px.queue('D', body, expectDescP)
	default:
		return newPGError(stateProtocol, "invalid DESCRIBE message subtype %d", m.ObjectType)
	}
	return nil
}

// proxyExecute handles Execute of a portal, by the side that has it.
func (c *conn) proxyExecute(m *pgproto3.Execute, body []byte) error {
	px := c.px
	up, ok := px.portals[m.Portal]
	if !ok {
		return newPGError(stateUndefinedCursor, "portal %q does not exist", m.Portal)
	}
	if !up {
		c.drain()
		pt := c.portals[m.Portal]
		if err := c.executeMsg(m); err != nil {
			return err
		}
		if pt != nil && pt.p.st != nil {
			if ps, ok := pt.p.st.(pgStmt); ok {
				c.s.proxy.servedCounter(ps.Shape()).Add(1)
			}
		}
		return nil
	}
	c.counts.messages[kindExecute]++
	px.queue('E', body, expectExecute)
	return nil
}

// proxyClose handles Close of a statement or portal, on both sides.
func (c *conn) proxyClose(m *pgproto3.Close, body []byte) error {
	px := c.px
	upstream := false
	switch m.ObjectType {
	case 'S':
		if ps, ok := px.stmts[m.Name]; ok {
			upstream = px.up != nil && ps.gen == px.gen
			delete(px.stmts, m.Name)
		}
		delete(c.stmts, m.Name)
	case 'P':
		upstream = px.portals[m.Name] && px.up != nil
		delete(px.portals, m.Name)
		delete(c.portals, m.Name)
	default:
		return newPGError(stateProtocol, "invalid CLOSE message subtype %d", m.ObjectType)
	}
	if upstream {
		px.queue('C', body, expectClose)
		return nil
	}
	c.drain()
	c.send(&pgproto3.CloseComplete{})
	return nil
}
