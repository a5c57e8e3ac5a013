package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// kj is a constant of type JSON, as CAST(… AS JSON) or a JSON function gives.
func kj(s string) Expr { return NewConstTyped(vs(s), jsonType) }

// jsonEditCases hold the examples of MySQL 8's reference manual ("Functions That Modify JSON
// Values") with its results, and edge cases. MariaDB writes documents as it keeps them, so
// these results are MySQL 8's only; conformance/testdata/funcs_jsonedit.sql compares the
// semantics with MariaDB through what both print alike.
func jsonEditCases() []evalCase {
	const j = `{ "a": 1, "b": [2, 3]}`
	const arr = `["a", ["b", "c"], "d"]`
	const ins = `["a", {"b": [1, 2]}, [3, 4]]`
	return []evalCase{
		// The manual's JSON_SET / JSON_INSERT / JSON_REPLACE comparison.
		{e: fn("JSON_SET", ks(j), ks("$.a"), ki(10), ks("$.c"), ks("[true, false]")), want: vs(`{"a": 10, "b": [2, 3], "c": "[true, false]"}`), kind: kStr},
		{e: fn("JSON_INSERT", ks(j), ks("$.a"), ki(10), ks("$.c"), ks("[true, false]")), want: vs(`{"a": 1, "b": [2, 3], "c": "[true, false]"}`)},
		{e: fn("JSON_REPLACE", ks(j), ks("$.a"), ki(10), ks("$.c"), ks("[true, false]")), want: vs(`{"a": 10, "b": [2, 3]}`)},
		{e: fn("JSON_INSERT", ks(j), ks("$.a"), ki(10), ks("$.c"), kj("[true, false]")), want: vs(`{"a": 1, "b": [2, 3], "c": [true, false]}`)},
		// The manual's JSON_ARRAY_APPEND examples.
		{e: fn("JSON_ARRAY_APPEND", ks(arr), ks("$[1]"), ki(1)), want: vs(`["a", ["b", "c", 1], "d"]`), kind: kStr},
		{e: fn("JSON_ARRAY_APPEND", ks(arr), ks("$[0]"), ki(2)), want: vs(`[["a", 2], ["b", "c"], "d"]`)},
		{e: fn("JSON_ARRAY_APPEND", ks(arr), ks("$[1][0]"), ki(3)), want: vs(`["a", [["b", 3], "c"], "d"]`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`{"a": 1, "b": [2, 3], "c": 4}`), ks("$.b"), ks("x")), want: vs(`{"a": 1, "b": [2, 3, "x"], "c": 4}`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`{"a": 1, "b": [2, 3], "c": 4}`), ks("$.c"), ks("y")), want: vs(`{"a": 1, "b": [2, 3], "c": [4, "y"]}`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`{"a": 1}`), ks("$"), ks("z")), want: vs(`[{"a": 1}, "z"]`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`[1]`), ks("$"), ki(2)), want: vs(`[1, 2]`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`[1]`), ks("$.x"), ki(2)), want: vs(`[1]`)},
		// The manual's JSON_ARRAY_INSERT examples.
		{e: fn("JSON_ARRAY_INSERT", ks(ins), ks("$[1]"), ks("x")), want: vs(`["a", "x", {"b": [1, 2]}, [3, 4]]`), kind: kStr},
		{e: fn("JSON_ARRAY_INSERT", ks(ins), ks("$[100]"), ks("x")), want: vs(`["a", {"b": [1, 2]}, [3, 4], "x"]`)},
		{e: fn("JSON_ARRAY_INSERT", ks(ins), ks("$[1].b[0]"), ks("x")), want: vs(`["a", {"b": ["x", 1, 2]}, [3, 4]]`)},
		{e: fn("JSON_ARRAY_INSERT", ks(ins), ks("$[2][1]"), ks("y")), want: vs(`["a", {"b": [1, 2]}, [3, "y", 4]]`)},
		{e: fn("JSON_ARRAY_INSERT", ks(ins), ks("$[0]"), ks("x"), ks("$[2][1]"), ks("y")), want: vs(`["x", "a", {"b": [1, 2]}, [3, 4]]`)},
		// Not an array there: ignored, no wrapping.
		{e: fn("JSON_ARRAY_INSERT", ks(`{"a": 1}`), ks("$.a[0]"), ki(2)), want: vs(`{"a": 1}`)},
		// The manual's JSON_REMOVE example; paths apply left to right.
		{e: fn("JSON_REMOVE", ks(arr), ks("$[1]")), want: vs(`["a", "d"]`), kind: kStr},
		{e: fn("JSON_REMOVE", ks(`[1, 2, 3]`), ks("$[0]"), ks("$[0]")), want: vs(`[3]`)},
		{e: fn("JSON_REMOVE", ks(`{"a": 1, "b": 2}`), ks("$.a"), ks("$.c"), ks("$.b[0]")), want: vs(`{"b": 2}`)},
		{e: fn("JSON_REMOVE", ks(`{"a": [1]}`), ks("$.a[5]"), ks("$.x.y")), want: vs(`{"a": [1]}`)},
		{e: fn("JSON_REMOVE", ks(`{"a": 1}`), kn), want: null},
		// The manual's JSON_MERGE_PATCH examples.
		{e: fn("JSON_MERGE_PATCH", ks(`[1, 2]`), ks(`[true, false]`)), want: vs(`[true, false]`), kind: kStr},
		{e: fn("JSON_MERGE_PATCH", ks(`{"name": "x"}`), ks(`{"id": 47}`)), want: vs(`{"id": 47, "name": "x"}`)},
		{e: fn("JSON_MERGE_PATCH", ks(`1`), ks(`true`)), want: vs(`true`)},
		{e: fn("JSON_MERGE_PATCH", ks(`[1, 2]`), ks(`{"id": 47}`)), want: vs(`{"id": 47}`)},
		{e: fn("JSON_MERGE_PATCH", ks(`{ "a": 1, "b":2 }`), ks(`{ "a": 3, "c":4 }`)), want: vs(`{"a": 3, "b": 2, "c": 4}`)},
		{e: fn("JSON_MERGE_PATCH", ks(`{ "a": 1, "b":2 }`), ks(`{ "a": 3, "c":4 }`), ks(`{ "a": 5, "d":6 }`)), want: vs(`{"a": 5, "b": 2, "c": 4, "d": 6}`)},
		{e: fn("JSON_MERGE_PATCH", ks(`{"a":1, "b":2}`), ks(`{"b":null}`)), want: vs(`{"a": 1}`)},
		{e: fn("JSON_MERGE_PATCH", ks(`{"a":{"x":1}}`), ks(`{"a":{"y":2}}`)), want: vs(`{"a": {"x": 1, "y": 2}}`)},
		// A NULL document makes the result NULL until a document that is no object replaces it.
		{e: fn("JSON_MERGE_PATCH", kn, ks(`{"a": 1}`)), want: null},
		{e: fn("JSON_MERGE_PATCH", ks(`{"a": 1}`), kn, ks(`[2]`)), want: vs(`[2]`)},
		{e: fn("JSON_MERGE_PATCH", ks(`{"a": 1}`), kn, ks(`{"b": 2}`)), want: null},
		// The manual's JSON_MERGE_PRESERVE examples.
		{e: fn("JSON_MERGE_PRESERVE", ks(`[1, 2]`), ks(`[true, false]`)), want: vs(`[1, 2, true, false]`), kind: kStr},
		{e: fn("JSON_MERGE_PRESERVE", ks(`{"name": "x"}`), ks(`{"id": 47}`)), want: vs(`{"id": 47, "name": "x"}`)},
		{e: fn("JSON_MERGE_PRESERVE", ks(`1`), ks(`true`)), want: vs(`[1, true]`)},
		{e: fn("JSON_MERGE_PRESERVE", ks(`[1, 2]`), ks(`{"id": 47}`)), want: vs(`[1, 2, {"id": 47}]`)},
		{e: fn("JSON_MERGE_PRESERVE", ks(`{ "a": 1, "b": 2 }`), ks(`{ "a": 3, "c": 4 }`)), want: vs(`{"a": [1, 3], "b": 2, "c": 4}`)},
		{e: fn("JSON_MERGE_PRESERVE", ks(`{ "a": 1, "b": 2 }`), ks(`{ "a": 3, "c": 4 }`), ks(`{ "a": 5, "d": 6 }`)), want: vs(`{"a": [1, 3, 5], "b": 2, "c": 4, "d": 6}`)},
		{e: fn("JSON_MERGE", ks(`{"a": 1}`), ks(`2`)), want: vs(`[{"a": 1}, 2]`)},
		{e: fn("JSON_MERGE_PRESERVE", ks(`[1]`), kn), want: null},

		// A missing parent is never created; only the last step may be missing.
		{e: fn("JSON_SET", ks(`{}`), ks("$.a.b"), ki(1)), want: vs(`{}`)},
		{e: fn("JSON_SET", ks(`{"a": {}}`), ks("$.a.b"), ki(1)), want: vs(`{"a": {"b": 1}}`)},
		// Past the end of an array appends (no padding); past the end of a scalar wraps it.
		{e: fn("JSON_SET", ks(`[1, 2]`), ks("$[5]"), ki(3)), want: vs(`[1, 2, 3]`)},
		{e: fn("JSON_INSERT", ks(`[1, 2]`), ks("$[5]"), ki(3)), want: vs(`[1, 2, 3]`)},
		{e: fn("JSON_REPLACE", ks(`[1, 2]`), ks("$[5]"), ki(3)), want: vs(`[1, 2]`)},
		{e: fn("JSON_SET", ks(`1`), ks("$[1]"), ki(2)), want: vs(`[1, 2]`)},
		{e: fn("JSON_SET", ks(`{"a": "x"}`), ks("$.a[3]"), ki(2)), want: vs(`{"a": ["x", 2]}`)},
		{e: fn("JSON_REPLACE", ks(`1`), ks("$[1]"), ki(2)), want: vs(`1`)},
		// [0] of a scalar is the scalar.
		{e: fn("JSON_SET", ks(`1`), ks("$[0]"), ki(2)), want: vs(`2`)},
		{e: fn("JSON_INSERT", ks(`1`), ks("$[0]"), ki(2)), want: vs(`1`)},
		{e: fn("JSON_SET", ks(`{"a": 1}`), ks("$[0].b"), ki(2)), want: vs(`{"a": 1, "b": 2}`)},
		// `$` is the whole document.
		{e: fn("JSON_SET", ks(`{"a": 1}`), ks("$"), ks("x")), want: vs(`"x"`)},
		{e: fn("JSON_REPLACE", ks(`{"a": 1}`), ks("$"), kj(`[1]`)), want: vs(`[1]`)},
		{e: fn("JSON_INSERT", ks(`{"a": 1}`), ks("$"), ki(2)), want: vs(`{"a": 1}`)},
		// A member step into something that is no object is ignored.
		{e: fn("JSON_SET", ks(`[1]`), ks("$.a"), ki(1)), want: vs(`[1]`)},
		// Pairs apply left to right to the document as changed so far.
		{e: fn("JSON_SET", ks(`{}`), ks("$.a"), kj(`{}`), ks("$.a.b"), ki(1)), want: vs(`{"a": {"b": 1}}`)},
		// NULLs: document or path NULL gives NULL; a NULL value is JSON's null.
		{e: fn("JSON_SET", kn, ks("$.a"), ki(1)), want: null},
		{e: fn("JSON_SET", ks(`{}`), kn, ki(1)), want: null},
		{e: fn("JSON_SET", ks(`{}`), ks("$.a"), kn), want: vs(`{"a": null}`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`[]`), ks("$"), kn), want: vs(`[null]`)},
		// Normalized output: keys shorter first then by bytes, the last duplicate wins,
		// MySQL's spacing, strings re-escaped as MySQL escapes them.
		{e: fn("JSON_SET", ks(`{"bb":1,"a":2,"a":3}`), ks("$.c"), ki(4)), want: vs(`{"a": 3, "c": 4, "bb": 1}`)},
		{e: fn("JSON_SET", ks(`{"a":"\u00e9\/"}`), ks("$.b"), ks("x\"y\n\x01")), want: vs(`{"a": "é/", "b": "x\"y\n\u0001"}`)},
		{e: fn("JSON_SET", ks(`{"a" : [ ] , "b":{ }}`), ks("$.c"), ki(1)), want: vs(`{"a": [], "b": {}, "c": 1}`)},
		// Values: numbers as numbers, a string that looks like JSON stays a string unless it
		// is typed JSON, a comparison is a boolean, dates as MySQL writes them into JSON.
		{e: fn("JSON_SET", ks(`{}`), ks("$.d"), kd("1.50"), ks("$.f"), kf(0.5), ks("$.s"), ks("1")), want: vs(`{"d": 1.50, "f": 0.5, "s": "1"}`)},
		{e: fn("JSON_SET", ks(`{}`), ks("$.t"), NewCompare(OpGT, col(0, tInt), ki(0)), ks("$.i"), col(1, tInt)), row: dataflow.Row{vi(1), vi(1)}, want: vs(`{"i": 1, "t": true}`)},
		{e: fn("JSON_ARRAY_APPEND", ks(`[]`), ks("$"), NewBoolConst(vi(1)), ks("$"), NewBoolConst(vi(0)), ks("$"), ki(1)), want: vs(`[true, false, 1]`)},
		{e: fn("JSON_SET", ks(`{}`), ks("$.d"), col(0, tDate), ks("$.dt"), col(1, tDatetime)), row: dataflow.Row{vdate("2024-02-03"), vdt("2024-02-03 04:05:06", 0)},
			want: vs(`{"d": "2024-02-03", "dt": "2024-02-03 04:05:06.000000"}`)},
		// A JSON column is embedded as a document, a text column as a string.
		{e: fn("JSON_SET", col(0, jsonType), ks("$.a"), col(1, jsonType), ks("$.b"), col(1, tVarchar)), row: dataflow.Row{vs(`{"z":0}`), vs(`[1,2]`)},
			want: vs(`{"a": [1, 2], "b": "[1,2]", "z": 0}`)},
		// A document or path from a row that is not one gives NULL (constant ones are refused).
		{e: fn("JSON_SET", col(0, tVarchar), ks("$.a"), ki(1)), row: dataflow.Row{vs("{bad")}, want: null},
		{e: fn("JSON_SET", ks(`{}`), col(0, tVarchar), ki(1)), row: dataflow.Row{vs("$.a[")}, want: null},
		{e: fn("JSON_REMOVE", ks(`{}`), col(0, tVarchar)), row: dataflow.Row{vs("$")}, want: null},
		{e: fn("JSON_MERGE_PATCH", ks(`{}`), col(0, tVarchar)), row: dataflow.Row{vs("nope")}, want: null},
	}
}

