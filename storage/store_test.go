package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/weirdb/weir/dataflow"
	"go.uber.org/zap/zaptest"
)

func openStore(t testing.TB, dir string, mode SyncMode) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Sync: mode, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func commit(t testing.TB, s *Store, fill func(b *Batch)) {
	t.Helper()
	var b Batch
	fill(&b)
	if err := s.Commit(&b); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

type kv struct {
	pk  string
	row dataflow.Row
}

func scan(t testing.TB, s *Store, table uint32) []kv {
	t.Helper()
	var out []kv
	err := s.ScanTable(table, func(pk []byte, row dataflow.Row) error {
		out = append(out, kv{string(pk), row})
		return nil
	})
	if err != nil {
		t.Fatalf("scan table %d: %v", table, err)
	}
	return out
}

func checkRows(t testing.TB, got []kv, want ...kv) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i].pk != want[i].pk || !sameRow(got[i].row, want[i].row) {
			t.Fatalf("row %d: got %q %v, want %q %v", i, got[i].pk, got[i].row, want[i].pk, want[i].row)
		}
	}
}

func row(vals ...any) dataflow.Row {
	r := make(dataflow.Row, len(vals))
	for i, v := range vals {
		x, err := dataflow.FromGo(v)
		if err != nil {
			panic(err)
		}
		r[i] = x
	}
	return r
}

func TestReopenKeepsCatalogTokenAndRows(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	commit(t, s, func(b *Batch) {
		b.PutTable(2, "CREATE TABLE votes (id INT PRIMARY KEY)")
		b.PutTable(1, "CREATE TABLE stories (id INT PRIMARY KEY, title TEXT)")
		b.PutView("top", "", "SELECT * FROM stories WHERE id = ?")
		b.PutView("count", "shop", "SELECT COUNT(*) FROM votes WHERE id = ?")
		b.SetNextTableID(3)
		b.SetToken(1)
	})
	commit(t, s, func(b *Batch) {
		b.PutRow(1, []byte("b"), row(int64(2), "second"))
		b.PutRow(1, []byte("a"), row(int64(1), "first"))
		b.PutRow(1, []byte("c"), row(int64(3), nil))
		b.PutRow(2, []byte("a"), row(int64(9)))
		b.SetToken(2)
	})
	commit(t, s, func(b *Batch) {
		b.PutRow(1, []byte("a"), row(int64(1), "FIRST"))
		b.DeleteRow(1, []byte("c"))
		b.DropView("count")
		b.SetToken(3)
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	c, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	wantTables := []TableDef{{1, "CREATE TABLE stories (id INT PRIMARY KEY, title TEXT)"}, {2, "CREATE TABLE votes (id INT PRIMARY KEY)"}}
	if !slices.Equal(c.Tables, wantTables) {
		t.Errorf("tables %v, want %v", c.Tables, wantTables)
	}
	if want := []ViewDef{{Name: "top", SQL: "SELECT * FROM stories WHERE id = ?"}}; !slices.Equal(c.Views, want) {
		t.Errorf("views %v, want %v", c.Views, want)
	}
	if c.Token != 3 || c.NextTableID != 3 {
		t.Errorf("token %d next table %d, want 3 and 3", c.Token, c.NextTableID)
	}
	checkRows(t, scan(t, s, 1), kv{"a", row(int64(1), "FIRST")}, kv{"b", row(int64(2), "second")})
	checkRows(t, scan(t, s, 2), kv{"a", row(int64(9))})
	checkRows(t, scan(t, s, 3))
}

func TestDropTableRemovesRows(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	const last = ^uint32(0)
	commit(t, s, func(b *Batch) {
		for _, id := range []uint32{0, 1, 2, last - 1, last} {
			b.PutTable(id, fmt.Sprintf("CREATE TABLE t%d (id INT PRIMARY KEY)", id))
			for i := range 100 {
				b.PutRow(id, fmt.Appendf(nil, "%03d", i), row(int64(i)))
			}
		}
		b.SetNextTableID(7)
	})
	commit(t, s, func(b *Batch) {
		b.DropTable(1)
		b.DropTable(last)
	})
	check := func() {
		if n := len(scan(t, s, 1)); n != 0 {
			t.Fatalf("dropped table 1 still has %d rows", n)
		}
		if n := len(scan(t, s, last)); n != 0 {
			t.Fatalf("dropped table %d still has %d rows", last, n)
		}
		for _, id := range []uint32{0, 2, last - 1} {
			if n := len(scan(t, s, id)); n != 100 {
				t.Fatalf("table %d has %d rows, want 100", id, n)
			}
		}
		c, err := s.Catalog()
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint32
		for _, td := range c.Tables {
			ids = append(ids, td.ID)
		}
		if !slices.Equal(ids, []uint32{0, 2, last - 1}) {
			t.Fatalf("tables %v after drop", ids)
		}
		if c.NextTableID != last {
			t.Fatalf("next table id %d, want %d", c.NextTableID, last)
		}
	}
	check()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	check()
}

func TestBatchAppliesInOrder(t *testing.T) {
	s := openStore(t, t.TempDir(), SyncNever)
	defer s.Close()
	commit(t, s, func(b *Batch) {
		b.PutTable(5, "t")
		b.PutRow(5, []byte("old"), row(int64(1)))
		b.DropTable(5)
		b.PutTable(5, "t again")
		b.PutRow(5, []byte("new"), row(int64(2)))
	})
	checkRows(t, scan(t, s, 5), kv{"new", row(int64(2))})
	c, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Tables, []TableDef{{5, "t again"}}) || c.NextTableID != 6 {
		t.Fatalf("catalog %+v", c)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	_, err := Open(Options{Dir: dir})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "another Weir process is using "+dir) {
		t.Fatalf("error does not say who holds the directory: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownFormatVersion(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	if err := s.db.Set(keyFormat, []byte{99}, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{Dir: dir})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("open: %v, want ErrFormat naming version 99", err)
	}
	// The failed open must have let go of the directory.
	s, err = Open(Options{Dir: dir})
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("reopen: %v", err)
	}
}

func TestForeignPebbleDirectory(t *testing.T) {
	dir := t.TempDir()
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{zaptest.NewLogger(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte("someone else's key"), []byte("x"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir}); !errors.Is(err, ErrFormat) {
		t.Fatalf("open: %v, want ErrFormat", err)
	}
}

func TestClosedStore(t *testing.T) {
	s := openStore(t, t.TempDir(), SyncAlways)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	var b Batch
	b.SetToken(1)
	if err := s.Commit(&b); !errors.Is(err, ErrClosed) {
		t.Fatalf("commit after close: %v", err)
	}
	if _, err := s.CommitAsync(&b); !errors.Is(err, ErrClosed) {
		t.Fatalf("async commit after close: %v", err)
	}
	if _, err := s.Catalog(); !errors.Is(err, ErrClosed) {
		t.Fatalf("catalog after close: %v", err)
	}
}

// newest returns the newest file in dir with the given suffix (pebble numbers files in
// creation order).
func newest(t *testing.T, dir, suffix string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), suffix) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no %s file in %s", suffix, dir)
	}
	slices.Sort(names)
	return filepath.Join(dir, names[len(names)-1])
}

