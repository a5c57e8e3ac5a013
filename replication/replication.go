package replication

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/replication/internal/replstate"
)

// Config describes the upstream database and what to mirror from it.
type Config struct {
	// URL is the upstream PostgreSQL database, postgres://user:pass@host:port/db. The user
	// needs the REPLICATION attribute and must be able to create a publication on the tables.
	URL string
	// Tables names the tables to mirror (table or schema.table); empty means every table
	// outside the system schemas.
	Tables []string
	// Slot and Publication name the replication slot and publication Weir creates or reuses
	// (default "weir" for both).
	Slot, Publication string
	// StatusInterval is how often the applied and durable position is confirmed to the
	// upstream (default 1s).
	StatusInterval time.Duration
	// SchemaInterval is how often the upstream catalog is compared with the mirror, to
	// notice tables created, dropped or altered without a change to carry the news
	// (default 5s).
	SchemaInterval time.Duration
	// Logger receives what happens (nil: nothing).
	Logger *zap.Logger
	// Progress, when not nil, shows the initial copy's progress (a console bar).
	Progress io.Writer
}

func (c *Config) defaults() {
	if c.Slot == "" {
		c.Slot = "weir"
	}
	if c.Publication == "" {
		c.Publication = "weir"
	}
	if c.StatusInterval <= 0 {
		c.StatusInterval = time.Second
	}
	if c.SchemaInterval <= 0 {
		c.SchemaInterval = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
}

// Replicator keeps a mirroring engine's tables equal to the upstream's.
type Replicator struct {
	e   *weir.Engine
	m   *weir.Mirror
	cfg Config
	log *zap.Logger

	ready     chan struct{}
	readyOnce sync.Once

	// resnapshot makes the next session take a fresh copy: set when the slot was lost or
	// the upstream's columns changed.
	resnapshot atomic.Bool
	// tables by relation name as the upstream names it (schema.table).
	tables map[string]*Table

	stats replstate.Counters
}

// WaitSnapshots blocks until n copies of the upstream have completed since New, or ctx ends.
func (r *Replicator) WaitSnapshots(ctx context.Context, n int64) error {
	if err := r.stats.WaitSnapshots(ctx, n); err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	return nil
}

// Status is a snapshot of a Replicator's progress: the fields every upstream reports
// (Connected, Snapshotting, SnapshotRows, SnapshotTotal, Snapshots, LagSeconds,
// Transactions, Changes, LastError), and PostgreSQL's positions.
type Status struct {
	replstate.Common
	// Applied is the upstream position the tables reflect, Durable the one stored and
	// confirmed to the upstream, ServerEnd the upstream's newest; LagBytes is ServerEnd -
	// Applied.
	Applied, Durable, ServerEnd uint64
	LagBytes                    uint64
}

// New prepares a replicator for e, which must have been opened with weir.Options.Mirror.
func New(e *weir.Engine, cfg Config) (*Replicator, error) {
	cfg.defaults()
	if e.Mirror() == nil {
		return nil, errors.New("replication: the engine was not opened with Options.Mirror")
	}
	if cfg.URL == "" {
		return nil, errors.New("replication: no upstream URL")
	}
	if _, err := pgconn.ParseConfig(cfg.URL); err != nil {
		return nil, fmt.Errorf("replication: upstream URL: %w", err)
	}
	for _, name := range []string{cfg.Slot, cfg.Publication} {
		if !plainIdent(name) {
			return nil, fmt.Errorf("replication: %q is not a plain identifier (lower-case letters, digits, _)", name)
		}
	}
	return &Replicator{e: e, m: e.Mirror(), cfg: cfg, log: cfg.Logger, ready: make(chan struct{})}, nil
}

func plainIdent(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Ready is closed once the tables hold a complete copy (the initial snapshot, or the one
// restored from the data directory) and the stream has started.
func (r *Replicator) Ready() <-chan struct{} { return r.ready }

// Status reports the replicator's progress.
func (r *Replicator) Status() Status {
	applied := r.m.Position()
	s := Status{Common: r.stats.Common(r.ready, applied), Applied: applied, Durable: r.stats.Durable.Load(), ServerEnd: r.stats.ServerEnd.Load()}
	if s.ServerEnd > s.Applied {
		s.LagBytes = s.ServerEnd - s.Applied
	}
	return s
}

// fatal marks errors a reconnect cannot cure (see replstate.Fatal).
type fatal = replstate.Fatal

// Run mirrors the upstream until ctx ends (returning nil) or an error no retry can cure. A
// lost connection, to the upstream or its replication stream, is retried with backoff; the
// stream resumes after the last transaction applied.
func (r *Replicator) Run(ctx context.Context) error {
	return replstate.RunSessions(ctx, &r.stats, r.log, "replication", r.session)
}

// connConfig is the upstream connection configuration with the session settings the text
// forms of values depend on.
func (r *Replicator) connConfig(replication bool) (*pgconn.Config, error) {
	cfg, err := pgconn.ParseConfig(r.cfg.URL)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["datestyle"] = "ISO, MDY"
	cfg.RuntimeParams["extra_float_digits"] = "3"
	cfg.RuntimeParams["application_name"] = "weir"
	if replication {
		cfg.RuntimeParams["replication"] = "database"
	}
	return cfg, nil
}

// session connects, makes sure the tables hold a complete copy, and streams changes until
// something breaks.
func (r *Replicator) session(ctx context.Context) error {
	pcfg, err := r.connConfig(false)
	if err != nil {
		return fatal{Err: err}
	}
	ccfg, err := pgx.ParseConfig(r.cfg.URL)
	if err != nil {
		return fatal{Err: err}
	}
	ccfg.Config = *pcfg
	conn, err := pgx.ConnectConfig(ctx, ccfg)
	if err != nil {
		return fmt.Errorf("replication: connecting to the upstream: %w", err)
	}
	defer conn.Close(context.Background())

	tables, err := discover(ctx, conn, r.cfg.Tables)
	if err != nil {
		return transientOrFatal(err)
	}
	if err := r.ensurePublication(ctx, conn, tables); err != nil {
		return err
	}

	rcfg, err := r.connConfig(true)
	if err != nil {
		return fatal{Err: err}
	}
	rconn, err := pgconn.ConnectConfig(ctx, rcfg)
	if err != nil {
		return fmt.Errorf("replication: opening a replication connection: %w", err)
	}
	defer rconn.Close(context.Background())
	sys, err := pglogrepl.IdentifySystem(ctx, rconn)
	if err != nil {
		return fmt.Errorf("replication: IDENTIFY_SYSTEM: %w", err)
	}
	identity := fmt.Sprintf("postgres system %s database %s slot %s publication %s", sys.SystemID, sys.DBName, r.cfg.Slot, r.cfg.Publication)

	slot, err := r.slotState(ctx, conn)
	if err != nil {
		return err
	}
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
	case slot == "":
		reason = fmt.Sprintf("the replication slot %s is gone", r.cfg.Slot)
	case slot == "lost":
		reason = fmt.Sprintf("the replication slot %s lost WAL it needed", r.cfg.Slot)
	default:
		if diff := r.schemaDiff(tables); diff != "" {
			reason = "the upstream tables changed: " + diff
		}
	}
	r.tables = map[string]*Table{}
	for _, t := range tables {
		r.tables[t.Schema+"."+t.Name] = t
	}
	var start pglogrepl.LSN
	if reason != "" {
		if r.m.Upstream() != "" && !strings.HasPrefix(r.m.Upstream(), copyingPrefix) {
			r.log.Error("taking a fresh snapshot of the upstream: the mirrored tables are dropped and copied again", zap.String("reason", reason))
		} else {
			r.log.Info("copying the upstream tables", zap.String("reason", reason), zap.Int("tables", len(tables)))
		}
		if slot != "" {
			if err := r.dropSlot(ctx, conn); err != nil {
				return err
			}
		}
		start, err = r.snapshot(ctx, conn, rconn, tables, identity)
		if err != nil {
			return err
		}
		r.resnapshot.Store(false)
	} else {
		start = pglogrepl.LSN(r.m.Position())
		r.log.Info("resuming replication", zap.Stringer("lsn", start))
	}
	return r.stream(ctx, rconn, conn, start)
}

// ensurePublication creates the publication for the tables, or points an existing one at
// exactly them.
func (r *Replicator) ensurePublication(ctx context.Context, conn *pgx.Conn, tables []*Table) error {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Qualified()
	}
	list := strings.Join(names, ", ")
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)", r.cfg.Publication).Scan(&exists); err != nil {
		return fmt.Errorf("replication: reading publications: %w", err)
	}
	stmt := fmt.Sprintf("CREATE PUBLICATION %s FOR TABLE %s", r.cfg.Publication, list)
	if exists {
		stmt = fmt.Sprintf("ALTER PUBLICATION %s SET TABLE %s", r.cfg.Publication, list)
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return transientOrFatal(fmt.Errorf("replication: %s: %w", stmt, err))
	}
	return nil
}

