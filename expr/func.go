package expr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// ErrUnsupported reports a function Weir does not implement.
var ErrUnsupported = errors.New("unsupported function")

// ErrArgCount reports a call with the wrong number of arguments (MySQL error 1582).
var ErrArgCount = errors.New("incorrect parameter count")

// funcSpec describes one scalar function.
type funcSpec struct {
	name             string // canonical, lower case: the name String renders
	minArgs, maxArgs int    // maxArgs < 0: no limit
	// check validates the arguments beyond their count (constant-only arguments).
	check func(args []Expr) error
	typ   func(args []Expr) dataflow.Type
	eval  func(c *call, row dataflow.Row) dataflow.Value
	// prepare, when set, computes once per call what eval reuses for every row (a compiled
	// pattern); it runs after check accepted the arguments.
	prepare func(args []Expr) any
	// evalErr, when set, reports the error MySQL raises evaluating the call over row where
	// eval gives NULL (JSONEvalError).
	evalErr func(c *call, row dataflow.Row) error
}

var funcs = map[string]*funcSpec{}

// register adds a function under its canonical name and aliases.
func register(s *funcSpec, aliases ...string) {
	funcs[s.name] = s
	for _, a := range aliases {
		funcs[a] = s
	}
}

type call struct {
	spec *funcSpec
	args []Expr
	t    dataflow.Type
	str  string
	// prepared is what spec.prepare computed.
	prepared any
}

// NewFunc builds a call of the scalar function name (case-insensitive). An unknown name gives
// an error wrapping ErrUnsupported, a wrong number of arguments one wrapping ErrArgCount; both
// name the function.
//
// Supported: COALESCE, IFNULL, NULLIF, IF, ISNULL, GREATEST, LEAST, CONCAT, CONCAT_WS,
// LOWER/LCASE, UPPER/UCASE, LENGTH, CHAR_LENGTH/CHARACTER_LENGTH, SUBSTRING/SUBSTR/MID, LEFT,
// RIGHT, TRIM (also TRIM(s, remstr[, 'BOTH'|'LEADING'|'TRAILING'])), LTRIM, RTRIM, REPLACE,
// REVERSE, ABS, SIGN, ROUND, TRUNCATE, FLOOR, CEIL/CEILING, MOD, YEAR, MONTH, DAY/DAYOFMONTH,
// HOUR, MINUTE, SECOND, DATE, JSON_VALID, JSON_EXTRACT, JSON_UNQUOTE, JSON_OBJECT, JSON_ARRAY,
// and the date functions of func_date.go: DATE_ADD/ADDDATE, DATE_SUB/SUBDATE (the unit a
// constant string argument), DATEDIFF, TIMESTAMPDIFF, DAYOFWEEK, WEEKDAY, DAYOFYEAR, QUARTER,
// TO_DAYS, LAST_DAY, DAYNAME, MONTHNAME, MICROSECOND, EXTRACT, DATE_FORMAT; the time
// functions of func_datetime.go and func_strtodate.go: TIME_TO_SEC, SEC_TO_TIME, TIMEDIFF,
// ADDTIME, SUBTIME, TIME, TIMESTAMP, MAKEDATE, MAKETIME, FROM_DAYS, FROM_UNIXTIME,
// UNIX_TIMESTAMP(d), WEEK(d[, mode]), YEARWEEK, WEEKOFYEAR, TIME_FORMAT, PERIOD_ADD,
// PERIOD_DIFF, CONVERT_TZ (numeric offsets), STR_TO_DATE (a constant format); the string
// functions of func_text.go: INSTR, LOCATE/POSITION, FIND_IN_SET, FIELD, STRCMP, ASCII,
// SUBSTRING_INDEX, LPAD, RPAD, REPEAT, SPACE, HEX, MD5, SHA/SHA1, SHA2, TO_BASE64, CRC32,
// OCTET_LENGTH; those of func_codec.go: UNHEX, FROM_BASE64, CONV, BIN, OCT, FORMAT, CHAR,
// ELT, INSERT, QUOTE, SOUNDEX, BIT_LENGTH, BIT_COUNT, INET_ATON, INET_NTOA, INET6_ATON,
// INET6_NTOA; the regular expressions of func_regexp.go: REGEXP_LIKE/REGEXP/RLIKE,
// REGEXP_REPLACE, REGEXP_SUBSTR, REGEXP_INSTR (constant patterns RE2 runs as ICU would);
// the JSON readers of func_jsonread.go: JSON_TYPE, JSON_LENGTH, JSON_DEPTH, JSON_KEYS,
// JSON_QUOTE, JSON_CONTAINS, JSON_CONTAINS_PATH, JSON_OVERLAPS, MEMBER OF (JSON_MEMBEROF);
// the JSON editors of func_jsonedit.go: JSON_SET, JSON_INSERT, JSON_REPLACE, JSON_REMOVE,
// JSON_ARRAY_APPEND, JSON_ARRAY_INSERT, JSON_MERGE_PATCH, JSON_MERGE_PRESERVE/
// JSON_MERGE (a constant document or path that is none is a *JSONError with MySQL's number);
// JSON_VALUE of func_jsonvalue.go;
// and the math of func_num.go: SQRT, EXP, LN, LOG, LOG2, LOG10, POW/POWER, SIN, COS, TAN,
// ASIN, ACOS, ATAN, ATAN2, COT, DEGREES, RADIANS, PI. The bit operators are NewBitOp.
func NewFunc(name string, args []Expr) (Expr, error) {
	key := strings.ToLower(name)
	s, ok := funcs[key]
	if !ok {
		return nil, fmt.Errorf("function %s: %w", name, ErrUnsupported)
	}
	if len(args) < s.minArgs || (s.maxArgs >= 0 && len(args) > s.maxArgs) {
		return nil, fmt.Errorf("function %s: %w: %s, got %d", name, ErrArgCount, arityText(s), len(args))
	}
	for i, a := range args {
		if a == nil {
			return nil, fmt.Errorf("function %s: argument %d is missing", name, i+1)
		}
	}
	if s.check != nil {
		if err := s.check(args); err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
	}
	if key == "mod" {
		return NewArith(OpMod, args[0], args[1]), nil
	}
	return newCall(s, args), nil
}