func TestJSONEdit(t *testing.T) { runEvalCases(t, jsonEditCases()) }

func TestJSONEditErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []Expr
		code int
		msg  string
	}{
		{"JSON_SET", []Expr{ks(`{"a":`), ks("$.a"), ki(1)}, CodeInvalidJSONArg, "Invalid JSON text in argument 1 to function json_set"},
		{"JSON_MERGE_PATCH", []Expr{ks(`{}`), ks(`x`)}, CodeInvalidJSONArg, "argument 2 to function json_merge_patch"},
		{"JSON_SET", []Expr{ks(`{}`), ks("$.a["), ki(1)}, CodeInvalidJSONPath, "Invalid JSON path expression. The error is around character position 4."},
		{"JSON_INSERT", []Expr{ks(`{}`), ks("a"), ki(1)}, CodeInvalidJSONPath, "Invalid JSON path expression"},
		{"JSON_REPLACE", []Expr{ks(`{}`), ks("$.lastname["), ki(1)}, CodeInvalidJSONPath, "around character position 11"},
		{"JSON_SET", []Expr{ks(`[]`), ks("$[0 to 1]"), ki(1)}, CodeJSONPathWildcard, "or an array range"},
		{"JSON_REMOVE", []Expr{ks(`[]`), ks("$**.a")}, CodeJSONPathWildcard, "may not contain"},
		{"JSON_SET", []Expr{ks(`{}`), ks("$.*"), ki(1)}, CodeJSONPathWildcard, "may not contain the * and ** tokens"},
		{"JSON_REMOVE", []Expr{ks(`{}`), ks("$.a"), ks("$")}, CodeJSONVacuousPath, "The path expression '$' is not allowed in this context."},
		{"JSON_ARRAY_INSERT", []Expr{ks(`[]`), ks("$.a"), ki(1)}, CodeJSONPathNotArrayCell, "A path expression is not a path to a cell in an array."},
		{"JSON_ARRAY_INSERT", []Expr{ks(`[]`), ks("$"), ki(1)}, CodeJSONPathNotArrayCell, "not a path to a cell"},
	} {
		_, err := NewFunc(c.name, c.args)
		var je *JSONError
		if !errors.As(err, &je) || je.Code != c.code || !strings.Contains(je.Msg, c.msg) {
			t.Errorf("%s: %v, want error %d %q", c.name, err, c.code, c.msg)
		}
	}
	for _, c := range []struct {
		name string
		args []Expr
		want error
	}{
		{"JSON_SET", []Expr{ks(`{}`), ks("$.a")}, ErrArgCount},
		{"JSON_SET", []Expr{ks(`{}`), ks("$.a"), ki(1), ks("$.b")}, ErrArgCount},
		{"JSON_REMOVE", []Expr{ks(`{}`)}, ErrArgCount},
		{"JSON_MERGE_PATCH", []Expr{ks(`{}`)}, ErrArgCount},
	} {
		if _, err := NewFunc(c.name, c.args); !errors.Is(err, c.want) {
			t.Errorf("%s with %d arguments: %v, want %v", c.name, len(c.args), err, c.want)
		}
	}
}

