package bench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pgbenchOutput is PostgreSQL 15's pgbench summary of a run with -P.
const pgbenchOutput = `pgbench (15.18 (Debian 15.18-0+deb12u1), server 15.0 (Weir))
transaction type: /tmp/vote.sql
scaling factor: 1
query mode: prepared
number of clients: 2
number of threads: 2
maximum number of tries: 1
duration: 3 s
number of transactions actually processed: 17307
number of failed transactions: 0 (0.000%)
latency average = 0.343 ms
latency stddev = 2.107 ms
initial connection time = 15.961 ms
tps = 5792.215199 (without initial connection time)
`

func TestParsePgbenchSummary(t *testing.T) {
	s, err := parsePgbenchSummary(pgbenchOutput)
	if err != nil {
		t.Fatal(err)
	}
	if s.transactions != 17307 || s.failed != 0 || s.latencyAvgMs != 0.343 || s.tps != 5792.215199 {
		t.Fatalf("summary: %+v", s)
	}
	failed := strings.Replace(pgbenchOutput, "failed transactions: 0 (0.000%)", "failed transactions: 12 (0.069%)", 1)
	if s, err := parsePgbenchSummary(failed); err != nil || s.failed != 12 {
		t.Fatalf("a run with failures: %+v, %v", s, err)
	}
	if _, err := parsePgbenchSummary("pgbench: error: connection to server failed\n"); err == nil {
		t.Fatal("no summary: want an error")
	}
}

// TestReadPgbenchLog counts only the transactions that completed inside the window, with
// their latencies, across the logs of several threads.
func TestReadPgbenchLog(t *testing.T) {
	dir := t.TempDir()
	from := time.Unix(1796553760, 500_000_000)
	to := time.Unix(1796553761, 500_000_000)
	logs := map[string]string{
		"log.1":   "0 1 6971 0 1796553760 11824\n0 2 1308 0 1796553760 500000\n0 3 56 0 1796553760 500001\n",
		"log.1.1": "1 1 80 0 1796553761 0\n1 2 120 0 1796553761 500000\n1 3 90000 0 1796553761 500001\n",
	}
	var h Histogram
	for name, text := range logs {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := readPgbenchLog(path, from, to, &h); err != nil {
			t.Fatal(err)
		}
	}
	// In the window: 56 µs, 80 µs and 120 µs (the end is inclusive, the start is not).
	if h.Count() != 3 {
		t.Fatalf("%d transactions in the window, want 3", h.Count())
	}
	if p := h.Quantile(1); p < 120*time.Microsecond || p > 123*time.Microsecond {
		t.Fatalf("slowest in the window: %s, want 120µs", p)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("0 1 failed 0 1796553760 11824\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := readPgbenchLog(bad, from, to, &h); err == nil {
		t.Fatal("a failed transaction's line: want an error")
	}
}

func TestPgbenchScript(t *testing.T) {
	got := pgbenchScript(VoteQuery, 500)
	want := "\\set id random(1, 500)\nSELECT a.id, a.title, vc.votes FROM articles a LEFT JOIN (SELECT article_id, COUNT(user_id) AS votes FROM votes GROUP BY article_id) vc ON vc.article_id = a.id WHERE a.id = :id;\n"
	if got != want {
		t.Fatalf("script:\n%s\nwant:\n%s", got, want)
	}
}

// TestPgbenchRefusesBadConfig checks the refusals that come before any server starts.
func TestPgbenchRefusesBadConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  PgbenchConfig
		want string
	}{
		{PgbenchConfig{Modes: []string{"prepared", "pipelined"}}, `mode "pipelined"`},
		{PgbenchConfig{Duration: 2 * time.Second}, "no measured window"},
		{PgbenchConfig{Duration: 5 * time.Second, Warmup: 4 * time.Second}, "no measured window"},
	} {
		_, err := RunPgbench(context.Background(), c.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.cfg, err, c.want)
		}
	}
}
