package server

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// Character sets of column definitions: binary for numbers and temporal values, utf8mb4 for
// text (Weir's strings are UTF-8).
const (
	charsetBinary  = 63
	charsetUTF8MB4 = 45 // utf8mb4_general_ci
)

// fieldFor is the column definition a client sees for a result column.
func fieldFor(c weir.Column) *mysql.Field {
	f := &mysql.Field{
		Name:    []byte(c.Name),
		OrgName: []byte(c.Name),
		Table:   []byte(c.Table),
		Schema:  []byte(schemaName),
		Charset: charsetBinary,
	}
	t := c.Type
	if !t.Nullable {
		f.Flag |= mysql.NOT_NULL_FLAG
	}
	sqlName := strings.ToUpper(t.SQL)
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		f.Flag |= mysql.BINARY_FLAG | mysql.NUM_FLAG
		switch {
		case sqlName == "YEAR":
			f.Flag = f.Flag&^mysql.BINARY_FLAG | mysql.UNSIGNED_FLAG | mysql.ZEROFILL_FLAG
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_YEAR, 4
			return f
		case strings.HasPrefix(sqlName, "BIT"):
			// BIT values travel as their bytes, big-endian, as MySQL sends them.
			f.Flag = f.Flag&^(mysql.NUM_FLAG|mysql.BINARY_FLAG) | mysql.UNSIGNED_FLAG
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_BIT, uint32(max(t.Precision, 1))
			return f
		}
		if t.Unsigned || t.Kind == dataflow.KindUint {
			f.Flag |= mysql.UNSIGNED_FLAG
		}
		switch {
		case strings.HasPrefix(sqlName, "TINYINT"), strings.HasPrefix(sqlName, "BOOL"):
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_TINY, 4
		case strings.HasPrefix(sqlName, "SMALLINT"):
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_SHORT, 6
		case strings.HasPrefix(sqlName, "MEDIUMINT"):
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_INT24, 9
		case strings.HasPrefix(sqlName, "INT"):
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_LONG, 11
		default:
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_LONGLONG, 20
		}
	case dataflow.KindFloat:
		f.Flag |= mysql.BINARY_FLAG | mysql.NUM_FLAG
		f.Type, f.ColumnLength, f.Decimal = mysql.MYSQL_TYPE_DOUBLE, 22, 31
		if strings.HasPrefix(sqlName, "FLOAT") {
			f.Type, f.ColumnLength = mysql.MYSQL_TYPE_FLOAT, 12
		}
	case dataflow.KindDecimal:
		f.Flag |= mysql.BINARY_FLAG | mysql.NUM_FLAG
		f.Type = mysql.MYSQL_TYPE_NEWDECIMAL
		// MySQL's display width: the digits, the point when there is a fraction, the sign
		// unless unsigned (clients derive the precision back from it).
		f.ColumnLength = uint32(max(t.Precision, 1))
		if t.Scale > 0 {
			f.ColumnLength++
		}
		if !t.Unsigned {
			f.ColumnLength++
		}
		f.Decimal = uint8(t.Scale)
	case dataflow.KindString:
		if t.BinaryString() {
			// Bytes travel with the binary character set, so that clients hand them to
			// the application as bytes rather than decode them as text.
			f.Flag |= mysql.BINARY_FLAG
			f.Type = mysql.MYSQL_TYPE_VAR_STRING
			switch {
			case strings.HasPrefix(sqlName, "BINARY"):
				f.Type = mysql.MYSQL_TYPE_STRING
			case strings.Contains(sqlName, "BLOB"):
				f.Type = mysql.MYSQL_TYPE_BLOB
				f.Flag |= mysql.BLOB_FLAG
			}
			f.ColumnLength = uint32(min(max(t.Precision, 1), math.MaxUint32))
			break
		}
		f.Charset = charsetUTF8MB4
		f.Type = mysql.MYSQL_TYPE_VAR_STRING
		switch {
		case strings.HasPrefix(sqlName, "CHAR"):
			f.Type = mysql.MYSQL_TYPE_STRING
		case t.IsEnum():
			f.Type, f.Flag = mysql.MYSQL_TYPE_STRING, f.Flag|mysql.ENUM_FLAG
		case t.IsSet():
			f.Type, f.Flag = mysql.MYSQL_TYPE_STRING, f.Flag|mysql.SET_FLAG
		case sqlName == "JSON":
			// As MySQL sends it: its own type code, the binary character set.
			f.Type, f.Charset, f.Flag = mysql.MYSQL_TYPE_JSON, charsetBinary, f.Flag|mysql.BLOB_FLAG|mysql.BINARY_FLAG
		}
		if strings.Contains(sqlName, "TEXT") {
			f.Type = mysql.MYSQL_TYPE_BLOB
		}
		f.ColumnLength = uint32(min(max(t.Precision, 1), math.MaxUint32/4) * 4)
	case dataflow.KindDate:
		f.Flag |= mysql.BINARY_FLAG
		f.Type, f.ColumnLength = mysql.MYSQL_TYPE_DATE, 10
	case dataflow.KindDatetime:
		f.Flag |= mysql.BINARY_FLAG
		f.Type, f.ColumnLength, f.Decimal = mysql.MYSQL_TYPE_DATETIME, 19, uint8(t.Scale)
		if t.Scale > 0 {
			f.ColumnLength += uint32(t.Scale) + 1
		}
		if strings.HasPrefix(sqlName, "TIMESTAMP") {
			f.Type = mysql.MYSQL_TYPE_TIMESTAMP
		}
	case dataflow.KindTime:
		f.Flag |= mysql.BINARY_FLAG
		f.Type, f.ColumnLength, f.Decimal = mysql.MYSQL_TYPE_TIME, 10, uint8(t.Scale)
		if t.Scale > 0 {
			f.ColumnLength += uint32(t.Scale) + 1
		}
	default: // a column that is always NULL
		f.Type = mysql.MYSQL_TYPE_NULL
	}
	return f
}

