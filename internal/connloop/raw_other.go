//go:build !unix

package connloop

import (
	"errors"
	"net"
	"syscall"
)

// rawConn is nil where sockets are not read as file descriptors: connections are read
// through net.Conn (see Conn.serveConn).
func rawConn(net.Conn) syscall.RawConn { return nil }

func rawRead(uintptr, []byte) (int, error) { return 0, errors.ErrUnsupported }

func rawWrite(uintptr, []byte) (int, error) { return 0, errors.ErrUnsupported }
