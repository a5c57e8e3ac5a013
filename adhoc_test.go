package weir_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/weirdb/weir"
)

// adhocTable creates t(id, title) with rows 1..n titled "title<id>".
func adhocTable(t *testing.T, e *weir.Engine, n int) weir.Token {
	t.Helper()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, title VARCHAR(32))")
	var tok weir.Token
	for i := 1; i <= n; i++ {
		tok = mustExec(t, e, "INSERT INTO t VALUES (?, ?)", i, fmt.Sprint("title", i)).Token
	}
	if err := e.WaitFor(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

// shapeSQL is ad-hoc shape i: one projected literal makes each a shape of its own.
func shapeSQL(i, id int) string {
	return fmt.Sprintf("SELECT id, title, 'lit%d' AS c FROM t WHERE id = %d", i, id)
}

func wantShape(t *testing.T, rows weir.Rows, err error, i, id int) {
	t.Helper()
	wantRows(t, rows, err, fmt.Sprintf("%d|title%d|lit%d", id, id, i))
}

// shapeHeld reports whether the view of ad-hoc shape i is held.
func shapeHeld(e *weir.Engine, i int) bool {
	lit := fmt.Sprintf("'lit%d' AS `c`", i)
	for _, st := range e.Stats() {
		if st.Name == "" && strings.Contains(st.Query, lit) {
			return true
		}
	}
	return false
}

// TestAdHocShapesUnderMemoryLimit sends thousands of distinct ad-hoc shapes to an engine
// whose limit holds about a hundred of their caches: memory stays under the limit, the
// number of caches stays bounded, every answer is right, the named view is untouched, and a
// dropped shape answers again on its next query.
func TestAdHocShapesUnderMemoryLimit(t *testing.T) {
	const limit = 1 << 20
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: limit})
	adhocTable(t, e, 100)
	named := mustRegister(t, e, "titles", "SELECT id, title FROM t WHERE id = ?")
	readNamed := func() {
		t.Helper()
		for id := 1; id <= 10; id++ {
			r, err := named.Lookup(ctx, id)
			wantRows(t, r, err, fmt.Sprintf("%d|title%d", id, id))
		}
	}
	for range 20 {
		readNamed()
	}
	namedGraph := named.Stats().GraphBytes
	if namedGraph <= 0 {
		t.Fatalf("named view's graph memory %d", namedGraph)
	}

	const shapes = 3000
	most := 0
	for i := range shapes {
		id := i%100 + 1
		rows, err := e.Query(ctx, shapeSQL(i, id))
		wantShape(t, rows, err, i, id)
		if i%100 == 99 {
			readNamed()
			if _, err := e.Evict(ctx); err != nil {
				t.Fatal(err)
			}
			m := e.Memory()
			if m.InUse > limit {
				t.Fatalf("after %d shapes and a round: %d bytes in use, limit %d (%+v)", i+1, m.InUse, limit, m)
			}
			most = max(most, m.AdHocCaches)
		}
	}
	m := e.Memory()
	t.Logf("after %d shapes: %+v; at most %d ad-hoc caches after a round", shapes, m, most)
	// Each cache costs more than 8 KiB: the limit holds fewer than 128 of them.
	if most >= 128 || m.AdHocDropped < shapes-128 {
		t.Fatalf("ad-hoc caches not bounded: at most %d held, %d dropped", most, m.AdHocDropped)
	}

	// The named view was neither dropped nor changed.
	if _, err := e.View("titles"); err != nil {
		t.Fatal(err)
	}
	st := named.Stats()
	if st.GraphBytes != namedGraph || st.LastRead.IsZero() {
		t.Fatalf("named view: %+v", st)
	}
	readNamed()

	// Shape 0 was dropped long ago; its next query installs it again.
	if shapeHeld(e, 0) {
		t.Fatal("shape 0 is still held")
	}
	rows, err := e.Query(ctx, shapeSQL(0, 1))
	wantShape(t, rows, err, 0, 1)
	rows, err = e.Query(ctx, shapeSQL(0, 7)) // the same shape, another key
	wantShape(t, rows, err, 0, 7)
	if !shapeHeld(e, 0) {
		t.Fatal("shape 0 was not installed again")
	}
}

