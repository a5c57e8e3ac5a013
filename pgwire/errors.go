package pgwire

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner/pgsql"
)

// PostgreSQL SQLSTATEs this package reports.
const (
	stateSyntax           = "42601"
	stateUndefinedTable   = "42P01"
	stateUndefinedColumn  = "42703"
	stateUndefinedObject  = "42704"
	stateDuplicateTable   = "42P07"
	stateDuplicatePrepare = "42P05"
	stateUndefinedPrepare = "26000"
	stateUndefinedCursor  = "34000"
	stateFeature          = "0A000"
	stateInvalidParam     = "22023"
	stateInvalidText      = "22P02"
	stateOutOfRange       = "22003"
	stateTooLong          = "22001"
	stateDivisionByZero   = "22012"
	stateDatetime         = "22007"
	stateCanceled         = "57014"
	stateAdminShutdown    = "57P01"
	stateReadOnly         = "25006"
	stateInFailedTx       = "25P02"
	stateNoActiveTx       = "25P01"
	stateActiveTx         = "25001"
	stateSerialization    = "40001"
	stateUniqueViolation  = "23505"
	stateNotNull          = "23502"
	stateForeignKey       = "23503"
	stateIntegrity        = "23000"
	stateProtocol         = "08P01"
	stateInvalidPassword  = "28P01"
	stateInvalidAuth      = "28000"
	stateTooManyConns     = "53300"
	stateUndefinedDB      = "3D000"
	stateCardinality      = "21000"
	stateGrouping         = "42803"
	stateAmbiguousColumn  = "42702"
	stateDuplicateColumn  = "42701"
	stateInternal         = "XX000"
	stateUndefinedFunc    = "42883"
	stateCantChangeRT     = "0A000"
	stateInvalidName      = "42602"
	stateProgramLimit     = "54000"
	stateConfigLimit      = "53400"
)

// pgError is an error to send as ErrorResponse.
type pgError struct {
	severity string // ERROR unless FATAL
	code     string
	msg      string
	detail   string
	hint     string
	position int32
	err      error
}

func (e *pgError) Error() string { return e.msg }
func (e *pgError) Unwrap() error { return e.err }

func newPGError(code, format string, args ...any) *pgError {
	return &pgError{code: code, msg: fmt.Sprintf(format, args...)}
}

// mysqlStates maps the MySQL error numbers of Weir's typed errors onto PostgreSQL's
// SQLSTATEs. A number missing here falls back on its SQLSTATE's class (see toPG).
var mysqlStates = map[int]string{
	1064: stateSyntax,          // parse error
	1065: stateSyntax,          // empty query
	1146: stateUndefinedTable,  // unknown table
	1051: stateUndefinedTable,  // unknown table (DROP)
	1054: stateUndefinedColumn, // unknown column
	1052: stateAmbiguousColumn,
	1060: stateDuplicateColumn,
	1050: stateDuplicateTable,
	1235: stateFeature, // unsupported construct
	1062: stateUniqueViolation,
	1048: stateNotNull,
	1364: stateNotNull, // no default for a NOT NULL column
	1451: stateForeignKey,
	1452: stateForeignKey,
	1210: stateInvalidParam, // wrong arguments
	1205: stateCanceled,     // a read that waited past the read timeout
	1815: stateInternal,
	1615: stateCantChangeRT, // cached plan must not change result type
	1053: stateAdminShutdown,
	1213: stateSerialization,
	1792: stateReadOnly,
	1049: stateUndefinedDB,
	1136: stateSyntax, // INSERT has more expressions than target columns
	1366: stateInvalidText,
	1292: stateDatetime,
	1264: stateOutOfRange,
	1690: stateOutOfRange,
	1406: stateTooLong,
	1365: stateDivisionByZero,
	1241: stateCardinality,
	1242: stateCardinality,
	1055: stateGrouping,
	1111: stateGrouping,
	1305: stateUndefinedFunc,
	1046: stateUndefinedDB,
	1044: stateInvalidAuth,
	1103: stateInvalidName,
	1040: stateTooManyConns,
}

// toPG turns an error from the engine or this package into the ErrorResponse a PostgreSQL
// client expects: Weir's typed errors by their MySQL number, then by their SQLSTATE's
// class where PostgreSQL shares it (23xxx, 22xxx, 42000); what has neither is an internal
// error.
func toPG(err error) *pgproto3.ErrorResponse {
	var pe *pgError
	if errors.As(err, &pe) {
		sev := pe.severity
		if sev == "" {
			sev = "ERROR"
		}
		return &pgproto3.ErrorResponse{Severity: sev, SeverityUnlocalized: sev, Code: pe.code, Message: pe.msg,
			Detail: pe.detail, Hint: pe.hint, Position: pe.position}
	}
	var de *pgsql.Error
	if errors.As(err, &de) {
		return &pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: de.SQLState, Message: de.Msg,
			Position: int32(de.Position)}
	}
	code := stateInternal
	msg := err.Error()
	switch {
	case errors.Is(err, context.Canceled):
		code, msg = stateCanceled, "canceling statement due to user request"
	case errors.Is(err, context.DeadlineExceeded):
		code, msg = stateCanceled, "canceling statement due to statement timeout"
	case errors.Is(err, weir.ErrTxDone):
		code = stateNoActiveTx
	default:
		if num, state, ok := weir.ErrorCode(err); ok {
			if c, ok := mysqlStates[num]; ok {
				code = c
			} else if len(state) == 5 {
				switch state[:2] {
				case "22", "23", "40", "42", "0A", "25":
					code = state[:2] + "000"
				}
			}
		}
	}
	return &pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: code, Message: msg}
}
