package resp

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/jsonrows"
)

// redisVersion is the Redis version whose protocol Weir speaks (HELLO's version, INFO's
// redis_version): RESP2 and RESP3, HELLO, CLIENT SETINFO. Clients that gate features on
// the version see a server that has them.
const redisVersion = "7.0.0"

// command answers one command, appending its reply to c.loop.Out.
func (c *conn) command(args [][]byte) {
	var up [24]byte
	name := args[0]
	if len(name) > len(up) {
		c.unknown(args)
		return
	}
	for i, ch := range name {
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		up[i] = ch
	}
	cmd := up[:len(name)]
	if !c.authed {
		switch string(cmd) {
		case "AUTH", "HELLO", "QUIT":
		default:
			c.counts.commands[kindOther]++
			c.fail("NOAUTH Authentication required.")
			return
		}
	}
	switch string(cmd) {
	case "GET":
		c.counts.commands[kindGet]++
		if len(args) != 2 {
			c.arity(args)
			return
		}
		if err := c.get(args[1], 0); err != nil && !c.wouldWait {
			c.readError(err)
		}
	case "MGET":
		c.counts.commands[kindMGet]++
		if len(args) < 2 {
			c.arity(args)
			return
		}
		c.mget(args[1:], 0)
	case "WEIR.GETAFTER":
		c.counts.commands[kindGetAfter]++
		if len(args) != 3 {
			c.arity(args)
			return
		}
		tok, ok := c.token(args[1])
		if !ok {
			return
		}
		if err := c.get(args[2], tok); err != nil {
			c.readError(err)
		}
	case "WEIR.MGETAFTER":
		c.counts.commands[kindGetAfter]++
		if len(args) < 3 {
			c.arity(args)
			return
		}
		tok, ok := c.token(args[1])
		if !ok {
			return
		}
		// One wait for the token, bounded as a read's is, then the reads: a key's failure
		// is its own nil, but a token that is not reached fails the command.
		wctx, cancel := context.WithTimeout(c.ctx, c.s.e.Options().ReadTimeout)
		err := c.s.e.WaitFor(wctx, tok)
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && c.ctx.Err() == nil {
				err = fmt.Errorf("write token %d was not visible within the read timeout (%v)", tok, c.s.e.Options().ReadTimeout)
			}
			c.readError(err)
			return
		}
		c.mget(args[2:], 0)
	case "WEIR.CACHES":
		c.counts.commands[kindOther]++
		c.caches()
	case "AUTH":
		c.counts.commands[kindAuth]++
		c.auth(args)
	case "HELLO":
		c.counts.commands[kindAuth]++
		c.hello(args)
	default:
		c.counts.commands[kindOther]++
		c.chatter(string(cmd), args)
	}
}

// chatter answers the commands that are not reads: connection handling, introspection, and
// the refusals.
func (c *conn) chatter(cmd string, args [][]byte) {
	switch cmd {
	case "PING":
		switch len(args) {
		case 1:
			c.loop.Out = append(c.loop.Out, "+PONG\r\n"...)
		case 2:
			c.loop.Out = redcon.AppendBulk(c.loop.Out, args[1])
		default:
			c.arity(args)
		}
	case "ECHO":
		if len(args) != 2 {
			c.arity(args)
			return
		}
		c.loop.Out = redcon.AppendBulk(c.loop.Out, args[1])
	case "QUIT":
		c.loop.Out = redcon.AppendOK(c.loop.Out)
		c.quit = true
	case "RESET":
		c.setProto(2)
		c.infoMu.Lock()
		c.name = ""
		c.infoMu.Unlock()
		if c.s.authRequired() {
			c.authed = false
		}
		c.loop.Out = append(c.loop.Out, "+RESET\r\n"...)
	case "SELECT":
		if len(args) != 2 {
			c.arity(args)
			return
		}
		if string(args[1]) != "0" {
			c.fail("ERR DB index is out of range (Weir has one database, 0)")
			return
		}
		c.loop.Out = redcon.AppendOK(c.loop.Out)
	case "CLIENT":
		c.client(args)
	case "COMMAND":
		c.commandInfo(args)
	case "CONFIG":
		c.config(args)
	case "INFO":
		c.info(args)
	case "DBSIZE":
		if len(args) != 1 {
			c.arity(args)
			return
		}
		keys := 0
		for _, st := range c.s.e.Stats() {
			if st.Name != "" {
				keys += st.Keys
			}
		}
		c.loop.Out = redcon.AppendInt(c.loop.Out, int64(keys))
	case "TIME":
		now := time.Now()
		c.loop.Out = redcon.AppendArray(c.loop.Out, 2)
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, strconv.FormatInt(now.Unix(), 10))
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, strconv.Itoa(now.Nanosecond()/1000))
	default:
		if writeCommands[cmd] {
			c.counts.commands[kindOther]--
			c.counts.commands[kindWrite]++
			c.fail("ERR Weir caches are read-only over RESP: " + cmd + " is not supported; write through SQL (MySQL protocol) or the Go API")
			return
		}
		c.counts.commands[kindOther]--
		c.unknown(args)
	}
}

