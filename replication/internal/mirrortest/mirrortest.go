// Package mirrortest holds what the tests of every upstream's replicator share: a count of
// committed upstream writes that tests wait on, and a mirroring child process that a test
// can SIGKILL and start again. It is imported by tests only and never by Weir itself.
package mirrortest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir"
)

// Counter counts committed upstream writes; tests wait for it to reach a number.
type Counter struct {
	mu     sync.Mutex
	cond   *sync.Cond
	n      int64
	failed bool // a writer gave up: the count will not grow
}

// NewCounter returns a counter at 0.
func NewCounter() *Counter {
	c := &Counter{}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// Fail records that a writer gave up, releasing every waiter.
func (c *Counter) Fail() {
	c.mu.Lock()
	c.failed = true
	c.mu.Unlock()
	c.cond.Broadcast()
}

// Add adds d to the count.
func (c *Counter) Add(d int64) {
	c.mu.Lock()
	c.n += d
	c.mu.Unlock()
	c.cond.Broadcast()
}

// Load returns the count.
func (c *Counter) Load() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// WaitFor blocks until the count reaches n, a writer failed, or done is closed.
func (c *Counter) WaitFor(n int64, done <-chan struct{}) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-done:
			c.cond.Broadcast()
		case <-stop:
		}
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.n < n && !c.failed {
		select {
		case <-done:
			return
		default:
		}
		c.cond.Wait()
	}
}

// Replicator is what a mirroring child runs.
type Replicator interface {
	Ready() <-chan struct{}
	Run(context.Context) error
}

// The child's data directory and upstream URL travel in these variables.
const (
	childDirEnv = "WEIR_MIRROR_CHILD_DIR"
	childURLEnv = "WEIR_MIRROR_CHILD_URL"
)

// RunChild is the body of a test that exists only to be a mirroring child process (see
// StartChild): outside one it skips. It opens a mirroring engine on the child's data
// directory, starts the replicator newReplicator makes for the upstream URL, prints
// "ready" once it streams, and runs until interrupted or killed.
func RunChild(t *testing.T, newReplicator func(e *weir.Engine, url string) (Replicator, error)) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("only runs as a mirroring child process")
	}
	e, err := weir.Open(weir.Options{Dir: dir, Mirror: true, MemoryLimit: -1})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	rep, err := newReplicator(e, os.Getenv(childURLEnv))
	if err != nil {
		fmt.Println("replicator:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-rep.Ready()
		fmt.Println("ready")
	}()
	if err := rep.Run(ctx); err != nil {
		fmt.Println("run:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// StartChild runs the test binary again with only the test childTest (whose body is
// RunChild) selected, mirroring url into dir, and waits until it streams.
func StartChild(t *testing.T, childTest, dir, url string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+childTest+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childURLEnv+"="+url)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("the mirroring child exited before it streamed: %s", stderr.String())
			}
			if line == "ready" {
				return cmd
			}
			if strings.HasPrefix(line, "open:") || strings.HasPrefix(line, "run:") || strings.HasPrefix(line, "replicator:") {
				t.Fatalf("mirroring child: %s", line)
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatal("the mirroring child did not stream in time")
		}
	}
}

// RowText renders one of Weir's rows as the comparisons with an upstream do: every value's
// text form, joined by "|".
func RowText(r []weir.Value) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = v.ToText()
	}
	return strings.Join(parts, "|")
}

// RawRowText renders an upstream row of raw column bytes as RowText renders Weir's: a nil
// column is NULL.
func RawRowText[B ~[]byte](raw []B) string {
	parts := make([]string, len(raw))
	for i, b := range raw {
		if b == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = string(b)
		}
	}
	return strings.Join(parts, "|")
}

// FirstDifference describes the first place where Weir's sorted rows and the upstream's
// (named upstream) differ.
func FirstDifference(weirRows, upstreamRows []string, upstream string) string {
	for i := range min(len(weirRows), len(upstreamRows)) {
		if weirRows[i] != upstreamRows[i] {
			return fmt.Sprintf("weir %q, %s %q", weirRows[i], upstream, upstreamRows[i])
		}
	}
	return "one is a prefix of the other"
}
