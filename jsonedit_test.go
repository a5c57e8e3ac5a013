package weir_test

import (
	"context"
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
	e, err := weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
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

	_, err = e.Exec(ctx, "UPDATE profile SET doc = JSON_SET(doc, '$.k[', 1) WHERE id = 1")
	if code, _, ok := weir.ErrorCode(err); !ok || code != 3143 {
		t.Fatalf("invalid path: %v (code %d), want error 3143", err, code)
	}
	_, err = e.Exec(ctx, "UPDATE profile SET doc = JSON_REMOVE(doc, '$') WHERE id = 1")
	if code, _, ok := weir.ErrorCode(err); !ok || code != 3153 {
		t.Fatalf("JSON_REMOVE of $: %v (code %d), want error 3153", err, code)
	}

	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = weir.Open(weir.Options{Dir: dir, MemoryLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rows, err := e.Query(ctx, "SELECT doc FROM profile WHERE id = ?", 1)
	if err != nil || rows.Len() != 1 || rows.Row(0)[0].ToText() != `{"age": 30, "tags": ["a", 7]}` {
		t.Fatalf("after restart: %v, %v", rows, err)
	}
}