// writeCommands are Redis's commands that change data (and the ones that read and change
// at once, GETSET, GETDEL, GETEX): a cache is the result of a query over tables, so there
// is nothing for them to change; the tables are written through SQL.
var writeCommands = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`SET SETNX SETEX PSETEX MSET MSETNX GETSET GETDEL GETEX APPEND
		SETRANGE SETBIT BITOP BITFIELD INCR INCRBY INCRBYFLOAT DECR DECRBY DEL UNLINK EXPIRE PEXPIRE
		EXPIREAT PEXPIREAT PERSIST RENAME RENAMENX MOVE COPY RESTORE MIGRATE FLUSHALL FLUSHDB SWAPDB
		HSET HSETNX HMSET HDEL HINCRBY HINCRBYFLOAT LPUSH LPUSHX RPUSH RPUSHX LPOP RPOP RPOPLPUSH
		LMOVE BLMOVE BLPOP BRPOP BRPOPLPUSH LMPOP BLMPOP LSET LREM LINSERT LTRIM SADD SREM SPOP SMOVE
		SINTERSTORE SUNIONSTORE SDIFFSTORE ZADD ZREM ZINCRBY ZPOPMIN ZPOPMAX BZPOPMIN BZPOPMAX ZMPOP
		BZMPOP ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX ZUNIONSTORE ZINTERSTORE ZDIFFSTORE
		ZRANGESTORE PFADD PFMERGE XADD XDEL XTRIM XGROUP XACK XCLAIM XAUTOCLAIM XSETID GEOADD
		GEORADIUS GEORADIUSBYMEMBER SORT PUBLISH SPUBLISH EVAL EVALSHA FCALL MULTI EXEC WATCH
		TOUCH OBJECT`) {
		writeCommands[w] = true
	}
}

// fail appends an error reply; msg starts with its code (ERR, NOAUTH, WRONGPASS, …).
func (c *conn) fail(msg string) {
	c.counts.errors++
	c.loop.Out = redcon.AppendError(c.loop.Out, msg)
}

func (c *conn) arity(args [][]byte) {
	c.fail("ERR wrong number of arguments for '" + strings.ToLower(string(args[0])) + "' command")
}

// unknown answers a command Redis would not know either, in Redis's words.
func (c *conn) unknown(args [][]byte) {
	c.counts.commands[kindUnknown]++
	var b strings.Builder
	b.WriteString("ERR unknown command '")
	b.WriteString(quoteKey(args[0]))
	b.WriteString("', with args beginning with: ")
	for _, a := range args[1:min(len(args), 4)] {
		b.WriteString("'")
		b.WriteString(quoteKey(a))
		b.WriteString("' ")
	}
	c.fail(b.String())
}

// token parses a write token; false (with the error answered) when it is none.
func (c *conn) token(b []byte) (weir.Token, bool) {
	t, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		c.fail("ERR '" + quoteKey(b) + "' is not a write token (the decimal number a write returned)")
		return 0, false
	}
	return weir.Token(t), true
}

