package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/httpapi"
	"github.com/weirdb/weir/internal/connloop"
	"github.com/weirdb/weir/pgwire"
	"github.com/weirdb/weir/resp"
	"github.com/weirdb/weir/server"
	"github.com/weirdb/weir/storage"
)

// serveConfig is everything `weir serve` takes. Each field is a flag; the same setting can
// come from the environment (WEIR_ and the flag's name in upper case with _ for -) or from
// the config file (the flag's name as a TOML key). A flag beats the environment, which beats
// the file, which beats the default.
type serveConfig struct {
	Config           string
	Listen           string
	HTTP             string
	RESP             string
	User             string
	Password         string
	Users            map[string]string // from the config file only: [users] name = "password"
	Auth             string
	TLSCert, TLSKey  string
	MemoryLimit      string
	Domains          int
	ReadTimeout      time.Duration
	StatementTimeout time.Duration
	MaxConnections   int
	MaxPacket        string
	LogFormat        string
	LogLevel         string
	ShutdownTimeout  time.Duration
	DataDir          string
	Sync             string
	Upstream         string
	Tables           string
	Slot             string
	Publication      string
	ServerID         uint
	Pprof            string
	Poller           bool
	IOUring          bool
	// Proxy mode, with --upstream mysql://… (see proxy.go).
	AutoCache        bool
	ProxyCredentials string
	ProxyMaxShapes   int
	PGListen         string
	PGAuth           string
}

