package pgsql

import (
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// typeCast writes `x::type` and CAST(x AS type). A cast of a parameter is its type's
// declaration: the parameter takes the type of what it is compared with, so the marker
// stands alone.
func (lw *lowerer) typeCast(tc *pg.TypeCast, depth int) error {
	name, mods, err := typeName(tc.TypeName)
	if err != nil {
		return err
	}
	if p := tc.Arg.GetParamRef(); p != nil {
		if _, err := mysqlType(name, mods); err != nil {
			return err
		}
		return lw.param(p)
	}
	if c := tc.Arg.GetAConst(); c != nil {
		if s, ok := c.Val.(*pg.A_Const_Sval); ok && name == "interval" {
			return lw.interval(s.Sval.Sval)
		}
		if s, ok := c.Val.(*pg.A_Const_Sval); ok && name == "bool" {
			// 'true'::boolean, 't', 'yes', 'on', '1' and their negations, as PostgreSQL reads them.
			switch strings.ToLower(strings.TrimSpace(s.Sval.Sval)) {
			case "t", "true", "y", "yes", "on", "1":
				lw.w("TRUE")
				return nil
			case "f", "false", "n", "no", "off", "0":
				lw.w("FALSE")
				return nil
			}
			return &Error{SQLState: "22P02", Msg: "invalid input syntax for type boolean: \"" + s.Sval.Sval + "\""}
		}
	}
	target, err := mysqlType(name, mods)
	if err != nil {
		return err
	}
	if name == "bpchar" {
		// char(n): PG_BPCHAR(x, n), the planner's binary CHAR (n = 0: bpchar without a
		// length, which neither cuts nor pads).
		n := 0
		if len(mods) > 0 {
			n = mods[0]
		}
		lw.w("PG_BPCHAR(")
		if err := lw.expr(tc.Arg, depth+1); err != nil {
			return err
		}
		lw.w(", ", strconv.Itoa(n), ")")
		return nil
	}
	if fn, ok := intCasts[name]; ok {
		lw.w(fn, "(")
		if err := lw.expr(tc.Arg, depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	}
	if target == "" {
		return lw.expr(tc.Arg, depth+1) // a cast to the type the value has already
	}
	lw.w("CAST(")
	if err := lw.expr(tc.Arg, depth+1); err != nil {
		return err
	}
	lw.w(" AS ", target, ")")
	return nil
}

// intCasts are the planner's functions for casts to smallint and integer: the cast, with
// the type announced in the target's width (CAST(x AS SIGNED) is a bigint).
var intCasts = map[string]string{
	"int2": "PG_INT2", "smallint": "PG_INT2",
	"int4": "PG_INT4", "int": "PG_INT4", "integer": "PG_INT4",
}

// typeName reads a type name as PostgreSQL's catalog spells it (int4, varchar, …) with its
// integer modifiers.
func typeName(tn *pg.TypeName) (string, []int, error) {
	if tn == nil || len(tn.Names) == 0 {
		return "", nil, unsupported("this type")
	}
	if len(tn.ArrayBounds) > 0 {
		return "", nil, unsupported("array types")
	}
	var parts []string
	for _, n := range tn.Names {
		if s := n.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		}
	}
	if len(parts) == 2 && parts[0] == "pg_catalog" {
		parts = parts[1:]
	}
	var mods []int
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil {
			return "", nil, unsupported("this type modifier")
		}
		iv, ok := c.Val.(*pg.A_Const_Ival)
		if !ok {
			return "", nil, unsupported("this type modifier")
		}
		mods = append(mods, int(iv.Ival.Ival))
	}
	return strings.Join(parts, "."), mods, nil
}

