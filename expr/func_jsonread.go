package expr

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// JSON functions that read a document without rewriting it: JSON_TYPE, JSON_LENGTH,
// JSON_DEPTH, JSON_KEYS, JSON_QUOTE, JSON_CONTAINS, JSON_CONTAINS_PATH, JSON_OVERLAPS and
// `value MEMBER OF (array)`, with MySQL 8's semantics: numbers compare by value (1 = 1.0),
// strings exactly, a duplicate key keeps its last value, and JSON_KEYS lists an object's
// keys in MySQL's storage order (shorter keys first, then by bytes; MariaDB keeps the order
// as written). Text that is not a JSON document gives NULL, as MariaDB gives (MySQL raises
// error 3141).

func init() {
	register(&funcSpec{name: "json_type", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return stringResult(16, true) }, eval: evalJSONType})
	register(&funcSpec{name: "json_length", minArgs: 1, maxArgs: 2, check: checkJSONSinglePaths,
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONLength})
	register(&funcSpec{name: "json_depth", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONDepth})
	register(&funcSpec{name: "json_keys", minArgs: 1, maxArgs: 2, check: checkJSONSinglePaths,
		typ: func([]Expr) dataflow.Type { return jsonType }, eval: evalJSONKeys})
	register(&funcSpec{name: "json_quote", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return stringResult(6*displayLen(args[0].Type())+2, anyNullable(args))
		}, eval: evalJSONQuote})
	register(&funcSpec{name: "json_contains", minArgs: 2, maxArgs: 3, check: checkJSONContainsPath(2),
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONContains})
	register(&funcSpec{name: "json_contains_path", minArgs: 3, maxArgs: -1, check: checkJSONContainsPathArgs,
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONContainsPath, evalErr: jsonContainsPathEvalErr})
	register(&funcSpec{name: "json_overlaps", minArgs: 2, maxArgs: 2,
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONOverlaps})
	register(&funcSpec{name: "json_memberof", minArgs: 2, maxArgs: 2,
		typ: func([]Expr) dataflow.Type { return intResult(true) }, eval: evalJSONMemberOf})
}

// jsonParse reads a document into Go values, numbers kept as json.Number; ok is false for
// text that is not exactly one JSON value.
func jsonParse(s string) (any, bool) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if strings.TrimLeft(s[d.InputOffset():], " \t\n\r") != "" {
		return nil, false // text after the value
	}
	return v, true
}

// jsonArg reads argument i as a document: NULL and text that is no document give ok false.
func (c *call) jsonArg(row dataflow.Row, i int) (any, bool) {
	v := c.args[i].Eval(row)
	if v.IsNull() {
		return nil, false
	}
	return jsonParse(text(v))
}

// jsonAt returns the value at the path argument i of doc text (the whole document without
// one); found is false when nothing matches, ok false for NULL or a malformed document.
func (c *call) jsonAt(row dataflow.Row, i int) (v any, found, ok bool) {
	dv := c.args[0].Eval(row)
	if dv.IsNull() {
		return nil, false, false
	}
	doc := text(dv)
	if len(c.args) <= i {
		v, ok = jsonParse(doc)
		return v, ok, ok
	}
	pv := c.args[i].Eval(row)
	if pv.IsNull() {
		return nil, false, false
	}
	steps, err := parseJSONSinglePath(text(pv))
	if err != nil || !jsonDocOK(doc) {
		return nil, false, false
	}
	part, found := jsonFind(doc, steps)
	if !found {
		return nil, false, true
	}
	v, ok = jsonParse(part)
	return v, ok, ok
}

func jsonTypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case string:
		return "STRING"
	case []any:
		return "ARRAY"
	case map[string]any:
		return "OBJECT"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "DOUBLE"
		}
		if !strings.HasPrefix(string(x), "-") {
			if n, ok := new(big.Int).SetString(string(x), 10); ok && n.BitLen() > 63 {
				return "UNSIGNED INTEGER"
			}
		}
		return "INTEGER"
	}
	return "NULL"
}

func evalJSONType(c *call, row dataflow.Row) dataflow.Value {
	v, ok := c.jsonArg(row, 0)
	if !ok {
		return dataflow.Null
	}
	return dataflow.String(jsonTypeName(v))
}

