package bench

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// processTreeCPU reads /proc once for all pids: every process's stat line, then each pid's
// tree by parent PID.
func processTreeCPU(pids []int) ([]time.Duration, error) {
	procs, err := readProcStats("/proc")
	if err != nil {
		return nil, err
	}
	hz := clockTicks()
	out := make([]time.Duration, len(pids))
	for i, pid := range pids {
		ticks, ok := treeTicks(procs, pid)
		if !ok {
			return nil, fmt.Errorf("bench: CPU time of process %d: no such process", pid)
		}
		out[i] = ticksToDuration(ticks, hz)
	}
	return out, nil
}

// readProcStats parses the stat line of every process under procDir. Processes that exit
// while the directory is read are skipped.
func readProcStats(procDir string) ([]procStat, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	procs := make([]procStat, 0, len(entries))
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if err != nil {
			continue // gone since the directory was read
		}
		s, err := parseProcStat(b)
		if err != nil {
			return nil, fmt.Errorf("bench: %s/%s/stat: %w", procDir, e.Name(), err)
		}
		procs = append(procs, s)
	}
	return procs, nil
}

var clockTicksOnce = sync.OnceValue(func() int {
	if b, err := os.ReadFile("/proc/self/auxv"); err == nil {
		if hz, ok := clockTicksFromAuxv(b, int(unsafe.Sizeof(uintptr(0))), binary.NativeEndian); ok {
			return hz
		}
	}
	return defaultClockTicks
})

// clockTicks is the kernel's clock ticks per second for /proc's CPU times (sysconf's
// _SC_CLK_TCK, which glibc also reads from the auxiliary vector).
func clockTicks() int { return clockTicksOnce() }
