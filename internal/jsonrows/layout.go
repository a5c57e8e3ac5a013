package jsonrows

import (
	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// Layout is the part of a view's JSON document that depends only on the view and its
// columns: the document's head ({"view":…,"columns":[…],"rows":[) and each column's
// `"name":` key, escaped once rather than once per row. A caller that reads one view many
// times keeps its Layout; Reset reuses the memory for another view.
type Layout struct {
	head []byte
	// keys holds each column's `"name":` back to back; ends says where each one ends.
	keys []byte
	ends []int
}

// Reset prepares l for the view named name with the given result columns.
func (l *Layout) Reset(name string, cols []dataflow.Column) {
	b := append(l.head[:0], `{"view":`...)
	b = AppendString(b, name)
	b = append(b, `,"columns":[`...)
	l.keys, l.ends = l.keys[:0], l.ends[:0]
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = AppendString(b, c.Name)
		b = append(b, `,"type":`...)
		b = AppendString(b, c.Type.String())
		b = append(b, '}')
		l.keys = AppendString(l.keys, c.Name)
		l.keys = append(l.keys, ':')
		l.ends = append(l.ends, len(l.keys))
	}
	l.head = append(b, `],"rows":[`...)
}

// Size is the memory l holds, for callers that bound what they keep.
func (l *Layout) Size() int { return cap(l.head) + cap(l.keys) + 8*cap(l.ends) }

// AppendHead appends the document's head, up to the opening of the rows array.
func (l *Layout) AppendHead(b []byte) []byte { return append(b, l.head...) }

// AppendRow appends one row as an object whose keys are the columns in order (a column
// name that occurs twice gives the key twice), preceded by a comma unless it is row 0.
func (l *Layout) AppendRow(b []byte, i int, row []dataflow.Value) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	b = append(b, '{')
	start := 0
	for j, val := range row {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, l.keys[start:l.ends[j]]...)
		start = l.ends[j]
		b = AppendValue(b, val)
	}
	return append(b, '}')
}

// AppendTail closes the rows array and the document.
func AppendTail(b []byte) []byte { return append(b, "]}"...) }

// AppendDoc appends the whole document of a read: head, rows and tail, with no newline.
func (l *Layout) AppendDoc(b []byte, rows weir.Rows) []byte {
	b = l.AppendHead(b)
	for i := range rows.Len() {
		b = l.AppendRow(b, i, rows.Row(i))
	}
	return AppendTail(b)
}
