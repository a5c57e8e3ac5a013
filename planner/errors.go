package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// MySQL error numbers the planner reports.
const (
	CodeDBAccessDenied      = 1044
	CodeBadTable            = 1051
	CodeAmbiguousColumn     = 1052
	CodeUnknownColumn       = 1054
	CodeGroupBy             = 1055
	CodeWrongGroupField     = 1056
	CodeDupFieldName        = 1060
	CodeWrongFieldSpec      = 1063
	CodeParse               = 1064
	CodeEmptyQuery          = 1065
	CodeNonUniqTable        = 1066
	CodeInvalidDefault      = 1067
	CodeMultiplePK          = 1068
	CodeKeyColumnMissing    = 1072
	CodeWrongAutoKey        = 1075
	CodeNoTablesUsed        = 1096
	CodeFieldSpecifiedTwice = 1110
	CodeInvalidGroupFunc    = 1111
	CodeTableMustHaveCols   = 1113
	CodeWrongValueCount     = 1136
	CodeUnknownTable        = 1146
	CodePrimaryKeyNull      = 1171
	CodeUnionColumns        = 1222
	CodeUnsupported         = 1235
	CodeOperandColumns      = 1241
	CodeDerivedNeedsAlias   = 1248
	CodeTruncatedWrongValue = 1292
	CodeDerivedColumnCount  = 1353
	CodeNoDefault           = 1364
	CodeTooBigScale         = 1425
	CodeTooBigPrecision     = 1426
	CodeTooBigDisplayWidth  = 1439
	CodeTooBigSet           = 1097
	CodeDupTypeValue        = 1291
	CodeBadTypeValue        = 1367
	CodeScaleOverPrecision  = 1427
	CodeOrderNotInDistinct  = 3065
	CodeOutOfRange          = 1690
	CodeDivisionByZero      = 1365
)

var sqlStates = map[int]string{
	CodeBadTable:            "42S02",
	CodeAmbiguousColumn:     "23000",
	CodeUnknownColumn:       "42S22",
	CodeDupFieldName:        "42S21",
	CodeInvalidGroupFunc:    "HY000",
	CodeDupTypeValue:        "HY000",
	CodeTooBigSet:           "HY000",
	CodeWrongValueCount:     "21S01",
	CodeUnknownTable:        "42S02",
	CodeUnionColumns:        "21000",
	CodeOperandColumns:      "21000",
	CodeTruncatedWrongValue: "22007",
	CodeDerivedColumnCount:  "HY000",
	CodeNoDefault:           "HY000",
	CodeNoTablesUsed:        "HY000",
	CodeOrderNotInDistinct:  "HY000",
	CodeOutOfRange:          "22003",
	CodeDivisionByZero:      "22012",
	CodeWrongValue:          "HY000",
}

// Error is a planning failure with its MySQL error number and SQLSTATE, so that the server
// can put it on the wire unchanged. Compare with errors.Is against the sentinels below: two
// *Error match when their codes are equal.
type Error struct {
	Code     int
	SQLState string
	Msg      string
	// Err is the underlying cause, when another package reported it.
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap exposes the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches any *Error with the same code, so callers can test a class of failure with
// errors.Is(err, planner.ErrUnsupported).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrParse           = &Error{Code: CodeParse, SQLState: "42000", Msg: "syntax error"}
	ErrUnsupported     = &Error{Code: CodeUnsupported, SQLState: "42000", Msg: "unsupported"}
	ErrUnknownTable    = &Error{Code: CodeUnknownTable, SQLState: "42S02", Msg: "unknown table"}
	ErrUnknownColumn   = &Error{Code: CodeUnknownColumn, SQLState: "42S22", Msg: "unknown column"}
	ErrAmbiguousColumn = &Error{Code: CodeAmbiguousColumn, SQLState: "23000", Msg: "ambiguous column"}
	ErrGroupBy         = &Error{Code: CodeGroupBy, SQLState: "42000", Msg: "not in GROUP BY"}
)

func newErr(code int, format string, args ...any) *Error {
	st, ok := sqlStates[code]
	if !ok {
		st = "42000"
	}
	return &Error{Code: code, SQLState: st, Msg: fmt.Sprintf(format, args...)}
}

// unsupported reports a construct Weir does not plan. The message always starts with the
// same words so that users (and tests) recognize the class of failure.
func unsupported(format string, args ...any) *Error {
	return newErr(CodeUnsupported, "Weir does not support "+format, args...)
}

// near describes where n is in the statement, MySQL style: the text from there on and its
// line. The parser records positions on expressions only; for other nodes it is empty.
func near(sql string, n ast.Node) string {
	e, ok := n.(ast.ExprNode)
	if !ok || e == nil || sql == "" {
		return ""
	}
	off := e.OriginTextPosition()
	if p, ok := n.(*test_driver.ParamMarkerExpr); ok {
		off = p.Offset
	}
	if off < 0 || off >= len(sql) {
		return ""
	}
	text := strings.Join(strings.Fields(restoreJSONArrayAgg(restoreJSONValue(sql[off:]))), " ")
	if r := []rune(text); len(r) > 40 {
		text = string(r[:40])
	}
	return fmt.Sprintf(" near '%s' at line %d", text, 1+strings.Count(sql[:off], "\n"))
}
