package replication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/replication/internal/replstate"
)

// relation is an upstream relation as the stream announced it, mapped to its mirror.
type relation struct {
	table *Table
	msg   *pglogrepl.RelationMessage
}

// stream applies the slot's changes from start until the connection breaks or ctx ends.
// Each upstream transaction is one engine transaction; its position is confirmed to the
// upstream only once it is durable in Weir.
func (r *Replicator) stream(ctx context.Context, rconn *pgconn.PgConn, conn *pgx.Conn, start pglogrepl.LSN) error {
	err := pglogrepl.StartReplication(ctx, rconn, r.cfg.Slot, start, pglogrepl.StartReplicationOptions{
		Mode:       pglogrepl.LogicalReplication,
		PluginArgs: []string{"proto_version '1'", fmt.Sprintf("publication_names '%s'", r.cfg.Publication)},
	})
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "42704" || pe.Code == "55000") { // slot missing, or invalidated
			r.log.Error("the replication slot cannot stream; a fresh snapshot follows", zap.String("slot", r.cfg.Slot), zap.Error(err))
			r.resnapshot.Store(true)
		}
		return fmt.Errorf("replication: START_REPLICATION: %w", err)
	}
	r.stats.Connected.Store(true)
	r.readyOnce.Do(func() { close(r.ready) })
	r.stats.Durable.Store(max(r.stats.Durable.Load(), uint64(start)))

	durables := replstate.StartDurability(&r.stats.Durable)
	defer durables.Stop()

	relations := map[uint32]*relation{}
	var tx *weir.MirrorTx
	var commitTime time.Time
	// idleEnd is the newest keepalive position seen with no transaction open: nothing the
	// mirror needs lies before it, so it may be confirmed once everything applied is durable.
	var idleEnd uint64
	var lastApplied uint64 = uint64(start)
	nextStatus := time.Now()
	nextSchema := time.Now().Add(r.cfg.SchemaInterval)
	for {
		if tx == nil && !time.Now().Before(nextSchema) {
			if err := r.checkSchema(ctx, conn); err != nil {
				return err
			}
			nextSchema = time.Now().Add(r.cfg.SchemaInterval)
		}
		if !time.Now().Before(nextStatus) {
			confirm := r.stats.Durable.Load()
			if confirm >= lastApplied {
				confirm = max(confirm, idleEnd)
			}
			if err := pglogrepl.SendStandbyStatusUpdate(ctx, rconn, pglogrepl.StandbyStatusUpdate{
				WALWritePosition: pglogrepl.LSN(confirm),
				ReplyRequested:   r.m.Waiting(),
			}); err != nil {
				return fmt.Errorf("replication: sending status: %w", err)
			}
			interval := r.cfg.StatusInterval
			if r.m.Waiting() {
				// A read waits for a position: ask for keepalives often, so it learns soon
				// that nothing before its position is missing.
				interval = min(interval, 20*time.Millisecond)
			}
			nextStatus = time.Now().Add(interval)
		}
		// The schema check waits for the end of an open transaction, so its time only
		// bounds the wait between transactions (a deadline already past would make every
		// receive fail at once).
		deadline := nextStatus
		if tx == nil && nextSchema.Before(deadline) {
			deadline = nextSchema
		}
		rctx, cancel := context.WithDeadline(ctx, deadline)
		msg, err := rconn.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			if pgconn.Timeout(err) && ctx.Err() == nil {
				continue
			}
			return fmt.Errorf("replication: receiving: %w", err)
		}
		var data []byte
		switch msg := msg.(type) {
		case *pgproto3.CopyData:
			data = msg.Data
		case *pgproto3.ErrorResponse:
			return fmt.Errorf("replication: the upstream ended the stream: %w", errorResponse(msg))
		default:
			continue
		}
		if len(data) == 0 {
			continue
		}
		switch data[0] {
		case pglogrepl.PrimaryKeepaliveMessageByteID:
			ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
			if err != nil {
				return err
			}
			r.stats.ServerEnd.Store(max(r.stats.ServerEnd.Load(), uint64(ka.ServerWALEnd)))
			if tx == nil {
				// The upstream has sent every transaction that committed before this point.
				idleEnd = max(idleEnd, uint64(ka.ServerWALEnd))
				r.m.Advance(uint64(ka.ServerWALEnd))
			}
			if ka.ReplyRequested {
				nextStatus = time.Time{}
			}
			continue
		case pglogrepl.XLogDataByteID:
		default:
			continue
		}
		xld, err := pglogrepl.ParseXLogData(data[1:])
		if err != nil {
			return err
		}
		r.stats.ServerEnd.Store(max(r.stats.ServerEnd.Load(), uint64(xld.ServerWALEnd)))
		lm, err := pglogrepl.Parse(xld.WALData)
		if err != nil {
			return fmt.Errorf("replication: decoding a change: %w", err)
		}
		switch m := lm.(type) {
		case *pglogrepl.RelationMessage:
			rel, err := r.relation(m)
			if err != nil {
				return err
			}
			relations[m.RelationID] = rel
		case *pglogrepl.BeginMessage:
			tx = &weir.MirrorTx{}
			commitTime = m.CommitTime
		case *pglogrepl.InsertMessage:
			c, err := insertChange(relations, m)
			if err != nil {
				return err
			}
			if tx != nil && c != nil {
				tx.Changes = append(tx.Changes, *c)
			}
		case *pglogrepl.UpdateMessage:
			c, err := updateChange(relations, m)
			if err != nil {
				return err
			}
			if tx != nil && c != nil {
				tx.Changes = append(tx.Changes, *c)
			}
		case *pglogrepl.DeleteMessage:
			c, err := deleteChange(relations, m)
			if err != nil {
				return err
			}
			if tx != nil && c != nil {
				tx.Changes = append(tx.Changes, *c)
			}
		case *pglogrepl.TruncateMessage:
			for _, id := range m.RelationIDs {
				rel, ok := relations[id]
				if !ok || rel.table == nil {
					continue
				}
				if tx != nil {
					tx.Changes = append(tx.Changes, weir.MirrorChange{Table: rel.table.Name, Op: weir.MirrorTruncate})
				}
			}
		case *pglogrepl.CommitMessage:
			if tx == nil {
				continue
			}
			tx.Position = uint64(m.TransactionEndLSN)
			if len(tx.Changes) == 0 {
				r.m.Advance(tx.Position)
			} else {
				_, wait, err := r.m.Apply(ctx, tx)
				if err != nil {
					// The mirror and the upstream disagree (a row to change is missing): only a
					// fresh copy can bring them back in step.
					r.log.Error("an upstream transaction does not apply to the mirror; a fresh snapshot follows", zap.Stringer("lsn", m.TransactionEndLSN), zap.Error(err))
					r.resnapshot.Store(true)
					return err
				}
				r.stats.Transactions.Add(1)
				r.stats.Changes.Add(int64(len(tx.Changes)))
				r.stats.LastCommit.Store(commitTime.UnixNano())
				if err := durables.Add(ctx, tx.Position, wait); err != nil {
					return err
				}
			}
			lastApplied = max(lastApplied, tx.Position)
			tx = nil
		}
	}
}

