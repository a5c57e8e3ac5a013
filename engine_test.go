package weir_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

func open(t *testing.T, opts weir.Options) *weir.Engine {
	t.Helper()
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func mustExec(t *testing.T, e *weir.Engine, sql string, args ...any) weir.Result {
	t.Helper()
	res, err := e.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func mustRegister(t *testing.T, e *weir.Engine, name, sql string) *weir.View {
	t.Helper()
	v, err := e.Register(context.Background(), name, sql)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return v
}

func texts(r weir.Rows) []string {
	out := make([]string, r.Len())
	for i := range out {
		s := ""
		for j, v := range r.Row(i) {
			if j > 0 {
				s += "|"
			}
			s += v.ToText()
		}
		out[i] = s
	}
	return out
}

func wantRows(t *testing.T, r weir.Rows, err error, want ...string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	got := texts(r)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows = %q, want %q", got, want)
	}
}

func TestErrorsCarryMySQLCodes(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, n TINYINT)")
	cases := []struct {
		sql  string
		code int
	}{
		{"INSERT INTO t VALUES (1, 'a', 1), (1, 'b', 2)", 1062},
		{"INSERT INTO t VALUES (2, NULL, 1)", 1048},
		{"INSERT INTO t VALUES (3, 'toolong', 1)", 1406},
		{"INSERT INTO t VALUES (4, 'x', 300)", 1264},
		{"INSERT INTO nope VALUES (1)", 1146},
		{"SELEC 1", 1064},
		{"CREATE TABLE t (id INT)", 1050},
		{"INSERT INTO t (id) VALUES (5)", 1364},
	}
	for _, c := range cases {
		_, err := e.Exec(ctx, c.sql)
		code, _, ok := weir.ErrorCode(err)
		if !ok || code != c.code {
			t.Errorf("%s: error %v (code %d), want code %d", c.sql, err, code, c.code)
		}
	}
	// The failed multi-row insert left nothing behind.
	rows, err := e.TableRows(ctx, "t")
	if err != nil || len(rows) != 0 {
		t.Fatalf("table after failed statements: %v %v", rows, err)
	}
	if _, err := e.Register(ctx, "bad", "SELECT COUNT(*) FROM t WHERE id > ? "); err == nil {
		t.Fatal("range parameter accepted")
	} else if code, _, _ := weir.ErrorCode(err); code != 1235 {
		t.Fatalf("range parameter: %v (code %d), want 1235", err, code)
	}
	if _, err := e.Register(ctx, "bad", "SELECT nope FROM t"); err == nil {
		t.Fatal("unknown column accepted")
	} else if code, _, _ := weir.ErrorCode(err); code != 1054 {
		t.Fatalf("unknown column: %v (code %d), want 1054", err, code)
	}
	if _, err := e.View("missing"); !errors.Is(err, weir.ErrNoSuchView) {
		t.Fatalf("View(missing) = %v", err)
	}
}

func TestViewRegisteredOverExistingDataIsFilled(t *testing.T) {
	e := open(t, weir.Options{Domains: 2})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE a (id INT PRIMARY KEY, g INT)")
	mustExec(t, e, "CREATE TABLE b (id INT PRIMARY KEY, a_id INT, v INT)")
	mustExec(t, e, "INSERT INTO a VALUES (1, 10), (2, 10), (3, 20)")
	res := mustExec(t, e, "INSERT INTO b VALUES (1, 1, 5), (2, 1, 6), (3, 2, 7), (4, 3, 1)")
	v1 := mustRegister(t, e, "sum_by_g", "SELECT a.g, SUM(b.v) AS s FROM a JOIN b ON b.a_id = a.id WHERE a.g = ? GROUP BY a.g")
	r, err := v1.LookupAfter(ctx, res.Token, 10)
	wantRows(t, r, err, "10|18")
	// A second query sharing the join is filled from the shared nodes.
	v2 := mustRegister(t, e, "max_by_g", "SELECT a.g, MAX(b.v) AS m FROM a JOIN b ON b.a_id = a.id WHERE a.g = ? GROUP BY a.g")
	r, err = v2.Lookup(ctx, 10)
	wantRows(t, r, err, "10|7")
	res = mustExec(t, e, "DELETE FROM b WHERE id = 3")
	r, err = v2.LookupAfter(ctx, res.Token, 10)
	wantRows(t, r, err, "10|6")
	r, err = v1.LookupAfter(ctx, res.Token, 10)
	wantRows(t, r, err, "10|11")
	// Scalar aggregate over an empty key returns one row.
	v3 := mustRegister(t, e, "count_b", "SELECT COUNT(*) AS n, SUM(v) AS s FROM b WHERE a_id = ?")
	r, err = v3.LookupAfter(ctx, res.Token, 99)
	wantRows(t, r, err, "0|NULL")
}

