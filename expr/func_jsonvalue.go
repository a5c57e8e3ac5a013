package expr

import (
	"encoding/json"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// JSON_VALUE(doc, path [RETURNING type] [{NULL | DEFAULT v} ON EMPTY] [{NULL | DEFAULT v} ON
// ERROR]), as in MySQL 8: the scalar at path, unquoted, converted to type (VARCHAR(512)
// without RETURNING). A path that matches nothing is the ON EMPTY value, an object, an array
// or a value the type cannot hold (under the strict rules of INSERT) the ON ERROR value;
// both are NULL unless a DEFAULT says otherwise. JSON's null is NULL.
//
// The parser takes the call with two arguments only; the planner rewrites the clauses into
// three more arguments and a marker: CAST(NULL AS type) (NULL without RETURNING), the ON
// EMPTY and ON ERROR values (NULL without a DEFAULT), and a constant that starts with
// JSONValueMarker, then E for an ERROR ON EMPTY or ERROR ON ERROR clause, J for RETURNING
// JSON (both refused by name: an error while a view is kept has nowhere to go, and Weir's
// JSON_VALUE returns scalars only) or -, and what the planner needs to give the call its
// original text back.

// JSONValueMarker starts the last argument of a rewritten JSON_VALUE call.
const JSONValueMarker = "<weir:json_value>:"

// jsonValueDefault is JSON_VALUE's type without RETURNING.
var jsonValueDefault = dataflow.Type{Kind: dataflow.KindString, Precision: 512, SQL: "VARCHAR(512)", Nullable: true}

func init() {
	register(&funcSpec{name: "json_value", minArgs: 2, maxArgs: 6, check: checkJSONValue,
		typ: func(args []Expr) dataflow.Type {
			if len(args) > 2 && args[2].Type().Kind != dataflow.KindNull {
				t := args[2].Type()
				t.Nullable = true
				return t
			}
			return jsonValueDefault
		}, eval: evalJSONValue, evalErr: jsonValueEvalErr})
}

func checkJSONValue(args []Expr) error {
	if len(args) != 2 && len(args) != 6 {
		return ErrArgCount
	}
	if len(args) == 6 {
		m, ok := constString(args[5])
		flags, found := strings.CutPrefix(m, JSONValueMarker)
		if !ok || !found {
			return ErrArgCount
		}
		if strings.HasPrefix(flags, "E") {
			return &UnsupportedArgError{What: "ERROR ON EMPTY and ERROR ON ERROR"}
		}
		if strings.HasPrefix(flags, "J") {
			return &UnsupportedArgError{What: "RETURNING JSON"}
		}
	}
	if err := checkConstDoc("json_value", args[0], 1); err != nil {
		return err
	}
	if p, ok := constString(args[1]); ok {
		if _, err := parseJSONEditPath(p); err != nil {
			return err
		}
	}
	return nil
}

// jsonValueOr is the ON EMPTY (i 3) or ON ERROR (i 4) value: NULL, or the DEFAULT converted to
// the call's type.
func (c *call) jsonValueOr(row dataflow.Row, i int) dataflow.Value {
	if len(c.args) <= i {
		return dataflow.Null
	}
	v, err := Convert(c.args[i].Eval(row), c.t, false)
	if err != nil {
		return dataflow.Null
	}
	return v
}

func evalJSONValue(c *call, row dataflow.Row) dataflow.Value {
	dv, pv := c.args[0].Eval(row), c.args[1].Eval(row)
	if dv.IsNull() || pv.IsNull() {
		return dataflow.Null
	}
	doc := text(dv)
	steps, err := parseJSONEditPath(text(pv))
	if err != nil {
		return dataflow.Null
	}
	if !jsonDocOK(doc) {
		return dataflow.Null
	}
	part, found := jsonFind(doc, steps)
	if !found {
		return c.jsonValueOr(row, 3)
	}
	v, ok := jsonParse(part)
	if !ok {
		return dataflow.Null
	}
	var sv dataflow.Value
	switch x := v.(type) {
	case nil:
		return dataflow.Null
	case string:
		sv = dataflow.String(x)
	case bool:
		if c.t.Kind == dataflow.KindString {
			sv = dataflow.String(strings.ToLower(part))
		} else {
			sv = dataflow.Bool(x)
		}
	case json.Number:
		if d, ok := dataflow.ParseDecimalValue(string(x)); ok && c.t.Kind != dataflow.KindString {
			sv = d
		} else {
			sv = dataflow.String(string(x))
		}
	default:
		return c.jsonValueOr(row, 4)
	}
	out, err := Convert(sv, c.t, true)
	if err != nil {
		return c.jsonValueOr(row, 4)
	}
	return out
}

func jsonValueEvalErr(c *call, row dataflow.Row) error {
	if err := c.jsonDocError(row, 0); err != nil {
		return err
	}
	return c.jsonPathError(row, 1, editSet, false)
}