func serveFlags(cfg *serveConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("weir serve", flag.ContinueOnError)
	fs.StringVar(&cfg.Config, "config", "", "TOML file of settings (keys are flag names; a [users] table maps names to passwords)")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:3307", "address of the MySQL protocol listener")
	fs.StringVar(&cfg.HTTP, "http", "127.0.0.1:6034", `address of the HTTP listener (/healthz, /metrics, /v1/views/{name}); "" for none`)
	fs.StringVar(&cfg.RESP, "resp", "", `address of a Redis protocol listener that reads caches (GET <cache>:<param>…), e.g. 127.0.0.1:6380; "" for none`)
	fs.StringVar(&cfg.User, "user", "root", "MySQL user name")
	fs.StringVar(&cfg.Password, "password", "", "password of --user (required to listen on an address other than loopback)")
	fs.StringVar(&cfg.Auth, "auth", server.AuthNative, "authentication method: mysql_native_password or caching_sha2_password")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "PEM certificate: lets clients connect with TLS (with --tls-key)")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
	fs.StringVar(&cfg.MemoryLimit, "memory-limit", "", "bound on the caches' memory (partial state and the graphs of caches; the least recently read ad-hoc caches are dropped past it), e.g. 512MiB or 4GiB (default: a quarter of RAM; -1: none)")
	fs.IntVar(&cfg.Domains, "domains", 0, "query domains, each a single-threaded part of the graph (0: from GOMAXPROCS)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", 5*time.Second, "how long a read waits for a fill or for a write to become visible")
	fs.DurationVar(&cfg.StatementTimeout, "statement-timeout", 30*time.Second, "bound on one statement")
	fs.IntVar(&cfg.MaxConnections, "max-connections", 4096, "concurrent connections, per listener (MySQL; RESP with --resp)")
	fs.StringVar(&cfg.MaxPacket, "max-allowed-packet", "64MiB", "largest packet a client may send")
	fs.StringVar(&cfg.LogFormat, "log-format", "console", "log format: console (for people) or json")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGINT or SIGTERM, how long statements in flight may finish")
	fs.StringVar(&cfg.DataDir, "data-dir", "./weir-data", `directory of the durable base tables and catalog ("" keeps everything in memory and loses it at exit)`)
	fs.StringVar(&cfg.Sync, "sync", "always", "when a write is durable before it is acknowledged: always (fsync; concurrent writes share fsyncs), interval=<d> (fsync every d: a crash loses up to d of acknowledged writes), never (the OS decides: a crash can lose any recent write)")
	fs.StringVar(&cfg.Upstream, "upstream", "", "mirror a database instead of keeping Weir's own tables: postgres://user:pass@host:port/db (the user needs REPLICATION and the server wal_level=logical), or mysql://user:pass@host:port/db or mariadb://… (the server needs log_bin, binlog_format=ROW, binlog_row_image=FULL; the user REPLICATION SLAVE, REPLICATION CLIENT and SELECT); writes then go to the upstream")
	fs.StringVar(&cfg.Tables, "tables", "", "with --upstream: comma-separated tables to mirror, as table or schema.table (default: all)")
	fs.StringVar(&cfg.Slot, "slot", "weir", "with --upstream: the logical replication slot Weir creates or reuses")
	fs.StringVar(&cfg.Publication, "publication", "weir", "with --upstream: the publication Weir creates or reuses")
	fs.BoolVar(&cfg.AutoCache, "auto-cache", false, "with --upstream mysql://… or postgres://…: cache every SELECT shape Weir supports once it was passed to the upstream twice (without it, only the shapes CREATE CACHE names)")
	fs.StringVar(&cfg.ProxyCredentials, "proxy-credentials", "upstream", "with --upstream mysql://… or postgres://…: how sessions log in to the upstream: upstream (as the URL's user) or client (as the client's own user, with the password --user or [users] gives it)")
	fs.IntVar(&cfg.ProxyMaxShapes, "proxy-max-shapes", 10000, "with --upstream mysql://… or postgres://…: how many proxied query shapes SHOW PROXIED QUERIES keeps (the least recently seen are forgotten)")
	fs.UintVar(&cfg.ServerID, "server-id", 0, "with a mysql:// or mariadb:// --upstream: the server id Weir's binlog connection registers with, unique among the upstream's replicas (default: derived from the host name, the upstream's address and --data-dir, in [2^30, 2^31))")
	fs.StringVar(&cfg.PGListen, "pg-listen", "", `address of a PostgreSQL protocol listener, e.g. 127.0.0.1:5433 ("": none, except with --upstream postgres://…, where it is 127.0.0.1:5433; "off": none)`)
	fs.StringVar(&cfg.PGAuth, "pg-auth", pgwire.AuthSCRAM, "how PostgreSQL clients prove a password: scram-sha-256 or md5 (users without a password log in without one)")
	fs.BoolVar(&cfg.Poller, "poller", true, "answer the reads that hit (MySQL prepared reads, RESP GET/MGET) of every idle connection on one goroutine, one wakeup for the requests that arrive together (Linux); false serves each connection on its own goroutine only")
	fs.BoolVar(&cfg.IOUring, "io-uring", true, "the poller makes the reads of all the connections a wakeup serves in one io_uring_enter system call, and their writes in another (Linux; without io_uring, or with false, a system call per read and write)")
	fs.StringVar(&cfg.Pprof, "pprof", "", `address of a net/http/pprof listener for profiling the server, e.g. 127.0.0.1:6060 (loopback only; "" for none)`)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: weir serve [flags]\n\nServe Weir over the MySQL protocol and HTTP (and the Redis protocol with --resp). Every flag can also be set as\nWEIR_<FLAG> in the environment (--memory-limit: WEIR_MEMORY_LIMIT) or as a key\nof the --config TOML file; flags win over the environment, which wins over the file.\n\nflags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// loadServeConfig applies flags, then the environment and the config file to the settings