// get answers one key with its cache's rows as a bulk string of JSON, waiting for the write
// tok first when it is not zero.
func (c *conn) get(key []byte, tok weir.Token) error {
	rows, cv, err := c.lookup(key, tok)
	if err != nil {
		return err
	}
	if reply := c.replies.lookup(cv, rows); reply != nil {
		c.loop.Out = append(c.loop.Out, reply...)
		return nil
	}
	start := len(c.loop.Out)
	c.json = cv.layout.AppendDoc(c.json[:0], rows)
	c.loop.Out = redcon.AppendBulk(c.loop.Out, c.json)
	c.replies.store(cv, rows, c.loop.Out[start:])
	if cap(c.json) > maxKeep {
		c.json = nil
	}
	return nil
}

// mget answers each key as GET does, in order; a key GET would answer with an error is nil
// here, as Redis answers nil for a key that holds no string. The reads wait for the write
// tok when it is not zero.
func (c *conn) mget(keys [][]byte, tok weir.Token) {
	c.loop.Out = redcon.AppendArray(c.loop.Out, len(keys))
	for _, key := range keys {
		if err := c.get(key, tok); err != nil {
			if c.wouldWait {
				return
			}
			c.counts.errors++
			c.nullReply()
			c.logReadError(key, err)
		}
		if err := c.loop.Added(); err != nil {
			return
		}
	}
}

func (c *conn) nullReply() {
	if c.proto == 3 {
		c.loop.Out = append(c.loop.Out, "_\r\n"...)
	} else {
		c.loop.Out = redcon.AppendNull(c.loop.Out)
	}
}

// lookup reads a key: its cache, its parameters, the rows.
func (c *conn) lookup(key []byte, tok weir.Token) (weir.Rows, *cachedView, error) {
	parts, err := c.key.split(key)
	if err != nil {
		return weir.Rows{}, nil, err
	}
	name, params := parts[0], parts[1:]
	for attempt := 0; ; attempt++ {
		cv, memo, err := c.view(name, key)
		if err != nil {
			return weir.Rows{}, nil, err
		}
		rows, err := c.readView(cv, key, params, tok)
		if err != nil && memo && attempt == 0 && staleMemo(err) {
			// The cache may have been dropped since this connection first read it, and
			// perhaps created again with other parameters: ask the engine again.
			delete(c.views, string(name))
			c.lastView, c.lastName = nil, c.lastName[:0]
			continue
		}
		return rows, cv, err
	}
}

// staleMemo reports whether a read's error may come from a cache dropped since the
// connection remembered it (kept out of the read path: errors.As makes its target escape).
func staleMemo(err error) bool {
	var ke *keyError
	return errors.Is(err, weir.ErrNoSuchView) || errors.As(err, &ke)
}

// readView reads cv by the key's parameters.
func (c *conn) readView(cv *cachedView, key []byte, params [][]byte, tok weir.Token) (weir.Rows, error) {
	if n := len(cv.types); len(params) != n {
		return weir.Rows{}, paramCountError(key, cv.v.Name(), n, len(params))
	}
	c.vals = c.vals[:0]
	for i, p := range params {
		v, err := jsonrows.ParamBytes(p, cv.types[i])
		if err != nil {
			return weir.Rows{}, &keyError{key, fmt.Sprintf("parameter %d: %v", i+1, err)}
		}
		c.vals = append(c.vals, v)
	}
	ctx := c.ctx
	if c.loop.Polled() {
		ctx = c.nowait
	}
	rows, err := cv.v.LookupValues(ctx, tok, c.vals...)
	if err != nil && errors.Is(err, weir.ErrWouldWait) {
		c.wouldWait = true
	}
	return rows, err
}

