package weir

import (
	"fmt"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// Key coercion: a read's arguments become the values of the reader's key, in the forms the
// key columns compare in.

// lookupKey is the key row of one lookup: its literals and the caller's arguments.
func lookupKey(lookup []planner.KeySource, vals []Value) dataflow.Row {
	key := make(dataflow.Row, len(lookup))
	for i, ks := range lookup {
		key[i] = ks.Value(vals)
	}
	return key
}

// prepareArgs checks the argument count and converts each argument, in place, to the form
// its key column compares in.
func prepareArgs(q *planner.Query, vals []Value) error {
	if len(vals) != q.NumParams {
		return newError(ErrCodeWrongArguments, "HY000",
			fmt.Sprintf("query has %d parameters but %d arguments were given", q.NumParams, len(vals)))
	}
	for i := range vals {
		kv, err := keyValue(vals[i], q.ParamTypes[i])
		if err != nil {
			return fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		vals[i] = kv
	}
	return nil
}

// keyValue converts a lookup argument to the form it is compared in against the key column:
// text against a number is read as a number, text against a date as a date or datetime.
// Numbers keep their exact value (the key encoding compares them across kinds), so 1.5 never
// matches an integer column. A number against a text column is refused: MySQL compares those
// as numbers, which matches many strings ('abc' = 0) and cannot be answered by one lookup.
func keyValue(v Value, t dataflow.Type) (Value, error) {
	if v.IsNull() {
		return v, nil
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
		if v.Kind() == dataflow.KindString {
			if c, s, ok := dataflow.ParseDecimal(v.RawString()); ok {
				return dataflow.Decimal(c, s), nil
			}
			f, _ := v.ToFloat()
			return dataflow.Float(f), nil
		}
	case dataflow.KindString:
		if v.IsNumeric() {
			return v, newError(ErrCodeWrongArguments, "HY000",
				fmt.Sprintf("a number (%s) cannot be looked up in text column; pass it as a string", v.ToText()))
		}
		if v.Kind() != dataflow.KindString {
			return dataflow.String(v.ToText()), nil
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

var datetime6 = dataflow.Type{Kind: dataflow.KindDatetime, Scale: 6, SQL: "DATETIME(6)", Nullable: true}
