package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/connloop"
)

// paramDef is the definition every parameter of a prepared statement is described with.
var paramDef = (&mysql.Field{Name: []byte("?")}).Dump()

// dispatch runs one command and writes its reply. It returns quit for COM_QUIT, and an
// error only when the connection must end (the client has its error packet, if any).
func (s *session) dispatch(w *wire, data []byte) (quit bool, err error) {
	if s.px != nil && s.px.file != nil {
		return false, s.relayFilePacket(w, data)
	}
	if len(data) == 0 {
		return false, w.writeError(errMalformed)
	}
	if s.px != nil {
		return s.proxyDispatch(w, data)
	}
	cmd, data := data[0], data[1:]
	switch cmd {
	case mysql.COM_QUIT:
		return true, nil
	case mysql.COM_PING:
		return false, w.writeOK(0, 0, s.flags, 0)
	case mysql.COM_QUERY:
		return false, s.query(w, string(data))
	case mysql.COM_STMT_EXECUTE:
		return false, s.execute(w, data)
	case mysql.COM_STMT_PREPARE:
		return false, s.prepare(w, string(data))
	case mysql.COM_STMT_CLOSE:
		if len(data) >= 4 {
			delete(s.stmts, binary.LittleEndian.Uint32(data))
		}
		return false, nil // no reply
	case mysql.COM_STMT_SEND_LONG_DATA:
		s.longData(data)
		return false, nil // no reply
	case mysql.COM_STMT_RESET:
		if len(data) < 4 {
			return false, w.writeError(errMalformed)
		}
		id := binary.LittleEndian.Uint32(data)
		p, ok := s.stmts[id]
		if !ok {
			return false, w.writeError(unknownStatement(id, "mysqld_stmt_reset"))
		}
		clear(p.long)
		p.longTooBig = false
		return false, w.writeOK(0, 0, s.flags, 0)
	case mysql.COM_INIT_DB:
		return false, s.reply(w, nil, s.UseDB(string(data)))
	case mysql.COM_FIELD_LIST:
		table, _, _ := bytes.Cut(data, []byte{0})
		fields, err := s.HandleFieldList(string(table), "")
		if err != nil {
			return false, w.writeError(err)
		}
		for _, f := range fields {
			if err := w.writeRaw(f.Dump()); err != nil {
				return false, err
			}
		}
		return false, w.writeEOF(s.flags)
	case mysql.COM_SET_OPTION: // multi-statements on or off: Weir runs one statement per query
		return false, w.writeEOF(s.flags)
	case mysql.COM_RESET_CONNECTION:
		s.rollback()
		s.manual = false
		s.syncFlags()
		clear(s.vars)
		clear(s.userVars)
		clear(s.stmts)
		return false, w.writeOK(0, 0, s.flags, 0)
	}
	return false, w.writeError(wireError(codeUnknownCommand, "08S01", "Unknown command %#x", cmd))
}

// query handles COM_QUERY. A SELECT's rows are encoded straight into the reply, with its
// column definitions encoded once per shape (see columnDefs); every other statement's
// result is made by the session and then written.
func (s *session) query(w *wire, query string) error {
	sql := trimStatement(query)
	switch word(leadingWords(sql, 1), 0) {
	case "SELECT", "(", "WITH", "VALUES":
	default:
		res, err := s.HandleQuery(query)
		return s.reply(w, res, err)
	}
	s.clearWarnings(sql)
	rows, res, err := s.selectRows(sql)
	s.srv.metrics.statement(err)
	if err != nil {
		s.srv.logStatementError(s, query, err)
		return w.writeError(err)
	}
	if res != nil {
		return s.reply(w, res, nil)
	}
	cols := rows.Columns()
	defs := s.columnDefs(cols)
	if err := w.writeColumns(defs, s.flags); err != nil {
		return err
	}
	n := rows.Len()
	for i := range n {
		if i%touchChunk == 0 && n > 1 && touchRowsFirst {
			s.touched += touchRows(rows, i, min(i+touchChunk, n))
		}
		row := rows.Row(i)
		if len(row) < len(defs) {
			return w.writeError(fmt.Errorf("row of %d values for %d columns", len(row), len(defs)))
		}
		at := w.begin()
		w.conn.Out = appendTextRow(w.conn.Out, cols, row[:len(defs)])
		if err := w.end(at); err != nil {
			return err
		}
	}
	return w.writeEOF(s.flags)
}

