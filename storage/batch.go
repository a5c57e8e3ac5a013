package storage

import (
	"encoding/binary"

	"github.com/cockroachdb/pebble/v2"
	"github.com/weirdb/weir/dataflow"
)

// Batch is one unit of durability: every change in it reaches the disk together or not at
// all. The engine builds one per statement (or per group of statements it acknowledges
// together). The zero value is an empty batch ready for use.
//
// A Batch only records the changes; Commit and CommitAsync copy them into the store, so a
// Batch can be Reset and reused as soon as either returns, even while the durability of what
// it held is still being waited for.
//
// Changes apply in the order they were added: a PutRow after a DropTable of the same table
// survives, one before it is removed.
type Batch struct {
	buf []byte // keys and values of every operation, back to back
	ops []batchOp
}

type opKind uint8

const (
	opSet opKind = iota
	opDelete
	opDeleteRange // key is the start, value the end of the range
)

// batchOp locates one change in buf: buf[start:keyEnd] is its key, buf[keyEnd:valEnd] its
// value (empty for a deletion).
type batchOp struct {
	kind   opKind
	start  int
	keyEnd int
	valEnd int
}

func (b *Batch) add(kind opKind, key func([]byte) []byte, val func([]byte) []byte) {
	start := len(b.buf)
	b.buf = key(b.buf)
	keyEnd := len(b.buf)
	if val != nil {
		b.buf = val(b.buf)
	}
	b.ops = append(b.ops, batchOp{kind: kind, start: start, keyEnd: keyEnd, valEnd: len(b.buf)})
}

// PutRow stores row under the primary-key bytes pk of table, replacing any row stored under
// the same key. pk is the engine's encoding of the row's primary key; the store does not
// interpret it.
func (b *Batch) PutRow(table uint32, pk []byte, row dataflow.Row) {
	b.add(opSet,
		func(dst []byte) []byte { return rowKey(dst, table, pk) },
		func(dst []byte) []byte { return EncodeRow(dst, row) })
}

// DeleteRow removes the row stored under pk in table, if any.
func (b *Batch) DeleteRow(table uint32, pk []byte) {
	b.add(opDelete, func(dst []byte) []byte { return rowKey(dst, table, pk) }, nil)
}

// PutTable records the definition of table id (its CREATE TABLE text), replacing an earlier
// one: an ALTER stores the new text under the same id.
func (b *Batch) PutTable(id uint32, ddl string) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, tableKey(id)...) },
		func(dst []byte) []byte { return append(dst, ddl...) })
}

// DropTable removes table id's definition and every row it holds. The rows go with one range
// deletion, so dropping a large table costs the same as dropping an empty one.
func (b *Batch) DropTable(id uint32) {
	start, end := rowSpan(id)
	b.add(opDeleteRange,
		func(dst []byte) []byte { return append(dst, start...) },
		func(dst []byte) []byte { return append(dst, end...) })
	b.add(opDelete, func(dst []byte) []byte { return append(dst, tableKey(id)...) }, nil)
	b.add(opDelete, func(dst []byte) []byte { return append(dst, autoIncKey(id)...) }, nil)
}

// ClearRows deletes every row of a table and keeps the table. Rows put later in the same
// batch survive it: a batch applies in order.
func (b *Batch) ClearRows(id uint32) {
	start, end := rowSpan(id)
	b.add(opDeleteRange,
		func(dst []byte) []byte { return append(dst, start...) },
		func(dst []byte) []byte { return append(dst, end...) })
}

// SetAutoIncrement records the next AUTO_INCREMENT value of a table. MySQL keeps the counter
// across restarts (a deleted highest row's id is not handed out again), and so must Weir.
func (b *Batch) SetAutoIncrement(table uint32, next uint64) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, autoIncKey(table)...) },
		func(dst []byte) []byte { return binary.AppendUvarint(dst, next) })
}

