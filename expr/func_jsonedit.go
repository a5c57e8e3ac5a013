package expr

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// JSON functions that build a new document from an old one: JSON_SET, JSON_INSERT,
// JSON_REPLACE, JSON_REMOVE, JSON_ARRAY_APPEND, JSON_ARRAY_INSERT, JSON_MERGE_PATCH,
// JSON_MERGE_PRESERVE (and JSON_MERGE, its deprecated name), with MySQL 8's semantics and
// MySQL 8's normalized output: object members in MySQL's storage order (shorter keys first,
// then by bytes), a duplicate key keeping its last value, `{"a": 1, "b": [1, 2]}` with a
// space after ':' and ','. Numbers keep the text they were written with (MySQL 8 would
// rewrite a double such as 1.50 as 1.5). Text that is no JSON document, and a path that is
// no path, are MySQL's errors 3141 and 3143 when the argument is a constant (the query is
// refused when it is planned); when the argument comes from a row or a parameter they give
// NULL, as MariaDB gives, since a cached view has no way to fail a read, and writes raise
// them through JSONEvalError.

// MySQL error numbers of the JSON functions' arguments.
const (
	CodeInvalidJSONArg       = 3141 // ER_INVALID_JSON_TEXT_IN_PARAM
	CodeInvalidJSONPath      = 3143 // ER_INVALID_JSON_PATH
	CodeJSONPathWildcard     = 3149 // ER_INVALID_JSON_PATH_WILDCARD
	CodeJSONVacuousPath      = 3153 // ER_JSON_VACUOUS_PATH
	CodeJSONPathNotArrayCell = 3165 // ER_INVALID_JSON_PATH_ARRAY_CELL
)

// JSONError is a MySQL JSON error: one that a call's constant arguments raise when the query
// is planned, or that JSONEvalError finds for a write.
type JSONError struct {
	Code int
	Msg  string
}

func (e *JSONError) Error() string { return e.Msg }

// SQLState is the SQLSTATE MySQL sends with the error.
func (e *JSONError) SQLState() string {
	switch e.Code {
	case CodeInvalidJSONArg:
		return "22032"
	case CodeWrongArguments:
		return "HY000"
	}
	return "42000"
}

// UnsupportedArgError is an argument of a function Weir implements that Weir does not take
// yet; it wraps ErrUnsupported.
type UnsupportedArgError struct{ What string }

func (e *UnsupportedArgError) Error() string { return e.What + ": " + ErrUnsupported.Error() }
func (e *UnsupportedArgError) Unwrap() error { return ErrUnsupported }

// jsonEditOp says what a path-value function does at the path's end.
type jsonEditOp uint8

const (
	editSet jsonEditOp = iota
	editInsert
	editReplace
	editArrayAppend
	editArrayInsert
)

func init() {
	docType := func([]Expr) dataflow.Type { return jsonType }
	for _, f := range []struct {
		name string
		op   jsonEditOp
	}{
		{"json_set", editSet}, {"json_insert", editInsert}, {"json_replace", editReplace},
		{"json_array_append", editArrayAppend}, {"json_array_insert", editArrayInsert},
	} {
		op := f.op
		name := f.name
		register(&funcSpec{name: name, minArgs: 3, maxArgs: -1,
			check:   func(args []Expr) error { return checkJSONEdit(name, op, args) },
			typ:     docType,
			eval:    func(c *call, row dataflow.Row) dataflow.Value { return evalJSONEdit(c, row, op) },
			evalErr: jsonEditEvalErr(op)})
	}
	register(&funcSpec{name: "json_remove", minArgs: 2, maxArgs: -1,
		check: checkJSONRemove, typ: docType, eval: evalJSONRemove, evalErr: jsonRemoveEvalErr})
	register(&funcSpec{name: "json_merge_patch", minArgs: 2, maxArgs: -1,
		check: checkJSONDocs("json_merge_patch"), typ: docType, eval: evalJSONMergePatch, evalErr: jsonDocsEvalErr})
	register(&funcSpec{name: "json_merge_preserve", minArgs: 2, maxArgs: -1,
		check: checkJSONDocs("json_merge_preserve"), typ: docType, eval: evalJSONMergePreserve, evalErr: jsonDocsEvalErr}, "json_merge")
}

