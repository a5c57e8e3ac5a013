package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"strings"
)

// maxLookups bounds the point lookups one statement may expand to (the cross product of its
// IN lists), so that a pathological statement cannot make a read unboundedly expensive.
const maxLookups = 10000

// keyCond is a conjunct of WHERE that a lookup by key can answer: `col = v` or
// `col IN (v, ...)` where every v is a `?` or a literal.
type keyCond struct {
	conj   int // position among the conjuncts
	col    int // the column (global number, or table position for DML)
	alts   []KeySource
	params bool
	// sites replace the literal alternatives by `?` in the statement's AST, to build the
	// normalized text once the condition is known to be a key.
	sites []func()
	src   ast.ExprNode
}

// isLiteralNode reports a constant written in the text: a literal, possibly signed or
// parenthesized, or a DATE/TIMESTAMP literal.
func isLiteralNode(n ast.ExprNode) bool {
	switch x := unparen(n).(type) {
	case *test_driver.ValueExpr:
		return true
	case *ast.UnaryOperationExpr:
		return (x.Op == opcode.Minus || x.Op == opcode.Plus) && isLiteralNode(x.V)
	case *ast.FuncCallExpr:
		if x.FnName.L == ast.DateLiteral || x.FnName.L == ast.TimestampLiteral {
			return len(x.Args) == 1 && isLiteralNode(x.Args[0])
		}
	}
	return false
}

func isKeyValue(n ast.ExprNode) bool { return isParam(n) || isLiteralNode(n) }

// keySource reads one operand a key or range condition compares its column (of type t)
// with: a parameter (param), or a constant made the column's key value. ok is false for a
// constant that can be no key: NULL, or one that does not convert to the column's type.
func (c *compiler) keySource(n ast.ExprNode, t dataflow.Type) (src KeySource, param, ok bool, err error) {
	if p, isParam := unparen(n).(*test_driver.ParamMarkerExpr); isParam {
		return KeySource{Param: p.Order}, true, true, nil
	}
	e, err := (&exprConv{c: c, clause: "where clause"}).conv(n)
	if err != nil {
		return KeySource{}, false, false, err
	}
	v, isConst := expr.ConstValue(e)
	if !isConst || v.IsNull() {
		return KeySource{}, false, false, nil
	}
	kv, converts := keyLiteral(v, t)
	if !converts {
		return KeySource{}, false, false, nil
	}
	return KeySource{Param: -1, Literal: kv}, false, true, nil
}

// keyConds finds the key conditions among conjuncts. A condition whose literals cannot be
// looked up by key (see keyLiteral) is left out and stays a filter; when it also holds a `?`
// and paramsMustKey is set (a SELECT, where a `?` is only allowed in a key) that is an error.
func (c *compiler) keyConds(sc *scope, conjs []ast.ExprNode, paramsMustKey bool) ([]*keyCond, error) {
	var out []*keyCond
	for i, cj := range conjs {
		var colNode *ast.ColumnNameExpr
		var vals []ast.ExprNode
		var setters []func(ast.ExprNode)
		switch x := unparen(cj).(type) {
		case *ast.BinaryOperationExpr:
			if x.Op != opcode.EQ {
				continue
			}
			if cn, ok := unparen(x.L).(*ast.ColumnNameExpr); ok && isKeyValue(x.R) {
				colNode, vals = cn, []ast.ExprNode{x.R}
				setters = []func(ast.ExprNode){func(n ast.ExprNode) { x.R = n }}
			} else if cn, ok := unparen(x.R).(*ast.ColumnNameExpr); ok && isKeyValue(x.L) {
				colNode, vals = cn, []ast.ExprNode{x.L}
				setters = []func(ast.ExprNode){func(n ast.ExprNode) { x.L = n }}
			}
		case *ast.PatternInExpr:
			cn, ok := unparen(x.Expr).(*ast.ColumnNameExpr)
			if !ok || x.Not || x.Sel != nil || len(x.List) == 0 {
				continue
			}
			all := true
			for _, it := range x.List {
				all = all && isKeyValue(it)
			}
			if !all {
				continue
			}
			colNode, vals = cn, x.List
			for j := range x.List {
				setters = append(setters, func(n ast.ExprNode) { x.List[j] = n })
			}
		}
		if colNode == nil {
			continue
		}
		col, rerr := sc.resolve(colNode.Name, "where clause")
		if rerr != nil {
			return nil, c.at(rerr, colNode)
		}
		t := sc.cols[col].col.Type
		k := &keyCond{conj: i, col: col, src: cj}
		usable := true
		for j, vn := range vals {
			src, param, ok, err := c.keySource(vn, t)
			switch {
			case err != nil:
				return nil, err
			case !ok:
				// `col = NULL` is never true: a filter says so without a lookup.
				usable = false
				continue
			case param:
				k.alts = append(k.alts, src)
				k.params = true
				continue
			}
			k.alts = append(k.alts, src)
			set := setters[j]
			k.sites = append(k.sites, func() { set(&test_driver.ParamMarkerExpr{}) })
		}
		if !usable {
			if k.params && paramsMustKey {
				return nil, c.at(unsupported("a parameter (?) in an IN list together with literals that are NULL or of another type than column '%s'", colText(colNode.Name)), cj)
			}
			continue
		}
		out = append(out, k)
	}
	return out, nil
}