// mysqlType is the CAST target that converts to a PostgreSQL type; "" for types whose
// conversion changes nothing in Weir (text to text).
func mysqlType(name string, mods []int) (string, error) {
	switch name {
	case "int2", "int4", "int8", "integer", "int", "smallint", "bigint":
		return "SIGNED", nil
	case "numeric", "decimal":
		switch len(mods) {
		case 0:
			return "DECIMAL(65,30)", nil
		case 1:
			return "DECIMAL(" + strconv.Itoa(mods[0]) + ",0)", nil
		default:
			return "DECIMAL(" + strconv.Itoa(mods[0]) + "," + strconv.Itoa(mods[1]) + ")", nil
		}
	case "float8", "double precision", "float":
		return "DOUBLE", nil
	case "float4", "real":
		return "FLOAT", nil
	case "text":
		// A binary string: text, compared byte by byte as under the C collation.
		return "BINARY", nil
	case "varchar", "bpchar", "name":
		if len(mods) > 0 {
			return "CHAR(" + strconv.Itoa(mods[0]) + ")", nil
		}
		return "CHAR", nil
	case "date":
		return "DATE", nil
	case "timestamp", "timestamptz":
		if len(mods) > 0 {
			return "DATETIME(" + strconv.Itoa(mods[0]) + ")", nil
		}
		return "DATETIME(6)", nil
	case "bool", "boolean":
		return "", unsupported("casts to boolean other than of a literal")
	}
	return "", unsupported("the type %s", name)
}

// interval writes an interval literal ('1 day', '2 hours', '1 hour 30 minutes') as MySQL's
// INTERVAL n UNIT, which date/time arithmetic takes. Several fields of time (weeks, days,
// hours, minutes, seconds) add up to one count of the largest unit that divides their sum,
// as PostgreSQL adds them to a timestamp without time zone; months and years stand alone,
// since MySQL adds them by the calendar and PostgreSQL adds them before the days.
func (lw *lowerer) interval(text string) error {
	f := strings.Fields(strings.ToLower(text))
	bad := func() error {
		return unsupported("the interval '%s' (an interval of units, as '3 days' or '1 hour 30 minutes', is supported)", text)
	}
	if len(f) < 2 || len(f)%2 != 0 {
		return bad()
	}
	type unitSize struct {
		name   string
		micros int64
	}
	sizes := []unitSize{{"DAY", 86400e6}, {"HOUR", 3600e6}, {"MINUTE", 60e6}, {"SECOND", 1e6}, {"MICROSECOND", 1}}
	var total int64
	for i := 0; i < len(f); i += 2 {
		n, err := strconv.ParseInt(f[i], 10, 32)
		if err != nil {
			return bad()
		}
		unit := strings.TrimSuffix(f[i+1], "s")
		switch unit {
		case "min":
			unit = "minute"
		case "sec":
			unit = "second"
		}
		switch unit {
		case "microsecond", "second", "minute", "hour", "day", "week", "month", "year":
		default:
			return unsupported("the interval unit %s", f[i+1])
		}
		if len(f) == 2 {
			lw.w("INTERVAL ", strconv.FormatInt(n, 10), " ", strings.ToUpper(unit))
			return nil
		}
		per := int64(0)
		for _, s := range sizes {
			if strings.EqualFold(s.name, unit) {
				per = s.micros
			}
		}
		if unit == "week" {
			per = 7 * 86400e6
		}
		if per == 0 {
			return unsupported("the interval '%s' (months and years stand alone in an interval)", text)
		}
		// Past ±2^58 µs (9000 years) an interval leaves every date; the bound keeps the sum
		// from overflowing.
		const limit = int64(1) << 58
		if n > limit/per || n < -limit/per || total > limit || total < -limit {
			return bad()
		}
		total += n * per
	}
	for _, s := range sizes {
		if total%s.micros == 0 {
			lw.w("INTERVAL ", strconv.FormatInt(total/s.micros, 10), " ", s.name)
			return nil
		}
	}
	return bad()
}