// jsonArgError is error 3141 for argument n (from 1) of fn, as MySQL words it.
func jsonArgError(fn string, n int, doc string) error {
	reason, pos := "Invalid value.", 0
	if strings.TrimSpace(doc) == "" {
		reason = "The document is empty."
	} else {
		var v any
		err := json.Unmarshal([]byte(doc), &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			pos = int(se.Offset)
			if pos > 0 {
				pos--
			}
		}
		if err == nil {
			reason = "The document root must not be followed by other values."
		}
	}
	return &JSONError{Code: CodeInvalidJSONArg, Msg: fmt.Sprintf("Invalid JSON text in argument %d to function %s: %q at position %d.", n, fn, reason, pos)}
}

// parseJSONEditPath parses a path of a function that changes a document: MySQL refuses
// wildcards, `**` and ranges there (3149); `last` counts from the end of the array the path
// reaches.
func parseJSONEditPath(p string) ([]jsonStep, error) { return parseJSONSinglePath(p) }

// notArrayCell reports a JSON_ARRAY_INSERT path that does not end in an array cell (3165).
func notArrayCell(steps []jsonStep) bool {
	return len(steps) == 0 || steps[len(steps)-1].kind != legCell
}

// checkConstDoc refuses a constant document argument (number n from 1) that is no JSON.
func checkConstDoc(fn string, a Expr, n int) error {
	if s, ok := constString(a); ok {
		if _, valid := jsonParse(s); !valid {
			return jsonArgError(fn, n, s)
		}
	}
	return nil
}

func checkJSONEdit(fn string, op jsonEditOp, args []Expr) error {
	if len(args)%2 != 1 {
		return ErrArgCount
	}
	if err := checkConstDoc(fn, args[0], 1); err != nil {
		return err
	}
	for i := 1; i < len(args); i += 2 {
		p, ok := constString(args[i])
		if !ok {
			continue
		}
		steps, err := parseJSONEditPath(p)
		if err != nil {
			return err
		}
		if op == editArrayInsert && notArrayCell(steps) {
			return &JSONError{Code: CodeJSONPathNotArrayCell, Msg: "A path expression is not a path to a cell in an array."}
		}
	}
	return nil
}

func checkJSONRemove(args []Expr) error {
	if err := checkConstDoc("json_remove", args[0], 1); err != nil {
		return err
	}
	for _, a := range args[1:] {
		p, ok := constString(a)
		if !ok {
			continue
		}
		steps, err := parseJSONEditPath(p)
		if err != nil {
			return err
		}
		if len(steps) == 0 {
			return &JSONError{Code: CodeJSONVacuousPath, Msg: "The path expression '$' is not allowed in this context."}
		}
	}
	return nil
}

func checkJSONDocs(fn string) func(args []Expr) error {
	return func(args []Expr) error {
		for i, a := range args {
			if err := checkConstDoc(fn, a, i+1); err != nil {
				return err
			}
		}
		return nil
	}
}

// isBoolExpr reports a comparison, a logical operator or TRUE/FALSE, whose 1 and 0 MySQL writes into a
// document as true and false (an integer, a TINYINT(1) column included, stays a number).
func isBoolExpr(e Expr) bool {
	switch x := e.(type) {
	case *cmp, *in, *between, *logic, *not, *like, *isNull, *isBool:
		return true
	case *call:
		return x.spec.name == "regexp_like"
	case *constant:
		return x.boolean
	}
	return false
}

// IsBoolExpr reports a comparison, a logical operator or a boolean literal: an expression
// whose 1 and 0 a JSON document holds as true and false.
func IsBoolExpr(e Expr) bool { return isBoolExpr(e) }

