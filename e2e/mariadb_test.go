package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

var updateNews = flag.Bool("update-news", false, "rewrite the golden client output testdata/news.out")

// mariadbClient finds the mariadb command-line client (or mysql, its older name). Without
// it the test skips, except under CI=true, where a skip would let CI pass without running it.
func mariadbClient(t *testing.T) string {
	t.Helper()
	return testserver.RequireAnyBinary(t, "mariadb", "mysql")
}

// clientArgs returns the client's arguments: no option files (a developer's ~/.my.cnf must
// not change what the client sends or prints; --no-defaults has to come first); UTF-8, which
// the client otherwise takes from the locale, so that it measures the width of non-ASCII
// text the same everywhere; the given options; and the server to connect to as root, in
// database weir.
func clientArgs(t *testing.T, addr string, options ...string) []string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--no-defaults", "--default-character-set=utf8mb4"}, options...)
	return append(args, "-h", host, "-P", port, "-u", "root", "weir")
}

// clientEnv keeps the client from writing a history file into the home directory of
// whoever runs the tests.
func clientEnv(t *testing.T) []string {
	return append(os.Environ(), "HOME="+t.TempDir(), "MYSQL_HISTFILE=/dev/null", "TERM=dumb")
}

// clientTimeout bounds one run of a client: a server that stops answering fails the test
// with the client's output instead of hanging it.
const clientTimeout = time.Minute

func TestMariaDBClient(t *testing.T) {
	bin := mariadbClient(t)
	t.Run("script", func(t *testing.T) { testScript(t, bin) })
	t.Run("execute", func(t *testing.T) { testExecute(t, bin) })
	t.Run("interactive", func(t *testing.T) { testInteractive(t, bin) })
}

// testScript runs testdata/news.sql in batch mode and compares what the client prints with
// testdata/news.out. -vvv echoes each statement and prints the affected-row counts and
// "N rows in set", so the golden file reads as a transcript; --force goes on past the
// failing statement. The client writes errors to stderr unbuffered and the rest to stdout
// buffered, so the two are kept apart (interleaved, their order would depend on buffering).
func testScript(t *testing.T, bin string) {
	_, addr := startServer(t)
	script, err := os.Open(filepath.Join("testdata", "news.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, clientArgs(t, addr, "--batch", "--column-names", "--force", "-vvv")...)
	cmd.Env = clientEnv(t)
	cmd.Stdin = script
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", cmd, err, stdout.Bytes(), stderr.Bytes())
	}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish in %v\nstdout:\n%s\nstderr:\n%s", cmd, clientTimeout, stdout.Bytes(), stderr.Bytes())
	}
	t.Logf("%s ran in %v", filepath.Base(bin), time.Since(start).Round(time.Millisecond))
	got := fmt.Sprintf("%s-- stderr --\n%s-- exit status %d --\n",
		normalize(stdout.String()), stderr.String(), cmd.ProcessState.ExitCode())
	compareGolden(t, filepath.Join("testdata", "news.out"), got)
}

