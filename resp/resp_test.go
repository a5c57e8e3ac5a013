package resp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/httpapi"
)

// testCtx bounds a test's calls: a hang fails the test instead of the run.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func openEngine(t *testing.T, opts weir.Options) *weir.Engine {
	t.Helper()
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func exec(t *testing.T, e *weir.Engine, sql string, args ...any) weir.Result {
	t.Helper()
	res, err := e.Exec(testCtx(t), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func register(t *testing.T, e *weir.Engine, name, sql string) {
	t.Helper()
	if _, err := e.Register(testCtx(t), name, sql); err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
}

const trickyTitle = "He said \"hi\" — ünïcødé ✓ \\ tab\t<b>&</b> \u2028 😀"

// newsEngine opens an engine with articles and the caches the tests read. Nothing has been
// read from the caches yet: every first read of a key is a miss that fills.
func newsEngine(t *testing.T) *weir.Engine {
	t.Helper()
	e := openEngine(t, weir.Options{})
	exec(t, e, `CREATE TABLE article (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(200),
		url VARCHAR(200), price DECIMAL(10,2), published DATETIME(3), big BIGINT UNSIGNED)`)
	exec(t, e, "INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?)",
		1, 1, trickyTitle, `https://example.com:8080/a\b`, "9.90", "2026-11-01 10:00:00.123", uint64(math.MaxUint64))
	exec(t, e, "INSERT INTO article VALUES (2, 1, NULL, NULL, NULL, NULL, NULL)")
	res := exec(t, e, "INSERT INTO article VALUES (3, 2, 'plain', 'x', '-0.05', '1999-12-31 23:59:59', 7)")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	register(t, e, "by_author", `SELECT id, title, price, published, big FROM article WHERE author = ? ORDER BY id`)
	register(t, e, "article", "SELECT id, title FROM article WHERE id = ?")
	register(t, e, "by_url", "SELECT id FROM article WHERE url = ?")
	register(t, e, "by_author_title", "SELECT id FROM article WHERE author = ? AND title = ?")
	register(t, e, "article_count", "SELECT COUNT(*) AS n FROM article")
	register(t, e, "priced_above", "SELECT id FROM article WHERE author = ? AND price > ? ORDER BY price DESC")
	return e
}

// startServer serves e over RESP on a free loopback port and returns the address.
func startServer(t *testing.T, e *weir.Engine, cfg Config) (*Server, string) {
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
			t.Errorf("Serve: %v", err)
		}
	})
	return s, ln.Addr().String()
}

// client is a go-redis client of addr speaking the given protocol version (2 or 3).
func client(t *testing.T, addr string, proto int, opts ...func(*redis.Options)) *redis.Client {
	t.Helper()
	o := &redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1}
	for _, f := range opts {
		f(o)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// httpBody reads a view through httpapi, the reference for the JSON of a read.
func httpBody(t *testing.T, e *weir.Engine, view string, params ...string) string {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(e, httpapi.Config{}))
	defer srv.Close()
	q := url.Values{}
	for i, p := range params {
		q.Set(fmt.Sprintf("p%d", i+1), p)
	}
	resp, err := http.Get(srv.URL + "/v1/views/" + view + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP read of %s %v: %d %s", view, params, resp.StatusCode, body)
	}
	return string(body)
}

func TestGetIsTheHTTPJSON(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			rc := client(t, addr, proto)
			ctx := testCtx(t)
			for _, tc := range []struct {
				view   string
				params []string
			}{
				{"by_author", []string{"1"}},
				{"by_author", []string{"2"}},
				{"by_author", []string{"99"}}, // no rows: the empty result, not nil
				{"article", []string{"1"}},
				{"article_count", nil},
				{"by_author_title", []string{"2", "plain"}},
			} {
				got, err := rc.Get(ctx, Key(tc.view, tc.params...)).Result()
				if err != nil {
					t.Fatalf("GET %s: %v", Key(tc.view, tc.params...), err)
				}
				want := strings.TrimSuffix(httpBody(t, e, tc.view, tc.params...), "\n")
				if got != want {
					t.Errorf("GET %s:\n got %s\nwant %s", Key(tc.view, tc.params...), got, want)
				}
				if !json.Valid([]byte(got)) {
					t.Errorf("GET %s: not JSON: %s", Key(tc.view, tc.params...), got)
				}
			}
		})
	}
}

