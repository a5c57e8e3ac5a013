package weir

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
	"github.com/weirdb/weir/tables"
)

// An engine opened with Options.Mirror keeps a copy of another database's tables: a
// replication stream (package replication for PostgreSQL, replication/binlog for MySQL and
// MariaDB) is their only writer, through the Mirror
// handle, and clients may register and read views but not write. Each upstream
// transaction is applied as one write: every row it changed, in every table, becomes
// visible under one token and is stored in one durable batch together with the upstream
// position it reached, so after a crash the stored rows and the stored position agree and
// the stream resumes exactly after the last transaction kept.

// ErrCodeReadOnly is MySQL's "running with the --read-only option" error, which a mirror
// gives to client writes and DDL.
const ErrCodeReadOnly = 1290

// errMirrorReadOnly is what a client's write or DDL gets from a mirror.
func errMirrorReadOnly(what string) error {
	return newError(ErrCodeReadOnly, "HY000", fmt.Sprintf(
		"Weir is mirroring an upstream database, so it cannot run %s: write to the upstream database (PostgreSQL, MySQL or MariaDB) instead; its changes reach Weir through replication", what))
}

// MirrorOp is the kind of a MirrorChange.
type MirrorOp = tables.ChangeOp

const (
	// MirrorInsert adds New (replacing a row with the same primary key, if any).
	MirrorInsert = tables.Insert
	// MirrorUpdate replaces the row whose primary key Old (or, when Old is nil, New) holds
	// with New.
	MirrorUpdate = tables.Update
	// MirrorDelete removes the row whose primary key Old holds.
	MirrorDelete = tables.Delete
	// MirrorTruncate removes every row of the table.
	MirrorTruncate = tables.Truncate
)

// MirrorChange is one row change of an upstream transaction. Rows are in the table's column
// order; values are converted to the columns' types as an INSERT would convert them, so a
// stream may hand over text. Apply may convert the values of Old in place.
type MirrorChange struct {
	Table string
	Op    MirrorOp
	// Old holds at least the primary-key columns of the row an update or delete changes
	// (other positions are ignored). nil for an update that kept its key.
	Old dataflow.Row
	// New is the row an insert or update leaves.
	New dataflow.Row
	// Keep, when not nil, marks the columns of an update whose values did not travel with
	// the change (PostgreSQL's unchanged TOAST values): they keep the stored row's values.
	Keep []bool
}

// MirrorTx is one upstream transaction.
type MirrorTx struct {
	// Position is the upstream position the tables reach once the transaction is applied
	// (for PostgreSQL, the LSN of the end of its commit record; for a MySQL or MariaDB
	// binlog, the file's number × 2³² + the offset after its commit event). It must grow from one
	// transaction to the next; a transaction at or below the stored position is skipped,
	// which is what makes replaying a stream from an older position harmless.
	Position uint64
	Changes  []MirrorChange
}

// Mirror is the write side of a mirroring engine (Engine.Mirror).
type Mirror struct {
	e *Engine

	mu sync.Mutex
	// applied is the upstream position the tables reflect (applied in the base domain; a
	// read that waits for its token sees it). wake is closed and replaced when it grows.
	applied  uint64
	wake     chan struct{}
	upstream string // the upstream's identity, as stored
	waiting  atomic.Int32
	replaced atomic.Int64
	// gtidWaiter waits for an upstream GTID; set by a stream whose upstream has GTIDs.
	gtidWaiter atomic.Pointer[func(ctx context.Context, gtid string) error]
}

// ErrNoGTIDs is WaitForGTID's error when the stream feeding the mirror has no GTIDs (a
// PostgreSQL upstream, or none running yet).
var ErrNoGTIDs = errors.New("weir: the mirror's upstream stream has no GTIDs to wait for")

// SetGTIDWaiter installs how WaitForGTID waits: a binlog stream (package
// replication/binlog) installs its own, which knows the upstream's GTID forms.
func (m *Mirror) SetGTIDWaiter(wait func(ctx context.Context, gtid string) error) {
	m.gtidWaiter.Store(&wait)
}

// WaitForGTID blocks until the tables reflect the upstream transaction gtid (MariaDB's
// domain-server-seq, as @@last_gtid gives it after a write; MySQL's uuid:n, or a GTID set)
// and every view shows it, or ctx ends. It is the wait a proxy makes to give a session
// read-your-writes: after the session's write on the upstream, its next read from a cache
// waits for the write's GTID. It returns ErrNoGTIDs when the upstream has no GTIDs.
func (m *Mirror) WaitForGTID(ctx context.Context, gtid string) error {
	w := m.gtidWaiter.Load()
	if w == nil {
		return ErrNoGTIDs
	}
	return (*w)(ctx, gtid)
}