// no flag gave.
func loadServeConfig(args []string, env func(string) string, stderr io.Writer) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := serveFlags(cfg)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["config"] {
		if v, ok := lookupEnv(env, "WEIR_CONFIG"); ok && v != "" {
			cfg.Config = v
			set["config"] = true
		}
	}
	fromEnv := map[string]bool{}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		key := "WEIR_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := lookupEnv(env, key); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", key, e)
			}
			fromEnv[f.Name] = true
		}
	})
	if err != nil {
		return nil, err
	}
	if cfg.Config != "" {
		var file map[string]any
		if _, err := toml.DecodeFile(cfg.Config, &file); err != nil {
			return nil, fmt.Errorf("config %s: %w", cfg.Config, err)
		}
		keys := make([]string, 0, len(file))
		for k := range file {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := file[k]
			if k == "users" {
				users, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("config %s: users must be a table of name = \"password\"", cfg.Config)
				}
				cfg.Users = map[string]string{}
				for name, p := range users {
					ps, ok := p.(string)
					if !ok {
						return nil, fmt.Errorf("config %s: the password of user %s must be a string", cfg.Config, name)
					}
					cfg.Users[name] = ps
				}
				continue
			}
			f := fs.Lookup(k)
			if f == nil || k == "config" {
				return nil, fmt.Errorf("config %s: unknown setting %q (settings are the flags of weir serve)", cfg.Config, k)
			}
			if set[k] || fromEnv[k] {
				continue
			}
			if err := fs.Set(k, fmt.Sprint(v)); err != nil {
				return nil, fmt.Errorf("config %s: %s: %w", cfg.Config, k, err)
			}
		}
	}
	return cfg, nil
}

// redactURL hides a URL's password for the log.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func lookupEnv(env func(string) string, key string) (string, bool) {
	if env == nil {
		return os.LookupEnv(key)
	}
	v := env(key)
	return v, v != ""
}

// pgListen is the PostgreSQL protocol listener's address: --pg-listen, by default
// 127.0.0.1:5433 in front of a PostgreSQL upstream; "" for none.
func (c *serveConfig) pgListen() string {
	switch {
	case c.PGListen == "off":
		return ""
	case c.PGListen == "" && (strings.HasPrefix(c.Upstream, "postgres://") || strings.HasPrefix(c.Upstream, "postgresql://")):
		return "127.0.0.1:5433"
	}
	return c.PGListen
}

// users is the set of MySQL users: the config file's, plus --user with --password.
func (c *serveConfig) users() map[string]string {
	out := map[string]string{}
	for n, p := range c.Users {
		out[n] = p
	}
	if _, ok := out[c.User]; !ok || c.Password != "" {
		out[c.User] = c.Password
	}
	return out
}

func newLogger(format, level string) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	var zc zap.Config
	switch format {
	case "console":
		zc = zap.NewDevelopmentConfig()
		zc.Development = false
		zc.DisableStacktrace = true
	case "json":
		zc = zap.NewProductionConfig()
	default:
		return nil, fmt.Errorf("log format %q: want console or json", format)
	}
	zc.Level = zap.NewAtomicLevelAt(lvl)
	zc.OutputPaths, zc.ErrorOutputPaths = []string{"stderr"}, []string{"stderr"}
	return zc.Build()
}