// view returns the cache named name, from the connection's memory (memo) when it read it
// before.
func (c *conn) view(name, key []byte) (cv *cachedView, memo bool, err error) {
	if c.lastView != nil && string(name) == string(c.lastName) {
		return c.lastView, true, nil
	}
	if cv, ok := c.views[string(name)]; ok {
		c.remember(cv, name)
		return cv, true, nil
	}
	v, err := c.s.e.View(string(name))
	if err != nil {
		if errors.Is(err, weir.ErrNoSuchView) {
			return nil, false, &noCacheError{name: string(name), key: key}
		}
		return nil, false, err
	}
	if len(c.views) >= maxViews {
		clear(c.views)
		c.replies.forget()
		c.lastView, c.lastName = nil, c.lastName[:0]
	}
	cv = &cachedView{v: v, types: make([]dataflow.Type, v.NumParams())}
	copy(cv.types, v.Plan().ParamTypes)
	cv.layout.Reset(v.Name(), v.Columns())
	c.views[string(name)] = cv
	c.remember(cv, name)
	return cv, false, nil
}

// remember makes cv, the memo's entry for name, the one read last (a name of a few hundred
// bytes at most: lastName is kept).
func (c *conn) remember(cv *cachedView, name []byte) {
	if len(name) > 256 {
		c.lastView, c.lastName = nil, c.lastName[:0]
		return
	}
	c.lastView, c.lastName = cv, append(c.lastName[:0], name...)
}

// noCacheError is a key whose cache does not exist. Redis would answer nil for a key it
// does not hold, but a cache answers every key of its own: a name that is no cache is a
// typo or a cache not created yet, and nil would hide it.
type noCacheError struct {
	name string
	key  []byte
}

func (e *noCacheError) Error() string {
	return fmt.Sprintf("no such cache '%s' (key '%s'); caches are made by CREATE CACHE and listed by WEIR.CACHES",
		quoteKey([]byte(e.name)), quoteKey(e.key))
}

func paramCountError(key []byte, cache string, want, got int) error {
	var form strings.Builder
	form.WriteString(cache)
	for i := range want {
		fmt.Fprintf(&form, ":<p%d>", i+1)
	}
	switch want {
	case 0:
		return &keyError{key, fmt.Sprintf("cache %s takes no parameters: its key is '%s'", cache, form.String())}
	case 1:
		return &keyError{key, fmt.Sprintf("cache %s takes 1 parameter, the key has %d: '%s' (escape ':' in a parameter as '\\:')", cache, got, form.String())}
	}
	return &keyError{key, fmt.Sprintf("cache %s takes %d parameters, the key has %d: '%s' (escape ':' in a parameter as '\\:')", cache, want, got, form.String())}
}

// readError answers a failed read.
func (c *conn) readError(err error) {
	c.logReadError(nil, err)
	var ke *keyError
	var nc *noCacheError
	switch {
	case errors.As(err, &ke), errors.As(err, &nc):
		c.fail("ERR " + err.Error())
	default:
		c.fail("ERR " + strings.TrimPrefix(err.Error(), "weir: "))
	}
}

// logReadError logs what is the server's fault: not a client's bad key or parameter.
func (c *conn) logReadError(key []byte, err error) {
	var ke *keyError
	var nc *noCacheError
	if errors.As(err, &ke) || errors.As(err, &nc) || c.ctx.Err() != nil {
		return
	}
	if code, state, ok := weir.ErrorCode(err); ok && (code == weir.ErrCodeWrongArguments || strings.HasPrefix(state, "22")) {
		return
	}
	if errors.Is(err, weir.ErrClosed) {
		return
	}
	c.log.Warn("RESP read failed", zap.ByteString("key", key), zap.Error(err))
}

// caches lists the caches: for each, its name, its number of parameters and its SQL.
func (c *conn) caches() {
	names := c.s.e.Views()
	c.loop.Out = redcon.AppendArray(c.loop.Out, len(names))
	for _, n := range names {
		v, err := c.s.e.View(n)
		if err != nil {
			c.nullReply()
			continue
		}
		c.loop.Out = redcon.AppendArray(c.loop.Out, 3)
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, v.Name())
		c.loop.Out = redcon.AppendInt(c.loop.Out, int64(v.NumParams()))
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, v.SQL())
	}
}

// users: AUTH and HELLO's AUTH.

