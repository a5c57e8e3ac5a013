package bench

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/storage"
)

// RestartConfig describes a run of the restart benchmark: a table of Rows rows is loaded
// into a data directory, the engine is closed, and the time to open it again and the bytes
// it takes on disk are measured.
type RestartConfig struct {
	Rows      int    // rows to load (0: 1,000,000)
	BatchRows int    // rows per INSERT while loading (0: 1,000)
	Sync      string // storage.ParseSync spec for the load ("": always)
	Dir       string // where the data directory goes ("": the system's temp dir)
}

func (c *RestartConfig) defaults() {
	if c.Rows <= 0 {
		c.Rows = 1_000_000
	}
	if c.BatchRows <= 0 {
		c.BatchRows = 1000
	}
	if c.Sync == "" {
		c.Sync = "always"
	}
}

// RestartReport is the outcome of RunRestart.
type RestartReport struct {
	Config   RestartConfig
	LoadTime time.Duration
	// DiskBytes is what the directory holds after a clean close; ValueBytes is the rows'
	// values as SQL data (8 bytes per integer, a string's length), for comparison.
	DiskBytes, ValueBytes int64
	// OpenTime is weir.Open on the directory: the store opened, the catalog replayed, every
	// row back in its base table and the named view registered. FirstRead is the first
	// lookup of that view afterwards, which fills its key from the base table.
	OpenTime, FirstRead time.Duration
	// HeapAfterOpen is the live heap once the table is loaded back.
	HeapAfterOpen int64
}

// restartView is registered before the restart, so Open has a view to restore.
const restartView = "SELECT writer, COUNT(*) AS n FROM events WHERE writer = ? GROUP BY writer"

// RunRestart loads, closes and reopens a data directory, and checks every row came back.
func RunRestart(ctx context.Context, cfg RestartConfig, progress io.Writer) (RestartReport, error) {
	cfg.defaults()
	rep := RestartReport{Config: cfg}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	mode, interval, err := storage.ParseSync(cfg.Sync)
	if err != nil {
		return rep, fmt.Errorf("bench: --sync: %w", err)
	}
	dir, err := os.MkdirTemp(cfg.Dir, "weir-bench-restart-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	opts := weir.Options{Dir: dir, Sync: mode, SyncInterval: interval, MemoryLimit: -1}

	e, err := weir.Open(opts)
	if err != nil {
		return rep, err
	}
	say("loading %d rows, %d per INSERT, --sync=%s...", cfg.Rows, cfg.BatchRows, cfg.Sync)
	t0 := time.Now()
	if rep.ValueBytes, err = loadEvents(ctx, e, cfg); err != nil {
		e.Close()
		return rep, err
	}
	rep.LoadTime = time.Since(t0)
	if _, err := e.Register(ctx, "per_writer", restartView); err != nil {
		e.Close()
		return rep, err
	}
	if err := e.Close(); err != nil {
		return rep, err
	}
	if rep.DiskBytes, err = dirBytes(dir); err != nil {
		return rep, err
	}

	say("reopening %s...", dir)
	runtime.GC()
	t0 = time.Now()
	e, err = weir.Open(opts)
	if err != nil {
		return rep, err
	}
	rep.OpenTime = time.Since(t0)
	defer e.Close()
	rep.HeapAfterOpen = liveHeap()
	v, err := e.View("per_writer")
	if err != nil {
		return rep, err
	}
	t0 = time.Now()
	rows, err := v.Lookup(ctx, 7)
	if err != nil {
		return rep, err
	}
	rep.FirstRead = time.Since(t0)
	if rows.Len() != 1 || rows.Row(0)[1].RawInt() != int64(restartWriterRows(cfg.Rows, 7)) {
		return rep, fmt.Errorf("bench: the restored view reads %v", rows.Row(0))
	}
	all, err := e.Query(ctx, "SELECT COUNT(*) FROM events")
	if err != nil {
		return rep, err
	}
	if n := all.Row(0)[0].RawInt(); n != int64(cfg.Rows) {
		return rep, fmt.Errorf("bench: %d rows after the restart, %d loaded", n, cfg.Rows)
	}
	return rep, nil
}

// restartWriters is how many writer values the loaded rows spread over.
const restartWriters = 1000

func restartWriterRows(rows, writer int) int {
	n := rows / restartWriters
	if writer < rows%restartWriters {
		n++
	}
	return n
}

// loadEvents inserts cfg.Rows rows of the durable benchmark's table and returns the bytes
// of their values. The text columns are random letters, so pebble's compression gets no
// more help than real text would give it.
func loadEvents(ctx context.Context, e *weir.Engine, cfg RestartConfig) (int64, error) {
	if _, err := e.Exec(ctx, durableTable); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ."
	body := make([]byte, 64)
	kinds := []string{"click", "view", "purchase", "signup"}
	var stmt *weir.Stmt
	var values int64
	args := make([]any, 0, 4*cfg.BatchRows)
	for i := 0; i < cfg.Rows; {
		n := min(cfg.BatchRows, cfg.Rows-i)
		if stmt == nil || n != cfg.BatchRows {
			var err error
			if stmt, err = e.Prepare(InsertStatement("events (writer, n, kind, body)", 4, n)); err != nil {
				return 0, err
			}
		}
		args = args[:0]
		for j := range n {
			for k := range body {
				body[k] = letters[rng.IntN(len(letters))]
			}
			b := body[:32+rng.IntN(len(body)-31)]
			kind := kinds[rng.IntN(len(kinds))]
			args = append(args, (i+j)%restartWriters, i+j, kind, string(b))
			values += 8 + 8 + 8 + int64(len(kind)+len(b)) // id, writer, n, kind, body
		}
		if _, err := stmt.Exec(ctx, args...); err != nil {
			return 0, err
		}
		i += n
	}
	return values, nil
}

// dirBytes sums the sizes of the files under dir.
func dirBytes(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}

// Print writes a readable summary of the report.
func (r RestartReport) Print(w io.Writer) {
	rows := float64(r.Config.Rows)
	fmt.Fprintf(w, "restart: %d rows (id BIGINT, writer INT, n INT, kind VARCHAR, body VARCHAR of 32-64 random characters), GOMAXPROCS %d\n",
		r.Config.Rows, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "load:        %s (%.0f rows/s, %d rows per INSERT, --sync=%s)\n",
		r.LoadTime.Round(time.Millisecond), rows/r.LoadTime.Seconds(), r.Config.BatchRows, r.Config.Sync)
	fmt.Fprintf(w, "on disk:     %.1f MiB, %.1f bytes per row (the values alone: %.1f bytes per row)\n",
		float64(r.DiskBytes)/(1<<20), float64(r.DiskBytes)/rows, float64(r.ValueBytes)/rows)
	fmt.Fprintf(w, "open:        %s (every row back in memory; live heap %.1f MiB)\n",
		r.OpenTime.Round(time.Millisecond), float64(r.HeapAfterOpen)/(1<<20))
	fmt.Fprintf(w, "first read:  %s (the restored view fills its key)\n", r.FirstRead.Round(time.Microsecond))
}
