package weir

import (
	"errors"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// MySQL error numbers for the conditions the engine itself reports. Planner errors carry
// their own (see planner.Error).
const (
	ErrCodeDupEntry        = 1062
	ErrCodeBadNull         = 1048
	ErrCodeNoDefault       = 1364
	ErrCodeNoSuchTable     = 1146
	ErrCodeTableExists     = 1050
	ErrCodeWrongValueCount = 1136
	ErrCodeUnsupported     = 1235
	ErrCodeWrongArguments  = 1210
	ErrCodeWrongUsage      = 1221
	ErrCodeNoSuchView      = 1146
	ErrCodeLockWaitTimeout = 1205
	ErrCodeInternal        = 1815
	ErrCodeNeedReprepare   = 1615
	ErrCodeWrongTableName  = 1103
	ErrCodeServerShutdown  = 1053
	ErrCodeBadTable        = 1051
	ErrCodeDBCreateExists  = 1007
	ErrCodeDBDropExists    = 1008
	ErrCodeBadDB           = 1049
	ErrCodeNoDB            = 1046
	ErrCodeDBAccessDenied  = 1044
)

// Error is a user-visible condition with its MySQL error number and SQLSTATE, so the server
// can put it on the wire unchanged.
type Error struct {
	Code     int
	SQLState string
	Msg      string
}

func (e *Error) Error() string { return e.Msg }

func newError(code int, state, msg string) *Error {
	return &Error{Code: code, SQLState: state, Msg: msg}
}

// ErrNoSuchView is returned for a view name that is not registered.
var ErrNoSuchView = errors.New("weir: no such view")

// ErrorCode returns the MySQL error number and SQLSTATE of err, looking through wrapping for
// any of Weir's typed errors; ok is false for an error without one.
func ErrorCode(err error) (code int, sqlState string, ok bool) {
	var we *Error
	if errors.As(err, &we) {
		return we.Code, we.SQLState, true
	}
	var pe *planner.Error
	if errors.As(err, &pe) {
		return pe.Code, pe.SQLState, true
	}
	var ce *expr.ConvertError
	if errors.As(err, &ce) {
		return ce.Code, "22000", true
	}
	var je *expr.JSONError
	if errors.As(err, &je) {
		return je.Code, je.SQLState(), true
	}
	for _, c := range sentinelCodes {
		if errors.Is(err, c.err) {
			return c.code, c.state, true
		}
	}
	return 0, "", false
}

// sentinelCodes maps the sentinel errors callers see to MySQL error numbers and SQLSTATEs.
var sentinelCodes = []struct {
	err   error
	code  int
	state string
}{
	{ErrNoSuchView, ErrCodeNoSuchView, "42S02"},
	{ErrClosed, ErrCodeServerShutdown, "08S01"},
	{dataflow.ErrArgumentType, ErrCodeWrongArguments, "HY000"},
	{dataflow.ErrReadTimeout, ErrCodeLockWaitTimeout, "HY000"},
	{dataflow.ErrDomainFailed, ErrCodeInternal, "HY000"},
}
