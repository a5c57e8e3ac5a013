package weir_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

// TestUpdateWithJSONSet: `UPDATE … SET doc = JSON_SET(doc, '$.k', ?)` rewrites a durable
// table's document in MySQL 8's normalized form, a cached view over the document sees the
// change once it has applied the write's token, the documents survive a restart, and a
// constant path that is no path is refused with MySQL's error number.
func TestUpdateWithJSONSet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := open(t, weir.Options{Dir: dir, MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE profile (id INT PRIMARY KEY, doc JSON NOT NULL)")
	mustExec(t, e, `INSERT INTO profile VALUES (1, '{"name":"ann","tags":["a"]}'), (2, '{"name":"bob"}')`)
	v := mustRegister(t, e, "by_id", "SELECT doc, JSON_UNQUOTE(JSON_EXTRACT(doc, '$.k')) AS k FROM profile WHERE id = ?")
	read := func(tok weir.Token, id int) (doc, k string) {
		t.Helper()
		rows, err := v.LookupAfter(ctx, tok, id)
		if err != nil || rows.Len() != 1 {
			t.Fatalf("lookup %d: %v, %v", id, rows, err)
		}
		return rows.Row(0)[0].ToText(), rows.Row(0)[1].ToText()
	}
	if doc, _ := read(0, 1); doc != `{"name":"ann","tags":["a"]}` {
		t.Fatalf("before: %s", doc)
	}

	res := mustExec(t, e, "UPDATE profile SET doc = JSON_SET(doc, '$.k', ?) WHERE id = ?", "v1", 1)
	if res.RowsAffected != 1 {
		t.Fatalf("rows affected %d", res.RowsAffected)
	}
	if doc, k := read(res.Token, 1); doc != `{"k": "v1", "name": "ann", "tags": ["a"]}` || k != "v1" {
		t.Fatalf("after JSON_SET: %s, k %s", doc, k)
	}
	res = mustExec(t, e, "UPDATE profile SET doc = JSON_ARRAY_APPEND(JSON_REMOVE(doc, '$.k'), '$.tags', ?) WHERE id = ?", 7, 1)
	if doc, _ := read(res.Token, 1); doc != `{"name": "ann", "tags": ["a", 7]}` {
		t.Fatalf("after JSON_REMOVE and JSON_ARRAY_APPEND: %s", doc)
	}
	res = mustExec(t, e, `UPDATE profile SET doc = JSON_MERGE_PATCH(doc, '{"name": null, "age": 30}')`)
	if doc, _ := read(res.Token, 2); doc != `{"age": 30}` {
		t.Fatalf("after JSON_MERGE_PATCH: %s", doc)
	}

	_, err := e.Exec(ctx, "UPDATE profile SET doc = JSON_SET(doc, '$.k[', 1) WHERE id = 1")
	if code, _, ok := weir.ErrorCode(err); !ok || code != 3143 {
		t.Fatalf("invalid path: %v (code %d), want error 3143", err, code)
	}
	_, err = e.Exec(ctx, "UPDATE profile SET doc = JSON_REMOVE(doc, '$') WHERE id = 1")
	if code, _, ok := weir.ErrorCode(err); !ok || code != 3153 {
		t.Fatalf("JSON_REMOVE of $: %v (code %d), want error 3153", err, code)
	}

	e = reopen(t, e, weir.Options{Dir: dir, MemoryLimit: -1})
	defer e.Close()
	rows, err := e.Query(ctx, "SELECT doc FROM profile WHERE id = ?", 1)
	if err != nil || rows.Len() != 1 || rows.Row(0)[0].ToText() != `{"age": 30, "tags": ["a", 7]}` {
		t.Fatalf("after restart: %v, %v", rows, err)
	}
}

// TestJSONValueClauses: JSON_VALUE with RETURNING, ON EMPTY and ON ERROR, which the SQL
// parser does not take as such, is planned, evaluated in a cached view, and its column is
// named by the text the client wrote; ERROR ON ERROR and RETURNING JSON are refused by name.
func TestJSONValueClauses(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE p (id INT PRIMARY KEY, doc JSON)")
	mustExec(t, e, `INSERT INTO p VALUES (1, '{"n": "12", "x": 1.5, "arr": [1], "d": "2024-01-02"}')`)
	const q = "SELECT JSON_VALUE(doc, '$.n' RETURNING SIGNED), JSON_VALUE(doc, '$.x' RETURNING DECIMAL(10,2)), " +
		"JSON_VALUE(doc, '$.d' RETURNING DATE) AS d, JSON_VALUE(doc, '$.zz' DEFAULT 'none' ON EMPTY), " +
		"JSON_VALUE(doc, '$.arr' RETURNING SIGNED DEFAULT 7 ON EMPTY DEFAULT 9 ON ERROR) FROM p WHERE id = ?"
	v := mustRegister(t, e, "jv", q)
	rows, err := v.Lookup(ctx, 1)
	if err != nil || rows.Len() != 1 {
		t.Fatalf("lookup: %v, %v", rows, err)
	}
	var got, names []string
	for i, c := range rows.Columns() {
		got = append(got, rows.Row(0)[i].ToText())
		names = append(names, c.Name)
	}
	if want := []string{"12", "1.50", "2024-01-02", "none", "9"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("values %v, want %v", got, want)
	}
	if names[0] != "JSON_VALUE(doc, '$.n' RETURNING SIGNED)" || names[2] != "d" {
		t.Fatalf("column names %q", names)
	}
	res := mustExec(t, e, `UPDATE p SET doc = JSON_SET(doc, '$.n', 'abc') WHERE id = 1`)
	rows, err = v.LookupAfter(ctx, res.Token, 1)
	if err != nil || rows.Len() != 1 || !rows.Row(0)[0].IsNull() {
		t.Fatalf("after the write, a value SIGNED cannot hold: %v, %v", rows, err)
	}
	for _, bad := range []string{
		"SELECT JSON_VALUE(doc, '$.n' ERROR ON ERROR) FROM p WHERE id = ?",
		"SELECT JSON_VALUE(doc, '$.n' RETURNING JSON) FROM p WHERE id = ?",
	} {
		_, err := e.Query(ctx, bad, 1)
		if code, _, _ := weir.ErrorCode(err); code != weir.ErrCodeUnsupported || !strings.Contains(err.Error(), "JSON_VALUE") {
			t.Errorf("%s: %v, want an unsupported error naming JSON_VALUE", bad, err)
		}
	}
}

// TestJSONWriteErrors: a write whose JSON function gets a document that is no JSON or a path
// that is no path, from a row or a parameter, fails with MySQL's error and changes nothing
// (a read of the same expression gives NULL: a cached view cannot fail).
func TestJSONWriteErrors(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE t (id INT PRIMARY KEY, doc JSON, txt TEXT)")
	mustExec(t, e, `INSERT INTO t VALUES (1, '{"a": 1}', '{"ok": 1}'), (2, '{"a": 2}', 'not json')`)
	for _, c := range []struct {
		sql  string
		args []any
		code int
	}{
		{"UPDATE t SET doc = JSON_SET(txt, '$.a', 1)", nil, 3141},
		{"UPDATE t SET doc = JSON_SET(doc, ?, 1) WHERE id = 1", []any{"$.a["}, 3143},
		{"UPDATE t SET doc = JSON_SET(doc, ?, 1) WHERE id = 1", []any{"$.*"}, 3149},
		{"UPDATE t SET doc = JSON_REMOVE(doc, ?) WHERE id = 1", []any{"$"}, 3153},
		{"UPDATE t SET doc = JSON_ARRAY_INSERT(doc, ?, 1) WHERE id = 1", []any{"$.a"}, 3165},
		{"UPDATE t SET doc = JSON_SET(JSON_REMOVE(txt, '$.x'), '$.a', 1) WHERE id = 2", nil, 3141},
		{"UPDATE t SET doc = JSON_MERGE_PATCH(doc, txt)", nil, 3141},
		{"INSERT INTO t VALUES (3, JSON_SET(?, '$.a', 1), NULL)", []any{"{"}, 3141},
		{"INSERT INTO t VALUES (1, NULL, NULL) ON DUPLICATE KEY UPDATE doc = JSON_INSERT(doc, ?, 2)", []any{"a"}, 3143},
	} {
		_, err := e.Exec(ctx, c.sql, c.args...)
		if code, _, _ := weir.ErrorCode(err); code != c.code {
			t.Errorf("%s %v: %v (code %d), want error %d", c.sql, c.args, err, code, c.code)
		}
	}
	rows, err := e.Query(ctx, "SELECT id, doc, JSON_SET(txt, '$.b', 1) FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range rows.Len() {
		r := rows.Row(i)
		got = append(got, r[0].ToText()+" "+r[1].ToText()+" "+r[2].String())
	}
	if want := []string{`1 {"a": 1} "{\"b\": 1, \"ok\": 1}"`, `2 {"a": 2} NULL`}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows after the failed writes:\n%v\nwant\n%v", got, want)
	}
}
