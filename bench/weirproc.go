package bench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// weirProcess is `weir serve` run as a child process, in memory, on free loopback ports, so
// that its CPU time is its own and not the benchmark clients'.
type weirProcess struct {
	cmd      *exec.Cmd
	addr     string // MySQL protocol, host:port
	httpAddr string
	exited   chan struct{}
	waitErr  error // valid once exited is closed
	out      *tailWriter
}

// ServeOptions says how a benchmark starts Weir as its own process.
type ServeOptions struct {
	// Command is the program and leading arguments that `serve …` is appended to; nil runs
	// this program (os.Executable), which is the weir binary under `weir bench`. A test
	// binary passes itself with flags that make it run weir's main.
	Command []string
	// Env is added to the child's environment.
	Env []string
	// Log receives the server's warnings and errors (nil: kept only for error messages).
	Log io.Writer
	// StartTimeout bounds the wait for the server to answer (0: 60s); a server following
	// an upstream opens its MySQL listener only once it has copied the upstream's tables.
	StartTimeout time.Duration
}

// serveStartTimeout bounds the wait for a child server to answer.
const serveStartTimeout = 60 * time.Second

// startWeirProcess starts `weir serve --data-dir "" --listen … --http …` with extra flags,
// and waits until both listeners answer.
func startWeirProcess(ctx context.Context, opts ServeOptions, extra ...string) (*weirProcess, error) {
	command := opts.Command
	if len(command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("bench: the weir binary to run `weir serve`: %w", err)
		}
		if base := strings.TrimSuffix(filepath.Base(exe), ".exe"); strings.HasSuffix(base, ".test") {
			// A test binary given `serve …` would run its tests again, not serve.
			return nil, fmt.Errorf("bench: %s is a test binary, not weir: set ServeOptions.Command, or use the wire target", base)
		}
		command = []string{exe}
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		p, err := startWeirProcessOnce(ctx, command, opts, extra)
		if err == nil {
			return p, nil
		}
		lastErr = err
		// Another process may have taken a port between choosing and binding it.
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

func startWeirProcessOnce(ctx context.Context, command []string, opts ServeOptions, extra []string) (*weirProcess, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	p := &weirProcess{
		addr:     net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		httpAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
		exited:   make(chan struct{}),
		out:      &tailWriter{w: opts.Log, max: 8 << 10},
	}
	args := append(append([]string{}, command[1:]...), "serve", "--data-dir", "", "--listen", p.addr, "--http", p.httpAddr,
		"--log-level", "warn")
	args = append(args, extra...)
	p.cmd = exec.Command(command[0], args...)
	p.cmd.Env = append(os.Environ(), opts.Env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = childProcAttr()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start weir serve: %w", err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx, cmp.Or(opts.StartTimeout, serveStartTimeout)); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// waitReady polls /healthz and a TCP connection to the MySQL listener until both answer,
// the process exits, or timeout passes.
func (p *weirProcess) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := p.probe(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("bench: weir serve exited before it was ready (%v):\n%s", p.waitErr, p.out.tail())
		case <-ctx.Done():
			return fmt.Errorf("bench: weir serve did not answer within %s: %v\n%s", timeout, err, p.out.tail())
		case <-tick.C:
		}
	}
}

func (p *weirProcess) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.httpAddr+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz: %s", resp.Status)
	}
	// The MySQL listener opens after the HTTP one.
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return err
	}
	return c.Close()
}

func (p *weirProcess) pid() int { return p.cmd.Process.Pid }

func (p *weirProcess) metricsURL() string { return "http://" + p.httpAddr + "/metrics" }

// stop asks the server to shut down (SIGINT) and kills it if it has not within 10 s.
func (p *weirProcess) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		_ = p.cmd.Process.Kill() // no SIGINT on Windows
	}
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// freePorts picks n distinct free loopback ports, holding each until all are chosen.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("bench: pick a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tailWriter passes output on to w (when set) and keeps its last max bytes for errors.
type tailWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	max int
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w != nil {
		_, _ = t.w.Write(b)
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tailWriter) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}