func TestDropTableDropsItsViews(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY)")
	v := mustRegister(t, e, "ids", "SELECT id FROM t WHERE id = ?")
	mustExec(t, e, "DROP TABLE t")
	if _, err := v.Lookup(ctx, 1); !errors.Is(err, weir.ErrNoSuchView) {
		t.Fatalf("lookup on a dropped view: %v", err)
	}
	if _, err := e.View("ids"); err == nil {
		t.Fatal("view survived its table")
	}
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, x INT)")
	mustExec(t, e, "INSERT INTO t VALUES (1, 2)")
	r, err := e.Query(ctx, "SELECT x FROM t WHERE id = 1")
	wantRows(t, r, err, "2")
}

func TestUpsertReplaceAndAutoIncrement(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10), n INT DEFAULT 7)")
	res := mustExec(t, e, "INSERT INTO t (name) VALUES ('a'), ('b')")
	if res.LastInsertID != 1 || res.RowsAffected != 2 {
		t.Fatalf("insert: %+v", res)
	}
	res = mustExec(t, e, "INSERT INTO t VALUES (10, 'c', 1)")
	res = mustExec(t, e, "INSERT INTO t (name) VALUES ('d')")
	if res.LastInsertID != 11 {
		t.Fatalf("auto increment after explicit 10: %+v", res)
	}
	res = mustExec(t, e, "REPLACE INTO t VALUES (1, 'A', 0)")
	if res.RowsAffected != 2 {
		t.Fatalf("replace: %+v", res)
	}
	res = mustExec(t, e, "INSERT INTO t VALUES (2, 'x', 1) ON DUPLICATE KEY UPDATE n = n + 100, name = CONCAT(name, VALUES(name))")
	if res.RowsAffected != 2 {
		t.Fatalf("upsert: %+v", res)
	}
	r, err := e.Query(ctx, "SELECT id, name, n FROM t ORDER BY id")
	wantRows(t, r, err, "1|A|0", "2|bx|107", "10|c|1", "11|d|7")
	res = mustExec(t, e, "UPDATE t SET n = n * 2 WHERE name LIKE 'b%' OR id = 10")
	if res.RowsAffected != 2 {
		t.Fatalf("update: %+v", res)
	}
	res = mustExec(t, e, "UPDATE t SET n = n WHERE id = 1")
	if res.RowsAffected != 0 {
		t.Fatalf("update that changes nothing: %+v", res)
	}
	_, err = e.Exec(ctx, "UPDATE t SET id = 11 WHERE id = 10")
	if code, _, _ := weir.ErrorCode(err); code != 1062 {
		t.Fatalf("key-moving update into a taken key: %v", err)
	}
	res = mustExec(t, e, "DELETE FROM t WHERE n > 100")
	if res.RowsAffected != 1 {
		t.Fatalf("delete: %+v", res)
	}
	r, err = e.Query(ctx, "SELECT id, name, n FROM t ORDER BY id")
	wantRows(t, r, err, "1|A|0", "10|c|2", "11|d|7")
}

