//go:build !linux

package server

// processCPU is unknown outside Linux.
func processCPU() (int64, bool) { return 0, false }