// Replaced counts inserts that found their key taken and replaced the row there. An
// upstream with a primary key never sends one, so a count above zero means a change
// arrived twice or the mirror is out of step.
func (m *Mirror) Replaced() int64 { return m.replaced.Load() }

// Waiting reports whether a read is waiting for a position the mirror has not reached.
func (m *Mirror) Waiting() bool { return m.waiting.Load() > 0 }

// Mirror returns the engine's mirror handle, or nil unless it was opened with Options.Mirror.
func (e *Engine) Mirror() *Mirror { return e.mirror }

// Upstream returns the identity recorded with SetUpstream ("" if none): a mirror that finds
// another upstream's identity, or none, must start from a fresh copy.
func (m *Mirror) Upstream() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.upstream
}

// Position returns the upstream position the tables reflect: the stored one after Open,
// then that of every transaction applied (or Advance).
func (m *Mirror) Position() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applied
}

// SetUpstream durably records the upstream's identity and the position the tables are at,
// once a fresh copy is complete.
func (m *Mirror) SetUpstream(id string, pos uint64) error {
	if st := m.e.store; st != nil {
		var b storage.Batch
		b.SetUpstream(id)
		b.SetUpstreamPosition(pos)
		if err := st.Commit(&b); err != nil {
			return err
		}
	}
	m.mu.Lock()
	m.upstream = id
	m.mu.Unlock()
	m.advance(pos, true)
	return nil
}

// Advance records that the upstream has nothing more before pos for the mirror (a
// keepalive at pos arrived with no transaction pending), so reads waiting for pos may go
// on. It is not stored: after a restart the stream resumes from the last transaction.
func (m *Mirror) Advance(pos uint64) { m.advance(pos, false) }

func (m *Mirror) advance(pos uint64, reset bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if pos <= m.applied && !reset {
		return
	}
	m.applied = pos
	if m.wake != nil {
		close(m.wake)
		m.wake = nil
	}
}

// WaitForPosition blocks until the tables reflect the upstream position pos and every view
// shows it, or ctx ends.
func (m *Mirror) WaitForPosition(ctx context.Context, pos uint64) error {
	m.waiting.Add(1)
	defer m.waiting.Add(-1)
	for {
		m.mu.Lock()
		if m.applied >= pos {
			m.mu.Unlock()
			return m.e.WaitFor(ctx, Token(m.e.lastToken.Load()))
		}
		if m.wake == nil {
			m.wake = make(chan struct{})
		}
		wake := m.wake
		m.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("weir: waiting for upstream position %d (applied: %d): %w", pos, m.Position(), ctx.Err())
		}
	}
}

// TableDDL returns the CREATE TABLE statement a table was created with ("" if there is no
// such table), so a stream can tell whether the upstream's columns still match.
func (m *Mirror) TableDDL(name string) string {
	m.e.mu.RLock()
	defer m.e.mu.RUnlock()
	if t, ok := m.e.tables[strings.ToLower(name)]; ok {
		return t.DDL
	}
	return ""
}

// CreateTable creates a mirrored table from MySQL DDL.
func (m *Mirror) CreateTable(ctx context.Context, ddl string) error {
	st, _, err := m.e.plan(DatabaseName, ddl)
	if err != nil {
		return err
	}
	ct, ok := st.(*planner.CreateTable)
	if !ok {
		return fmt.Errorf("weir: mirror CreateTable needs CREATE TABLE, got %q", ddl)
	}
	_, err = m.e.createTable(ctx, ct, ddl)
	return err
}

// DropTable drops a mirrored table and the views over it.
func (m *Mirror) DropTable(ctx context.Context, name string) error {
	st, _, err := m.e.plan(DatabaseName, "DROP TABLE IF EXISTS `"+strings.ReplaceAll(name, "`", "``")+"`")
	if err != nil {
		return err
	}
	_, err = m.e.dropTables(ctx, st.(*planner.DropTable))
	return err
}

