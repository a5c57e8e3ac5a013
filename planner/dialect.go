package planner

import (
	"fmt"
	"math"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Dialect is the SQL dialect a statement is written in, which decides the meaning of what
// both dialects spell alike. The text the planner parses is always MySQL's (package
// planner/pgsql lowers PostgreSQL's statements into it); the dialect changes how it is
// compiled where PostgreSQL's semantics differ and the difference depends on types, which
// only the planner knows.
type Dialect uint8

const (
	// MySQL is the dialect of MySQL and MariaDB, and Weir's default.
	MySQL Dialect = iota
	// PostgreSQL compiles a statement with PostgreSQL's semantics (under its C, deterministic
	// collation):
	//   - text compares, groups, joins, sorts and keys byte by byte, case and trailing spaces
	//     counting: every text column of a table is read through a conversion to a binary
	//     string (so a cache keyed by a text column is kept whole: its key no longer traces
	//     to the table's case-insensitive index), string literals are binary strings, text
	//     an expression computes is read as one (pgCollate), and LIKE with a binary operand
	//     is case-sensitive;
	//   - `/` of two integers is integer division, truncating toward zero;
	//   - sum() of smallint or integer is a bigint;
	//   - date arithmetic: date ± integer is the date that many days later or earlier, date -
	//     date the integer number of days between, and date ± interval a timestamp;
	//   - a LEFT JOIN whose ON condition starts with `PG_FULL_JOIN() AND` is a FULL JOIN
	//     (pgFullJoinFunc), which MySQL's grammar cannot spell;
	//   - the normalized text of a query is marked with the dialect, so that a cache written
	//     in one dialect is never shared with the same text in the other.
	// Only SELECT statements compile in it.
	PostgreSQL
)

func (d Dialect) String() string {
	if d == PostgreSQL {
		return "postgresql"
	}
	return "mysql"
}

// dialectMark starts the normalized text of a PostgreSQL query: the view key includes it.
const dialectMark = "/* postgresql */ "

// CompileDialect is CompileIn for a statement in dialect d. In PostgreSQL's dialect only
// SELECT compiles; sql is the lowered text (package planner/pgsql).
func CompileDialect(cat Catalog, db, sql string, d Dialect) (Statement, error) {
	if d == MySQL {
		return CompileIn(cat, db, sql)
	}
	st, err := compileIn(cat, db, sql, d)
	if err != nil {
		return nil, err
	}
	sel, ok := st.(*Select)
	if !ok {
		return nil, unsupported("the %s statement in the %s dialect", st.Verb(), d)
	}
	sel.Query.Text = dialectMark + sel.Query.Text
	return sel, nil
}

// binaryText is the type PostgreSQL's text values take in the planner: a binary string,
// compared byte by byte as the C collation compares.
var binaryText = dataflow.Type{Kind: dataflow.KindString, SQL: "LONGBLOB", Nullable: true}

// textAsBinary reads a table's text columns as binary strings (PostgreSQL's dialect):
// it returns the plan that reads the scan that way and the columns it gives, or the scan
// itself when the table has no text column.
func textAsBinary(scan *Scan) (Plan, []dataflow.Column) {
	var exprs []expr.Expr
	cols := make([]dataflow.Column, len(scan.Cols))
	copy(cols, scan.Cols)
	for i, c := range scan.Cols {
		if c.Type.Kind != dataflow.KindString || c.Type.BinaryString() || c.Type.IsEnum() || c.Type.IsSet() {
			continue
		}
		if exprs == nil {
			exprs = make([]expr.Expr, len(scan.Cols))
			for j, c := range scan.Cols {
				exprs[j] = expr.NewCol(j, c)
			}
		}
		t := binaryText
		t.Nullable = c.Type.Nullable
		exprs[i] = expr.NewCast(expr.NewCol(i, c), t)
		cols[i].Type = t
	}
	if exprs == nil {
		return scan, scan.Cols
	}
	return &Project{Input: scan, Exprs: exprs, Cols: cols}, cols
}

// pgCollate gives text an expression computes (upper(x), x || y, concat(), CASE, a cast)
// PostgreSQL's C collation: MySQL's functions return text under the case-insensitive
// collation whatever their operands' collation, so every text result is read as a binary
// string, in its values (Bytes) and its type (which keys, joins and unions decide by). A
// text column of a table is read so already (textAsBinary).
func pgCollate(e expr.Expr) expr.Expr {
	t := e.Type()
	if t.Kind != dataflow.KindString || t.BinaryString() || t.IsEnum() || t.IsSet() {
		return e
	}
	return over(expr.NewCast(e, pgBinaryTwin(t)), e)
}

// pgBinaryTwin is the binary string type that stands for the text type t in PostgreSQL's
// dialect, announced to clients as t is: a varchar(n) is VARBINARY(4n), as the mirror keeps
// a varchar(n) column (n characters of up to 4 bytes each), a varchar without a length
// VARBINARY(0) (no limit; pgsql.TypeOID reads both as varchar), and any other text LONGBLOB.
func pgBinaryTwin(t dataflow.Type) dataflow.Type {
	base := strings.ToUpper(t.SQL)
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	twin := binaryText
	twin.Nullable = t.Nullable
	if base == "VARCHAR" {
		twin.SQL, twin.Precision = "VARBINARY(0)", 0
		if t.Precision > 0 && 4*t.Precision <= 65532 {
			twin.SQL, twin.Precision = fmt.Sprintf("VARBINARY(%d)", 4*t.Precision), 4*t.Precision
		}
	}
	return twin
}

// pgPaddedChars pads the char(n) arguments of the functions that read a char(n) value as
// PostgreSQL shows it, padded to n: concat() and concat_ws() (through its output function;
// the lowered text's CONCAT_WS) and octet_length() (counting the padding; the lowered
// text's LENGTH). The others (||, the lowered CONCAT, length(), upper(), …) read it as
// text, without trailing spaces, as Weir keeps it.
func pgPaddedChars(name string, args []expr.Expr) []expr.Expr {
	switch name {
	case "concat_ws", "length":
	default:
		return args
	}
	for i, a := range args {
		t := a.Type()
		if !t.BinaryChar() || t.Precision <= 0 {
			continue
		}
		padded, err := expr.NewFunc("rpad", []expr.Expr{a, expr.NewConst(dataflow.Int(int64(t.Precision))), expr.NewConst(dataflow.Bytes(" "))})
		if err != nil {
			continue
		}
		args[i] = pgCollate(padded)
	}
	return args
}

// pgIntDiv reports whether `/` over operands of types l and r divides integers, which
// PostgreSQL truncates.
func pgIntDiv(l, r dataflow.Type) bool {
	isInt := func(t dataflow.Type) bool {
		return (t.Kind == dataflow.KindInt || t.Kind == dataflow.KindUint) && !t.IsEnum() && !t.IsSet()
	}
	return isInt(l) && isInt(r)
}

// pgNumericDiv reports whether `/` over operands of types l and r is PostgreSQL's numeric
// division: a numeric operand, and no floating-point one.
func pgNumericDiv(l, r dataflow.Type) bool {
	exact := func(t dataflow.Type) bool {
		return t.Kind == dataflow.KindDecimal || t.Kind == dataflow.KindInt || t.Kind == dataflow.KindUint
	}
	return (l.Kind == dataflow.KindDecimal || r.Kind == dataflow.KindDecimal) && exact(l) && exact(r)
}

// pgDateArith compiles PostgreSQL's arithmetic on dates: date ± integer (days) and
// date - date (days between). ok is false for operands it does not concern.
func pgDateArith(op expr.ArithOp, l, r expr.Expr) (e expr.Expr, ok bool, err error) {
	lt, rt := l.Type(), r.Type()
	isInt := func(t dataflow.Type) bool { return t.Kind == dataflow.KindInt || t.Kind == dataflow.KindUint }
	isTime := func(t dataflow.Type) bool { return t.Kind == dataflow.KindDate || t.Kind == dataflow.KindDatetime }
	day := expr.NewConst(dataflow.String("DAY"))
	switch {
	case op == expr.OpAdd && lt.Kind == dataflow.KindDate && isInt(rt):
		e, err = expr.NewFunc("date_add", []expr.Expr{l, r, day})
	case op == expr.OpAdd && isInt(lt) && rt.Kind == dataflow.KindDate:
		e, err = expr.NewFunc("date_add", []expr.Expr{r, l, day})
	case op == expr.OpSub && lt.Kind == dataflow.KindDate && isInt(rt):
		e, err = expr.NewFunc("date_sub", []expr.Expr{l, r, day})
	case op == expr.OpSub && lt.Kind == dataflow.KindDate && rt.Kind == dataflow.KindDate:
		e, err = expr.NewFunc("datediff", []expr.Expr{l, r})
	case (op == expr.OpAdd || op == expr.OpSub) && (isTime(lt) || isTime(rt)):
		// timestamp - timestamp is an interval, and a number added to a timestamp is an
		// error: neither has a value Weir's types hold.
		return nil, false, unsupported("%s %s %s in the PostgreSQL dialect (an interval, or no such operator)", lt, map[expr.ArithOp]string{expr.OpAdd: "+", expr.OpSub: "-"}[op], rt)
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, unsupported("this date arithmetic (%v)", err)
	}
	return e, true, nil
}

// pgIntervalArith makes date ± interval a timestamp, as PostgreSQL types it (MySQL keeps
// a date when the interval is whole days).
func pgIntervalArith(name string, e expr.Expr, args []expr.Expr) expr.Expr {
	if (name != "date_add" && name != "date_sub") || len(args) == 0 || args[0].Type().Kind != dataflow.KindDate {
		return e
	}
	return expr.NewCast(e, dataflow.Type{Kind: dataflow.KindDatetime, SQL: "DATETIME", Nullable: true})
}

// pgSumType is the type of PostgreSQL's sum(): bigint for smallint and integer arguments,
// numeric (as MySQL's SUM) for the others.
func pgSumType(arg, mysqlType dataflow.Type) dataflow.Type {
	if arg.Kind != dataflow.KindInt || strings.HasPrefix(strings.ToUpper(arg.SQL), "BIGINT") {
		return mysqlType
	}
	return dataflow.Type{Kind: dataflow.KindInt, Precision: 20, SQL: "BIGINT", Nullable: true}
}

// pgIntWidth is the width in bytes PostgreSQL gives an integer expression: 2 for smallint,
// 4 for integer, 8 for bigint; 0 for an expression that is not an integer. An integer
// literal is an integer when it fits in 32 bits, as PostgreSQL types it.
func pgIntWidth(e expr.Expr) int {
	t := e.Type()
	if (t.Kind != dataflow.KindInt && t.Kind != dataflow.KindUint) || t.IsEnum() || t.IsSet() || isBoolType(t) {
		return 0
	}
	base := strings.ToUpper(t.SQL)
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch {
	case t.Unsigned && base != "SMALLINT" && base != "TINYINT" && base != "MEDIUMINT":
		return 8
	case base == "SMALLINT" || base == "TINYINT":
		return 2
	case base == "INT" || base == "INTEGER" || base == "MEDIUMINT":
		return 4
	}
	if v, ok := expr.ConstValue(e); ok && v.Kind() == dataflow.KindInt && v.RawInt() >= math.MinInt32 && v.RawInt() <= math.MaxInt32 {
		return 4
	}
	return 8
}

// isBoolType reports PostgreSQL's boolean as Weir keeps it (a mirrored boolean column is
// TINYINT(1)).
func isBoolType(t dataflow.Type) bool {
	if t.Kind != dataflow.KindInt {
		return false
	}
	sql := strings.ToUpper(t.SQL)
	return sql == "TINYINT(1)" || sql == "BOOLEAN" || sql == "BOOL"
}

// pgIntTypes are the types PostgreSQL's integers of each width have in the planner.
var pgIntTypes = map[int]dataflow.Type{
	2: {Kind: dataflow.KindInt, Precision: 6, SQL: "SMALLINT"},
	4: {Kind: dataflow.KindInt, Precision: 11, SQL: "INT"},
}

// pgIntResult types e, an integer result of operands of the given widths (arithmetic,
// abs(), mod(), COALESCE, GREATEST, LEAST), as PostgreSQL does: the widest operand's
// integer type, where MySQL's is BIGINT. Values stay 64-bit: one past the announced width
// fails when a client is sent it, as PostgreSQL fails the operation (22003). A constant
// past it fails here, as PostgreSQL's constant folding does.
func pgIntResult(e expr.Expr, operands ...expr.Expr) (expr.Expr, error) {
	if t := e.Type(); t.Kind != dataflow.KindInt || len(operands) == 0 {
		return e, nil
	}
	width := 0
	for _, o := range operands {
		w := pgIntWidth(o)
		if w == 0 {
			return e, nil
		}
		width = max(width, w)
	}
	return pgIntOfWidth(e, width)
}

// pgIntOfWidth announces e, an integer expression, as PostgreSQL's integer of width bytes.
func pgIntOfWidth(e expr.Expr, width int) (expr.Expr, error) {
	t, ok := pgIntTypes[width]
	if !ok || e.Type().Kind != dataflow.KindInt {
		return e, nil
	}
	if v, isConst := expr.ConstValue(e); isConst && !v.IsNull() {
		lim := int64(math.MaxInt32)
		name := "integer"
		if width == 2 {
			lim, name = math.MaxInt16, "smallint"
		}
		if i := v.RawInt(); i > lim || i < -lim-1 {
			return nil, newErr(CodeOutOfRange, "%s out of range", name)
		}
		return expr.NewConstTyped(v, t), nil
	}
	return expr.NewRetyped(e, t), nil
}

// pgFuncType types a function's result as PostgreSQL does where MySQL's type differs:
// integers of their operands' width (abs, mod, COALESCE, GREATEST, LEAST), integer
// lengths and positions, and ceil/floor of a numeric a numeric.
func pgFuncType(name string, e expr.Expr, args []expr.Expr) (expr.Expr, error) {
	switch name {
	case "abs", "mod", "coalesce", "ifnull", "greatest", "least", "nullif":
		return pgIntResult(e, args...)
	case "char_length", "character_length", "length", "octet_length", "locate", "position", "instr":
		return pgIntOfWidth(e, 4)
	case "ceil", "ceiling", "floor":
		if len(args) == 1 && args[0].Type().Kind == dataflow.KindDecimal && e.Type().Kind != dataflow.KindDecimal {
			return expr.NewCast(e, dataflow.Type{Kind: dataflow.KindDecimal, Precision: 65, Scale: 0, SQL: "DECIMAL(65,0)"}), nil
		}
	}
	return e, nil
}

// pgBoolLiteral reads a string literal compared with a boolean as PostgreSQL reads an
// untyped literal there: as a boolean, in any spelling its input function takes ('t',
// 'true', 'yes', 'on', '1' and their negations). MySQL would compare the string's number.
func pgBoolLiteral(l, r expr.Expr) (expr.Expr, expr.Expr, error) {
	conv := func(lit, other expr.Expr) (expr.Expr, error) {
		if !isBoolType(other.Type()) {
			return lit, nil
		}
		v, ok := expr.ConstValue(lit)
		if !ok || v.Kind() != dataflow.KindString {
			return lit, nil
		}
		switch strings.ToLower(strings.TrimSpace(v.RawString())) {
		case "t", "true", "y", "yes", "on", "1":
			return expr.NewConst(dataflow.Int(1)), nil
		case "f", "false", "n", "no", "off", "0":
			return expr.NewConst(dataflow.Int(0)), nil
		}
		return nil, newErr(CodeTruncatedWrongValue, "invalid input syntax for type boolean: \"%s\"", v.RawString())
	}
	l, err := conv(l, r)
	if err != nil {
		return nil, nil, err
	}
	r, err = conv(r, l)
	return l, r, err
}

// pgIntCasts are the functions the PostgreSQL dialect lowers a cast to smallint or integer
// to (the lowered text's CAST(x AS SIGNED) is a bigint): the cast, announced in the
// target's width. They exist in the PostgreSQL dialect only, where the lowering refuses
// any function it does not know, so no statement names them itself.
var pgIntCasts = map[string]int{"pg_int2": 2, "pg_int4": 4}

// signedType is CAST(x AS SIGNED).
var signedType = dataflow.Type{Kind: dataflow.KindInt, Precision: 20, SQL: "BIGINT", Nullable: true}

// pgBpcharFunc is the function the PostgreSQL dialect lowers a cast to char(n) to,
// PG_BPCHAR(x, n): the cast to the binary CHAR(n) (dataflow.Type.BinaryChar) that keeps
// PostgreSQL's char(n) as a mirror does. Like pgIntCasts it exists in that dialect only.
const pgBpcharFunc = "pg_bpchar"

// pgConstInt reads the integer literal n of PG_BPCHAR(x, n).
func pgConstInt(n ast.ExprNode) (int, bool) {
	ve, ok := n.(*test_driver.ValueExpr)
	if !ok {
		return 0, false
	}
	switch ve.Kind() {
	case test_driver.KindInt64:
		if i := ve.GetInt64(); i >= 0 && i <= 10485760 {
			return int(i), true
		}
	case test_driver.KindUint64:
		if u := ve.GetUint64(); u <= 10485760 {
			return int(u), true
		}
	}
	return 0, false
}

// pgAvgFunc is the function the PostgreSQL dialect lowers avg(x) to, PG_AVG(SUM(x),
// COUNT(x)): PostgreSQL's numeric division of the two (expr.NewPGAvg), whose scale depends
// on the values. Like pgIntCasts it exists in that dialect only.
const pgAvgFunc = "pg_avg"

// pgConstDivByZero is PostgreSQL's error for a division or remainder of constants by zero,
// which its constant folding raises whatever the rows. A divisor that is zero only in some
// row is NULL there instead: a cached result cannot fail later, when a write makes it zero.
func pgConstDivByZero(op expr.ArithOp, l, r expr.Expr) *Error {
	if op != expr.OpDiv && op != expr.OpIntDiv && op != expr.OpMod {
		return nil
	}
	lv, lok := expr.ConstValue(l)
	rv, rok := expr.ConstValue(r)
	if !lok || !rok || lv.IsNull() || rv.IsNull() {
		return nil
	}
	if f, ok := rv.ToFloat(); ok && f == 0 {
		return newErr(CodeDivisionByZero, "division by zero")
	}
	return nil
}
