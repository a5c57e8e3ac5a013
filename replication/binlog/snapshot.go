package binlog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/replication/internal/copyprogress"
)

// copyingPrefix marks the upstream identity of a directory whose copy has not completed.
const copyingPrefix = "copying "

// snapshotBatch is how many copied rows go into one engine transaction.
const snapshotBatch = 2000

// snapshot replaces the mirrored tables with a fresh copy taken in one consistent snapshot
// of the upstream, and returns the binlog position that snapshot corresponds to: the
// stream starts there, so every transaction is either in the copy or in the stream, never
// both. The upstream identity and the position are stored only once the copy is complete;
// a crash during the copy leads to a new copy. Named views are registered again over the
// new tables.
func (r *Replicator) snapshot(ctx context.Context, conn *client.Conn, tables []*Table, identity string) (string, uint32, error) {
	r.stats.Snapshots.Add(1)
	r.stats.SnapshotRows.Store(0)
	views := map[string]string{}
	for _, name := range r.e.Views() {
		if v, err := r.e.View(name); err == nil {
			views[name] = v.SQL()
		}
	}
	if err := r.m.SetUpstream(copyingPrefix+identity, 0); err != nil {
		return "", 0, err
	}
	for _, name := range r.e.Tables() {
		if err := r.m.DropTable(ctx, name); err != nil {
			return "", 0, err
		}
	}
	for _, t := range tables {
		if err := r.m.CreateTable(ctx, t.DDL()); err != nil {
			return "", 0, fatal{Err: fmt.Errorf("binlog: creating the mirror of %s (%s): %w", t.Name, t.DDL(), err)}
		}
	}

	file, pos, gtids, err := r.beginSnapshot(conn)
	if err != nil {
		return "", 0, err
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.Execute("ROLLBACK")
		}
	}()
	var total int64
	for _, t := range tables {
		total += t.Rows
	}
	r.stats.SnapshotTotal.Store(max(total, 1))
	bar := copyprogress.New(r.cfg.Progress, total)
	began := time.Now()
	var seq uint64 // the copy's own transaction numbers; the real position comes at the end
	var last func() error
	for _, t := range tables {
		n, wait, err := r.copyTable(ctx, conn, t, &seq, bar)
		if err != nil {
			return "", 0, err
		}
		if wait != nil {
			last = wait
		}
		r.log.Info("copied table", zap.String("table", t.Name), zap.Int64("rows", n))
	}
	if last != nil {
		// Batches become durable in order: the last one's durability covers the copy.
		if err := last(); err != nil {
			return "", 0, err
		}
	}
	if _, err := conn.Execute("COMMIT"); err != nil {
		return "", 0, fmt.Errorf("binlog: ending the copy's transaction: %w", err)
	}
	committed = true
	bar.Done()
	for name, sql := range views {
		if _, err := r.e.Register(ctx, name, sql); err != nil {
			r.log.Error("a named cache no longer fits the upstream tables and was dropped", zap.String("cache", name), zap.String("sql", sql), zap.Error(err))
		}
	}
	p, err := encodePosition(file, pos)
	if err != nil {
		return "", 0, err
	}
	if err := r.m.SetUpstream(identity, p); err != nil {
		return "", 0, err
	}
	r.setGTIDs(gtids)
	r.stats.SnapshotDone()
	r.log.Info("snapshot complete", zap.Int64("rows", r.stats.SnapshotRows.Load()), zap.Duration("took", time.Since(began)), zap.String("file", file), zap.Uint32("position", pos), zap.String("gtid", gtidString(gtids)))
	return file, pos, nil
}