// login checks a user's password; user "" is the default user, and so is "default" unless a
// user has that name (Redis clients send "default" when they are given no user name).
func (c *conn) login(user, pass []byte) (string, bool) {
	name := string(user)
	if name == "" || (name == "default" && !c.hasUser("default")) {
		name = c.s.cfg.DefaultUser
	}
	want, ok := c.s.cfg.Users[name]
	if !ok {
		// Compare anyway, so that a missing user takes the time a wrong password does.
		subtle.ConstantTimeCompare(pass, []byte(want))
		return "", false
	}
	return name, subtle.ConstantTimeCompare(pass, []byte(want)) == 1
}

func (c *conn) hasUser(name string) bool { _, ok := c.s.cfg.Users[name]; return ok }

const wrongPass = "WRONGPASS invalid username-password pair or user is disabled."

func (c *conn) auth(args [][]byte) {
	var user, pass []byte
	switch len(args) {
	case 2:
		pass = args[1]
		if p, ok := c.s.cfg.Users[c.s.cfg.DefaultUser]; ok && p == "" {
			c.fail("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
	case 3:
		user, pass = args[1], args[2]
	default:
		c.fail("ERR syntax error")
		return
	}
	name, ok := c.login(user, pass)
	if !ok {
		c.fail(wrongPass)
		return
	}
	c.authenticated(name)
	c.loop.Out = redcon.AppendOK(c.loop.Out)
}

// hello answers HELLO [protover [AUTH user pass] [SETNAME name]]: it switches the
// connection to RESP2 or RESP3 and describes the server.
func (c *conn) hello(args [][]byte) {
	proto := c.proto
	if len(args) >= 2 {
		v, err := strconv.Atoi(string(args[1]))
		if err != nil {
			c.fail("ERR Protocol version is not an integer or out of range")
			return
		}
		if v != 2 && v != 3 {
			c.fail("NOPROTO unsupported protocol version")
			return
		}
		proto = v
	}
	var user string
	authOK := false
	var setName []byte
	haveName := false
	for i := 2; i < len(args); i++ {
		opt := strings.ToUpper(string(args[i]))
		switch {
		case opt == "AUTH" && i+2 < len(args):
			name, ok := c.login(args[i+1], args[i+2])
			if !ok {
				c.fail(wrongPass)
				return
			}
			user, authOK = name, true
			i += 2
		case opt == "SETNAME" && i+1 < len(args):
			setName, haveName = args[i+1], true
			i++
		default:
			c.fail("ERR Syntax error in HELLO option '" + quoteKey(args[i]) + "'")
			return
		}
	}
	if !c.authed && !authOK {
		c.fail("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if haveName && !validName(setName) {
		c.fail("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	if authOK {
		c.authenticated(user)
	}
	if haveName {
		c.infoMu.Lock()
		c.name = string(setName)
		c.infoMu.Unlock()
	}
	c.setProto(proto)
	c.appendMap(7)
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "server")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "weir")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "version")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, redisVersion)
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "proto")
	c.loop.Out = redcon.AppendInt(c.loop.Out, int64(proto))
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "id")
	c.loop.Out = redcon.AppendInt(c.loop.Out, c.id)
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "mode")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "standalone")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "role")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "master")
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, "modules")
	c.loop.Out = redcon.AppendArray(c.loop.Out, 0)
}

// appendMap starts a map of n pairs: a RESP3 map, or a flat array of 2n in RESP2.
func (c *conn) appendMap(n int) {
	if c.proto == 3 {
		c.loop.Out = append(c.loop.Out, '%')
		c.loop.Out = strconv.AppendInt(c.loop.Out, int64(n), 10)
		c.loop.Out = append(c.loop.Out, '\r', '\n')
		return
	}
	c.loop.Out = redcon.AppendArray(c.loop.Out, 2*n)
}