// TestConcurrentWritersAndReaders runs writers and readers in parallel (for the race
// detector) and checks, once the writers are done, that the view equals the table.
func TestConcurrentWritersAndReaders(t *testing.T) {
	e := open(t, weir.Options{Domains: 2})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE votes (article INT, user INT, PRIMARY KEY (article, user))")
	v := mustRegister(t, e, "count", "SELECT article, COUNT(*) AS n FROM votes WHERE article = ? GROUP BY article")
	top := mustRegister(t, e, "top", "SELECT article, user FROM votes WHERE article = ? ORDER BY user DESC LIMIT 3")
	const writers, perWriter, articles = 4, 300, 5
	var wg sync.WaitGroup
	stop := make(chan struct{})
	toks := make([]weir.Token, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				user := w*perWriter + i
				res, err := e.Exec(ctx, "INSERT INTO votes VALUES (?, ?)", user%articles, user)
				if err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					if res, err = e.Exec(ctx, "DELETE FROM votes WHERE article = ? AND user = ?", user%articles, user); err != nil {
						t.Error(err)
						return
					}
				}
				// Read-your-writes on the view that the write touched.
				r, err := v.LookupAfter(ctx, res.Token, user%articles)
				if err != nil {
					t.Error(err)
					return
				}
				_ = r
				toks[w] = res.Token
			}
		}(w)
	}
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for a := 0; a < articles; a++ {
					if _, err := top.Lookup(ctx, a); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	var last weir.Token
	for _, tk := range toks {
		last = max(last, tk)
	}
	if err := e.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	counts := map[int64]int{}
	users := map[int64][]int64{}
	rows, err := e.TableRows(ctx, "votes")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		a := r[0].RawInt()
		counts[a]++
		users[a] = append(users[a], r[1].RawInt())
	}
	for a := int64(0); a < articles; a++ {
		r, err := v.Lookup(ctx, a)
		wantRows(t, r, err, fmt.Sprintf("%d|%d", a, counts[a]))
		r, err = top.Lookup(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if r.Len() != 3 {
			t.Fatalf("top(%d) has %d rows", a, r.Len())
		}
		// The top three users by id descending.
		us := users[a]
		for i := 0; i < 3; i++ {
			best := i
			for j := i + 1; j < len(us); j++ {
				if us[j] > us[best] {
					best = j
				}
			}
			us[i], us[best] = us[best], us[i]
			if got := r.Row(i)[1].RawInt(); got != us[i] {
				t.Fatalf("top(%d) row %d = %d, want %d", a, i, got, us[i])
			}
		}
	}
}

// TestQueriesShareNodes: a query whose plan repeats another's sub-plan reuses its nodes and
// state, and literal-only differences share one reader.
func TestQueriesShareNodes(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE a (id INT PRIMARY KEY, g INT)")
	mustExec(t, e, "CREATE TABLE b (id INT PRIMARY KEY, a_id INT, v INT)")
	nodes := func() int {
		dot, err := e.Graph()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(dot, "label=")
	}
	if _, err := e.Register(ctx, "q1", "SELECT a.g, b.v FROM a JOIN b ON b.a_id = a.id WHERE a.g = ?"); err != nil {
		t.Fatal(err)
	}
	n1 := nodes()
	if _, err := e.Register(ctx, "q2", "SELECT a.g, b.v FROM a JOIN b ON b.a_id = a.id WHERE a.g = 5"); err != nil {
		t.Fatal(err)
	}
	if n := nodes(); n != n1 {
		t.Fatalf("a literal-only variant added %d nodes", n-n1)
	}
	if _, err := e.Register(ctx, "q3", "SELECT a.g, SUM(b.v) FROM a JOIN b ON b.a_id = a.id WHERE a.g = ? GROUP BY a.g"); err != nil {
		t.Fatal(err)
	}
	added := nodes() - n1
	// The join is shared: only the aggregate, its projection and the reader are new.
	if added > 3 {
		dot, _ := e.Graph()
		t.Fatalf("sharing the join still added %d nodes:\n%s", added, dot)
	}
	res := mustExec(t, e, "INSERT INTO a VALUES (1, 5)")
	mustExec(t, e, "INSERT INTO b VALUES (1, 1, 10), (2, 1, 20)")
	res = mustExec(t, e, "INSERT INTO b VALUES (3, 1, 30)")
	v2, _ := e.View("q2")
	r, err := v2.LookupAfter(ctx, res.Token)
	wantRows(t, r, err, "5|10", "5|20", "5|30")
	v3, _ := e.View("q3")
	r, err = v3.LookupAfter(ctx, res.Token, 5)
	wantRows(t, r, err, "5|60")
}

