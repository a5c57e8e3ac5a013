package weir

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/storage"
)

// An engine opened with Options.Mirror keeps a copy of another database's tables: a
// replication stream (package replication) is their only writer, through the Mirror
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
		"Weir is mirroring an upstream database, so it cannot run %s: write to the upstream database (PostgreSQL) instead; its changes reach Weir through replication", what))
}

// MirrorOp is the kind of a MirrorChange.
type MirrorOp uint8

const (
	// MirrorInsert adds New (replacing a row with the same primary key, if any).
	MirrorInsert MirrorOp = iota + 1
	// MirrorUpdate replaces the row whose primary key Old (or, when Old is nil, New) holds
	// with New.
	MirrorUpdate
	// MirrorDelete removes the row whose primary key Old holds.
	MirrorDelete
	// MirrorTruncate removes every row of the table.
	MirrorTruncate
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
	// (for PostgreSQL, the LSN of the end of its commit record). It must grow from one
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
		return t.ddl
	}
	return ""
}

// CreateTable creates a mirrored table from MySQL DDL.
func (m *Mirror) CreateTable(ctx context.Context, ddl string) error {
	st, _, err := m.e.plan(ddl)
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
	st, _, err := m.e.plan("DROP TABLE IF EXISTS `" + strings.ReplaceAll(name, "`", "``") + "`")
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
	tables := make([]*table, len(tx.Changes))
	e.mu.RLock()
	for i, c := range tx.Changes {
		t, ok := e.tables[strings.ToLower(c.Table)]
		if !ok {
			e.mu.RUnlock()
			return 0, nil, errNoSuchTable(c.Table)
		}
		if !t.base.HasPrimaryKey() {
			e.mu.RUnlock()
			return 0, nil, fmt.Errorf("weir: mirrored table %s has no primary key", c.Table)
		}
		tables[i] = t
	}
	e.mu.RUnlock()

	// One writer per table, in order of first appearance: their undo logs take the
	// transaction back on error, and their deltas go out together.
	var writers []*writer
	writerOf := func(t *table) *writer {
		for _, w := range writers {
			if w.t == t {
				return w
			}
		}
		w := &writer{e: e, t: t}
		writers = append(writers, w)
		return w
	}
	tok, durable, err := e.apply(ctx, true, func() ([]*writer, error) {
		for i := range tx.Changes {
			if err := writerOf(tables[i]).mirror(&tx.Changes[i]); err != nil {
				return writers, fmt.Errorf("weir: applying upstream change %d (%s of %s): %w", i+1, tx.Changes[i].Op, tx.Changes[i].Table, err)
			}
		}
		return writers, nil
	}, func(ws []*writer, tok uint64) (func() error, error) {
		durable, err := e.persistMirror(ws, tok, tx.Position)
		if err != nil {
			return nil, fmt.Errorf("weir: the upstream transaction was not applied: %w", err)
		}
		return durable, nil
	}, func() {
		// Reads waiting for the position go on once its token is the newest: they then
		// wait for that token to be visible.
		m.advance(tx.Position, false)
	})
	if err != nil {
		return 0, nil, err
	}
	return Token(tok), durable, nil
}

func (op MirrorOp) String() string {
	switch op {
	case MirrorInsert:
		return "insert"
	case MirrorUpdate:
		return "update"
	case MirrorDelete:
		return "delete"
	case MirrorTruncate:
		return "truncate"
	}
	return fmt.Sprintf("MirrorOp(%d)", uint8(op))
}

// mirror applies one upstream row change in the base domain.
func (w *writer) mirror(c *MirrorChange) error {
	base := w.t.base
	width := len(w.schema().Cols)
	switch c.Op {
	case MirrorTruncate:
		var keys []string
		base.Scan(func(key string, row dataflow.Row) bool {
			keys = append(keys, key)
			w.deltas = append(w.deltas, dataflow.Record{Row: row, Neg: true})
			return true
		})
		for _, k := range keys {
			w.remove(k)
		}
		return nil
	case MirrorDelete:
		if len(c.Old) != width {
			return fmt.Errorf("old row has %d columns, the table %d", len(c.Old), width)
		}
		if err := w.finishKey(c.Old); err != nil {
			return err
		}
		key, old, ok := base.GetByKey(c.Old)
		if !ok {
			return errors.New("the row to delete is not in the mirror")
		}
		w.remove(key)
		w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true})
		return nil
	case MirrorInsert, MirrorUpdate:
	default:
		return fmt.Errorf("unknown change kind %d", c.Op)
	}
	if len(c.New) != width {
		return fmt.Errorf("row has %d columns, the table %d", len(c.New), width)
	}
	row := make(dataflow.Row, width)
	copy(row, c.New)
	probe := c.Old
	if probe == nil || c.Op == MirrorInsert {
		probe = row
	} else if len(probe) != width {
		return fmt.Errorf("old row has %d columns, the table %d", len(probe), width)
	}
	if err := w.finishKey(probe); err != nil {
		return err
	}
	oldKey, old, exists := base.GetByKey(probe)
	if c.Op == MirrorUpdate && !exists {
		return errors.New("the row to update is not in the mirror")
	}
	for i, keep := range c.Keep {
		if keep && i < width {
			if !exists {
				return fmt.Errorf("column %d kept its old value, but there is no old row", i+1)
			}
			row[i] = old[i]
		}
	}
	if err := w.finish(row); err != nil {
		return err
	}
	if exists {
		if c.Op == MirrorInsert {
			w.e.mirror.replaced.Add(1)
		}
		w.remove(oldKey)
		w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true})
	}
	// The new key may hold another row only if the upstream is out of step with the
	// mirror; replacing it keeps the mirror equal to the upstream's latest word.
	if k, other, taken := base.GetByKey(row); taken {
		w.e.mirror.replaced.Add(1)
		w.remove(k)
		w.deltas = append(w.deltas, dataflow.Record{Row: other, Neg: true})
	}
	w.put(base.KeyOf(row), row)
	w.deltas = append(w.deltas, dataflow.Record{Row: row})
	return nil
}

func convertTo(v dataflow.Value, c planner.ColumnDef) (dataflow.Value, error) {
	out, err := expr.Convert(v, c.Type, true)
	if err != nil {
		return dataflow.Null, fmt.Errorf("column '%s': %w", c.Name, err)
	}
	return out, nil
}

// finishKey converts the primary-key columns of a probe row to their types, so the probe
// finds the stored row's key encoding.
func (w *writer) finishKey(probe dataflow.Row) error {
	cols := w.schema().Cols
	for _, i := range w.t.base.PrimaryKey() {
		v, err := convertTo(probe[i], cols[i])
		if err != nil {
			return err
		}
		probe[i] = v
	}
	return nil
}