var (
	// timing is how long a statement took, which -vvv prints after each.
	timing = regexp.MustCompile(`\((\d+ min )?\d+\.\d+ sec\)`)
	// cacheCounters are SHOW CACHES's columns that count reads, fills and memory: their values
	// follow from how the engine fills and sizes its state, not from what the script means.
	// The script lists SHOW CACHES vertically (\G), one column a line, so a value is a line.
	cacheCounters = regexp.MustCompile(`(?m)^( *(?:hits|misses|upqueries|bytes|graph_bytes)): \d+$`)
	// lastRead is SHOW CACHES's time of a cache's last read.
	lastRead = regexp.MustCompile(`(?m)^( *last_read): \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
)

// normalize replaces what changes from run to run, or with the engine's internals, in the
// client's output.
func normalize(out string) string {
	out = timing.ReplaceAllString(out, "(X sec)")
	out = lastRead.ReplaceAllString(out, "$1: T")
	return cacheCounters.ReplaceAllString(out, "$1: N")
}

// compareGolden compares got with the golden file at path, or rewrites the file under -update-news.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateNews {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-news to create it)", err)
	}
	if got == string(want) {
		return
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	line := 0
	for line < len(gotLines) && line < len(wantLines) && gotLines[line] == wantLines[line] {
		line++
	}
	t.Errorf("output differs from %s from line %d:\n got: %q\nwant: %q\n\nfull output:\n%s\n(run with -update-news to accept it)",
		path, line+1, at(gotLines, line), at(wantLines, line), got)
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of output)"
}

// testExecute runs one statement with -e, as scripts call the client: without a terminal it
// skips the start-up queries of an interactive session and prints tab-separated results.
func testExecute(t *testing.T, bin string) {
	_, addr := startServer(t)
	wire, proxy := recordWire(t, addr)
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, clientArgs(t, proxy, "-e", "SELECT 1")...)
	cmd.Env = clientEnv(t)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	if string(out) != "1\n1\n" {
		t.Errorf("%s printed %q, want %q", cmd, out, "1\n1\n")
	}
	wire.checkAnswered(t)
	if !sent(wire.log(), comQuery, "SELECT 1") {
		t.Errorf("the client did not send SELECT 1; it sent %v", wire.log())
	}
}

// testInteractive runs the client on a pseudo-terminal, as a person starts it. Before its
// prompt it asks the server for its version comment (printed in the greeting) and, to
// complete names, for the databases, the tables and each table's columns; a server that
// fails one of these gets a client that prints an error or completes nothing. The test
// then types a statement and quits.
func testInteractive(t *testing.T, bin string) {
	ptmx, tty, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	e, addr := startServer(t)
	// A table, so that the client asks for its columns.
	if _, err := e.Exec(t.Context(), "CREATE TABLE article (id INT PRIMARY KEY, title VARCHAR(100))"); err != nil {
		t.Fatal(err)
	}
	wire, proxy := recordWire(t, addr)
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, clientArgs(t, proxy)...)
	cmd.Env = clientEnv(t)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = ttyAttr()
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	// Only the client holds the terminal now, so reading ptmx ends (EIO) when it exits.
	tty.Close()
	term := newTerminal(ptmx)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	term.waitFor(t, ctx, "> ") // the prompt
	term.write(t, "SELECT DATABASE();\n")
	term.waitFor(t, ctx, "row in set")
	term.write(t, "quit\n")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, term.text())
		}
	case <-ctx.Done():
		t.Fatalf("the client did not quit\n%s", term.text())
	}
	term.waitClosed(t, ctx)

	out := term.text()
	if !regexp.MustCompile(`Server version: \S+ .*Weir`).MatchString(out) {
		t.Errorf("the greeting shows no version comment:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^\| weir +\|`).MatchString(out) {
		t.Errorf("SELECT DATABASE() did not print weir:\n%s", out)
	}
	if strings.Contains(out, "ERROR") {
		t.Errorf("the client printed an error:\n%s", out)
	}
	wire.checkAnswered(t)
	log := wire.log()
	t.Logf("the client sent %v", log)
	for _, c := range []command{
		{code: comQuery, arg: "select @@version_comment limit 1"},
		{code: comQuery, arg: "show databases"},
		{code: comQuery, arg: "show tables"},
		{code: comFieldList, arg: "article\x00"},
		{code: comQuery, arg: "SELECT DATABASE()"},
	} {
		if !sent(log, c.code, c.arg) {
			t.Errorf("the client did not send %v; it sent %v", c, log)
		}
	}
}

// sent reports whether the log holds a command with this code and argument.
func sent(log []command, code byte, arg string) bool {
	for _, c := range log {
		if c.code == code && c.arg == arg {
			return true
		}
	}
	return false
}

// terminal collects what a program prints on a pseudo-terminal.
type terminal struct {
	ptmx    *os.File
	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{} // a send after each read, dropped when one is pending
	closed  chan struct{} // closed when reading ends
}

func newTerminal(ptmx *os.File) *terminal {
	term := &terminal{ptmx: ptmx, changed: make(chan struct{}, 1), closed: make(chan struct{})}
	go func() {
		defer close(term.closed)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return term
}

func (term *terminal) text() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

func (term *terminal) write(t *testing.T, s string) {
	t.Helper()
	if _, err := term.ptmx.WriteString(s); err != nil {
		t.Fatalf("typing %q: %v", s, err)
	}
}

// waitFor waits until the program has printed s.
func (term *terminal) waitFor(t *testing.T, ctx context.Context, s string) {
	t.Helper()
	for !strings.Contains(term.text(), s) {
		select {
		case <-term.changed:
		case <-term.closed:
			if !strings.Contains(term.text(), s) {
				t.Fatalf("the terminal closed before %q was printed:\n%s", s, term.text())
			}
		case <-ctx.Done():
			t.Fatalf("waiting for %q: %v\n%s", s, ctx.Err(), term.text())
		}
	}
}

// waitClosed waits until reading the terminal has ended, so that text() holds everything.
func (term *terminal) waitClosed(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-term.closed:
	case <-ctx.Done():
		t.Fatalf("the terminal stayed open after the client exited")
	}
}