// FuzzJSONEdit runs every function that changes a document over random documents, paths and
// values, from a row and as constants: no panic; a result is NULL or a valid document already
// in normalized form; constants are refused only with a typed error.
func FuzzJSONEdit(f *testing.F) {
	f.Add(`{"a":[1,{"b":2}]}`, "$.a[1].b", `[3]`, "$.a[9]")
	f.Add(`[[[[]]]]`, "$[0][0]", `{"x":null}`, "$")
	f.Add(`"s"`, "$[3]", `1`, "$.k")
	f.Add(`[1, [2, 3]]`, "$[last][last-1]", `4`, "$[last-5]")
	f.Fuzz(func(t *testing.T, doc, path, val, path2 string) {
		row := dataflow.Row{vs(doc), vs(path), vs(val), vs(path2)}
		d, p, v, p2 := col(0, tVarchar), col(1, tVarchar), col(2, jsonType), col(3, tVarchar)
		calls := [][]Expr{
			{d, p, v}, {d, p, v, p2, v}, {d, p}, {d, p, p2},
		}
		for _, name := range []string{"JSON_SET", "JSON_INSERT", "JSON_REPLACE", "JSON_REMOVE",
			"JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT", "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE"} {
			for _, args := range calls {
				e, err := NewFunc(name, args)
				if err != nil {
					continue // the wrong number of arguments for this function
				}
				checkNormalizedJSON(t, e, row)
				consts := make([]Expr, len(args))
				for i, a := range args {
					consts[i] = ks(row[a.(*colRef).idx].RawString())
				}
				ce, err := NewFunc(name, consts)
				var je *JSONError
				switch {
				case err == nil:
					checkNormalizedJSON(t, ce, nil)
				case !errors.As(err, &je) && !errors.Is(err, ErrUnsupported):
					t.Errorf("%s over constants: untyped error %v", name, err)
				}
			}
		}
	})
}

