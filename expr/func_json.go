package expr

import (
	"encoding/json"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// CodeInvalidJSON is MySQL's ER_INVALID_JSON_TEXT, for text stored in a JSON column that is
// no JSON document.
const CodeInvalidJSON = 3140

// JSON documents are kept as written, as MariaDB keeps them (a JSON column there is LONGTEXT
// checked by JSON_VALID), and JSON_EXTRACT returns the matching part of the text as written.
// MySQL would normalize spacing and key order instead.

// jsonType is the type of a JSON document: text that JSON_OBJECT and JSON_ARRAY embed as it
// is rather than as a quoted string.
var jsonType = dataflow.Type{Kind: dataflow.KindString, SQL: "JSON", Nullable: true}

func isJSONType(t dataflow.Type) bool { return t.Kind == dataflow.KindString && sqlBase(t) == "JSON" }

// IsJSONType reports whether t is the type of a JSON document (a JSON column, JSON_OBJECT,
// JSON_EXTRACT, ...), whose values JSON functions embed as they are.
func IsJSONType(t dataflow.Type) bool { return isJSONType(t) }

func init() {
	register(&funcSpec{name: "json_valid", minArgs: 1, maxArgs: 1, typ: nullableInt, eval: evalJSONValid})
	register(&funcSpec{name: "json_extract", minArgs: 2, maxArgs: -1, check: checkJSONPaths,
		typ: func([]Expr) dataflow.Type { return jsonType }, eval: evalJSONExtract, evalErr: jsonExtractEvalErr})
	register(&funcSpec{name: "json_unquote", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(displayLen(args[0].Type()), true)
		}, eval: evalJSONUnquote})
	register(&funcSpec{name: "json_object", minArgs: 0, maxArgs: -1, check: checkJSONObject,
		typ: func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindString, SQL: "JSON"} }, eval: evalJSONObject})
	register(&funcSpec{name: "json_array", minArgs: 0, maxArgs: -1,
		typ: func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindString, SQL: "JSON"} }, eval: evalJSONArray})
}

func evalJSONValid(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return dataflow.Null
	}
	return dataflow.Bool(v.Kind() == dataflow.KindString && json.Valid([]byte(v.RawString())))
}