func flipBytes(t *testing.T, path string, at, n int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at+n > len(data) {
		t.Fatalf("%s has only %d bytes", path, len(data))
	}
	for i := at; i < at+n; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// corruptionCheck opens a damaged store and demands that the damage is reported as
// ErrCorrupt, either by Open or by reading the table; silently returning other rows is the
// one outcome that must never happen.
func corruptionCheck(t *testing.T, dir string, want []kv) {
	t.Helper()
	s, err := Open(Options{Dir: dir, Logger: zaptest.NewLogger(t)})
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("open of a damaged store: %v, want ErrCorrupt", err)
		}
		if !strings.Contains(err.Error(), "restore from a backup") {
			t.Fatalf("error gives no advice: %v", err)
		}
		t.Logf("open reported: %v", err)
		return
	}
	defer s.Close()
	var got []kv
	err = s.ScanTable(1, func(pk []byte, row dataflow.Row) error {
		got = append(got, kv{string(pk), row})
		return nil
	})
	if err == nil {
		t.Fatalf("damaged store read without error (%d rows, want %d)", len(got), len(want))
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("scan of a damaged store: %v, want ErrCorrupt", err)
	}
	t.Logf("scan reported: %v", err)
}

func fillTable(t *testing.T, s *Store, n int) []kv {
	var want []kv
	commit(t, s, func(b *Batch) {
		b.PutTable(1, "CREATE TABLE t (id INT PRIMARY KEY, body TEXT)")
		for i := range n {
			pk := fmt.Sprintf("%06d", i)
			r := row(int64(i), strings.Repeat(fmt.Sprintf("row %d ", i), 8))
			b.PutRow(1, []byte(pk), r)
			want = append(want, kv{pk, r})
		}
	})
	return want
}

func TestCorruptTableFileIsDetected(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	want := fillTable(t, s, 2000)
	// Move everything into a table file, so the damage lands in a block with a checksum.
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sst := newest(t, dir, ".sst")
	flipBytes(t, sst, 200, 16) // inside the first data block
	corruptionCheck(t, dir, want)
}

