package pgwire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/weirdb/weir"
)

// testCtx bounds a test's calls: a hang fails the test instead of the run.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func openEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func execSQL(t *testing.T, e *weir.Engine, sql string, args ...any) weir.Result {
	t.Helper()
	res, err := e.Exec(testCtx(t), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

// startServer serves e on a loopback port; it stops with the test.
func startServer(t *testing.T, e *weir.Engine, cfg Config) *Server {
	t.Helper()
	s, err := New(e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for s.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	return s
}

// dsn is the connection string of s for user and password.
func dsn(s *Server, user, password string) string {
	a := s.Addr().(*net.TCPAddr)
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/weir?sslmode=disable", user, password, a.Port)
}

func connect(t *testing.T, connString string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(testCtx(t), connString)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// newsServer serves an engine with a table of articles, in PostgreSQL's dialect unless cfg
// names another.
func newsServer(t *testing.T, cfg Config) (*weir.Engine, *Server) {
	e := newsEngine(t)
	return e, startServer(t, e, cfg)
}

// newsWriteServer serves the articles in the engine's own dialect, which takes writes and
// `?` parameters: for the protocol's write paths (command tags, transaction blocks).
func newsWriteServer(t *testing.T) (*weir.Engine, *Server) {
	e := newsEngine(t)
	return e, startServer(t, e, Config{Dialect: EngineDialect{E: e}})
}

func newsEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e, err := openNewsEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// openNewsEngine opens an engine with a table of three articles.
func openNewsEngine() (*weir.Engine, error) {
	e, err := weir.Open(weir.Options{})
	if err != nil {
		return nil, err
	}
	for _, q := range []string{
		`CREATE TABLE article (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(200),
		price DECIMAL(10,2), score DOUBLE, published DATETIME(3), body BLOB, flag BOOLEAN)`,
		`INSERT INTO article VALUES (1, 1, 'hello', 9.90, 1.5, '2026-11-01 10:00:00.123', x'00ff', TRUE),
		(2, 1, NULL, NULL, NULL, NULL, NULL, NULL), (3, 2, 'plain', -0.05, 1e20, '1999-12-31 23:59:59', '', FALSE)`,
	} {
		if _, err := e.Exec(context.Background(), q); err != nil {
			e.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return e, nil
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func TestPgxSimpleAndExtended(t *testing.T) {
	_, s := newsServer(t, Config{})
	ctx := testCtx(t)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg, err := pgx.ParseConfig(dsn(s, "root", ""))
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = mode
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var (
				id     int32
				title  *string
				price  *string
				score  *float64
				pub    *time.Time
				body   []byte
				flag   *bool
				author int32
			)
			err = conn.QueryRow(ctx, "SELECT id, author, title, price::text, score, published, body, flag FROM article WHERE id = $1", 1).
				Scan(&id, &author, &title, &price, &score, &pub, &body, &flag)
			if err != nil {
				t.Fatal(err)
			}
			if id != 1 || author != 1 || *title != "hello" || *price != "9.90" || *score != 1.5 || string(body) != "\x00\xff" || !*flag {
				t.Fatalf("got %d %d %q %q %v %q %v", id, author, *title, *price, *score, body, *flag)
			}
			if want := time.Date(2026, 11, 1, 10, 0, 0, 123e6, time.UTC); !pub.Equal(want) {
				t.Fatalf("published %v, want %v", pub, want)
			}
			rows, err := conn.Query(ctx, "SELECT id, title FROM article WHERE id > $1 ORDER BY id", 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var id int32
				var title *string
				if err := rows.Scan(&id, &title); err != nil {
					t.Fatal(err)
				}
				s := "NULL"
				if title != nil {
					s = *title
				}
				got = append(got, fmt.Sprintf("%d:%s", id, s))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != "[1:hello 2:NULL 3:plain]" {
				t.Fatalf("rows %v", got)
			}
			tag := rows.CommandTag()
			if tag.String() != "SELECT 3" {
				t.Fatalf("tag %q", tag)
			}
		})
	}
}

// TestPgxBatch sends a pgx batch: every query of it in one pipeline with one Sync. The
// failing query's error is its own; the queries after it are discarded until Sync, and
// the connection works afterwards.
func TestPgxBatch(t *testing.T) {
	_, s := newsServer(t, Config{})
	ctx := testCtx(t)
	conn := connect(t, dsn(s, "root", ""))
	b := &pgx.Batch{}
	b.Queue("SELECT title FROM article WHERE id = $1", 1)
	b.Queue("SELECT count(*) FROM article WHERE author = $1", 1)
	br := conn.SendBatch(ctx, b)
	var title string
	var n int64
	if err := br.QueryRow().Scan(&title); err != nil || title != "hello" {
		t.Fatalf("first: %q %v", title, err)
	}
	if err := br.QueryRow().Scan(&n); err != nil || n != 2 {
		t.Fatalf("second: %d %v", n, err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}

	// In QueryExecModeExec each query is Parse, Bind, Describe and Execute of the unnamed
	// statement, all in one pipeline, so the error comes in its place.
	b = &pgx.Batch{}
	b.Queue("SELECT title FROM article WHERE id = $1", 3)
	b.Queue("SELECT nosuch FROM article WHERE id = $1", 3)
	b.Queue("SELECT title FROM article WHERE id = $1", 1)
	cfg, err := pgx.ParseConfig(dsn(s, "root", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	execConn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer execConn.Close(ctx)
	br = execConn.SendBatch(ctx, b)
	if err := br.QueryRow().Scan(&title); err != nil || title != "plain" {
		t.Fatalf("before the error: %q %v", title, err)
	}
	if _, err := br.Exec(); pgCode(err) != "42703" {
		t.Fatalf("failing query: %v", err)
	}
	if err := br.QueryRow().Scan(&title); err == nil {
		t.Fatal("the query after the error ran")
	}
	br.Close()
	if err := execConn.QueryRow(ctx, "SELECT title FROM article WHERE id = $1", 1).Scan(&title); err != nil || title != "hello" {
		t.Fatalf("after the batch: %q %v", title, err)
	}
	// The position of a syntax error in the statement, from PostgreSQL's parser.
	_, err = conn.Exec(ctx, "SELECT id FROM article WHER id = 1")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42601" || pe.Position != 29 {
		t.Fatalf("syntax error: %#v", err)
	}
}
