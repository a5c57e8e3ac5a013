package weir_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir"
)

// TestJSONPathsEndToEnd: a cached view keyed by a parameter reads wildcard, `**`, range and
// `last` paths and JSON_SEARCH, and follows writes; constant paths and arguments MySQL
// refuses are refused when the query is planned with MySQL's error numbers, and writes whose
// path or one-or-all argument comes from a parameter fail with them.
func TestJSONPathsEndToEnd(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE items (id INT PRIMARY KEY, doc JSON, note TEXT)")
	mustExec(t, e, `INSERT INTO items VALUES (1, '{"tags": [{"name": "red"}, {"name": "blue"}], "n": [1, 2, 3]}', NULL)`)
	v := mustRegister(t, e, "tags", "SELECT doc->'$.tags[*].name' AS names, doc->'$.n[last]' AS lst, "+
		"JSON_EXTRACT(doc, '$.n[0 to 1]') AS head, JSON_SEARCH(doc, 'all', 'b%') AS b, "+
		"JSON_CONTAINS_PATH(doc, 'one', '$**.name') AS named FROM items WHERE id = ?")
	read := func(tok weir.Token) string {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, 1)
		if err != nil || rows.Len() != 1 {
			t.Fatalf("lookup: %v, %v", rows, err)
		}
		out := ""
		for _, c := range rows.Row(0) {
			out += c.String() + "|"
		}
		return out
	}
	if got, want := read(0), `"[\"red\", \"blue\"]"|"3"|"[1, 2]"|"\"$.tags[1].name\""|1|`; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
	tok, err := e.Exec(ctx, `UPDATE items SET doc = JSON_SET(doc, '$.tags[last].name', 'black', '$.n[last]', 4) WHERE id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := read(tok.Token), `"[\"red\", \"black\"]"|"4"|"[1, 2]"|"\"$.tags[1].name\""|1|`; got != want {
		t.Fatalf("after the write: read %s, want %s", got, want)
	}

	for _, c := range []struct {
		sql  string
		code int
	}{
		{"SELECT JSON_EXTRACT(doc, '$[3 to 1]') FROM items WHERE id = ?", 3143},
		{"SELECT doc->'$.a**' FROM items WHERE id = ?", 3143},
		{"SELECT JSON_SEARCH(doc, 'any', 'x') FROM items WHERE id = ?", 3154},
		{"SELECT JSON_CONTAINS_PATH(doc, 'some', '$.a') FROM items WHERE id = ?", 3154},
		{"SELECT JSON_SEARCH(doc, 'one', 'x', note) FROM items WHERE id = ?", 1210},
		{"SELECT JSON_LENGTH(doc, '$.n[*]') FROM items WHERE id = ?", 3149},
		{"SELECT JSON_SET(doc, '$.n[0 to 1]', 1) FROM items WHERE id = ?", 3149},
	} {
		_, err := e.Register(ctx, "bad", c.sql)
		if code, _, _ := weir.ErrorCode(err); code != c.code {
			t.Errorf("%s: %v (code %d), want error %d", c.sql, err, code, c.code)
		}
	}
	for _, c := range []struct {
		sql  string
		args []any
		code int
	}{
		{"UPDATE items SET note = JSON_EXTRACT(doc, ?) WHERE id = 1", []any{"$[last-"}, 3143},
		{"UPDATE items SET note = JSON_SEARCH(doc, ?, 'x') WHERE id = 1", []any{"every"}, 3154},
		{"UPDATE items SET note = JSON_CONTAINS_PATH(doc, 'one', ?) WHERE id = 1", []any{"$**"}, 3143},
		{"UPDATE items SET doc = JSON_REMOVE(doc, ?) WHERE id = 1", []any{"$.tags[*]"}, 3149},
	} {
		_, err := e.Exec(ctx, c.sql, c.args...)
		if code, _, _ := weir.ErrorCode(err); code != c.code {
			t.Errorf("%s %v: %v (code %d), want error %d", c.sql, c.args, err, code, c.code)
		}
	}
}
