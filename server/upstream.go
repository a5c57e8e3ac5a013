package server

import (
	"context"
	"strings"

	"github.com/jackc/pglogrepl"
)

// minLSNVar is the user variable that gives a session read-your-writes across systems: after
// writing to the upstream PostgreSQL, a client sets it to the LSN PostgreSQL reported
// (SELECT pg_current_wal_lsn()), and its reads wait until Weir has applied that position.
const minLSNVar = "weir_min_lsn"

// codeUpstreamWait is the error of a read whose upstream position did not arrive in time
// (MySQL's lock wait timeout: a wait for another party, which the client may retry).
const codeUpstreamWait = 1205

func (s *session) setMinLSN(v any) error {
	text := ""
	switch v := v.(type) {
	case nil:
	case string:
		text = strings.TrimSpace(v)
	case []byte:
		text = strings.TrimSpace(string(v))
	default:
		return wireError(codeWrongValue, "42000", "SET @%s: want an LSN such as '0/16B3748', got %v", minLSNVar, v)
	}
	if text == "" {
		s.minLSN = 0
		return nil
	}
	if s.srv.engine.Mirror() == nil {
		return unsupported("SET @%s outside a mirror: Weir follows no upstream database here (weir serve --upstream)", minLSNVar)
	}
	lsn, err := pglogrepl.ParseLSN(text)
	if err != nil {
		return wireError(codeWrongValue, "42000", "SET @%s: %q is not an LSN such as '0/16B3748'", minLSNVar, text)
	}
	s.minLSN = uint64(lsn)
	return nil
}

// waitMinLSN holds a read until the mirror has applied the session's @weir_min_lsn,
// bounded by the engine's read timeout.
func (s *session) waitMinLSN() error {
	if s.minLSN == 0 {
		return nil
	}
	m := s.srv.engine.Mirror()
	if m == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(s.readCtx(), s.srv.engine.Options().ReadTimeout)
	defer cancel()
	if err := m.WaitForPosition(ctx, s.minLSN); err != nil {
		return wireError(codeUpstreamWait, "HY000", "Weir has not applied upstream LSN %s within %s (applied: %s): replication is behind or stopped (see SHOW STATUS)",
			pglogrepl.LSN(s.minLSN), s.srv.engine.Options().ReadTimeout, pglogrepl.LSN(m.Position()))
	}
	return nil
}
