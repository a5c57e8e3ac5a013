package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

func TestServeConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "weir.toml")
	err := os.WriteFile(file, []byte(`
listen = "127.0.0.1:4000"
http = "127.0.0.1:4001"
memory-limit = "1GiB"
log-format = "json"

[users]
app = "from-file"
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WEIR_HTTP": "127.0.0.1:5001", "WEIR_MEMORY_LIMIT": "2GiB"}
	cfg, err := loadServeConfig([]string{"--config", file, "--memory-limit", "3GiB"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:4000" {
		t.Errorf("listen %q: the file should give it", cfg.Listen)
	}
	if cfg.HTTP != "127.0.0.1:5001" {
		t.Errorf("http %q: the environment should beat the file", cfg.HTTP)
	}
	if cfg.MemoryLimit != "3GiB" {
		t.Errorf("memory limit %q: the flag should beat the environment", cfg.MemoryLimit)
	}
	if cfg.LogFormat != "json" || cfg.Auth != "mysql_native_password" {
		t.Errorf("log format %q, auth %q", cfg.LogFormat, cfg.Auth)
	}
	if u := cfg.users(); u["app"] != "from-file" || len(u) != 2 {
		t.Errorf("users %v: want app from the file and root from the flags", u)
	}

	for _, bad := range []string{"nosuch = 1\n", "listen = \n"} {
		if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadServeConfig([]string{"--config", file}, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("config %q accepted", bad)
		}
	}
	if _, err := loadServeConfig([]string{"--domains", "x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a bad flag value was accepted")
	}
	if _, err := loadServeConfig(nil, func(k string) string { return map[string]string{"WEIR_DOMAINS": "x"}[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "WEIR_DOMAINS") {
		t.Errorf("a bad environment value: %v, want an error naming WEIR_DOMAINS", err)
	}
}

func TestServeRefusesOpenNetworkWithoutPassword(t *testing.T) {
	err := serve(context.Background(), []string{"--listen", "0.0.0.0:0", "--http", ""}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "without a password") {
		t.Fatalf("got %v, want a refusal", err)
	}
}

// runServe starts weir serve on free ports with its data in dir, and returns the addresses
// and a stop function that ends it as a signal would and checks it stopped cleanly.
func runServe(t *testing.T, dir string) (mysqlAddr, httpAddr string, stop func()) {
	t.Helper()
	return startServe(t, "--http", "127.0.0.1:0", "--data-dir", dir)
}

// startServe runs weir serve with args after --listen 127.0.0.1:0 and --log-level warn
// (which args may override), waits until it listens, and returns its MySQL and HTTP
// addresses ("" without --http) and a function that ends it as a signal would and checks
// that it stopped cleanly. The test's cleanup stops it if the test did not.
func startServe(t *testing.T, args ...string) (mysqlAddr, httpAddr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type addrs struct{ mysql, http string }
	ready := make(chan addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append([]string{"--listen", "127.0.0.1:0", "--log-level", "warn"}, args...),
			func(string) string { return "" }, io.Discard, func(m, h string) { ready <- addrs{m, h} })
	}()
	var a addrs
	select {
	case a = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended early: %v", err)
	case <-time.After(2 * time.Minute): // a copy of an upstream comes first
		cancel()
		t.Fatal("serve did not become ready")
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(time.Minute):
				t.Error("serve did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return a.mysql, a.http, stop
}

// TestServeStartsAndStops runs weir serve on free ports, uses both listeners, stops it as a
// signal would, and starts it again on the same data directory: the table, its rows and the
// named cache are back.
func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	mysqlAddr, httpAddr, stop := runServe(t, dir)
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", mysqlAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO t VALUES (1, 'one')",
		"CREATE CACHE by_id FROM SELECT id, v FROM t WHERE id = ?",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	view := func(httpAddr string) string {
		t.Helper()
		resp, err := http.Get("http://" + httpAddr + "/v1/views/by_id?p1=1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	const want = `"rows":[{"id":1,"v":"one"}]`
	if got := view(httpAddr); !strings.Contains(got, want) {
		t.Fatalf("HTTP view: %s, want %s", got, want)
	}
	stop()
	if err := db.Ping(); err == nil {
		t.Fatal("the server still answers after shutdown")
	}

	mysqlAddr, httpAddr, stop = runServe(t, dir)
	defer stop()
	if got := view(httpAddr); !strings.Contains(got, want) {
		t.Fatalf("HTTP view after restart: %s, want %s", got, want)
	}
	db2, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", mysqlAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var v string
	if err := db2.QueryRow("SELECT v FROM t WHERE id = ?", 1).Scan(&v); err != nil || v != "one" {
		t.Fatalf("row after restart: %q, %v", v, err)
	}
}

// TestServePprof: --pprof serves the profiles on a loopback address, and refuses any other
// address before the server starts.
func TestServePprof(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "no-port"} {
		err := serve(context.Background(), []string{"--listen", "127.0.0.1:0", "--http", "", "--data-dir", "", "--log-level", "error", "--pprof", addr},
			func(string) string { return "" }, io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "--pprof") {
			t.Errorf("--pprof %s: %v, want an error naming --pprof", addr, err)
		}
	}
	bound, stop, err := servePprof("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + bound + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/debug/pprof/cmdline: %s", resp.Status)
	}
	resp, err = http.Get("http://" + bound + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap profile") {
		t.Fatalf("/debug/pprof/heap: %s %.80q", resp.Status, body)
	}
}
