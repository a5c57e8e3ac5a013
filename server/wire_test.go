package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	gmysql "github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir/server"
)

// wireFixture starts a server with a table t (id, s) of three rows and returns a raw
// connection that prepared "SELECT s FROM t WHERE id = ?" as statement 1.
func wireFixture(t *testing.T) (send func(...[]byte), read func() []byte) {
	t.Helper()
	e, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20))",
		"INSERT INTO t VALUES (1, 'one'), (2, 'two'), (300, 'three hundred')",
	} {
		if _, err := e.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn := connectRaw(t, addr)
	if _, err := conn.Prepare("SELECT s FROM t WHERE id = ?"); err != nil {
		t.Fatal(err)
	}
	nc := conn.Conn.Conn
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	// send writes commands, each a packet of sequence 0, in one write.
	send = func(cmds ...[]byte) {
		var out []byte
		for _, p := range cmds {
			out = append(out, packetHeader(len(p), 0)...)
			out = append(out, p...)
		}
		if _, err := nc.Write(out); err != nil {
			t.Fatal(err)
		}
	}
	read = func() []byte {
		_, p, err := readPacket(nc)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return send, read
}

// execute is COM_STMT_EXECUTE of statement id with one parameter: with its type (bound) or
// without (relying on the types of an earlier execution).
func execute(id uint32, flags byte, bound bool, typ byte, value []byte) []byte {
	p := []byte{gmysql.COM_STMT_EXECUTE}
	p = binary.LittleEndian.AppendUint32(p, id)
	p = append(p, flags)
	p = binary.LittleEndian.AppendUint32(p, 1) // iteration count
	p = append(p, 0)                           // NULL bitmap: no NULLs
	if bound {
		p = append(p, 1, typ, 0)
	} else {
		p = append(p, 0)
	}
	return append(p, value...)
}

// readStringResult reads a binary result set of one string column and returns its values.
func readStringResult(t *testing.T, read func() []byte) []string {
	t.Helper()
	head := read()
	if head[0] == gmysql.ERR_HEADER {
		t.Fatalf("error %d: %s", binary.LittleEndian.Uint16(head[1:]), head[9:])
	}
	if head[0] != 1 {
		t.Fatalf("column count packet %x, want one column", head)
	}
	read() // the column definition
	if p := read(); p[0] != gmysql.EOF_HEADER {
		t.Fatalf("%x after the column definitions, want EOF", p)
	}
	var out []string
	for {
		p := read()
		if p[0] == gmysql.EOF_HEADER && len(p) < 9 {
			return out
		}
		// 0x00 header, a NULL bitmap of one byte, then the length-encoded string.
		out = append(out, string(p[3:3+int(p[2])]))
	}
}

// TestExecuteWithoutTypesUsesPreviousTypes: a client may send parameter types on a
// statement's first execution only (the new-params-bound flag is 0 afterwards), as libmysql
// does; the later executions use the types sent before. go-mysql's command loop read such
// parameters as NULL, so the lookup found nothing.
func TestExecuteWithoutTypesUsesPreviousTypes(t *testing.T) {
	send, read := wireFixture(t)
	send(execute(1, 0, true, gmysql.MYSQL_TYPE_LONG, binary.LittleEndian.AppendUint32(nil, 1)))
	if got := readStringResult(t, read); len(got) != 1 || got[0] != "one" {
		t.Fatalf("first execution: %q", got)
	}
	send(execute(1, 0, false, 0, binary.LittleEndian.AppendUint32(nil, 2)))
	if got := readStringResult(t, read); len(got) != 1 || got[0] != "two" {
		t.Fatalf("execution without types: %q, want [two]", got)
	}
}

// TestPipelinedCommandsAllAnswered: commands sent together, without waiting for replies, are
// answered in order.
func TestPipelinedCommandsAllAnswered(t *testing.T) {
	send, read := wireFixture(t)
	ids := []uint32{300, 1, 2, 7}
	var cmds [][]byte
	for i, id := range ids {
		cmds = append(cmds, execute(1, 0, i == 0, gmysql.MYSQL_TYPE_LONGLONG, binary.LittleEndian.AppendUint64(nil, uint64(id))))
	}
	cmds = append(cmds, []byte{gmysql.COM_PING}, append([]byte{gmysql.COM_QUERY}, "SELECT s FROM t WHERE id = 2"...))
	send(cmds...)
	want := [][]string{{"three hundred"}, {"one"}, {"two"}, nil}
	for i := range ids {
		got := readStringResult(t, read)
		if strings.Join(got, ",") != strings.Join(want[i], ",") {
			t.Fatalf("execution %d: %q, want %q", i, got, want[i])
		}
	}
	if p := read(); p[0] != gmysql.OK_HEADER {
		t.Fatalf("ping: %x", p)
	}
	if p := read(); p[0] != 1 {
		t.Fatalf("text query: %x, want a result set of one column", p)
	}
}

// TestLongDataParameter: a value sent in pieces with COM_STMT_SEND_LONG_DATA is the
// parameter of the next execution, and only of that one.
func TestLongDataParameter(t *testing.T) {
	send, read := wireFixture(t)
	send(append([]byte{gmysql.COM_STMT_PREPARE}, "SELECT id FROM t WHERE s = ?"...))
	ok := read()
	if ok[0] != 0 {
		t.Fatalf("prepare: %x", ok)
	}
	id := binary.LittleEndian.Uint32(ok[1:])
	for range 4 { // parameter definition, EOF, column definition, EOF
		read()
	}
	long := func(piece string) []byte {
		p := []byte{gmysql.COM_STMT_SEND_LONG_DATA}
		p = binary.LittleEndian.AppendUint32(p, id)
		p = binary.LittleEndian.AppendUint16(p, 0)
		return append(p, piece...)
	}
	// The long data stands in for the value: the execution carries none for it.
	send(long("three "), long("hundred"), execute(id, 0, true, gmysql.MYSQL_TYPE_STRING, nil))
	head := read()
	if head[0] != 1 {
		t.Fatalf("execution with long data: %x", head)
	}
	read()
	read()
	row := read()
	if row[0] != 0 || binary.LittleEndian.Uint32(row[2:]) != 300 {
		t.Fatalf("row %x, want id 300", row)
	}
	if p := read(); p[0] != gmysql.EOF_HEADER {
		t.Fatalf("%x, want the end of the rows", p)
	}
}

// TestCursorRefusedByName: an execution that asks for a cursor gets an error naming cursors,
// and the connection goes on.
func TestCursorRefusedByName(t *testing.T) {
	send, read := wireFixture(t)
	send(execute(1, gmysql.CURSOR_TYPE_READ_ONLY, true, gmysql.MYSQL_TYPE_LONG, binary.LittleEndian.AppendUint32(nil, 1)))
	p := read()
	if p[0] != gmysql.ERR_HEADER || !bytes.Contains(p, []byte("cursors")) {
		t.Fatalf("reply %q, want an error naming cursors", p)
	}
	send([]byte{gmysql.COM_PING})
	if p := read(); p[0] != gmysql.OK_HEADER {
		t.Fatalf("ping after the refused cursor: %x", p)
	}
}

// TestTruncatedParameterIsAnError: an execution whose parameter value is cut short gets an
// error, never a panic or a read of another command's bytes.
func TestTruncatedParameterIsAnError(t *testing.T) {
	send, read := wireFixture(t)
	for _, v := range [][]byte{{1, 0}, nil} {
		send(execute(1, 0, true, gmysql.MYSQL_TYPE_LONG, v))
		if p := read(); p[0] != gmysql.ERR_HEADER {
			t.Fatalf("value %x: reply %x, want an error", v, p)
		}
	}
	send(execute(1, 0, true, gmysql.MYSQL_TYPE_VAR_STRING, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}))
	if p := read(); p[0] != gmysql.ERR_HEADER {
		t.Fatalf("a string claiming 2^63 bytes: reply %x, want an error", p)
	}
}
