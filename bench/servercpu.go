package bench

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Server CPU time.
//
// A server's CPU per operation is the CPU time (user + system) its processes used over a
// measured window, divided by the operations the clients completed in that window. The
// clients run in the benchmark's own process and are never counted.
//
// ProcessTreeCPU reads, for each given PID, the CPU time of that process and of all its
// descendants (PostgreSQL forks a backend per connection under its postmaster), as one
// cumulative figure; a window's CPU is the difference of two readings, taken at its start
// and at its end. On Linux each reading is one pass over /proc/<pid>/stat of every process:
// the tree is found by parent PID, and each process in it contributes utime + stime (its own
// threads, live and exited) + cutime + cstime (its children that have exited and that it has
// waited for). Processes that come and go are therefore counted as follows:
//
//   - a process alive at both readings: the CPU it used in between;
//   - a process started inside the window: all of its CPU (it had none at the start);
//   - a process that exits inside the window and is reaped by its parent in the tree (a
//     PostgreSQL backend whose connection closed, an autovacuum worker): its CPU moves into
//     the parent's cutime and cstime when the parent waits for it, so the sum stays whole;
//   - a process that exits and is not reaped by a process of the tree (reparented to init)
//     is lost, as is the CPU of a child between its exit and its reaping if a reading falls
//     in that instant. Neither happens to a server's connections in a steady benchmark,
//     where the connection pools stay open for the whole window.
//
// The kernel reports these times in clock ticks (USER_HZ, 100 a second on Linux), so each
// reading is truncated to 10 ms: a window's figure is exact to ±20 ms. Windows of several
// seconds of server CPU keep that below 1%; short test runs are coarse.
//
// Elsewhere than on Linux, ProcessTreeCPU returns ErrCPUUnknown and reports print the CPU
// as unknown.

// ErrCPUUnknown is returned where the benchmark cannot read other processes' CPU time.
var ErrCPUUnknown = errors.New("bench: the CPU time of server processes is only read on Linux")

// ProcessTreeCPU returns, for each PID, the CPU time used so far by that process and its
// descendants (see above). A PID that names no running process is an error.
func ProcessTreeCPU(pids ...int) ([]time.Duration, error) { return processTreeCPU(pids) }

// procStat is what the CPU sampler reads from one /proc/<pid>/stat line.
type procStat struct {
	pid, ppid int
	// utime, stime: the process's own user and system time; cutime, cstime: those of its
	// children that have exited and been waited for. All in clock ticks.
	utime, stime, cutime, cstime uint64
}

// ticks is the process's CPU time including its waited-for children.
func (s procStat) ticks() uint64 { return s.utime + s.stime + s.cutime + s.cstime }

// parseProcStat parses a /proc/<pid>/stat line (proc(5)): "pid (comm) state ppid ...", where
// comm may itself contain spaces and parentheses, so the fields after it are found from the
// last ')'.
func parseProcStat(line []byte) (procStat, error) {
	var s procStat
	open := bytes.IndexByte(line, '(')
	end := bytes.LastIndexByte(line, ')')
	if open < 1 || end < open {
		return s, fmt.Errorf("stat line %q: no (comm)", truncate(line))
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(line[:open])))
	if err != nil {
		return s, fmt.Errorf("stat line %q: pid: %w", truncate(line), err)
	}
	// rest[0] is field 3 (state), so field n of proc(5) is rest[n-3].
	rest := bytes.Fields(line[end+1:])
	if len(rest) < 15 {
		return s, fmt.Errorf("stat line %q: %d fields after comm, want at least 15", truncate(line), len(rest))
	}
	ppid, err := strconv.Atoi(string(rest[4-3]))
	if err != nil {
		return s, fmt.Errorf("stat line %q: ppid: %w", truncate(line), err)
	}
	s.pid, s.ppid = pid, ppid
	for i, dst := range []*uint64{&s.utime, &s.stime, &s.cutime, &s.cstime} {
		// utime and stime are unsigned; cutime and cstime are signed in proc(5) but never
		// negative in practice: read all four as signed and clamp.
		v, err := strconv.ParseInt(string(rest[14-3+i]), 10, 64)
		if err != nil {
			return s, fmt.Errorf("stat line %q: field %d: %w", truncate(line), 14+i, err)
		}
		*dst = uint64(max(v, 0))
	}
	return s, nil
}

func truncate(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// treeTicks sums the CPU ticks of root and all its descendants among procs; ok is false when
// root is not among them.
func treeTicks(procs []procStat, root int) (total uint64, ok bool) {
	children := make(map[int][]int, len(procs))
	byPID := make(map[int]int, len(procs))
	for i, p := range procs {
		byPID[p.pid] = i
		if p.pid != p.ppid {
			children[p.ppid] = append(children[p.ppid], p.pid)
		}
	}
	if _, ok := byPID[root]; !ok {
		return 0, false
	}
	seen := map[int]bool{root: true}
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		total += procs[byPID[pid]].ticks()
		for _, c := range children[pid] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	return total, true
}

// ticksToDuration converts clock ticks at hz per second.
func ticksToDuration(ticks uint64, hz int) time.Duration {
	return time.Duration(ticks/uint64(hz)*uint64(time.Second) + ticks%uint64(hz)*uint64(time.Second)/uint64(hz))
}

// defaultClockTicks is USER_HZ on every Linux architecture Go supports, and what
// `getconf CLK_TCK` prints; it is used when the auxiliary vector does not say.
const defaultClockTicks = 100

// atClkTck is the auxiliary vector's entry for the clock ticks per second (AT_CLKTCK).
const atClkTck = 17

// clockTicksFromAuxv reads AT_CLKTCK from an auxiliary vector (/proc/self/auxv: pairs of
// machine words, type then value, ending with type 0); ok is false if it is absent.
func clockTicksFromAuxv(auxv []byte, wordSize int, order binary.ByteOrder) (hz int, ok bool) {
	word := func(b []byte) uint64 {
		if wordSize == 4 {
			return uint64(order.Uint32(b))
		}
		return order.Uint64(b)
	}
	for i := 0; i+2*wordSize <= len(auxv); i += 2 * wordSize {
		typ, val := word(auxv[i:]), word(auxv[i+wordSize:])
		if typ == 0 {
			break
		}
		if typ == atClkTck && val > 0 && val <= 1_000_000 {
			return int(val), true
		}
	}
	return 0, false
}
