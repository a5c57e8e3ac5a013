package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner"
)

// MySQL error numbers the server itself reports.
const (
	codeBadDB          = 1049 // ER_BAD_DB_ERROR
	codeNoDB           = 1046 // ER_NO_DB_ERROR
	codeUnknownCommand = 1047 // ER_UNKNOWN_COM_ERROR
	codeParse          = 1064 // ER_PARSE_ERROR
	codePacketTooLarge = 1153 // ER_NET_PACKET_TOO_LARGE
	codeUnknownStmt    = 1243 // ER_UNKNOWN_STMT_HANDLER
	codeUnsupported    = 1235 // ER_NOT_SUPPORTED_YET
	codeUnknownSysVar  = 1193 // ER_UNKNOWN_SYSTEM_VARIABLE
	codeWrongValue     = 1231 // ER_WRONG_VALUE_FOR_VAR
	codeQueryCanceled  = 1317 // ER_QUERY_INTERRUPTED
	codeUnknown        = 1105 // ER_UNKNOWN_ERROR
	codeCacheExists    = 1050 // ER_TABLE_EXISTS_ERROR: a cache name is taken
)

// wireError is an error put on the wire as is.
func wireError(code uint16, state, format string, args ...any) *mysql.MyError {
	return &mysql.MyError{Code: code, State: state, Message: fmt.Sprintf(format, args...)}
}

// unsupported names a construct Weir does not accept.
func unsupported(format string, args ...any) *mysql.MyError {
	return wireError(codeUnsupported, "42000", "This version of Weir doesn't yet support '%s'", fmt.Sprintf(format, args...))
}

// toWire maps an error to the MySQL error packet a client sees: Weir's typed errors keep
// their number, SQLSTATE and message; anything else is ER_UNKNOWN_ERROR with its text.
func toWire(err error) *mysql.MyError {
	var me *mysql.MyError
	if errors.As(err, &me) {
		return me
	}
	code, state, ok := weir.ErrorCode(err)
	if !ok {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return wireError(codeQueryCanceled, "70100", "Query execution was interrupted")
		}
		return wireError(codeUnknown, "HY000", "%s", err.Error())
	}
	msg := err.Error()
	var we *weir.Error
	var pe *planner.Error
	switch {
	case errors.As(err, &we):
		msg = we.Msg
	case errors.As(err, &pe):
		msg = pe.Msg
	}
	if state == "" {
		state = "HY000"
	}
	return &mysql.MyError{Code: uint16(code), State: state, Message: msg}
}