func evalJSONLength(c *call, row dataflow.Row) dataflow.Value {
	v, found, ok := c.jsonAt(row, 1)
	if !ok || !found {
		return dataflow.Null
	}
	switch x := v.(type) {
	case []any:
		return dataflow.Int(int64(len(x)))
	case map[string]any:
		return dataflow.Int(int64(len(x)))
	}
	return dataflow.Int(1)
}

func jsonDepth(v any) int64 {
	var d int64
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d = max(d, jsonDepth(e))
		}
	case map[string]any:
		for _, e := range x {
			d = max(d, jsonDepth(e))
		}
	default:
		return 1
	}
	return d + 1
}

func evalJSONDepth(c *call, row dataflow.Row) dataflow.Value {
	v, ok := c.jsonArg(row, 0)
	if !ok {
		return dataflow.Null
	}
	return dataflow.Int(jsonDepth(v))
}

// mysqlKeyOrder is the order MySQL 8 stores an object's keys in: by length, then by bytes.
func mysqlKeyOrder(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func evalJSONKeys(c *call, row dataflow.Row) dataflow.Value {
	v, found, ok := c.jsonAt(row, 1)
	obj, isObj := v.(map[string]any)
	if !ok || !found || !isObj {
		return dataflow.Null
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, mysqlKeyOrder)
	b := []byte{'['}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = AppendJSONString(b, k)
	}
	return dataflow.String(string(append(b, ']')))
}

func evalJSONQuote(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	return dataflow.String(string(AppendJSONString(nil, text(v))))
}

// jsonNumberEqual compares two JSON numbers by value.
func jsonNumberEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, ok1 := new(big.Rat).SetString(string(a))
	y, ok2 := new(big.Rat).SetString(string(b))
	return ok1 && ok2 && x.Cmp(y) == 0
}

func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && jsonNumberEqual(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return a == b
}

// jsonContains is MySQL's containment: a scalar contains an equal scalar; an array contains
// an array whose every element it contains, and any other value that one of its elements
// contains; an object contains an object whose every key it has with a value containing the
// candidate's.
func jsonContains(target, cand any) bool {
	switch t := target.(type) {
	case []any:
		if ca, ok := cand.([]any); ok {
			for _, e := range ca {
				if !jsonContains(t, e) {
					return false
				}
			}
			return true
		}
		for _, e := range t {
			if jsonContains(e, cand) {
				return true
			}
		}
		return false
	case map[string]any:
		co, ok := cand.(map[string]any)
		if !ok {
			return false
		}
		for k, cv := range co {
			tv, ok := t[k]
			if !ok || !jsonContains(tv, cv) {
				return false
			}
		}
		return true
	}
	switch cand.(type) {
	case []any, map[string]any:
		return false
	}
	return jsonEqual(target, cand)
}

func checkJSONContainsPath(pathArg int) func(args []Expr) error {
	return func(args []Expr) error {
		if len(args) <= pathArg {
			return nil
		}
		return checkJSONSinglePaths(append([]Expr{args[0]}, args[pathArg:]...))
	}
}

func evalJSONContains(c *call, row dataflow.Row) dataflow.Value {
	cand, ok := c.jsonArg(row, 1)
	if !ok {
		return dataflow.Null
	}
	target, found, ok := c.jsonAt(row, 2)
	if !ok || !found {
		return dataflow.Null
	}
	return dataflow.Bool(jsonContains(target, cand))
}

func checkJSONContainsPathArgs(args []Expr) error {
	if err := checkOneOrAll("json_contains_path", args[1]); err != nil {
		return err
	}
	return checkJSONPaths(append([]Expr{args[0]}, args[2:]...))
}

// checkOneOrAll refuses a constant that is neither 'one' nor 'all' (error 3154).
func checkOneOrAll(fn string, a Expr) error {
	if s, ok := constString(a); ok {
		if _, ok := parseOneOrAll(s); !ok {
			return badOneOrAll(fn)
		}
	}
	return nil
}

// parseOneOrAll reads 'one' or 'all' in any letter case: all reports 'all', ok false for
// anything else.
func parseOneOrAll(s string) (all, ok bool) {
	switch strings.ToLower(s) {
	case "all":
		return true, true
	case "one":
		return false, true
	}
	return false, false
}