// appendText appends text for a person (INFO, CLIENT INFO): a verbatim string in RESP3,
// a bulk string in RESP2, as Redis sends them.
func (c *conn) appendText(s string) {
	if c.proto == 3 {
		c.loop.Out = append(c.loop.Out, '=')
		c.loop.Out = strconv.AppendInt(c.loop.Out, int64(len(s)+4), 10)
		c.loop.Out = append(c.loop.Out, "\r\ntxt:"...)
		c.loop.Out = append(c.loop.Out, s...)
		c.loop.Out = append(c.loop.Out, '\r', '\n')
		return
	}
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, s)
}

func validName(b []byte) bool {
	for _, ch := range b {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func (c *conn) client(args [][]byte) {
	if len(args) < 2 {
		c.arity(args)
		return
	}
	sub := strings.ToUpper(string(args[1]))
	switch sub {
	case "SETNAME":
		if len(args) != 3 {
			c.arity(args)
			return
		}
		if !validName(args[2]) {
			c.fail("ERR Client names cannot contain spaces, newlines or special characters.")
			return
		}
		c.infoMu.Lock()
		c.name = string(args[2])
		c.infoMu.Unlock()
		c.loop.Out = redcon.AppendOK(c.loop.Out)
	case "GETNAME":
		c.infoMu.Lock()
		name := c.name
		c.infoMu.Unlock()
		if name == "" {
			c.nullReply()
			return
		}
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, name)
	case "ID":
		c.loop.Out = redcon.AppendInt(c.loop.Out, c.id)
	case "SETINFO":
		if len(args) != 4 {
			c.arity(args)
			return
		}
		val := string(args[3])
		switch strings.ToUpper(string(args[2])) {
		case "LIB-NAME":
			if !validName(args[3]) {
				c.fail("ERR lib-name cannot contain spaces, newlines or special characters.")
				return
			}
			c.infoMu.Lock()
			c.libName = val
			c.infoMu.Unlock()
		case "LIB-VER":
			if !validName(args[3]) {
				c.fail("ERR lib-ver cannot contain spaces, newlines or special characters.")
				return
			}
			c.infoMu.Lock()
			c.libVer = val
			c.infoMu.Unlock()
		default:
			c.fail("ERR Unrecognized option '" + quoteKey(args[2]) + "'")
			return
		}
		c.loop.Out = redcon.AppendOK(c.loop.Out)
	case "INFO":
		c.appendText(c.clientLine() + "\n")
	case "LIST":
		c.s.mu.Lock()
		conns := make([]*conn, 0, len(c.s.conns))
		for o := range c.s.conns {
			conns = append(conns, o)
		}
		c.s.mu.Unlock()
		var b strings.Builder
		for _, o := range conns {
			b.WriteString(o.clientLine())
			b.WriteByte('\n')
		}
		c.appendText(b.String())
	case "NO-EVICT", "NO-TOUCH", "REPLY":
		// Reads never evict or touch anything a client could notice; REPLY ON is the only
		// mode there is.
		if len(args) == 3 && strings.EqualFold(string(args[2]), "ON") || sub != "REPLY" && len(args) == 3 && strings.EqualFold(string(args[2]), "OFF") {
			c.loop.Out = redcon.AppendOK(c.loop.Out)
			return
		}
		c.fail("ERR CLIENT " + sub + " " + quoteKey(bytes.Join(args[2:], []byte(" "))) + " is not supported by Weir")
	default:
		c.fail("ERR unknown subcommand '" + quoteKey(args[1]) + "'. Try CLIENT HELP.")
	}
}

func (c *conn) setProto(p int) {
	c.proto = p
	c.infoMu.Lock()
	c.resp = p
	c.infoMu.Unlock()
}

// clientLine is the connection's line of CLIENT LIST.
func (c *conn) clientLine() string {
	c.infoMu.Lock()
	defer c.infoMu.Unlock()
	return fmt.Sprintf("id=%d addr=%s laddr=%s name=%s age=%d db=0 user=%s resp=%d lib-name=%s lib-ver=%s",
		c.id, c.nc.RemoteAddr(), c.nc.LocalAddr(), c.name, int(time.Since(c.created).Seconds()), c.user, c.resp, c.libName, c.libVer)
}