// checkSchema compares the upstream catalog with the mirror. DDL travels in no change: a
// table created or dropped, or altered before its next change, shows only here.
func (r *Replicator) checkSchema(ctx context.Context, conn *pgx.Conn) error {
	tables, err := discover(ctx, conn, r.cfg.Tables)
	if err != nil {
		return transientOrFatal(fmt.Errorf("%w (the upstream catalog as Weir checked it while mirroring)", err))
	}
	if diff := r.schemaDiff(tables); diff != "" {
		r.resnapshot.Store(true)
		r.log.Warn("the upstream schema changed; the mirror will be copied again", zap.String("change", diff))
		return fmt.Errorf("replication: %s; a fresh snapshot follows", diff)
	}
	return nil
}

// relation checks a relation the stream announces against its mirror. An upstream table
// whose columns changed (or a table the publication gained) needs a fresh copy.
func (r *Replicator) relation(m *pglogrepl.RelationMessage) (*relation, error) {
	t, ok := r.tables[m.Namespace+"."+m.RelationName]
	if !ok {
		r.resnapshot.Store(true)
		return nil, fmt.Errorf("replication: the stream carries table %s.%s, which is not mirrored; a fresh snapshot follows", m.Namespace, m.RelationName)
	}
	same := len(m.Columns) == len(t.Columns)
	for i := 0; same && i < len(m.Columns); i++ {
		same = m.Columns[i].Name == t.Columns[i].Name && m.Columns[i].DataType == t.Columns[i].OID && m.Columns[i].TypeModifier == t.Columns[i].TypMod
	}
	if !same {
		r.resnapshot.Store(true)
		r.log.Warn("an upstream table changed its columns; the mirror will be copied again", zap.String("table", m.Namespace+"."+m.RelationName))
		return nil, fmt.Errorf("replication: table %s.%s changed its columns; a fresh snapshot follows", m.Namespace, m.RelationName)
	}
	return &relation{table: t, msg: m}, nil
}

