package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

// jsonPathCases hold the examples of MySQL 8's reference manual for paths with wildcards,
// ranges and `last` ("Searching and Modifying JSON Values", JSON_EXTRACT, JSON_CONTAINS_PATH,
// JSON_SEARCH) with its results, and edge cases. mysqlOnly marks where MariaDB 10.11 answers
// otherwise: it lists an object's members as written where MySQL lists them in storage order
// (shorter names first), walks `**` children before the value itself, keeps the first of
// duplicate names, prints JSON_SEARCH's names unquoted and matches its pattern under the
// document's collation (case-insensitively for a literal, not for a JSON column whatever
// the pattern's column), orders the matches of several paths by document, refuses what
// MySQL's parser takes (spaces, escapes in names, several `**`, `[last]` of a value that is
// no array), inserts at `[last]` after the last element, matches numbers and literals in
// JSON_SEARCH and reads no document nested deeper than 32 levels.
func jsonPathCases() []evalCase {
	const search = `["abc", [{"k": "10"}, "def"], {"x":"abc"}, {"y":"bcd"}]`
	ex := func(doc string, paths ...string) Expr {
		args := []Expr{ks(doc)}
		for _, p := range paths {
			args = append(args, ks(p))
		}
		return fn("JSON_EXTRACT", args...)
	}
	srch := func(doc, ooa, pat string, rest ...Expr) Expr {
		return fn("JSON_SEARCH", append([]Expr{ks(doc), ks(ooa), ks(pat)}, rest...)...)
	}
	return []evalCase{
		// The manual's wildcard and range examples.
		{e: ex(`{"a": 1, "b": 2, "c": [3, 4, 5]}`, "$.*"), want: vs(`[1, 2, [3, 4, 5]]`), kind: kStr},
		{e: ex(`{"a": 1, "b": 2, "c": [3, 4, 5]}`, "$.c[*]"), want: vs(`[3, 4, 5]`)},
		{e: ex(`{"a": {"b": 1}, "c": {"b": 2}}`, "$**.b"), want: vs(`[1, 2]`)},
		{e: ex(`[1, 2, 3, 4, 5]`, "$[1 to 3]"), want: vs(`[2, 3, 4]`)},
		{e: ex(`[1, 2, 3, 4, 5]`, "$[last-3 to last-1]"), want: vs(`[2, 3, 4]`)},
		{e: ex(`[10, 20, [30, 40]]`, "$[1]", "$[0]"), want: vs(`[20, 10]`), mysqlOnly: true},
		{e: ex(`[10, 20, [30, 40]]`, "$[2][*]"), want: vs(`[30, 40]`)},
		{e: ex(`[10, 20, [30, 40]]`, "$[last]"), want: vs(`[30, 40]`)},
		{e: ex(`[10, 20, [30, 40]]`, "$[last-1]"), want: vs(`20`)},
		{e: ex(`[10, 20, [30, 40]]`, "$[last-3]"), want: null},
		{e: ex(`[10, 20, [30, 40]]`, " $ [ last - 2 ] "), want: vs(`10`), mysqlOnly: true},
		// A wildcard path wraps even one match; matching nothing is NULL.
		{e: ex(`[1]`, "$[*]"), want: vs(`[1]`)},
		{e: ex(`[]`, "$[*]"), want: null},
		{e: ex(`{"a": 1}`, "$.b", "$.c"), want: null},
		{e: ex(`{"a": 1}`, "$.a", "$.c"), want: vs(`[1]`)},
		// Ranges clip to the array; a value that is no array is its own [0], [last] and
		// [0 to n], never its own [*].
		{e: ex(`[1, 2, 3]`, "$[1 to 10]"), want: vs(`[2, 3]`)},
		{e: ex(`[1, 2, 3]`, "$[last-10 to 0]"), want: vs(`[1]`)},
		{e: ex(`[1, 2, 3]`, "$[5 to 7]"), want: null},
		{e: ex(`5`, "$[last]"), want: vs(`5`), mysqlOnly: true},
		{e: ex(`5`, "$[0 to 2]"), want: vs(`[5]`)},
		{e: ex(`5`, "$[*]"), want: null},
		{e: ex(`{"a": 1}`, "$[0]"), want: vs(`{"a": 1}`)},
		{e: ex(`[[1, 2], [3]]`, "$[*][*]"), want: vs(`[1, 2, 3]`)},
		{e: ex(`[[1, 2], [3]]`, "$[*][last]"), want: vs(`[2, 3]`)},
		{e: ex(`{"a": [{"b": 1}, {"b": 2}]}`, "$.a[*].b"), want: vs(`[1, 2]`)},
		// MySQL lists members in storage order, shorter names first, and walks `**` over a
		// value before what it holds.
		{e: ex(`{"bb": 1, "a": 2}`, "$.*"), want: vs(`[2, 1]`), mysqlOnly: true},
		{e: ex(`{"a": {"b": 1}, "b": 2}`, "$**.b"), want: vs(`[2, 1]`), mysqlOnly: true},
		{e: ex(`[{"a": [{"a": 1}]}]`, "$**.a"), want: vs(`[[{"a": 1}], 1]`)},
		// Each value once, however many routes reach it.
		{e: ex(`[[[1]]]`, "$**[0]"), want: vs(`[[[1]], [1], 1]`)},
		{e: ex(`{"a": {"a": {"a": 1}}}`, "$**.a**.a"), want: vs(`[{"a": 1}, 1]`), mysqlOnly: true},
		// A name written twice keeps its last value, as in MySQL 8.
		{e: ex(`{"a": 1, "a": 2}`, "$.a"), want: vs(`2`), mysqlOnly: true},
		{e: ex(`{"a": 1, "a": 2}`, "$.*"), want: vs(`[2]`), mysqlOnly: true},
		{e: ex(`{"a b": 1, "c": 2}`, `$."a b"`), want: vs(`1`)},
		{e: ex(`{"a": 1}`, `$.\u0061`), want: vs(`1`), mysqlOnly: true},
		// The ->> operator's JSON_UNQUOTE over a wildcard result.
		{e: fn("JSON_UNQUOTE", ex(`{"a": "x"}`, "$.*")), want: vs(`["x"]`)},

		// JSON_CONTAINS_PATH, the manual's examples and wildcards.
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1, "b": 2, "c": {"d": 4}}`), ks("one"), ks("$.a"), ks("$.e")), want: vi(1), kind: kInt},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1, "b": 2, "c": {"d": 4}}`), ks("all"), ks("$.a"), ks("$.e")), want: vi(0)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1, "b": 2, "c": {"d": 4}}`), ks("one"), ks("$.c.d")), want: vi(1)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1, "b": 2, "c": {"d": 4}}`), ks("one"), ks("$.a.d")), want: vi(0)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1, "b": 2, "c": {"d": 4}}`), ks("one"), ks("$**.d")), want: vi(1)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": [1]}`), ks("all"), ks("$.*[0]"), ks("$.a[last]")), want: vi(1)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": [1]}`), ks("all"), ks("$.*[1]")), want: vi(0)},
		// Paths are read until the answer is known.
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1}`), ks("one"), ks("$.a"), kn), want: vi(1), mysqlOnly: true},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a": 1}`), ks("all"), ks("$.a"), kn), want: null},

		// JSON_SEARCH, the manual's examples.
		{e: srch(search, "one", "abc"), want: vs(`"$[0]"`), kind: kStr},
		{e: srch(search, "all", "abc"), want: vs(`["$[0]", "$[2].x"]`)},
		{e: srch(search, "all", "ghi"), want: null},
		{e: srch(search, "all", "10"), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$[*]")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$**.k")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$[*][0].k")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$[1]")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "10", kn, ks("$[1][0]")), want: vs(`"$[1][0].k"`)},
		{e: srch(search, "all", "abc", kn, ks("$[2]")), want: vs(`"$[2].x"`)},
		{e: srch(search, "all", "%a%"), want: vs(`["$[0]", "$[2].x"]`)},
		{e: srch(search, "all", "%b%"), want: vs(`["$[0]", "$[2].x", "$[3].y"]`)},
		{e: srch(search, "all", "%b%", kn, ks("$[0]")), want: vs(`"$[0]"`)},
		{e: srch(search, "all", "%b%", kn, ks("$[2]")), want: vs(`"$[2].x"`)},
		{e: srch(search, "all", "%b%", kn, ks("$[1]")), want: null},
		{e: srch(search, "all", "%b%", ks(""), ks("$[1]")), want: null},
		{e: srch(search, "all", "%b%", ks(""), ks("$[3]")), want: vs(`"$[3].y"`)},
		// Each path once, in the order found; 'one' stops at the first.
		{e: srch(search, "all", "abc", kn, ks("$[0]"), ks("$[*]")), want: vs(`["$[0]", "$[2].x"]`)},
		{e: srch(search, "one", "%b%", kn, ks("$[3]"), ks("$[0]")), want: vs(`"$[3].y"`), mysqlOnly: true},
		{e: srch(search, "ONE", "___"), want: vs(`"$[0]"`)},
		// The escape character makes % and _ literal.
		{e: srch(`["a%b", "axb"]`, "all", `a\%b`), want: vs(`"$[0]"`)},
		{e: srch(`["a%b", "axb"]`, "all", `a|%b`, ks("|")), want: vs(`"$[0]"`)},
		{e: srch(`["a%b", "axb"]`, "all", `a%b`), want: vs(`["$[0]", "$[1]"]`)},
		// Only strings match, never names, numbers or literals.
		{e: srch(`{"abc": 1, "n": 10, "t": true}`, "all", "%"), want: null, mysqlOnly: true},
		{e: srch(`{"n": "10"}`, "one", "10"), want: vs(`"$.n"`)},
		// NULL arguments.
		{e: fn("JSON_SEARCH", kn, ks("one"), ks("a")), want: null},
		{e: fn("JSON_SEARCH", ks(`["a"]`), kn, ks("a")), want: null},
		{e: fn("JSON_SEARCH", ks(`["a"]`), ks("one"), kn), want: null},
		{e: srch(`["a"]`, "one", "a", kn, ks("$"), kn), want: null},
		// MySQL's: a path without wildcards is printed as given, `last` included; members in
		// storage order; names that are no identifiers quoted; a case-sensitive match.
		{e: srch(`["a", "b"]`, "one", "b", kn, ks("$[last]")), want: vs(`"$[last]"`), mysqlOnly: true},
		{e: srch(`["a", "b"]`, "one", "b", kn, ks("$[*]")), want: vs(`"$[1]"`)},
		// A match inside another is searched once, with it.
		{e: srch(`{"a": {"a": "x", "b": ["x"]}}`, "all", "x", kn, ks("$**.a")), want: vs(`["$.a.a", "$.a.b[0]"]`)},
		{e: srch(`[["x", ["x"]], "x"]`, "all", "x", kn, ks("$**[*]")), want: vs(`["$[0][0]", "$[0][1][0]", "$[1]"]`)},
		{e: srch(`{"bb": "x", "a": "x"}`, "all", "x"), want: vs(`["$.a", "$.bb"]`), mysqlOnly: true},
		{e: srch(`{"a b": "x"}`, "one", "x"), want: vs(`"$.\"a b\""`), mysqlOnly: true},
		{e: srch(`{"1": "x"}`, "one", "x"), want: vs(`"$.\"1\""`), mysqlOnly: true},
		{e: srch(search, "all", "ABC"), want: null, mysqlOnly: true},
		{e: fn("JSON_SEARCH", ks(search), ks("all"), col(0, tVarchar)), row: dataflow.Row{vs("ABC")}, want: vs(`["$[0]", "$[2].x"]`)},
		{e: fn("JSON_SEARCH", ks(search), ks("all"), col(0, tVarchar)), row: dataflow.Row{dataflow.Bytes("ABC")}, want: null},
		{e: srch(`{"a": "x", "b": ["x"]}`, "all", "x", kn, ks("$**.*")), want: vs(`["$.a", "$.b[0]"]`), mysqlOnly: true},

		// `last` in the editing functions, the manual's JSON_REPLACE example among them.
		{e: fn("JSON_REPLACE", ks(`"Sakila"`), ks("$[last]"), ki(10)), want: vs(`10`), mysqlOnly: true},
		{e: fn("JSON_SET", ks(`[1, 2, 3]`), ks("$[last]"), ki(9)), want: vs(`[1, 2, 9]`)},
		{e: fn("JSON_SET", ks(`[1, 2, 3]`), ks("$[last-1]"), ki(9)), want: vs(`[1, 9, 3]`)},
		// Counted back past the start, the new value goes first, as MySQL inserts it.
		{e: fn("JSON_SET", ks(`[1, 2]`), ks("$[last-5]"), ki(9)), want: vs(`[9, 1, 2]`), mysqlOnly: true},
		{e: fn("JSON_INSERT", ks(`"s"`), ks("$[last-1]"), ki(9)), want: vs(`[9, "s"]`), mysqlOnly: true},
		{e: fn("JSON_REMOVE", ks(`[1, 2, 3]`), ks("$[last]")), want: vs(`[1, 2]`)},
		{e: fn("JSON_REMOVE", ks(`[1, [2, 3]]`), ks("$[last][last]"), ks("$[0]")), want: vs(`[[2]]`)},
		{e: fn("JSON_ARRAY_INSERT", ks(`[1, 2, 3]`), ks("$[last]"), ki(9)), want: vs(`[1, 2, 9, 3]`), mysqlOnly: true},
		{e: fn("JSON_ARRAY_APPEND", ks(`[[1], [2]]`), ks("$[last]"), ki(9)), want: vs(`[[1], [2, 9]]`)},
		{e: fn("JSON_LENGTH", ks(`[1, [2, 3]]`), ks("$[last]")), want: vi(2)},
		{e: fn("JSON_KEYS", ks(`[{"a": 1}]`), ks("$[last]")), want: vs(`["a"]`)},
		{e: fn("JSON_CONTAINS", ks(`[1, [2, 3]]`), ks("3"), ks("$[last]")), want: vi(1)},
		{e: fn("JSON_VALUE", ks(`[1, 2]`), ks("$[last]")), want: vs("2")},

		// A document nested deeper than MySQL's 100 levels is not one the path functions read.
		{e: ex(strings.Repeat("[", 101)+strings.Repeat("]", 101), "$**[0]"), want: null},
		{e: ex(strings.Repeat("[", 100)+"1"+strings.Repeat("]", 100), "$**[0]"), mysqlOnly: true, want: vs("[" + strings.Repeat("[", 99) + "1" + strings.Repeat("]", 99) + ", " + strings.Repeat("[", 98) + "1" + strings.Repeat("]", 98) + ", " + func() string {
			var b strings.Builder
			for d := 97; d >= 0; d-- {
				b.WriteString(strings.Repeat("[", d) + "1" + strings.Repeat("]", d))
				if d > 0 {
					b.WriteString(", ")
				}
			}
			return b.String()
		}() + "]")},
	}
}

