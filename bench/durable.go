package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/server"
	"github.com/weirdb/weir/storage"
)

// DurableConfig describes a run of the group-commit benchmark: at each concurrency, that
// many writers insert rows, one statement at a time, into an engine whose tables live in a
// fresh directory, and a row counts once its statement is acknowledged, which under
// --sync=always means once it is fsynced.
type DurableConfig struct {
	Writers          []int         // concurrency points (nil: 1, 16, 256)
	Duration         time.Duration // measured time per point (0: 5s)
	RowsPerStatement int           // rows per INSERT (0: 1)
	Sync             string        // storage.ParseSync spec ("": always)
	Inproc           bool          // call the engine directly instead of over the MySQL protocol
	Dir              string        // where the data directories go ("": the system's temp dir)
}

func (c *DurableConfig) defaults() {
	if len(c.Writers) == 0 {
		c.Writers = []int{1, 16, 256}
	}
	if c.Duration <= 0 {
		c.Duration = 5 * time.Second
	}
	if c.RowsPerStatement <= 0 {
		c.RowsPerStatement = 1
	}
	if c.Sync == "" {
		c.Sync = "always"
	}
}

// DurablePoint is what one concurrency did.
type DurablePoint struct {
	Writers    int
	Statements int64
	Rows       int64
	Elapsed    time.Duration
	RowsPerSec float64
	// Fsyncs and Commits are the store's counts over the point; Commits/Fsyncs is how many
	// statements shared each fsync.
	Fsyncs, Commits         uint64
	FsyncsPerSec            float64
	P50, P99                time.Duration // statement latency, send to acknowledgement
	DiskBytes, WALBytes     uint64
	GOMAXPROCS, Connections int
}

// DurableReport is the outcome of RunDurable.
type DurableReport struct {
	Config DurableConfig
	Points []DurablePoint
}

// durableTable is the benchmark's table: an AUTO_INCREMENT key, so the counter is stored
// with every statement as an application's would be, and a row of typical width.
const durableTable = "CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL, kind VARCHAR(16) NOT NULL, body VARCHAR(255))"

// RunDurable measures acknowledged rows per second and fsyncs per second at each
// concurrency of cfg.Writers.
func RunDurable(ctx context.Context, cfg DurableConfig, progress io.Writer) (DurableReport, error) {
	cfg.defaults()
	rep := DurableReport{Config: cfg}
	mode, interval, err := storage.ParseSync(cfg.Sync)
	if err != nil {
		return rep, fmt.Errorf("bench: --sync: %w", err)
	}
	for _, n := range cfg.Writers {
		if n <= 0 {
			return rep, fmt.Errorf("bench: %d writers", n)
		}
		if progress != nil {
			how := "over the MySQL protocol"
			if cfg.Inproc {
				how = "in process"
			}
			fmt.Fprintf(progress, "%d writers %s, --sync=%s, %s...\n", n, how, cfg.Sync, cfg.Duration)
		}
		p, err := durablePoint(ctx, cfg, n, weir.Options{Sync: mode, SyncInterval: interval, MemoryLimit: -1})
		if err != nil {
			return rep, err
		}
		rep.Points = append(rep.Points, p)
	}
	return rep, nil
}