// rowsOf decodes a GET's value into its rows.
func rowsOf(t *testing.T, value string) []map[string]any {
	t.Helper()
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(value), &doc); err != nil {
		t.Fatalf("%s: %v", value, err)
	}
	return doc.Rows
}

// TestGetRange: a range bound is a key part like any other parameter, in the text's order.
func TestGetRange(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 2)
	for key, want := range map[string]int{
		"priced_above:1:0":    1, // article 1 (9.90); article 2 has a NULL price
		"priced_above:1:9.9":  0,
		"priced_above:2:-1":   1,
		"priced_above:2:0":    0,
		"priced_above:1:-100": 1,
	} {
		v, err := rc.Get(testCtx(t), key).Result()
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		if rows := rowsOf(t, v); len(rows) != want {
			t.Errorf("GET %s: %v, want %d rows", key, rows, want)
		}
	}
}

func TestMGet(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			rc := client(t, addr, proto)
			vals, err := rc.MGet(testCtx(t), "article:1", "nope:1", "article:abc", "article:3", "article", "article:1:2", "article:404").Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(vals) != 7 {
				t.Fatalf("MGET: %d values, want 7", len(vals))
			}
			for i, want := range []any{1.0, nil, nil, 3.0, nil, nil, "empty"} {
				switch want {
				case nil:
					if vals[i] != nil {
						t.Errorf("value %d: %v, want nil", i, vals[i])
					}
				case "empty":
					if rows := rowsOf(t, vals[i].(string)); len(rows) != 0 {
						t.Errorf("value %d: %v, want no rows", i, rows)
					}
				default:
					s, ok := vals[i].(string)
					if !ok {
						t.Fatalf("value %d: %v, want a string", i, vals[i])
					}
					if rows := rowsOf(t, s); len(rows) != 1 || rows[0]["id"] != want {
						t.Errorf("value %d: %v, want id %v", i, rows, want)
					}
				}
			}
		})
	}
}

func TestKeyEscaping(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 3)
	ctx := testCtx(t)
	url := `https://example.com:8080/a\b`
	key := Key("by_url", url)
	if want := `by_url:https\://example.com\:8080/a\\b`; key != want {
		t.Fatalf("Key = %s, want %s", key, want)
	}
	got, err := rc.Get(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["id"] != 1.0 {
		t.Errorf("GET %s: %v, want article 1", key, rows)
	}
	// Without escapes the ':' separate parameters: the cache takes one.
	_, err = rc.Get(ctx, "by_url:https://example.com:8080/a").Result()
	if err == nil || !strings.Contains(err.Error(), "cache by_url takes 1 parameter, the key has 3") {
		t.Errorf("unescaped key: %v", err)
	}
	// A title with both, in a two-parameter cache.
	got, err = rc.Get(ctx, Key("by_author_title", "1", trickyTitle)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["id"] != 1.0 {
		t.Errorf("tricky title: %v, want article 1", rows)
	}
	// An empty string parameter is a parameter.
	got, err = rc.Get(ctx, "by_author_title:1:").Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsOf(t, got); len(rows) != 0 {
		t.Errorf("empty title: %v, want no rows", rows)
	}
}

func TestGetErrors(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 2)
	ctx := testCtx(t)
	for key, want := range map[string]string{
		"nope:1":            "ERR no such cache 'nope' (key 'nope:1'); caches are made by CREATE CACHE and listed by WEIR.CACHES",
		"article":           "ERR key 'article': cache article takes 1 parameter, the key has 0: 'article:<p1>' (escape ':' in a parameter as '\\:')",
		"by_author_title:1": "ERR key 'by_author_title:1': cache by_author_title takes 2 parameters, the key has 1: 'by_author_title:<p1>:<p2>' (escape ':' in a parameter as '\\:')",
		"article_count:1":   "ERR key 'article_count:1': cache article_count takes no parameters: its key is 'article_count'",
		"article:abc":       `ERR key 'article:abc': parameter 1: "abc" is not a number (the key column is INT)`,
		`article:1\n`:       `ERR key 'article:1\n': '\n' at byte 10 is no escape: only '\:' and '\\' are`,
		`article:1\`:        `ERR key 'article:1\': ends in a lone '\' (write '\\' for a backslash)`,
	} {
		_, err := rc.Get(ctx, key).Result()
		if err == nil || err.Error() != want {
			t.Errorf("GET %s:\n got %v\nwant %s", key, err, want)
		}
	}
	// Case does not matter in cache names, as in SQL.
	if _, err := rc.Get(ctx, "ARTICLE:1").Result(); err != nil {
		t.Errorf("GET ARTICLE:1: %v", err)
	}
	if err := rc.Do(ctx, "GET").Err(); err == nil || err.Error() != "ERR wrong number of arguments for 'get' command" {
		t.Errorf("GET without a key: %v", err)
	}
}