// TestAdHocDropsLeastRecentlyRead: the ad-hoc caches read least recently go first; one
// read again and again is kept.
func TestAdHocDropsLeastRecentlyRead(t *testing.T) {
	const limit = 256 << 10
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: limit})
	adhocTable(t, e, 10)
	query := func(i int) {
		t.Helper()
		rows, err := e.Query(ctx, shapeSQL(i, 1))
		wantShape(t, rows, err, i, 1)
		if _, err := e.Evict(ctx); err != nil { // a round: the clock moves on
			t.Fatal(err)
		}
	}
	query(0)
	i := 1
	for ; e.Memory().AdHocDropped == 0; i++ {
		if i == 1000 {
			t.Fatalf("no cache dropped: %+v", e.Memory())
		}
		query(i)
		query(0) // shape 0 stays the most recently read
	}
	if !shapeHeld(e, 0) {
		t.Fatalf("shape 0, read after every other shape, was dropped")
	}
	// The shapes held are the ones read last: 1 to k-1 dropped, k to i-1 held.
	k := 1
	for k < i && !shapeHeld(e, k) {
		k++
	}
	if k == 1 {
		t.Fatal("shape 1, read least recently, is held")
	}
	for j := k; j < i; j++ {
		if !shapeHeld(e, j) {
			t.Fatalf("after %d shapes: shape %d dropped and shape %d (read before it) held", i, j, k)
		}
	}
	t.Logf("%d shapes: 1 to %d dropped, %d to %d held with shape 0", i, k-1, k, i-1)
}

// TestAdHocDropsDuringReadsAndDDL reads ad-hoc shapes from several goroutines while rounds
// under a tiny limit drop their caches, a writer changes the rows they read and tables are
// created and dropped: every read answers, and sees every write acknowledged before it.
func TestAdHocDropsDuringReadsAndDDL(t *testing.T) {
	const (
		rowsN   = 20
		shapes  = 60
		readers = 4
		reads   = 400
	)
	ctx := context.Background()
	e := open(t, weir.Options{Domains: 2, MemoryLimit: 96 << 10})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, version INT)")
	for i := 1; i <= rowsN; i++ {
		mustExec(t, e, "INSERT INTO t VALUES (?, 0)", i)
	}
	var acked [rowsN + 1]atomic.Int64 // the newest version of each row acknowledged
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, readers+3)
	wg.Add(3)
	go func() { // writer
		defer wg.Done()
		for v := int64(1); !done.Load(); v++ {
			id := int(v%rowsN) + 1
			if _, err := e.Exec(ctx, "UPDATE t SET version = ? WHERE id = ?", v, id); err != nil {
				errs <- err
				return
			}
			acked[id].Store(v)
		}
	}()
	go func() { // rounds
		defer wg.Done()
		for !done.Load() {
			if _, err := e.Evict(ctx); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() { // DDL beside the reads
		defer wg.Done()
		for i := 0; !done.Load(); i++ {
			name := fmt.Sprint("other", i%3)
			for _, sql := range []string{"CREATE TABLE " + name + " (id INT PRIMARY KEY)", "DROP TABLE " + name} {
				if _, err := e.Exec(ctx, sql); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	var rwg sync.WaitGroup
	for r := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 1))
			for range reads {
				s, id := rng.IntN(shapes), rng.IntN(rowsN)+1
				floor := acked[id].Load()
				rows, err := e.Query(ctx, fmt.Sprintf("SELECT id, version, 'lit%d' AS c FROM t WHERE id = %d", s, id))
				if err != nil {
					errs <- fmt.Errorf("shape %d id %d: %w", s, id, err)
					return
				}
				if rows.Len() != 1 {
					errs <- fmt.Errorf("shape %d id %d: %d rows", s, id, rows.Len())
					return
				}
				row := rows.Row(0)
				if got, _ := row[1].ToInt(); row[0].ToText() != fmt.Sprint(id) || got < floor || row[2].ToText() != fmt.Sprint("lit", s) {
					errs <- fmt.Errorf("shape %d id %d: got %s|%s|%s, version at least %d", s, id, row[0].ToText(), row[1].ToText(), row[2].ToText(), floor)
					return
				}
			}
		}()
	}
	rwg.Wait()
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	m := e.Memory()
	t.Logf("%+v", m)
	if m.AdHocDropped == 0 {
		t.Fatal("no ad-hoc cache was dropped: the test did not race drops against reads")
	}
}