// columnDefs returns the encoded column definitions of a result's columns. Every read of
// a shape returns the same column slice, so the encoding is kept by the slice's first
// element; the cache is per session, and emptied when it reaches a bound.
func (s *session) columnDefs(cols []weir.Column) [][]byte {
	if len(cols) == 0 {
		return nil
	}
	if defs, ok := s.defs[&cols[0]]; ok && len(defs) == len(cols) {
		return defs
	}
	defs := make([][]byte, len(cols))
	for i, c := range cols {
		defs[i] = fieldFor(c).Dump()
	}
	if len(s.defs) >= maxCachedDefs {
		clear(s.defs)
	}
	s.defs[&cols[0]] = defs
	return defs
}

// maxCachedDefs bounds a session's cache of column definitions.
const maxCachedDefs = 256

// reply writes a statement's outcome: its error, an OK, or its result set.
func (s *session) reply(w *wire, res *mysql.Result, err error) error {
	if err != nil {
		return w.writeError(err)
	}
	if res == nil || res.Resultset == nil {
		var affected, insertID uint64
		var status, warnings uint16
		if res != nil {
			affected, insertID, status, warnings = res.AffectedRows, res.InsertId, res.Status, res.Warnings
		}
		return w.writeOK(affected, insertID, s.flags|status, warnings)
	}
	defs := make([][]byte, len(res.Fields))
	for i, f := range res.Fields {
		defs[i] = f.Dump()
	}
	if err := w.writeColumns(defs, s.flags); err != nil {
		return err
	}
	for _, row := range res.RowDatas {
		if err := w.writeRaw(row); err != nil {
			return err
		}
	}
	return w.writeEOF(s.flags)
}

// prepare handles COM_STMT_PREPARE: the statement is planned now, so the client gets its
// parameter count and real column definitions.
func (s *session) prepare(w *wire, query string) error {
	p, err := s.prepareStmt(query)
	s.srv.metrics.statement(err)
	if err != nil {
		s.srv.logStatementError(s, query, err)
		return w.writeError(err)
	}
	s.lastStmt++
	p.id = s.lastStmt
	s.stmts[p.id] = p
	at := w.begin()
	w.conn.Out = append(w.conn.Out, 0)
	w.conn.Out = binary.LittleEndian.AppendUint32(w.conn.Out, p.id)
	w.conn.Out = binary.LittleEndian.AppendUint16(w.conn.Out, uint16(len(p.defs)))
	w.conn.Out = binary.LittleEndian.AppendUint16(w.conn.Out, uint16(p.params))
	w.conn.Out = append(w.conn.Out, 0, 0, 0) // filler, no warnings
	if err := w.end(at); err != nil {
		return err
	}
	if p.params > 0 {
		for range p.params {
			if err := w.writeRaw(paramDef); err != nil {
				return err
			}
		}
		if err := w.writeEOF(s.flags); err != nil {
			return err
		}
	}
	if len(p.defs) > 0 {
		for _, d := range p.defs {
			if err := w.writeRaw(d); err != nil {
				return err
			}
		}
		return w.writeEOF(s.flags)
	}
	return nil
}

// execute handles COM_STMT_EXECUTE. A prepared SELECT, the hot path, is read and its rows
// encoded straight into the reply buffer.
func (s *session) execute(w *wire, data []byte) (err error) {
	var p *prepared
	defer func() {
		if p != nil {
			clear(p.long)
		}
	}()
	id, rest, err := readExecute(data)
	if err == nil {
		var ok bool
		if p, ok = s.stmts[id]; !ok {
			err = unknownStatement(id, "mysqld_stmt_execute")
		}
	}
	if err == nil {
		err = p.bind(rest)
	}
	if err != nil {
		s.srv.metrics.statement(err)
		return w.writeError(err)
	}
	s.clearWarnings(p.sql)
	if p.st == nil || !p.st.IsQuery() {
		var res *mysql.Result
		if p.st == nil {
			res, err = s.runBinary(p.sql)
		} else {
			args := make([]any, len(p.vals))
			for i, v := range p.vals {
				args[i] = v
			}
			res, err = s.write(p.sql, args, func(ctx context.Context) (weir.Result, error) { return p.st.Exec(ctx, args...) })
		}
		s.srv.metrics.statement(err)
		if err != nil {
			s.srv.logStatementError(s, p.sql, err)
		}
		return s.reply(w, res, err)
	}
	err = s.waitMinLSN()
	inTx := false
	if err == nil {
		inTx, err = s.readInTx()
	}
	var rows weir.Rows
	switch {
	case err != nil:
	case inTx:
		args := make([]any, len(p.vals))
		for i, v := range p.vals {
			args[i] = v
		}
		rows, err = s.txQuery(p.sql, args...)
	default:
		rows, err = p.st.QueryIn(s.bufferedCtx(), s.namedCache(p.st), p.vals...)
	}
	s.srv.metrics.statement(err)
	if err != nil {
		s.srv.logStatementError(s, p.sql, err)
		return w.writeError(err)
	}
	return s.writeBinaryResult(w, p, rows)
}