// slotState reports the slot: "" if missing, "lost" if it can no longer stream, else "ok".
func (r *Replicator) slotState(ctx context.Context, conn *pgx.Conn) (string, error) {
	var plugin string
	var walStatus *string
	err := conn.QueryRow(ctx, "SELECT plugin, wal_status FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()", r.cfg.Slot).Scan(&plugin, &walStatus)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("replication: reading replication slots: %w", err)
	}
	if plugin != "pgoutput" {
		return "", fatal{Err: fmt.Errorf("replication: slot %s exists with plugin %s; Weir needs pgoutput: drop it or pick another --slot", r.cfg.Slot, plugin)}
	}
	if walStatus != nil && *walStatus == "lost" {
		return "lost", nil
	}
	return "ok", nil
}

// dropSlot drops Weir's slot, waiting out a walsender of an earlier session that still
// holds it.
func (r *Replicator) dropSlot(ctx context.Context, conn *pgx.Conn) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := conn.Exec(ctx, "SELECT pg_drop_replication_slot($1)", r.cfg.Slot)
		if err == nil {
			return nil
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55006" && time.Now().Before(deadline) { // object_in_use
			if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", r.cfg.Slot); err != nil {
				return fmt.Errorf("replication: stopping the walsender that holds slot %s: %w", r.cfg.Slot, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		return fmt.Errorf("replication: dropping slot %s: %w", r.cfg.Slot, err)
	}
}

