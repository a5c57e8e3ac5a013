package bench

import "syscall"

// childProcAttr makes the kernel kill a server the benchmark started when the benchmark
// dies without stopping it, so no orphaned server keeps running.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
