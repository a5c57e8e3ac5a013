package pgwire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// clientTimeout bounds one run of a client program.
const clientTimeout = 60 * time.Second

// runClient runs a client program and returns its standard output.
func runClient(t *testing.T, dir string, env []string, name string, args ...string) ([]byte, []byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

// TestPsql runs psql's -c commands against the server: reads in aligned and unaligned
// output, \d and \dt, and errors with their SQLSTATEs.
func TestPsql(t *testing.T) {
	psql := testserver.RequireBinary(t, "psql")
	e, s := newsServer(t, Config{})
	execSQL(t, e, "CREATE TABLE tag (id INT PRIMARY KEY, name VARCHAR(20))")
	execSQL(t, e, "INSERT INTO tag VALUES (1, 'go'), (2, 'sql')")
	port := itoa(s.Addr().(*net.TCPAddr).Port)
	conninfo := "host=127.0.0.1 port=" + port + " user=root dbname=weir sslmode=disable"
	run := func(args ...string) (string, string, error) {
		t.Helper()
		out, errOut, err := runClient(t, "", []string{"PGCONNECT_TIMEOUT=10"}, psql,
			append([]string{"-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", conninfo}, args...)...)
		return string(out), string(errOut), err
	}
	out, errOut, err := run("-c", "SELECT id, name || '!' AS name FROM public.tag WHERE name ILIKE 'S%' OR id = 1 ORDER BY id", "-A",
		"-c", "SELECT count(*) FROM tag")
	if err != nil {
		t.Fatalf("psql: %v\n%s%s", err, out, errOut)
	}
	if want := "id|name\n1|go!\n2|sql!\n(2 rows)\ncount\n2\n(1 row)\n"; out != want {
		t.Fatalf("psql printed:\n%s\nwant:\n%s", out, want)
	}
	out, errOut, err = run("-c", `\d`)
	if err != nil {
		t.Fatalf(`psql \d: %v\n%s%s`, err, out, errOut)
	}
	for _, want := range []string{"List of relations", "public | article | table | root", "public | tag     | table | root", "(2 rows)"} {
		if !strings.Contains(out, want) {
			t.Errorf(`psql \d printed:\n%s\nwithout %q`, out, want)
		}
	}
	out, errOut, err = run("-c", `\dt ta*`)
	if err != nil || !strings.Contains(out, "public | tag  | table | root") || strings.Contains(out, "article") {
		t.Errorf(`psql \dt ta*: %v\n%s%s`, err, out, errOut)
	}
	_, errOut, err = run("-c", "SELECT nosuch FROM tag")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(errOut, "ERROR:  42703:") {
		t.Errorf("psql on a failing statement: %v\n%s", err, errOut)
	}
	// A query of pg_catalog that Weir does not answer is refused, not answered wrongly.
	_, errOut, _ = run("-c", `\df`)
	if !strings.Contains(errOut, "ERROR:  0A000:") {
		t.Errorf(`psql \df: %s`, errOut)
	}
}

// TestPsycopg2 runs testdata/psycopg2_client.py: psycopg2 connects, reads, writes in its
// implicit transactions, commits, rolls back and fails with SQLSTATEs.
func TestPsycopg2(t *testing.T) {
	python := testserver.RequirePython(t, []string{"python3-psycopg2"}, "psycopg2")
	_, s := newsServer(t, Config{Users: map[string]string{"app": "app pw"}})
	port := itoa(s.Addr().(*net.TCPAddr).Port)
	script, err := filepath.Abs("testdata/psycopg2_client.py")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runClient(t, "", []string{"WEIR_DSN=host=127.0.0.1 port=" + port + " user=app password='app pw' dbname=weir sslmode=disable"},
		python, script)
	if err != nil {
		t.Fatalf("psycopg2_client.py: %v\n%s%s", err, out, errOut)
	}
	want := `{"columns": ["id", "title", "price", "published", "flag"], "like": [["plain"]],
		"count": 3, "datestyle": "ISO, MDY", "encoding": "UTF8", "error": "42703", "error_table": "42P01", "error_write": "0A000",
		"row": [1, "hello", "9.90", "2026-11-01T10:00:00.123000", true], "server_version": 150000, "status_in_tx": 2,
		"status_after_commit": 0}`
	compareJSON(t, out, want)
}

// TestSQLAlchemy runs testdata/sqlalchemy_client.py: SQLAlchemy's PostgreSQL dialect on
// psycopg2 connects (its connect-time queries include a pg_type lookup), reads with text and
// Core queries, and fails with a SQLSTATE.
func TestSQLAlchemy(t *testing.T) {
	python := testserver.RequirePython(t, []string{"python3-sqlalchemy", "python3-psycopg2"}, "sqlalchemy", "psycopg2")
	_, s := newsServer(t, Config{})
	port := itoa(s.Addr().(*net.TCPAddr).Port)
	script, err := filepath.Abs("testdata/sqlalchemy_client.py")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runClient(t, "", []string{"WEIR_URL=postgresql+psycopg2://root@127.0.0.1:" + port + "/weir"}, python, script)
	if err != nil {
		t.Fatalf("sqlalchemy_client.py: %v\n%s%s", err, out, errOut)
	}
	compareJSON(t, out, `{"core": [[2, null], [1, "hello"]], "error": "42703", "server_version": [15, 0], "text": [[1, "hello"]]}`)
}

// TestNodePostgres runs testdata/node_pg_client.js on node-postgres (pg from npm): text and
// extended-protocol queries, a transaction, errors with SQLSTATEs. Without node, npm or the
// registry it skips.
func TestNodePostgres(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if err := errors.Join(errNode, errNpm); err != nil {
		t.Skipf("node and npm are needed to run node-postgres: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runClient(t, dir, []string{"npm_config_update_notifier=false"}, npm,
		"install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", "pg@"+nodePGVersion)
	if err != nil {
		if offline.Match(append(out, errOut...)) || errors.Is(err, context.DeadlineExceeded) {
			t.Skipf("npm install pg: the registry is out of reach: %v\n%s%s", err, out, errOut)
		}
		t.Fatalf("npm install pg: %v\n%s%s", err, out, errOut)
	}
	script, err := os.ReadFile("testdata/node_pg_client.js")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.js"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	_, s := newsServer(t, Config{Users: map[string]string{"app": "pw"}})
	port := itoa(s.Addr().(*net.TCPAddr).Port)
	out, errOut, err = runClient(t, dir, []string{"WEIR_DSN=postgres://app:pw@127.0.0.1:" + port + "/weir"}, node, "client.js")
	if err != nil {
		t.Fatalf("node client.js: %v\n%s%s", err, out, errOut)
	}
	want := `{"inTransaction": [{"n": "2"}], "column": "42703", "write": "0A000",
		"fields": [["id", 23], ["title", 25], ["price", 1700], ["flag", 16]],
		"named": [["hello"]], "param": [{"title": "plain"}],
		"rowCount": 3, "rows": [{"id": 1, "title": "hello", "price": "9.90", "flag": true},
		{"id": 2, "title": null, "price": null, "flag": null}, {"id": 3, "title": "plain", "price": "-0.05", "flag": false}],
		"syntax": "42601"}`
	compareJSON(t, out, want)
}

// nodePGVersion is the node-postgres release the test installs.
const nodePGVersion = "8.16.3"

// offline matches npm's messages for a registry it cannot reach.
var offline = regexp.MustCompile(`E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|network|socket hang up|request to \S+ failed`)

func compareJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("client printed no JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		t.Fatalf("client printed:\n%s\nwant:\n%s", gj, wj)
	}
}