// schemaDiff compares the upstream tables with the mirrored ones and describes the first
// difference ("" if none).
func (r *Replicator) schemaDiff(tables []*Table) string {
	want := map[string]bool{}
	for _, t := range tables {
		want[strings.ToLower(t.Name)] = true
		have := r.m.TableDDL(t.Name)
		if have == "" {
			return fmt.Sprintf("table %s.%s is not mirrored yet", t.Schema, t.Name)
		}
		if have != t.DDL() {
			return fmt.Sprintf("table %s.%s is now %s (mirrored as %s)", t.Schema, t.Name, t.DDL(), have)
		}
	}
	for _, name := range r.e.Tables() {
		if !want[strings.ToLower(name)] {
			return fmt.Sprintf("table %s is no longer mirrored", name)
		}
	}
	return ""
}

// transientOrFatal returns err as it is when a reconnect may cure it, and marks it fatal
// otherwise: a table Weir cannot mirror, a --tables name the upstream lacks, or a server
// error about what was asked.
func transientOrFatal(err error) error {
	var f fatal
	var ue *UnsupportedError
	switch {
	case errors.As(err, &f):
		return err
	case errors.As(err, &ue) || !isConnError(err):
		return fatal{Err: err}
	}
	return err
}

// isConnError reports whether err is about the connection or the server's state rather
// than about what was asked: a network error, or a server error of class 08 (connection),
// 53 (resources), 57 (operator intervention: a shutdown or a terminated backend) or 58
// (system). Those are retried; other errors need the schema or configuration to change.
func isConnError(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return true
	}
	switch pe.Code[:min(2, len(pe.Code))] {
	case "08", "53", "57", "58":
		return true
	}
	return false
}

// errorResponse turns a server error on the replication stream into an error.
func errorResponse(msg *pgproto3.ErrorResponse) error {
	return pgconn.ErrorResponseToPgError(msg)
}