func TestWritesRefused(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 3)
	ctx := testCtx(t)
	err := rc.Set(ctx, "article:1", "x", 0).Err()
	want := "ERR Weir caches are read-only over RESP: SET is not supported; write through SQL (MySQL protocol) or the Go API"
	if err == nil || err.Error() != want {
		t.Errorf("SET:\n got %v\nwant %s", err, want)
	}
	for cmd, c := range map[string]redis.Cmder{
		"DEL":      rc.Del(ctx, "article:1"),
		"INCR":     rc.Incr(ctx, "n"),
		"EXPIRE":   rc.Expire(ctx, "article:1", time.Second),
		"FLUSHALL": rc.FlushAll(ctx),
		"HSET":     rc.HSet(ctx, "h", "f", "v"),
	} {
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), "read-only over RESP: "+cmd+" is not supported") {
			t.Errorf("%s: %v", cmd, err)
		}
	}
	err = rc.Do(ctx, "FROB", "a", "b").Err()
	if want := "ERR unknown command 'FROB', with args beginning with: 'a' 'b' "; err == nil || err.Error() != want {
		t.Errorf("unknown command:\n got %v\nwant %s", err, want)
	}
	// The connection goes on after errors.
	if err := rc.Ping(ctx).Err(); err != nil {
		t.Errorf("PING after errors: %v", err)
	}
}

// TestReadYourWrites writes through the Go API and reads through go-redis with the write's
// token: the read sees the write, for a key read before (an update) and a key not (a fill).
func TestReadYourWrites(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 3, func(o *redis.Options) { o.PoolSize = 4 })
	ctx := testCtx(t)
	// A miss fills: nothing read article 3 before.
	got, err := rc.Get(ctx, "article:3").Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["title"] != "plain" {
		t.Fatalf("article 3: %v", rows)
	}
	for i := range 20 {
		title := fmt.Sprintf("title %d", i)
		res := exec(t, e, "UPDATE article SET title = ? WHERE id = 3", title)
		got, err := rc.Do(ctx, "WEIR.GETAFTER", uint64(res.Token), "article:3").Text()
		if err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["title"] != title {
			t.Fatalf("after write %d (token %d): %v", i, res.Token, rows)
		}
		// A key not read yet, after an insert.
		id := 100 + i
		res = exec(t, e, "INSERT INTO article VALUES (?, 3, ?, NULL, NULL, NULL, NULL)", id, title)
		vals, err := rc.Do(ctx, "WEIR.MGETAFTER", uint64(res.Token), fmt.Sprintf("article:%d", id), "by_author:3").StringSlice()
		if err != nil {
			t.Fatal(err)
		}
		if rows := rowsOf(t, vals[0]); len(rows) != 1 || rows[0]["title"] != title {
			t.Fatalf("new article %d: %v", id, rows)
		}
		if rows := rowsOf(t, vals[1]); len(rows) != i+1 {
			t.Fatalf("by_author:3 after %d inserts: %d rows", i+1, len(rows))
		}
	}
	if err := rc.Do(ctx, "WEIR.GETAFTER", "x", "article:3").Err(); err == nil || !strings.Contains(err.Error(), "not a write token") {
		t.Errorf("bad token: %v", err)
	}
}