// keyLiteral converts a literal compared with `=` to a column of type t into the value a
// lookup uses, following MySQL's comparison rules; ok is false when the comparison is not a
// plain key equality (a number against text compares numerically, so '5.0' = 5: that stays a
// filter). A number that no value of the column can equal (5.5 for an INT) is kept as it is:
// its key matches nothing, which is the right answer.
func keyLiteral(v dataflow.Value, t dataflow.Type) (dataflow.Value, bool) {
	numeric := t.Kind == dataflow.KindInt || t.Kind == dataflow.KindUint ||
		t.Kind == dataflow.KindDecimal || t.Kind == dataflow.KindFloat
	temporal := t.Kind == dataflow.KindDate || t.Kind == dataflow.KindDatetime
	switch {
	case v.IsNumeric() && numeric:
		if cv, err := expr.Convert(v, t, true); err == nil && dataflow.Compare(cv, v) == 0 {
			return cv, true
		}
		return v, true
	case v.Kind() == dataflow.KindString && t.BinaryChar():
		// Trailing spaces are insignificant: the key is the bytes without them.
		return dataflow.Bytes(strings.TrimRight(v.RawString(), " ")), true
	case v.Kind() == dataflow.KindString && t.BinaryString():
		// A binary column compares byte by byte with any string: the key is the bytes.
		return dataflow.Bytes(v.RawString()), true
	case v.Kind() == dataflow.KindString && t.Kind == dataflow.KindString:
		// Text against a binary string compares byte by byte, which a key under the
		// collation cannot answer: that stays a filter.
		return v, !v.IsBinary()
	case v.Kind() == dataflow.KindString && numeric:
		if cv, err := expr.Convert(v, t, true); err == nil && dataflow.Compare(cv, v) == 0 {
			return cv, true
		}
	case v.Kind() == dataflow.KindString && temporal:
		// MySQL reads the text as a time at full precision: a DATETIME(0) column never equals
		// '10:00:00.5', however a conversion to the column's type would round it.
		if cv, err := expr.Convert(v, t, true); err == nil && dataflow.Compare(cv, v) == 0 {
			return cv, true
		}
	case v.IsTime() && temporal:
		return v, true
	case t.Kind == dataflow.KindTime:
		// A TIME compares with text as a time and with a number as [-]HHMMSS, both of which
		// a TIME key answers once the literal reads as a time at full precision.
		if cv, err := expr.Convert(v, time6, true); err == nil && dataflow.Compare(cv, v) == 0 {
			return cv, true
		}
	}
	return v, false
}

// keyPart is a piece of a block's reader key whose components vary together: a `col = v` or
// `col IN (v, ...)` condition of the block's WHERE (one component, one alternative per value),
// or the whole key of a nested block (a derived table, an IN subquery), whose key columns the
// block carries as hidden columns and whose lookups are its alternatives.
type keyPart struct {
	cols []int         // global column numbers of the components
	alts [][]KeySource // each alternative gives one source per component
}

// condPart is the key part of a key condition.
func condPart(k *keyCond) keyPart {
	p := keyPart{cols: []int{k.col}}
	for _, a := range k.alts {
		p.alts = append(p.alts, []KeySource{a})
	}
	return p
}

// crossProduct expands per-column alternatives into lookups; ok is false beyond maxLookups.
func crossProduct(comps [][]KeySource) ([][]KeySource, bool) {
	parts := make([]keyPart, len(comps))
	for i, c := range comps {
		for _, a := range c {
			parts[i].alts = append(parts[i].alts, []KeySource{a})
		}
	}
	return crossParts(parts)
}

// crossParts expands key parts into lookups: every combination of one alternative per part,
// the components in part order. ok is false beyond maxLookups.
func crossParts(parts []keyPart) ([][]KeySource, bool) {
	n := 1
	for _, p := range parts {
		n *= len(p.alts)
		if n > maxLookups {
			return nil, false
		}
	}
	out := [][]KeySource{{}}
	for _, p := range parts {
		next := make([][]KeySource, 0, len(out)*len(p.alts))
		for _, prefix := range out {
			for _, alt := range p.alts {
				l := make([]KeySource, len(prefix), len(prefix)+len(alt))
				copy(l, prefix)
				next = append(next, append(l, alt...))
			}
		}
		out = next
	}
	return out, true
}
