package pgwire

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/proxyshape"
)

// ProxyConfig makes the listener a transparent proxy in front of the PostgreSQL database
// whose tables the engine mirrors (see doc.go, "Proxy mode"): SELECTs of cached shapes are
// answered by Weir, every other message is passed to an upstream session of the client's
// own and the upstream's reply relayed unchanged.
type ProxyConfig struct {
	// Upstream is how upstream sessions connect (pgconn.ParseConfig of the upstream URL):
	// its host, port, TLS, user and password, and its database, the mirrored one.
	Upstream *pgconn.Config
	// ClientCredentials logs each upstream session in as the client's own user, with the
	// password Weir holds for it (Config.Users), instead of Upstream's user: each
	// application user keeps its own upstream privileges. The users must exist on the
	// upstream with the same passwords.
	ClientCredentials bool
	// MirrorDatabase is the Weir database holding the mirrored tables, where Weir plans
	// the SELECTs it answers. "": weir.DatabaseName.
	MirrorDatabase string
	// AutoCache caches every SELECT shape Weir supports once it was passed through twice;
	// without it, only the shapes CREATE CACHE names are answered by Weir.
	AutoCache bool
	// MaxShapes bounds the proxied shapes SHOW PROXIED QUERIES lists. Zero: 10,000.
	MaxShapes int
	// DialTimeout bounds opening an upstream session. Zero: 10 seconds.
	DialTimeout time.Duration
	// Positions, when set, gives read-your-writes: after a session's write, its next cached
	// read waits (up to the engine's ReadTimeout) until the mirror has applied the
	// upstream's WAL position read on the session's upstream connection after the write,
	// and reads from the upstream if that takes longer. Nil: once a session wrote, its
	// reads go to the upstream.
	Positions PositionWaiter
}

// PositionWaiter is what read-your-writes needs of the mirror (weir.Mirror).
type PositionWaiter interface {
	// WaitForPosition returns once the mirror reflects the upstream position pos (an LSN)
	// and every cache shows it; it fails when ctx ends first.
	WaitForPosition(ctx context.Context, pos uint64) error
}

// ParseUpstreamURL reads a postgres:// or postgresql:// URL (or a libpq key=value string)
// for ProxyConfig.Upstream.
func ParseUpstreamURL(raw string) (*pgconn.Config, error) {
	cfg, err := pgconn.ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("upstream URL: %w", err)
	}
	return cfg, nil
}

// proxy is the server-wide state of proxy mode.
type proxy struct {
	cfg    ProxyConfig
	shapes *proxyshape.Table
	// served counts the reads Weir answered, by the shape of their cache.
	servedMu sync.Mutex
	served   map[string]*atomic.Int64
	// sqlOf is the statement each named cache was created from, as SHOW CACHES shows it.
	sqlOf map[string]string
}

func newProxy(e *weir.Engine, cfg ProxyConfig) *proxy {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.MirrorDatabase == "" {
		cfg.MirrorDatabase = weir.DatabaseName
	}
	p := &proxy{cfg: cfg, shapes: proxyshape.New(cfg.MaxShapes), served: map[string]*atomic.Int64{}, sqlOf: map[string]string{}}
	// The caches CREATE CACHE made before a restart (registered in PostgreSQL's dialect,
	// and restored with the engine's catalog) answer their shapes again before the
	// listener accepts its first connection.
	for _, name := range e.Views() {
		if v, err := e.View(name); err == nil && v.Dialect() == weir.PostgreSQL {
			p.shapes.Cache(v.Plan().Text, v.Name())
			p.sqlOf[v.Name()] = v.SQL()
		}
	}
	return p
}

func (p *proxy) servedCounter(shape string) *atomic.Int64 {
	p.servedMu.Lock()
	defer p.servedMu.Unlock()
	n, ok := p.served[shape]
	if !ok {
		n = &atomic.Int64{}
		p.served[shape] = n
	}
	return n
}

// upstreamVersion asks the upstream for its server_version, which the listener reports in
// proxy mode, since drivers choose features by it; "" when it cannot be reached.
func upstreamVersion(cfg ProxyConfig) (string, error) {
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, cfg.Upstream.Copy())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	return conn.ParameterStatus("server_version"), nil
}

