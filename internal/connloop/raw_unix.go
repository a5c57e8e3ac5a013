//go:build unix

package connloop

import (
	"net"
	"syscall"
	"unsafe"
)

// rawConn is c's descriptor for reading it directly (see Conn.serveRaw); nil when c is
// not a TCP socket.
func rawConn(c net.Conn) syscall.RawConn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// rawRead and rawWrite are read(2) and write(2) on a non-blocking socket, which never
// block: as raw system calls they skip the scheduler's bookkeeping for a call that might
// (which let the runtime's monitor hand the processor to another thread when a call was
// slow, waking one through a futex), a visible share of a short read's CPU.
func rawRead(fd uintptr, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func rawWrite(fd uintptr, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