func relationOf(relations map[uint32]*relation, id uint32) (*relation, error) {
	rel, ok := relations[id]
	if !ok {
		return nil, fmt.Errorf("replication: a change names relation %d before announcing it", id)
	}
	return rel, nil
}

// tupleRow converts a tuple to a row of the table; keep marks unchanged TOAST columns.
func tupleRow(t *Table, td *pglogrepl.TupleData) (row dataflow.Row, keep []bool, err error) {
	if td == nil || len(td.Columns) != len(t.Columns) {
		return nil, nil, fmt.Errorf("replication: a change to %s.%s has the wrong number of columns", t.Schema, t.Name)
	}
	row = make(dataflow.Row, len(t.Columns))
	for i, col := range td.Columns {
		switch col.DataType {
		case pglogrepl.TupleDataTypeNull:
			row[i] = dataflow.Null
		case pglogrepl.TupleDataTypeToast:
			if keep == nil {
				keep = make([]bool, len(t.Columns))
			}
			keep[i] = true
			row[i] = dataflow.Null
		case pglogrepl.TupleDataTypeText:
			v, err := textValue(&t.Columns[i], string(col.Data))
			if err != nil {
				return nil, nil, fatal{Err: fmt.Errorf("replication: %s.%s column %s: %w", t.Schema, t.Name, t.Columns[i].Name, err)}
			}
			row[i] = v
		default:
			return nil, nil, fmt.Errorf("replication: column data of kind %q", col.DataType)
		}
	}
	return row, keep, nil
}

func insertChange(relations map[uint32]*relation, m *pglogrepl.InsertMessage) (*weir.MirrorChange, error) {
	rel, err := relationOf(relations, m.RelationID)
	if err != nil {
		return nil, err
	}
	row, _, err := tupleRow(rel.table, m.Tuple)
	if err != nil {
		return nil, err
	}
	return &weir.MirrorChange{Table: rel.table.Name, Op: weir.MirrorInsert, New: row}, nil
}

func updateChange(relations map[uint32]*relation, m *pglogrepl.UpdateMessage) (*weir.MirrorChange, error) {
	rel, err := relationOf(relations, m.RelationID)
	if err != nil {
		return nil, err
	}
	row, keep, err := tupleRow(rel.table, m.NewTuple)
	if err != nil {
		return nil, err
	}
	c := &weir.MirrorChange{Table: rel.table.Name, Op: weir.MirrorUpdate, New: row, Keep: keep}
	if m.OldTuple != nil {
		if c.Old, _, err = tupleRow(rel.table, m.OldTuple); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func deleteChange(relations map[uint32]*relation, m *pglogrepl.DeleteMessage) (*weir.MirrorChange, error) {
	rel, err := relationOf(relations, m.RelationID)
	if err != nil {
		return nil, err
	}
	old, _, err := tupleRow(rel.table, m.OldTuple)
	if err != nil {
		return nil, err
	}
	return &weir.MirrorChange{Table: rel.table.Name, Op: weir.MirrorDelete, Old: old}, nil
}
