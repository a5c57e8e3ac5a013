//go:build linux

package e2e

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// openPTY opens a pseudo-terminal: a program given tty as its standard input and output
// behaves as with a person at a terminal, and the test types and reads through ptmx.
func openPTY() (ptmx, tty *os.File, err error) {
	ptmx, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			ptmx.Close()
		}
	}()
	raw, err := ptmx.SyscallConn()
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	var n uint32
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		// unlockpt(3), then ptsname(3): the terminal end is /dev/pts/<n>.
		if _, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
			return
		}
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n)))
	}); err != nil {
		return nil, nil, err
	}
	if errno != 0 {
		return nil, nil, fmt.Errorf("pseudo-terminal: %w", errno)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	return ptmx, tty, nil
}

// ttyAttr makes the terminal the controlling terminal of the program run on it, in a session
// of its own, as a login shell would.
func ttyAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
}