// TestRegisterWhileWriting registers views while writers run: each new view is filled from
// the state at the moment it joins the graph and then kept up to date, so after the writes
// every view agrees with the table.
func TestRegisterWhileWriting(t *testing.T) {
	e := open(t, weir.Options{Domains: 2})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, g INT, v INT)")
	var wg sync.WaitGroup
	var last [3]weir.Token
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				id := w*1000 + i
				res, err := e.Exec(ctx, "INSERT INTO t VALUES (?, ?, ?)", id, id%7, i)
				if err == nil && i%4 == 0 {
					res, err = e.Exec(ctx, "UPDATE t SET v = v + 1 WHERE id = ?", id)
				}
				if err != nil {
					t.Error(err)
					return
				}
				last[w] = res.Token
			}
		}(w)
	}
	var views []*weir.View
	for i := 0; i < 6; i++ {
		v, err := e.Register(ctx, fmt.Sprintf("sum%d", i),
			fmt.Sprintf("SELECT g, SUM(v) + %d AS s, COUNT(*) AS n FROM t WHERE g = ? GROUP BY g", i))
		if err != nil {
			t.Fatal(err)
		}
		views = append(views, v)
	}
	wg.Wait()
	tok := max(last[0], last[1], last[2])
	rows, err := e.TableRows(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	sum, count := map[int64]int64{}, map[int64]int64{}
	for _, r := range rows {
		sum[r[1].RawInt()] += r[2].RawInt()
		count[r[1].RawInt()]++
	}
	for i, v := range views {
		for g := int64(0); g < 7; g++ {
			r, err := v.LookupAfter(ctx, tok, g)
			wantRows(t, r, err, fmt.Sprintf("%d|%d|%d", g, sum[g]+int64(i), count[g]))
		}
	}
}

