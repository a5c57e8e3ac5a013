package binlog

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/replication/internal/replstate"
)

// Config describes the upstream database and what to mirror from it.
type Config struct {
	// URL is the upstream database: mysql://user:pass@host:port/db or mariadb://…; the
	// scheme says which server it is (their snapshots and GTIDs differ). The user needs
	// REPLICATION SLAVE, REPLICATION CLIENT (MariaDB: BINLOG MONITOR) and SELECT on the
	// database; on MySQL also RELOAD (the copy takes FLUSH TABLES WITH READ LOCK briefly).
	URL string
	// Tables names the tables of the URL's database to mirror; empty means all of them.
	Tables []string
	// ServerID is the server id Weir's binlog connection registers with: it must differ
	// from the upstream's and from every other replica's. 0 picks DefaultServerID.
	ServerID uint32
	// Heartbeat is how often an idle upstream sends a heartbeat (default 1s); a connection
	// silent for three heartbeats is taken as cut and opened again.
	Heartbeat time.Duration
	// Logger receives what happens (nil: nothing).
	Logger *zap.Logger
	// Progress, when not nil, shows the initial copy's progress (a console bar).
	Progress io.Writer
}

// DefaultServerID is the server id Weir registers with when none is given: a number in
// [1<<30, 1<<31) derived from the host name, the upstream's address and the data directory,
// so that Weirs on different hosts, or following different upstreams, or from different
// directories, do not collide, and one Weir keeps its id across restarts.
func DefaultServerID(upstream, dataDir string) uint32 {
	host, _ := os.Hostname()
	return 1<<30 | crc32.ChecksumIEEE([]byte(host+" "+upstream+" "+dataDir))&(1<<30-1)
}

// replicaHost is the host name Weir's binlog connection registers with (SHOW SLAVE HOSTS
// shows it): "weir-" and a hash of the host name and data directory, so that the start-up
// check can tell this Weir's earlier connection from another replica, another Weir included.
func replicaHost(dataDir string) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("weir-%08x", crc32.ChecksumIEEE([]byte(host+" "+dataDir)))
}

// upstream is the parsed URL.
type upstream struct {
	flavor         string // mysql.MySQLFlavor or mysql.MariaDBFlavor
	host           string
	port           uint16
	user, password string
	db             string
}

func (u upstream) addr() string { return net.JoinHostPort(u.host, strconv.Itoa(int(u.port))) }

// IsURL reports whether s names a MySQL or MariaDB upstream (mysql:// or mariadb://).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "mysql://") || strings.HasPrefix(s, "mariadb://")
}

func parseURL(s string) (upstream, error) {
	u, err := url.Parse(s)
	if err != nil {
		return upstream{}, fmt.Errorf("binlog: upstream URL: %w", err)
	}
	var up upstream
	switch u.Scheme {
	case "mysql":
		up.flavor = mysql.MySQLFlavor
	case "mariadb":
		up.flavor = mysql.MariaDBFlavor
	default:
		return upstream{}, fmt.Errorf("binlog: upstream URL scheme %q: want mysql:// or mariadb://", u.Scheme)
	}
	up.host = u.Hostname()
	if up.host == "" {
		up.host = "127.0.0.1"
	}
	up.port = 3306
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return upstream{}, fmt.Errorf("binlog: upstream URL port %q: %w", p, err)
		}
		up.port = uint16(n)
	}
	if u.User != nil {
		up.user = u.User.Username()
		up.password, _ = u.User.Password()
	}
	up.db = strings.TrimPrefix(u.Path, "/")
	if up.db == "" || strings.Contains(up.db, "/") {
		return upstream{}, fmt.Errorf("binlog: upstream URL %s names no database: use %s://user:pass@host:port/database", redact(u), u.Scheme)
	}
	return up, nil
}

func redact(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = url.User(u.User.Username())
	return c.String()
}

// Replicator keeps a mirroring engine's tables equal to a MySQL or MariaDB database's.
type Replicator struct {
	e    *weir.Engine
	m    *weir.Mirror
	cfg  Config
	up   upstream
	log  *zap.Logger
	host string // replicaHost

	ready     chan struct{}
	readyOnce sync.Once

	// resnapshot makes the next session take a fresh copy: set when the binlog the mirror
	// needs is gone or a change did not apply.
	resnapshot atomic.Bool
	// tables by lower-case name.
	tables map[string]*Table
	// base is the binlog's base name (mysql-bin of mysql-bin.000042): positions encode
	// only the file's number.
	base atomic.Pointer[string]

	gtidMu sync.Mutex
	// gtids is the upstream GTID position the tables reflect (nil until known); gtidWake is
	// closed and replaced when it moves.
	gtids    mysql.GTIDSet
	gtidWake chan struct{}

	stats stats
}

