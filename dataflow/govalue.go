package dataflow

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// FromGo converts a Go value supplied by a caller (a query argument) into a Value.
func FromGo(x any) (Value, error) {
	switch v := x.(type) {
	case nil:
		return Null, nil
	case Value:
		return v, nil
	case int:
		return Int(int64(v)), nil
	case int8:
		return Int(int64(v)), nil
	case int16:
		return Int(int64(v)), nil
	case int32:
		return Int(int64(v)), nil
	case int64:
		return Int(v), nil
	case uint:
		return Uint(uint64(v)), nil
	case uint8:
		return Uint(uint64(v)), nil
	case uint16:
		return Uint(uint64(v)), nil
	case uint32:
		return Uint(uint64(v)), nil
	case uint64:
		return Uint(v), nil
	case float32:
		return Float(float64(v)), nil
	case float64:
		return Float(v), nil
	case bool:
		return Bool(v), nil
	case string:
		return String(v), nil
	case []byte:
		if v == nil {
			return Null, nil
		}
		return String(string(v)), nil
	case time.Time:
		return FromTime(v), nil
	case fmt.Stringer:
		return String(v.String()), nil
	}
	return Null, fmt.Errorf("%w %T", ErrArgumentType, x)
}

// ToGo converts a Value to a plain Go value: nil, int64, uint64, float64, string (decimals as
// their exact text), []byte (binary strings), time.Time or time.Duration (TIME).
func (v Value) ToGo() any {
	switch v.kind {
	case KindNull:
		return nil
	case KindInt:
		return int64(v.n)
	case KindUint:
		return v.n
	case KindFloat:
		return v.RawFloat()
	case KindDecimal:
		return v.ToText()
	case KindString:
		if v.scale == stringBinary {
			return []byte(v.s)
		}
		return v.s
	case KindDate, KindDatetime:
		return v.Time()
	case KindTime:
		return time.Duration(int64(v.n)) * time.Microsecond
	}
	return nil
}

// ErrArgumentType reports a Go argument of a type that has no SQL value (FromGo).
var ErrArgumentType = errors.New("unsupported argument type")

// rowPool recycles the rows RowFromGo builds for a statement's arguments.
var rowPool = sync.Pool{New: func() any { return new(Row) }}

// RowFromGo converts a statement's Go arguments to a row of Values, in a row taken from a
// pool: give it back with ReleaseRow once nothing refers to it (rows built from it copy
// its values).
func RowFromGo(args []any) (Row, error) {
	if len(args) == 0 {
		return nil, nil
	}
	p := rowPool.Get().(*Row)
	row := *p
	if cap(row) < len(args) {
		row = make(Row, len(args))
	}
	return AppendFromGo(row[:0], args)
}

// AppendFromGo converts Go arguments to Values (FromGo), appending them to dst; an error
// names the argument by its position.
func AppendFromGo(dst Row, args []any) (Row, error) {
	for i, a := range args {
		v, err := FromGo(a)
		if err != nil {
			return nil, fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// ReleaseRow gives a row from RowFromGo back to the pool.
func ReleaseRow(row Row) {
	if cap(row) == 0 || cap(row) > 1<<16 {
		return
	}
	clear(row)
	row = row[:0]
	rowPool.Put(&row)
}

// FromTime is FromGo of a time.Time: a DATETIME, with microseconds when it has a fraction.
// It spares a caller that has a time.Time the interface FromGo takes, which allocates.
func FromTime(v time.Time) Value {
	fsp := uint8(0)
	if v.Nanosecond() != 0 {
		fsp = 6
	}
	return Datetime(v, fsp)
}