// evalJSONContainsPath is JSON_CONTAINS_PATH(doc, 'one'|'all', path, …): whether one or all
// of the paths match something (a path with wildcards matching anything counts).
func evalJSONContainsPath(c *call, row dataflow.Row) dataflow.Value {
	dv := c.args[0].Eval(row)
	mv := c.args[1].Eval(row)
	if dv.IsNull() || mv.IsNull() {
		return dataflow.Null
	}
	doc := text(dv)
	if !jsonDocOK(doc) {
		return dataflow.Null
	}
	all, ok := parseOneOrAll(text(mv))
	if !ok {
		return dataflow.Null
	}
	// Paths are read in turn until the answer is known, as MySQL reads them: a NULL or
	// malformed path after that does not matter.
	for _, a := range c.args[2:] {
		pv := a.Eval(row)
		if pv.IsNull() {
			return dataflow.Null
		}
		steps, err := parseJSONPath(text(pv))
		if err != nil {
			return dataflow.Null
		}
		if found := len(jsonMatches(doc, steps, true, true)) > 0; found != all {
			return dataflow.Bool(found)
		}
	}
	return dataflow.Bool(all)
}

// jsonContainsPathEvalErr is the error MySQL raises for JSON_CONTAINS_PATH's arguments.
func jsonContainsPathEvalErr(c *call, row dataflow.Row) error {
	if err := c.jsonDocError(row, 0); err != nil {
		return err
	}
	if v := c.args[1].Eval(row); !v.IsNull() {
		if _, ok := parseOneOrAll(text(v)); !ok {
			return badOneOrAll(c.spec.name)
		}
	}
	return c.jsonPathsError(row, 2, len(c.args))
}

// jsonOverlaps is JSON_OVERLAPS: arrays share an element, objects a key with equal values; a
// scalar overlaps an array holding it and an equal scalar.
func jsonOverlaps(a, b any) bool {
	aa, aArr := a.([]any)
	ba, bArr := b.([]any)
	switch {
	case aArr && bArr:
		for _, x := range aa {
			for _, y := range ba {
				if jsonEqual(x, y) {
					return true
				}
			}
		}
		return false
	case aArr:
		return slices.ContainsFunc(aa, func(x any) bool { return jsonEqual(x, b) })
	case bArr:
		return slices.ContainsFunc(ba, func(y any) bool { return jsonEqual(a, y) })
	}
	ao, aObj := a.(map[string]any)
	bo, bObj := b.(map[string]any)
	if aObj && bObj {
		for k, v := range ao {
			if w, ok := bo[k]; ok && jsonEqual(v, w) {
				return true
			}
		}
		return false
	}
	return jsonEqual(a, b)
}

func evalJSONOverlaps(c *call, row dataflow.Row) dataflow.Value {
	a, ok1 := c.jsonArg(row, 0)
	b, ok2 := c.jsonArg(row, 1)
	if !ok1 || !ok2 {
		return dataflow.Null
	}
	return dataflow.Bool(jsonOverlaps(a, b))
}

// sqlJSONValue is an SQL value as the JSON scalar MEMBER OF compares: a JSON document as
// parsed, numbers as numbers, anything else as a string.
func sqlJSONValue(v dataflow.Value, t dataflow.Type) (any, bool) {
	if isJSONType(t) {
		return jsonParse(text(v))
	}
	if v.IsNumeric() {
		var b bytes.Buffer
		b.WriteString(v.ToText())
		return json.Number(b.String()), true
	}
	return text(v), true
}

// evalJSONMemberOf is `value MEMBER OF (doc)`: value equals an element of the array doc (or
// doc itself when it is not an array).
func evalJSONMemberOf(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	if v.IsNull() {
		return v
	}
	doc, ok := c.jsonArg(row, 1)
	if !ok {
		return dataflow.Null
	}
	val, ok := sqlJSONValue(v, c.args[0].Type())
	if !ok {
		return dataflow.Null
	}
	if arr, isArr := doc.([]any); isArr {
		return dataflow.Bool(slices.ContainsFunc(arr, func(x any) bool { return jsonEqual(x, val) }))
	}
	return dataflow.Bool(jsonEqual(doc, val))
}
