package replication

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/replication/internal/copyprogress"
)

// copyingPrefix marks the upstream identity of a directory whose copy has not completed.
const copyingPrefix = "copying "

// snapshotBatch is how many copied rows go into one engine transaction.
const snapshotBatch = 2000

// snapshot replaces the mirrored tables with a fresh copy: it creates the slot, which
// exports the snapshot its stream starts at, copies every table under that snapshot, and
// records the upstream and the slot's start position once the copy is complete. Until then
// the data directory holds no upstream identity, so a crash during the copy leads to a new
// copy rather than to a stream over half the rows. Named views survive: they are registered
// again over the new tables.
func (r *Replicator) snapshot(ctx context.Context, conn *pgx.Conn, rconn *pgconn.PgConn, tables []*Table, identity string) (pglogrepl.LSN, error) {
	r.stats.Snapshots.Add(1)
	r.stats.SnapshotRows.Store(0)
	views := map[string]string{}
	for _, name := range r.e.Views() {
		if v, err := r.e.View(name); err == nil {
			views[name] = v.SQL()
		}
	}
	// Until the copy completes the directory says so, rather than naming the upstream.
	if err := r.m.SetUpstream(copyingPrefix+identity, 0); err != nil {
		return 0, err
	}
	for _, name := range r.e.Tables() {
		if err := r.m.DropTable(ctx, name); err != nil {
			return 0, err
		}
	}
	for _, t := range tables {
		if err := r.m.CreateTable(ctx, t.DDL()); err != nil {
			return 0, fatal{Err: fmt.Errorf("replication: creating the mirror of %s.%s: %w", t.Schema, t.Name, err)}
		}
	}

	slot, err := pglogrepl.CreateReplicationSlot(ctx, rconn, r.cfg.Slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{SnapshotAction: "EXPORT_SNAPSHOT", Mode: pglogrepl.LogicalReplication})
	if err != nil {
		return 0, fmt.Errorf("replication: creating slot %s: %w", r.cfg.Slot, err)
	}
	start, err := pglogrepl.ParseLSN(slot.ConsistentPoint)
	if err != nil {
		return 0, fmt.Errorf("replication: slot %s starts at %q: %w", r.cfg.Slot, slot.ConsistentPoint, err)
	}

	// The exported snapshot lives while the replication connection stays idle, which it
	// does until the copy is done.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+slot.SnapshotName+"'"); err != nil {
		return 0, fmt.Errorf("replication: using the slot's snapshot: %w", err)
	}
	var total int64
	for _, t := range tables {
		var n float64
		if err := tx.QueryRow(ctx, "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = $1::regclass", t.Qualified()).Scan(&n); err == nil {
			total += int64(n)
		}
	}
	r.stats.SnapshotTotal.Store(max(total, 1))
	bar := copyprogress.New(r.cfg.Progress, total)
	began := time.Now()
	var pos uint64 // the copy's own transaction numbers; the real position comes at the end
	var last func() error
	for _, t := range tables {
		n, wait, err := r.copyTable(ctx, tx, t, &pos, bar)
		if err != nil {
			return 0, err
		}
		if wait != nil {
			last = wait
		}
		r.log.Info("copied table", zap.String("table", t.Schema+"."+t.Name), zap.Int64("rows", n))
	}
	if last != nil {
		// Batches become durable in order: the last one's durability covers the copy.
		if err := last(); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	bar.Done()
	for name, sql := range views {
		if _, err := r.e.Register(ctx, name, sql); err != nil {
			r.log.Error("a named cache no longer fits the upstream tables and was dropped", zap.String("cache", name), zap.String("sql", sql), zap.Error(err))
		}
	}
	if err := r.m.SetUpstream(identity, uint64(start)); err != nil {
		return 0, err
	}
	r.stats.SnapshotDone()
	r.log.Info("snapshot complete", zap.Int64("rows", r.stats.SnapshotRows.Load()), zap.Duration("took", time.Since(began)), zap.Stringer("lsn", start))
	return start, nil
}

// copyTable copies one table's rows into the mirror in batches and returns the row count and
// the durability wait of its last batch.
func (r *Replicator) copyTable(ctx context.Context, tx pgx.Tx, t *Table, pos *uint64, bar *copyprogress.Bar) (int64, func() error, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name) + "::text"
	}
	rows, err := tx.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+t.Qualified(), pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		return 0, nil, fmt.Errorf("replication: copying %s.%s: %w", t.Schema, t.Name, err)
	}
	defer rows.Close()
	var n int64
	var wait func() error
	batch := &weir.MirrorTx{}
	flush := func() error {
		if len(batch.Changes) == 0 {
			return nil
		}
		*pos++
		batch.Position = *pos
		_, w, err := r.m.Apply(ctx, batch)
		if err != nil {
			return fmt.Errorf("replication: loading %s.%s: %w", t.Schema, t.Name, err)
		}
		if w != nil {
			wait = w
		}
		r.stats.SnapshotRows.Add(int64(len(batch.Changes)))
		bar.Add(int64(len(batch.Changes)))
		batch = &weir.MirrorTx{Changes: batch.Changes[:0:0]}
		return nil
	}
	for rows.Next() {
		raw := rows.RawValues()
		row := make(dataflow.Row, len(raw))
		for i, b := range raw {
			if b == nil {
				row[i] = dataflow.Null
				continue
			}
			v, err := textValue(&t.Columns[i], string(b))
			if err != nil {
				return 0, nil, fatal{Err: fmt.Errorf("replication: %s.%s column %s: %w", t.Schema, t.Name, t.Columns[i].Name, err)}
			}
			row[i] = v
		}
		batch.Changes = append(batch.Changes, weir.MirrorChange{Table: t.Name, Op: weir.MirrorInsert, New: row})
		n++
		if len(batch.Changes) == snapshotBatch {
			if err := flush(); err != nil {
				return 0, nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("replication: copying %s.%s: %w", t.Schema, t.Name, err)
	}
	if err := flush(); err != nil {
		return 0, nil, err
	}
	return n, wait, nil
}
