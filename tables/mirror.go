package tables

import (
	"errors"
	"fmt"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// Changes from an upstream database (weir.Mirror): row images applied by primary key.

// Change is one row change of an upstream transaction (see weir.MirrorChange).
type Change struct {
	Op       ChangeOp
	Old, New dataflow.Row
	Keep     []bool
}

// ChangeOp is the kind of a Change.
type ChangeOp uint8

// The kinds of upstream change.
const (
	Insert ChangeOp = iota + 1
	Update
	Delete
	Truncate
)

func (op ChangeOp) String() string {
	switch op {
	case Insert:
		return "insert"
	case Update:
		return "update"
	case Delete:
		return "delete"
	case Truncate:
		return "truncate"
	}
	return fmt.Sprintf("ChangeOp(%d)", uint8(op))
}

// Mirror applies one upstream row change in the base domain. An insert whose key is taken,
// or an update whose new key holds another row, replaces that row (counted in Replaced):
// the mirror then follows the upstream's latest word.
func (w *Writer) Mirror(c *Change) error {
	base := w.t.Base
	width := len(w.schema().Cols)
	switch c.Op {
	case Truncate:
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
	case Delete:
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
	case Insert, Update:
	default:
		return fmt.Errorf("unknown change kind %d", c.Op)
	}
	if len(c.New) != width {
		return fmt.Errorf("row has %d columns, the table %d", len(c.New), width)
	}
	row := make(dataflow.Row, width)
	copy(row, c.New)
	probe := c.Old
	if probe == nil || c.Op == Insert {
		probe = row
	} else if len(probe) != width {
		return fmt.Errorf("old row has %d columns, the table %d", len(probe), width)
	}
	if err := w.finishKey(probe); err != nil {
		return err
	}
	oldKey, old, exists := base.GetByKey(probe)
	if c.Op == Update && !exists {
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
		if c.Op == Insert {
			w.replaced++
		}
		w.remove(oldKey)
		w.deltas = append(w.deltas, dataflow.Record{Row: old, Neg: true})
	}
	// The new key may hold another row only if the upstream is out of step with the
	// mirror; replacing it keeps the mirror equal to the upstream's latest word.
	if k, other, taken := base.GetByKey(row); taken {
		w.replaced++
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
func (w *Writer) finishKey(probe dataflow.Row) error {
	cols := w.schema().Cols
	for _, i := range w.t.Base.PrimaryKey() {
		v, err := convertTo(probe[i], cols[i])
		if err != nil {
			return err
		}
		probe[i] = v
	}
	return nil
}
