package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/weirdb/weir/internal/testserver"
)

// runProgram runs a client program and returns its standard output and error.
func runProgram(t *testing.T, dir string, env []string, name string, args ...string) ([]byte, []byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
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

func sameJSON(t *testing.T, got []byte, want string) {
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

// npmOffline matches npm's messages for a registry it cannot reach.
var npmOffline = regexp.MustCompile(`E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|network|socket hang up|request to \S+ failed`)

// TestPGProxyClients runs psql, psycopg2 and node-postgres through Weir's PostgreSQL
// listener in front of PostgreSQL: each connects, reads a cached shape (SHOW CACHES counts
// Weir's answers), reads a shape Weir passes through, writes and reads the write back at
// once, runs a transaction and gets an error with its SQLSTATE.
func TestPGProxyClients(t *testing.T) {
	p := startPGProxy(t, pgProxySetup)
	t.Run("psql", func(t *testing.T) {
		psql := testserver.RequireBinary(t, "psql")
		conninfo := "host=127.0.0.1 port=" + p.port + " user=root dbname=shop sslmode=disable"
		run := func(args ...string) (string, string, error) {
			out, errOut, err := runProgram(t, "", []string{"PGCONNECT_TIMEOUT=10"}, psql,
				append([]string{"-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-At", conninfo}, args...)...)
			return string(out), string(errOut), err
		}
		out, errOut, err := run(
			"-c", "CREATE CACHE psql_product FROM SELECT name, stock FROM products WHERE id = 1",
			"-c", "SELECT name, stock FROM products WHERE id = 31",
			"-c", "SELECT count(*) FROM products WHERE id > 95",
			"-c", "UPDATE products SET stock = 331 WHERE id = 31",
			"-c", "SELECT name, stock FROM products WHERE id = 31",
			"-c", "BEGIN; UPDATE products SET stock = 0 WHERE id = 32; SELECT stock FROM products WHERE id = 32; ROLLBACK",
			"-c", "SELECT name, stock FROM products WHERE id = 32",
			"-c", "SHOW CACHES")
		if err != nil {
			t.Fatalf("psql: %v\n%s%s", err, out, errOut)
		}
		want := "CREATE CACHE\nproduct 31|31\n5\nUPDATE 1\nproduct 31|331\nBEGIN\nUPDATE 1\n0\nROLLBACK\nproduct 32|32\n" +
			"psql_product|SELECT name, stock FROM products WHERE id = 1|3\n"
		if got := out; got != want {
			t.Fatalf("psql printed:\n%s\nwant:\n%s\n%s", out, want, errOut)
		}
		_, errOut, err = run("-c", "SELECT 1/0")
		if err == nil || !bytes.Contains([]byte(errOut), []byte("22012")) {
			t.Fatalf("psql: division by zero: %v\n%s", err, errOut)
		}
	})
	t.Run("psycopg2", func(t *testing.T) {
		python := testserver.RequirePython(t, []string{"python3-psycopg2"}, "psycopg2")
		script, err := filepath.Abs("testdata/pgproxy_psycopg2.py")
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runProgram(t, "", []string{"WEIR_DSN=postgresql://root@127.0.0.1:" + p.port + "/shop"}, python, script)
		if err != nil {
			t.Fatalf("pgproxy_psycopg2.py: %v\n%s%s", err, out, errOut)
		}
		sameJSON(t, out, `{"cached": [["product 11", 11]], "cachedServed": 1, "proxied": [[10]], "proxiedServed": 1,
			"updated": 1, "afterWrite": [["product 11", 311]], "inTransaction": [[0]], "afterRollback": [["product 12", 12]],
			"duplicate": "23505", "syntax": "42601", "servedTotal": 3}`)
	})
	t.Run("node-postgres", func(t *testing.T) {
		node, errNode := exec.LookPath("node")
		npm, errNpm := exec.LookPath("npm")
		if err := errors.Join(errNode, errNpm); err != nil {
			t.Skipf("node and npm are needed to run node-postgres: %v", err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runProgram(t, dir, []string{"npm_config_update_notifier=false"}, npm,
			"install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", "pg@8.16.3")
		if err != nil {
			if npmOffline.Match(append(out, errOut...)) || errors.Is(err, context.DeadlineExceeded) {
				t.Skipf("npm install pg: the registry is out of reach: %v\n%s%s", err, out, errOut)
			}
			t.Fatalf("npm install pg: %v\n%s%s", err, out, errOut)
		}
		script, err := os.ReadFile("testdata/pgproxy_node_client.js")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "client.js"), script, 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, err = runProgram(t, dir, []string{"WEIR_DSN=postgres://root@127.0.0.1:" + p.port + "/shop"}, node, "client.js")
		if err != nil {
			t.Fatalf("node client.js: %v\n%s%s", err, out, errOut)
		}
		sameJSON(t, out, `{"cached": [{"name": "product 21", "stock": 21}], "cachedServed": 1, "proxied": [{"n": 10}], "proxiedServed": 1,
			"updated": 1, "afterWrite": [{"name": "product 21", "stock": 321}], "inTransaction": [{"name": "product 22", "stock": 0}],
			"afterRollback": [{"name": "product 22", "stock": 22}], "duplicate": "23505", "syntax": "42601", "servedTotal": 3}`)
	})
}
