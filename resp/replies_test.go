package resp

import (
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestReplyReuseAfterWrites: a connection that keeps the reply of a key it read answers
// with the new rows after every write to the key, with the write's token and without it once
// the write is visible, and the reply is the HTTP API's JSON each time.
func TestReplyReuseAfterWrites(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 2, func(o *redis.Options) { o.PoolSize = 1 }) // one connection
	ctx := testCtx(t)
	get := func(key string) string {
		t.Helper()
		got, err := rc.Get(ctx, key).Result()
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		return got
	}
	for range 3 { // the first read encodes, the others reuse
		if got, want := get("article:3"), httpBody(t, e, "article", "3"); got+"\n" != want {
			t.Fatalf("GET article:3:\n got %s\nwant %s", got, want)
		}
	}
	for i := range 20 {
		title := fmt.Sprintf("title %d", i)
		res := exec(t, e, "UPDATE article SET title = ? WHERE id = 3", title)
		got, err := rc.Do(ctx, "WEIR.GETAFTER", uint64(res.Token), "article:3").Text()
		if err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["title"] != title {
			t.Fatalf("GETAFTER write %d: %v", i, rows)
		}
		// The same key again (its reply kept), then written again and read without the
		// token once the write is visible.
		if again := get("article:3"); again != got {
			t.Fatalf("GET after GETAFTER:\n got %s\nwant %s", again, got)
		}
		res = exec(t, e, "UPDATE article SET title = ? WHERE id = 3", title+"'")
		if err := e.WaitFor(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, get("article:3")); len(rows) != 1 || rows[0]["title"] != title+"'" {
			t.Fatalf("GET after write %d was visible: %v", i, rows)
		}
		// A key that becomes empty, and one that has rows again.
		res = exec(t, e, "DELETE FROM article WHERE id = 2")
		if err := e.WaitFor(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, get("article:2")); len(rows) != 0 {
			t.Fatalf("article:2 deleted: %v", rows)
		}
		res = exec(t, e, "INSERT INTO article VALUES (2, 1, ?, NULL, NULL, NULL, NULL)", title)
		if err := e.WaitFor(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, get("article:2")); len(rows) != 1 || rows[0]["title"] != title {
			t.Fatalf("article:2 inserted again: %v", rows)
		}
	}
}

// TestReplyReuseAfterEviction: a key evicted and written while it is a hole is filled again
// by the next GET, whose reply has the write, never the reply kept from before.
func TestReplyReuseAfterEviction(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 3, func(o *redis.Options) { o.PoolSize = 1 })
	ctx := testCtx(t)
	v, err := e.View("by_author")
	if err != nil {
		t.Fatal(err)
	}
	misses := func() int64 { return v.Stats().Misses }
	before, err := rc.Get(ctx, "by_author:2").Result()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := v.Evict(ctx, 2); err != nil {
			t.Fatal(err)
		}
		m := misses()
		got, err := rc.Get(ctx, "by_author:2").Result()
		if err != nil {
			t.Fatal(err)
		}
		if got != before {
			t.Fatalf("round %d: after an eviction:\n got %s\nwant %s", i, got, before)
		}
		if misses() != m+1 {
			t.Fatalf("round %d: the GET after the eviction did not fill the key (%d misses, %d before)", i, misses(), m)
		}
		if err := v.Evict(ctx, 2); err != nil {
			t.Fatal(err)
		}
		// The write changes the key's one row: as many rows as before, other values.
		title := fmt.Sprintf("while evicted %d", i)
		res := exec(t, e, "UPDATE article SET title = ? WHERE id = 3", title)
		if err := e.WaitFor(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		got, err = rc.Get(ctx, "by_author:2").Result()
		if err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["title"] != title {
			t.Fatalf("round %d: GET after an eviction and a write: %s", i, got)
		}
		before = got
	}
}

// TestReplyReuseManyKeys: replies kept for some keys never answer others, whatever slots
// they share: every GET of a connection reading many keys of a few caches in turn is the
// HTTP API's JSON of its own key.
func TestReplyReuseManyKeys(t *testing.T) {
	e := newsEngine(t)
	for id := 10; id < 40; id++ {
		exec(t, e, "INSERT INTO article VALUES (?, ?, ?, NULL, NULL, NULL, NULL)", id, id%4, fmt.Sprintf("article %d", id))
	}
	res := exec(t, e, "INSERT INTO article VALUES (40, 9, 'last', NULL, NULL, NULL, NULL)")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 2, func(o *redis.Options) { o.PoolSize = 1 })
	ctx := testCtx(t)
	type read struct{ key, view, param string }
	var reads []read
	for id := 1; id <= 40; id++ {
		reads = append(reads, read{fmt.Sprintf("article:%d", id), "article", fmt.Sprint(id)})
	}
	for a := 0; a < 5; a++ {
		reads = append(reads, read{fmt.Sprintf("by_author:%d", a), "by_author", fmt.Sprint(a)})
	}
	reads = append(reads, read{"article:999", "article", "999"}, read{"article_count", "article_count", ""})
	want := map[string]string{}
	for _, r := range reads {
		var params []string
		if r.param != "" {
			params = []string{r.param}
		}
		body := httpBody(t, e, r.view, params...)
		want[r.key] = body[:len(body)-1] // without the final newline
	}
	for round := range 4 {
		for i := range reads {
			r := reads[(i*7+round)%len(reads)]
			got, err := rc.Get(ctx, r.key).Result()
			if err != nil {
				t.Fatal(err)
			}
			if got != want[r.key] {
				t.Fatalf("round %d, GET %s:\n got %s\nwant %s", round, r.key, got, want[r.key])
			}
		}
		keys := make([]string, 0, len(reads))
		for _, r := range reads {
			keys = append(keys, r.key)
		}
		vals, err := rc.MGet(ctx, keys...).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if vals[i] != want[k] {
				t.Fatalf("round %d, MGET's %s:\n got %v\nwant %s", round, k, vals[i], want[k])
			}
		}
	}
}