func checkNormalizedJSON(t *testing.T, e Expr, row dataflow.Row) {
	t.Helper()
	got := e.Eval(row)
	if got.IsNull() {
		return
	}
	parsed, ok := jsonParse(got.RawString())
	if !ok {
		t.Fatalf("%s = %q, not a JSON document", e, got.RawString())
	}
	if again := string(appendMySQLJSON(nil, parsed)); again != got.RawString() {
		t.Fatalf("%s = %q, normalized again %q", e, got.RawString(), again)
	}
}

// jsonValueCall is JSON_VALUE as the planner builds it from the clauses: typ is the
// RETURNING type (KindNull for none), onEmpty and onError the DEFAULT values (NULL for none).
func jsonValueCall(doc, path Expr, typ dataflow.Type, onEmpty, onError Expr, flags string) Expr {
	return fn("JSON_VALUE", doc, path, NewConstTyped(null, typ), onEmpty, onError, ks(JSONValueMarker+flags+":0:"))
}

func TestJSONValue(t *testing.T) {
	const d = `{"a": "12", "b": 1.5, "c": [1], "d": "2024-01-02", "e": true, "f": null, "s": "abc"}`
	none := dataflow.Type{}
	signed := dataflow.Type{Kind: dataflow.KindInt, Precision: 20, SQL: "BIGINT", Nullable: true}
	runEvalCases(t, []evalCase{
		// MySQL 8's manual: JSON_VALUE('{"fname": "Joe", "lname": "Palmer"}', '$.fname') is Joe.
		{e: fn("JSON_VALUE", ks(`{"fname": "Joe", "lname": "Palmer"}`), ks("$.fname")), want: vs("Joe"), kind: kStr},
		{e: fn("JSON_VALUE", ks(d), ks("$.b")), want: vs("1.5")},
		{e: fn("JSON_VALUE", ks(d), ks("$.e")), want: vs("true")},
		// JSON's null, an object or array, and a path that matches nothing are NULL.
		{e: fn("JSON_VALUE", ks(d), ks("$.f")), want: null},
		{e: fn("JSON_VALUE", ks(d), ks("$.c")), want: null},
		{e: fn("JSON_VALUE", ks(d), ks("$.zz")), want: null},
		{e: fn("JSON_VALUE", kn, ks("$.a")), want: null},
		// RETURNING: converted under strict rules; what does not convert is the ON ERROR value.
		{e: jsonValueCall(ks(d), ks("$.a"), signed, kn, kn, "-"), want: vi(12), kind: kInt},
		{e: jsonValueCall(ks(d), ks("$.b"), signed, kn, kn, "-"), want: vi(2)},
		{e: jsonValueCall(ks(d), ks("$.s"), signed, kn, kn, "-"), want: null},
		{e: jsonValueCall(ks(d), ks("$.s"), signed, kn, ki(9), "-"), want: vi(9)},
		{e: jsonValueCall(ks(d), ks("$.c"), signed, ki(7), ki(9), "-"), want: vi(9)},
		{e: jsonValueCall(ks(d), ks("$.zz"), signed, ks("7"), ki(9), "-"), want: vi(7)},
		{e: jsonValueCall(ks(d), ks("$.b"), tDec102, kn, kn, "-"), want: vd("1.50"), kind: dataflow.KindDecimal, scale: 2},
		{e: jsonValueCall(ks(d), ks("$.d"), tDate, kn, kn, "-"), want: vdate("2024-01-02"), kind: dataflow.KindDate},
		{e: jsonValueCall(ks(d), ks("$.zz"), none, ks("x"), kn, "-"), want: vs("x"), kind: kStr},
	})
	for _, flags := range []string{"E", "J"} {
		if _, err := NewFunc("JSON_VALUE", []Expr{ks(d), ks("$.a"), kn, kn, kn, ks(JSONValueMarker + flags + ":0:")}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("JSON_VALUE with flags %s: %v, want ErrUnsupported", flags, err)
		}
	}
	if _, err := NewFunc("JSON_VALUE", []Expr{ks(d), ks("$.a"), kn}); !errors.Is(err, ErrArgCount) {
		t.Errorf("JSON_VALUE with three arguments: %v, want ErrArgCount", err)
	}
	if _, err := NewFunc("JSON_VALUE", []Expr{ks(d), ks("$.a"), kn, kn, kn, ks("not a marker")}); !errors.Is(err, ErrArgCount) {
		t.Errorf("JSON_VALUE with six arguments and no marker: %v, want ErrArgCount", err)
	}
}

// BenchmarkJSONEdit is the cost of one evaluation over a 10-member profile document, beside
// JSON_EXTRACT, which reads the text without parsing the whole document.
func BenchmarkJSONEdit(b *testing.B) {
	const doc = `{"id": 42, "name": "ann", "email": "ann@example.com", "tags": ["a", "b", "c"], "plan": "pro", ` +
		`"seats": 5, "active": true, "address": {"city": "Oslo", "zip": "0150"}, "score": 97.5, "notes": null}`
	d := col(0, jsonType)
	row := dataflow.Row{vs(doc)}
	for _, c := range []struct {
		name string
		e    Expr
	}{
		{"extract", fn("JSON_EXTRACT", d, ks("$.address.city"))},
		{"set", fn("JSON_SET", d, ks("$.plan"), ks("team"))},
		{"array_append", fn("JSON_ARRAY_APPEND", d, ks("$.tags"), ks("d"))},
		{"remove", fn("JSON_REMOVE", d, ks("$.notes"))},
		{"merge_patch", fn("JSON_MERGE_PATCH", d, ks(`{"seats": 6, "notes": null}`))},
		{"value", fn("JSON_VALUE", d, ks("$.address.zip"))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.e.Eval(row)
			}
		})
	}
}
