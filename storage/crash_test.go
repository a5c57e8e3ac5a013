package storage

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// crashChildEnv names the directory the child process commits into; when it is set, the test
// binary is the child.
const crashChildEnv = "WEIR_STORAGE_CRASH_DIR"

// crashChildAsyncEnv makes the child pipeline its batches through CommitAsync.
const crashChildAsyncEnv = "WEIR_STORAGE_CRASH_ASYNC"

const rowsPerCrashBatch = 3

func crashBatch(b *Batch, n uint64) {
	for j := range rowsPerCrashBatch {
		b.PutRow(1, fmt.Appendf(nil, "%08d-%d", n, j), dataflow.Row{dataflow.Uint(n), dataflow.Int(int64(j))})
	}
	b.SetToken(n)
}

// TestCrashChild is not a test on its own: TestCrashSafety runs the test binary again with
// this test selected and crashChildEnv set. It commits numbered batches forever and prints
// each number once Commit (or the wait of CommitAsync) has reported it durable.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	s, err := Open(Options{Dir: dir, Sync: SyncAlways})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	c, err := s.Catalog()
	if err != nil {
		fmt.Println("catalog:", err)
		os.Exit(2)
	}
	async := os.Getenv(crashChildAsyncEnv) != ""
	out := bufio.NewWriter(os.Stdout)
	var b Batch
	// Under CommitAsync a window of batches is in flight at once, so a kill lands between
	// "in the log" and "synced" as well as between batches.
	const window = 8
	var pending []func() error
	for n := c.Token + 1; ; n++ {
		b.Reset()
		crashBatch(&b, n)
		if async {
			wait, err := s.CommitAsync(&b)
			if err != nil {
				fmt.Println("commit:", err)
				os.Exit(2)
			}
			pending = append(pending, wait)
			if len(pending) < window {
				continue
			}
			if err := pending[0](); err != nil {
				fmt.Println("commit:", err)
				os.Exit(2)
			}
			pending = pending[1:]
			n := n - window + 1
			fmt.Fprintln(out, n)
		} else {
			if err := s.Commit(&b); err != nil {
				fmt.Println("commit:", err)
				os.Exit(2)
			}
			fmt.Fprintln(out, n)
		}
		// The ack goes out only after durability; flushing each line keeps the parent's
		// view of what was acknowledged exact.
		if err := out.Flush(); err != nil {
			os.Exit(2)
		}
	}
}

// TestCrashSafety kills a committing process with SIGKILL and checks, after reopening, that
// every acknowledged batch is there in full, that no batch is there in part, and that what
// survived is a prefix of the sequence (no later batch without an earlier one).
func TestCrashSafety(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("child")
	}
	rounds := 5
	if testing.Short() {
		rounds = 2
	}
	dir := t.TempDir()
	var acked uint64 // highest number acknowledged over all rounds
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		if round%2 == 1 {
			cmd.Env = append(cmd.Env, crashChildAsyncEnv+"=1")
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a number of acknowledgements that differs per round, so the kill lands
		// at different points of the commit cycle.
		want := 20 + 37*round
		sc := bufio.NewScanner(stdout)
		got := 0
		for got < want && sc.Scan() {
			n, err := strconv.ParseUint(sc.Text(), 10, 64)
			if err != nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("round %d: child said %q", round, sc.Text())
			}
			if n > acked {
				acked = n
			}
			got++
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if got < want {
			t.Fatalf("round %d: child stopped after %d acknowledgements: %v", round, got, sc.Err())
		}

		s := openStore(t, dir, SyncAlways)
		c, err := s.Catalog()
		if err != nil {
			t.Fatal(err)
		}
		perBatch := map[uint64]int{}
		err = s.ScanTable(1, func(pk []byte, row dataflow.Row) error {
			perBatch[row[0].RawUint()]++
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: scan: %v", round, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		var newest uint64
		for n, k := range perBatch {
			if k != rowsPerCrashBatch {
				t.Fatalf("round %d: batch %d has %d of %d rows", round, n, k, rowsPerCrashBatch)
			}
			newest = max(newest, n)
		}
		if uint64(len(perBatch)) != newest {
			t.Fatalf("round %d: %d batches survived but the newest is %d: a gap", round, len(perBatch), newest)
		}
		if newest < acked {
			t.Fatalf("round %d: batch %d was acknowledged but only %d survived", round, acked, newest)
		}
		if c.Token != newest {
			t.Fatalf("round %d: token %d, newest batch %d", round, c.Token, newest)
		}
		t.Logf("round %d: %d acknowledged, %d durable", round, acked, newest)
		// The next round continues numbering from what survived, so acknowledgements past
		// it (none, if the store is right) would be caught as missing next time too.
		acked = newest
	}
}

// lockChildEnv names a directory the child process tries to open while the parent holds it.
const lockChildEnv = "WEIR_STORAGE_LOCK_DIR"

// TestLockChild is run by TestSecondProcessIsLocked: it reports on stdout whether Open failed
// with ErrLocked.
func TestLockChild(t *testing.T) {
	dir := os.Getenv(lockChildEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestSecondProcessIsLocked")
	}
	s, err := Open(Options{Dir: dir})
	switch {
	case err == nil:
		_ = s.Close()
		fmt.Println("opened")
	case errors.Is(err, ErrLocked):
		fmt.Println("locked:", err)
	default:
		fmt.Println("other:", err)
	}
}

func TestSecondProcessIsLocked(t *testing.T) {
	if os.Getenv(lockChildEnv) != "" || os.Getenv(crashChildEnv) != "" {
		t.Skip("child")
	}
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "locked: storage: another Weir process is using "+dir) {
		t.Fatalf("child got %q", out)
	}
}
