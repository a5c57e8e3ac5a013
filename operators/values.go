package operators

import (
	"strconv"

	"github.com/weirdb/weir/dataflow"
)

// Values is a table value constructor (`VALUES ROW(1, 'a'), ROW(2, 'b')`): a node with no
// parents whose output is a fixed list of rows. It keeps nothing that changes: no delta ever
// reaches it, and a new node below it is filled from Snapshot. A key that traces to its
// columns cannot be filled by an upquery (it has no index), so the states below it that a
// key would make partial are full instead (upquery.Plan stops at a parentless stateless
// node).
type Values struct {
	rows []dataflow.Row
}

// NewValues returns the constant rows.
func NewValues(rows [][]dataflow.Value) *Values {
	out := make([]dataflow.Row, len(rows))
	for i, r := range rows {
		out[i] = append(dataflow.Row(nil), r...)
	}
	return &Values{rows: out}
}

// Process has nothing to do: the node has no parents, so nothing arrives.
func (v *Values) Process(int, dataflow.Batch) dataflow.Batch { return nil }

// Snapshot returns the rows. Rows are immutable, so the slice's elements are shared.
func (v *Values) Snapshot(func(int) []dataflow.Row) []dataflow.Row {
	return append([]dataflow.Row(nil), v.rows...)
}

// Origins: every column originates here.
func (v *Values) Origins(int) []dataflow.ColumnOrigin { return nil }

// Stateless marks the node as keeping no state that changes.
func (v *Values) Stateless() {}

// Describe counts the rows; the lowering's signature spells them out.
func (v *Values) Describe() string { return "values(" + strconv.Itoa(len(v.rows)) + " rows)" }
