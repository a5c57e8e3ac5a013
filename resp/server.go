package resp

import (
	"context"
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

// Config wires the listener into the server around it.
type Config struct {
	// Users maps user names to passwords, the same users the MySQL protocol takes. Empty
	// means one user, root, without a password.
	Users map[string]string
	// DefaultUser is the user that `AUTH <password>` (and HELLO … AUTH default <password>)
	// authenticates, and that a connection acts as without AUTH when its password is empty.
	// Empty means root.
	DefaultUser string
	// MaxConnections bounds the connections open at once; past it a new connection gets
	// "-ERR max number of clients reached" and is closed, as Redis does. Zero means 4096.
	MaxConnections int
	// MaxCommandBytes bounds the bytes of one command as a client sends it (headers
	// included): the most the server buffers for a connection's request. Past it the
	// client gets a protocol error and is disconnected. Zero means 1 MiB.
	MaxCommandBytes int
	// MaxArgs bounds the arguments of one command (an MGET of MaxArgs-1 keys). Zero means
	// 16384.
	MaxArgs int
	// AuthTimeout is how long a connection may take to authenticate when authentication is
	// required. Zero means ten seconds.
	AuthTimeout time.Duration
	// Logger receives the listener's address, failed reads that are the server's fault,
	// and connections that panicked. nil means no logging.
	Logger *zap.Logger
	// Registry, when set, receives the listener's metrics (weir_resp_*).
	Registry prometheus.Registerer
	// NoPoller serves every connection on its own goroutine only. By default (on Linux)
	// the process's poller (internal/connloop) answers the GETs and MGETs that hit of every
	// idle connection on one goroutine, at one wakeup for all the requests that arrived
	// together, and hands a connection to its goroutine for anything else.
	NoPoller bool
}

// ErrInsecure is returned for a listen address other than loopback while some user has no
// password.
var ErrInsecure = listencheck.ErrInsecure

// CheckListen refuses an address other than loopback when some user has no password: a
// cache of an application's data must not be open to the network by default. It is the
// MySQL listener's rule.
func CheckListen(addr string, users map[string]string) error {
	return listencheck.Check("RESP", addr, users)
}

// Server serves reads of an engine's caches over the Redis protocol.
type Server struct {
	e       *weir.Engine
	cfg     Config
	log     *zap.Logger
	metrics *metrics
	started time.Time

	// base is the context of every connection's reads; cancelled when a shutdown runs out
	// of time, or on Close.
	base   context.Context
	cancel context.CancelFunc

	closing atomic.Bool
	nextID  atomic.Int64
	addr    atomic.Pointer[net.TCPAddr]

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	wg        sync.WaitGroup
}

// New returns a server that reads e's caches. It registers its metrics on cfg.Registry.
func New(e *weir.Engine, cfg Config) (*Server, error) {
	if len(cfg.Users) == 0 {
		cfg.Users = map[string]string{"root": ""}
	}
	if cfg.DefaultUser == "" {
		cfg.DefaultUser = "root"
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 4096
	}
	if cfg.MaxCommandBytes <= 0 {
		cfg.MaxCommandBytes = 1 << 20
	}
	if cfg.MaxArgs <= 0 {
		cfg.MaxArgs = 16384
	}
	if cfg.AuthTimeout <= 0 {
		cfg.AuthTimeout = 10 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		e:         e,
		cfg:       cfg,
		log:       log,
		metrics:   &metrics{},
		started:   time.Now(),
		base:      base,
		cancel:    cancel,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
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
	s.log.Info("listening for Redis protocol clients", zap.Stringer("addr", ln.Addr()), zap.Bool("auth", s.authRequired()))
	retry := func(err error, after time.Duration) {
		s.log.Warn("RESP accept", zap.Error(err), zap.Duration("retry_in", after))
	}
	for {
		nc, err := connloop.Accept(ln, s.closing.Load, retry)
		if err != nil {
			return fmt.Errorf("weir: RESP accept: %w", err)
		}
		if nc == nil {
			return nil
		}
		s.metrics.accepted.Add(1)
		if n := s.metrics.connected.Add(1); n > int64(s.cfg.MaxConnections) {
			s.metrics.connected.Add(-1)
			s.metrics.rejected.Add(1)
			_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = nc.Write([]byte("-ERR max number of clients reached\r\n"))
			nc.Close()
			continue
		}
		c := newConn(s, nc)
		if !s.track(c) {
			s.metrics.connected.Add(-1)
			nc.Close()
			continue
		}
		go c.serve()
	}
}

// track registers a new connection; false when the server is shutting down.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.metrics.connected.Add(-1)
	s.wg.Done()
}

// Shutdown stops accepting connections and closes each connection once the commands it has
// received are answered; when ctx ends first, it cancels the reads in flight and closes
// every connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
	}
	// A connection waiting for its client's next command wakes up now and ends; one that
	// is answering a command ends when it next waits (it checks closing first).
	for c := range s.conns {
		c.loop.Wake()
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

// Close closes the listeners and every connection at once, cancelling the reads in flight.
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
	for c := range s.conns {
		c.loop.Close()
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

// authRequired reports whether a new connection must authenticate: the default user has a
// password, or is no user at all.
func (s *Server) authRequired() bool {
	pass, ok := s.cfg.Users[s.cfg.DefaultUser]
	return !ok || pass != ""
}
