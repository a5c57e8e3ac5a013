package server

import (
	"strings"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
)

// serverStatusInTransReadOnly is SERVER_STATUS_IN_TRANS_READONLY: the open transaction
// is READ ONLY.
const serverStatusInTransReadOnly = 0x2000

// syncFlags keeps the status flags every OK and EOF packet carries in step with the
// session: autocommit unless SET autocommit = 0, in-transaction while one is open.
func (s *session) syncFlags() {
	s.flags = 0
	if !s.manual {
		s.flags |= mysql.SERVER_STATUS_AUTOCOMMIT
	}
	if s.tx != nil {
		s.flags |= mysql.SERVER_STATUS_IN_TRANS
		if s.txReadOnly {
			s.flags |= serverStatusInTransReadOnly
		}
	}
}

// begin handles BEGIN [WORK] and START TRANSACTION [READ ONLY | READ WRITE | WITH
// CONSISTENT SNAPSHOT, …]. An open transaction is committed first, as MySQL does.
func (s *session) begin(sql string) error {
	readOnly, err := beginOptions(sql)
	if err != nil {
		return err
	}
	if err := s.commit(); err != nil {
		return err
	}
	return s.open(readOnly)
}

func (s *session) open(readOnly bool) error {
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.srv.engine.BeginTx(ctx, weir.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return err
	}
	s.tx, s.txReadOnly = tx, readOnly
	s.syncFlags()
	return nil
}

// implicitBegin opens the transaction a statement runs in while autocommit is off.
func (s *session) implicitBegin() error {
	if s.tx != nil {
		return nil
	}
	return s.open(false)
}

// beginOptions reads the characteristics of START TRANSACTION; every transaction sees a
// consistent state of the tables, so WITH CONSISTENT SNAPSHOT asks for nothing more.
func beginOptions(sql string) (readOnly bool, err error) {
	words := strings.Fields(strings.ToUpper(strings.ReplaceAll(sql, ",", " , ")))
	if len(words) > 0 && words[0] == "BEGIN" {
		if len(words) == 1 || (len(words) == 2 && words[1] == "WORK") {
			return false, nil
		}
		return false, wireError(codeParse, "42000", "You have an error in your SQL syntax near '%s'", strings.Join(words[1:], " "))
	}
	rest := words[2:] // START TRANSACTION
	seenRW := false
	for len(rest) > 0 {
		switch {
		case len(rest) >= 2 && rest[0] == "READ" && (rest[1] == "ONLY" || rest[1] == "WRITE"):
			if seenRW {
				return false, wireError(codeParse, "42000", "You have an error in your SQL syntax near '%s'", strings.Join(rest, " "))
			}
			seenRW, readOnly = true, rest[1] == "ONLY"
			rest = rest[2:]
		case len(rest) >= 3 && rest[0] == "WITH" && rest[1] == "CONSISTENT" && rest[2] == "SNAPSHOT":
			rest = rest[3:]
		default:
			return false, wireError(codeParse, "42000", "You have an error in your SQL syntax near '%s'", strings.Join(rest, " "))
		}
		if len(rest) > 0 {
			if rest[0] != "," || len(rest) == 1 {
				return false, wireError(codeParse, "42000", "You have an error in your SQL syntax near '%s'", strings.Join(rest, " "))
			}
			rest = rest[1:]
		}
	}
	return readOnly, nil
}

// txEnd checks the words after COMMIT or ROLLBACK: WORK is accepted; chaining and
// releasing the connection are not supported.
func txEnd(sql string) error {
	words := strings.Fields(strings.ToUpper(sql))
	rest := words[1:]
	if len(rest) > 0 && rest[0] == "WORK" {
		rest = rest[1:]
	}
	switch {
	case len(rest) == 0:
		return nil
	case rest[0] == "AND" || rest[0] == "RELEASE" || rest[0] == "NO":
		return unsupported("%s %s", words[0], strings.Join(rest, " "))
	}
	return wireError(codeParse, "42000", "You have an error in your SQL syntax near '%s'", strings.Join(rest, " "))
}

// commit commits the open transaction, if any. The transaction ends whatever the outcome
// (a deadlock, 1213, has rolled it back).
func (s *session) commit() error {
	if s.tx == nil {
		return nil
	}
	tx := s.tx
	s.tx = nil
	s.syncFlags()
	ctx, cancel := s.ctx()
	defer cancel()
	_, err := tx.Commit(ctx)
	return err
}

// rollback discards the open transaction, if any.
func (s *session) rollback() {
	if s.tx == nil {
		return
	}
	_ = s.tx.Rollback()
	s.tx = nil
	s.syncFlags()
}

// readInTx is called before a read of tables. With autocommit off, a read opens a
// transaction, as on MySQL. inTx reports that the read must go through the transaction,
// which has written (the caches do not hold its writes).
func (s *session) readInTx() (inTx bool, err error) {
	if s.tx == nil {
		if s.manual {
			return false, s.open(false)
		}
		return false, nil
	}
	return s.tx.Wrote(), nil
}

// txQuery reads through the session's transaction, which has written; a conflict the read
// finds (1213) has rolled the transaction back.
func (s *session) txQuery(sql string, args ...any) (weir.Rows, error) {
	rows, err := s.tx.Query(s.readCtx(), sql, args...)
	if s.tx.Done() {
		s.tx = nil
		s.syncFlags()
	}
	return rows, err
}