// TestViewStats: a partial reader starts with holes; the first read of each key fills it (a
// miss), later reads hit; a key emptied by deletes becomes a hole again.
func TestViewStats(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(100))")
	v := mustRegister(t, e, "names", "SELECT name FROM t WHERE id = ?")
	res := mustExec(t, e, "INSERT INTO t VALUES (1, 'a'), (2, ?)", strings.Repeat("x", 100))
	if st := v.Stats(); st.Keys != 0 || st.Bytes != 0 {
		t.Fatalf("a partial reader holds keys nobody read: %+v", st)
	}
	for round := 0; round < 2; round++ {
		for _, id := range []int{1, 2, 3} {
			if _, err := v.LookupAfter(ctx, res.Token, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := v.Stats()
	if st.Name != "names" || st.Keys != 3 || st.Misses != 3 || st.Hits != 3 {
		t.Fatalf("stats = %+v", st)
	}
	before := st.Bytes
	if before < 100 {
		t.Fatalf("bytes = %d, want at least the 100-byte string", before)
	}
	res = mustExec(t, e, "DELETE FROM t WHERE id = 2")
	if err := e.WaitFor(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	// The deleted key stays present, known to be empty: its rows' bytes go, and the next
	// read of it is a hit that needs no fill.
	st = v.Stats()
	if st.Keys != 3 || st.Bytes > before-100 {
		t.Fatalf("after delete: %+v (bytes before %d)", st, before)
	}
	r, err := v.Lookup(ctx, 2)
	wantRows(t, r, err)
	if st = v.Stats(); st.Keys != 3 || st.Misses != 3 || st.Upqueries != 3 {
		t.Fatalf("after reading the emptied key: %+v", st)
	}
	all := e.Stats()
	if len(all) != 1 || all[0].Name != "names" {
		t.Fatalf("engine stats = %+v", all)
	}
}

// TestPartialReadersUnderConcurrentWrites: readers miss and fill keys of partial views while
// writers insert and delete; once the writes stop, every key equals the table.
func TestPartialReadersUnderConcurrentWrites(t *testing.T) {
	e := open(t, weir.Options{Domains: 2})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE v (article INT, user INT, PRIMARY KEY (article, user))")
	byArticle := mustRegister(t, e, "by_article", "SELECT user FROM v WHERE article = ? AND user >= 0 ORDER BY user")
	byUser := mustRegister(t, e, "by_user", "SELECT article, user * 2 AS u2 FROM v WHERE user = ?")
	if st := byArticle.Stats(); st.Keys != 0 {
		t.Fatalf("new partial view holds %d keys", st.Keys)
	}
	const writers, perWriter, articles = 3, 300, 7
	var wg sync.WaitGroup
	stop := make(chan struct{})
	toks := make([]weir.Token, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				user := w*perWriter + i
				res, err := e.Exec(ctx, "INSERT INTO v VALUES (?, ?)", user%articles, user)
				if err == nil && i%3 == 0 {
					res, err = e.Exec(ctx, "DELETE FROM v WHERE article = ? AND user = ?", user%articles, user-3)
				}
				if err != nil {
					t.Error(err)
					return
				}
				toks[w] = res.Token
			}
		}(w)
	}
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func(r int) {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := byArticle.Lookup(ctx, (i+r)%articles); err != nil {
					t.Error(err)
					return
				}
				if _, err := byUser.Lookup(ctx, (i*7+r)%(writers*perWriter)); err != nil {
					t.Error(err)
					return
				}
			}
		}(r)
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	var last weir.Token
	for _, tk := range toks {
		last = max(last, tk)
	}
	rows, err := e.TableRows(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	users := map[int64][]string{}
	articleOf := map[int64]int64{}
	for _, r := range rows {
		users[r[0].RawInt()] = append(users[r[0].RawInt()], r[1].ToText())
		articleOf[r[1].RawInt()] = r[0].RawInt()
	}
	for a := int64(0); a < articles; a++ {
		r, err := byArticle.LookupAfter(ctx, last, a)
		want := users[a]
		slices.SortFunc(want, func(x, y string) int { return cmp.Compare(len(x), len(y))*2 + cmp.Compare(x, y) })
		wantRows(t, r, err, want...)
	}
	for u := int64(0); u < writers*perWriter; u++ {
		r, err := byUser.LookupAfter(ctx, last, u)
		if a, ok := articleOf[u]; ok {
			wantRows(t, r, err, fmt.Sprintf("%d|%d", a, 2*u))
		} else {
			wantRows(t, r, err)
		}
	}
	if st := byArticle.Stats(); st.Misses == 0 {
		t.Fatalf("by_article never filled a key: %+v", st)
	}
}

func TestTryLookupStartsFillWithoutWaiting(t *testing.T) {
	e := open(t, weir.Options{})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))")
	res := mustExec(t, e, "INSERT INTO t VALUES (1, 'one')")
	v := mustRegister(t, e, "names", "SELECT name FROM t WHERE id = ?")
	if err := e.WaitFor(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	_, ok, err := v.TryLookup(ctx, 1)
	if err != nil || ok {
		t.Fatalf("first TryLookup of a hole: ok=%v err=%v, want a miss", ok, err)
	}
	// The fill it started completes; a blocking read then hits without another miss.
	r, err := v.Lookup(ctx, 1)
	wantRows(t, r, err, "one")
	r, ok, err = v.TryLookup(ctx, 1)
	if !ok {
		t.Fatalf("TryLookup after the fill: ok=%v err=%v", ok, err)
	}
	wantRows(t, r, err, "one")
	if st := v.Stats(); st.Misses != 1 && st.Misses != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

// TestEvictionBoundsPartialReaders: past the memory limit, least recently read keys become
// holes; reading them again refills them with the current rows.
func TestEvictionBoundsPartialReaders(t *testing.T) {
	const limit = 64 << 10
	e := open(t, weir.Options{MemoryLimit: limit})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(200))")
	v := mustRegister(t, e, "names", "SELECT name FROM t WHERE id = ?")
	const n = 2000
	pad := strings.Repeat("x", 100)
	var tok weir.Token
	for i := 1; i <= n; i++ {
		tok = mustExec(t, e, "INSERT INTO t VALUES (?, ?)", i, fmt.Sprint(i, pad)).Token
	}
	for i := 1; i <= n; i++ {
		r, err := v.LookupAfter(ctx, tok, i)
		wantRows(t, r, err, fmt.Sprint(i, pad))
	}
	if _, err := e.Evict(ctx); err != nil {
		t.Fatal(err)
	}
	if used := e.MemoryInUse(); used > limit {
		t.Fatalf("after eviction %d bytes in use, limit %d", used, limit)
	}
	if st := v.Stats(); st.Keys >= n {
		t.Fatalf("nothing evicted: %+v", st)
	}
	// Evicted keys refill with rows written after the eviction.
	tok = mustExec(t, e, "UPDATE t SET name = CONCAT(name, '!') WHERE id <= 10").Token
	for i := 1; i <= n; i++ {
		want := fmt.Sprint(i, pad)
		if i <= 10 {
			want += "!"
		}
		r, err := v.LookupAfter(ctx, tok, i)
		wantRows(t, r, err, want)
	}
}

