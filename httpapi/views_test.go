package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

const trickyTitle = "He said \"hi\" — ünïcødé ✓ \\ tab\t<b>&</b> \u2028 😀"

// newsEngine opens an engine with articles and votes and the views the tests read.
func newsEngine(t *testing.T, opts weir.Options) *weir.Engine {
	t.Helper()
	e := openEngine(t, opts)
	exec(t, e, `CREATE TABLE article (id INT PRIMARY KEY, author INT NOT NULL, title VARCHAR(200),
		price DECIMAL(10,2), rating DOUBLE, published DATETIME(3), day DATE, big BIGINT UNSIGNED)`)
	exec(t, e, "CREATE TABLE vote (article_id INT, user_id INT, PRIMARY KEY (article_id, user_id))")
	exec(t, e, "INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		1, 1, trickyTitle, "9.90", 4.5, "2026-11-01 10:00:00.123", "2026-11-01", uint64(math.MaxUint64))
	exec(t, e, "INSERT INTO article VALUES (2, 1, NULL, NULL, NULL, NULL, NULL, NULL)")
	exec(t, e, "INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		3, 2, "plain", "-0.05", 1e-7, "1999-12-31 23:59:59", "1999-12-31", uint64(1<<53+1))
	res := exec(t, e, "INSERT INTO vote VALUES (1, 10), (1, 11), (3, 10)")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	register(t, e, "by_author", `SELECT id, title, price, rating, published, day, big
		FROM article WHERE author = ? ORDER BY id`)
	// Noria's vote query: a join over a COUNT, both kept only for the articles read.
	register(t, e, "votes", `SELECT a.id, a.title, COALESCE(vc.votes, 0) AS votes
		FROM article a LEFT JOIN (SELECT article_id, COUNT(user_id) AS votes FROM vote GROUP BY article_id) vc
		ON vc.article_id = a.id WHERE a.id = ?`)
	register(t, e, "by_title", "SELECT id FROM article WHERE title = ?")
	register(t, e, "by_big", "SELECT id FROM article WHERE big = ?")
	register(t, e, "by_price", "SELECT id FROM article WHERE price = ?")
	register(t, e, "by_day", "SELECT id FROM article WHERE day = ?")
	register(t, e, "by_author_title", "SELECT id FROM article WHERE author = ? AND title = ?")
	register(t, e, "article_count", "SELECT COUNT(*) AS n FROM article")
	register(t, e, "priced_between", "SELECT id FROM article WHERE author = ? AND price BETWEEN ? AND ? ORDER BY price DESC LIMIT ?")
	return e
}

func TestViewRows(t *testing.T) {
	e := newsEngine(t, weir.Options{})
	h := New(e, Config{})

	code, hdr, body := get(t, h, "/v1/views/by_author?p1=1")
	if code != http.StatusOK {
		t.Fatalf("by_author 1: %d %s", code, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	want := `{"view":"by_author","columns":[{"name":"id","type":"INT"},{"name":"title","type":"VARCHAR(200)"},` +
		`{"name":"price","type":"DECIMAL(10,2)"},{"name":"rating","type":"DOUBLE"},` +
		`{"name":"published","type":"DATETIME(3)"},{"name":"day","type":"DATE"},{"name":"big","type":"BIGINT UNSIGNED"}],` +
		`"rows":[{"id":1,"title":"He said \"hi\" — ünïcødé ✓ \\ tab\t<b>&</b> \u2028 😀","price":"9.90","rating":4.5,` +
		`"published":"2026-11-01 10:00:00.123","day":"2026-11-01","big":18446744073709551615},` +
		`{"id":2,"title":null,"price":null,"rating":null,"published":null,"day":null,"big":null}]}` + "\n"
	if body != want {
		t.Errorf("by_author 1:\n got %s\nwant %s", body, want)
	}
	rb := decodeRead(t, body)
	if got := rb.Rows[0]["title"]; got != trickyTitle {
		t.Errorf("title decodes as %q, want %q", got, trickyTitle)
	}
	if got := rb.Rows[0]["big"].(json.Number).String(); got != strconv.FormatUint(math.MaxUint64, 10) {
		t.Errorf("big = %s: not exact", got)
	}

	code, _, body = get(t, h, "/v1/views/by_author?p1=2")
	wantRow := `{"id":3,"title":"plain","price":"-0.05","rating":1e-7,"published":"1999-12-31 23:59:59.000",` +
		`"day":"1999-12-31","big":9007199254740993}`
	if code != http.StatusOK || !strings.Contains(body, `"rows":[`+wantRow+`]}`) {
		t.Errorf("by_author 2: %d %s\nwant the row %s", code, body, wantRow)
	}
	code, _, body = get(t, h, "/v1/views/by_author?p1=99")
	if code != http.StatusOK || !strings.HasSuffix(body, `"rows":[]}`+"\n") {
		t.Errorf("by_author 99: %d %s, want no rows", code, body)
	}

	// The join with a count, for several keys.
	for _, tc := range []struct {
		id, title string
		votes     int
	}{{"1", trickyTitle, 2}, {"3", "plain", 1}, {"2", "", 0}} {
		code, _, body := get(t, h, "/v1/views/votes?p1="+tc.id)
		if code != http.StatusOK {
			t.Fatalf("votes %s: %d %s", tc.id, code, body)
		}
		rb := decodeRead(t, body)
		if len(rb.Rows) != 1 {
			t.Fatalf("votes %s: %d rows, want 1: %s", tc.id, len(rb.Rows), body)
		}
		row := rb.Rows[0]
		if row["id"] != json.Number(tc.id) || row["votes"] != json.Number(strconv.Itoa(tc.votes)) {
			t.Errorf("votes %s: %s", tc.id, body)
		}
		if tc.title == "" && row["title"] != nil || tc.title != "" && row["title"] != tc.title {
			t.Errorf("votes %s: title %v, want %q", tc.id, row["title"], tc.title)
		}
	}
	if rb := decodeRead(t, body); rb.View != "by_author" || len(rb.Columns) != 7 || rb.Columns[2].Type != "DECIMAL(10,2)" {
		t.Errorf("header: %+v", rb)
	}
}

// TestViewParams checks how query parameters become lookup keys, by the key column's type.
func TestViewParams(t *testing.T) {
	e := newsEngine(t, weir.Options{})
	h := New(e, Config{})
	ids := func(target string) string {
		t.Helper()
		code, _, body := get(t, h, target)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, code, body)
		}
		var out []string
		for _, r := range decodeRead(t, body).Rows {
			out = append(out, r["id"].(json.Number).String())
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct{ target, want string }{
		{"/v1/views/by_title?p1=" + url.QueryEscape(trickyTitle), "1"},
		{"/v1/views/by_title?p1=PLAIN", "3"}, // MySQL's default collation ignores case
		{"/v1/views/by_title?p1=" + url.QueryEscape("'; DROP TABLE article; --"), ""},
		{"/v1/views/by_title?p1=", ""},
		// Exact above 2^53: a float64 would take 2^64-1 and 2^64-2 for one number.
		{"/v1/views/by_big?p1=18446744073709551615", "1"},
		{"/v1/views/by_big?p1=18446744073709551614", ""},
		{"/v1/views/by_big?p1=9007199254740993", "3"},
		{"/v1/views/by_big?p1=9007199254740992", ""},
		{"/v1/views/by_big?p1=-1", ""},
		{"/v1/views/by_big?p1=1e400", ""},
		// Decimals compare exactly, whatever the scale written.
		{"/v1/views/by_price?p1=9.9", "1"},
		{"/v1/views/by_price?p1=9.90", "1"},
		{"/v1/views/by_price?p1=9.901", ""},
		{"/v1/views/by_price?p1=-.05", "3"},
		{"/v1/views/votes?p1=1.0", "1"},
		{"/v1/views/votes?p1=1.5", ""},
		{"/v1/views/votes?p1=%2B3", "3"},
		{"/v1/views/by_day?p1=2026-11-01", "1"},
		{"/v1/views/by_day?p1=not-a-date", ""},
		{"/v1/views/by_author_title?p2=plain&p1=2", "3"},
		{"/v1/views/by_author_title?p1=1&p2=plain", ""},
		{"/v1/views/BY_AUTHOR?p1=2", "3"}, // view names are case-insensitive, as tables are
		// Range bounds are parameters like any other, in the text's order.
		{"/v1/views/priced_between?p1=1&p2=0&p3=10&p4=5", "1"},
		{"/v1/views/priced_between?p1=1&p2=9.9&p3=9.9&p4=5", "1"},
		{"/v1/views/priced_between?p1=1&p2=9.901&p3=10&p4=5", ""},
		{"/v1/views/priced_between?p1=2&p2=-1&p3=0&p4=5", "3"},
		{"/v1/views/priced_between?p1=2&p2=-1&p3=0&p4=0", ""},
	} {
		if got := ids(tc.target); got != tc.want {
			t.Errorf("%s: ids %q, want %q", tc.target, got, tc.want)
		}
	}
	code, _, body := get(t, h, "/v1/views/article_count")
	if code != http.StatusOK || !strings.Contains(body, `"rows":[{"n":3}]`) {
		t.Errorf("article_count: %d %s", code, body)
	}
}

func TestViewErrors(t *testing.T) {
	e := newsEngine(t, weir.Options{})
	h := New(e, Config{})
	for _, tc := range []struct {
		target string
		status int
		code   int
		state  string
		msg    string // a part of the message
	}{
		{"/v1/views/nope", 404, weir.ErrCodeNoSuchView, "42S02", "nope"},
		{"/v1/views/nope?p1=1", 404, weir.ErrCodeNoSuchView, "42S02", "nope"},
		{"/v1/views/by_author", 400, weir.ErrCodeWrongArguments, "HY000", "missing query parameter p1"},
		{"/v1/views/by_author_title?p1=1", 400, weir.ErrCodeWrongArguments, "HY000", "missing query parameter p2"},
		{"/v1/views/by_author?p1=1&p2=2", 400, weir.ErrCodeWrongArguments, "HY000", `unknown query parameter "p2"`},
		{"/v1/views/by_author?p1=1&author=2", 400, weir.ErrCodeWrongArguments, "HY000", `unknown query parameter "author"`},
		{"/v1/views/by_author?P1=1", 400, weir.ErrCodeWrongArguments, "HY000", `"P1"`},
		{"/v1/views/by_author?p01=1", 400, weir.ErrCodeWrongArguments, "HY000", `"p01"`},
		{"/v1/views/by_author?p0=1", 400, weir.ErrCodeWrongArguments, "HY000", `"p0"`},
		{"/v1/views/by_author?p1=1&p1=2", 400, weir.ErrCodeWrongArguments, "HY000", "more than once"},
		{"/v1/views/by_author?p1=abc", 400, weir.ErrCodeWrongArguments, "HY000", "not a number"},
		{"/v1/views/by_author?p1=", 400, weir.ErrCodeWrongArguments, "HY000", "not a number"},
		{"/v1/views/by_author?p1=NaN", 400, weir.ErrCodeWrongArguments, "HY000", "not a number"},
		{"/v1/views/by_author?p1=0x10", 400, weir.ErrCodeWrongArguments, "HY000", "not a number"},
		{"/v1/views/by_author?p1=%zz", 400, weir.ErrCodeWrongArguments, "HY000", "malformed"},
		{"/v1/views/article_count?p1=1", 400, weir.ErrCodeWrongArguments, "HY000", "takes no parameters"},
	} {
		code, hdr, body := get(t, h, tc.target)
		if code != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.target, code, tc.status, body)
			continue
		}
		if ct := hdr.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.target, ct)
		}
		var eb struct {
			Error    string `json:"error"`
			Code     int    `json:"code"`
			SQLState string `json:"sqlstate"`
		}
		if err := json.Unmarshal([]byte(body), &eb); err != nil {
			t.Errorf("%s: %v: %s", tc.target, err, body)
			continue
		}
		if eb.Code != tc.code || eb.SQLState != tc.state || !strings.Contains(eb.Error, tc.msg) {
			t.Errorf("%s: %+v, want code %d, sqlstate %s, a message with %q", tc.target, eb, tc.code, tc.state, tc.msg)
		}
	}
}

