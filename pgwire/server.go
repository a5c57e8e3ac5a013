package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/connloop"
	"github.com/weirdb/weir/internal/listencheck"
)

// Authentication methods, as pg_hba.conf names them.
const (
	AuthSCRAM = "scram-sha-256"
	AuthMD5   = "md5"
)

// Config configures a Server.
type Config struct {
	// Users maps user names to passwords: the users of the MySQL listener. A user whose
	// password is empty logs in without one (trust). Empty: one user, root, without a
	// password (which Serve refuses on an address other than loopback).
	Users map[string]string
	// AuthMethod is how users with a password prove it: AuthSCRAM (the default, as in
	// PostgreSQL 14 and later) or AuthMD5.
	AuthMethod string
	// TLS, when set, accepts clients' SSLRequest; without it they are told 'N'.
	TLS *tls.Config
	// Dialect plans statements. Nil: PostgresDialect.
	Dialect Dialect
	// MaxConnections bounds concurrent connections; past it a client gets 53300. Zero: 4096.
	MaxConnections int
	// MaxMessageBytes bounds one message a client sends; a larger one ends its connection
	// with 08P01. Zero: 64 MiB.
	MaxMessageBytes int
	// MaxStatements bounds the named prepared statements and portals of one connection.
	// Zero: 10000.
	MaxStatements int
	// StatementTimeout bounds one statement unless the session sets statement_timeout.
	// Zero: 30 seconds.
	StatementTimeout time.Duration
	// AuthTimeout bounds the startup and authentication of a connection. Zero: 10 seconds.
	AuthTimeout time.Duration
	// ServerVersion is what server_version reports. Empty: "15.0 (Weir)".
	ServerVersion string
	// Logger receives the listener's address and connections that failed on the server's
	// side. Nil: none.
	Logger *zap.Logger
	// Registry, when set, receives the listener's metrics (weir_pg_*).
	Registry prometheus.Registerer
	// Proxy, when set, makes the listener a transparent proxy in front of the upstream
	// PostgreSQL the engine mirrors (proxy.go).
	Proxy *ProxyConfig
}

// Server serves an engine over PostgreSQL's protocol.
type Server struct {
	e       *weir.Engine
	cfg     Config
	dialect Dialect
	log     *zap.Logger
	metrics *metrics
	scram   map[string]*scramSecret
	proxy   *proxy // nil outside proxy mode
	// shapes are the plans of simple-protocol SELECTs by shape, shared by the connections.
	shapes shapePlans

	mockOnce sync.Once
	mock     *scramSecret

	// base is the context of every connection; cancelled when a shutdown runs out of time.
	base   context.Context
	cancel context.CancelFunc

	closing atomic.Bool
	nextID  atomic.Int32
	addr    atomic.Pointer[net.TCPAddr]

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[int32]*conn // by process id, for cancel requests
	wg        sync.WaitGroup
}

// ErrInsecure is returned by Serve for an address other than loopback while some user has
// no password.
var ErrInsecure = listencheck.ErrInsecure

// CheckListen refuses an address other than loopback when some user has no password: the
// MySQL listener's rule.
func CheckListen(addr string, users map[string]string) error {
	return listencheck.Check("PostgreSQL", addr, users)
}