func TestAuth(t *testing.T) {
	e := newsEngine(t)
	users := map[string]string{"root": "secret", "alice": "wonderland"}
	_, addr := startServer(t, e, Config{Users: users, DefaultUser: "root"})
	ctx := testCtx(t)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			// No password: every command but AUTH, HELLO and QUIT is refused.
			anon := client(t, addr, proto)
			if err := anon.Get(ctx, "article:1").Err(); err == nil || err.Error() != "NOAUTH Authentication required." {
				t.Errorf("GET without AUTH: %v", err)
			}
			if err := anon.Ping(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOAUTH") {
				t.Errorf("PING without AUTH: %v", err)
			}
			// The default user's password; a named user; a wrong one.
			for _, tc := range []struct {
				user, pass string
				ok         bool
			}{
				{"", "secret", true},
				{"root", "secret", true},
				{"alice", "wonderland", true},
				{"", "wrong", false},
				{"alice", "secret", false},
				{"mallory", "secret", false},
			} {
				rc := client(t, addr, proto, func(o *redis.Options) { o.Username, o.Password = tc.user, tc.pass })
				err := rc.Get(ctx, "article:1").Err()
				if tc.ok && err != nil {
					t.Errorf("%s/%s: %v", tc.user, tc.pass, err)
				}
				if !tc.ok && (err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS")) {
					t.Errorf("%s/%s: %v, want WRONGPASS", tc.user, tc.pass, err)
				}
			}
		})
	}
	// AUTH on a connection, by hand.
	c := dial(t, addr)
	c.send(t, "GET article:1\r\n")
	c.expect(t, "-NOAUTH Authentication required.\r\n")
	c.send(t, "AUTH nope\r\n")
	c.expect(t, "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
	c.send(t, "AUTH secret\r\nCLIENT INFO\r\n")
	c.expect(t, "+OK\r\n")
	if line := c.bulk(t); !strings.Contains(line, " user=root ") {
		t.Errorf("CLIENT INFO after AUTH: %s", line)
	}
	// Users without passwords: no AUTH needed, and AUTH <password> is an error as in Redis.
	_, open := startServer(t, e, Config{})
	c = dial(t, open)
	c.send(t, "AUTH x\r\n")
	c.expect(t, "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n")
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		users map[string]string
		ok    bool
	}{
		{"127.0.0.1:6380", nil, true},
		{"localhost:6380", map[string]string{"root": ""}, true},
		{"[::1]:6380", map[string]string{"root": ""}, true},
		{"0.0.0.0:6380", map[string]string{"root": ""}, false},
		{"10.0.0.1:6380", nil, false},
		{"0.0.0.0:6380", map[string]string{"root": "x", "app": ""}, false},
		{"0.0.0.0:6380", map[string]string{"root": "x", "app": "y"}, true},
	} {
		err := CheckListen(tc.addr, tc.users)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInsecure)) {
			t.Errorf("CheckListen(%s, %v) = %v, want ok %v", tc.addr, tc.users, err, tc.ok)
		}
	}
	// Serve itself refuses too.
	s, err := New(openEngine(t, weir.Options{}), Config{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skip(err)
	}
	if err := s.Serve(ln); !errors.Is(err, ErrInsecure) {
		t.Errorf("Serve on 0.0.0.0 without passwords: %v", err)
	}
}

