//go:build invariants

package selfcheck

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/planner"
)

// Capture is what Read checks: the answer of a read taken again, and the base tables' rows,
// both while every acknowledged write is applied and no other is.
type Capture func(ctx context.Context) (got []dataflow.Row, tables map[string][]dataflow.Row, err error)

// sampleEvery is how many reads pass between two checked ones: each check stops writes.
const sampleEvery = 16

var reads atomic.Uint64

// Read checks every sampleEvery-th read: capture takes the read's answer again with writes
// stopped, and it must equal q recomputed over the tables captured with it, for args.
func Read(ctx context.Context, q *planner.Query, args []dataflow.Value, capture Capture) error {
	if reads.Add(1)%sampleEvery != 0 {
		return nil
	}
	got, tables, err := capture(ctx)
	if err != nil {
		return nil // the read itself reports what went wrong (a closed engine, a timeout)
	}
	snap, err := reference.Evaluate(q, func(name string) []dataflow.Row { return tables[strings.ToLower(name)] })
	if err != nil {
		return nil // a query the reference cannot evaluate exactly (overflow) is not checked
	}
	want, err := snap.LookupFull(args)
	if err != nil {
		return nil
	}
	if d := reference.DiffResult(q, want, got); d != "" {
		return fmt.Errorf("invariant broken: a read of %q with %v differs from the query recomputed over the tables:\n%s", q.Text, args, d)
	}
	return nil
}