func TestJSONPaths(t *testing.T) { runEvalCases(t, jsonPathCases()) }

// TestJSONPathErrors checks MySQL's errors and their positions for constant arguments.
func TestJSONPathErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []Expr
		code int
		msg  string
	}{
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$**")}, CodeInvalidJSONPath, "position 3."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$***.a")}, CodeInvalidJSONPath, "position 3."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$*.a")}, CodeInvalidJSONPath, "position 3."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[3 to 1]")}, CodeInvalidJSONPath, "position 8."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[last-1 to last-2]")}, CodeInvalidJSONPath, "position 18."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[1to 3]")}, CodeInvalidJSONPath, "position 4."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[last+1]")}, CodeInvalidJSONPath, "position 7."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[-1]")}, CodeInvalidJSONPath, "position 2."},
		{"JSON_EXTRACT", []Expr{ks(`[]`), ks("$[4294967296]")}, CodeInvalidJSONPath, "position 2."},
		{"JSON_EXTRACT", []Expr{ks(`{}`), ks("$.1a")}, CodeInvalidJSONPath, "position 4."},
		{"JSON_EXTRACT", []Expr{ks(`{}`), ks("$.a-b")}, CodeInvalidJSONPath, "position 5."},
		{"JSON_EXTRACT", []Expr{ks(`{}`), ks(`$."a`)}, CodeInvalidJSONPath, "position 4."},
		{"JSON_EXTRACT", []Expr{ks(`{}`), ks("a")}, CodeInvalidJSONPath, "position 1."},
		{"JSON_EXTRACT", []Expr{ks(`{}`), ks("")}, CodeInvalidJSONPath, "position 0."},
		{"JSON_CONTAINS_PATH", []Expr{ks(`{}`), ks("any"), ks("$")}, CodeJSONBadOneOrAll, "The oneOrAll argument to json_contains_path may take these values: 'one' or 'all'."},
		{"JSON_SEARCH", []Expr{ks(`{}`), ks("some"), ks("x")}, CodeJSONBadOneOrAll, "argument to json_search"},
		{"JSON_SEARCH", []Expr{ks(`{}`), ks("one"), ks("x"), ks("ab")}, CodeWrongArguments, "Incorrect arguments to ESCAPE"},
		{"JSON_SEARCH", []Expr{ks(`{}`), ks("one"), ks("x"), col(0, tVarchar)}, CodeWrongArguments, "ESCAPE"},
		{"JSON_SEARCH", []Expr{ks(`{}`), ks("one"), ks("x"), kn, ks("$.")}, CodeInvalidJSONPath, "position 2."},
		{"JSON_SEARCH", []Expr{ks(`{`), ks("one"), ks("x")}, CodeInvalidJSONArg, "argument 1 to function json_search"},
		// Where one value is wanted, wildcards and ranges are 3149.
		{"JSON_LENGTH", []Expr{ks(`[]`), ks("$[*]")}, CodeJSONPathWildcard, "may not contain"},
		{"JSON_KEYS", []Expr{ks(`{}`), ks("$.*")}, CodeJSONPathWildcard, "may not contain"},
		{"JSON_CONTAINS", []Expr{ks(`[]`), ks("1"), ks("$[0 to 1]")}, CodeJSONPathWildcard, "an array range"},
		{"JSON_VALUE", []Expr{ks(`[]`), ks("$**[0]")}, CodeJSONPathWildcard, "may not contain"},
		{"JSON_ARRAY_APPEND", []Expr{ks(`[]`), ks("$[*]"), ki(1)}, CodeJSONPathWildcard, "may not contain"},
	} {
		_, err := NewFunc(c.name, c.args)
		var je *JSONError
		if !errors.As(err, &je) || je.Code != c.code || !strings.Contains(je.Msg, c.msg) {
			t.Errorf("%s%v: %v, want error %d %q", c.name, c.args, err, c.code, c.msg)
		}
	}
}

