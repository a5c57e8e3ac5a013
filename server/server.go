package server

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
	gmserver "github.com/go-mysql-org/go-mysql/server"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
	"github.com/weirdb/weir/internal/listencheck"
)

// Auth methods a server can ask clients for.
const (
	AuthNative      = mysql.AUTH_NATIVE_PASSWORD
	AuthCachingSHA2 = mysql.AUTH_CACHING_SHA2_PASSWORD
)

// Config configures a Server.
type Config struct {
	// Users maps user names to passwords. Empty: one user, root, without a password (which
	// Serve refuses on an address other than loopback).
	Users map[string]string
	// AuthMethod is the method clients authenticate with: AuthNative (the default, which
	// every client speaks) or AuthCachingSHA2 (MySQL 8's default; without TLS, passwords
	// travel RSA-encrypted under a key generated at start).
	AuthMethod string
	// TLS, when set, lets clients upgrade to TLS.
	TLS *tls.Config
	// StatementTimeout bounds one DDL or write statement. Zero: 30 seconds. (Reads are
	// bounded by the engine's Options.ReadTimeout.)
	StatementTimeout time.Duration
	// MaxPacket is the largest packet a client may send (max_allowed_packet); a larger one
	// gets error 1153 and its connection is closed. Zero: 64 MiB.
	MaxPacket int
	// MaxConnections bounds concurrent connections; past it a client gets error 1040.
	// Zero: 4096.
	MaxConnections int
	// Logger receives connection and error logs. Nil: none.
	Logger *zap.Logger
	// Registry, when set, receives the server's metrics (connections, statements).
	Registry prometheus.Registerer
	// Status, when set, adds rows (name, value) to SHOW STATUS: what runs beside the
	// engine, such as replication, reports there.
	Status func() [][2]string
	// Proxy, when set, makes the listener a transparent proxy in front of the MySQL or
	// MariaDB database the engine mirrors (see ProxyConfig).
	Proxy *ProxyConfig
	// NoPoller serves every connection on its own goroutine only. By default (on Linux)
	// the process's poller (internal/connloop) answers the prepared reads that hit of every
	// idle connection on one goroutine, at one wakeup for all the requests that arrived
	// together, and hands a connection to its goroutine for anything that may wait.
	NoPoller bool
}

// Server serves an engine over the MySQL protocol.
type Server struct {
	engine  *weir.Engine
	cfg     Config
	conf    *gmserver.Server
	auth    *gmserver.InMemoryAuthenticationHandler
	log     *zap.Logger
	metrics *metrics
	started time.Time
	proxy   *proxy // nil outside proxy mode

	// base is the context of every statement; cancelled when a shutdown gives up waiting.
	base   context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]*connState
	closing   bool
	wg        sync.WaitGroup
	nextID    atomic.Uint32
	addr      atomic.Pointer[net.TCPAddr]
}

// Limits on a connection that has not logged in yet.
const (
	handshakeTimeout   = 10 * time.Second
	handshakeMaxPacket = 64 << 10
)

// connState tracks whether a connection is running a statement, so a shutdown closes idle
// connections at once and lets busy ones finish.
type connState struct {
	busy atomic.Bool
	// loop is the connection's command loop once it is logged in: closing it, rather than
	// its socket, takes it back from the poller too.
	loop atomic.Pointer[connloop.Conn]
}

// close closes the connection of st.
func (st *connState) close(c net.Conn) {
	if l := st.loop.Load(); l != nil {
		l.Close()
		return
	}
	c.Close()
}

// ErrInsecure is returned by Serve for a configuration that would let anyone on the
// network in: see CheckListen.
var ErrInsecure = listencheck.ErrInsecure