// TestEvictionDuringWritesAndFills runs writers, readers (with fills) and eviction rounds at
// once; after the writes stop, every key equals the table.
func TestEvictionDuringWritesAndFills(t *testing.T) {
	e := open(t, weir.Options{Domains: 2, MemoryLimit: 4 << 10})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, g INT, v INT)")
	byG := mustRegister(t, e, "by_g", "SELECT id, v FROM t WHERE g = ? ORDER BY id")
	sums := mustRegister(t, e, "sums", "SELECT g, SUM(v) AS s FROM t WHERE g = ? GROUP BY g")
	const groups = 40
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// The writers go on past their 400 statements until a round has evicted something, so
	// evictions always overlap writes and fills however the goroutines are scheduled.
	evicted := make(chan struct{})
	var last [2]weir.Token
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50_000; i++ {
				if i >= 400 {
					select {
					case <-evicted:
						return
					default:
					}
				}
				id := w*100_000 + i
				res, err := e.Exec(ctx, "INSERT INTO t VALUES (?, ?, ?)", id, id%groups, i)
				if err == nil && i%5 == 0 {
					res, err = e.Exec(ctx, "UPDATE t SET v = v + 1, g = ? WHERE id = ?", (id+1)%groups, id-5)
				}
				if err != nil {
					t.Error(err)
					return
				}
				last[w] = res.Token
			}
		}(w)
	}
	var bg sync.WaitGroup
	var freed int64
	bg.Add(2)
	go func() {
		defer bg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := byG.Lookup(ctx, i%groups); err != nil {
				t.Error(err)
				return
			}
			if _, err := sums.Lookup(ctx, (i*7)%groups); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			n, err := e.Evict(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if freed == 0 && n > 0 {
				close(evicted)
			}
			freed += n
		}
	}()
	wg.Wait()
	close(stop)
	bg.Wait()
	if freed == 0 {
		t.Fatal("no eviction happened: the test exercised nothing")
	}
	tok := max(last[0], last[1])
	rows, err := e.TableRows(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	members := map[int64][]dataflow.Row{}
	sum := map[int64]int64{}
	for _, r := range rows {
		g := r[1].RawInt()
		members[g] = append(members[g], r)
		sum[g] += r[2].RawInt()
	}
	for g := int64(0); g < groups; g++ {
		ms := members[g]
		slices.SortFunc(ms, func(a, b dataflow.Row) int { return cmp.Compare(a[0].RawInt(), b[0].RawInt()) })
		var want []string
		for _, m := range ms {
			want = append(want, fmt.Sprintf("%d|%d", m[0].RawInt(), m[2].RawInt()))
		}
		r, err := byG.LookupAfter(ctx, tok, g)
		wantRows(t, r, err, want...)
		r, err = sums.LookupAfter(ctx, tok, g)
		if len(ms) == 0 {
			wantRows(t, r, err)
		} else {
			wantRows(t, r, err, fmt.Sprintf("%d|%d", g, sum[g]))
		}
	}
}

// TestUpqueriesInFlightAreBounded: with one fill allowed at a time, many concurrent misses
// on different keys all complete, each with the right rows.
func TestUpqueriesInFlightAreBounded(t *testing.T) {
	e := open(t, weir.Options{MaxUpqueries: 1})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, g INT)")
	var tok weir.Token
	for i := 0; i < 200; i++ {
		tok = mustExec(t, e, "INSERT INTO t VALUES (?, ?)", i, i%20).Token
	}
	v := mustRegister(t, e, "by_g", "SELECT COUNT(*) AS n FROM t WHERE g = ?")
	var wg sync.WaitGroup
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for g := 0; g < 25; g++ {
				rows, err := v.LookupAfter(ctx, tok, (g+r)%25)
				want := "10"
				if (g+r)%25 >= 20 {
					want = "0"
				}
				if err != nil || rows.Len() != 1 || rows.Row(0)[0].ToText() != want {
					t.Errorf("g=%d: %v %v", (g+r)%25, err, rows)
					return
				}
			}
		}(r)
	}
	wg.Wait()
	if st := v.Stats(); st.Misses < 25 {
		t.Fatalf("stats = %+v: the view did not fill", st)
	}
}