// serve runs `weir serve` until ctx ends (SIGINT or SIGTERM), then shuts down gracefully.
// ready, when not nil, receives the listeners' addresses once both accept connections.
func serve(ctx context.Context, args []string, env func(string) string, stderr io.Writer, ready func(mysqlAddr, httpAddr string)) error {
	cfg, err := loadServeConfig(args, env, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log, err := newLogger(cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	users := cfg.users()
	if err := server.CheckListen(cfg.Listen, users); err != nil {
		return err
	}
	if cfg.RESP != "" {
		if err := resp.CheckListen(cfg.RESP, users); err != nil {
			return fmt.Errorf("--resp: %w", err)
		}
	}
	pgAddr := cfg.pgListen()
	if pgAddr != "" {
		if err := pgwire.CheckListen(pgAddr, users); err != nil {
			return fmt.Errorf("--pg-listen: %w", err)
		}
	}
	opts := weir.Options{Domains: cfg.Domains, ReadTimeout: cfg.ReadTimeout, Dir: cfg.DataDir, Mirror: cfg.Upstream != "", Logger: log}
	if opts.Sync, opts.SyncInterval, err = storage.ParseSync(cfg.Sync); err != nil {
		return fmt.Errorf("--sync: %w", err)
	}
	if cfg.MemoryLimit != "" {
		if opts.MemoryLimit, err = parseBytes(cfg.MemoryLimit); err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
	}
	// The heap follows the memory limit (the Go runtime's soft limit tracks it), unless
	// GOMEMLIMIT says otherwise.
	opts.GoMemoryLimit = os.Getenv("GOMEMLIMIT") == ""
	maxPacket, err := parseBytes(cfg.MaxPacket)
	if err != nil || maxPacket <= 0 || maxPacket > 1<<30 {
		return fmt.Errorf("--max-allowed-packet %q: want a size up to 1GiB", cfg.MaxPacket)
	}
	var tlsConfig *tls.Config
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		if cfg.TLSCert == "" || cfg.TLSKey == "" {
			return errors.New("--tls-cert and --tls-key go together")
		}
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("TLS: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if cfg.Pprof != "" {
		addr, stop, err := servePprof(cfg.Pprof)
		if err != nil {
			return err
		}
		defer stop()
		log.Info("serving pprof", zap.String("addr", addr))
	}
	e, err := weir.Open(opts)
	if err != nil {
		return err
	}
	defer e.Close()
	reg := prometheus.NewRegistry()
	errc := make(chan error, 4)
	connloop.UseRing(cfg.IOUring)
	scfg := server.Config{
		Users:            users,
		AuthMethod:       cfg.Auth,
		TLS:              tlsConfig,
		StatementTimeout: cfg.StatementTimeout,
		MaxPacket:        int(maxPacket),
		MaxConnections:   cfg.MaxConnections,
		Logger:           log,
		Registry:         reg,
		NoPoller:         !cfg.Poller,
	}
	if scfg.Proxy, err = proxyConfig(cfg); err != nil {
		return err
	}
	if scfg.Proxy != nil && e.Mirror() != nil {
		// Read-your-writes through the proxy: the binlog follower installs the Mirror's
		// GTID wait.
		scfg.Proxy.GTIDs = e.Mirror()
	}
	var rep upstreamFollower
	repDone := make(chan struct{})
	if cfg.Upstream != "" {
		var progress io.Writer
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			progress = stderr
		}
		if rep, err = newUpstreamFollower(e, cfg, log, progress); err != nil {
			return err
		}
		if err := rep.Register(reg); err != nil {
			return err
		}
		scfg.Status = rep.StatusRows
		rctx, stopRep := context.WithCancel(ctx)
		defer func() {
			stopRep()
			<-repDone
		}()
		go func() {
			defer close(repDone)
			if err := rep.Run(rctx); err != nil {
				errc <- fmt.Errorf("replication: %w", err)
			}
		}()
	} else {
		close(repDone)
	}
	srv, err := server.New(e, scfg)
	if err != nil {
		return err
	}

	var httpSrv *http.Server
	httpAddr := ""
	if cfg.HTTP != "" {
		hln, err := net.Listen("tcp", cfg.HTTP)
		if err != nil {
			return fmt.Errorf("listen %s: %w", cfg.HTTP, err)
		}
		httpAddr = hln.Addr().String()
		httpSrv = &http.Server{
			Handler:           httpapi.New(e, httpapi.Config{Registry: reg, Logger: log}),
			ReadHeaderTimeout: 10 * time.Second,
		}
		// Returns before the graceful shutdown below (an upstream that cannot be mirrored)
		// must not leave the listener open.
		defer httpSrv.Close()
		go func() {
			if err := httpSrv.Serve(hln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("http: %w", err)
			}
		}()
		log.Info("serving HTTP", zap.String("addr", httpAddr))
	}
	if rep != nil {
		// The MySQL listener opens once the mirror holds a complete copy, so no client reads
		// a table half copied; /metrics shows the copy's progress meanwhile.
		log.Info("waiting for the upstream copy", zap.String("upstream", redactURL(cfg.Upstream)))
		select {
		case <-rep.Ready():
		case err := <-errc:
			return err
		case <-ctx.Done():
			return nil
		}
	}
	var respSrv *resp.Server
	respAddr := ""
	if cfg.RESP != "" {
		rln, err := net.Listen("tcp", cfg.RESP)
		if err != nil {
			return fmt.Errorf("--resp: listen %s: %w", cfg.RESP, err)
		}
		respAddr = rln.Addr().String()
		respSrv, err = resp.New(e, resp.Config{Users: users, DefaultUser: cfg.User,
			MaxConnections: cfg.MaxConnections, Logger: log, Registry: reg, NoPoller: !cfg.Poller})
		if err != nil {
			rln.Close()
			return err
		}
		defer respSrv.Close()
		go func() {
			if err := respSrv.Serve(rln); err != nil {
				errc <- fmt.Errorf("resp: %w", err)
			}
		}()
	}
	// The PostgreSQL protocol listener (--pg-listen).
	var pgSrv *pgwire.Server
	if pgAddr != "" {
		pln, err := net.Listen("tcp", pgAddr)
		if err != nil {
			return fmt.Errorf("--pg-listen: listen %s: %w", pgAddr, err)
		}
		pgAddr = pln.Addr().String()
		pgProxy, err := pgProxyConfig(cfg, e)
		if err != nil {
			pln.Close()
			return err
		}
		pgSrv, err = pgwire.New(e, pgwire.Config{Users: users, AuthMethod: cfg.PGAuth, TLS: tlsConfig,
			MaxConnections: cfg.MaxConnections, MaxMessageBytes: int(maxPacket), StatementTimeout: cfg.StatementTimeout,
			Logger: log, Registry: reg, Proxy: pgProxy})
		if err != nil {
			pln.Close()
			return err
		}
		defer pgSrv.Close()
		go func() {
			if err := pgSrv.Serve(pln); err != nil {
				errc <- fmt.Errorf("pg-listen: %w", err)
			}
		}()
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	go func() { errc <- srv.Serve(ln) }()
	log.Info("weir is ready", zap.String("mysql", ln.Addr().String()), zap.String("http", httpAddr), zap.String("resp", respAddr), zap.String("pg", pgAddr),
		zap.String("data_dir", cfg.DataDir), zap.String("sync", cfg.Sync),
		zap.Int64("memory_limit", e.Options().MemoryLimit))
	if ready != nil {
		ready(ln.Addr().String(), httpAddr)
	}

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: no new connections; statements in flight may finish", zap.Duration("timeout", cfg.ShutdownTimeout))
	case runErr = <-errc:
		log.Error("stopping", zap.Error(runErr))
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if httpSrv != nil {
		if err := httpSrv.Shutdown(sctx); err != nil {
			log.Warn("HTTP shutdown", zap.Error(err))
		}
	}
	if respSrv != nil {
		if err := respSrv.Shutdown(sctx); err != nil {
			log.Warn("RESP reads were cancelled at the shutdown deadline", zap.Error(err))
		}
	}
	if pgSrv != nil {
		if err := pgSrv.Shutdown(sctx); err != nil {
			log.Warn("PostgreSQL protocol statements were cancelled at the shutdown deadline", zap.Error(err))
		}
	}
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("statements were cancelled at the shutdown deadline", zap.Error(err))
	}
	if err := e.Close(); err != nil {
		return err
	}
	log.Info("stopped")
	return runErr
}

// servePprof serves net/http/pprof's profiles on addr, which must be a loopback address:
// profiles show the server's code paths and memory, which are not for the network.
func servePprof(addr string) (bound string, stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("--pprof %q: %w", addr, err)
	}
	if !server.IsLoopback(host) {
		return "", nil, fmt.Errorf("--pprof %q: profiles are served on a loopback address only (127.0.0.1, ::1 or localhost)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("--pprof: listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() { _ = srv.Close() }, nil
}