// New returns a server for e.
func New(e *weir.Engine, cfg Config) (*Server, error) {
	if cfg.StatementTimeout <= 0 {
		cfg.StatementTimeout = 30 * time.Second
	}
	if cfg.MaxPacket <= 0 {
		cfg.MaxPacket = 64 << 20
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 4096
	}
	if cfg.AuthMethod == "" {
		cfg.AuthMethod = AuthNative
	}
	if cfg.AuthMethod != AuthNative && cfg.AuthMethod != AuthCachingSHA2 {
		return nil, fmt.Errorf("weir: unknown auth method %q (want %s or %s)", cfg.AuthMethod, AuthNative, AuthCachingSHA2)
	}
	if len(cfg.Users) == 0 {
		cfg.Users = map[string]string{"root": ""}
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	var rsaKey *rsa.PrivateKey
	if cfg.AuthMethod == AuthCachingSHA2 {
		// caching_sha2_password sends a password in full on a client's first login; without
		// TLS it is encrypted with an RSA public key: the TLS certificate's when it is RSA,
		// else one generated now.
		if cfg.TLS != nil && len(cfg.TLS.Certificates) > 0 {
			rsaKey, _ = cfg.TLS.Certificates[0].PrivateKey.(*rsa.PrivateKey)
		}
		if rsaKey == nil {
			var err error
			if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				return nil, fmt.Errorf("weir: RSA key for caching_sha2_password: %w", err)
			}
		}
	}
	auth := gmserver.NewInMemoryAuthenticationHandler(cfg.AuthMethod)
	for user, pass := range cfg.Users {
		if err := auth.AddUser(user, pass, cfg.AuthMethod); err != nil {
			return nil, fmt.Errorf("weir: user %s: %w", user, err)
		}
	}
	version := serverVersion
	if cfg.Proxy != nil {
		if cfg.Proxy.Addr == "" {
			return nil, errors.New("weir: proxy mode needs the upstream's address")
		}
		version = upstreamVersion(*cfg.Proxy, log)
	}
	conf := gmserver.NewServer(version, mysql.DEFAULT_COLLATION_ID, cfg.AuthMethod, rsaKey, cfg.TLS)
	if cfg.Proxy != nil {
		// LOAD DATA LOCAL INFILE is relayed to the upstream, which decides whether it runs
		// (local_infile) as it would for the client directly.
		if err := conf.SetCapability(mysql.CLIENT_LOCAL_FILES); err != nil {
			return nil, fmt.Errorf("weir: %w", err)
		}
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		engine:    e,
		cfg:       cfg,
		conf:      conf,
		auth:      auth,
		log:       log,
		metrics:   newMetrics(),
		started:   time.Now(),
		base:      base,
		cancel:    cancel,
		listeners: map[net.Listener]struct{}{},
		conns:     map[net.Conn]*connState{},
	}
	if cfg.Proxy != nil {
		s.proxy = newProxy(e, *cfg.Proxy)
	}
	if cfg.Registry != nil {
		if err := s.metrics.register(cfg.Registry); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// CheckListen refuses an address other than loopback when some user has no password: a
// cache of an application's data must not be open to the network by default.
func CheckListen(addr string, users map[string]string) error {
	return listencheck.Check("MySQL", addr, users)
}

// IsLoopback reports whether a listen address's host is this machine only (localhost or a
// loopback IP).
func IsLoopback(host string) bool { return listencheck.IsLoopback(host) }

// Serve accepts connections on ln until Shutdown; it returns nil after a shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := CheckListen(ln.Addr().String(), s.cfg.Users); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		s.addr.Store(a)
	}
	s.log.Info("listening for MySQL clients", zap.Stringer("addr", ln.Addr()), zap.String("auth", s.cfg.AuthMethod), zap.Bool("tls", s.cfg.TLS != nil))
	closing := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.closing
	}
	retry := func(err error, after time.Duration) {
		s.log.Warn("accept", zap.Error(err), zap.Duration("retry_in", after))
	}
	for {
		c, err := connloop.Accept(ln, closing, retry)
		if err != nil {
			return fmt.Errorf("weir: accept: %w", err)
		}
		if c == nil {
			return nil
		}
		if !s.track(c) {
			c.Close()
			continue
		}
		go s.serveConn(c)
	}
}