func TestChatter(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	ctx := testCtx(t)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			rc := client(t, addr, proto, func(o *redis.Options) { o.ClientName = "reader"; o.PoolSize = 1 })
			check := func(what string, got, want any, err error) {
				t.Helper()
				if err != nil {
					t.Errorf("%s: %v", what, err)
					return
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			s, err := rc.Ping(ctx).Result()
			check("PING", s, "PONG", err)
			s, err = rc.Do(ctx, "PING", "hi").Text()
			check("PING hi", s, "hi", err)
			s, err = rc.Echo(ctx, "echo").Result()
			check("ECHO", s, "echo", err)
			s, err = rc.ClientGetName(ctx).Result()
			check("CLIENT GETNAME", s, "reader", err)
			id, err := rc.ClientID(ctx).Result()
			check("CLIENT ID > 0", id > 0, true, err)
			info, err := rc.ClientInfo(ctx).Result()
			if err != nil {
				t.Errorf("CLIENT INFO: %v", err)
			} else {
				check("CLIENT INFO name", info.Name, "reader", nil)
				check("CLIENT INFO lib-name", strings.HasPrefix(info.LibName, "go-redis("), true, nil)
				check("CLIENT INFO resp", info.Resp, proto, nil)
			}
			list, err := rc.ClientList(ctx).Result()
			check("CLIENT LIST has this client", strings.Contains(list, "name=reader"), true, err)
			s, err = rc.Do(ctx, "SELECT", 0).Text()
			check("SELECT 0", s, "OK", err)
			err = rc.Do(ctx, "SELECT", 1).Err()
			check("SELECT 1 fails", err != nil && strings.Contains(err.Error(), "DB index is out of range"), true, nil)
			n, err := rc.Do(ctx, "COMMAND", "COUNT").Int()
			check("COMMAND COUNT", n, len(commandSpecs), err)
			cmds, err := rc.Command(ctx).Result()
			check("COMMAND has get", cmds["get"] != nil && cmds["get"].Arity == 2 && cmds["get"].ReadOnly, true, err)
			err = rc.Do(ctx, "COMMAND", "DOCS").Err()
			check("COMMAND DOCS", err, nil, nil)
			cfg, err := rc.ConfigGet(ctx, "save").Result()
			check("CONFIG GET save", cfg, map[string]string{"save": ""}, err)
			cfg, err = rc.ConfigGet(ctx, "append*").Result()
			check("CONFIG GET append*", cfg, map[string]string{"appendonly": "no"}, err)
			err = rc.ConfigSet(ctx, "maxmemory", "1").Err()
			check("CONFIG SET fails", err != nil && strings.Contains(err.Error(), "not supported"), true, nil)
			s, err = rc.Info(ctx).Result()
			check("INFO", strings.Contains(s, "redis_version:"+redisVersion) && strings.Contains(s, "cache_article:"), true, err)
			s, err = rc.Info(ctx, "clients").Result()
			check("INFO clients", strings.HasPrefix(s, "# Clients\r\n") && !strings.Contains(s, "# Server"), true, err)
			size, err := rc.DBSize(ctx).Result()
			check("DBSIZE >= 0", size >= 0, true, err)
			tm, err := rc.Time(ctx).Result()
			check("TIME", time.Since(tm).Abs() < time.Hour, true, err)
			hello, err := rc.Do(ctx, "HELLO", proto).Result()
			if err != nil {
				t.Errorf("HELLO: %v", err)
			} else {
				var fields map[any]any
				switch h := hello.(type) {
				case map[any]any:
					fields = h
				case []any:
					fields = map[any]any{}
					for i := 0; i+1 < len(h); i += 2 {
						fields[h[i]] = h[i+1]
					}
				}
				check("HELLO proto", fields["proto"], proto, nil)
				check("HELLO server", fields["server"], "weir", nil)
			}
			err = rc.Do(ctx, "HELLO", 4).Err()
			check("HELLO 4", fmt.Sprint(err), "NOPROTO unsupported protocol version", nil)
			caches, err := rc.Do(ctx, "WEIR.CACHES").Slice()
			check("WEIR.CACHES", len(caches), len(e.Views()), err)
		})
	}
}

// conn is a raw protocol connection for tests that go below go-redis.
type rawConn struct {
	net.Conn
	buf []byte
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return &rawConn{Conn: c}
}