// TestViewSeesWrite checks that a write acknowledged and waited for is in the next read.
func TestViewSeesWrite(t *testing.T) {
	e := newsEngine(t, weir.Options{})
	h := New(e, Config{})
	read := func(target string) readBody {
		t.Helper()
		code, _, body := get(t, h, target)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, code, body)
		}
		return decodeRead(t, body)
	}
	if got := read("/v1/views/votes?p1=3").Rows[0]["votes"]; got != json.Number("1") {
		t.Fatalf("votes 3 before: %v", got)
	}
	res := exec(t, e, "INSERT INTO vote VALUES (3, 11), (3, 12)")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	if got := read("/v1/views/votes?p1=3").Rows[0]["votes"]; got != json.Number("3") {
		t.Errorf("votes 3 after two more: %v, want 3", got)
	}

	res = exec(t, e, "INSERT INTO article (id, author, title) VALUES (4, 2, 'new')")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	rows := read("/v1/views/by_author?p1=2").Rows
	if len(rows) != 2 || rows[1]["title"] != "new" {
		t.Errorf("by_author 2 after an insert: %v", rows)
	}
	res = exec(t, e, "UPDATE article SET price = 12.5 WHERE id = 4")
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	if got := read("/v1/views/by_author?p1=2").Rows[1]["price"]; got != "12.50" {
		t.Errorf("price after update: %v, want \"12.50\"", got)
	}
}

