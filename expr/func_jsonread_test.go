package expr

import (
	"testing"
)

func jsonReadCases() []evalCase {
	return []evalCase{
		{e: fn("JSON_TYPE", ks("1")), want: vs("INTEGER"), kind: kStr},
		{e: fn("JSON_TYPE", ks("1.5")), want: vs("DOUBLE")},
		{e: fn("JSON_TYPE", ks(`"a"`)), want: vs("STRING")},
		{e: fn("JSON_TYPE", ks("[1]")), want: vs("ARRAY")},
		{e: fn("JSON_TYPE", ks("{}")), want: vs("OBJECT")},
		{e: fn("JSON_TYPE", ks("true")), want: vs("BOOLEAN")},
		{e: fn("JSON_TYPE", ks("null")), want: vs("NULL")},
		{e: fn("JSON_TYPE", ks("bad")), want: null},
		{e: fn("JSON_TYPE", ks("[1] x")), want: null},
		{e: fn("JSON_TYPE", ks("18446744073709551615")), want: vs("UNSIGNED INTEGER"), mysqlOnly: true},
		{e: fn("JSON_LENGTH", ks("[1,[2,3]]")), want: vi(2), kind: kInt},
		{e: fn("JSON_LENGTH", ks(`{"a":1,"b":2}`)), want: vi(2)},
		{e: fn("JSON_LENGTH", ks("5")), want: vi(1)},
		{e: fn("JSON_LENGTH", ks("[1,[2,3]]"), ks("$[1]")), want: vi(2)},
		{e: fn("JSON_LENGTH", ks("[1]"), ks("$[5]")), want: null},
		{e: fn("JSON_DEPTH", ks("[]")), want: vi(1), kind: kInt},
		{e: fn("JSON_DEPTH", ks("[1,[2]]")), want: vi(3)},
		{e: fn("JSON_DEPTH", ks(`{"a":{"b":[1]}}`)), want: vi(4)},
		{e: fn("JSON_KEYS", ks(`{"a":1,"bb":2}`)), want: vs(`["a", "bb"]`), kind: kStr},
		// MySQL stores keys shorter first, then by bytes; MariaDB keeps them as written.
		{e: fn("JSON_KEYS", ks(`{"bb":1,"a":2}`)), want: vs(`["a", "bb"]`), mysqlOnly: true},
		{e: fn("JSON_KEYS", ks(`{"a":{"y":1,"x":2}}`), ks("$.a")), want: vs(`["x", "y"]`), mysqlOnly: true},
		{e: fn("JSON_KEYS", ks("[1]")), want: null},
		{e: fn("JSON_QUOTE", ks(`a"b`)), want: vs(`"a\"b"`), kind: kStr},
		{e: fn("JSON_QUOTE", ks("line\nbreak")), want: vs(`"line\nbreak"`)},
		{e: fn("JSON_QUOTE", kn), want: null},
		{e: fn("JSON_CONTAINS", ks("[1,2,[3]]"), ks("[1,3]")), want: vi(1), kind: kInt},
		{e: fn("JSON_CONTAINS", ks(`{"a":1,"b":[1,2]}`), ks(`{"b":[2]}`)), want: vi(1)},
		{e: fn("JSON_CONTAINS", ks(`{"a":1,"b":[1,2]}`), ks(`{"c":1}`)), want: vi(0)},
		{e: fn("JSON_CONTAINS", ks("[1,2]"), ks("1.0")), want: vi(1)},
		{e: fn("JSON_CONTAINS", ks(`{"a":1}`), ks("1"), ks("$.a")), want: vi(1)},
		// MySQL 8 gives NULL for a path that matches nothing; MariaDB 0.
		{e: fn("JSON_CONTAINS", ks(`{"a":1}`), ks("1"), ks("$.b")), want: null, mysqlOnly: true},
		{e: fn("JSON_CONTAINS", ks(`"abc"`), ks(`"ABC"`)), want: vi(0)},
		{e: fn("JSON_CONTAINS", ks("1"), ks("[1]")), want: vi(0)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a":1}`), ks("one"), ks("$.a"), ks("$.b")), want: vi(1), kind: kInt},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a":1}`), ks("all"), ks("$.a"), ks("$.b")), want: vi(0)},
		{e: fn("JSON_CONTAINS_PATH", ks(`{"a":[1,{"b":2}]}`), ks("ALL"), ks("$.a[1].b")), want: vi(1)},
		{e: fn("JSON_OVERLAPS", ks("[1,2]"), ks("[3,2]")), want: vi(1), kind: kInt},
		{e: fn("JSON_OVERLAPS", ks(`{"a":1}`), ks(`{"a":2}`)), want: vi(0)},
		{e: fn("JSON_OVERLAPS", ks(`{"a":1,"b":2}`), ks(`{"b":2.0}`)), want: vi(1)},
		{e: fn("JSON_OVERLAPS", ks("[1]"), ks("1")), want: vi(1)},
		{e: fn("JSON_OVERLAPS", ks("[[1]]"), ks("[1]")), want: vi(0)},
		// MEMBER OF is MySQL 8's; MariaDB has no such operator.
		{e: fn("JSON_MEMBEROF", ks("a"), ks(`["a","b"]`)), want: vi(1), kind: kInt, mysqlOnly: true},
		{e: fn("JSON_MEMBEROF", ki(2), ks(`[1,2.0]`)), want: vi(1), mysqlOnly: true},
		{e: fn("JSON_MEMBEROF", ks("2"), ks(`[1,2]`)), want: vi(0), mysqlOnly: true},
		{e: fn("JSON_MEMBEROF", ki(5), ks(`5`)), want: vi(1), mysqlOnly: true},
		{e: fn("JSON_MEMBEROF", kn, ks(`[null]`)), want: null, mysqlOnly: true},
	}
}

func TestJSONReadFunctions(t *testing.T) { runEvalCases(t, jsonReadCases()) }

// FuzzJSONRead checks that the JSON reading functions never panic on any document, path or
// candidate.
func FuzzJSONRead(f *testing.F) {
	f.Add(`{"a":[1,{"b":2}]}`, "$.a[1]", "[1]")
	f.Add(`[[[[]]]]`, "$[0]", `{"x":null}`)
	f.Fuzz(func(t *testing.T, doc, path, cand string) {
		for _, e := range []Expr{
			fn("JSON_TYPE", ks(doc)), fn("JSON_DEPTH", ks(doc)), fn("JSON_OVERLAPS", ks(doc), ks(cand)),
			fn("JSON_CONTAINS", ks(doc), ks(cand)), fn("JSON_MEMBEROF", ks(cand), ks(doc)),
		} {
			e.Eval(nil)
		}
		if _, err := parseJSONPath(path); err == nil {
			for _, e := range []Expr{fn("JSON_LENGTH", ks(doc), ks(path)), fn("JSON_KEYS", ks(doc), ks(path)),
				fn("JSON_CONTAINS_PATH", ks(doc), ks("one"), ks(path))} {
				e.Eval(nil)
			}
		}
	})
}
