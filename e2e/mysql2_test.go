package e2e

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
	"slices"
	"strings"
	"testing"
	"time"
)

// mysql2Version is the mysql2 release the test installs: a fixed one, so that a new release
// does not change what the test checks.
const mysql2Version = "3.24.6"

// npmInstallTimeout bounds installing mysql2; without a network npm may wait long.
const npmInstallTimeout = 120 * time.Second

// offline matches npm's messages for a registry it cannot reach.
var offline = regexp.MustCompile(`E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|network|socket hang up|request to \S+ failed`)

// TestNodeMySQL2 runs testdata/mysql2.js, a Node program on the mysql2 driver, against a
// server and compares what the driver returned with what it returns from MySQL. It needs node
// and npm, and npm needs the registry: without them the test skips, in CI too, as mysql2 is
// not part of what CI installs.
func TestNodeMySQL2(t *testing.T) {
	node, dir := nodeProject(t, "mysql2.js", "mysql2@"+mysql2Version)
	_, addr := startServer(t)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "mysql2.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MYSQL_HOST="+host, "MYSQL_PORT="+port, "MYSQL_USER=root")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node mysql2.js: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	t.Logf("node mysql2.js ran in %v", time.Since(start).Round(time.Millisecond))

	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("mysql2.js printed no JSON object: %v\n%s", err, stdout.Bytes())
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(wantMySQL2), &want); err != nil {
		t.Fatal(err)
	}
	// Error messages are for people; a program tests the number and SQLSTATE. Each message
	// must still name what went wrong.
	messages, _ := got["messages"].(map[string]any)
	delete(got, "messages")
	for name, mention := range map[string]string{
		"queryError":       "nosuch",
		"executeError":     "nosuch",
		"queryDuplicate":   "Duplicate entry",
		"executeDuplicate": "Duplicate entry",
	} {
		if msg, _ := messages[name].(string); !strings.Contains(msg, mention) {
			t.Errorf("%s: message %q does not mention %q", name, msg, mention)
		}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s:\n got: %s\nwant: %s", k, compact(got[k]), compact(want[k]))
		}
	}
	if t.Failed() {
		t.Logf("mysql2.js printed:\n%s", stdout.Bytes())
	}
}

// nodeProject makes a directory for a Node program: its own package.json (which keeps npm
// from installing into one it finds in a parent directory), the packages installed, and the
// program testdata/script copied beside them, where Node resolves its require()s. It returns
// node's path and the directory; without node and npm, or without the registry, the test
// skips.
func nodeProject(t *testing.T, script string, packages ...string) (node, dir string) {
	t.Helper()
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if err := errors.Join(errNode, errNpm); err != nil {
		t.Skipf("node and npm are needed to run %s: %v", script, err)
	}
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	npmInstall(t, npm, dir, packages...)
	text, err := os.ReadFile(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, script), text, 0o644); err != nil {
		t.Fatal(err)
	}
	return node, dir
}

// npmInstall installs packages (name@version) into dir, or skips the test when the registry
// is out of reach.
func npmInstall(t *testing.T, npm, dir string, packages ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), npmInstallTimeout)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"}, packages...)
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = dir
	// No check for a newer npm: one request fewer to a registry that may be out of reach.
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	what := strings.Join(packages, " ")
	switch {
	case err == nil:
		t.Logf("npm install %s took %v", what, time.Since(start).Round(time.Millisecond))
	case ctx.Err() != nil:
		t.Skipf("npm install %s did not finish in %v (no network?):\n%s", what, npmInstallTimeout, out)
	case offline.Match(out):
		t.Skipf("npm install %s: the registry is out of reach: %v\n%s", what, err, out)
	default:
		t.Fatalf("npm install %s: %v\n%s", what, err, out)
	}
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// wantMySQL2 is what mysql2.js prints against MySQL 8.0, less the error messages. Column
// types are the protocol's: 3 INT, 253 VARCHAR, 246 DECIMAL, 12 DATETIME, 252 TEXT (BLOB).
// mysql2 returns DECIMAL as a string, DATETIME as a Date (printed as {"date": ISO text}),
// and the same values in the binary protocol (execute) as in text (query).
const wantMySQL2 = `{
  "executeInsert": {"affectedRows": 1, "insertId": 1},
  "executeInsert2": {"affectedRows": 1, "insertId": 2},
  "queryInsert": {"affectedRows": 2, "insertId": 3},
  "executeSelect": {
    "fields": [
      {"name": "id", "type": 3},
      {"name": "name", "type": 253},
      {"name": "price", "type": 246},
      {"name": "created", "type": 12},
      {"name": "note", "type": 252}
    ],
    "rows": [
      {"id": 1, "name": "café ☕", "price": "12.50", "created": {"date": "2026-11-01T10:00:00.000Z"}, "note": null}
    ]
  },
  "executeSelect2": [
    {"id": 2, "name": "日本語", "price": null, "created": null, "note": "emoji 😀"}
  ],
  "querySelect": {
    "fields": [
      {"name": "id", "type": 3},
      {"name": "name", "type": 253},
      {"name": "price", "type": 246},
      {"name": "created", "type": 12},
      {"name": "note", "type": 252}
    ],
    "rows": [
      {"id": 3, "name": "Ünïcödé", "price": "0.05", "created": {"date": "2026-11-02T09:30:15.000Z"}, "note": "it's"}
    ]
  },
  "querySelect2": [
    {"id": 4, "name": "plain", "price": "-3.10", "created": null, "note": ""}
  ],
  "executeByUnicode": [{"id": 2, "name": "日本語"}],
  "executeUpdate": {"affectedRows": 1, "insertId": 0},
  "queryDelete": {"affectedRows": 1, "insertId": 0},
  "afterUpdate": [{"id": 2, "price": "99.99"}],
  "afterDelete": [{"n": 0}],
  "executeUpdateUnchanged": {"affectedRows": 1, "insertId": 0},
  "queryUpdateUnchanged": {"affectedRows": 1, "insertId": 0},
  "queryError": {"errno": 1146, "sqlState": "42S02", "code": "ER_NO_SUCH_TABLE"},
  "executeError": {"errno": 1146, "sqlState": "42S02", "code": "ER_NO_SUCH_TABLE"},
  "queryDuplicate": {"errno": 1062, "sqlState": "23000", "code": "ER_DUP_ENTRY"},
  "executeDuplicate": {"errno": 1062, "sqlState": "23000", "code": "ER_DUP_ENTRY"},
  "afterError": [{"one": 1}]
}`
