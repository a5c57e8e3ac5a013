package eviction

import "syscall"

// DefaultLimit is the memory limit an engine gets when none is given: a quarter of the
// machine's memory, or 1 GiB when it cannot be read.
func DefaultLimit() int64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil && si.Totalram > 0 {
		return int64(si.Totalram) * int64(si.Unit) / 4
	}
	return fallbackLimit
}
