package expr

import (
	"math"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// ClockKind says which clock function a Clock is.
type ClockKind uint8

const (
	// ClockDatetime is NOW([fsp]), CURRENT_TIMESTAMP, LOCALTIME[STAMP], SYSDATE() and
	// UTC_TIMESTAMP(): the instant as a DATETIME truncated to Fsp fractional digits.
	ClockDatetime ClockKind = iota
	// ClockDate is CURDATE(), CURRENT_DATE and UTC_DATE(): the instant's day.
	ClockDate
	// ClockUnix is UNIX_TIMESTAMP() without an argument: whole seconds since the epoch.
	ClockUnix
)

// Clock is a clock function in a cached query's condition: a value that is a function of the
// instant the condition is evaluated at, and that never decreases as time passes. Weir's
// session time zone is UTC, so local and UTC clock functions agree.
type Clock struct {
	Kind ClockKind
	Fsp  int
}

// At is the clock's value at instant t.
func (c Clock) At(t time.Time) dataflow.Value {
	t = t.UTC()
	switch c.Kind {
	case ClockDate:
		return dataflow.Date(t)
	case ClockUnix:
		return dataflow.Int(t.Unix())
	}
	return dataflow.Datetime(t, uint8(c.Fsp))
}

// Unit is the step in which the clock's value changes: a second for NOW() and
// UNIX_TIMESTAMP(), a day for CURDATE(), 10^-fsp seconds for NOW(fsp). The value changes
// only at instants that are whole multiples of Unit since the epoch.
func (c Clock) Unit() time.Duration {
	switch c.Kind {
	case ClockDate:
		return 24 * time.Hour
	case ClockUnix:
		return time.Second
	}
	return time.Duration(math.Pow10(9 - min(max(c.Fsp, 0), 6)))
}

// Type is the SQL type of the clock's value.
func (c Clock) Type() dataflow.Type {
	switch c.Kind {
	case ClockDate:
		return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE"}
	case ClockUnix:
		return dataflow.Type{Kind: dataflow.KindInt, Precision: 11, SQL: "BIGINT"}
	}
	t := dataflow.Type{Kind: dataflow.KindDatetime, Scale: c.Fsp, SQL: "DATETIME"}
	if c.Fsp > 0 {
		t.SQL = "DATETIME(" + string(rune('0'+c.Fsp)) + ")"
	}
	return t
}

// String names the clock as SQL writes it.
func (c Clock) String() string {
	switch c.Kind {
	case ClockDate:
		return "CURDATE()"
	case ClockUnix:
		return "UNIX_TIMESTAMP()"
	}
	if c.Fsp > 0 {
		return "NOW(" + string(rune('0'+c.Fsp)) + ")"
	}
	return "NOW()"
}

// ClockValues appends the values of clocks at t: the clock row that a TemporalAtom's
// expressions read.
func ClockValues(dst dataflow.Row, clocks []Clock, t time.Time) dataflow.Row {
	for _, c := range clocks {
		dst = append(dst, c.At(t))
	}
	return dst
}

// TemporalAtom is one comparison of a temporal condition: a value of the row against an
// expression of the clock (NOW() - INTERVAL 1 DAY). Because the clock side never decreases
// as time passes, the comparison changes its truth at most once in a row's life (a row
// enters a `created_at < NOW()` window once, and leaves a `created_at > NOW() - INTERVAL 1
// HOUR` one once): that is what lets an operator schedule the instant it changes instead
// of evaluating every row at every instant.
type TemporalAtom struct {
	// Row is the row side, over the rows' columns.
	Row Expr
	// Clock is the clock side, over the clock row (column i is clock i's value).
	Clock Expr
	// Cmp is the comparison itself, over a row followed by the clock row: it is what
	// decides (the other two serve to estimate the instant it changes).
	Cmp Expr
}

// HoldsAt reports whether every atom is true for row (not false, not NULL) given the
// clock row: row followed by the clock values. scratch is reused to build it.
func HoldsAt(atoms []TemporalAtom, row, clockRow dataflow.Row, scratch *dataflow.Row) bool {
	ext := append(append((*scratch)[:0], row...), clockRow...)
	*scratch = ext
	for _, a := range atoms {
		if !a.Cmp.Eval(ext).Truthy() {
			return false
		}
	}
	return true
}

// CallOf reports the function name (canonical, lower case) and arguments of a scalar
// function call; ok is false for any other expression.
func CallOf(e Expr) (name string, args []Expr, ok bool) {
	c, ok := e.(*call)
	if !ok {
		return "", nil, false
	}
	return c.spec.name, c.args, true
}

// ArithOf reports the operator and operands of an arithmetic expression; ok is false for
// any other expression.
func ArithOf(e Expr) (op ArithOp, l, r Expr, ok bool) {
	a, ok := e.(*arith)
	if !ok {
		return 0, nil, nil, false
	}
	return a.op, a.l, a.r, true
}
