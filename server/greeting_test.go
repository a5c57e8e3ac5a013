package server_test

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/weirdb/weir/server"
)

// TestGreetingSaysAutocommit: the server's greeting carries SERVER_STATUS_AUTOCOMMIT, as a
// session starts in autocommit mode. PyMySQL (so SQLAlchemy) reads the flag there and sends
// SET autocommit = 0 only when the flag says autocommit is on: without it, its ROLLBACK
// undid nothing, every statement having committed on its own.
func TestGreetingSaysAutocommit(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	var hdr [4]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, int(hdr[0])|int(hdr[1])<<8|int(hdr[2])<<16)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatal(err)
	}
	if b[0] != 10 {
		t.Fatalf("greeting of protocol version %d", b[0])
	}
	end := bytes.IndexByte(b[1:], 0)
	at := 1 + end + 1 + 4 + 8 + 1 + 2 + 1 // status flags follow the character set
	status := uint16(b[at]) | uint16(b[at+1])<<8
	if status&mysql.SERVER_STATUS_AUTOCOMMIT == 0 {
		t.Errorf("greeting status %#x lacks SERVER_STATUS_AUTOCOMMIT", status)
	}
}
