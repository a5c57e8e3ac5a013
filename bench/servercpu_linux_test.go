package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuChildEnv makes the test binary a process that burns CPU for TestProcessTreeCPU* (see
// cpuChild) instead of running the tests.
const cpuChildEnv = "WEIR_BENCH_CPU_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(cpuChildEnv); mode != "" {
		if err := cpuChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "cpu child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	burnLive   = 200 * time.Millisecond // a child that stays alive
	burnExited = 150 * time.Millisecond // a grandchild that exits and is reaped
)

// cpuChild is one of the processes of the CPU tests. Every mode waits for a line on stdin
// before it burns CPU, so the test's first reading comes before any of it.
//
//	burn:   burn burnLive of CPU, print "done", stay alive until stdin closes
//	exit:   burn burnExited of CPU and exit (no waiting for stdin)
//	parent: start an exit child and wait for it (reaping it), start a burn child and wait
//	        for its "done", print "done", stay alive until stdin closes
func cpuChild(mode string) error {
	in := bufio.NewReader(os.Stdin)
	if mode != "exit" {
		if _, err := in.ReadString('\n'); err != nil {
			return err
		}
	}
	switch mode {
	case "burn":
		burn(burnLive)
		fmt.Println("done")
	case "exit":
		burn(burnExited)
		return nil
	case "parent":
		exited := cpuChildCmd("exit")
		if err := exited.Run(); err != nil {
			return fmt.Errorf("exit child: %w", err)
		}
		live, stdin, out, err := startCPUChild("burn")
		if err != nil {
			return err
		}
		defer live.Wait()
		defer stdin.Close()
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			return err
		}
		if line, err := out.ReadString('\n'); err != nil || line != "done\n" {
			return fmt.Errorf("burn child said %q: %v", line, err)
		}
		fmt.Println("done")
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	_, _ = io.Copy(io.Discard, in) // until the parent closes stdin
	return nil
}

// burn spins until this process has used d more CPU time.
func burn(d time.Duration) {
	start := selfCPU()
	x := uint64(1)
	for selfCPU()-start < d {
		for range 100_000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	if x == 0 {
		fmt.Println() // keep x alive
	}
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cpuChildCmd(mode string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cpuChildEnv+"="+mode)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childProcAttr()
	return cmd
}

func startCPUChild(mode string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, error) {
	cmd := cpuChildCmd(mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, err
	}
	return cmd, stdin, bufio.NewReader(stdout), nil
}

// measureChild starts a child in mode, reads its tree's CPU, lets it burn, waits for its
// "done" (bounded by a deadline), and reads the CPU again.
func measureChild(t *testing.T, mode string) time.Duration {
	t.Helper()
	cmd, stdin, out, err := startCPUChild(mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	before, err := ProcessTreeCPU(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		line, _ := out.ReadString('\n')
		done <- line
	}()
	select {
	case line := <-done:
		if line != "done\n" {
			t.Fatalf("child said %q", line)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the child did not finish burning within 2 minutes")
	}
	after, err := ProcessTreeCPU(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	return after[0] - before[0]
}

// slack covers the truncation of each of utime, stime, cutime and cstime to a clock tick in
// each reading, for each process of a tree.
const slack = 60 * time.Millisecond

// TestProcessTreeCPUSeesChild measures a child process that burns CPU.
func TestProcessTreeCPUSeesChild(t *testing.T) {
	got := measureChild(t, "burn")
	if got < burnLive-slack {
		t.Fatalf("measured %v of a child that burnt %v", got, burnLive)
	}
	t.Logf("child burnt %v, measured %v", burnLive, got)
}

// TestProcessTreeCPUSeesDescendants measures a child whose own children burn the CPU: one
// that exits and is reaped inside the window (counted through the child's cutime and
// cstime), one that is alive at the end (counted as a live descendant).
func TestProcessTreeCPUSeesDescendants(t *testing.T) {
	got := measureChild(t, "parent")
	if want := burnLive + burnExited; got < want-slack {
		t.Fatalf("measured %v of descendants that burnt %v", got, want)
	}
	t.Logf("descendants burnt %v, measured %v", burnLive+burnExited, got)
}

func TestProcessTreeCPUNoSuchProcess(t *testing.T) {
	// Linux's pid_max is at most 2^22.
	if _, err := ProcessTreeCPU(1 << 30); err == nil || !strings.Contains(err.Error(), "no such process") {
		t.Fatalf("CPU of a missing process: %v", err)
	}
	if _, err := ProcessTreeCPU(os.Getpid()); err != nil {
		t.Fatalf("CPU of this process: %v", err)
	}
	if hz := clockTicks(); hz <= 0 {
		t.Fatalf("clock ticks %d", hz)
	}
}