func arityText(s *funcSpec) string {
	switch {
	case s.maxArgs == s.minArgs:
		return "expects " + strconv.Itoa(s.minArgs) + " argument(s)"
	case s.maxArgs < 0:
		return "expects at least " + strconv.Itoa(s.minArgs) + " argument(s)"
	}
	return "expects " + strconv.Itoa(s.minArgs) + " to " + strconv.Itoa(s.maxArgs) + " arguments"
}

func newCall(s *funcSpec, args []Expr) *call {
	c := &call{spec: s, args: append([]Expr(nil), args...)}
	c.t = s.typ(c.args)
	if s.prepare != nil {
		c.prepared = s.prepare(c.args)
	}
	var b strings.Builder
	b.WriteString(s.name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteByte(')')
	c.str = b.String()
	return c
}

func (c *call) Eval(row dataflow.Row) dataflow.Value { return c.spec.eval(c, row) }
func (c *call) Type() dataflow.Type                  { return c.t }
func (c *call) String() string                       { return c.str }
func (c *call) children() []Expr                     { return c.args }
func (c *call) withChildren(ch []Expr) Expr          { return newCall(c.spec, ch) }

// evalArgs evaluates every argument; null reports whether any was NULL (evaluation stops
// there, since every caller then returns NULL).
func (c *call) evalArgs(row dataflow.Row, buf []dataflow.Value) (vals []dataflow.Value, null bool) {
	vals = buf[:0]
	for _, a := range c.args {
		v := a.Eval(row)
		if v.IsNull() {
			return nil, true
		}
		vals = append(vals, v)
	}
	return vals, false
}

func anyNullable(args []Expr) bool {
	for _, a := range args {
		if nullableType(a.Type()) {
			return true
		}
	}
	return false
}

func argTypes(args []Expr) []dataflow.Type {
	ts := make([]dataflow.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	return ts
}

func intResult(nullable bool) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindInt, Nullable: nullable}
}

func stringResult(length int, nullable bool) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindString, Precision: length, Nullable: nullable}
}

// constString returns the text of a constant, non-NULL argument.
func constString(e Expr) (string, bool) {
	v, ok := ConstValue(e)
	if !ok || v.IsNull() {
		return "", false
	}
	return text(v), true
}

// constInt returns the value of a constant, non-NULL integer-valued argument.
func constInt(e Expr) (int64, bool) {
	v, ok := ConstValue(e)
	if !ok || v.IsNull() {
		return 0, false
	}
	return v.ToInt()
}
