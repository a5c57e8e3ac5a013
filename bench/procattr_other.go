//go:build !linux

package bench

import "syscall"

// childProcAttr has no parent-death signal outside Linux: servers rely on being stopped.
func childProcAttr() *syscall.SysProcAttr { return nil }
