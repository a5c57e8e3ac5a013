//go:build !linux

package e2e

import (
	"errors"
	"os"
	"syscall"
)

// openPTY is only written for Linux; elsewhere the tests that need a terminal skip.
func openPTY() (ptmx, tty *os.File, err error) {
	return nil, nil, errors.New("pseudo-terminals are only opened on Linux")
}

func ttyAttr() *syscall.SysProcAttr { return nil }