// track registers a new connection; false when the server is shutting down.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = &connState{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *Server) serveConn(raw net.Conn) {
	defer s.untrack(raw)
	defer raw.Close()
	s.mu.Lock()
	state := s.conns[raw]
	s.mu.Unlock()
	id := s.nextID.Add(1)
	log := s.log.With(zap.Uint32("conn", id), zap.Stringer("remote", raw.RemoteAddr()))
	// go-mysql's parsers index client bytes without bounds checks in places (truncated
	// connection attributes in a handshake response, before authentication; an empty
	// command packet; a truncated length-encoded parameter of COM_STMT_EXECUTE), and an
	// unrecovered panic on a connection's goroutine would take the whole server down. A
	// panic ends its own connection only: the deferred close, untrack and connection count
	// run as usual.
	defer func() {
		if r := recover(); r != nil {
			log.Error("panic serving connection; closing it", zap.Any("panic", r), zap.Stack("stack"))
		}
	}()
	s.metrics.accepted.Add(1)
	if n := s.metrics.connected.Add(1); n > int64(s.cfg.MaxConnections) {
		s.metrics.connected.Add(-1)
		writeRawError(raw, 0, wireError(1040, "08004", "Too many connections"))
		return
	}
	defer s.metrics.connected.Add(-1)
	sess := newSession(s, id)
	// Until a client has logged in, its packets are small (a handshake response is a few
	// hundred bytes) and it gets handshakeTimeout: a connection that is not a client must
	// cost neither memory (go-mysql allocates what a packet header announces) nor a
	// goroutine for long.
	limited := newPacketLimit(raw, handshakeMaxPacket)
	_ = raw.SetDeadline(time.Now().Add(handshakeTimeout))
	// go-mysql runs the connection phase (greeting, TLS, authentication, the database a
	// client names at login); Weir runs the command phase itself (see wire).
	conn, err := s.conf.NewCustomizedConn(limited, s.auth, loginHandler{sess: sess})
	if err != nil {
		log.Debug("handshake failed", zap.Error(err))
		return
	}
	_ = raw.SetDeadline(time.Time{})
	// From here on Weir frames packets itself: in the clear on the socket, or above TLS
	// when the client asked for it.
	limited.off = true
	nc := conn.Conn.Conn
	if nc == net.Conn(limited) {
		nc = raw
	}
	w := newWire(nc, raw, s.cfg.MaxPacket, conn.Capability())
	// The loop's net.Conn is a new one after each stay on the poller: closing raw alone
	// would leave that one open.
	defer w.conn.Close()
	w.run = func(data []byte) (bool, error) { return sess.dispatch(w, data) }
	w.conn.Idle = func() { state.busy.Store(false) }
	w.conn.Busy = func() { state.busy.Store(true) }
	if sess.px == nil && !s.cfg.NoPoller {
		// Proxy sessions wait for their upstream at most commands: they stay on their
		// goroutine.
		w.conn.UsePoller(connloop.Shared())
		w.try = func(data []byte) error { return sess.tryDispatch(w, data) }
	}
	state.loop.Store(w.conn)
	sess.user = conn.GetUser()
	sess.foundRows = conn.Capability()&mysql.CLIENT_FOUND_ROWS != 0
	sess.syncFlags()
	if sess.px != nil {
		sess.px.caps, sess.px.collation = conn.Capability(), conn.Charset()
		// The upstream session ends with the client's, rolling back what it left open.
		defer sess.closeUpstream()
	}
	// A connection that ends inside a transaction rolls it back, as MySQL does.
	defer sess.rollback()
	log.Debug("connected", zap.String("user", sess.user))
	if err := w.serve(); err != nil && !errors.Is(err, errPacketTooLarge) && !isDisconnect(err) {
		log.Debug("connection closed", zap.Error(err))
	}
	log.Debug("disconnected")
}

// Shutdown stops accepting connections, closes idle ones, and waits for the statements in
// flight to finish; when ctx ends first, it cancels them and closes every connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		for c, st := range s.conns {
			if !st.busy.Load() {
				st.close(c)
			}
		}
		s.mu.Unlock()
		select {
		case <-done:
			s.cancel()
			return nil
		case <-ctx.Done():
			s.cancel()
			s.mu.Lock()
			for c, st := range s.conns {
				st.close(c)
			}
			s.mu.Unlock()
			<-done
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Addr is the address the server listens on (nil before Serve).
func (s *Server) Addr() net.Addr {
	if a := s.addr.Load(); a != nil {
		return a
	}
	return nil
}

func (s *Server) port() int {
	if a := s.addr.Load(); a != nil {
		return a.Port
	}
	return 0
}

func (s *Server) uptime() time.Duration { return time.Since(s.started) }

// logStatementError logs a failed statement: at debug level for the errors users cause
// (they get the error; a server log full of them helps nobody), at error level otherwise.
func (s *Server) logStatementError(sess *session, query string, err error) {
	if len(query) > 512 {
		query = query[:512] + "…"
	}
	fields := []zap.Field{zap.Uint32("conn", sess.id), zap.String("statement", query), zap.Error(err)}
	if code := toWire(err).Code; code == codeUnknown || code == 1815 {
		s.log.Error("statement failed", fields...)
		return
	}
	s.log.Debug("statement failed", fields...)
}

// loginHandler is the handler go-mysql calls during the connection phase, for the database
// a client names at login; nothing else of it is ever called, since Weir runs the command
// phase itself.
type loginHandler struct {
	gmserver.EmptyHandler
	sess *session
}

func (h loginHandler) UseDB(name string) error {
	if h.sess.px != nil {
		// The upstream's database: checked by the upstream when the session opens there.
		h.sess.px.db = name
		return nil
	}
	return h.sess.UseDB(name)
}
