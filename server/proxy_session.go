package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/charset"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/proxyshape"
)

// proxySession is one client session's side of proxy mode: its upstream session, opened
// on the first statement Weir does not answer, and the state a new one must be given
// when the upstream went away.
type proxySession struct {
	up     *client.Conn
	stopUp func() bool // stops closing up when the server's base context ends
	// gen counts the upstream sessions opened, so a prepared statement knows whether the
	// current one has it.
	gen uint64
	// status holds the server status flags of the upstream's last reply.
	status uint16
	// caps and collation are the client's, which the upstream session is opened with, so
	// that the packets relayed are those the client expects (OK packets with or without
	// session tracking, affected rows or found rows, several result sets or one).
	caps      uint32
	collation uint8
	// db is the session's database as the upstream knows it.
	db string
	// replay holds the SET statements passed through (session variables, SET NAMES, user
	// variables), in order; setOption the last COM_SET_OPTION. A new upstream session
	// gets both.
	replay    []string
	setOption []byte
	// lostInTx: the upstream went away inside a transaction, which it rolled back. Until
	// the client's ROLLBACK, statements are refused: run on a new upstream session they
	// would commit one by one, outside the transaction the client thinks is open.
	lostInTx bool
	// wrote: a statement that may have written was passed through since the last time
	// Weir caught up with the session's writes (read-your-writes).
	wrote bool
	// noRYW: SET @weir_read_your_writes = 0 turned read-your-writes off.
	noRYW bool
	// weirLast: the last statement was answered by Weir, so SHOW WARNINGS is Weir's too.
	weirLast bool
	// results and timeZone are the session's character_set_results (from its login's
	// collation, then SET NAMES and the like) and the time_zone it set ("" for none): Weir
	// answers only sessions that read UTF-8 in UTC, as its caches hold them.
	results, timeZone string
	// stmts are the statements prepared on the upstream, by the id Weir gave the client.
	stmts map[uint32]*upstreamStmt
	// readCtx is the context of Weir's reads: names resolve among the mirrored tables.
	readCtx context.Context
	in, out []byte
	// file is set while the client sends the file a LOAD DATA LOCAL INFILE asked for.
	file *fileRelay
}

// fileRelay is a client's file on its way to the upstream.
type fileRelay struct {
	// lost is the error that ended the upstream session while the client was still sending:
	// the rest of the file is read and dropped, then the client is told.
	lost error
}

// relayFilePacket passes one packet of the client's file to the upstream, without a new
// sequence: the file continues the LOAD DATA statement's exchange. The empty packet that
// ends the file is passed too, and then the upstream's reply to the statement relayed.
func (s *session) relayFilePacket(w *wire, data []byte) error {
	px := s.px
	f := px.file
	if f.lost == nil {
		px.out = append(append(px.out[:0], 0, 0, 0, 0), data...)
		if err := px.up.WritePacket(px.out); err != nil {
			f.lost = err
			s.closeUpstream()
		}
		if cap(px.out) > 1<<20 {
			px.out = nil
		}
	}
	if len(data) > 0 {
		return nil
	}
	px.file = nil
	w.packets = false
	if f.lost != nil {
		return s.lost(w, f.lost)
	}
	_, err := s.relayResult(w)
	return err
}

// upstreamStmt is a statement prepared on the upstream session.
type upstreamStmt struct {
	sql    string
	id     uint32 // the upstream's statement id
	gen    uint64 // the upstream session that has it
	params int
	// types are the parameter types last sent; typed is set once the upstream statement
	// has been sent them (a client may send them only with its first execution).
	types []byte
	typed bool
}

// maxReplay bounds the SET statements a session keeps for a new upstream session; past
// it the oldest is forgotten (and a warning logged when it would have been replayed).
const maxReplay = 512

func newProxySession(srv *Server) *proxySession {
	return &proxySession{
		status:  mysql.SERVER_STATUS_AUTOCOMMIT,
		stmts:   map[uint32]*upstreamStmt{},
		readCtx: weir.WithDatabase(srv.base, srv.proxy.cfg.MirrorDatabase),
	}
}

// inTx reports whether the upstream session is in a transaction, or autocommit is off
// (every statement opens one): its statements, reads included, are the upstream's.
func (px *proxySession) inTx() bool {
	return px.status&mysql.SERVER_STATUS_IN_TRANS != 0 || px.status&mysql.SERVER_STATUS_AUTOCOMMIT == 0
}

// syncProxyFlags makes the flags of Weir's own replies the upstream session's.
func (s *session) syncProxyFlags() {
	s.flags = s.px.status & (mysql.SERVER_STATUS_AUTOCOMMIT | mysql.SERVER_STATUS_IN_TRANS | serverStatusInTransReadOnly)
}

