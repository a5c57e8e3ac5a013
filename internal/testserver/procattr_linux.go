package testserver

import "syscall"

// childAttr makes the kernel kill a server when the test binary dies without running its
// cleanups (a panic, a -timeout kill), so no orphaned server keeps its port and data.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