// PutView records a registered query under its name, replacing an earlier one. db is the
// database its unqualified names resolve in ("" or the default database: none recorded).
func (b *Batch) PutView(name, db, sql string) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, viewKey(name)...) },
		func(dst []byte) []byte { return viewValue(dst, db, sql) })
}

// PutViewDialect is PutView for a query written in the SQL dialect named dialect ("" or
// "mysql": the engine's own, recorded as PutView records it).
func (b *Batch) PutViewDialect(name, dialect, db, sql string) {
	if dialect == "" || dialect == "mysql" {
		b.PutView(name, db, sql)
		return
	}
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, viewKey(name)...) },
		func(dst []byte) []byte { return dialectViewValue(dst, dialect, db, sql) })
}

// PutDatabase records a database, spelled as it was created.
func (b *Batch) PutDatabase(name string) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, databaseKey(name)...) },
		func(dst []byte) []byte { return append(dst, name...) })
}

// DropDatabase removes a database's record (its tables and views are dropped on their own).
func (b *Batch) DropDatabase(name string) {
	b.add(opDelete, func(dst []byte) []byte { return append(dst, databaseKey(name)...) }, nil)
}

// DropView removes the view called name, if any.
func (b *Batch) DropView(name string) {
	b.add(opDelete, func(dst []byte) []byte { return append(dst, viewKey(name)...) }, nil)
}

// PutSQLView records a SQL view's definition (its CREATE VIEW statement), replacing an
// earlier one of the same name in any letter case.
func (b *Batch) PutSQLView(name, ddl string) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, sqlViewKey(name)...) },
		func(dst []byte) []byte { return append(dst, ddl...) })
}

// DropSQLView removes the SQL view called name, if any.
func (b *Batch) DropSQLView(name string) {
	b.add(opDelete, func(dst []byte) []byte { return append(dst, sqlViewKey(name)...) }, nil)
}

// SetToken records tok as the newest write token. Putting it in the same batch as the rows of
// the write it names is what lets a restart resume numbering exactly after the last durable
// write.
func (b *Batch) SetToken(tok uint64) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, keyToken...) },
		func(dst []byte) []byte { return binary.AppendUvarint(dst, tok) })
}

// SetUpstream records which upstream database (and replication slot) the tables mirror; ""
// forgets it.
func (b *Batch) SetUpstream(id string) {
	if id == "" {
		b.add(opDelete, func(dst []byte) []byte { return append(dst, keyUpstream...) }, nil)
		return
	}
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, keyUpstream...) },
		func(dst []byte) []byte { return append(dst, id...) })
}

// SetUpstreamPosition records how far into the upstream change stream the tables are. Kept
// in the same batch as the rows a change wrote, the two cannot disagree after a crash.
func (b *Batch) SetUpstreamPosition(pos uint64) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, keyUpstreamPosition...) },
		func(dst []byte) []byte { return binary.AppendUvarint(dst, pos) })
}

// SetNextTableID records the id the next CREATE TABLE will get. Without it, dropping the
// newest table and restarting would hand its id out again.
func (b *Batch) SetNextTableID(id uint32) {
	b.add(opSet,
		func(dst []byte) []byte { return append(dst, keyNextTableID...) },
		func(dst []byte) []byte { return binary.AppendUvarint(dst, uint64(id)) })
}

// Len reports how many changes the batch holds.
func (b *Batch) Len() int { return len(b.ops) }

// Reset empties the batch, keeping its memory for reuse.
func (b *Batch) Reset() {
	b.buf = b.buf[:0]
	b.ops = b.ops[:0]
}

// fill copies the batch's changes into a pebble batch, in order.
func (b *Batch) fill(pb *pebble.Batch) error {
	for _, op := range b.ops {
		k, v := b.buf[op.start:op.keyEnd], b.buf[op.keyEnd:op.valEnd]
		var err error
		switch op.kind {
		case opSet:
			err = pb.Set(k, v, nil)
		case opDelete:
			err = pb.Delete(k, nil)
		case opDeleteRange:
			err = pb.DeleteRange(k, v, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