// tryDispatch runs a command on the poller, where nothing may wait (see wire.try): a
// COM_PING, or a COM_STMT_EXECUTE of a prepared SELECT outside a transaction whose read is
// one lookup that hits. Every other command, and a read that would wait, is
// connloop.ErrBlocking, before anything is counted or written: the connection's goroutine
// runs it again through dispatch.
func (s *session) tryDispatch(w *wire, data []byte) error {
	if len(data) == 0 || s.px != nil {
		return connloop.ErrBlocking
	}
	switch data[0] {
	case mysql.COM_PING:
		return w.writeOK(0, 0, s.flags, 0)
	case mysql.COM_STMT_EXECUTE:
		return s.tryExecute(w, data[1:])
	}
	return connloop.ErrBlocking
}

// maxPolledRows bounds the rows of a result the poller writes: a larger one is written by the
// connection's goroutine, which waits for the client to take it.
const maxPolledRows = 64

func (s *session) tryExecute(w *wire, data []byte) error {
	id, rest, err := readExecute(data)
	if err != nil {
		return connloop.ErrBlocking
	}
	p, ok := s.stmts[id]
	if !ok || p.st == nil || !p.st.IsQuery() || len(p.long) > 0 || p.longTooBig ||
		s.tx != nil || s.manual || s.minLSN != 0 {
		return connloop.ErrBlocking
	}
	if err := p.bind(rest); err != nil {
		return connloop.ErrBlocking
	}
	rows, err := p.st.QueryIn(s.pollCtx(), s.namedCache(p.st), p.vals...)
	if errors.Is(err, weir.ErrWouldWait) || rows.Len() > maxPolledRows {
		return connloop.ErrBlocking
	}
	s.clearWarnings(p.sql)
	s.srv.metrics.statement(err)
	if err != nil {
		s.srv.logStatementError(s, p.sql, err)
		return w.writeError(err)
	}
	return s.writeBinaryResult(w, p, rows)
}

// pollCtx is the session's read context for the poller: reads under it never wait.
func (s *session) pollCtx() context.Context {
	s.bufferedCtx()
	return s.nowait
}

// bufferedCtx is the session's read context of prepared SELECTs, with the session's row
// buffer (weir.WithRowBuffer): a range read of a short window collects its rows there, not
// in a new slice. A connection runs one command at a time, and each result is encoded
// before the next read, as the buffer requires.
func (s *session) bufferedCtx() context.Context {
	if ctx := s.readCtx(); s.bufferedOf != ctx {
		s.bufferedOf, s.buffered = ctx, weir.WithRowBuffer(ctx, &s.rowBuf)
		s.nowait = weir.WithoutWaiting(s.buffered)
	}
	return s.buffered
}

// writeBinaryResult writes a prepared SELECT's rows in the binary protocol.
func (s *session) writeBinaryResult(w *wire, p *prepared, rows weir.Rows) error {
	if err := w.writeColumns(p.defs, s.flags); err != nil {
		return err
	}
	n := rows.Len()
	for i := range n {
		if i%touchChunk == 0 && n > 1 && touchRowsFirst {
			s.touched += touchRows(rows, i, min(i+touchChunk, n))
		}
		at := w.begin()
		var rerr error
		if w.conn.Out, rerr = appendBinaryRow(w.conn.Out, p.fields, rows.Row(i)); rerr != nil {
			// A value its column type cannot carry: the result ends in an error.
			w.conn.Out = w.conn.Out[:at]
			return w.writeError(rerr)
		}
		if err := w.end(at); err != nil {
			return err
		}
	}
	return w.writeEOF(s.flags)
}