// stats are the counters Status reports: the common ones, and the DDL this upstream's
// stream carries.
type stats struct {
	replstate.Counters
	ddl, inPlace atomic.Int64
}

// New prepares a replicator for e, which must have been opened with weir.Options.Mirror.
func New(e *weir.Engine, cfg Config) (*Replicator, error) {
	if e.Mirror() == nil {
		return nil, errors.New("binlog: the engine was not opened with Options.Mirror")
	}
	up, err := parseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.ServerID == 0 {
		cfg.ServerID = DefaultServerID(up.addr(), e.Options().Dir)
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	r := &Replicator{e: e, m: e.Mirror(), cfg: cfg, up: up, log: cfg.Logger, host: replicaHost(e.Options().Dir), ready: make(chan struct{}), gtidWake: make(chan struct{})}
	r.m.SetGTIDWaiter(r.WaitForGTID)
	return r, nil
}

// Ready is closed once the tables hold a complete copy and the stream has started.
func (r *Replicator) Ready() <-chan struct{} { return r.ready }

// WaitSnapshots blocks until n copies of the upstream have completed since New, or ctx ends.
func (r *Replicator) WaitSnapshots(ctx context.Context, n int64) error {
	if err := r.stats.WaitSnapshots(ctx, n); err != nil {
		return fmt.Errorf("binlog: %w", err)
	}
	return nil
}

// fatal marks errors a reconnect cannot cure (see replstate.Fatal).
type fatal = replstate.Fatal

// Run mirrors the upstream until ctx ends (returning nil) or an error no retry can cure. A
// lost connection, to the upstream or its binlog stream, is retried with backoff; the
// stream resumes after the last transaction applied.
func (r *Replicator) Run(ctx context.Context) error {
	return replstate.RunSessions(ctx, &r.stats.Counters, r.log, "binlog replication", r.session)
}

// connect opens a client connection to the upstream with the session settings the text of
// values depends on.
func (r *Replicator) connect(ctx context.Context) (*client.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := client.ConnectWithContext(cctx, r.up.addr(), r.up.user, r.up.password, r.up.db, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("binlog: connecting to the upstream at %s: %w", r.up.addr(), err)
	}
	for _, stmt := range []string{"SET NAMES utf8mb4", "SET time_zone = '+00:00'", "SET SESSION sql_mode = ''"} {
		if _, err := conn.Execute(stmt); err != nil {
			conn.Close()
			return nil, fmt.Errorf("binlog: %s: %w", stmt, err)
		}
	}
	return conn, nil
}

// session connects, makes sure the tables hold a complete copy, and streams changes until
// something breaks.
func (r *Replicator) session(ctx context.Context) error {
	conn, err := r.connect(ctx)
	if err != nil {
		return classify(err)
	}
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	settings, err := r.check(conn)
	if err != nil {
		return classify(err)
	}
	tables, err := discover(conn, r.up.db, r.cfg.Tables)
	if err != nil {
		return classify(err)
	}
	identity := fmt.Sprintf("%s server_id %d binlog %s at %s database %s", r.up.flavor, settings.serverID, settings.binlogBase, r.up.addr(), r.up.db)
	if settings.serverUUID != "" {
		identity += " server_uuid " + settings.serverUUID
	}
	r.base.Store(&settings.binlogBase)

	var startFile string
	var startPos uint32
	reason := ""
	switch {
	case r.resnapshot.Load():
		reason = "the previous session asked for it"
	case r.m.Upstream() == "":
		reason = "the data directory holds no copy yet"
	case strings.HasPrefix(r.m.Upstream(), copyingPrefix):
		reason = "an earlier copy did not complete"
	case r.m.Upstream() != identity:
		reason = fmt.Sprintf("the data directory mirrors another upstream (%s)", r.m.Upstream())
	default:
		startFile, startPos = decodePosition(settings.binlogBase, r.m.Position())
		if !settings.hasLog(startFile) {
			reason = fmt.Sprintf("the upstream purged binary log %s, which holds changes the mirror needs", startFile)
		} else if diff := r.schemaDiff(tables); diff != "" {
			reason = "the upstream tables changed: " + diff
		}
	}
	r.tables = map[string]*Table{}
	for _, t := range tables {
		r.tables[strings.ToLower(t.Name)] = t
	}
	if reason != "" {
		if r.m.Upstream() != "" && !strings.HasPrefix(r.m.Upstream(), copyingPrefix) {
			r.log.Error("taking a fresh copy of the upstream: the mirrored tables are dropped and copied again", zap.String("reason", reason))
		} else {
			r.log.Info("copying the upstream tables", zap.String("reason", reason), zap.Int("tables", len(tables)))
		}
		startFile, startPos, err = r.snapshot(ctx, conn, tables, identity)
		if err != nil {
			return classify(err)
		}
		r.resnapshot.Store(false)
	} else {
		if err := r.resumeGTIDs(conn, startFile, startPos); err != nil {
			return classify(err)
		}
		r.log.Info("resuming binlog replication", zap.String("file", startFile), zap.Uint32("position", startPos))
	}
	cc := &catalogConn{r: r, conn: conn}
	conn = nil // the stream owns it now, and may replace it
	defer cc.close()
	return r.stream(ctx, cc, startFile, startPos)
}

// schemaDiff compares the upstream tables with the mirrored ones and describes the first
// difference ("" if none).
func (r *Replicator) schemaDiff(tables []*Table) string {
	want := map[string]bool{}
	for _, t := range tables {
		want[strings.ToLower(t.Name)] = true
		have := r.m.TableDDL(t.Name)
		if have == "" {
			return fmt.Sprintf("table %s is not mirrored yet", t.Name)
		}
		if same, err := r.m.TableMatches(t.Name, t.DDL()); err != nil || !same {
			return fmt.Sprintf("table %s is now %s (mirrored as %s)", t.Name, t.DDL(), have)
		}
	}
	for _, name := range r.e.Tables() {
		if !want[strings.ToLower(name)] {
			return fmt.Sprintf("table %s is no longer mirrored", name)
		}
	}
	return ""
}

// classify returns err as it is when a reconnect may cure it, and marks it fatal
// otherwise: a table Weir cannot mirror, a setting to change, or a server error about
// what was asked (a privilege, a missing database).
func classify(err error) error {
	var f fatal
	var ue *UnsupportedError
	var me *mysql.MyError
	switch {
	case errors.As(err, &f):
		return err
	case errors.As(err, &ue):
		return fatal{Err: err}
	case errors.As(err, &me):
		switch me.Code {
		case 1044, 1045, 1049, 1142, 1143, 1227, 1146, 1064: // access denied, unknown database, no privilege, unknown table, syntax
			return fatal{Err: err}
		}
	}
	return err
}

// Status is a snapshot of a Replicator's progress: the fields every upstream reports
// (Connected, Snapshotting, SnapshotRows, SnapshotTotal, Snapshots, LagSeconds,
// Transactions, Changes, LastError), and the binlog's positions and DDL.
type Status struct {
	replstate.Common
	// Applied, Durable and ServerEnd are binlog positions (Position's encoding): the one
	// the tables reflect, the one stored, and the newest the upstream has written.
	Applied, Durable, ServerEnd uint64
	// GTID is the upstream GTID position (MariaDB) or executed set (MySQL) the tables
	// reflect, "" until known.
	GTID string
	// DDL counts statements from the binlog that changed mirrored tables; InPlace those
	// applied without a fresh copy.
	DDL, InPlace int64
}

// Status reports the replicator's progress.
func (r *Replicator) Status() Status {
	applied := r.m.Position()
	s := Status{Common: r.stats.Common(r.ready, applied), Applied: applied, Durable: r.stats.Durable.Load(), ServerEnd: r.stats.ServerEnd.Load(),
		DDL: r.stats.ddl.Load(), InPlace: r.stats.inPlace.Load()}
	r.gtidMu.Lock()
	if r.gtids != nil {
		s.GTID = r.gtids.String()
	}
	r.gtidMu.Unlock()
	return s
}

// binlogBase is the upstream binlog's base name, "" until the first session has read it.
func (r *Replicator) binlogBase() string {
	if p := r.base.Load(); p != nil {
		return *p
	}
	return ""
}