// TestJSONPathRowErrors checks that a path, a one-or-all argument or a document from a row
// that MySQL would refuse gives NULL in a read and MySQL's error to a write.
func TestJSONPathRowErrors(t *testing.T) {
	row := dataflow.Row{vs("$[3 to 1]"), vs("some"), vs(`{"a": "x"}`), vs("{")}
	p, ooa, doc, bad := col(0, tVarchar), col(1, tVarchar), col(2, tVarchar), col(3, tVarchar)
	for _, c := range []struct {
		e    Expr
		code int
	}{
		{fn("JSON_EXTRACT", doc, p), CodeInvalidJSONPath},
		{fn("JSON_EXTRACT", bad, ks("$.a")), CodeInvalidJSONArg},
		{fn("JSON_CONTAINS_PATH", doc, ks("one"), p), CodeInvalidJSONPath},
		{fn("JSON_CONTAINS_PATH", doc, ooa, ks("$")), CodeJSONBadOneOrAll},
		{fn("JSON_SEARCH", doc, ooa, ks("x")), CodeJSONBadOneOrAll},
		{fn("JSON_SEARCH", doc, ks("all"), ks("x"), kn, p), CodeInvalidJSONPath},
		{fn("JSON_SEARCH", bad, ks("all"), ks("x")), CodeInvalidJSONArg},
		{fn("JSON_SET", doc, col(0, tVarchar), ki(1)), CodeInvalidJSONPath},
	} {
		if got := c.e.Eval(row); !got.IsNull() {
			t.Errorf("%s read %s, want NULL", c.e, describe(got))
		}
		var je *JSONError
		if err := JSONEvalError(c.e, row); !errors.As(err, &je) || je.Code != c.code {
			t.Errorf("%s: write error %v, want %d", c.e, err, c.code)
		}
	}
	wild := dataflow.Row{vs("$[*]")}
	if err := JSONEvalError(fn("JSON_SET", ks(`[]`), col(0, tVarchar), ki(1)), wild); err == nil {
		t.Error("JSON_SET with a wildcard path from a row wrote")
	}
}