// closeUpstream ends the upstream session, if any.
func (s *session) closeUpstream() {
	px := s.px
	if px == nil || px.up == nil {
		return
	}
	px.stopUp()
	_ = px.up.Quit() // COM_QUIT, so the upstream counts no aborted connection
	px.up = nil
}

// Errors of proxy mode.
var (
	// errTxLost: see proxySession.lostInTx. ER_CONNECTION_KILLED's number and SQLSTATE.
	errTxLost = wireError(1927, "70100", "The upstream session was lost inside a transaction, which the upstream rolled back: ROLLBACK, then run the transaction again")
)

// upstreamTerms names the mirrored tables in an error of Weir's as the client knows them,
// in the upstream's database (Table 'app.items' …), rather than by the Weir database that
// mirrors them.
func (s *session) upstreamTerms(err error) error {
	if err == nil {
		return nil
	}
	p := s.srv.proxy
	db := p.cfg.Database
	if db == "" {
		db = s.px.db
	}
	mirrored := "'" + p.cfg.MirrorDatabase + "."
	e := toWire(err)
	if db == "" || db == p.cfg.MirrorDatabase || !strings.Contains(e.Message, mirrored) {
		return err
	}
	return wireError(e.Code, e.State, "%s", strings.ReplaceAll(e.Message, mirrored, "'"+db+"."))
}

// lostError is what a statement in flight gets when the upstream session goes away: the
// client library's "lost connection" number, since that is what it would have seen
// talking to the upstream directly.
func lostError(err error) error {
	return wireError(2013, "HY000", "Lost connection to the upstream MySQL server during query (%v): the statement may or may not have run there; Weir did not run it again", err)
}

