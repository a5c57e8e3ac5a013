package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/weirdb/weir/bench"
	"github.com/weirdb/weir/internal/testserver"
)

// TestBenchVoteProxy runs `weir bench vote --target proxy --compare mariadb`: the vote
// workload through `weir serve --upstream mariadb://…` (writes passed to MariaDB, reads
// from Weir's cache) and on the same MariaDB alone, in one run. Both measured reads and
// writes; Weir's reads were answered by its cache or counted as passed to MariaDB; the
// proxy's writes are in MariaDB; and on Linux each process's CPU per read is known, Weir's
// beside the mariadbd behind it.
func TestBenchVoteProxy(t *testing.T) {
	useChildServe(t)
	m := testserver.StartMariaDBWith(t, testserver.MariaDBOptions{Binlog: true})
	const articles, votesPerArticle = 500, 2
	path := filepath.Join(t.TempDir(), "vote.json")
	if err := run(context.Background(), []string{"bench", "vote", "--target", "proxy", "--compare", "mariadb",
		"--mariadb", m.DSN(""), "--mariadb-pid", strconv.Itoa(m.PID()), "--articles", strconv.Itoa(articles), "--votes", strconv.Itoa(votesPerArticle),
		"--clients", "2", "--read-share", "0.8", "--duration", "1s", "--json", path}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Systems map[string]bench.SystemResult `json:"systems"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	w, maria := rep.Systems["weir"], rep.Systems["mariadb"]
	if w.Reads == 0 || w.Writes == 0 || maria.Reads == 0 || maria.Writes == 0 {
		t.Fatalf("nothing measured: %s", b)
	}
	if w.HitRate == nil || *w.HitRate <= 0 || w.ReadsFromUpstream == nil || *w.ReadsFromUpstream < 0 || *w.ReadsFromUpstream > w.Reads {
		t.Fatalf("Weir's reads: hit rate %v, passed to MariaDB %v of %d: %s", w.HitRate, w.ReadsFromUpstream, w.Reads, b)
	}
	if runtime.GOOS == "linux" {
		if w.CPUPerRead["weir serve"] <= 0 || w.CPUPerRead["mariadbd"] <= 0 || maria.CPUPerRead["mariadbd"] <= 0 {
			t.Fatalf("CPU per read: weir %v, mariadb %v", w.CPUPerRead, maria.CPUPerRead)
		}
		if len(w.Server.Processes) != 2 || w.Server.Processes[0].Name != "weir serve" || w.Server.Processes[1].Name != "mariadbd" {
			t.Fatalf("Weir's server processes: %+v", w.Server.Processes)
		}
	}
	// The writes went through Weir to MariaDB: its table holds the seeded votes and at
	// least the measured window's (the warm-up wrote more).
	db, err := sql.Open("mysql", m.DSN("weir_proxy_vote"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var votes int64
	if err := db.QueryRow("SELECT COUNT(*) FROM votes").Scan(&votes); err != nil {
		t.Fatal(err)
	}
	if votes < articles*votesPerArticle+w.Writes {
		t.Fatalf("MariaDB has %d votes, want at least %d seeded and %d written through Weir", votes, articles*votesPerArticle, w.Writes)
	}
}