// TestWriteLagProbes: the engine probes how long acknowledged writes take to become visible,
// and reports the probes as a cumulative histogram.
func TestWriteLagProbes(t *testing.T) {
	e := open(t, weir.Options{})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY)")
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; e.WriteLag().Count < 3; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("no lag probes after 10s: %+v", e.WriteLag())
		}
		mustExec(t, e, "INSERT INTO t VALUES (?)", i)
	}
	st := e.WriteLag()
	if len(st.Buckets) != len(weir.LagBuckets) || st.Buckets[len(st.Buckets)-1] > st.Count {
		t.Fatalf("buckets %v for %d probes", st.Buckets, st.Count)
	}
	for i := 1; i < len(st.Buckets); i++ {
		if st.Buckets[i] < st.Buckets[i-1] {
			t.Fatalf("buckets not cumulative: %v", st.Buckets)
		}
	}
}

// TestClosedEngineErrorsMatchErrClosed: whichever layer notices that the engine is closed
// (the engine itself, or the dataflow runtime under a fill), the error is ErrClosed under
// errors.Is and carries MySQL's 1053. A fill's upquery used to fail with the dataflow's own
// "engine closed" error, which matched nothing, or wait out the read timeout.
func TestClosedEngineErrorsMatchErrClosed(t *testing.T) {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{MemoryLimit: -1, ReadTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	v := mustRegister(t, e, "by_id", "SELECT v FROM t WHERE id = ?")
	stmt, err := e.Prepare("SELECT v FROM t WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"Lookup of a hole": func() error { _, err := v.Lookup(ctx, 7); return err }(),
		"TryLookup":        func() error { _, _, err := v.TryLookup(ctx, 7); return err }(),
		"Stmt.Query":       func() error { _, err := stmt.Query(ctx, 7); return err }(),
		"Exec":             func() error { _, err := e.Exec(ctx, "INSERT INTO t VALUES (1, 1)"); return err }(),
		"Register":         func() error { _, err := e.Register(ctx, "other", "SELECT id FROM t WHERE v = ?"); return err }(),
	} {
		if !errors.Is(err, weir.ErrClosed) {
			t.Errorf("%s on a closed engine: %v, want weir.ErrClosed", what, err)
		}
		if code, state, _ := weir.ErrorCode(err); err != nil && (code != 1053 || state != "08S01") {
			t.Errorf("%s on a closed engine: code %d %s, want 1053 08S01", what, code, state)
		}
	}
}

// TestRegisterCancelledDuringBackfillLeavesNoNodes: a registration whose caller gives up
// while its new full nodes are being computed fails with the context's error and takes
// those nodes out again. Left in the graph they would hold incomplete state for the next
// registration of the same shape to share, and queue every later delta forever.
func TestRegisterCancelledDuringBackfillLeavesNoNodes(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, g INT)")
	mustExec(t, e, "INSERT INTO t VALUES (1, 1), (2, 1), (3, 2)")
	before, err := e.Graph()
	if err != nil {
		t.Fatal(err)
	}
	const byCount = "SELECT n, COUNT(*) FROM (SELECT g, COUNT(*) AS n FROM t GROUP BY g) c GROUP BY n"
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Register(cancelled, "by_count", byCount); !errors.Is(err, context.Canceled) {
		t.Fatalf("registration with a cancelled context: %v, want context.Canceled", err)
	}
	if after, _ := e.Graph(); after != before {
		t.Fatalf("a cancelled registration left nodes behind:\n%s\nwant:\n%s", after, before)
	}
	res := mustExec(t, e, "INSERT INTO t VALUES (4, 2), (5, 3)")
	v := mustRegister(t, e, "by_count", byCount)
	rows, err := v.LookupAfter(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for i := range rows.Len() {
		n, _ := rows.Row(i)[0].ToInt()
		c, _ := rows.Row(i)[1].ToInt()
		got[n] = c
	}
	if len(got) != 2 || got[2] != 2 || got[1] != 1 {
		t.Fatalf("groups by size after the retry: %v, want 2 groups of 2 and 1 of 1", got)
	}
}