// openUpstream opens the session's upstream session if it has none, with the client's
// capabilities and character set, its database, and its session state replayed.
func (s *session) openUpstream() error {
	px := s.px
	if px.up != nil {
		return nil
	}
	cfg := s.srv.proxy.cfg
	user, password := cfg.User, cfg.Password
	if cfg.ClientCredentials {
		user, password = s.user, s.srv.cfg.Users[s.user]
	}
	caps := px.caps
	opt := func(c *client.Conn) error {
		for _, f := range []uint32{mysql.CLIENT_FOUND_ROWS, mysql.CLIENT_IGNORE_SPACE, mysql.CLIENT_MULTI_STATEMENTS,
			mysql.CLIENT_MULTI_RESULTS, mysql.CLIENT_PS_MULTI_RESULTS, mysql.CLIENT_SESSION_TRACK, mysql.CLIENT_LOCAL_FILES} {
			if caps&f != 0 {
				if err := c.SetCapability(f); err != nil {
					return err
				}
			} else {
				c.UnsetCapability(f)
			}
		}
		// Weir's replies end column definitions with an EOF packet, its clients never send
		// query attributes, and compression is not relayed.
		for _, f := range []uint32{mysql.CLIENT_DEPRECATE_EOF, mysql.CLIENT_QUERY_ATTRIBUTES, mysql.CLIENT_COMPRESS,
			mysql.CLIENT_ZSTD_COMPRESSION_ALGORITHM} {
			c.UnsetCapability(f)
		}
		if col, err := charset.GetCollationByID(int(px.collation)); err == nil && px.collation != 0 {
			if err := c.SetCollation(col.Name); err != nil {
				return err
			}
		}
		if cfg.TLS != nil {
			c.SetTLSConfig(cfg.TLS)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(s.srv.base, cfg.DialTimeout)
	defer cancel()
	conn, err := client.ConnectWithContext(ctx, cfg.Addr, user, password, px.db, cfg.DialTimeout, opt)
	if err != nil {
		var me *mysql.MyError
		if errors.As(err, &me) {
			return me // the upstream refused: access denied, unknown database, too many connections
		}
		return wireError(2003, "HY000", "Can't connect to the upstream MySQL server on '%s' (%v)", cfg.Addr, err)
	}
	fail := func(what string, err error) error {
		_ = conn.Close()
		var me *mysql.MyError
		if errors.As(err, &me) {
			return wireError(me.Code, me.State, "Replaying the session's %s on a new upstream session: %s", what, me.Message)
		}
		return wireError(2013, "HY000", "Replaying the session's %s on a new upstream session: %v", what, err)
	}
	for _, stmt := range px.replay {
		if _, err := conn.Execute(stmt); err != nil {
			return fail(stmt, err)
		}
	}
	if px.setOption != nil {
		conn.ResetSequence()
		if err := conn.WritePacket(append([]byte{0, 0, 0, 0}, px.setOption...)); err != nil {
			return fail("COM_SET_OPTION", err)
		}
		p, err := conn.ReadPacket()
		if err == nil && len(p) > 0 && p[0] == mysql.ERR_HEADER {
			err = conn.HandleErrorPacket(p)
		}
		if err != nil {
			return fail("COM_SET_OPTION", err)
		}
	}
	px.up = conn
	px.stopUp = context.AfterFunc(s.srv.base, func() { _ = conn.Close() })
	px.gen++
	px.status = mysql.SERVER_STATUS_AUTOCOMMIT
	if !conn.IsAutoCommit() {
		px.status = 0
	}
	if px.gen > 1 {
		s.srv.log.Info("upstream session reopened; session state replayed", zap.Uint32("conn", s.id),
			zap.String("db", px.db), zap.Int("statements_replayed", len(px.replay)))
	}
	return nil
}

// send writes one command to the upstream session.
func (px *proxySession) send(payload []byte) error {
	px.out = append(append(px.out[:0], 0, 0, 0, 0), payload...)
	px.up.ResetSequence()
	err := px.up.WritePacket(px.out)
	if cap(px.out) > 1<<20 {
		px.out = nil
	}
	return err
}

// read reads one packet of the upstream's reply; it is valid until the next read.
func (px *proxySession) read() ([]byte, error) {
	p, err := px.up.ReadPacketReuseMem(px.in[:0])
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("%w: empty packet", mysql.ErrMalformPacket)
	}
	if cap(p) <= 64<<10 {
		px.in = p
	}
	return p, nil
}

// lost ends an upstream session that failed under a statement and tells the client.
func (s *session) lost(w *wire, err error) error {
	px := s.px
	if px.inTx() && px.status&mysql.SERVER_STATUS_IN_TRANS != 0 {
		px.lostInTx = true
	}
	s.srv.log.Warn("upstream session lost during a statement", zap.Uint32("conn", s.id), zap.Error(err))
	s.closeUpstream()
	px.status = mysql.SERVER_STATUS_AUTOCOMMIT
	return w.writeError(lostError(err))
}

// noteStatus takes the status flags of an OK or EOF packet of the upstream's.
func (px *proxySession) noteStatus(p []byte) {
	switch p[0] {
	case mysql.OK_HEADER:
		_, _, n := mysql.LengthEncodedInt(p[1:])
		_, _, m := mysql.LengthEncodedInt(p[1+n:])
		if at := 1 + n + m; len(p) >= at+2 {
			px.status = binary.LittleEndian.Uint16(p[at:])
		}
	case mysql.EOF_HEADER:
		if len(p) >= 5 {
			px.status = binary.LittleEndian.Uint16(p[3:])
		}
	}
}

func isEOF(p []byte) bool { return p[0] == mysql.EOF_HEADER && len(p) < 9 }

// relayResult relays the upstream's reply to COM_QUERY or COM_STMT_EXECUTE as it
// arrives, packet by packet: OK packets, errors, and result sets (several, for a CALL or
// several statements). ok reports that it ended without an error packet; err that the
// client went away.
func (s *session) relayResult(w *wire) (ok bool, err error) {
	px := s.px
	defer s.syncProxyFlags()
	for {
		p, rerr := px.read()
		if rerr != nil {
			return false, s.lost(w, rerr)
		}
		switch {
		case p[0] == mysql.OK_HEADER:
			px.noteStatus(p)
			if err := w.writeRaw(p); err != nil {
				return false, err
			}
			if px.status&mysql.SERVER_MORE_RESULTS_EXISTS != 0 {
				continue
			}
			return true, nil
		case p[0] == mysql.ERR_HEADER:
			return false, w.writeRaw(p)
		case p[0] == mysql.LocalInFile_HEADER:
			// LOAD DATA LOCAL INFILE: the upstream asks for the client's file. The request
			// goes to the client, whose packets of the file are relayed as they come
			// (relayFilePacket), and the reply after its last.
			if w.caps&mysql.CLIENT_LOCAL_FILES == 0 {
				return false, s.lost(w, errors.New("the upstream asked for a file the client did not offer to send"))
			}
			px.file = &fileRelay{}
			w.packets = true
			return false, w.writeRaw(p)
		}
		// A result set: its column count, definitions and EOF, then rows up to an EOF.
		n, _, _ := mysql.LengthEncodedInt(p)
		if err := w.writeRaw(p); err != nil {
			return false, err
		}
		for i := uint64(0); i <= n; i++ { // n definitions, then the EOF
			if p, rerr = px.read(); rerr != nil {
				return false, s.lost(w, rerr)
			}
			if err := w.writeRaw(p); err != nil {
				return false, err
			}
		}
		if px.noteStatus(p); px.status&mysql.SERVER_STATUS_CURSOR_EXISTS != 0 {
			return true, nil // a cursor: the rows come with COM_STMT_FETCH
		}
		for {
			if p, rerr = px.read(); rerr != nil {
				return false, s.lost(w, rerr)
			}
			if err := w.writeRaw(p); err != nil {
				return false, err
			}
			if p[0] == mysql.ERR_HEADER {
				return false, nil
			}
			if isEOF(p) {
				px.noteStatus(p)
				break
			}
		}
		if px.status&mysql.SERVER_MORE_RESULTS_EXISTS == 0 {
			return true, nil
		}
	}
}

// relayUntilEOF relays a reply that is packets up to an EOF, or an error (COM_FIELD_LIST).
func (s *session) relayUntilEOF(w *wire) (bool, error) {
	for {
		p, err := s.px.read()
		if err != nil {
			return false, s.lost(w, err)
		}
		if err := w.writeRaw(p); err != nil {
			return false, err
		}
		if p[0] == mysql.ERR_HEADER {
			return false, nil
		}
		if isEOF(p) {
			return true, nil
		}
	}
}

// relayOne relays a reply of one packet (OK, EOF, an error, or COM_STATISTICS's text).
func (s *session) relayOne(w *wire) (bool, error) {
	p, err := s.px.read()
	if err != nil {
		return false, s.lost(w, err)
	}
	if p[0] == mysql.OK_HEADER || isEOF(p) {
		s.px.noteStatus(p)
		s.syncProxyFlags()
	}
	return p[0] != mysql.ERR_HEADER, w.writeRaw(p)
}

// forward passes a command to the upstream session, opening it first if need be, and
// relays the reply.
func (s *session) forward(w *wire, payload []byte, relay func(*session, *wire) (bool, error)) (bool, error) {
	s.srv.metrics.statement(nil)
	if err := s.openUpstream(); err != nil {
		return false, w.writeError(err)
	}
	if err := s.px.send(payload); err != nil {
		return false, s.lost(w, err)
	}
	s.px.weirLast = false
	return relay(s, w)
}

// proxyDispatch runs one command in proxy mode (see dispatch).
func (s *session) proxyDispatch(w *wire, data []byte) (quit bool, err error) {
	px := s.px
	cmd, arg := data[0], data[1:]
	switch cmd {
	case mysql.COM_QUIT:
		return true, nil
	case mysql.COM_PING:
		return false, w.writeOK(0, 0, s.flags, 0)
	case mysql.COM_QUERY:
		return false, s.proxyQuery(w, data)
	case mysql.COM_STMT_PREPARE:
		return false, s.proxyPrepare(w, data)
	case mysql.COM_STMT_EXECUTE:
		return false, s.proxyExecute(w, data)
	case mysql.COM_STMT_CLOSE:
		s.proxyClose(arg)
		return false, nil
	case mysql.COM_STMT_SEND_LONG_DATA:
		return false, s.proxyLongData(data)
	case mysql.COM_STMT_RESET:
		return false, s.proxyReset(w, data)
	case mysql.COM_STMT_FETCH:
		return false, s.proxyFetch(w, data)
	case mysql.COM_INIT_DB:
		if px.lostInTx {
			return false, w.writeError(errTxLost)
		}
		ok, err := s.forward(w, data, (*session).relayOne)
		if ok {
			px.db = string(arg)
		}
		return false, err
	case mysql.COM_SET_OPTION:
		ok, err := s.forward(w, data, (*session).relayOne)
		if ok {
			px.setOption = append(px.setOption[:0], data...)
		}
		return false, err
	case mysql.COM_RESET_CONNECTION:
		if px.up != nil {
			if _, err := s.forward(w, data, (*session).relayOne); err != nil {
				return false, err
			}
		} else if err := w.writeOK(0, 0, s.flags, 0); err != nil {
			return false, err
		}
		px.replay, px.setOption, px.lostInTx, px.wrote, px.noRYW = nil, nil, false, false, false
		px.results, px.timeZone = "", ""
		clear(px.stmts)
		clear(s.stmts)
		return false, nil
	case mysql.COM_FIELD_LIST:
		_, err := s.forward(w, data, (*session).relayUntilEOF)
		return false, err
	case mysql.COM_STATISTICS, mysql.COM_PROCESS_KILL, mysql.COM_DEBUG:
		_, err := s.forward(w, data, (*session).relayOne)
		return false, err
	}
	return false, w.writeError(wireError(codeUnknownCommand, "08S01", "Unknown command %#x", cmd))
}

// weirStatus matches SHOW STATUS of Weir's own variables (Weir_replication_applied_gtid
// and the like), which Weir answers; any other SHOW STATUS is the upstream's.
var weirStatus = regexp.MustCompile(`(?i)^SHOW\s+(?:GLOBAL\s+|SESSION\s+|LOCAL\s+)?STATUS\s+LIKE\s+['"]weir`)

// rywVar is the user variable that turns read-your-writes off (0) and on (1).
var rywVar = regexp.MustCompile(`(?i)^SET\s+@weir_read_your_writes\s*:?=\s*'?(\w+)'?$`)

// proxyQuery handles COM_QUERY in proxy mode: Weir's own statements and the SELECTs of
// cached shapes are answered here, everything else by the upstream.
func (s *session) proxyQuery(w *wire, data []byte) error {
	px := s.px
	query := string(data[1:])
	sql := trimStatement(query)
	words := leadingWords(sql, 3)
	first, second := word(words, 0), word(words, 1)
	if px.lostInTx {
		if first == "ROLLBACK" && second != "TO" {
			px.lostInTx = false
			return w.writeOK(0, 0, s.flags, 0)
		}
		return w.writeError(errTxLost)
	}
	weirs := func() error {
		res, err := s.HandleQuery(query)
		px.weirLast = true
		return s.reply(w, res, s.upstreamTerms(err))
	}
	switch first {
	case "CREATE", "DROP":
		if second == "CACHE" {
			// A cache over a table the session has just created or changed upstream is
			// planned once Weir has followed that DDL (or the read timeout passed).
			if first == "CREATE" {
				s.caughtUp()
			}
			return weirs()
		}
	case "SHOW":
		switch second {
		case "CACHES":
			return weirs()
		case "PROXIED":
			res, err := s.showProxied(sql)
			px.weirLast = true
			return s.reply(w, res, err)
		case "WARNINGS", "ERRORS", "COUNT(*)", "COUNT":
			if px.weirLast {
				return weirs()
			}
		default:
			if weirStatus.MatchString(sql) {
				return weirs()
			}
		}
	case "EXPLAIN":
		if second == "GRAPH" {
			return weirs()
		}
	case "SET":
		if m := rywVar.FindStringSubmatch(sql); m != nil {
			switch strings.ToUpper(m[1]) {
			case "0", "OFF", "FALSE":
				px.noRYW = true
			case "1", "ON", "TRUE":
				px.noRYW = false
			default:
				return w.writeError(wireError(codeWrongValue, "42000", "Variable 'weir_read_your_writes' can't be set to the value of '%s'", m[1]))
			}
			px.weirLast = true
			return w.writeOK(0, 0, s.flags, 0)
		}
	case "SELECT", "(", "WITH":
		if done, err := s.proxySelect(w, sql); done {
			return err
		}
	}
	ok, err := s.forward(w, data, (*session).relayResult)
	if err != nil {
		return err
	}
	if ok {
		s.remember(first, second, sql)
	}
	if mayWrite(first, sql) {
		px.wrote = true
	}
	return nil
}

// remember keeps what a statement the upstream ran changed in the session's state, for a
// new upstream session.
func (s *session) remember(first, second, sql string) {
	px := s.px
	switch first {
	case "USE":
		px.db = unquoteName(afterWords(sql, 1))
	case "SET":
		if second == "TRANSACTION" {
			return // the next transaction's only
		}
		s.noteSet(sql)
		for i, old := range px.replay {
			if old == sql {
				px.replay = append(px.replay[:i], px.replay[i+1:]...)
				break
			}
		}
		if len(px.replay) >= maxReplay {
			s.srv.log.Warn("session state too long to keep whole; the oldest SET is forgotten", zap.Uint32("conn", s.id), zap.String("statement", px.replay[0]))
			px.replay = px.replay[1:]
		}
		px.replay = append(px.replay, sql)
	}
}

// noteSet follows what a SET passed through changed of what Weir's answers depend on: the
// character set of results and the time zone.
func (s *session) noteSet(sql string) {
	px := s.px
	node, err := s.parseOne(sql)
	st, ok := node.(*ast.SetStmt)
	if err != nil || !ok {
		return
	}
	for _, a := range st.Variables {
		switch {
		case a.Name == ast.SetNames || a.Name == ast.SetCharset:
			px.results = strings.ToLower(literalText(a.Value))
		case a.IsSystem && !a.IsGlobal && strings.EqualFold(a.Name, "character_set_results"):
			px.results = strings.ToLower(literalText(a.Value))
		case a.IsSystem && !a.IsGlobal && strings.EqualFold(a.Name, "time_zone"):
			px.timeZone = literalText(a.Value)
		}
	}
}

// whyNotServable says why Weir's answers would not be what this session expects (its
// results in another character set, or times in another zone); "" when they would be.
func (px *proxySession) whyNotServable() string {
	cs := px.results
	if cs == "" {
		if col, err := charset.GetCollationByID(int(px.collation)); err == nil {
			cs = col.CharsetName
		}
	}
	switch strings.Trim(cs, "'\"") {
	case "", "utf8", "utf8mb3", "utf8mb4", "default", "null", "binary":
	default:
		return "the session reads results in " + cs + ", Weir's caches hold UTF-8"
	}
	switch strings.ToUpper(strings.Trim(px.timeZone, "'\"")) {
	case "", "+00:00", "+0:00", "UTC":
	default:
		return "the session's time_zone is " + px.timeZone + ", Weir's caches hold UTC"
	}
	return ""
}

// mayWrite reports whether a statement passed through may have written: the reads a
// session's next cached read need not wait for are the ones named here.
func mayWrite(first, sql string) bool {
	if strings.Contains(sql, ";") {
		return true // several statements
	}
	switch first {
	case "SELECT", "(", "WITH", "SHOW", "SET", "USE", "DESCRIBE", "DESC", "EXPLAIN", "HELP", "DO":
		return false
	case "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE":
		return false // a transaction's writes count themselves
	}
	return true
}

// proxySelect answers a SELECT from Weir when its shape is cached, the session is outside
// a transaction in the mirrored database, and Weir has its last write; done is false when
// the upstream must answer it.
func (s *session) proxySelect(w *wire, sql string) (done bool, err error) {
	p, px := s.srv.proxy, s.px
	if !hasFrom(sql) {
		return false, nil // variables, functions: the upstream's
	}
	if px.inTx() {
		p.see(sql, proxyshape.WhyInTransaction)
		return false, nil
	}
	if p.cfg.Database != "" && px.db != p.cfg.Database {
		p.see(sql, proxyshape.WhyOtherDB)
		return false, nil
	}
	if why := px.whyNotServable(); why != "" {
		p.see(sql, why)
		return false, nil
	}
	if strings.Contains(strings.ToUpper(sql), "SQL_CALC_FOUND_ROWS") {
		p.see(sql, "SQL_CALC_FOUND_ROWS: the next FOUND_ROWS() is the upstream's")
		return false, nil
	}
	st, perr := s.srv.engine.PrepareContext(px.readCtx, sql)
	if perr == nil && (!st.IsQuery() || st.ReadsCatalog() || st.NumParams() > 0) {
		perr = unsupported("this statement in a cache")
	}
	if perr != nil {
		p.see(sql, "not supported by Weir: "+toWire(s.upstreamTerms(perr)).Message)
		return false, nil
	}
	shape := st.Shape()
	name, cached := p.CachedAs(shape)
	if !cached {
		p.miss(sql, shape)
		return false, nil
	}
	if !s.caughtUp() {
		p.see(sql, proxyshape.WhyReadYourWrite)
		return false, nil
	}
	var view *weir.View
	if name != "" {
		view, _ = s.srv.engine.View(name)
	}
	rows, rerr := st.QueryIn(px.readCtx, view)
	if rerr != nil {
		// Weir could not answer in time (a fill, a wait for the mirror): the upstream can.
		s.srv.log.Debug("cached read failed; passed to the upstream", zap.Uint32("conn", s.id), zap.String("statement", sql), zap.Error(rerr))
		p.see(sql, "Weir's read failed: "+toWire(rerr).Message)
		return false, nil
	}
	px.weirLast = true
	s.warnings = nil
	cols := rows.Columns()
	defs := s.columnDefs(cols)
	if err := w.writeColumns(defs, s.flags); err != nil {
		return true, err
	}
	for i := range rows.Len() {
		row := rows.Row(i)
		at := w.begin()
		w.conn.Out = appendTextRow(w.conn.Out, cols, row[:len(defs)])
		if err := w.end(at); err != nil {
			return true, err
		}
	}
	return true, w.writeEOF(s.flags)
}

// caughtUp reports whether Weir's caches may answer the session: it wrote nothing since
// Weir last applied its writes, or Weir now has its last write's GTID (waiting for it up
// to the read timeout). Without a GTID waiter, reads after a session's write go to the
// upstream.
func (s *session) caughtUp() bool {
	px := s.px
	if !px.wrote || px.noRYW {
		return true
	}
	waiter := s.srv.proxy.cfg.GTIDs
	if waiter == nil || px.up == nil {
		return false
	}
	res, err := px.up.Execute("SELECT @@last_gtid")
	if err != nil || res.Resultset == nil || len(res.Values) != 1 || len(res.Values[0]) != 1 {
		// MySQL has no @@last_gtid; a lost session has no answer: the upstream reads.
		if err != nil && !isMyError(err) {
			s.closeUpstream()
		}
		return false
	}
	gtid := strings.TrimSpace(string(res.Values[0][0].AsString()))
	if gtid == "" {
		// The session has committed nothing to the binary log (its writes failed or
		// changed no row): there is nothing of its own for Weir to wait for.
		px.wrote = false
		return true
	}
	ctx, cancel := context.WithTimeout(s.srv.base, s.srv.engine.Options().ReadTimeout)
	defer cancel()
	if err := waiter.WaitForGTID(ctx, gtid); err != nil {
		return false
	}
	px.wrote = false
	return true
}

func isMyError(err error) bool {
	var me *mysql.MyError
	return errors.As(err, &me)
}

// weirAnswers reports whether Weir answers an execution of its own prepared SELECT, as
// proxySelect decides for a text one.
func (s *session) weirAnswers() bool {
	p, px := s.srv.proxy, s.px
	return !px.inTx() && (p.cfg.Database == "" || px.db == p.cfg.Database) && px.whyNotServable() == "" && s.caughtUp()
}

// proxyPrepare handles COM_STMT_PREPARE: a SELECT of a cached shape is prepared by Weir
// (as outside proxy mode); every other statement on the upstream session, whose reply is
// relayed with the statement id Weir gives the client.
func (s *session) proxyPrepare(w *wire, data []byte) error {
	px, p := s.px, s.srv.proxy
	query := string(data[1:])
	sql := trimStatement(query)
	if px.lostInTx {
		return w.writeError(errTxLost)
	}
	switch word(leadingWords(sql, 1), 0) {
	case "SELECT", "(", "WITH":
		if hasFrom(sql) && !px.inTx() && (p.cfg.Database == "" || px.db == p.cfg.Database) && px.whyNotServable() == "" {
			st, err := s.srv.engine.PrepareContext(px.readCtx, sql)
			switch {
			case err != nil:
				p.see(sql, "not supported by Weir: "+toWire(s.upstreamTerms(err)).Message)
			case !st.IsQuery() || st.ReadsCatalog():
			case p.IsCached(st.Shape()):
				px.weirLast = true
				return s.prepare(w, query)
			default:
				p.miss(sql, st.Shape())
			}
		}
	}
	if err := s.openUpstream(); err != nil {
		return w.writeError(err)
	}
	if err := px.send(data); err != nil {
		return s.lost(w, err)
	}
	px.weirLast = false
	first, err := px.read()
	if err != nil {
		return s.lost(w, err)
	}
	if first[0] != mysql.OK_HEADER || len(first) < 12 {
		return w.writeRaw(first)
	}
	s.lastStmt++
	id := s.lastStmt
	us := &upstreamStmt{sql: sql, id: binary.LittleEndian.Uint32(first[1:]), gen: px.gen,
		params: int(binary.LittleEndian.Uint16(first[7:]))}
	cols := int(binary.LittleEndian.Uint16(first[5:]))
	binary.LittleEndian.PutUint32(first[1:], id)
	px.stmts[id] = us
	if err := w.writeRaw(first); err != nil {
		return err
	}
	for _, n := range []int{us.params, cols} {
		if n == 0 {
			continue
		}
		for range n + 1 { // definitions, then an EOF
			p, err := px.read()
			if err != nil {
				return s.lost(w, err)
			}
			if err := w.writeRaw(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// prepareUpstream prepares a statement on the current upstream session (opened by the
// caller) without relaying the reply: a statement Weir prepared, now executed where Weir
// does not answer, or one prepared on an upstream session since lost. An error packet
// comes back as the upstream's error.
func (s *session) prepareUpstream(us *upstreamStmt) error {
	px := s.px
	if err := px.send(append([]byte{mysql.COM_STMT_PREPARE}, us.sql...)); err != nil {
		return err
	}
	first, err := px.read()
	if err != nil {
		return err
	}
	if first[0] == mysql.ERR_HEADER {
		return px.up.HandleErrorPacket(append([]byte(nil), first...))
	}
	if len(first) < 12 {
		return mysql.ErrMalformPacket
	}
	us.id, us.gen, us.typed = binary.LittleEndian.Uint32(first[1:]), px.gen, false
	params, cols := int(binary.LittleEndian.Uint16(first[7:])), int(binary.LittleEndian.Uint16(first[5:]))
	for _, n := range []int{params, cols} {
		if n == 0 {
			continue
		}
		for range n + 1 {
			if _, err := px.read(); err != nil {
				return err
			}
		}
	}
	us.params = params
	return nil
}

// proxyExecute handles COM_STMT_EXECUTE: Weir's prepared SELECT is read from Weir when
// Weir answers it now, and every other execution runs on the upstream session, the
// statement prepared there first if it is not yet.
func (s *session) proxyExecute(w *wire, data []byte) error {
	px := s.px
	if len(data) < 10 {
		return w.writeError(errMalformed)
	}
	if px.lostInTx {
		return w.writeError(errTxLost)
	}
	id := binary.LittleEndian.Uint32(data[1:])
	own, isOwn := s.stmts[id]
	us := px.stmts[id]
	cursor := data[5]&^0x08 != mysql.CURSOR_TYPE_NO_CURSOR // 0x08: PARAMETER_COUNT_AVAILABLE
	if isOwn && !cursor && s.weirAnswers() {
		px.weirLast = true
		return s.execute(w, data[1:])
	}
	if !isOwn && us == nil {
		return w.writeError(unknownStatement(id, "mysqld_stmt_execute"))
	}
	if err := s.openUpstream(); err != nil {
		return w.writeError(err)
	}
	if us == nil {
		us = &upstreamStmt{sql: own.sql}
		px.stmts[id] = us
	}
	if us.gen != px.gen {
		if err := s.prepareUpstream(us); err != nil {
			if isMyError(err) {
				return w.writeError(err)
			}
			return s.lost(w, err)
		}
	}
	payload := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(payload[1:], us.id)
	if us.params > 0 {
		at := 10 + (us.params+7)/8 // command, id, flags, iterations, NULL bitmap
		if len(payload) <= at {
			return w.writeError(errMalformed)
		}
		switch {
		case payload[at] == 1 && len(payload) >= at+1+2*us.params:
			us.types = append(us.types[:0], payload[at+1:at+1+2*us.params]...)
			us.typed = true
		case !us.typed:
			types := us.types
			if isOwn && len(own.types) == 2*us.params {
				types = own.types
			}
			if len(types) != 2*us.params {
				return w.writeError(wireError(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: no parameter types were sent"))
			}
			payload = append(payload[:at:at], append(append([]byte{1}, types...), data[at+1:]...)...)
			us.typed = true
		}
	}
	if err := px.send(payload); err != nil {
		return s.lost(w, err)
	}
	px.weirLast = false
	if _, err := s.relayResult(w); err != nil {
		return err
	}
	if mayWrite(word(leadingWords(us.sql, 1), 0), us.sql) {
		px.wrote = true
	}
	return nil
}

// proxyFetch handles COM_STMT_FETCH: rows of an upstream statement's cursor.
func (s *session) proxyFetch(w *wire, data []byte) error {
	px := s.px
	if len(data) < 9 {
		return w.writeError(errMalformed)
	}
	id := binary.LittleEndian.Uint32(data[1:])
	us, ok := px.stmts[id]
	if !ok || px.up == nil || us.gen != px.gen {
		return w.writeError(unknownStatement(id, "mysqld_stmt_fetch"))
	}
	payload := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(payload[1:], us.id)
	if err := px.send(payload); err != nil {
		return s.lost(w, err)
	}
	for {
		p, err := px.read()
		if err != nil {
			return s.lost(w, err)
		}
		if err := w.writeRaw(p); err != nil {
			return err
		}
		if p[0] == mysql.ERR_HEADER {
			return nil
		}
		if isEOF(p) {
			px.noteStatus(p)
			s.syncProxyFlags()
			return nil
		}
	}
}

// proxyClose handles COM_STMT_CLOSE (no reply).
func (s *session) proxyClose(arg []byte) {
	if len(arg) < 4 {
		return
	}
	px := s.px
	id := binary.LittleEndian.Uint32(arg)
	delete(s.stmts, id)
	us, ok := px.stmts[id]
	if !ok {
		return
	}
	delete(px.stmts, id)
	if px.up != nil && us.gen == px.gen {
		var b [5]byte
		b[0] = mysql.COM_STMT_CLOSE
		binary.LittleEndian.PutUint32(b[1:], us.id)
		if err := px.send(b[:]); err != nil {
			s.srv.log.Warn("upstream session lost closing a statement", zap.Uint32("conn", s.id), zap.Error(err))
			s.closeUpstream()
		}
	}
}

// proxyLongData handles COM_STMT_SEND_LONG_DATA (no reply).
func (s *session) proxyLongData(data []byte) error {
	if len(data) < 7 {
		return nil
	}
	px := s.px
	id := binary.LittleEndian.Uint32(data[1:])
	if _, ok := s.stmts[id]; ok {
		s.longData(data[1:])
		return nil
	}
	us, ok := px.stmts[id]
	if !ok || px.up == nil || us.gen != px.gen {
		return nil // as MySQL ignores it; the execution reports the statement's fate
	}
	payload := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(payload[1:], us.id)
	if err := px.send(payload); err != nil {
		s.srv.log.Warn("upstream session lost sending long data", zap.Uint32("conn", s.id), zap.Error(err))
		s.closeUpstream()
	}
	return nil
}

// proxyReset handles COM_STMT_RESET.
func (s *session) proxyReset(w *wire, data []byte) error {
	px := s.px
	if len(data) < 5 {
		return w.writeError(errMalformed)
	}
	id := binary.LittleEndian.Uint32(data[1:])
	if p, ok := s.stmts[id]; ok {
		clear(p.long)
		p.longTooBig = false
		if us, ok := px.stmts[id]; !ok || px.up == nil || us.gen != px.gen {
			return w.writeOK(0, 0, s.flags, 0)
		}
	}
	us, ok := px.stmts[id]
	if !ok {
		return w.writeError(unknownStatement(id, "mysqld_stmt_reset"))
	}
	if px.up == nil || us.gen != px.gen {
		return w.writeOK(0, 0, s.flags, 0) // nothing held upstream any more
	}
	payload := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(payload[1:], us.id)
	if err := px.send(payload); err != nil {
		return s.lost(w, err)
	}
	_, err := s.relayOne(w)
	return err
}