// proxyCommand recognizes the statements Weir answers itself in proxy mode: CREATE CACHE,
// DROP CACHE, SHOW CACHES, SHOW PROXIED QUERIES and SET weir.read_your_writes.
func (c *conn) proxyCommand(p *prepared, sql string, toks []token) bool {
	w := func(i int) string {
		if i < len(toks) && toks[i].kind == tokWord {
			return toks[i].text
		}
		return ""
	}
	switch {
	case w(0) == "create" && w(1) == "cache":
		p.session, p.tag = c.createCache(sql, toks[2:]), "CREATE CACHE"
	case w(0) == "drop" && w(1) == "cache":
		p.session, p.tag = c.dropCache(toks[2:]), "DROP CACHE"
	case w(0) == "show" && w(1) == "caches" && len(toks) == 2:
		p.fields = []field{textField("name"), textField("query"), int8Field("served")}
		p.session = func(c *conn, pt *portal) error {
			pt.tag = "SHOW"
			px := c.s.proxy
			named := px.shapes.Named()
			names := make([]string, 0, len(named))
			for name := range named {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				px.servedMu.Lock()
				sql := px.sqlOf[name]
				px.servedMu.Unlock()
				pt.vrows = append(pt.vrows, []weir.Value{dataflow.String(name), dataflow.String(sql),
					dataflow.Int(px.servedCounter(named[name]).Load())})
			}
			return nil
		}
	case w(0) == "show" && w(1) == "proxied" && w(2) == "queries" && len(toks) == 3:
		p.fields = []field{int8Field("id"), textField("query"), int8Field("count"), textField("why_proxied"), textField("last_seen")}
		p.session = func(c *conn, pt *portal) error {
			pt.tag = "SHOW"
			for _, sh := range c.s.proxy.shapes.List() {
				pt.vrows = append(pt.vrows, []weir.Value{dataflow.Int(int64(sh.ID)), dataflow.String(sh.Text),
					dataflow.Int(sh.Count), dataflow.String(sh.Why), dataflow.String(sh.Last.UTC().Format(time.DateTime))})
			}
			return nil
		}
	case w(0) == "set" && isRYWSetting(toks[1:]):
		p.session, p.tag = c.setRYW(toks[1:]), "SET"
	case w(0) == "show" && len(toks) == 4 && w(1) == "weir" && toks[2].text == "." && w(3) == "read_your_writes":
		p.fields = []field{textField("weir.read_your_writes")}
		p.session = func(c *conn, pt *portal) error {
			pt.tag = "SHOW"
			v := "on"
			if c.px.noRYW {
				v = "off"
			}
			pt.vrows = [][]weir.Value{textRow(v)}
			return nil
		}
	default:
		return false
	}
	return true
}

func int8Field(name string) field {
	return field{name: name, typ: pgType{oid: pgtype.Int8OID, size: 8, mod: -1}}
}

// isRYWSetting matches [SESSION] weir.read_your_writes {TO | =} …
func isRYWSetting(toks []token) bool {
	if len(toks) > 0 && toks[0].is("session") {
		toks = toks[1:]
	}
	return len(toks) >= 4 && toks[0].is("weir") && toks[1].text == "." && toks[2].is("read_your_writes") &&
		(toks[3].is("to") || toks[3].text == "=")
}

// setRYW handles SET weir.read_your_writes = on | off: off lets a session's reads of cached
// shapes answer from the caches right after its writes, without waiting for them.
func (c *conn) setRYW(toks []token) sessionFunc {
	if toks[0].is("session") {
		toks = toks[1:]
	}
	vals := toks[4:]
	return func(c *conn, pt *portal) error {
		pt.tag = "SET"
		v := ""
		if len(vals) == 1 {
			v = strings.ToLower(vals[0].text)
		}
		switch v {
		case "on", "true", "1", "yes", "default":
			c.px.noRYW = false
		case "off", "false", "0", "no":
			c.px.noRYW = true
		default:
			return newPGError(stateInvalidParam, `parameter "weir.read_your_writes" requires a Boolean value`)
		}
		return nil
	}
}

