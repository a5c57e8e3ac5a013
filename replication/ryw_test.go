package replication

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/httpapi"
	"github.com/weirdb/weir/server"
)

// TestReadYourWritesByLSN: after a write on PostgreSQL, a read through Weir that carries the
// LSN PostgreSQL reported sees the write, every time, through the Go API, the MySQL
// protocol (SET @weir_min_lsn) and HTTP (min_lsn). Each write gives the vote a new weight,
// so a read that ran before the write arrived would show an old one.
func TestReadYourWritesByLSN(t *testing.T) {
	_, dsn, _ := newUpstream(t)
	ctx := context.Background()
	m := startMirror(t, t.TempDir(), dsn)
	registerCaches(t, m.e)
	// The writer commits as an application does by default: pg_current_wal_lsn() after a
	// commit is then at or past its commit record. (The test server turns
	// synchronous_commit off; with it off, pg_current_wal_insert_lsn() is the one to use.)
	writer, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close(ctx)
	if _, err := writer.Exec(ctx, "SET synchronous_commit = on"); err != nil {
		t.Fatal(err)
	}

	srv, err := server.New(m.e, server.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Shutdown(ctx)
	wire, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir", ln.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer wire.Close()
	wire.SetMaxOpenConns(1) // the session variable lives on one connection
	web := httptest.NewServer(httpapi.New(m.e, httpapi.Config{}))
	defer web.Close()

	// Writing to Weir is refused, with a pointer to PostgreSQL.
	if _, err := wire.Exec("INSERT INTO votes VALUES (1, 1, 1)"); err == nil {
		t.Fatal("a write through Weir's front end was accepted in mirror mode")
	}
	if _, err := wire.Exec("SET @weir_min_lsn = 'not-an-lsn'"); err == nil {
		t.Fatal("a malformed LSN was accepted")
	}

	const rounds = 60
	for i := range rounds {
		story, user, weight := 1+i%50*2, 2+i%40*2, 100+i
		if (story+user)%2 != 0 {
			user++
		}
		var lsnText string
		if _, err := writer.Exec(ctx, "INSERT INTO votes VALUES ($1, $2, $3) ON CONFLICT (story_id, user_id) DO UPDATE SET weight = EXCLUDED.weight", story, user, weight); err != nil {
			t.Fatal(err)
		}
		if err := writer.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsnText); err != nil {
			t.Fatal(err)
		}
		lsn, err := pglogrepl.ParseLSN(lsnText)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(weight)

		// Go API.
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = m.e.Mirror().WaitForPosition(wctx, uint64(lsn))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.e.View("user_votes")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := v.Lookup(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for j := range rows.Len() {
			if r := rows.Row(j); r[0].ToText() == fmt.Sprint(story) {
				got = r[1].ToText()
			}
		}
		if got != want {
			t.Fatalf("round %d, Go API: vote (%d, %d) weighs %q after LSN %s, want %s", i, story, user, got, lsn, want)
		}

		// A second write, read through the MySQL protocol and HTTP with its LSN.
		weight += 1000
		want = fmt.Sprint(weight)
		if _, err := writer.Exec(ctx, "UPDATE votes SET weight = $3 WHERE story_id = $1 AND user_id = $2", story, user, weight); err != nil {
			t.Fatal(err)
		}
		if err := writer.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsnText); err != nil {
			t.Fatal(err)
		}
		if _, err := wire.Exec("SET @weir_min_lsn = '" + lsnText + "'"); err != nil {
			t.Fatal(err)
		}
		var w string
		if err := wire.QueryRow("SELECT weight FROM votes WHERE user_id = ? AND story_id = ?", user, story).Scan(&w); err != nil {
			t.Fatalf("round %d, MySQL protocol: %v", i, err)
		}
		if w != want {
			t.Fatalf("round %d, MySQL protocol: weight %s after LSN %s, want %s", i, w, lsnText, want)
		}

		weight += 1000
		want = fmt.Sprint(weight)
		if _, err := writer.Exec(ctx, "UPDATE votes SET weight = $3 WHERE story_id = $1 AND user_id = $2", story, user, weight); err != nil {
			t.Fatal(err)
		}
		if err := writer.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsnText); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(fmt.Sprintf("%s/v1/views/user_votes?p1=%d&min_lsn=%s", web.URL, user, lsnText))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Rows []struct {
				StoryID int64 `json:"story_id"`
				Weight  int64 `json:"weight"`
			} `json:"rows"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("round %d, HTTP: status %d, %v", i, resp.StatusCode, err)
		}
		got = ""
		for _, r := range body.Rows {
			if r.StoryID == int64(story) {
				got = fmt.Sprint(r.Weight)
			}
		}
		if got != want {
			t.Fatalf("round %d, HTTP: weight %q after LSN %s, want %s", i, got, lsnText, want)
		}
	}
	// A position the upstream has not reached yet times out with an error that says so.
	if _, err := wire.Exec("SET @weir_min_lsn = 'FF/0'"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var n int
	err = wire.QueryRow("SELECT COUNT(*) FROM votes WHERE user_id = ?", 2).Scan(&n)
	if err == nil {
		t.Fatal("a read waiting for a future LSN returned")
	}
	t.Logf("a future LSN: %v after %s", err, time.Since(start).Round(time.Millisecond))
}
