//go:build !linux

package eviction

// DefaultLimit is the memory limit an engine gets when none is given. Outside Linux the
// machine's memory is not read (syscall.Sysinfo is Linux's): 1 GiB.
func DefaultLimit() int64 { return fallbackLimit }