// TestGraphBytesTrackHeap calibrates the estimate of what a cache costs (the graph memory
// the limit counts, eviction.NodeBytes and ViewBytes) against the Go heap: for each kind of
// query, a thousand ad-hoc shapes are installed and read, and the growth of the estimate
// (MemoryInUse: graphs, statement cache, partial state) must stay within a factor of 1.5
// of the growth of the heap. (The heap grows by about 8 KiB per simple shape; the figures
// are logged.)
func TestGraphBytesTrackHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over thousands of caches")
	}
	ctx := context.Background()
	families := []struct {
		name  string
		shape func(i int) string
	}{
		{"project", func(i int) string {
			return fmt.Sprintf("SELECT id, title, 'lit%d' AS c FROM t WHERE id = %d", i, i%100+1)
		}},
		{"filter", func(i int) string {
			return fmt.Sprintf("SELECT id, title FROM t WHERE id = %d AND n + 0 > %d", i%100+1, -i)
		}},
		{"aggregate", func(i int) string {
			return fmt.Sprintf("SELECT g, SUM(n + %d) AS s, COUNT(*) AS c FROM t WHERE g = %d GROUP BY g", i, i%10)
		}},
		{"join", func(i int) string {
			return fmt.Sprintf("SELECT t.id, t.title, u.name FROM t JOIN u ON u.id = t.g WHERE t.id = %d AND u.n + 0 > %d", i%100+1, -i)
		}},
		{"full", func(i int) string { return fmt.Sprintf("SELECT id, 'lit%d' AS c FROM t", i) }},
		{"full aggregate", func(i int) string { return fmt.Sprintf("SELECT g, COUNT(*) AS c FROM t WHERE n > %d GROUP BY g", -i) }},
	}
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			e := open(t, weir.Options{MemoryLimit: -1})
			mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, g INT, n INT, title VARCHAR(32))")
			mustExec(t, e, "CREATE TABLE u (id INT PRIMARY KEY, n INT, name VARCHAR(32))")
			for i := 1; i <= 100; i++ {
				mustExec(t, e, "INSERT INTO t VALUES (?, ?, ?, ?)", i, i%10, i, fmt.Sprint("title", i))
			}
			for i := 0; i < 10; i++ {
				mustExec(t, e, "INSERT INTO u VALUES (?, ?, ?)", i, i, fmt.Sprint("name", i))
			}
			// Measured over the second thousand shapes: the heap of the tests before, and
			// of the engine's start, has settled by then.
			const warm, n = 1000, 1000
			for i := range warm {
				if _, err := e.Query(ctx, f.shape(n+i)); err != nil {
					t.Fatal(err)
				}
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&before)
			est0 := e.MemoryInUse()
			for i := range n {
				if _, err := e.Query(ctx, f.shape(i)); err != nil {
					t.Fatal(err)
				}
			}
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
			est := float64(e.MemoryInUse()-est0) / n
			m := e.Memory()
			if st := e.Stats(); len(st) > 0 {
				t.Logf("%s: %s, partial %v", f.name, st[0].Query, st[0].Partial)
			}
			t.Logf("%s: heap %.0f bytes per cache, estimate %.0f (%.2fx); %d caches", f.name, heap, est, est/heap, m.AdHocCaches)
			if m.AdHocCaches != warm+n {
				t.Fatalf("%d ad-hoc caches, want %d: the shapes share views", m.AdHocCaches, n)
			}
			if r := est / heap; r < 1/1.5 || r > 1.5 {
				t.Fatalf("estimate %.0f bytes per cache, heap %.0f: off by %.2fx", est, heap, r)
			}
		})
	}
}

// TestAdHocStats: SHOW CACHES's figures for a cache: graph memory, and the last read
// (none before the first read).
func TestAdHocStats(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	adhocTable(t, e, 3)
	v := mustRegister(t, e, "titles", "SELECT title FROM t WHERE id = ?")
	st := v.Stats()
	if st.GraphBytes <= 0 || !st.LastRead.IsZero() {
		t.Fatalf("before a read: %+v", st)
	}
	if _, err := v.Lookup(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if st := v.Stats(); st.LastRead.IsZero() {
		t.Fatalf("after a read: %+v", st)
	}
	if _, err := e.Query(ctx, shapeSQL(1, 2)); err != nil {
		t.Fatal(err)
	}
	all := e.Stats()
	i := slices.IndexFunc(all, func(st weir.ViewStats) bool { return st.Name == "" })
	if i < 0 || all[i].GraphBytes <= 0 || all[i].LastRead.IsZero() {
		t.Fatalf("ad-hoc cache: %+v", all)
	}
	if m := e.Memory(); m.AdHocCaches != 1 || m.Graph < all[i].GraphBytes+st.GraphBytes || m.AdHoc < all[i].GraphBytes {
		t.Fatalf("memory %+v, caches %+v", m, all)
	}
	// Dropping a table drops its ad-hoc caches too, and their memory.
	mustExec(t, e, "DROP TABLE t")
	if m := e.Memory(); m.AdHocCaches != 0 || m.AdHoc != 0 {
		t.Fatalf("after DROP TABLE: %+v", m)
	}
	if _, err := e.Query(ctx, shapeSQL(1, 2)); err == nil || errors.Is(err, weir.ErrNoSuchView) {
		t.Fatalf("query of a dropped table: %v", err)
	}
}
