package pgsql

import (
	"errors"
	"fmt"

	"github.com/weirdb/weir/planner"
)

// SQLSTATEs the dialect reports (PostgreSQL's error codes, appendix A of its manual).
const (
	StateFeatureNotSupported = "0A000" // feature_not_supported
	StateSyntaxError         = "42601" // syntax_error
	StateUndefinedTable      = "42P01" // undefined_table
	StateUndefinedColumn     = "42703" // undefined_column
	StateUndefinedFunction   = "42883" // undefined_function
	StateAmbiguousColumn     = "42702" // ambiguous_column
	StateGroupingError       = "42803" // grouping_error
	StateDatatypeMismatch    = "42804" // datatype_mismatch
	StateUndefinedParameter  = "42P02" // undefined_parameter
	StateInvalidSchemaName   = "3F000" // invalid_schema_name
	StateSyntaxOrAccessRule  = "42000" // syntax_error_or_access_rule_violation
	StateInternalError       = "XX000" // internal_error
	StateWindowingError      = "42P20" // windowing_error
	StateWrongObjectType     = "42809" // wrong_object_type
)

// Error is a failure to prepare a statement in PostgreSQL's dialect, with the SQLSTATE
// PostgreSQL reports for it: 0A000 for every construct Weir cannot compute (its message
// names the construct), 42601 for text PostgreSQL's parser refuses, and the class 42 codes
// for names that do not resolve. Err, when not nil, is the underlying error (a
// *planner.Error for failures found while planning the lowered statement).
type Error struct {
	SQLState string
	Msg      string
	// Position is the 1-based character offset of the error in the statement text, as
	// PostgreSQL reports it in an ErrorResponse's P field; 0 when unknown.
	Position int
	Err      error
}

func (e *Error) Error() string { return e.Msg }

func (e *Error) Unwrap() error { return e.Err }

// unsupported is the 0A000 error for a construct Weir does not compute.
func unsupported(format string, args ...any) *Error {
	return &Error{SQLState: StateFeatureNotSupported, Msg: "Weir does not support " + fmt.Sprintf(format, args...)}
}

// plannerStates maps the planner's MySQL error numbers to PostgreSQL's SQLSTATEs for the
// same condition.
var plannerStates = map[int]string{
	planner.CodeUnsupported:         StateFeatureNotSupported,
	planner.CodeParse:               StateSyntaxError,
	planner.CodeUnknownTable:        StateUndefinedTable,
	planner.CodeUnknownColumn:       StateUndefinedColumn,
	planner.CodeAmbiguousColumn:     StateAmbiguousColumn,
	planner.CodeGroupBy:             StateGroupingError,
	planner.CodeInvalidGroupFunc:    StateGroupingError,
	planner.CodeWrongGroupField:     StateGroupingError,
	planner.CodeNonUniqTable:        "42712", // duplicate_alias
	planner.CodeUnionColumns:        StateSyntaxError,
	planner.CodeOperandColumns:      StateSyntaxError,
	planner.CodeDerivedNeedsAlias:   StateSyntaxError,
	planner.CodeWrongParamCount:     StateUndefinedFunction,
	planner.CodeOutOfRange:          "22003", // numeric_value_out_of_range
	planner.CodeDivisionByZero:      "22012", // division_by_zero
	planner.CodeTruncatedWrongValue: "22P02", // invalid_text_representation
	// A frame offset whose type does not fit the ORDER BY key's is feature_not_supported in
	// PostgreSQL; an offset over several keys a windowing_error; a negative one 22013.
	planner.CodeWindowRangeNumeric:  StateFeatureNotSupported,
	planner.CodeWindowRangeTemporal: StateFeatureNotSupported,
	planner.CodeWindowRangeType:     StateFeatureNotSupported,
	planner.CodeWindowRangeKeys:     StateWindowingError,
	planner.CodeWindowFrameIllegal:  "22013", // invalid_preceding_or_following_size
	planner.CodeWindowFrameBounds:   "22013",
}

// fromPlanner turns a planner failure on the lowered statement into an *Error carrying
// PostgreSQL's SQLSTATE for it.
func fromPlanner(err error) error {
	if err == nil {
		return nil
	}
	var pe *planner.Error
	if !errors.As(err, &pe) {
		return &Error{SQLState: StateInternalError, Msg: err.Error(), Err: err}
	}
	state, ok := plannerStates[pe.Code]
	if !ok {
		state = StateSyntaxOrAccessRule
	}
	return &Error{SQLState: state, Msg: pe.Msg, Err: err}
}