// funcCall writes a function call: aggregates, window functions and the scalar functions
// whose meaning both dialects share (or that a MySQL function gives exactly).
func (lw *lowerer) funcCall(f *pg.FuncCall, depth int) error {
	name := opName(f.Funcname)
	switch {
	case f.AggFilter != nil:
		return unsupported("FILTER (WHERE …) on an aggregate")
	case f.AggWithinGroup:
		return unsupported("WITHIN GROUP")
	case f.FuncVariadic:
		return unsupported("VARIADIC")
	case len(f.AggOrder) > 0 && name != "string_agg":
		return unsupported("ORDER BY inside %s()", name)
	}
	switch name {
	case "count":
		lw.w("COUNT(")
		if f.AggStar {
			lw.w("*")
		} else {
			if f.AggDistinct {
				lw.w("DISTINCT ")
			}
			if err := lw.args(f.Args, depth); err != nil {
				return err
			}
		}
		lw.w(")")
		return lw.over(f, depth)
	case "avg":
		// PostgreSQL's avg of integers and numerics is a numeric division of the sum by the
		// count whose scale depends on the values (at least 16 significant digits), which
		// the planner's PG_AVG computes; MySQL's AVG keeps four digits more than its argument.
		lw.w("PG_AVG(")
		for i, fn := range []string{"SUM(", "COUNT("} {
			if i > 0 {
				lw.w(", ")
			}
			lw.w(fn)
			if f.AggDistinct {
				lw.w("DISTINCT ")
			}
			if err := lw.args(f.Args, depth); err != nil {
				return err
			}
			lw.w(")")
			if err := lw.over(f, depth); err != nil {
				return err
			}
		}
		lw.w(")")
		return nil
	case "sum", "min", "max":
		lw.w(strings.ToUpper(name), "(")
		if f.AggDistinct {
			lw.w("DISTINCT ")
		}
		if err := lw.args(f.Args, depth); err != nil {
			return err
		}
		lw.w(")")
		return lw.over(f, depth)
	case "bool_and", "every", "bool_or":
		fn := "MIN"
		if name == "bool_or" {
			fn = "MAX"
		}
		lw.w(fn, "(")
		if err := lw.args(f.Args, depth); err != nil {
			return err
		}
		lw.w(")")
		return lw.over(f, depth)
	case "row_number", "rank", "dense_rank":
		if f.Over == nil {
			return unsupported("%s() without OVER", name)
		}
		lw.w(strings.ToUpper(name), "()")
		return lw.over(f, depth)
	case "first_value", "last_value":
		// Over a frame as the aggregates are; the planner reads the frame's first or last row.
		if f.Over == nil {
			return &Error{SQLState: StateWrongObjectType, Msg: fmt.Sprintf("window function %s requires an OVER clause", name)}
		}
		lw.w(strings.ToUpper(name), "(")
		if err := lw.args(f.Args, depth); err != nil {
			return err
		}
		lw.w(")")
		return lw.over(f, depth)
	case "string_agg":
		return lw.stringAgg(f, depth)
	}
	if f.Over != nil {
		return unsupported("the window function %s()", name)
	}
	if f.AggStar || f.AggDistinct {
		return unsupported("%s(*) or %s(DISTINCT …)", name, name)
	}
	simple := map[string]string{
		"lower": "LOWER", "upper": "UPPER", "abs": "ABS", "coalesce": "COALESCE",
		"char_length": "CHAR_LENGTH", "character_length": "CHAR_LENGTH", "length": "CHAR_LENGTH",
		"octet_length": "LENGTH", "replace": "REPLACE", "reverse": "REVERSE",
		"ceil": "CEILING", "ceiling": "CEILING", "floor": "FLOOR",
		"mod": "MOD", "nullif": "NULLIF", "left": "LEFT", "right": "RIGHT",
		"lpad": "LPAD", "rpad": "RPAD", "md5": "MD5", "sqrt": "SQRT", "power": "POWER", "pow": "POWER",
		"ltrim": "LTRIM", "rtrim": "RTRIM", "btrim": "TRIM", "trim": "TRIM",
	}
	switch name {
	case "now", "transaction_timestamp", "statement_timestamp":
		if len(f.Args) > 0 {
			return unsupported("%s() with arguments", name)
		}
		lw.w("NOW(6)")
		return nil
	case "clock_timestamp", "random", "gen_random_uuid", "timeofday":
		return unsupported("%s() in a cached query", name)
	case "concat":
		// concat() skips NULL arguments (NULL is ''), as CONCAT_WS does with an empty separator.
		lw.w("CONCAT_WS(''")
		for _, a := range f.Args {
			lw.w(", ")
			if err := lw.expr(a, depth+1); err != nil {
				return err
			}
		}
		lw.w(")")
		return nil
	case "concat_ws":
		return lw.call("CONCAT_WS", f.Args, depth)
	case "substr", "substring":
		if len(f.Args) < 2 || len(f.Args) > 3 {
			return unsupported("%s() with %d arguments", name, len(f.Args))
		}
		return lw.call("SUBSTRING", f.Args, depth)
	case "round", "trunc":
		fn := "ROUND"
		if name == "trunc" {
			fn = "TRUNCATE"
		}
		if len(f.Args) == 1 {
			lw.w(fn, "(")
			if err := lw.expr(f.Args[0], depth+1); err != nil {
				return err
			}
			lw.w(", 0)")
			return nil
		}
		return lw.call(fn, f.Args, depth)
	case "position", "strpos":
		if len(f.Args) != 2 {
			return unsupported("%s() with %d arguments", name, len(f.Args))
		}
		// strpos(s, sub) and position(sub IN s), which the parser gives as position(s, sub).
		lw.w("LOCATE(")
		if err := lw.expr(f.Args[1], depth+1); err != nil {
			return err
		}
		lw.w(", ")
		if err := lw.expr(f.Args[0], depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case "extract":
		return lw.extract(f, depth)
	case "date_part":
		// date_part() is double precision; extract() numeric.
		lw.w("CAST(")
		if err := lw.extract(f, depth); err != nil {
			return err
		}
		lw.w(" AS DOUBLE)")
		return nil
	case "date_trunc":
		return unsupported("date_trunc()")
	}
	if fn, ok := simple[name]; ok {
		return lw.call(fn, f.Args, depth)
	}
	return &Error{SQLState: StateFeatureNotSupported, Msg: "Weir does not support the function " + name + "()"}
}

func (lw *lowerer) args(args []*pg.Node, depth int) error {
	for i, a := range args {
		if i > 0 {
			lw.w(", ")
		}
		if err := lw.expr(a, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// extract writes EXTRACT(field FROM x) for the fields both dialects count the same way.
func (lw *lowerer) extract(f *pg.FuncCall, depth int) error {
	if len(f.Args) != 2 {
		return unsupported("extract() with %d arguments", len(f.Args))
	}
	c := f.Args[0].GetAConst()
	s, ok := c.GetVal().(*pg.A_Const_Sval)
	if c == nil || !ok {
		return unsupported("extract() of a field that is not a constant")
	}
	field := strings.ToUpper(s.Sval.Sval)
	switch field {
	case "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "QUARTER":
	default:
		return unsupported("extract(%s …)", strings.ToLower(field))
	}
	// extract() is numeric in PostgreSQL 14 and later; the fields written here are whole.
	lw.w("CAST(EXTRACT(", field, " FROM ")
	if err := lw.expr(f.Args[1], depth+1); err != nil {
		return err
	}
	lw.w(") AS DECIMAL(20,0))")
	return nil
}

// over writes a window function's OVER clause, sorting NULLs as PostgreSQL does.
func (lw *lowerer) over(f *pg.FuncCall, depth int) error {
	w := f.Over
	if w == nil {
		return nil
	}
	if w.Name != "" || w.Refname != "" {
		return unsupported("named windows")
	}
	lw.w(" OVER (")
	if len(w.PartitionClause) > 0 {
		lw.w("PARTITION BY ")
		if err := lw.args(w.PartitionClause, depth); err != nil {
			return err
		}
	}
	if len(w.OrderClause) > 0 {
		if len(w.PartitionClause) > 0 {
			lw.w(" ")
		}
		lw.w("ORDER BY ")
		if err := lw.sortList(w.OrderClause, nil, depth); err != nil {
			return err
		}
	}
	if w.FrameOptions&frameNonDefault != 0 {
		if len(w.PartitionClause) > 0 || len(w.OrderClause) > 0 {
			lw.w(" ")
		}
		if err := lw.frame(w, depth); err != nil {
			return err
		}
	}
	lw.w(")")
	return nil
}

// PostgreSQL's frame options (FRAMEOPTION_* of its parsenodes.h).
const (
	frameNonDefault      = 0x00001
	frameRange           = 0x00002
	frameRows            = 0x00004
	frameGroups          = 0x00008
	frameStartUnbounded  = 0x00020
	frameEndUnbounded    = 0x00100
	frameStartCurrent    = 0x00200
	frameEndCurrent      = 0x00400
	frameStartPreceding  = 0x00800
	frameEndPreceding    = 0x01000
	frameStartFollowing  = 0x02000
	frameEndFollowing    = 0x04000
	frameExcludeAny      = 0x08000 | 0x10000 | 0x20000
	frameOffsetAnyBounds = frameStartPreceding | frameEndPreceding | frameStartFollowing | frameEndFollowing
)

// frame writes a window's frame clause, which both dialects spell alike but for the
// interval offsets of RANGE frames (interval '7 days' becomes INTERVAL 7 DAY). The planner
// takes GROUPS frames in this dialect only.
func (lw *lowerer) frame(w *pg.WindowDef, depth int) error {
	opts := w.FrameOptions
	if opts&frameExcludeAny != 0 {
		return unsupported("EXCLUDE in window frames")
	}
	switch {
	case opts&frameRows != 0:
		lw.w("ROWS")
	case opts&frameGroups != 0:
		if len(w.OrderClause) == 0 {
			return &Error{SQLState: StateWindowingError, Msg: "GROUPS mode requires an ORDER BY clause"}
		}
		lw.w("GROUPS")
	default:
		lw.w("RANGE")
	}
	bound := func(unbounded, current, preceding, following int32, offset *pg.Node, unboundedText string) error {
		switch {
		case opts&unbounded != 0:
			lw.w(unboundedText)
		case opts&current != 0:
			lw.w("CURRENT ROW")
		case opts&(preceding|following) != 0:
			if offset == nil {
				return unsupported("a window frame offset that is missing")
			}
			if err := lw.expr(offset, depth+1); err != nil {
				return err
			}
			if opts&preceding != 0 {
				lw.w(" PRECEDING")
			} else {
				lw.w(" FOLLOWING")
			}
		default:
			return unsupported("this window frame bound")
		}
		return nil
	}
	lw.w(" BETWEEN ")
	if err := bound(frameStartUnbounded, frameStartCurrent, frameStartPreceding, frameStartFollowing, w.StartOffset, "UNBOUNDED PRECEDING"); err != nil {
		return err
	}
	lw.w(" AND ")
	return bound(frameEndUnbounded, frameEndCurrent, frameEndPreceding, frameEndFollowing, w.EndOffset, "UNBOUNDED FOLLOWING")
}

// stringAgg writes string_agg(x, sep [ORDER BY x]) as GROUP_CONCAT, which skips NULLs as
// string_agg does and is NULL for a group with no value. The separator must be a constant
// and the order, when given, that of the aggregated value (GROUP_CONCAT orders by nothing
// else); without one the order is Weir's, as PostgreSQL's is unspecified.
func (lw *lowerer) stringAgg(f *pg.FuncCall, depth int) error {
	if f.Over != nil {
		return unsupported("string_agg() as a window function")
	}
	if len(f.Args) != 2 {
		return &Error{SQLState: StateUndefinedFunction, Msg: fmt.Sprintf("function string_agg with %d arguments does not exist", len(f.Args))}
	}
	sep := ""
	switch c := f.Args[1].GetAConst(); {
	case c == nil:
		return unsupported("string_agg() with a separator that is not a constant")
	case c.Isnull:
		return unsupported("string_agg() with a NULL separator")
	default:
		sv, ok := c.Val.(*pg.A_Const_Sval)
		if !ok {
			return unsupported("string_agg() with a separator that is not a string")
		}
		sep = sv.Sval.Sval
	}
	desc := false
	switch len(f.AggOrder) {
	case 0:
	case 1:
		sb := f.AggOrder[0].GetSortBy()
		if sb == nil || sb.SortbyDir == pg.SortByDir_SORTBY_USING {
			return unsupported("this ORDER BY inside string_agg()")
		}
		same, err := sameExpr(sb.Node, f.Args[0])
		if err != nil {
			return err
		}
		if !same {
			return unsupported("string_agg() ordered by anything but the aggregated value")
		}
		desc = sb.SortbyDir == pg.SortByDir_SORTBY_DESC
	default:
		return unsupported("string_agg() ordered by several keys")
	}
	lw.w("GROUP_CONCAT(")
	if f.AggDistinct {
		lw.w("DISTINCT ")
	}
	if err := lw.expr(f.Args[0], depth+1); err != nil {
		return err
	}
	if len(f.AggOrder) > 0 {
		lw.w(" ORDER BY ")
		if err := lw.expr(f.Args[0], depth+1); err != nil {
			return err
		}
		if desc {
			lw.w(" DESC")
		}
	}
	lw.w(" SEPARATOR ")
	lw.str(sep)
	lw.w(")")
	return nil
}

// sameExpr reports whether two expressions are written alike (as their lowered texts are).
func sameExpr(a, b *pg.Node) (bool, error) {
	la, lb := &lowerer{}, &lowerer{}
	if err := la.expr(a, 0); err != nil {
		return false, err
	}
	if err := lb.expr(b, 0); err != nil {
		return false, err
	}
	return la.b.String() == lb.b.String(), nil
}