// beginSnapshot opens the copy's transaction and returns the binlog position and GTID
// state it sees. MariaDB reports the position of a consistent snapshot itself
// (binlog_snapshot_file and binlog_snapshot_position); MySQL does not, so writes are held
// off with FLUSH TABLES WITH READ LOCK for the moment it takes to open the snapshot and read
// SHOW MASTER STATUS.
func (r *Replicator) beginSnapshot(conn *client.Conn) (string, uint32, mysql.GTIDSet, error) {
	if _, err := conn.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
		return "", 0, nil, err
	}
	if r.up.flavor == mysql.MariaDBFlavor {
		if _, err := conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); err != nil {
			return "", 0, nil, fmt.Errorf("binlog: opening the copy's snapshot: %w", err)
		}
		rows, err := queryStrings(conn, "SHOW STATUS LIKE 'binlog_snapshot_%'")
		if err != nil {
			return "", 0, nil, fmt.Errorf("binlog: reading the snapshot's binlog position: %w", err)
		}
		var file, posText string
		for _, row := range rows {
			switch strings.ToLower(row[0]) {
			case "binlog_snapshot_file":
				file = row[1]
			case "binlog_snapshot_position":
				posText = row[1]
			}
		}
		pos, err := strconv.ParseUint(posText, 10, 32)
		if file == "" || err != nil {
			return "", 0, nil, fmt.Errorf("binlog: the snapshot's binlog position is %q:%q", file, posText)
		}
		gtids, err := r.gtidAt(conn, file, uint32(pos))
		if err != nil {
			return "", 0, nil, err
		}
		return file, uint32(pos), gtids, nil
	}
	// MySQL 8.
	if _, err := conn.Execute("FLUSH TABLES WITH READ LOCK"); err != nil {
		return "", 0, nil, privilegeOr(err, "RELOAD", "to fence writes off while the copy's snapshot opens (FLUSH TABLES WITH READ LOCK)")
	}
	unlocked := false
	defer func() {
		if !unlocked {
			_, _ = conn.Execute("UNLOCK TABLES")
		}
	}()
	if _, err := conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); err != nil {
		return "", 0, nil, fmt.Errorf("binlog: opening the copy's snapshot: %w", err)
	}
	rows, err := queryStrings(conn, "SHOW BINARY LOG STATUS")
	if err != nil {
		rows, err = queryStrings(conn, "SHOW MASTER STATUS") // before MySQL 8.2
	}
	if err != nil || len(rows) == 0 {
		return "", 0, nil, fmt.Errorf("binlog: reading the binlog position (SHOW MASTER STATUS): %v", err)
	}
	if _, err := conn.Execute("UNLOCK TABLES"); err != nil {
		return "", 0, nil, err
	}
	unlocked = true
	pos, err := strconv.ParseUint(rows[0][1], 10, 32)
	if err != nil {
		return "", 0, nil, fmt.Errorf("binlog: binlog position %q: %w", rows[0][1], err)
	}
	var set string
	if len(rows[0]) >= 5 {
		set = strings.ReplaceAll(rows[0][4], "\n", "")
	}
	gtids, err := mysql.ParseMysqlGTIDSet(set)
	if err != nil {
		return "", 0, nil, fmt.Errorf("binlog: the upstream's executed GTID set %q: %w", set, err)
	}
	return rows[0][0], uint32(pos), gtids, nil
}

// copyTable copies one table's rows into the mirror in batches and returns the row count and
// the durability wait of its last batch.
func (r *Replicator) copyTable(ctx context.Context, conn *client.Conn, t *Table, seq *uint64, bar *copyprogress.Bar) (int64, func() error, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteName(c.Name)
	}
	var n int64
	var wait func() error
	batch := &weir.MirrorTx{}
	flush := func() error {
		if len(batch.Changes) == 0 {
			return nil
		}
		*seq++
		batch.Position = *seq
		_, w, err := r.m.Apply(ctx, batch)
		if err != nil {
			return fmt.Errorf("binlog: loading %s: %w", t.Name, err)
		}
		if w != nil {
			wait = w
		}
		r.stats.SnapshotRows.Add(int64(len(batch.Changes)))
		bar.Add(int64(len(batch.Changes)))
		batch = &weir.MirrorTx{Changes: make([]weir.MirrorChange, 0, snapshotBatch)}
		return nil
	}
	var res mysql.Result
	var flushErr error
	err := conn.ExecuteSelectStreaming("SELECT "+strings.Join(cols, ", ")+" FROM "+quoteName(r.up.db)+"."+quoteName(t.Name), &res, func(row []mysql.FieldValue) error {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("binlog: copying %s: %d columns, want %d", t.Name, len(row), len(t.Columns))
		}
		out := make(dataflow.Row, len(row))
		for i := range row {
			out[i] = copyValue(&t.Columns[i], &row[i])
		}
		batch.Changes = append(batch.Changes, weir.MirrorChange{Table: t.Name, Op: weir.MirrorInsert, New: out})
		n++
		if len(batch.Changes) == snapshotBatch {
			if err := flush(); err != nil {
				flushErr = err
				return err
			}
		}
		return ctx.Err()
	}, nil)
	if flushErr != nil {
		return 0, nil, flushErr
	}
	if err != nil {
		return 0, nil, privilegeOr(fmt.Errorf("binlog: copying %s: %w", t.Name, err), "SELECT", "on the database to copy its tables")
	}
	if err := flush(); err != nil {
		return 0, nil, err
	}
	return n, wait, nil
}