// sqlToJSON is an SQL value as the JSON value MySQL 8 writes into a document: NULL as null, a
// JSON document (a JSON column or a JSON function's result) as that document, a comparison
// as true or false, numbers as numbers, dates and times as strings in MySQL's JSON format
// (a DATETIME or TIME with six fractional digits), anything else as a string.
func sqlToJSON(v dataflow.Value, e Expr) any {
	t := e.Type()
	switch {
	case v.IsNull():
		return nil
	case isJSONType(t):
		if d, ok := jsonParse(text(v)); ok {
			return d
		}
	case isBoolExpr(e) && v.Kind() == dataflow.KindInt:
		return v.RawInt() != 0
	case v.IsNumeric():
		if n := v.ToText(); isJSONNumber(n) {
			return json.Number(n)
		}
		if f, ok := v.ToFloat(); ok {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case v.Kind() == dataflow.KindDatetime:
		return dataflow.Datetime(v.Time(), 6).ToText()
	case v.Kind() == dataflow.KindTime:
		return dataflow.TimeMicros(v.Micros(), 6).ToText()
	}
	return text(v)
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil && strings.TrimLeft(s, "-0123456789.eE+") == ""
}

// appendMySQLJSON writes v in MySQL 8's normalized text.
func appendMySQLJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case json.Number:
		return append(b, x...)
	case string:
		return appendMySQLJSONString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendMySQLJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, mysqlKeyOrder)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendMySQLJSONString(b, k)
			b = append(b, ": "...)
			b = appendMySQLJSON(b, x[k])
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// appendMySQLJSONString quotes s as MySQL 8 does: a quote and a backslash escaped, the
// control characters by their short escape or \u00xx, everything else as it is.
func appendMySQLJSONString(b []byte, s string) []byte {
	// A document holds UTF-8 text; bytes that are none read as U+FFFD, as when parsed.
	return appendJSONString(b, strings.ToValidUTF8(s, "\uFFFD"), "0123456789abcdef")
}

func jsonResult(v any) dataflow.Value { return dataflow.String(string(appendMySQLJSON(nil, v))) }

// jsonEditHolder lets a path step replace the value it reached: root holds the whole
// document, an object member or an array cell a part of it.
type jsonEditHolder struct {
	get func() any
	set func(any)
}

func rootHolder(doc *any) jsonEditHolder {
	return jsonEditHolder{get: func() any { return *doc }, set: func(v any) { *doc = v }}
}

// jsonStepInto moves from the value h holds one step down; ok is false when the step
// matches nothing. [0] and [last] of a value that is not an array are that value, as in MySQL.
func jsonStepInto(h jsonEditHolder, st jsonStep) (jsonEditHolder, bool) {
	arr, isArr := h.get().([]any)
	if st.kind == legCell && !isArr {
		return h, st.autoWraps()
	}
	switch x := h.get().(type) {
	case map[string]any:
		if _, ok := x[st.member]; !ok {
			return h, false
		}
		return jsonEditHolder{get: func() any { return x[st.member] }, set: func(v any) { x[st.member] = v }}, true
	case []any:
		if st.kind != legCell {
			return h, false
		}
		i, within := st.from.at(len(arr))
		if !within {
			return h, false
		}
		return jsonEditHolder{get: func() any { return x[i] }, set: func(v any) { x[i] = v }}, true
	}
	return h, false
}

// jsonSeek follows steps from the document's root.
func jsonSeek(doc *any, steps []jsonStep) (jsonEditHolder, bool) {
	h := rootHolder(doc)
	for _, st := range steps {
		var ok bool
		if h, ok = jsonStepInto(h, st); !ok {
			return h, false
		}
	}
	return h, true
}

