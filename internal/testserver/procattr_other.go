//go:build !linux

package testserver

import "syscall"

// childAttr has no parent-death signal outside Linux; servers rely on the test's cleanup.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
