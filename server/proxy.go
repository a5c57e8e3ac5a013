package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/pingcap/tidb/pkg/parser"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/proxyshape"
)

// ProxyConfig makes the MySQL listener a transparent proxy in front of a MySQL or MariaDB
// upstream whose tables the engine mirrors (see doc.go, "Proxy mode"): SELECTs of cached
// shapes are answered by Weir, everything else is passed to the upstream and its reply
// relayed unchanged.
type ProxyConfig struct {
	// Addr is the upstream's address: host:port, or the path of a Unix socket.
	Addr string
	// User and Password are the credentials every upstream session logs in with (unless
	// ClientCredentials), so the privileges applications have are this user's.
	User, Password string
	// ClientCredentials logs each upstream session in as the client's own user, with the
	// password Weir holds for it (Config.Users): each application user keeps its own
	// upstream privileges. The users must exist on the upstream with the same passwords.
	ClientCredentials bool
	// Database is the upstream database whose tables the engine mirrors: Weir answers a
	// session's SELECTs only while that database is the session's (USE, or the one named
	// at login). "": whatever the session's database.
	Database string
	// MirrorDatabase is the Weir database holding the mirrored tables, where Weir plans the
	// SELECTs it answers. "": Weir's default database (weir.DatabaseName).
	MirrorDatabase string
	// TLS, when set, encrypts upstream sessions.
	TLS *tls.Config
	// AutoCache caches every SELECT shape Weir supports once it has been passed through
	// twice; without it, only the shapes named by CREATE CACHE are answered by Weir.
	AutoCache bool
	// MaxShapes bounds the table of proxied query shapes SHOW PROXIED QUERIES lists (the
	// least recently seen are forgotten past it). Zero: 10,000.
	MaxShapes int
	// DialTimeout bounds opening an upstream session. Zero: 10 seconds.
	DialTimeout time.Duration
	// GTIDs, when set, gives read-your-writes: after a session's write, its next cached
	// read waits (up to the engine's ReadTimeout) until Weir has applied the write's GTID
	// (@@last_gtid), and reads from the upstream if that takes longer. Nil: Weir cannot
	// tell when it has a session's write, so once a session wrote, its reads go to the
	// upstream (SET @weir_read_your_writes = 0 lets them read the caches again).
	GTIDs GTIDWaiter
}

// GTIDWaiter is what read-your-writes needs from the replication stream that fills the
// mirrored tables.
type GTIDWaiter interface {
	// WaitForGTID returns once the engine has applied the upstream transaction gtid
	// (MariaDB's domain-server-sequence, as @@last_gtid shows it) and every cache shows
	// it; it fails when ctx ends first.
	WaitForGTID(ctx context.Context, gtid string) error
}

// ParseUpstreamURL reads mysql://user:password@host:port/database (mariadb:// too; port
// 3306 by default; ?socket=/path for a Unix socket; ?tls=true or ?tls=skip-verify).
func ParseUpstreamURL(raw string) (ProxyConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return ProxyConfig{}, fmt.Errorf("upstream URL: %w", err)
	}
	if u.Scheme != "mysql" && u.Scheme != "mariadb" {
		return ProxyConfig{}, fmt.Errorf("upstream URL %q: want mysql://user:password@host:port/database", u.Redacted())
	}
	var cfg ProxyConfig
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	cfg.Database = strings.TrimPrefix(u.Path, "/")
	q := u.Query()
	switch {
	case q.Get("socket") != "":
		cfg.Addr = q.Get("socket")
	case u.Host == "":
		return ProxyConfig{}, fmt.Errorf("upstream URL %q: no host", u.Redacted())
	case u.Port() == "":
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	default:
		cfg.Addr = u.Host
	}
	switch q.Get("tls") {
	case "", "false":
	case "true":
		cfg.TLS = &tls.Config{ServerName: u.Hostname()}
	case "skip-verify":
		cfg.TLS = &tls.Config{InsecureSkipVerify: true}
	default:
		return ProxyConfig{}, fmt.Errorf("upstream URL %q: tls=%s: want true, false or skip-verify", u.Redacted(), q.Get("tls"))
	}
	return cfg, nil
}

// proxy is the server-wide state of proxy mode: which shapes Weir answers, and what it
// passed through.
type proxy struct {
	cfg ProxyConfig
	*proxyshape.Table
}