// jsonEditAt applies one path-value pair to doc.
func jsonEditAt(doc *any, steps []jsonStep, val any, op jsonEditOp) {
	if op == editArrayAppend {
		h, ok := jsonSeek(doc, steps)
		if !ok {
			return
		}
		if arr, isArr := h.get().([]any); isArr {
			h.set(append(arr, val))
		} else {
			h.set([]any{h.get(), val})
		}
		return
	}
	if len(steps) == 0 {
		// `$` is the whole document, which exists: JSON_SET and JSON_REPLACE replace it.
		if op == editSet || op == editReplace {
			*doc = val
		}
		return
	}
	parent, ok := jsonSeek(doc, steps[:len(steps)-1])
	if !ok {
		return
	}
	last := steps[len(steps)-1]
	if op == editArrayInsert {
		if arr, isArr := parent.get().([]any); isArr {
			i, _ := last.from.at(len(arr))
			parent.set(slices.Insert(arr, i, val))
		}
		return
	}
	if last.kind == legMember {
		obj, isObj := parent.get().(map[string]any)
		if !isObj {
			return
		}
		_, exists := obj[last.member]
		if (exists && op != editInsert) || (!exists && op != editReplace) {
			obj[last.member] = val
		}
		return
	}
	arr, isArr := parent.get().([]any)
	if !isArr {
		// A value that is no array is taken as a one-element array: [0] and [last] are the
		// value itself; past its end MySQL wraps it in an array, the new value before it
		// for an index counted back past the start.
		arr = []any{parent.get()}
	}
	i, within := last.from.at(len(arr))
	switch {
	case within && op != editInsert:
		if isArr {
			arr[i] = val
		} else {
			parent.set(val)
		}
	case !within && op != editReplace:
		parent.set(slices.Insert(arr, i, val))
	}
}

func evalJSONEdit(c *call, row dataflow.Row, op jsonEditOp) dataflow.Value {
	doc, ok := c.jsonArg(row, 0)
	if !ok {
		return dataflow.Null
	}
	for i := 1; i+1 < len(c.args); i += 2 {
		pv := c.args[i].Eval(row)
		if pv.IsNull() {
			return dataflow.Null
		}
		steps, err := parseJSONEditPath(text(pv))
		if err != nil || (op == editArrayInsert && notArrayCell(steps)) {
			return dataflow.Null
		}
		val := sqlToJSON(c.args[i+1].Eval(row), c.args[i+1])
		jsonEditAt(&doc, steps, val, op)
	}
	return jsonResult(doc)
}

func evalJSONRemove(c *call, row dataflow.Row) dataflow.Value {
	doc, ok := c.jsonArg(row, 0)
	if !ok {
		return dataflow.Null
	}
	// MySQL reads every path before it removes anything.
	paths := make([][]jsonStep, 0, len(c.args)-1)
	for _, a := range c.args[1:] {
		pv := a.Eval(row)
		if pv.IsNull() {
			return dataflow.Null
		}
		steps, err := parseJSONEditPath(text(pv))
		if err != nil || len(steps) == 0 {
			return dataflow.Null
		}
		paths = append(paths, steps)
	}
	for _, steps := range paths {
		parent, ok := jsonSeek(&doc, steps[:len(steps)-1])
		if !ok {
			continue
		}
		last := steps[len(steps)-1]
		switch x := parent.get().(type) {
		case map[string]any:
			if last.kind == legMember {
				delete(x, last.member)
			}
		case []any:
			if i, within := last.from.at(len(x)); last.kind == legCell && within {
				parent.set(slices.Delete(x, i, i+1))
			}
		}
	}
	return jsonResult(doc)
}

// jsonMergePatch is RFC 7396's merge of patch into target.
func jsonMergePatch(target, patch any) any {
	p, isObj := patch.(map[string]any)
	if !isObj {
		return patch
	}
	t, isObj := target.(map[string]any)
	if !isObj {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = jsonMergePatch(t[k], v)
	}
	return t
}

// evalJSONMergePatch merges its documents left to right. A NULL document makes the result
// NULL until a later document that is no object replaces the result whole, as in MySQL.
func evalJSONMergePatch(c *call, row dataflow.Row) dataflow.Value {
	var result any
	null := false
	for i := range c.args {
		v := c.args[i].Eval(row)
		if v.IsNull() {
			null = true
			continue
		}
		patch, ok := jsonParse(text(v))
		if !ok {
			return dataflow.Null
		}
		switch _, isObj := patch.(map[string]any); {
		case i == 0 || !isObj:
			result, null = patch, null && isObj
		case !null:
			result = jsonMergePatch(result, patch)
		}
	}
	if null {
		return dataflow.Null
	}
	return jsonResult(result)
}

