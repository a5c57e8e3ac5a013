package planner

import (
	"strings"
	"time"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// VolatileKind says what a volatile value of a write is: the statement's clock or a value
// drawn by chance.
type VolatileKind uint8

const (
	// VolatileDatetime is NOW(), CURRENT_TIMESTAMP, LOCALTIME[STAMP], SYSDATE() and
	// UTC_TIMESTAMP(): the statement's time as a DATETIME with Fsp fractional digits.
	VolatileDatetime VolatileKind = iota
	// VolatileDate is CURDATE(), CURRENT_DATE and UTC_DATE(): the statement's date.
	VolatileDate
	// VolatileUnixTime is UNIX_TIMESTAMP() without an argument: the statement's time in
	// seconds since the epoch.
	VolatileUnixTime
	// VolatileRand is RAND(): a DOUBLE in [0, 1), drawn afresh for every row.
	VolatileRand
	// VolatileUUID is UUID(): a new 36-character UUID for every row.
	VolatileUUID
)

// Volatile is a value a write does not read from its text or arguments but takes from the
// clock or from chance when it runs. Clock values are fixed for the whole statement (MySQL
// reads the clock once per statement); RAND() and UUID() are drawn for every row. The engine
// stores the values it computed, never the functions, so a restart or a replay of the
// statement sees the same rows.
//
// Row contract: a write's expressions are evaluated over rows that end with its arguments
// (see Insert and Update); the volatile values follow the arguments, so volatile i is at
// argument position NumParams + i.
type Volatile struct {
	Kind VolatileKind
	// Fsp is the fractional-second digits of a VolatileDatetime.
	Fsp int
}

// PerRow reports whether the value is drawn afresh for every row the statement writes.
func (v Volatile) PerRow() bool { return v.Kind == VolatileRand || v.Kind == VolatileUUID }

// Type is the SQL type of the value.
func (v Volatile) Type() dataflow.Type {
	switch v.Kind {
	case VolatileDate:
		return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE"}
	case VolatileUnixTime:
		return dataflow.Type{Kind: dataflow.KindInt, Precision: 11, SQL: "BIGINT"}
	case VolatileRand:
		return dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE"}
	case VolatileUUID:
		return dataflow.Type{Kind: dataflow.KindString, Precision: 36, SQL: "VARCHAR(36)"}
	}
	return datetimeType(v.Fsp)
}

func datetimeType(fsp int) dataflow.Type {
	t := dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME"}
	if fsp > 0 {
		t.SQL = "DATETIME(" + string(rune('0'+fsp)) + ")"
	}
	return t
}

// volatileFuncs maps the function names a write may call to the kind of value they give.
var volatileFuncs = map[string]VolatileKind{
	"now": VolatileDatetime, "current_timestamp": VolatileDatetime, "localtime": VolatileDatetime,
	"localtimestamp": VolatileDatetime, "sysdate": VolatileDatetime, "utc_timestamp": VolatileDatetime,
	"curdate": VolatileDate, "current_date": VolatileDate, "utc_date": VolatileDate,
	"unix_timestamp": VolatileUnixTime, "rand": VolatileRand, "uuid": VolatileUUID,
}

// clockFunc resolves a call of a clock function to its Volatile: ok is false for any other
// call. Weir's session time zone is UTC, so local and UTC clock functions agree.
func clockFunc(n *ast.FuncCallExpr) (Volatile, bool, *Error) {
	kind, ok := volatileFuncs[n.FnName.L]
	if !ok {
		return Volatile{}, false, nil
	}
	vol := Volatile{Kind: kind}
	name := strings.ToUpper(n.FnName.O)
	switch kind {
	case VolatileDatetime:
		if len(n.Args) > 1 {
			return vol, true, newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function '%s'", name)
		}
		if len(n.Args) == 1 {
			ve, ok := n.Args[0].(*test_driver.ValueExpr)
			if !ok {
				return vol, true, unsupported("%s() with a precision that is not a constant", name)
			}
			fsp, isInt := ve.GetValue().(int64)
			if !isInt || fsp < 0 {
				return vol, true, unsupported("%s() with a precision that is not a constant", name)
			}
			if fsp > maxFsp {
				return vol, true, newErr(CodeTooBigPrecision, "Too-big precision %d specified for '%s'. Maximum is %d.", fsp, strings.ToLower(name), maxFsp)
			}
			vol.Fsp = int(fsp)
		}
	case VolatileUnixTime:
		if len(n.Args) > 0 {
			// UNIX_TIMESTAMP(date) is a function of its argument, not of the clock.
			return vol, false, nil
		}
	case VolatileRand:
		if len(n.Args) > 0 {
			return vol, true, unsupported("RAND() with a seed in a write")
		}
	default:
		if len(n.Args) > 0 {
			return vol, true, newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function '%s'", name)
		}
	}
	return vol, true, nil
}

// volatileSlot adds a volatile value to the statement being compiled and returns its
// reference, for an expression evaluated over rows whose arguments start at argBase.
func (c *compiler) volatileSlot(vol Volatile, argBase int, name string) expr.Expr {
	c.volatiles = append(c.volatiles, vol)
	pos := argBase + len(c.params) + len(c.volatiles) - 1
	return expr.NewCol(pos, dataflow.Column{Name: name, Type: vol.Type()})
}

// writeFunc compiles a clock or chance function in a write's expression (see Volatile). In
// a WHERE clause only the statement's clock is allowed: a value drawn per row there would
// decide which rows match by chance.
func (v *exprConv) writeFunc(n *ast.FuncCallExpr) (expr.Expr, bool, error) {
	vol, ok, perr := clockFunc(n)
	if perr != nil {
		return nil, true, v.err(perr, n)
	}
	if !ok {
		return nil, false, nil
	}
	if vol.PerRow() && v.clause == "where clause" {
		return nil, true, v.err(unsupported("%s() in the WHERE clause of a write", strings.ToUpper(n.FnName.O)), n)
	}
	return v.c.volatileSlot(vol, v.argBase, strings.ToUpper(n.FnName.O)+"()"), true, nil
}

// clockDefault reads a DEFAULT or ON UPDATE clause that names the clock
// (CURRENT_TIMESTAMP[(fsp)], NOW([fsp]), LOCALTIME[STAMP][(fsp)]): ok is false when n is
// anything else. As in MariaDB, the value takes the column's type and precision whatever
// precision the clause was written with.
func clockDefault(n ast.ExprNode) (ok bool, err error) {
	fc, isCall := n.(*ast.FuncCallExpr)
	if !isCall {
		return false, nil
	}
	switch fc.FnName.L {
	case "now", "current_timestamp", "localtime", "localtimestamp":
	default:
		return false, nil
	}
	if _, _, perr := clockFunc(fc); perr != nil {
		return true, perr
	}
	return true, nil
}

// ClockValue is the value the clock's time now gives a column with DEFAULT
// CURRENT_TIMESTAMP or ON UPDATE CURRENT_TIMESTAMP: a DATETIME of the column's precision
// (UTC, Weir's session time zone), converted to the column's type if it is not one.
func ClockValue(now time.Time, t dataflow.Type) dataflow.Value {
	if t.Kind == dataflow.KindDatetime {
		return dataflow.Datetime(now.UTC(), uint8(t.Scale))
	}
	v, err := expr.Convert(dataflow.Datetime(now.UTC(), 0), t, false)
	if err != nil {
		return dataflow.Null
	}
	return v
}

// CodeInvalidOnUpdate is MySQL's ER_INVALID_ON_UPDATE: ON UPDATE on a column that is not a
// DATETIME or TIMESTAMP, or with something other than the clock.
const CodeInvalidOnUpdate = 1294