// upstreamVersion is the version the greeting announces in proxy mode: the upstream's,
// since drivers choose dialect features (MariaDB's or MySQL's) by it; Weir's own when the
// upstream cannot be reached at start.
func upstreamVersion(cfg ProxyConfig, log *zap.Logger) string {
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := client.ConnectWithContext(ctx, cfg.Addr, cfg.User, cfg.Password, "", timeout, func(c *client.Conn) error {
		if cfg.TLS != nil {
			c.SetTLSConfig(cfg.TLS)
		}
		return nil
	})
	if err != nil {
		log.Warn("the upstream's version is unknown (it could not be reached); the greeting announces Weir's", zap.String("upstream", cfg.Addr), zap.Error(err))
		return serverVersion
	}
	defer conn.Close()
	return conn.GetServerVersion()
}

func newProxy(e *weir.Engine, cfg ProxyConfig) *proxy {
	if cfg.MaxShapes <= 0 {
		cfg.MaxShapes = 10000
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.MirrorDatabase == "" {
		cfg.MirrorDatabase = weir.DatabaseName
	}
	p := &proxy{cfg: cfg, Table: proxyshape.New(cfg.MaxShapes)}
	// Caches created before a restart (CREATE CACHE is durable) answer their shapes again.
	for _, name := range e.Views() {
		if v, err := e.View(name); err == nil {
			p.Cache(v.Plan().Text, name)
		}
	}
	return p
}

// namedCache is the cache CREATE CACHE registered for a statement's shape in proxy mode,
// which a prepared execution reads through (as a text one does), so that the shape has one
// reader, not the cache's and an unnamed one besides; nil for none, and outside proxy mode.
func (s *session) namedCache(st *weir.Stmt) *weir.View {
	p := s.srv.proxy
	if p == nil {
		return nil
	}
	name, ok := p.CachedAs(st.Shape())
	if !ok || name == "" {
		return nil
	}
	v, err := s.srv.engine.View(name)
	if err != nil {
		return nil
	}
	return v
}

// see records a statement passed through and returns how often its shape was seen.
func (p *proxy) see(sql, why string) int64 {
	return p.See(parser.Normalize(sql, "ON"), sql, why)
}

// setWhy replaces the reason of the shape last seen for sql.
func (p *proxy) setWhy(sql, why string) {
	p.SetWhy(parser.Normalize(sql, "ON"), why)
}

// miss records a SELECT Weir supports whose shape it does not answer (--auto-cache caches
// it on its second sighting).
func (p *proxy) miss(sql, shape string) {
	p.Miss(parser.Normalize(sql, "ON"), sql, shape, p.cfg.AutoCache)
}

// showProxied handles SHOW PROXIED QUERIES: the shapes passed to the upstream, most
// recently seen first, with how often and why each was not answered by Weir.
func (s *session) showProxied(sql string) (*mysql.Result, error) {
	if rest := afterWords(sql, 3); rest != "" {
		return nil, unsupported("SHOW PROXIED QUERIES %s", rest)
	}
	p := s.srv.proxy
	if p == nil {
		return nil, errNotProxy("SHOW PROXIED QUERIES")
	}
	var rows [][]any
	for _, sh := range p.List() {
		rows = append(rows, []any{int64(sh.ID), sh.Text, sh.Count, sh.Why, sh.Last.UTC().Format(time.DateTime)})
	}
	return s.table([]weir.Column{intColumn("id"), textColumn("query"), intColumn("count"), textColumn("why_proxied"), textColumn("last_seen")}, rows)
}

func errNotProxy(what string) error {
	return unsupported("%s outside proxy mode: Weir passes no statements to an upstream here (weir serve --upstream mysql://…)", what)
}

// createCacheFromID handles CREATE CACHE [name] FROM <id>: the proxied shape id (SHOW
// PROXIED QUERIES) becomes a cache, as CREATE CACHE FROM its statement would.
func (s *session) cacheFromID(name, rest string) (*mysql.Result, bool, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(rest), 10, 64)
	if err != nil {
		return nil, false, nil // not an id: a SELECT
	}
	p := s.srv.proxy
	if p == nil {
		return nil, true, errNotProxy("CREATE CACHE FROM <proxied query id>")
	}
	sql, ok := p.Sample(id)
	if !ok {
		return nil, true, wireError(codeUnknownProxied, "HY000", "Unknown proxied query %d (see SHOW PROXIED QUERIES)", id)
	}
	res, err := s.registerCache(name, sql)
	return res, true, err
}

// codeUnknownProxied is ER_UNKNOWN_STMT_HANDLER's neighbour for an id SHOW PROXIED QUERIES
// does not list: ER_NO_SUCH_QUERY (1094, "Unknown thread id"), the nearest MySQL has.
const codeUnknownProxied = 1094

// errUpstreamLost is what a statement gets when its upstream session went away under it.
var errUpstreamLost = errors.New("lost the upstream session")
