package planner

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Lookup arguments: a read's (or a write's WHERE key's) arguments become the values of a key,
// in the forms the key columns compare in.

// codeWrongArguments is MySQL's ER_WRONG_ARGUMENTS.
const codeWrongArguments = 1210

// KeyRow is the key of one lookup: its literals and the arguments its parameters name.
func KeyRow(lookup []KeySource, args []dataflow.Value) dataflow.Row {
	key := make(dataflow.Row, len(lookup))
	for i, ks := range lookup {
		key[i] = ks.Value(args)
	}
	return key
}

// PrepareArgs checks the argument count and converts each argument, in place, to the form
// its key column compares in (KeyValue).
func (q *Query) PrepareArgs(args []dataflow.Value) error {
	if len(args) != q.NumParams {
		return &Error{Code: codeWrongArguments, SQLState: "HY000",
			Msg: fmt.Sprintf("query has %d parameters but %d arguments were given", q.NumParams, len(args))}
	}
	for i := range args {
		kv, err := KeyValue(args[i], q.ParamTypes[i])
		if err != nil {
			return fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		args[i] = kv
	}
	return nil
}

// KeyValue converts a lookup argument to the form it is compared in against a key column
// of type t: text against a number is read as a number, text against a date as a date or
// datetime. Numbers keep their exact value (the key encoding compares them across kinds), so
// 1.5 never matches an integer column. A number against a text column is refused: MySQL
// compares those as numbers, which matches many strings ('abc' = 0) and cannot be answered
// by one lookup.
func KeyValue(v dataflow.Value, t dataflow.Type) (dataflow.Value, error) {
	if v.IsNull() {
		return v, nil
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
		if v.Kind() == dataflow.KindString {
			if d, ok := dataflow.ParseDecimalValue(v.RawString()); ok {
				return d, nil
			}
			f, _ := v.ToFloat()
			return dataflow.Float(f), nil
		}
	case dataflow.KindString:
		if v.IsNumeric() && t.IsEnum() {
			// A number against an ENUM is its index: the key is the member it names.
			ev, err := expr.Convert(v, t, true)
			if err != nil {
				return dataflow.Null, nil
			}
			return ev, nil
		}
		if v.IsNumeric() {
			return v, &Error{Code: codeWrongArguments, SQLState: "HY000", Msg: fmt.Sprintf("a number (%s) cannot be looked up in text column; pass it as a string", v.ToText())}
		}
		if t.BinaryChar() {
			return dataflow.Bytes(strings.TrimRight(v.ToText(), " ")), nil
		}
		if t.BinaryString() {
			return dataflow.Bytes(v.ToText()), nil
		}
		if v.Kind() != dataflow.KindString || v.IsBinary() {
			return dataflow.String(v.ToText()), nil
		}
	case dataflow.KindTime:
		if v.Kind() != dataflow.KindTime {
			tv, err := expr.Convert(v, time6, false)
			if err != nil || tv.IsNull() || dataflow.Compare(tv, v) != 0 {
				// Not a time: MySQL's comparison is false for every row.
				return dataflow.Null, nil
			}
			return tv, nil
		}
	case dataflow.KindDate, dataflow.KindDatetime:
		if v.Kind() == dataflow.KindString {
			tv, err := expr.Convert(v, datetime6, false)
			if err != nil || tv.IsNull() {
				// Not a date: MySQL's comparison is false for every row.
				return dataflow.Null, nil
			}
			return tv, nil
		}
	}
	return v, nil
}

var (
	datetime6 = dataflow.Type{Kind: dataflow.KindDatetime, Scale: 6, SQL: "DATETIME(6)", Nullable: true}
	time6     = dataflow.Type{Kind: dataflow.KindTime, Scale: 6, SQL: "TIME(6)", Nullable: true}
)