// jsonMergePreserve is MySQL's JSON_MERGE_PRESERVE of two values: arrays concatenate (a
// value that is no array taking part as a one-element array), objects combine their
// members, merging the values of a key both have.
func jsonMergePreserve(a, b any) any {
	ao, aObj := a.(map[string]any)
	bo, bObj := b.(map[string]any)
	if aObj && bObj {
		for k, v := range bo {
			if old, ok := ao[k]; ok {
				ao[k] = jsonMergePreserve(old, v)
			} else {
				ao[k] = v
			}
		}
		return ao
	}
	aa, aArr := a.([]any)
	if !aArr {
		aa = []any{a}
	}
	if ba, bArr := b.([]any); bArr {
		return append(aa, ba...)
	}
	return append(aa, b)
}

func evalJSONMergePreserve(c *call, row dataflow.Row) dataflow.Value {
	var result any
	for i := range c.args {
		v, ok := c.jsonArg(row, i)
		if !ok {
			return dataflow.Null
		}
		if i == 0 {
			result = v
			continue
		}
		result = jsonMergePreserve(result, v)
	}
	return jsonResult(result)
}

// JSONEvalError is the error MySQL raises when it evaluates e over row and a JSON function
// at the top of e (or in the document argument of one) is given a document that is no JSON
// (3141) or a path that is no path (3143, 3149, 3153, 3165), where Eval gives NULL. Writes
// check their values with it, so that an INSERT or UPDATE fails as in MySQL, where a cached
// read can only give NULL. Calls under other expressions (a CASE branch MySQL might not
// evaluate) are not looked at.
func JSONEvalError(e Expr, row dataflow.Row) error {
	c, ok := e.(*call)
	if !ok || c.spec.evalErr == nil {
		return nil
	}
	if err := c.spec.evalErr(c, row); err != nil {
		return err
	}
	return JSONEvalError(c.args[0], row)
}

// jsonDocError checks argument i as a document.
func (c *call) jsonDocError(row dataflow.Row, i int) error {
	v := c.args[i].Eval(row)
	if v.IsNull() || isJSONType(c.args[i].Type()) {
		return nil
	}
	if s := text(v); !json.Valid([]byte(s)) {
		return jsonArgError(c.spec.name, i+1, s)
	}
	return nil
}

// jsonPathError checks argument i as a path of a function that changes a document.
func (c *call) jsonPathError(row dataflow.Row, i int, op jsonEditOp, remove bool) error {
	v := c.args[i].Eval(row)
	if v.IsNull() {
		return nil
	}
	steps, err := parseJSONEditPath(text(v))
	switch {
	case err != nil:
		return err
	case remove && len(steps) == 0:
		return &JSONError{Code: CodeJSONVacuousPath, Msg: "The path expression '$' is not allowed in this context."}
	case !remove && op == editArrayInsert && notArrayCell(steps):
		return &JSONError{Code: CodeJSONPathNotArrayCell, Msg: "A path expression is not a path to a cell in an array."}
	}
	return nil
}

func jsonEditEvalErr(op jsonEditOp) func(c *call, row dataflow.Row) error {
	return func(c *call, row dataflow.Row) error {
		if err := c.jsonDocError(row, 0); err != nil {
			return err
		}
		for i := 1; i < len(c.args); i += 2 {
			if err := c.jsonPathError(row, i, op, false); err != nil {
				return err
			}
		}
		return nil
	}
}

func jsonRemoveEvalErr(c *call, row dataflow.Row) error {
	if err := c.jsonDocError(row, 0); err != nil {
		return err
	}
	for i := 1; i < len(c.args); i++ {
		if err := c.jsonPathError(row, i, editSet, true); err != nil {
			return err
		}
	}
	return nil
}

func jsonDocsEvalErr(c *call, row dataflow.Row) error {
	for i := range c.args {
		if err := c.jsonDocError(row, i); err != nil {
			return err
		}
	}
	return nil
}

// jsonPathsError checks arguments from to end as paths of a function that takes wildcards.
func (c *call) jsonPathsError(row dataflow.Row, from, end int) error {
	for i := from; i < end; i++ {
		if v := c.args[i].Eval(row); !v.IsNull() {
			if _, err := parseJSONPath(text(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonExtractEvalErr(c *call, row dataflow.Row) error {
	if err := c.jsonDocError(row, 0); err != nil {
		return err
	}
	return c.jsonPathsError(row, 1, len(c.args))
}