// longData handles COM_STMT_SEND_LONG_DATA: a parameter's value sent in pieces before the
// execution that uses it. It has no reply; a bad one is ignored, as MySQL does, and an
// oversized total is caught by the execution (max_allowed_packet bounds each piece, and
// a statement's long data is bounded by it in all).
func (s *session) longData(data []byte) {
	if len(data) < 6 {
		return
	}
	p, ok := s.stmts[binary.LittleEndian.Uint32(data)]
	if !ok {
		return
	}
	i := int(binary.LittleEndian.Uint16(data[4:]))
	if i >= p.params {
		return
	}
	if p.long == nil {
		p.long = make([][]byte, p.params)
	}
	if len(p.long[i])+len(data)-6 > s.srv.cfg.MaxPacket {
		p.longTooBig = true
		return
	}
	p.long[i] = append(p.long[i], data[6:]...)
	if p.long[i] == nil {
		p.long[i] = []byte{}
	}
}

func unknownStatement(id uint32, where string) error {
	return wireError(codeUnknownStmt, "HY000", "Unknown prepared statement handler (%s) given to %s", strconv.FormatUint(uint64(id), 10), where)
}

// bind decodes the parameter values of an execution (data: what follows the iteration
// count) into p.vals.
func (p *prepared) bind(data []byte) error {
	if p.longTooBig {
		p.longTooBig = false
		return wireError(codePacketTooLarge, "08S01", "Parameter of prepared statement which is set through mysql_send_long_data() is longer than 'max_allowed_packet' bytes")
	}
	p.vals = p.vals[:0]
	if p.params == 0 {
		return nil
	}
	nulls := (p.params + 7) / 8
	if len(data) < nulls+1 {
		return errMalformed
	}
	bitmap := data[:nulls]
	data = data[nulls:]
	if data[0] == 1 {
		if len(data) < 1+2*p.params {
			return errMalformed
		}
		p.types = append(p.types[:0], data[1:1+2*p.params]...)
		data = data[1+2*p.params:]
	} else {
		data = data[1:]
		if len(p.types) != 2*p.params {
			return wireError(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: no parameter types were sent")
		}
	}
	for i := range p.params {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			p.vals = append(p.vals, dataflow.Null)
			continue
		}
		if i < len(p.long) && p.long[i] != nil {
			p.vals = append(p.vals, dataflow.String(string(p.long[i])))
			continue
		}
		v, n, err := paramFromWire(p.types[2*i], p.types[2*i+1]&0x80 != 0, data)
		if err != nil {
			return wireError(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: parameter %d: %v", i+1, err)
		}
		p.vals = append(p.vals, v)
		data = data[n:]
	}
	return nil
}

// errShort: a parameter value cut short.
var errShort = wireError(1835, "08S01", "Malformed communication packet: a parameter value is cut short")

// paramFromWire decodes one parameter value of the binary protocol, and says how many
// bytes it took.
func paramFromWire(typ byte, unsigned bool, b []byte) (dataflow.Value, int, error) {
	need := func(n int) error {
		if len(b) < n {
			return errShort
		}
		return nil
	}
	switch typ {
	case mysql.MYSQL_TYPE_NULL:
		return dataflow.Null, 0, nil
	case mysql.MYSQL_TYPE_TINY:
		if err := need(1); err != nil {
			return dataflow.Null, 0, err
		}
		if unsigned {
			return dataflow.Uint(uint64(b[0])), 1, nil
		}
		return dataflow.Int(int64(int8(b[0]))), 1, nil
	case mysql.MYSQL_TYPE_SHORT, mysql.MYSQL_TYPE_YEAR:
		if err := need(2); err != nil {
			return dataflow.Null, 0, err
		}
		u := binary.LittleEndian.Uint16(b)
		if unsigned {
			return dataflow.Uint(uint64(u)), 2, nil
		}
		return dataflow.Int(int64(int16(u))), 2, nil
	case mysql.MYSQL_TYPE_INT24, mysql.MYSQL_TYPE_LONG:
		if err := need(4); err != nil {
			return dataflow.Null, 0, err
		}
		u := binary.LittleEndian.Uint32(b)
		if unsigned {
			return dataflow.Uint(uint64(u)), 4, nil
		}
		return dataflow.Int(int64(int32(u))), 4, nil
	case mysql.MYSQL_TYPE_LONGLONG:
		if err := need(8); err != nil {
			return dataflow.Null, 0, err
		}
		u := binary.LittleEndian.Uint64(b)
		if unsigned {
			return dataflow.Uint(u), 8, nil
		}
		return dataflow.Int(int64(u)), 8, nil
	case mysql.MYSQL_TYPE_FLOAT:
		if err := need(4); err != nil {
			return dataflow.Null, 0, err
		}
		return dataflow.Float(float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))), 4, nil
	case mysql.MYSQL_TYPE_DOUBLE:
		if err := need(8); err != nil {
			return dataflow.Null, 0, err
		}
		return dataflow.Float(math.Float64frombits(binary.LittleEndian.Uint64(b))), 8, nil
	case mysql.MYSQL_TYPE_DECIMAL, mysql.MYSQL_TYPE_NEWDECIMAL, mysql.MYSQL_TYPE_VARCHAR, mysql.MYSQL_TYPE_BIT,
		mysql.MYSQL_TYPE_ENUM, mysql.MYSQL_TYPE_SET, mysql.MYSQL_TYPE_TINY_BLOB, mysql.MYSQL_TYPE_MEDIUM_BLOB,
		mysql.MYSQL_TYPE_LONG_BLOB, mysql.MYSQL_TYPE_BLOB, mysql.MYSQL_TYPE_VAR_STRING, mysql.MYSQL_TYPE_STRING,
		mysql.MYSQL_TYPE_GEOMETRY, mysql.MYSQL_TYPE_JSON,
		mysql.MYSQL_TYPE_DATE, mysql.MYSQL_TYPE_NEWDATE, mysql.MYSQL_TYPE_TIMESTAMP, mysql.MYSQL_TYPE_DATETIME,
		mysql.MYSQL_TYPE_TIME:
		v, isNull, n, ok := readLenEncString(b)
		if !ok {
			return dataflow.Null, 0, errShort
		}
		if isNull {
			return dataflow.Null, n, nil
		}
		switch typ {
		case mysql.MYSQL_TYPE_DATE, mysql.MYSQL_TYPE_NEWDATE, mysql.MYSQL_TYPE_DATETIME, mysql.MYSQL_TYPE_TIMESTAMP:
			t, err := binaryTime(v)
			if err != nil {
				return dataflow.Null, 0, err
			}
			return dataflow.FromTime(t), n, nil
		case mysql.MYSQL_TYPE_TIME:
			return dataflow.Null, 0, unsupported("TIME parameters")
		}
		return dataflow.String(string(v)), n, nil
	}
	return dataflow.Null, 0, wireError(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: unknown parameter type %d", typ)
}

