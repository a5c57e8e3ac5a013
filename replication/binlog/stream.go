package binlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/replication/internal/replstate"
)

// catalogConn is the session's client connection, which the stream uses to read the
// upstream's catalog when DDL arrives, maybe hours after it was opened: it is checked and
// opened again when the server has closed it (wait_timeout).
type catalogConn struct {
	r    *Replicator
	conn *client.Conn
}

func (c *catalogConn) get(ctx context.Context) (*client.Conn, error) {
	if c.conn != nil {
		if err := c.conn.Ping(); err == nil {
			return c.conn, nil
		}
		c.conn.Close()
		c.conn = nil
	}
	conn, err := c.r.connect(ctx)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return conn, nil
}

func (c *catalogConn) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}

// errPurged is MySQL's ER_MASTER_FATAL_ERROR_READING_BINLOG, which a binlog dump gets when
// the file it asks for was purged (among other read errors).
const errPurged = 1236

// streamState is the stream's place in the binlog and in the upstream transaction it is
// reading.
type streamState struct {
	file string
	tx   *weir.MirrorTx
	gtid string
	// commitTime is the upstream's timestamp of the transaction's first event.
	commitTime uint32
}

// stream applies the binlog from file:pos until the connection breaks or ctx ends. Each
// upstream transaction is one engine transaction, stored with its end position.
func (r *Replicator) stream(ctx context.Context, conn *catalogConn, file string, pos uint32) error {
	syncer := replication.NewBinlogSyncer(replication.BinlogSyncerConfig{
		ServerID:                r.cfg.ServerID,
		Flavor:                  r.up.flavor,
		Host:                    r.up.host,
		Port:                    r.up.port,
		User:                    r.up.user,
		Password:                r.up.password,
		Localhost:               r.host,
		Charset:                 "utf8mb4",
		TimestampStringLocation: time.UTC,
		HeartbeatPeriod:         r.cfg.Heartbeat,
		ReadTimeout:             3 * r.cfg.Heartbeat,
		// Weir reconnects itself, from the position it applied: go-mysql's own retry
		// would resume from the position it read, past a transaction not yet applied.
		DisableRetrySync: true,
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	defer syncer.Close()
	streamer, err := syncer.StartSync(mysql.Position{Name: file, Pos: pos})
	if err != nil {
		return r.streamError(fmt.Errorf("binlog: starting the binlog stream at %s:%d: %w", file, pos, err))
	}
	r.stats.Connected.Store(true)
	r.stats.Durable.Store(max(r.stats.Durable.Load(), r.m.Position()))

	durables := replstate.StartDurability(&r.stats.Durable)
	defer durables.Stop()

	st := &streamState{file: file}
	first := true
	for {
		ev, err := streamer.GetEvent(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return r.streamError(fmt.Errorf("binlog: receiving: %w", err))
		}
		if first {
			// The stream is open once the server has answered the dump with its first event
			// (a purged file is refused before any).
			first = false
			r.readyOnce.Do(func() { close(r.ready) })
		}
		if err := r.event(ctx, conn, st, ev, durables); err != nil {
			return err
		}
	}
}

// streamError turns a purged binlog into a fresh copy and returns err.
func (r *Replicator) streamError(err error) error {
	var me *mysql.MyError
	if errors.As(err, &me) && me.Code == errPurged || strings.Contains(err.Error(), "Could not find first log file") {
		r.log.Error("the binary log the mirror needs is gone from the upstream (purged); a fresh copy follows", zap.Error(err))
		r.resnapshot.Store(true)
	}
	return err
}

// event handles one binlog event.
func (r *Replicator) event(ctx context.Context, conn *catalogConn, st *streamState, ev *replication.BinlogEvent, durables *replstate.Durability) error {
	if ev.Header.LogPos > 0 {
		if p, err := encodePosition(st.file, ev.Header.LogPos); err == nil {
			r.stats.ServerEnd.Store(max(r.stats.ServerEnd.Load(), p))
		}
	}
	switch e := ev.Event.(type) {
	case *replication.RotateEvent:
		st.file = string(e.NextLogName)
	case *replication.MariadbGTIDEvent:
		st.gtid = e.GTID.String()
		st.commitTime = ev.Header.Timestamp
		if !e.IsStandalone() {
			st.tx = &weir.MirrorTx{}
		}
	case *replication.GTIDEvent:
		if next, err := e.GTIDNext(); err == nil {
			st.gtid = next.String()
		}
		st.commitTime = ev.Header.Timestamp
	case *replication.TransactionPayloadEvent:
		// MySQL's binlog_transaction_compression: the transaction's events, decompressed.
		for _, inner := range e.Events {
			if err := r.event(ctx, conn, st, inner, durables); err != nil {
				return err
			}
		}
	case *replication.QueryEvent:
		q := strings.TrimSpace(string(e.Query))
		word := strings.ToUpper(firstWord(q))
		switch {
		case word == "BEGIN":
			if st.tx == nil {
				st.tx = &weir.MirrorTx{}
			}
			return nil
		case word == "COMMIT":
			return r.commit(ctx, st, ev, durables)
		case word == "ROLLBACK" && !strings.Contains(strings.ToUpper(q), " TO "):
			// A transaction on a non-transactional table that rolled back: what it
			// changed was logged in row events already, and stays.
			return r.commit(ctx, st, ev, durables)
		case st.tx != nil && (word == "SAVEPOINT" || word == "ROLLBACK" || word == "RELEASE"):
			return nil
		case word == "XA":
			// An XA transaction's rows are logged at XA PREPARE, before the outcome is
			// known: Weir would show rows that may yet be rolled back.
			if st.tx != nil && len(st.tx.Changes) > 0 {
				return fatal{Err: fmt.Errorf("binlog: an XA transaction (%s) changed mirrored table %s: Weir does not follow XA transactions", q, st.tx.Changes[0].Table)}
			}
			return nil
		case dmlWords[word] && strings.EqualFold(string(e.Schema), r.up.db):
			// A session still logging statements (binlog_format is per session, and one
			// opened before the change to ROW keeps its format).
			return fatal{Err: &SettingError{Setting: "binary log", Have: "a statement in STATEMENT format (" + truncate(q, 80) + ")", Fix: "Weir reads row events only: every session must log in ROW format (sessions opened before SET GLOBAL binlog_format=ROW keep their format until they reconnect)"}}
		}
		if st.tx != nil && len(st.tx.Changes) > 0 {
			// DDL commits the open transaction implicitly; the binlog logs it apart, but
			// keep the order in any case.
			if err := r.commit(ctx, st, ev, durables); err != nil {
				return err
			}
		}
		st.tx = nil
		p, err := encodePosition(st.file, ev.Header.LogPos)
		if err != nil {
			return err
		}
		if err := r.ddl(ctx, conn, string(e.Schema), q, p); err != nil {
			return err
		}
		r.addGTID(st.gtid)
		st.gtid = ""
	case *replication.XIDEvent:
		return r.commit(ctx, st, ev, durables)
	case *replication.RowsEvent:
		return r.rows(st, ev, e)
	case *replication.HeartbeatEvent:
		// The upstream has nothing more to send: every transaction before its position is
		// applied, so reads waiting for it may go on.
		if st.tx == nil && ev.Header.LogPos > 0 {
			if p, err := encodePosition(st.file, ev.Header.LogPos); err == nil && p > r.m.Position() {
				r.m.Advance(p)
			}
		}
	}
	return nil
}

// dmlWords begin statements that change rows: in the binary log as text, they mean a
// session logs in STATEMENT format.
var dmlWords = map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "REPLACE": true, "LOAD": true}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func firstWord(q string) string {
	for i, c := range q {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ';' || c == '/' {
			return q[:i]
		}
	}
	return q
}

// rows adds a rows event's changes to the open transaction.
func (r *Replicator) rows(st *streamState, ev *replication.BinlogEvent, e *replication.RowsEvent) error {
	if e.Table == nil || !strings.EqualFold(string(e.Table.Schema), r.up.db) {
		return nil
	}
	t := r.tables[strings.ToLower(string(e.Table.Table))]
	if t == nil {
		return nil
	}
	if int(e.ColumnCount) != len(t.Columns) {
		r.resnapshot.Store(true)
		return fmt.Errorf("binlog: a change to %s has %d columns, and its mirror %d: the table changed; a fresh copy follows", t.Name, e.ColumnCount, len(t.Columns))
	}
	for _, skipped := range e.SkippedColumns {
		if len(skipped) > 0 {
			return fatal{Err: &SettingError{Setting: "binlog_row_image", Have: "not FULL", Fix: fmt.Sprintf("a change to %s lacks columns: set binlog_row_image=FULL (the setting is per session: sessions opened before the change keep theirs until they reconnect)", t.Name)}}
		}
	}
	if st.tx == nil {
		st.tx = &weir.MirrorTx{}
	}
	row := func(vals []any) (dataflow.Row, error) {
		out := make(dataflow.Row, len(vals))
		for i, v := range vals {
			x, err := binlogValue(&t.Columns[i], v)
			if err != nil {
				return nil, fatal{Err: fmt.Errorf("binlog: table %s, column %s: %w", t.Name, t.Columns[i].Name, err)}
			}
			out[i] = x
		}
		return out, nil
	}
	switch e.Type() {
	case replication.EnumRowsEventTypeInsert:
		for _, vals := range e.Rows {
			nr, err := row(vals)
			if err != nil {
				return err
			}
			st.tx.Changes = append(st.tx.Changes, weir.MirrorChange{Table: t.Name, Op: weir.MirrorInsert, New: nr})
		}
	case replication.EnumRowsEventTypeDelete:
		for _, vals := range e.Rows {
			or, err := row(vals)
			if err != nil {
				return err
			}
			st.tx.Changes = append(st.tx.Changes, weir.MirrorChange{Table: t.Name, Op: weir.MirrorDelete, Old: or})
		}
	case replication.EnumRowsEventTypeUpdate:
		for i := 0; i+1 < len(e.Rows); i += 2 {
			or, err := row(e.Rows[i])
			if err != nil {
				return err
			}
			nr, err := row(e.Rows[i+1])
			if err != nil {
				return err
			}
			st.tx.Changes = append(st.tx.Changes, weir.MirrorChange{Table: t.Name, Op: weir.MirrorUpdate, Old: or, New: nr})
		}
	default:
		return fatal{Err: fmt.Errorf("binlog: a %s event on %s, which Weir does not follow (MySQL's partial JSON updates: set binlog_row_value_options to empty)", ev.Header.EventType, t.Name)}
	}
	return nil
}

// commit applies the open transaction as one engine transaction at the position after ev.
func (r *Replicator) commit(ctx context.Context, st *streamState, ev *replication.BinlogEvent, durables *replstate.Durability) error {
	tx, gtid := st.tx, st.gtid
	st.tx, st.gtid = nil, ""
	p, err := encodePosition(st.file, ev.Header.LogPos)
	if err != nil {
		return err
	}
	if tx == nil || len(tx.Changes) == 0 {
		if p > r.m.Position() {
			r.m.Advance(p)
		}
		r.addGTID(gtid)
		return nil
	}
	tx.Position = p
	tok, wait, err := r.m.Apply(ctx, tx)
	if err != nil {
		// The mirror and the upstream disagree (a row to change is missing): only a fresh
		// copy can bring them back in step.
		r.log.Error("an upstream transaction does not apply to the mirror; a fresh copy follows", zap.String("position", PositionString(r.binlogBase(), p)), zap.Error(err))
		r.resnapshot.Store(true)
		return err
	}
	if tok != 0 {
		r.stats.Transactions.Add(1)
		r.stats.Changes.Add(int64(len(tx.Changes)))
		r.stats.LastCommit.Store(time.Unix(int64(st.commitTime), 0).UnixNano())
		if err := durables.Add(ctx, p, wait); err != nil {
			return err
		}
	}
	r.addGTID(gtid)
	return nil
}