// createCache handles CREATE CACHE [name] FROM <SELECT> | <id>: the SELECT's shape (or that
// of the proxied query id of SHOW PROXIED QUERIES) is answered by Weir from now on.
func (c *conn) createCache(sql string, toks []token) sessionFunc {
	name := ""
	if len(toks) > 0 && !toks[0].is("from") && (toks[0].kind == tokWord || toks[0].kind == tokQuotedIdent) {
		name = toks[0].text
		toks = toks[1:]
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "CREATE CACHE"
		if len(toks) < 2 || !toks[0].is("from") {
			return newPGError(stateSyntax, "syntax error: CREATE CACHE [name] FROM <SELECT> | <proxied query id>")
		}
		query := strings.TrimSpace(sql[toks[1].pos:])
		query = strings.TrimSpace(strings.TrimSuffix(query, ";"))
		if len(toks) == 2 && toks[1].kind == tokNumber {
			id, err := strconv.ParseUint(toks[1].text, 10, 64)
			if err != nil {
				return newPGError(stateInvalidParam, "proxied query id %s: %v", toks[1].text, err)
			}
			sample, ok := c.s.proxy.shapes.Sample(id)
			if !ok {
				return newPGError(stateUndefinedObject, "proxied query %d does not exist (see SHOW PROXIED QUERIES)", id)
			}
			query = sample
		}
		if name == "" {
			sum := sha256.Sum256([]byte(query))
			name = "q_" + hex.EncodeToString(sum[:8])
		}
		if _, exists := c.s.proxy.shapes.Named()[name]; exists {
			return newPGError(stateDuplicateTable, "cache %q already exists", name)
		}
		// A cache over what the session has just written is planned once Weir has it.
		c.caughtUp()
		st, err := c.s.e.PrepareDialect(c.px.readCtx, weir.PostgreSQL, query)
		if err != nil {
			return err
		}
		if !st.IsQuery() || st.ReadsCatalog() {
			return newPGError(stateFeature, "Weir caches SELECTs of the mirrored tables only")
		}
		if _, err := c.s.e.View(name); err == nil {
			return newPGError(stateDuplicateTable, "cache %q already exists", name)
		}
		// Registered in the engine's catalog with its dialect, the cache is durable: an
		// engine with a data directory registers it again when it opens (newProxy).
		if _, err := c.s.e.RegisterDialect(c.px.readCtx, weir.PostgreSQL, name, query); err != nil {
			return err
		}
		c.s.proxy.servedMu.Lock()
		c.s.proxy.sqlOf[name] = query
		c.s.proxy.servedMu.Unlock()
		c.s.proxy.shapes.Cache(st.Shape(), name)
		return nil
	}
}

// dropCache handles DROP CACHE [IF EXISTS] name.
func (c *conn) dropCache(toks []token) sessionFunc {
	ifExists := len(toks) >= 2 && toks[0].is("if") && toks[1].is("exists")
	if ifExists {
		toks = toks[2:]
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "DROP CACHE"
		if len(toks) != 1 || (toks[0].kind != tokWord && toks[0].kind != tokQuotedIdent) {
			return newPGError(stateSyntax, "syntax error: DROP CACHE [IF EXISTS] name")
		}
		name := toks[0].text
		found := c.s.proxy.shapes.UncacheNamed(name)
		if v, err := c.s.e.View(name); err == nil && v.Dialect() == weir.PostgreSQL {
			if err := c.s.e.Unregister(c.ctx, name); err != nil && !errors.Is(err, weir.ErrNoSuchView) {
				return err
			}
			found = true
		}
		if !found && !ifExists {
			return newPGError(stateUndefinedObject, "cache %q does not exist", name)
		}
		return nil
	}
}

// normalize is the text SHOW PROXIED QUERIES shows for a statement: its tokens with every
// literal replaced by ?, separated by single spaces where the statement had space.
func normalize(sql string) string {
	var b strings.Builder
	i := skipSpace(sql, 0)
	for i < len(sql) {
		end := skipToken(sql, i)
		c := sql[i]
		switch {
		case c == '\'' || ((c == 'E' || c == 'e') && end > i+1 && sql[i+1] == '\'') || (c == '$' && end > i+1 && !isParam(sql[i:end])):
			b.WriteByte('?')
		case c >= '0' && c <= '9' && (i == 0 || !identChar(sql[i-1])):
			j := i
			for j < len(sql) && (sql[j] >= '0' && sql[j] <= '9' || sql[j] == '.' || sql[j] == 'e' || sql[j] == 'E' ||
				((sql[j] == '+' || sql[j] == '-') && j > i && (sql[j-1] == 'e' || sql[j-1] == 'E'))) {
				j++
			}
			end = j
			b.WriteByte('?')
		default:
			b.WriteString(sql[i:end])
		}
		if b.Len() > proxyshape.MaxSample {
			break
		}
		j := skipSpace(sql, end)
		if j > end && j < len(sql) {
			b.WriteByte(' ')
		}
		i = j
	}
	return b.String()
}

// isParam reports $n, a parameter (skipToken returns it a character at a time).
func isParam(s string) bool { return len(s) == 1 }

// proxyServerVersion is the server_version the listener reports in proxy mode: the
// upstream's, since drivers choose features by it; "" (Weir's) when the upstream cannot be
// reached at start.
func proxyServerVersion(cfg ProxyConfig, log *zap.Logger) string {
	v, err := upstreamVersion(cfg)
	if err != nil {
		if log != nil {
			log.Warn("the upstream's server_version is unknown (it could not be reached); the PostgreSQL listener reports Weir's", zap.Error(err))
		}
		return ""
	}
	return v
}