// TestViewClosed checks that reads of a closed engine that need it answer 503.
func TestViewClosed(t *testing.T) {
	// The read timeout is a deadline for a fill the closed engine never makes.
	e := newsEngine(t, weir.Options{ReadTimeout: 200 * time.Millisecond})
	h := New(e, Config{})
	if code, _, body := get(t, h, "/v1/views/votes?p1=1"); code != http.StatusOK {
		t.Fatalf("open: %d %s", code, body)
	}
	v, err := e.View("votes")
	if err != nil {
		t.Fatal(err)
	}
	if v.Stats().Misses != 1 {
		t.Fatalf("the votes view is not partial (%+v): no read of it would need the engine", v.Stats())
	}
	e.Close()
	code, _, body := get(t, h, "/v1/views/votes?p1=2")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"error"`) {
		t.Errorf("a miss on a closed engine: %d %s, want 503", code, body)
	}
	if code, _, _ := get(t, h, "/v1/views/nope"); code != http.StatusNotFound {
		t.Errorf("an unknown view on a closed engine: %d, want 404", code)
	}
}

// TestViewLarge reads a result larger than one write to the connection, and a view with
// more parameters than the argument arrays on the stack hold.
func TestViewLarge(t *testing.T) {
	e := newsEngine(t, weir.Options{})
	h := New(e, Config{})
	const n = 500
	title := strings.Repeat("long title ✓ ", 10)
	var sql strings.Builder
	sql.WriteString("INSERT INTO article (id, author, title) VALUES ")
	for i := range n {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(" + strconv.Itoa(100+i) + ", 7, '" + title + "')")
	}
	res := exec(t, e, sql.String())
	if err := e.WaitFor(testCtx(t), res.Token); err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, h, "/v1/views/by_author?p1=7")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	if len(body) <= 2*flushAt {
		t.Fatalf("a body of %d bytes does not test streaming", len(body))
	}
	rows := decodeRead(t, body).Rows
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		if r["id"] != json.Number(strconv.Itoa(100+i)) || r["title"] != title {
			t.Fatalf("row %d: %v", i, r)
		}
	}

	register(t, e, "many", "SELECT id FROM article WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY id")
	q := "p1=1&p2=3&p3=100&p4=101&p5=999&p6=1&p7=1&p8=1&p9=1&p10=599"
	code, _, body = get(t, h, "/v1/views/many?"+q)
	if code != http.StatusOK || !strings.Contains(body, `"rows":[{"id":1},{"id":3},{"id":100},{"id":101},{"id":599}]`) {
		t.Errorf("many: %d %s", code, body)
	}
	code, _, body = get(t, h, "/v1/views/many?"+q+"&p11=1")
	if code != http.StatusBadRequest {
		t.Errorf("many with p11: %d %s", code, body)
	}
	code, _, body = get(t, h, "/v1/views/many?p1=1&p2=3&p3=100&p4=101&p5=999&p6=1&p7=1&p8=1&p9=1")
	if code != http.StatusBadRequest || !strings.Contains(body, "p10") {
		t.Errorf("many without p10: %d %s", code, body)
	}
}

// TestFail checks the status and body of each kind of failed read.
func TestFail(t *testing.T) {
	e := openEngine(t, weir.Options{})
	h := &handler{e: e, log: zap.NewNop()}
	for _, tc := range []struct {
		err    error
		status int
		body   string
	}{
		{errors.New("boom"), 500, `{"error":"boom"}`},
		{fmt.Errorf("read: %w", dataflow.ErrReadTimeout), 500, `{"error":"read: read timed out","code":1205,"sqlstate":"HY000"}`},
		{fmt.Errorf("weir: argument 1: %w", &weir.Error{Code: 1292, SQLState: "22007", Msg: "bad date"}), 400,
			`{"error":"weir: argument 1: bad date","code":1292,"sqlstate":"22007"}`},
		{&weir.Error{Code: weir.ErrCodeWrongArguments, SQLState: "HY000", Msg: "wrong"}, 400,
			`{"error":"wrong","code":1210,"sqlstate":"HY000"}`},
		{fmt.Errorf("%w: v (dropped)", weir.ErrNoSuchView), 404,
			`{"error":"weir: no such view: v (dropped)","code":1146,"sqlstate":"42S02"}`},
		{weir.ErrClosed, 503, `{"error":"weir: engine closed","code":1053,"sqlstate":"08S01"}`},
	} {
		rec := httptest.NewRecorder()
		h.fail(rec, httptest.NewRequest(http.MethodGet, "/v1/views/v", nil), tc.err)
		if rec.Code != tc.status || strings.TrimSpace(rec.Body.String()) != tc.body {
			t.Errorf("%v: %d %s, want %d %s", tc.err, rec.Code, rec.Body, tc.status, tc.body)
		}
	}

	// Nobody is left to answer when the client has gone.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.fail(rec, httptest.NewRequest(http.MethodGet, "/v1/views/v", nil).WithContext(ctx), ctx.Err())
	if rec.Body.Len() != 0 || rec.Code != http.StatusOK {
		t.Errorf("a read abandoned by its client: %d %s, want nothing written", rec.Code, rec.Body)
	}

	// Once the engine is closed, any failure is the closed engine's.
	e.Close()
	rec = httptest.NewRecorder()
	h.fail(rec, httptest.NewRequest(http.MethodGet, "/v1/views/v", nil), errors.New("dataflow: engine closed"))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a failure of a closed engine: %d, want 503", rec.Code)
	}
}