// checkJSONPaths refuses constant paths that are no paths (error 3143).
func checkJSONPaths(args []Expr) error {
	for _, a := range args[1:] {
		if p, ok := constString(a); ok {
			if _, err := parseJSONPath(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkJSONSinglePaths refuses constant paths that are no paths (3143) or that could match
// several values (3149), for the functions that read one value.
func checkJSONSinglePaths(args []Expr) error {
	for _, a := range args[1:] {
		if p, ok := constString(a); ok {
			if _, err := parseJSONSinglePath(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonSkipSpace returns the index of the first non-space byte of s at or after i.
func jsonSkipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the end of the JSON value starting at s[i] (no leading space); ok is
// false for malformed text. Depth is bounded so that hostile nesting cannot exhaust the stack.
func jsonValueEnd(s string, i, depth int) (int, bool) {
	if i >= len(s) || depth > 512 {
		return i, false
	}
	switch c := s[i]; {
	case c == '"':
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return j + 1, true
			}
		}
		return i, false
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		j := jsonSkipSpace(s, i+1)
		if j < len(s) && s[j] == closer {
			return j + 1, true
		}
		for {
			if c == '{' {
				end, ok := jsonValueEnd(s, j, depth+1)
				if !ok || s[j] != '"' {
					return i, false
				}
				j = jsonSkipSpace(s, end)
				if j >= len(s) || s[j] != ':' {
					return i, false
				}
				j = jsonSkipSpace(s, j+1)
			}
			end, ok := jsonValueEnd(s, j, depth+1)
			if !ok {
				return i, false
			}
			j = jsonSkipSpace(s, end)
			if j >= len(s) {
				return i, false
			}
			if s[j] == closer {
				return j + 1, true
			}
			if s[j] != ',' {
				return i, false
			}
			j = jsonSkipSpace(s, j+1)
		}
	default:
		j := i
		for j < len(s) && !strings.ContainsRune(" \t\n\r,]}:", rune(s[j])) {
			j++
		}
		return j, j > i
	}
}

// jsonFind returns the text of the value at a path that matches one value at most, as
// written; ok is false when the path matches nothing. A value that is no array is its own
// [0] and [last], as in MySQL.
func jsonFind(doc string, steps []jsonStep) (string, bool) {
	if !simpleLegs(steps) {
		hits := jsonMatches(doc, steps, true, true)
		if len(hits) == 0 {
			return "", false
		}
		return doc[hits[0].start:hits[0].end], true
	}
	// Names and plain indexes: read the text without listing the containers.
	i := jsonSkipSpace(doc, 0)
	end, ok := jsonValueEnd(doc, i, 0)
	if !ok {
		return "", false
	}
	for _, st := range steps {
		if i >= len(doc) {
			return "", false
		}
		open := doc[i]
		isMember := st.kind == legMember
		if (isMember && open != '{') || (!isMember && open != '[') {
			if !isMember && st.from.n == 0 {
				continue // [0] of a value that is no array is the value itself
			}
			return "", false
		}
		j := jsonSkipSpace(doc, i+1)
		found := false
		var at jsonSpan
		for n := 0; j < end && doc[j] != '}' && doc[j] != ']'; n++ {
			var name string
			if open == '{' {
				kend, _ := jsonValueEnd(doc, j, 0)
				if name, ok = jsonKey(doc[j:kend]); !ok {
					return "", false
				}
				j = jsonSkipSpace(doc, jsonSkipSpace(doc, kend)+1)
			}
			vend, ok := jsonValueEnd(doc, j, 0)
			if !ok {
				return "", false
			}
			if open == '{' && name == st.member {
				// Keep looking: a name written twice keeps its last value, as in MySQL 8.
				at, found = jsonSpan{j, vend}, true
			}
			if open == '[' && n == st.from.n {
				at, found = jsonSpan{j, vend}, true
				break
			}
			j = jsonSkipSpace(doc, vend)
			if j < len(doc) && doc[j] == ',' {
				j = jsonSkipSpace(doc, j+1)
			}
		}
		if !found {
			return "", false
		}
		i, end = at.start, at.end
	}
	return doc[i:end], true
}

// evalJSONExtract returns the value one path matches as it is; several paths, or a path with a
// wildcard, `**` or a range, give an array of every match, in the paths' order and each
// path's in document order, as in MySQL. Nothing matched is NULL.
func evalJSONExtract(c *call, row dataflow.Row) dataflow.Value {
	vals, null := c.evalArgs(row, nil)
	if null {
		return dataflow.Null
	}
	doc := vals[0].ToText()
	if !jsonDocOK(doc) {
		return dataflow.Null
	}
	var parts []string
	wrap := len(vals) > 2
	for _, p := range vals[1:] {
		steps, err := parseJSONPath(p.ToText())
		if err != nil {
			return dataflow.Null
		}
		if !manyLegs(steps) {
			if frag, ok := jsonFind(doc, steps); ok {
				parts = append(parts, frag)
			}
			continue
		}
		wrap = true
		for _, h := range jsonMatches(doc, steps, true, false) {
			parts = append(parts, doc[h.start:h.end])
		}
	}
	switch {
	case len(parts) == 0:
		return dataflow.Null
	case !wrap:
		return dataflow.String(parts[0])
	}
	return dataflow.String("[" + strings.Join(parts, ", ") + "]")
}

func evalJSONUnquote(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	s := v.ToText()
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var out string
		if err := json.Unmarshal([]byte(s), &out); err == nil {
			return dataflow.String(out)
		}
	}
	return dataflow.String(s)
}

// appendJSONValue appends v as a JSON value of an argument of type t.
func appendJSONValue(b []byte, v dataflow.Value, t dataflow.Type) []byte {
	return AppendJSONValue(b, v, isJSONType(t))
}

// AppendJSONValue appends v as MariaDB writes a value into JSON text: NULL as null, numbers
// as their text, a JSON document (doc: the value comes from a JSON-typed expression) as it
// is, anything else (strings, dates, text that is no document) as a quoted string.
func AppendJSONValue(b []byte, v dataflow.Value, doc bool) []byte {
	switch {
	case v.IsNull():
		return append(b, "null"...)
	case v.IsNumeric():
		return append(b, v.ToText()...)
	case doc && json.Valid([]byte(v.ToText())):
		return append(b, v.ToText()...)
	}
	return AppendJSONString(b, v.ToText())
}

// AppendJSONString appends s as a JSON string with MariaDB's escapes: a quote and a backslash
// escaped, the control characters that have a short escape (\b \f \n \r \t) by it and the
// others as \u00XX; every other byte, non-ASCII text included, as it is.
func AppendJSONString(b []byte, s string) []byte {
	return appendJSONString(b, s, "0123456789ABCDEF")
}

// appendJSONString is AppendJSONString with the given hex digits (MariaDB writes \u001B,
// MySQL 8's documents \u001b).
func appendJSONString(b []byte, s, hex string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// jsonMemberSpec is not registered: no SQL names it. The planner builds it for
// JSON_OBJECTAGG, whose aggregate collects the members' text.
var jsonMemberSpec = &funcSpec{name: "json_objectagg_member", minArgs: 2, maxArgs: 2,
	typ:  func([]Expr) dataflow.Type { return dataflow.Type{Kind: dataflow.KindString, Nullable: true} },
	eval: evalJSONMember}

// NewJSONMember is the text of one JSON_OBJECTAGG member, `"key":value` as MariaDB writes it
// (no space after the colon), or NULL when the key is NULL: MariaDB skips such a row.
func NewJSONMember(key, value Expr) Expr { return newCall(jsonMemberSpec, []Expr{key, value}) }

func evalJSONMember(c *call, row dataflow.Row) dataflow.Value {
	k := c.args[0].Eval(row)
	if k.IsNull() {
		return dataflow.Null
	}
	b := AppendJSONString(nil, k.ToText())
	b = append(b, ':')
	b = appendJSONValue(b, c.args[1].Eval(row), c.args[1].Type())
	return dataflow.String(string(b))
}

func checkJSONObject(args []Expr) error {
	if len(args)%2 != 0 {
		return ErrArgCount
	}
	return nil
}

func evalJSONObject(c *call, row dataflow.Row) dataflow.Value {
	b := []byte{'{'}
	for i := 0; i+1 < len(c.args); i += 2 {
		k := c.args[i].Eval(row)
		if k.IsNull() {
			// MySQL refuses a NULL key; no object can be built.
			return dataflow.Null
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(AppendJSONString(b, k.ToText()), ": "...)
		b = appendJSONValue(b, c.args[i+1].Eval(row), c.args[i+1].Type())
	}
	return dataflow.String(string(append(b, '}')))
}

func evalJSONArray(c *call, row dataflow.Row) dataflow.Value {
	b := []byte{'['}
	for i, a := range c.args {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendJSONValue(b, a.Eval(row), a.Type())
	}
	return dataflow.String(string(append(b, ']')))
}