// New returns a server for e. It registers its metrics on cfg.Registry.
func New(e *weir.Engine, cfg Config) (*Server, error) {
	if len(cfg.Users) == 0 {
		cfg.Users = map[string]string{"root": ""}
	}
	if cfg.AuthMethod == "" {
		cfg.AuthMethod = AuthSCRAM
	}
	if cfg.AuthMethod != AuthSCRAM && cfg.AuthMethod != AuthMD5 {
		return nil, fmt.Errorf("weir: unknown PostgreSQL auth method %q (want %s or %s)", cfg.AuthMethod, AuthSCRAM, AuthMD5)
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 4096
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 64 << 20
	}
	if cfg.MaxStatements <= 0 {
		cfg.MaxStatements = 10000
	}
	if cfg.StatementTimeout <= 0 {
		cfg.StatementTimeout = 30 * time.Second
	}
	if cfg.AuthTimeout <= 0 {
		cfg.AuthTimeout = 10 * time.Second
	}
	if cfg.ServerVersion == "" && cfg.Proxy != nil {
		cfg.ServerVersion = proxyServerVersion(*cfg.Proxy, cfg.Logger)
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = "15.0 (Weir)"
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	d := cfg.Dialect
	if d == nil {
		d = PostgresDialect{E: e}
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		e:         e,
		cfg:       cfg,
		dialect:   d,
		log:       log,
		metrics:   &metrics{},
		scram:     map[string]*scramSecret{},
		base:      base,
		cancel:    cancel,
		listeners: map[net.Listener]struct{}{},
		conns:     map[int32]*conn{},
	}
	if cfg.Proxy != nil {
		s.proxy = newProxy(e, *cfg.Proxy)
	}
	for user, pass := range cfg.Users {
		if pass == "" {
			continue
		}
		sec, err := newSCRAMSecret(pass)
		if err != nil {
			cancel()
			return nil, err
		}
		s.scram[user] = sec
	}
	if cfg.Registry != nil {
		if err := s.metrics.register(cfg.Registry); err != nil {
			cancel()
			return nil, err
		}
	}
	return s, nil
}

// Serve accepts connections on ln until Shutdown or Close; it returns nil after either.
func (s *Server) Serve(ln net.Listener) error {
	if err := CheckListen(ln.Addr().String(), s.cfg.Users); err != nil {
		ln.Close()
		return err
	}
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		s.addr.Store(a)
	}
	s.log.Info("listening for PostgreSQL clients", zap.Stringer("addr", ln.Addr()), zap.String("auth", s.cfg.AuthMethod), zap.Bool("tls", s.cfg.TLS != nil))
	retry := func(err error, after time.Duration) {
		s.log.Warn("PostgreSQL accept", zap.Error(err), zap.Duration("retry_in", after))
	}
	for {
		nc, err := connloop.Accept(ln, s.closing.Load, retry)
		if err != nil {
			return fmt.Errorf("weir: PostgreSQL accept: %w", err)
		}
		if nc == nil {
			return nil
		}
		s.metrics.accepted.Add(1)
		c := s.newConn(nc)
		if !s.track(c) {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

// track registers a new connection under a fresh process id; false when the server is
// shutting down.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	for {
		c.pid = s.nextID.Add(1)
		if c.pid <= 0 {
			s.nextID.Store(0)
			continue
		}
		if _, taken := s.conns[c.pid]; !taken {
			break
		}
	}
	var secret [4]byte
	_, _ = rand.Read(secret[:])
	c.secret = binary.BigEndian.Uint32(secret[:])
	s.conns[c.pid] = c
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c.pid)
	s.mu.Unlock()
	s.wg.Done()
}

// cancelRequest cancels the statement the connection pid is running, if the secret is
// its own; PostgreSQL says nothing back either way.
func (s *Server) cancelRequest(pid int32, secret uint32) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c == nil || c.loop == nil {
		return
	}
	var want, got [4]byte
	binary.BigEndian.PutUint32(want[:], c.secret)
	binary.BigEndian.PutUint32(got[:], secret)
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return
	}
	s.metrics.cancels.Add(1)
	c.cancelRunning()
}

// Shutdown stops accepting connections and ends each connection once the messages it has
// received are answered; when ctx ends first, it cancels the statements in flight and
// closes every connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
	}
	for _, c := range s.conns {
		c.wake()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.closeAll()
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once, cancelling statements in
// flight.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	s.closeAll()
	s.wg.Wait()
	return nil
}

func (s *Server) closeAll() {
	s.cancel()
	s.mu.Lock()
	for _, c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
}

// Addr is the address the server listens on (nil before Serve).
func (s *Server) Addr() net.Addr {
	if a := s.addr.Load(); a != nil {
		return a
	}
	return nil
}

// mockSCRAM is the secret an unknown user's exchange runs against.
func (s *Server) mockSCRAM() *scramSecret {
	s.mockOnce.Do(func() {
		sec, err := newSCRAMSecret(string(randomBytes(24)))
		if err != nil {
			sec = &scramSecret{salt: randomBytes(16), storedKey: randomBytes(32), serverKey: randomBytes(32)}
		}
		s.mock = sec
	})
	return s.mock
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