// Apply applies an upstream transaction atomically and returns its token and a function
// that reports when it is durable (nil without a store). A transaction at or below the
// current position is skipped (token 0). On error nothing of it is applied.
func (m *Mirror) Apply(ctx context.Context, tx *MirrorTx) (Token, func() error, error) {
	e := m.e
	if err := e.checkOpen(); err != nil {
		return 0, nil, err
	}
	e.gate.RLock() // the catalog stays as it is until the transaction is applied
	defer e.gate.RUnlock()
	if tx.Position <= m.Position() {
		return 0, nil, nil
	}
	changed := make([]*tables.Table, len(tx.Changes))
	e.mu.RLock()
	for i, c := range tx.Changes {
		t, ok := e.tables[strings.ToLower(c.Table)]
		if !ok {
			e.mu.RUnlock()
			return 0, nil, errNoSuchTable(c.Table)
		}
		if !t.Base.HasPrimaryKey() {
			e.mu.RUnlock()
			return 0, nil, fmt.Errorf("weir: mirrored table %s has no primary key", c.Table)
		}
		changed[i] = t
	}
	e.mu.RUnlock()

	// One writer per table, in order of first appearance: their undo logs take the
	// transaction back on error, and their deltas go out together.
	var writers []*tables.Writer
	writerOf := func(t *tables.Table) *tables.Writer {
		for _, w := range writers {
			if w.Table() == t {
				return w
			}
		}
		w := tables.NewWriter(t, nil)
		writers = append(writers, w)
		return w
	}
	tok, durable, err := e.apply(ctx, true, func() ([]*tables.Writer, error) {
		for i := range tx.Changes {
			c := &tx.Changes[i]
			if err := writerOf(changed[i]).Mirror(&tables.Change{Op: c.Op, Old: c.Old, New: c.New, Keep: c.Keep}); err != nil {
				return writers, fmt.Errorf("weir: applying upstream change %d (%s of %s): %w", i+1, c.Op, c.Table, err)
			}
		}
		return writers, nil
	}, func(ws []*tables.Writer, tok uint64) (func() error, error) {
		durable, err := e.persistWrite(ws, tok, &tx.Position)
		if err != nil {
			return nil, fmt.Errorf("weir: the upstream transaction was not applied: %w", err)
		}
		return durable, nil
	}, func() {
		for _, w := range writers {
			m.replaced.Add(w.Replaced())
		}
		// Reads waiting for the position go on once its token is the newest: they then
		// wait for that token to be visible.
		m.advance(tx.Position, false)
	})
	if err != nil {
		return 0, nil, err
	}
	return Token(tok), durable, nil
}

// AlterTable changes a mirrored table's definition in place, as the upstream's DDL did:
// stmt is an ALTER TABLE or a RENAME TABLE in MySQL's dialect. Rows keep their values (a new
// column takes its default); views over the table are planned again, as for a client's
// ALTER TABLE.
func (m *Mirror) AlterTable(ctx context.Context, stmt string) error {
	st, _, err := m.e.plan(DatabaseName, stmt)
	if err != nil {
		return err
	}
	switch s := st.(type) {
	case *planner.AlterTable:
		_, err = m.e.alterTable(ctx, s)
	case *planner.RenameTables:
		_, err = m.e.renameTables(ctx, s)
	default:
		return fmt.Errorf("weir: mirror AlterTable needs ALTER TABLE or RENAME TABLE, got %q", stmt)
	}
	return err
}

// TableMatches reports whether mirrored table name has the columns (names, types,
// nullability, in order) and the primary key the CREATE TABLE ddl gives it, whatever the
// form of either statement: a table altered in place keeps Weir's own form of its
// definition, with the defaults its ALTER gave.
func (m *Mirror) TableMatches(name, ddl string) (bool, error) {
	st, _, err := m.e.plan(DatabaseName, ddl)
	if err != nil {
		return false, err
	}
	ct, ok := st.(*planner.CreateTable)
	if !ok {
		return false, fmt.Errorf("weir: mirror TableMatches needs CREATE TABLE, got %q", ddl)
	}
	m.e.mu.RLock()
	defer m.e.mu.RUnlock()
	t, ok := m.e.tables[strings.ToLower(name)]
	if !ok {
		return false, nil
	}
	have, want := t.Schema, &ct.Schema
	if len(have.Cols) != len(want.Cols) || !slices.Equal(have.PK, want.PK) {
		return false, nil
	}
	for i := range have.Cols {
		h, w := &have.Cols[i], &want.Cols[i]
		if h.Name != w.Name || h.NotNull != w.NotNull || h.Type != w.Type {
			return false, nil
		}
	}
	return true, nil
}