func (c *rawConn) send(t *testing.T, s string) {
	t.Helper()
	if _, err := c.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

// readN reads exactly n bytes.
func (c *rawConn) readN(t *testing.T, n int) string {
	t.Helper()
	for len(c.buf) < n {
		b := make([]byte, 4096)
		m, err := c.Read(b)
		c.buf = append(c.buf, b[:m]...)
		if err != nil && len(c.buf) < n {
			t.Fatalf("reading: %v (have %q)", err, c.buf)
		}
	}
	s := string(c.buf[:n])
	c.buf = c.buf[n:]
	return s
}

// line reads up to and including the next "\r\n".
func (c *rawConn) line(t *testing.T) string {
	t.Helper()
	for {
		if i := strings.Index(string(c.buf), "\r\n"); i >= 0 {
			return c.readN(t, i+2)
		}
		b := make([]byte, 4096)
		m, err := c.Read(b)
		c.buf = append(c.buf, b[:m]...)
		if err != nil {
			t.Fatalf("reading a line: %v (have %q)", err, c.buf)
		}
	}
}

func (c *rawConn) expect(t *testing.T, want string) {
	t.Helper()
	if got := c.readN(t, len(want)); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// bulk reads a bulk string reply.
func (c *rawConn) bulk(t *testing.T) string {
	t.Helper()
	hdr := c.line(t)
	var n int
	if _, err := fmt.Sscanf(hdr, "$%d\r\n", &n); err != nil {
		t.Fatalf("not a bulk string: %q", hdr)
	}
	s := c.readN(t, n+2)
	return s[:n]
}

// closed reports whether the server closed the connection: the next read ends, with EOF
// or, when the server closed before reading everything the test sent, a reset.
func (c *rawConn) closed(t *testing.T) bool {
	t.Helper()
	b := make([]byte, 1)
	_, err := c.Read(b)
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// TestCacheRecreated: a connection that read a cache notices when it is dropped, and
// reads the cache created again under the same name, with other parameters.
func TestCacheRecreated(t *testing.T) {
	e := newsEngine(t)
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 3, func(o *redis.Options) { o.PoolSize = 1 })
	ctx := testCtx(t)
	register(t, e, "x", "SELECT id FROM article WHERE id = ?")
	if got, err := rc.Get(ctx, "x:1").Result(); err != nil || len(rowsOf(t, got)) != 1 {
		t.Fatalf("GET x:1 = %s, %v", got, err)
	}
	if err := e.Unregister(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if err := rc.Get(ctx, "x:1").Err(); err == nil || !strings.Contains(err.Error(), "no such cache 'x'") {
		t.Errorf("GET of a dropped cache: %v", err)
	}
	register(t, e, "x", "SELECT id FROM article WHERE id = ?")
	if got, err := rc.Get(ctx, "x:1").Result(); err != nil || len(rowsOf(t, got)) != 1 {
		t.Fatalf("GET x:1 of the new cache = %s, %v", got, err)
	}
	if err := e.Unregister(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	register(t, e, "x", "SELECT title FROM article WHERE author = ? AND id = ?")
	got, err := rc.Get(ctx, "x:2:3").Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows := rowsOf(t, got); len(rows) != 1 || rows[0]["title"] != "plain" {
		t.Errorf("GET x:2:3 of the cache created again: %v", rows)
	}
}

// TestTokenNeverReached: a token no write returned yet fails after the read timeout.
func TestTokenNeverReached(t *testing.T) {
	e := openEngine(t, weir.Options{ReadTimeout: 50 * time.Millisecond})
	exec(t, e, "CREATE TABLE t (id INT PRIMARY KEY)")
	register(t, e, "t", "SELECT id FROM t WHERE id = ?")
	_, addr := startServer(t, e, Config{})
	rc := client(t, addr, 2)
	ctx := testCtx(t)
	for _, args := range [][]any{{"WEIR.GETAFTER", uint64(1) << 60, "t:1"}, {"WEIR.MGETAFTER", uint64(1) << 60, "t:1", "t:2"}} {
		err := rc.Do(ctx, args...).Err()
		if err == nil || !strings.Contains(err.Error(), "time") {
			t.Errorf("%v: %v, want a timeout", args, err)
		}
		t.Logf("%v: %v", args, err)
	}
}

func TestMetrics(t *testing.T) {
	e := newsEngine(t)
	reg := prometheus.NewRegistry()
	_, addr := startServer(t, e, Config{Registry: reg})
	rc := client(t, addr, 3, func(o *redis.Options) { o.PoolSize = 1 })
	ctx := testCtx(t)
	for range 5 {
		if err := rc.Get(ctx, "article:1").Err(); err != nil {
			t.Fatal(err)
		}
	}
	_ = rc.MGet(ctx, "article:1", "nope:1").Err()
	_ = rc.Set(ctx, "a", "b", 0).Err()
	_ = rc.Get(ctx, "nope:1").Err()
	// The counts are added once a batch of commands is answered: one more round trip makes
	// sure the last batch's are in.
	if err := rc.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "{" + l.GetValue() + "}"
			}
			switch {
			case m.Counter != nil:
				got[name] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[name] = m.Gauge.GetValue()
			}
		}
	}
	for name, want := range map[string]float64{
		"weir_resp_commands_total{get}":        6,
		"weir_resp_commands_total{mget}":       1,
		"weir_resp_commands_total{write}":      1,
		"weir_resp_command_errors_total":       3, // the nil key of the MGET, SET, GET nope:1
		"weir_resp_connections":                1,
		"weir_resp_connections_total":          1,
		"weir_resp_rejected_connections_total": 0,
	} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
}