// readLenEncString reads a length-encoded string (0xfb is NULL); ok is false when b is cut
// short.
func readLenEncString(b []byte) (v []byte, null bool, n int, ok bool) {
	if len(b) == 0 {
		return nil, false, 0, false
	}
	var size uint64
	switch b[0] {
	case 0xfb:
		return nil, true, 1, true
	case 0xfc:
		if len(b) < 3 {
			return nil, false, 0, false
		}
		size, n = uint64(binary.LittleEndian.Uint16(b[1:])), 3
	case 0xfd:
		if len(b) < 4 {
			return nil, false, 0, false
		}
		size, n = uint64(b[1])|uint64(b[2])<<8|uint64(b[3])<<16, 4
	case 0xfe:
		if len(b) < 9 {
			return nil, false, 0, false
		}
		size, n = binary.LittleEndian.Uint64(b[1:]), 9
	default:
		size, n = uint64(b[0]), 1
	}
	if size > uint64(len(b)-n) {
		return nil, false, 0, false
	}
	end := n + int(size)
	return b[n:end:end], false, end, true
}

// touchRowsFirst makes the encoding of a result start each run of touchChunk rows with
// touchRows; BenchmarkExecuteRange turns it off to measure what that saves.
var touchRowsFirst = true

// touchChunk is how many rows touchRows reads ahead of the encoding: enough for their cache
// misses to overlap, few enough that what it loaded is still in the cache when they are
// encoded.
const touchChunk = 32

// touchRows reads the values of rows from to end, then the first byte of each string among
// them, and returns a sum nobody needs. A reader's rows and their strings lie wherever they
// were allocated, so each row of a range read is a cache miss, and its strings another:
// encoding one row after the other, the processor waits for each miss in turn, while these
// two loops carry no dependence from one row to the next, so their misses overlap.
func touchRows(rows weir.Rows, from, to int) (sum uint64) {
	for i := from; i < to; i++ {
		r := rows.Row(i)
		for j := range r {
			sum += uint64(r[j].Kind())
		}
	}
	for i := from; i < to; i++ {
		for _, v := range rows.Row(i) {
			if s := v.RawString(); len(s) > 0 {
				sum += uint64(s[0])
			}
		}
	}
	return sum
}