// textColumn describes a column of a result the server makes up (SHOW output and the like).
func textColumn(name string) weir.Column {
	return weir.Column{Name: name, Type: dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR", Precision: 64, Nullable: true}}
}

// intColumn: see textColumn.
func intColumn(name string) weir.Column {
	return weir.Column{Name: name, Type: dataflow.Type{Kind: dataflow.KindInt, SQL: "BIGINT", Nullable: true}}
}

// resultset encodes rows for the text protocol (COM_QUERY) or the binary one
// (COM_STMT_EXECUTE).
type resultset struct {
	cols   []weir.Column
	fields []*mysql.Field
	rows   [][]byte
	binary bool
}

func newResultset(cols []weir.Column, binary bool) *resultset {
	r := &resultset{cols: cols, fields: make([]*mysql.Field, len(cols)), binary: binary}
	for i, c := range cols {
		r.fields[i] = fieldFor(c)
	}
	return r
}

// add appends one row; its values must match the columns in number.
func (r *resultset) add(row []dataflow.Value) error {
	if len(row) < len(r.fields) {
		return fmt.Errorf("row of %d values for %d columns", len(row), len(r.fields))
	}
	row = row[:len(r.fields)]
	if r.binary {
		b, err := appendBinaryRow(nil, r.fields, row)
		if err != nil {
			return err
		}
		r.rows = append(r.rows, b)
		return nil
	}
	r.rows = append(r.rows, appendTextRow(nil, r.cols, row))
	return nil
}

func (r *resultset) result() *mysql.Result {
	return &mysql.Result{Resultset: &mysql.Resultset{Fields: r.fields, RowDatas: r.rowData()}}
}

func (r *resultset) rowData() []mysql.RowData {
	out := make([]mysql.RowData, len(r.rows))
	for i, b := range r.rows {
		out[i] = b
	}
	return out
}

// appendTextRow encodes a row of the text protocol: each value as a length-encoded string,
// NULL as 0xfb. cols, when given, are the row's columns, whose types decide how YEAR (four
// digits) and BIT (bytes) values are sent.
func appendTextRow(b []byte, cols []weir.Column, row []dataflow.Value) []byte {
	for i, v := range row {
		if v.IsNull() {
			b = append(b, 0xfb)
			continue
		}
		switch v.Kind() {
		case dataflow.KindString:
			b = appendLenEncString(b, v.RawString())
			continue
		case dataflow.KindInt, dataflow.KindUint:
			if i < len(cols) {
				switch intForm(cols[i].Type) {
				case formYear:
					b = appendLenEncString(b, fmt.Sprintf("%04d", v.RawUint()))
					continue
				case formBit:
					b = appendBitValue(b, cols[i].Type.Precision, v)
					continue
				}
			}
		}
		b = appendLenEncString(b, v.ToText())
	}
	return b
}

// Forms of integer columns that MySQL does not send as plain numbers.
const (
	formNumber = iota
	formYear
	formBit
)

func intForm(t dataflow.Type) int {
	sql := t.SQL
	if sql == "" || (sql[0]|0x20 != 'y' && sql[0]|0x20 != 'b') {
		return formNumber
	}
	switch u := strings.ToUpper(sql); {
	case u == "YEAR":
		return formYear
	case strings.HasPrefix(u, "BIT"):
		return formBit
	}
	return formNumber
}

// appendBitValue appends a BIT(width) value as MySQL sends it in both protocols: a
// length-encoded string of its (width+7)/8 bytes, most significant first.
func appendBitValue(b []byte, width int, v dataflow.Value) []byte {
	var bits uint64
	switch v.Kind() {
	case dataflow.KindUint:
		bits = v.RawUint()
	default:
		i, _ := v.ToInt()
		bits = uint64(i)
	}
	n := min(max((width+7)/8, 1), 8)
	b = append(b, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(bits>>(8*i)))
	}
	return b
}