// FuzzJSONPath runs the path functions over random documents, paths and patterns: no panic,
// every path either parses or is error 3143, what parses prints back to a path that parses
// to the same legs, and a result is NULL or valid JSON. Documents nest at most 100 levels
// and `**` walks each value once per leg, so the work stays bounded.
func FuzzJSONPath(f *testing.F) {
	f.Add(`{"a":[1,{"b":"xy"}]}`, "$.a[*].b", "%y")
	f.Add(`[[[[["x"]]]]]`, "$**[last]", "x")
	f.Add(`{"a b":{"a":{"a":"1"}}}`, `$."a b"**.a[0 to last]`, "_")
	f.Add(strings.Repeat(`{"a":[`, 60)+`"v"`+strings.Repeat("]}", 60), "$**.a**[0]", "v")
	f.Fuzz(func(t *testing.T, doc, path, pattern string) {
		steps, err := parseJSONPath(path)
		var je *JSONError
		if err != nil && (!errors.As(err, &je) || je.Code != CodeInvalidJSONPath) {
			t.Fatalf("%q: %v", path, err)
		}
		if err == nil {
			printed := jsonPathString(steps)
			again, err := parseJSONPath(printed)
			if err != nil || jsonPathString(again) != printed {
				t.Fatalf("%q prints as %q, which parses to %v (%v)", path, printed, again, err)
			}
		}
		row := dataflow.Row{vs(doc), vs(path), vs(pattern)}
		d, p, pat := col(0, tVarchar), col(1, tVarchar), col(2, tVarchar)
		for _, e := range []Expr{
			fn("JSON_EXTRACT", d, p), fn("JSON_EXTRACT", d, p, p),
			fn("JSON_CONTAINS_PATH", d, ks("all"), p), fn("JSON_SEARCH", d, ks("all"), pat),
			fn("JSON_SEARCH", d, ks("one"), pat, kn, p), fn("JSON_LENGTH", d, p), fn("JSON_SET", d, p, pat),
			fn("JSON_REMOVE", d, p), fn("JSON_ARRAY_INSERT", d, p, pat),
		} {
			v := e.Eval(row)
			if !v.IsNull() && e.Type().Kind == dataflow.KindString && !jsonDocOK(text(v)) {
				t.Fatalf("%s over %q %q %q = %q, no JSON", e, doc, path, pattern, text(v))
			}
			JSONEvalError(e, row)
		}
	})
}