func TestCorruptLogIsDetected(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	var want []kv
	for i := range 50 {
		want = append(want, fillTable(t, s, 40)...)
		_ = i
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wal := newest(t, dir, ".log")
	st, err := os.Stat(wal)
	if err != nil {
		t.Fatal(err)
	}
	// The middle of the log, well before its synced end: not a torn tail but damage.
	flipBytes(t, wal, int(st.Size()/2), 16)
	corruptionCheck(t, dir, want[:40])
}

func TestConcurrentCommitsSyncAlways(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, SyncAlways)
	const workers, each = 64, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				var b Batch
				b.PutRow(1, fmt.Appendf(nil, "%02d-%02d", w, i), row(int64(w), int64(i)))
				if err := s.Commit(&b); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	m := s.Metrics()
	t.Logf("metrics: %+v", m)
	if m.Commits != workers*each || m.Fsyncs == 0 || m.DiskBytes == 0 {
		t.Fatalf("metrics %+v", m)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncAlways)
	defer s.Close()
	got := scan(t, s, 1)
	if len(got) != workers*each {
		t.Fatalf("%d rows after reopen, want %d", len(got), workers*each)
	}
	for _, r := range got {
		var w, i int64
		fmt.Sscanf(r.pk, "%02d-%02d", &w, &i)
		if !sameRow(r.row, row(w, i)) {
			t.Fatalf("row %q = %v", r.pk, r.row)
		}
	}
}

func TestCommitAsyncKeepsOrder(t *testing.T) {
	for _, mode := range []SyncMode{SyncAlways, SyncNever} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir, mode)
			const n = 2000
			waits := make([]func() error, 0, n)
			var b Batch // one batch, reused: CommitAsync copies it
			for i := 1; i <= n; i++ {
				b.Reset()
				b.PutRow(1, []byte("latest"), row(int64(i)))
				b.PutRow(1, fmt.Appendf(nil, "k%05d", i), row(int64(i)))
				b.SetToken(uint64(i))
				wait, err := s.CommitAsync(&b)
				if err != nil {
					t.Fatal(err)
				}
				waits = append(waits, wait)
			}
			// Waiting on the last batch first: once it is durable, every earlier one is.
			for i := n - 1; i >= 0; i-- {
				if err := waits[i](); err != nil {
					t.Fatalf("batch %d: %v", i+1, err)
				}
			}
			// One more, waited for only after Close: the outcome must still arrive.
			b.Reset()
			b.SetToken(n + 1)
			late, err := s.CommitAsync(&b)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := late(); err != nil {
				t.Fatalf("wait after close: %v", err)
			}
			if err := late(); err != nil {
				t.Fatalf("second wait: %v", err)
			}
			s = openStore(t, dir, mode)
			defer s.Close()
			c, err := s.Catalog()
			if err != nil {
				t.Fatal(err)
			}
			if c.Token != n+1 {
				t.Fatalf("token %d, want %d", c.Token, n+1)
			}
			got := scan(t, s, 1)
			if len(got) != n+1 {
				t.Fatalf("%d rows, want %d", len(got), n+1)
			}
			if !bytes.Equal([]byte(got[len(got)-1].pk), []byte("latest")) || !sameRow(got[len(got)-1].row, row(int64(n))) {
				t.Fatalf("last write lost its place: %v", got[len(got)-1])
			}
		})
	}
}

func TestSyncIntervalSyncsInBackground(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Sync: SyncInterval, Interval: 1, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	synced := make(chan struct{}, 1)
	f := func() {
		select {
		case synced <- struct{}{}:
		default:
		}
	}
	s.onSync.Store(&f)
	before := s.Metrics().Fsyncs
	commit(t, s, func(b *Batch) { b.SetToken(7) })
	<-synced
	if after := s.Metrics().Fsyncs; after <= before {
		t.Fatalf("fsyncs %d -> %d after a periodic sync", before, after)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, SyncNever)
	defer s.Close()
	if c, err := s.Catalog(); err != nil || c.Token != 7 {
		t.Fatalf("catalog %+v, %v", c, err)
	}
}

func TestParseSync(t *testing.T) {
	good := []struct {
		in   string
		mode SyncMode
		d    string
	}{
		{"always", SyncAlways, "0s"},
		{" NEVER ", SyncNever, "0s"},
		{"interval=250ms", SyncInterval, "250ms"},
		{"interval=2s", SyncInterval, "2s"},
	}
	for _, c := range good {
		m, d, err := ParseSync(c.in)
		if err != nil || m != c.mode || d.String() != c.d {
			t.Errorf("ParseSync(%q) = %v, %v, %v", c.in, m, d, err)
		}
	}
	for _, in := range []string{"", "sometimes", "interval", "interval=", "interval=soon", "interval=-1s", "interval=0s"} {
		if _, _, err := ParseSync(in); err == nil {
			t.Errorf("ParseSync(%q) accepted", in)
		} else if !strings.Contains(err.Error(), "interval") && !strings.Contains(err.Error(), "always") {
			t.Errorf("ParseSync(%q): unhelpful error %v", in, err)
		}
	}
}