// appendBinaryRow encodes a row of the binary protocol: a 0x00 header, a NULL bitmap (offset
// by two bits), then each non-NULL value in the form its column type dictates.
func appendBinaryRow(b []byte, fields []*mysql.Field, row []dataflow.Value) ([]byte, error) {
	b = append(b, 0)
	bitmap := len(b)
	for range (len(fields) + 7 + 2) / 8 {
		b = append(b, 0)
	}
	for i, v := range row {
		if v.IsNull() {
			b[bitmap+(i+2)/8] |= 1 << ((i + 2) % 8)
			continue
		}
		var err error
		if b, err = appendBinaryValue(b, fields[i], v); err != nil {
			return nil, fmt.Errorf("column %s: %w", fields[i].Name, err)
		}
	}
	return b, nil
}

func appendBinaryValue(b []byte, f *mysql.Field, v dataflow.Value) ([]byte, error) {
	switch f.Type {
	case mysql.MYSQL_TYPE_TINY, mysql.MYSQL_TYPE_SHORT, mysql.MYSQL_TYPE_INT24, mysql.MYSQL_TYPE_LONG, mysql.MYSQL_TYPE_LONGLONG:
		var n uint64
		switch v.Kind() {
		case dataflow.KindInt:
			n = uint64(v.RawInt())
		case dataflow.KindUint:
			n = v.RawUint()
		default:
			i, ok := v.ToInt()
			if !ok {
				return nil, fmt.Errorf("value %s is not an integer", v)
			}
			n = uint64(i)
		}
		switch f.Type {
		case mysql.MYSQL_TYPE_TINY:
			return append(b, byte(n)), nil
		case mysql.MYSQL_TYPE_SHORT:
			return binary.LittleEndian.AppendUint16(b, uint16(n)), nil
		case mysql.MYSQL_TYPE_INT24, mysql.MYSQL_TYPE_LONG:
			return binary.LittleEndian.AppendUint32(b, uint32(n)), nil
		}
		return binary.LittleEndian.AppendUint64(b, n), nil
	case mysql.MYSQL_TYPE_YEAR:
		i, _ := v.ToInt()
		return binary.LittleEndian.AppendUint16(b, uint16(i)), nil
	case mysql.MYSQL_TYPE_BIT:
		return appendBitValue(b, int(f.ColumnLength), v), nil
	case mysql.MYSQL_TYPE_TIME:
		if v.Kind() != dataflow.KindTime {
			return appendLenEncString(b, v.ToText()), nil
		}
		return appendBinaryTime(b, v.Micros()), nil
	case mysql.MYSQL_TYPE_DOUBLE, mysql.MYSQL_TYPE_FLOAT:
		x, ok := v.ToFloat()
		if !ok {
			return nil, fmt.Errorf("value %s is not a number", v)
		}
		if f.Type == mysql.MYSQL_TYPE_FLOAT {
			return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(x))), nil
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x)), nil
	case mysql.MYSQL_TYPE_DATE, mysql.MYSQL_TYPE_DATETIME, mysql.MYSQL_TYPE_TIMESTAMP:
		if !v.IsTime() {
			return appendLenEncString(b, v.ToText()), nil
		}
		t := v.Time()
		y, mo, d := t.Date()
		h, mi, sec := t.Clock()
		us := t.Nanosecond() / 1000
		n := byte(4) // date only
		switch {
		case us != 0:
			n = 11
		case h != 0 || mi != 0 || sec != 0:
			n = 7
		}
		b = append(b, n)
		b = binary.LittleEndian.AppendUint16(b, uint16(y))
		b = append(b, byte(mo), byte(d))
		if n >= 7 {
			b = append(b, byte(h), byte(mi), byte(sec))
		}
		if n == 11 {
			b = binary.LittleEndian.AppendUint32(b, uint32(us))
		}
		return b, nil
	}
	// Strings, decimals and anything else travel as length-encoded text.
	if v.Kind() == dataflow.KindString {
		return appendLenEncString(b, v.RawString()), nil
	}
	return appendLenEncString(b, v.ToText()), nil
}

// appendBinaryTime encodes a TIME for the binary protocol: a length (0, 8 or 12), the sign,
// days, hours, minutes, seconds and, when not zero, microseconds.
func appendBinaryTime(b []byte, us int64) []byte {
	if us == 0 {
		return append(b, 0)
	}
	neg := byte(0)
	if us < 0 {
		neg, us = 1, -us
	}
	secs, micro := us/1_000_000, us%1_000_000
	n := byte(8)
	if micro != 0 {
		n = 12
	}
	b = append(b, n, neg)
	b = binary.LittleEndian.AppendUint32(b, uint32(secs/86400))
	b = append(b, byte(secs/3600%24), byte(secs/60%60), byte(secs%60))
	if micro != 0 {
		b = binary.LittleEndian.AppendUint32(b, uint32(micro))
	}
	return b
}

func appendLenEncString(b []byte, s string) []byte {
	b = appendLenEncInt(b, uint64(len(s)))
	return append(b, s...)
}

func appendLenEncInt(b []byte, n uint64) []byte {
	switch {
	case n < 251:
		return append(b, byte(n))
	case n < 1<<16:
		return append(b, 0xfc, byte(n), byte(n>>8))
	case n < 1<<24:
		return append(b, 0xfd, byte(n), byte(n>>8), byte(n>>16))
	}
	return binary.LittleEndian.AppendUint64(append(b, 0xfe), n)
}