func durablePoint(ctx context.Context, cfg DurableConfig, writers int, opts weir.Options) (DurablePoint, error) {
	p := DurablePoint{Writers: writers, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	dir, err := os.MkdirTemp(cfg.Dir, "weir-bench-durable-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(dir)
	opts.Dir = dir
	e, err := weir.Open(opts)
	if err != nil {
		return p, err
	}
	defer e.Close()
	if _, err := e.Exec(ctx, durableTable); err != nil {
		return p, err
	}
	insert := InsertStatement("events (writer, n, kind, body)", 4, cfg.RowsPerStatement)

	// exec runs one statement for a writer; each writer gets its own, so over the wire each
	// holds its own connection and prepared statement.
	var newWriter func() (exec func(args []any) error, done func(), err error)
	if cfg.Inproc {
		stmt, err := e.Prepare(insert)
		if err != nil {
			return p, err
		}
		newWriter = func() (func([]any) error, func(), error) {
			return func(args []any) error {
				_, err := stmt.Exec(ctx, args...)
				return err
			}, func() {}, nil
		}
	} else {
		addr, stop, err := serveEngine(e, writers)
		if err != nil {
			return p, err
		}
		defer stop()
		dsn := mysql.NewConfig()
		dsn.User, dsn.Net, dsn.Addr, dsn.DBName = "root", "tcp", addr, "weir"
		db, err := sql.Open("mysql", dsn.FormatDSN())
		if err != nil {
			return p, err
		}
		defer db.Close()
		db.SetMaxOpenConns(writers)
		db.SetMaxIdleConns(writers)
		newWriter = func() (func([]any) error, func(), error) {
			conn, err := db.Conn(ctx)
			if err != nil {
				return nil, nil, err
			}
			stmt, err := conn.PrepareContext(ctx, insert)
			if err != nil {
				conn.Close()
				return nil, nil, err
			}
			return func(args []any) error {
					_, err := stmt.ExecContext(ctx, args...)
					return err
				}, func() {
					stmt.Close()
					conn.Close()
				}, nil
		}
	}
	p.Connections = writers

	body := strings.Repeat("x", 100)
	var cl clients
	hists := make([]Histogram, writers)
	stmts := make([]int64, writers)
	sent := make([]int64, writers) // acknowledged, including those past the deadline
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	var stopAt time.Time
	for w := range writers {
		ready.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			exec, done, err := newWriter()
			ready.Done()
			if err != nil {
				cl.fail(err)
				return
			}
			defer done()
			args := make([]any, 0, 4*cfg.RowsPerStatement)
			<-start
			for n := 0; !cl.stopped(); n++ {
				args = args[:0]
				for r := range cfg.RowsPerStatement {
					args = append(args, w, n*cfg.RowsPerStatement+r, "click", body)
				}
				t0 := time.Now()
				if err := exec(args); err != nil {
					cl.fail(fmt.Errorf("bench: writer %d: %w", w, err))
					return
				}
				sent[w]++
				now := time.Now()
				if now.After(stopAt) {
					return
				}
				hists[w].Record(now.Sub(t0))
				stmts[w]++
			}
		}()
	}
	ready.Wait()
	if err := cl.err(); err != nil {
		close(start)
		wg.Wait()
		return p, err
	}
	before, _ := e.StorageMetrics()
	t0 := time.Now()
	stopAt = t0.Add(cfg.Duration)
	close(start)
	wg.Wait()
	p.Elapsed = time.Since(t0)
	after, _ := e.StorageMetrics()
	if err := cl.err(); err != nil {
		return p, err
	}
	var all Histogram
	for w := range writers {
		all.Merge(&hists[w])
		p.Statements += stmts[w]
	}
	p.Rows = p.Statements * int64(cfg.RowsPerStatement)
	// Statements finished past the deadline are not counted, so the rate uses the deadline.
	secs := min(p.Elapsed, cfg.Duration).Seconds()
	p.RowsPerSec = float64(p.Rows) / secs
	p.Fsyncs = after.Fsyncs - before.Fsyncs
	p.Commits = after.Commits - before.Commits
	p.FsyncsPerSec = float64(p.Fsyncs) / p.Elapsed.Seconds()
	p.P50, p.P99 = all.Quantile(0.50), all.Quantile(0.99)
	p.DiskBytes, p.WALBytes = after.DiskBytes, after.WALBytes

	// The figures count only what the table holds: every acknowledged row, no more.
	var total int64
	for _, n := range sent {
		total += n
	}
	rows, err := e.Query(ctx, "SELECT COUNT(*) FROM events")
	if err != nil {
		return p, err
	}
	if rows.Len() != 1 {
		return p, fmt.Errorf("bench: COUNT(*) returned %d rows", rows.Len())
	}
	if n := rows.Row(0)[0].RawInt(); n != total*int64(cfg.RowsPerStatement) {
		return p, fmt.Errorf("bench: the table holds %d rows after %d acknowledged", n, total*int64(cfg.RowsPerStatement))
	}
	return p, nil
}

// serveEngine serves e over the MySQL protocol on a free loopback port.
func serveEngine(e *weir.Engine, clients int) (addr string, stop func(), err error) {
	return serveMySQL(e, server.Config{MaxConnections: clients + 16})
}

// serveMySQL serves e's MySQL protocol with cfg on a free loopback port until stop.
func serveMySQL(e *weir.Engine, cfg server.Config) (addr string, stop func(), err error) {
	srv, err := server.New(e, cfg)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	return ln.Addr().String(), func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-served
	}, nil
}

// Print writes a readable table of the report.
func (r DurableReport) Print(w io.Writer) {
	how := "over the MySQL protocol (prepared INSERT, one connection per writer)"
	if r.Config.Inproc {
		how = "in process (Stmt.Exec)"
	}
	fmt.Fprintf(w, "group commit: --sync=%s, %d row(s) per statement, %s, GOMAXPROCS %d\n",
		r.Config.Sync, r.Config.RowsPerStatement, how, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "%8s %12s %10s %10s %12s %10s %10s\n", "writers", "rows/s", "fsyncs/s", "stmts/fsync", "statements", "p50", "p99")
	for _, p := range r.Points {
		perFsync := 0.0
		if p.Fsyncs > 0 {
			perFsync = float64(p.Commits) / float64(p.Fsyncs)
		}
		fmt.Fprintf(w, "%8d %12.0f %10.0f %10.1f %12d %10s %10s\n", p.Writers, p.RowsPerSec, p.FsyncsPerSec, perFsync, p.Statements, p.P50, p.P99)
	}
}
