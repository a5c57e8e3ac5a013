package weir

import (
	"fmt"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
	"github.com/weirdb/weir/tables"
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
		kv, err := tables.KeyValue(vals[i], q.ParamTypes[i])
		if err != nil {
			return fmt.Errorf("weir: argument %d: %w", i+1, err)
		}
		vals[i] = kv
	}
	return nil
}