// BenchmarkJSONPath measures the path functions over the 10-member document of
// BenchmarkJSONEdit: a plain path (read from the text without listing containers) beside
// wildcards, `**`, ranges, `last` and JSON_SEARCH, which list the containers they pass.
func BenchmarkJSONPath(b *testing.B) {
	const doc = `{"id": 42, "name": "ann", "email": "ann@example.com", "tags": ["a", "b", "c"], "plan": "pro", ` +
		`"seats": 5, "active": true, "address": {"city": "Oslo", "zip": "0150"}, "score": 97.5, "notes": null}`
	// 90 nested objects: `$**.a` matches each, inside the one before.
	deep := strings.Repeat(`{"a": `, 90) + `"v"` + strings.Repeat("}", 90)
	d := col(0, jsonType)
	row := dataflow.Row{vs(doc)}
	for _, c := range []struct {
		name string
		e    Expr
	}{
		{"extract_plain", fn("JSON_EXTRACT", d, ks("$.address.city"))},
		{"extract_last", fn("JSON_EXTRACT", d, ks("$.tags[last]"))},
		{"extract_cells", fn("JSON_EXTRACT", d, ks("$.tags[*]"))},
		{"extract_range", fn("JSON_EXTRACT", d, ks("$.tags[1 to last]"))},
		{"extract_members", fn("JSON_EXTRACT", d, ks("$.*"))},
		{"extract_ellipsis", fn("JSON_EXTRACT", d, ks("$**.city"))},
		{"contains_path_ellipsis", fn("JSON_CONTAINS_PATH", d, ks("one"), ks("$**.zip"))},
		{"search_one", fn("JSON_SEARCH", d, ks("one"), ks("Oslo"))},
		{"search_all", fn("JSON_SEARCH", d, ks("all"), ks("%a%"))},
		{"search_ellipsis_deep", fn("JSON_SEARCH", ks(deep), ks("all"), ks("v"), kn, ks("$**.a"))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.e.Eval(row)
			}
		})
	}
}
