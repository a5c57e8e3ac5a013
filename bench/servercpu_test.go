package bench

import (
	"encoding/binary"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       procStat
		bad        bool
	}{
		{
			name: "postgres backend",
			line: "4242 (postgres) S 4200 4200 4200 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 1 0 98765 226000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 536890375 0 0 0 17 1 0 0 0 0 0\n",
			want: procStat{pid: 4242, ppid: 4200, utime: 150, stime: 37},
		},
		{
			name: "waited-for children",
			line: "4200 (postgres) S 1 4200 4200 0 -1 4194560 5000 90000 0 0 12 8 3100 960 20 0 1 0 500 226000000 4000 18446744073709551615 1 1 0 0 0 0 0 4096 536890375 0 0 0 17 0 0 0 0 0 0",
			want: procStat{pid: 4200, ppid: 1, utime: 12, stime: 8, cutime: 3100, cstime: 960},
		},
		{
			name: "comm with spaces and parentheses",
			line: "77 (weird) name (x) ) R 76 77 77 0 -1 0 0 0 0 0 5 6 7 8 20 0 1 0 100 0 0 0",
			want: procStat{pid: 77, ppid: 76, utime: 5, stime: 6, cutime: 7, cstime: 8},
		},
		{
			name: "empty comm",
			line: "9 () S 2 0 0 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 1 0 0 0",
			want: procStat{pid: 9, ppid: 2, utime: 1, stime: 2, cutime: 3, cstime: 4},
		},
		{
			name: "negative cutime clamps to 0",
			line: "10 (x) S 2 0 0 0 -1 0 0 0 0 0 1 2 -3 4 20 0 1 0 1 0 0 0",
			want: procStat{pid: 10, ppid: 2, utime: 1, stime: 2, cutime: 0, cstime: 4},
		},
		{name: "no comm", line: "11 x S 2 0 0", bad: true},
		{name: "truncated", line: "12 (x) S 2 0 0 0 -1 0 0 0 0 0 1 2", bad: true},
		{name: "bad pid", line: "abc (x) S 2 0 0 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 1 0 0 0", bad: true},
		{name: "bad utime", line: "13 (x) S 2 0 0 0 -1 0 0 0 0 0 u 2 3 4 20 0 1 0 1 0 0 0", bad: true},
		{name: "empty", line: "", bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(c.line))
			if c.bad {
				if err == nil {
					t.Fatalf("parsed %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestTreeTicks sums a process with its descendants, and nothing else: a postmaster (10)
// with two backends (11, 12), one of which has a child (13), beside an unrelated process
// (20) and its child (21).
func TestTreeTicks(t *testing.T) {
	procs := []procStat{
		{pid: 1, ppid: 0, utime: 1000},
		{pid: 10, ppid: 1, utime: 5, stime: 1, cutime: 40, cstime: 2}, // 48, with reaped backends
		{pid: 11, ppid: 10, utime: 100, stime: 20},                    // 120
		{pid: 12, ppid: 10, utime: 7},                                 // 7
		{pid: 13, ppid: 12, stime: 3},                                 // 3
		{pid: 20, ppid: 1, utime: 500},
		{pid: 21, ppid: 20, utime: 50},
	}
	for _, c := range []struct {
		root int
		want uint64
		ok   bool
	}{{10, 48 + 120 + 7 + 3, true}, {12, 10, true}, {13, 3, true}, {20, 550, true}, {99, 0, false}} {
		got, ok := treeTicks(procs, c.root)
		if ok != c.ok || got != c.want {
			t.Errorf("tree of %d: %d (found %v), want %d (%v)", c.root, got, ok, c.want, c.ok)
		}
	}
	// A process listed as its own parent (pid 0 on some systems) does not loop.
	if got, ok := treeTicks([]procStat{{pid: 0, ppid: 0, utime: 1}, {pid: 1, ppid: 0, utime: 2}}, 0); !ok || got != 3 {
		t.Errorf("self-parented root: %d, %v", got, ok)
	}
}

func TestTicksToDuration(t *testing.T) {
	for _, c := range []struct {
		ticks uint64
		hz    int
		want  time.Duration
	}{{0, 100, 0}, {1, 100, 10 * time.Millisecond}, {250, 100, 2500 * time.Millisecond}, {3, 1000, 3 * time.Millisecond},
		{1 << 30, 100, time.Duration(1<<30) * 10 * time.Millisecond}, {7, 3, 2333333333}} {
		if got := ticksToDuration(c.ticks, c.hz); got != c.want {
			t.Errorf("%d ticks at %d Hz: %v, want %v", c.ticks, c.hz, got, c.want)
		}
	}
}

func TestClockTicksFromAuxv(t *testing.T) {
	vec := func(wordSize int, order binary.AppendByteOrder, pairs ...uint64) []byte {
		b := make([]byte, 0, len(pairs)*wordSize)
		for _, v := range pairs {
			if wordSize == 4 {
				b = order.AppendUint32(b, uint32(v))
			} else {
				b = order.AppendUint64(b, v)
			}
		}
		return b
	}
	for _, c := range []struct {
		name     string
		wordSize int
		order    interface {
			binary.ByteOrder
			binary.AppendByteOrder
		}
		pairs []uint64
		want  int
		ok    bool
	}{
		{"64-bit little-endian", 8, binary.LittleEndian, []uint64{33, 0x7fff0000, 6, 4096, 17, 100, 0, 0}, 100, true},
		{"32-bit big-endian", 4, binary.BigEndian, []uint64{6, 4096, 17, 1024, 0, 0}, 1024, true},
		{"absent", 8, binary.LittleEndian, []uint64{6, 4096, 0, 0}, 0, false},
		{"after the end", 8, binary.LittleEndian, []uint64{0, 0, 17, 100}, 0, false},
		{"zero", 8, binary.LittleEndian, []uint64{17, 0, 0, 0}, 0, false},
		{"truncated", 8, binary.LittleEndian, []uint64{17}, 0, false},
	} {
		got, ok := clockTicksFromAuxv(vec(c.wordSize, c.order, c.pairs...), c.wordSize, c.order)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
