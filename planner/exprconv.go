package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// CodeWrongValue is MySQL's "Incorrect DATE value" family (ER_WRONG_VALUE).
const CodeWrongValue = 1525

// CodeWrongParamCount is MySQL's "Incorrect parameter count in the call to native function".
const CodeWrongParamCount = 1582

// paramType is the type given to a `?` whose context says nothing about it (`? + 1`): the
// engine hands arguments over as they come, and expressions evaluate by the runtime kinds.
var paramType = dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR", Nullable: true}

// exprConv compiles AST expressions into expr.Expr over the columns of a scope.
type exprConv struct {
	c *compiler
	// sc resolves column names; nil for contexts without columns (VALUES, DEFAULT).
	sc *scope
	// clause is MySQL's name of the clause, for "Unknown column 'x' in '<clause>'".
	clause string
	// param compiles `?`; ctx is the type of what the parameter is compared with or assigned
	// to, when known. When nil, a parameter is rejected as misplaced.
	param func(p *test_driver.ParamMarkerExpr, ctx *dataflow.Type) (expr.Expr, error)
	// hook, when set, sees every node first and may compile it itself (aggregate contexts).
	hook func(n ast.ExprNode) (expr.Expr, bool, error)
	// values compiles VALUES(col) in ON DUPLICATE KEY UPDATE.
	values func(col *ast.ColumnName) (expr.Expr, error)
	// view marks a cached query, whose expressions must not depend on anything but the rows.
	view bool
	// write marks an expression of a write, where the clock and chance functions compile to
	// the statement's volatile values (see Volatile); its arguments start at argBase.
	write   bool
	argBase int
	// stack holds the ancestors of the node being compiled, to describe a misplaced `?`.
	stack []ast.ExprNode
	// where describes a nested query block ("in a derived table") for messages.
	where string
	// scalars, when set, gives the values of the block's scalar subqueries.
	scalars func(n *ast.SubqueryExpr) (expr.Expr, bool)
	// subqueryVals, when set, gives the values of the block's IN, NOT IN and EXISTS
	// subqueries that stand inside expressions (see invalue.go).
	subqueryVals func(n ast.ExprNode) (expr.Expr, bool)
	// memo, when set, remembers the result for every node compiled, so that a caller that
	// compiles a tree and then its subtrees pays for each node once.
	memo map[ast.ExprNode]memoEntry
}

type memoEntry struct {
	e   expr.Expr
	err error
}

func (v *exprConv) err(e *Error, n ast.Node) *Error { return v.c.at(e, n) }

// conv compiles n, folding constant subtrees to literals.
func (v *exprConv) conv(n ast.ExprNode) (expr.Expr, error) {
	if n == nil {
		return nil, newErr(CodeParse, "missing expression")
	}
	if v.memo != nil {
		if m, ok := v.memo[n]; ok {
			return m.e, m.err
		}
		e, err := v.convNode(n)
		v.memo[n] = memoEntry{e, err}
		return e, err
	}
	return v.convNode(n)
}

func (v *exprConv) convNode(n ast.ExprNode) (expr.Expr, error) {
	if v.hook != nil {
		if e, ok, err := v.hook(n); err != nil || ok {
			return e, err
		}
	}
	v.stack = append(v.stack, n)
	defer func() { v.stack = v.stack[:len(v.stack)-1] }()
	e, err := v.node(n)
	if err != nil || v.c.dialect != PostgreSQL {
		return e, err
	}
	return pgCollate(e), nil
}

// over folds e to a literal when every operand is one, so that `-5`, `1 + 1` and
// DATE '2024-01-01' are literals to key extraction and plans compare equal however the
// constant was written. Operands are folded first, so looking one level down is enough (a
// deep constness test at every level would cost quadratic time on long expressions). Every
// function of package expr is deterministic; those whose value changes with time are
// rejected before they get here.
func over(e expr.Expr, operands ...expr.Expr) expr.Expr {
	for _, o := range operands {
		if o == nil {
			continue
		}
		if _, ok := expr.ConstValue(o); !ok {
			return e
		}
	}
	val := e.Eval(nil)
	if expr.IsBoolExpr(e) && val.Kind() == dataflow.KindInt {
		return expr.NewBoolConst(val) // still true or false inside a JSON document
	}
	t := e.Type()
	c := expr.NewConst(val)
	if ct := c.Type(); ct.Kind == t.Kind && ct.Unsigned == t.Unsigned && ct.Scale == t.Scale {
		return c
	}
	return expr.NewConstTyped(val, t)
}

var cmpOps = map[opcode.Op]expr.CmpOp{
	opcode.EQ: expr.OpEQ, opcode.NE: expr.OpNE, opcode.LT: expr.OpLT, opcode.LE: expr.OpLE,
	opcode.GT: expr.OpGT, opcode.GE: expr.OpGE, opcode.NullEQ: expr.OpNullSafeEQ,
}

var bitOps = map[opcode.Op]expr.BitOp{
	opcode.And: expr.BitAnd, opcode.Or: expr.BitOr, opcode.Xor: expr.BitXor,
	opcode.LeftShift: expr.BitShl, opcode.RightShift: expr.BitShr,
}

var arithOps = map[opcode.Op]expr.ArithOp{
	opcode.Plus: expr.OpAdd, opcode.Minus: expr.OpSub, opcode.Mul: expr.OpMul,
	opcode.Div: expr.OpDiv, opcode.IntDiv: expr.OpIntDiv, opcode.Mod: expr.OpMod,
}

func (v *exprConv) node(n ast.ExprNode) (expr.Expr, error) {
	switch n := n.(type) {
	case *test_driver.ParamMarkerExpr:
		return v.paramRef(n, nil)
	case *test_driver.ValueExpr:
		return v.literal(n)
	case *ast.ParenthesesExpr:
		return v.conv(n.Expr)
	case *ast.ColumnNameExpr:
		return v.column(n)
	case *ast.BinaryOperationExpr:
		return v.binary(n)
	case *ast.UnaryOperationExpr:
		switch n.Op {
		case opcode.Minus:
			e, err := v.conv(n.V)
			if err != nil {
				return nil, err
			}
			if c, ok := expr.ConstValue(e); ok && c.Kind() == dataflow.KindUint && c.RawUint() > 1<<63 {
				// MySQL reads -9223372036854775809 as a DECIMAL literal, not as a BIGINT.
				return over(expr.NewConst(expr.NewNeg(e).Eval(nil)), e), nil
			}
			neg := over(expr.NewNeg(e), e)
			if v.c.dialect == PostgreSQL {
				if neg, err = pgIntResult(neg, e); err != nil {
					return nil, v.err(err.(*Error), n)
				}
			}
			return neg, nil
		case opcode.Plus:
			return v.conv(n.V)
		case opcode.BitNeg:
			e, err := v.conv(n.V)
			if err != nil {
				return nil, err
			}
			neg, err := expr.NewBitOp(expr.BitNot, e, nil)
			if err != nil {
				return nil, v.err(unsupported("%v", err), n)
			}
			return over(neg, e), nil
		case opcode.Not, opcode.Not2:
			e, err := v.conv(n.V)
			if err != nil {
				return nil, err
			}
			return over(expr.NewNot(e), e), nil
		}
		return nil, v.err(unsupported("the operator %s", opText(n.Op)), n)
	case *ast.IsNullExpr:
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		return over(expr.NewIsNull(e, n.Not), e), nil
	case *ast.IsTruthExpr:
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		return over(expr.NewIsBool(e, n.True != 0, n.Not), e), nil
	case *ast.PatternInExpr:
		return v.in(n)
	case *ast.BetweenExpr:
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		t := e.Type()
		lo, err := v.convCtx(n.Left, &t)
		if err != nil {
			return nil, err
		}
		hi, err := v.convCtx(n.Right, &t)
		if err != nil {
			return nil, err
		}
		lo, hi = padConst(lo, e), padConst(hi, e)
		return over(expr.NewBetween(e, lo, hi, n.Not), e, lo, hi), nil
	case *ast.PatternLikeOrIlikeExpr:
		if !n.IsLike {
			return nil, v.err(unsupported("ILIKE"), n)
		}
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		p, err := v.convCtx(n.Pattern, &paramType)
		if err != nil {
			return nil, err
		}
		return over(expr.NewLike(e, p, rune(n.Escape), n.Not), e, p), nil
	case *ast.PatternRegexpExpr:
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		p, err := v.convCtx(n.Pattern, &paramType)
		if err != nil {
			return nil, err
		}
		r, err := v.newFunc(n, "regexp_like", []expr.Expr{e, p})
		if err != nil {
			return nil, err
		}
		if n.Not {
			r = expr.NewNot(r)
		}
		return over(r, e, p), nil
	case *ast.CaseExpr:
		return v.caseExpr(n)
	case *ast.FuncCastExpr:
		if n.FunctionType == ast.CastBinaryOperator {
			return nil, v.err(unsupported("the BINARY operator"), n)
		}
		t, err := castType(n.Tp)
		if err != nil {
			return nil, v.err(err.(*Error), n)
		}
		e, err := v.conv(n.Expr)
		if err != nil {
			return nil, err
		}
		return over(expr.NewCast(e, t), e), nil
	case *ast.FuncCallExpr:
		return v.funcCall(n)
	case *ast.AggregateFuncExpr:
		return nil, v.err(newErr(CodeInvalidGroupFunc, "Invalid use of group function %s()", strings.ToUpper(n.F)), n)
	case *ast.WindowFuncExpr:
		return nil, v.err(windowErr(CodeWindowPlacement, "Window function is allowed only in SELECT list and ORDER BY clause"), n)
	case *ast.SubqueryExpr:
		if v.scalars != nil {
			if e, ok := v.scalars(n); ok {
				return e, nil
			}
		}
		return nil, v.err(unsupported("a scalar subquery here (only in the select list, WHERE, HAVING, ORDER BY or an inner join's ON of a cached SELECT)"), n)
	case *ast.ExistsSubqueryExpr:
		if v.subqueryVals != nil {
			if e, ok := v.subqueryVals(n); ok {
				return e, nil
			}
		}
		return nil, v.err(unsupported("EXISTS (subquery) outside a SELECT's select list, WHERE, HAVING, ORDER BY (or an inner join's ON)"), n)
	case *ast.CompareSubqueryExpr:
		return nil, v.err(unsupported("comparisons with ANY/ALL/SOME (subquery)"), n)
	case *ast.VariableExpr:
		if n.IsSystem {
			return nil, v.err(unsupported("system variables (@@%s)", n.Name), n)
		}
		return nil, v.err(unsupported("user variables (@%s)", n.Name), n)
	case *ast.RowExpr:
		return nil, v.err(unsupported("row constructors"), n)
	case *ast.DefaultExpr:
		return nil, v.err(unsupported("DEFAULT inside an expression"), n)
	case *ast.ValuesExpr:
		if v.values == nil || n.Column == nil {
			return nil, v.err(unsupported("VALUES() outside ON DUPLICATE KEY UPDATE"), n)
		}
		return v.values(n.Column.Name)
	case *ast.PositionExpr:
		return nil, v.err(unsupported("a column position here"), n)
	case *ast.SetCollationExpr:
		if err := checkCollation(n.Collate, ""); err != nil {
			return nil, v.err(err.(*Error), n)
		}
		return v.conv(n.Expr)
	case *ast.MatchAgainst:
		return nil, v.err(unsupported("MATCH ... AGAINST: full-text search"), n)
	case *ast.TimeUnitExpr:
		return nil, v.err(unsupported("INTERVAL units"), n)
	case *ast.MaxValueExpr:
		return nil, v.err(unsupported("MAXVALUE"), n)
	}
	return nil, v.err(unsupported("this expression (%T)", n), n)
}

// padConst reads a text constant compared with a CHAR(n) COLLATE utf8mb4_bin (PostgreSQL's
// char(n)) as that type reads it: without trailing spaces, which the type's values never
// keep ('ab ' equals a char(3) holding 'ab', as PostgreSQL's untyped literal becomes a
// char(n) and MySQL's PAD SPACE collation compares).
func padConst(c, other expr.Expr) expr.Expr {
	if !other.Type().BinaryChar() {
		return c
	}
	v, ok := expr.ConstValue(c)
	if !ok || v.Kind() != dataflow.KindString || v.IsSetValue() {
		return c
	}
	if _, ordinal := v.Ordinal(); ordinal {
		return c
	}
	if trimmed := strings.TrimRight(v.RawString(), " "); trimmed != v.RawString() {
		return expr.NewConst(dataflow.Bytes(trimmed))
	}
	return c
}

// convCtx compiles n; a `?` there takes the type ctx.
func (v *exprConv) convCtx(n ast.ExprNode, ctx *dataflow.Type) (expr.Expr, error) {
	if p, ok := unparen(n).(*test_driver.ParamMarkerExpr); ok {
		v.stack = append(v.stack, n)
		defer func() { v.stack = v.stack[:len(v.stack)-1] }()
		return v.paramRef(p, ctx)
	}
	return v.conv(n)
}

func unparen(n ast.ExprNode) ast.ExprNode {
	for {
		p, ok := n.(*ast.ParenthesesExpr)
		if !ok {
			return n
		}
		n = p.Expr
	}
}

func isParam(n ast.ExprNode) bool {
	_, ok := unparen(n).(*test_driver.ParamMarkerExpr)
	return ok
}

// pair compiles the operands of a binary operator; a `?` takes the other operand's type.
func (v *exprConv) pair(l, r ast.ExprNode) (expr.Expr, expr.Expr, error) {
	if isParam(l) && !isParam(r) {
		re, err := v.conv(r)
		if err != nil {
			return nil, nil, err
		}
		t := re.Type()
		le, err := v.convCtx(l, &t)
		return le, re, err
	}
	le, err := v.conv(l)
	if err != nil {
		return nil, nil, err
	}
	t := le.Type()
	re, err := v.convCtx(r, &t)
	return le, re, err
}

func (v *exprConv) binary(n *ast.BinaryOperationExpr) (expr.Expr, error) {
	if op, ok := cmpOps[n.Op]; ok {
		l, r, err := v.pair(n.L, n.R)
		if err != nil {
			return nil, err
		}
		if v.c.dialect == PostgreSQL {
			if l, r, err = pgBoolLiteral(l, r); err != nil {
				return nil, v.err(err.(*Error), n)
			}
		}
		l, r = padConst(l, r), padConst(r, l)
		return over(expr.NewCompare(op, l, r), l, r), nil
	}
	if op, ok := arithOps[n.Op]; ok {
		l, r, err := v.pair(n.L, n.R)
		if err != nil {
			return nil, err
		}
		if v.c.dialect == PostgreSQL {
			if op == expr.OpDiv && pgIntDiv(l.Type(), r.Type()) {
				op = expr.OpIntDiv
			}
			if err := pgConstDivByZero(op, l, r); err != nil {
				return nil, v.err(err, n)
			}
			if op == expr.OpDiv && pgNumericDiv(l.Type(), r.Type()) {
				return over(expr.NewPGDiv(l, r), l, r), nil
			}
			if e, ok, err := pgDateArith(op, l, r); ok || err != nil {
				if err != nil {
					return nil, v.err(err.(*Error), n)
				}
				e = over(e, l, r)
				if op == expr.OpSub && l.Type().Kind == dataflow.KindDate && r.Type().Kind == dataflow.KindDate {
					e, err = pgIntOfWidth(e, 4) // date - date is an integer
				}
				return e, err
			}
			e, err := pgIntResult(over(expr.NewArith(op, l, r), l, r), l, r)
			if err != nil {
				return nil, v.err(err.(*Error), n)
			}
			return e, nil
		}
		return over(expr.NewArith(op, l, r), l, r), nil
	}
	if op, ok := bitOps[n.Op]; ok {
		l, r, err := v.pair(n.L, n.R)
		if err != nil {
			return nil, err
		}
		e, err := expr.NewBitOp(op, l, r)
		if err != nil {
			return nil, v.err(unsupported("%v", err), n)
		}
		return over(e, l, r), nil
	}
	switch n.Op {
	case opcode.LogicAnd, opcode.LogicOr, opcode.LogicXor:
		l, err := v.conv(n.L)
		if err != nil {
			return nil, err
		}
		r, err := v.conv(n.R)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case opcode.LogicAnd:
			return over(expr.NewAnd(l, r), l, r), nil
		case opcode.LogicOr:
			return over(expr.NewOr(l, r), l, r), nil
		}
		return over(expr.NewXor(l, r), l, r), nil
	}
	return nil, v.err(unsupported("the operator %s", opText(n.Op)), n)
}

func (v *exprConv) in(n *ast.PatternInExpr) (expr.Expr, error) {
	if n.Sel != nil {
		if v.subqueryVals != nil {
			if e, ok := v.subqueryVals(n); ok {
				return e, nil
			}
		}
		what := "IN (subquery)"
		if n.Not {
			what = "NOT IN (subquery)"
		}
		return nil, v.err(unsupported("%s here: only a SELECT's select list, WHERE, HAVING and ORDER BY (or an inner join's ON) may use it", what), n)
	}
	if _, ok := unparen(n.Expr).(*ast.RowExpr); ok {
		return nil, v.err(unsupported("row constructors"), n)
	}
	e, err := v.conv(n.Expr)
	if err != nil {
		return nil, err
	}
	t := e.Type()
	list := make([]expr.Expr, len(n.List))
	for i, item := range n.List {
		if list[i], err = v.convCtx(item, &t); err != nil {
			return nil, err
		}
		list[i] = padConst(list[i], e)
	}
	return over(expr.NewIn(e, list, n.Not), append([]expr.Expr{e}, list...)...), nil
}

func (v *exprConv) caseExpr(n *ast.CaseExpr) (expr.Expr, error) {
	var operand expr.Expr
	var err error
	if n.Value != nil {
		if operand, err = v.conv(n.Value); err != nil {
			return nil, err
		}
	}
	whens := make([]expr.When, len(n.WhenClauses))
	for i, w := range n.WhenClauses {
		if whens[i].Cond, err = v.conv(w.Expr); err != nil {
			return nil, err
		}
		if whens[i].Then, err = v.conv(w.Result); err != nil {
			return nil, err
		}
	}
	var els expr.Expr
	if n.ElseClause != nil {
		if els, err = v.conv(n.ElseClause); err != nil {
			return nil, err
		}
	}
	ops := []expr.Expr{operand, els}
	for _, w := range whens {
		ops = append(ops, w.Cond, w.Then)
	}
	return over(expr.NewCase(operand, whens, els), ops...), nil
}

func (v *exprConv) column(n *ast.ColumnNameExpr) (expr.Expr, error) {
	if v.sc == nil {
		return nil, v.err(newErr(CodeUnknownColumn, "Unknown column '%s' in '%s'", colText(n.Name), v.clause), n)
	}
	idx, err := v.sc.resolve(n.Name, v.clause)
	if err != nil {
		return nil, v.err(err, n)
	}
	return expr.NewCol(idx, v.sc.cols[idx].col), nil
}

func colText(cn *ast.ColumnName) string {
	if cn.Table.O != "" {
		return cn.Table.O + "." + cn.Name.O
	}
	return cn.Name.O
}

// paramRef compiles `?`, or reports it misplaced with a description of where it is.
func (v *exprConv) paramRef(p *test_driver.ParamMarkerExpr, ctx *dataflow.Type) (expr.Expr, error) {
	if v.param != nil {
		return v.param(p, ctx)
	}
	return nil, v.err(unsupported("a parameter (?) %s: parameters may only appear in `column = ?` and `column IN (?, ...)` conditions of a WHERE clause and in range conditions (`column > ?`, `column BETWEEN ? AND ?`) of the outermost one", v.paramPlace()), p)
}

// paramPlace describes where a misplaced parameter sits, from its ancestors.
func (v *exprConv) paramPlace() string {
	where := "in the " + v.clause
	switch v.clause {
	case "field list":
		where = "in the select list"
	case "where clause":
		where = "in WHERE"
	case "on clause":
		where = "in a JOIN ... ON condition"
	case "having clause":
		where = "in HAVING"
	case "order clause":
		where = "in ORDER BY"
	case "group statement":
		where = "in GROUP BY"
	}
	in := suffix(v.where)
	if v.clause != "where clause" {
		return where + in
	}
	for _, a := range v.stack {
		switch a := a.(type) {
		case *ast.BinaryOperationExpr:
			if a.Op == opcode.LogicOr || a.Op == opcode.LogicXor {
				return "under OR in WHERE" + in
			}
		case *ast.UnaryOperationExpr:
			if a.Op == opcode.Not || a.Op == opcode.Not2 {
				return "under NOT in WHERE" + in
			}
		}
	}
	for i := len(v.stack) - 1; i >= 0; i-- {
		switch p := v.stack[i].(type) {
		case *test_driver.ParamMarkerExpr, *ast.ParenthesesExpr:
			continue
		case *ast.BinaryOperationExpr:
			if _, ok := cmpOps[p.Op]; ok && p.Op != opcode.EQ {
				return fmt.Sprintf("in a range comparison (%s) in WHERE%s", opText(p.Op), in)
			}
		case *ast.BetweenExpr:
			return "in BETWEEN in WHERE" + in
		case *ast.PatternLikeOrIlikeExpr:
			return "in LIKE in WHERE" + in
		}
		break
	}
	return "inside an expression in WHERE" + in
}

// literal compiles a constant of the statement text.
func (v *exprConv) literal(n *test_driver.ValueExpr) (expr.Expr, error) {
	val, err := literalValue(n)
	if err != nil {
		return nil, v.err(err.(*Error), n)
	}
	if v.c.dialect == PostgreSQL && val.Kind() == dataflow.KindString && !val.IsBinary() {
		val = dataflow.Bytes(val.RawString()) // text under the C collation
	}
	if v.c.dialect == PostgreSQL && val.Kind() == dataflow.KindInt && pgIntWidth(expr.NewConst(val)) == 4 {
		return expr.NewConstTyped(val, pgIntTypes[4]), nil // an integer literal is an integer
	}
	if n.Kind() == test_driver.KindInt64 && mysql.HasIsBooleanFlag(n.Type.GetFlag()) {
		return expr.NewBoolConst(val), nil
	}
	return expr.NewConst(val), nil
}

func literalValue(n *test_driver.ValueExpr) (dataflow.Value, error) {
	switch n.Kind() {
	case test_driver.KindNull:
		return dataflow.Null, nil
	case test_driver.KindInt64:
		if mysql.HasIsBooleanFlag(n.Type.GetFlag()) {
			return dataflow.Bool(n.GetInt64() != 0), nil
		}
		return dataflow.Int(n.GetInt64()), nil
	case test_driver.KindUint64:
		return dataflow.Uint(n.GetUint64()), nil
	case test_driver.KindFloat32, test_driver.KindFloat64:
		return dataflow.Float(n.GetFloat64()), nil
	case test_driver.KindString:
		if strings.EqualFold(n.Type.GetCharset(), "binary") {
			return dataflow.Bytes(n.GetString()), nil
		}
		return dataflow.String(n.GetString()), nil
	case test_driver.KindMysqlDecimal:
		d := n.GetMysqlDecimal()
		if d == nil {
			return dataflow.Null, newErr(CodeParse, "invalid decimal literal")
		}
		s := d.String()
		v, ok := dataflow.ParseDecimalValue(s)
		if !ok {
			return dataflow.Null, newErr(CodeParse, "invalid decimal literal %s", s)
		}
		return v, nil
	case test_driver.KindBinaryLiteral:
		return dataflow.HexLiteral(string(n.GetBinaryLiteral())), nil
	}
	return dataflow.Null, unsupported("this kind of literal")
}

// nondeterministic lists functions whose value changes without any write; a cached view
// computed with them would silently go stale.
var nondeterministic = map[string]bool{
	"now": true, "current_timestamp": true, "localtime": true, "localtimestamp": true,
	"sysdate": true, "curdate": true, "current_date": true, "curtime": true,
	"current_time": true, "utc_date": true, "utc_time": true, "utc_timestamp": true,
	"unix_timestamp": true, "rand": true, "uuid": true, "uuid_short": true,
	"connection_id": true, "last_insert_id": true, "user": true, "current_user": true,
	"session_user": true, "system_user": true, "database": true, "schema": true,
	"found_rows": true, "row_count": true, "sleep": true, "get_lock": true,
	"release_lock": true, "is_free_lock": true, "is_used_lock": true, "benchmark": true,
}

func (v *exprConv) funcCall(n *ast.FuncCallExpr) (expr.Expr, error) {
	name := n.FnName.L
	switch name {
	case ast.DateLiteral, ast.TimestampLiteral, ast.TimeLiteral:
		return v.timeLiteral(n)
	}
	if name == pgAvgFunc && v.c.dialect == PostgreSQL && len(n.Args) == 2 {
		sum, err := v.conv(n.Args[0])
		if err != nil {
			return nil, err
		}
		count, err := v.conv(n.Args[1])
		if err != nil {
			return nil, err
		}
		return over(expr.NewPGAvg(sum, count), sum, count), nil
	}
	if width, ok := pgIntCasts[name]; ok && v.c.dialect == PostgreSQL && len(n.Args) == 1 {
		e, err := v.conv(n.Args[0])
		if err != nil {
			return nil, err
		}
		if e, err = pgIntOfWidth(over(expr.NewCast(e, signedType), e), width); err != nil {
			return nil, v.err(err.(*Error), n)
		}
		return e, nil
	}
	if name == pgBpcharFunc && v.c.dialect == PostgreSQL && len(n.Args) == 2 {
		e, err := v.conv(n.Args[0])
		if err != nil {
			return nil, err
		}
		width, ok := pgConstInt(n.Args[1])
		if !ok {
			return nil, v.err(unsupported("char(n) with a length that is not a constant"), n)
		}
		return over(expr.NewCast(e, dataflow.BinaryCharType(width)), e), nil
	}
	if (name == "database" || name == "schema") && len(n.Args) == 0 && v.c.infoSchemaQuery {
		// Evaluated when it runs, a query over information_schema may name the database.
		if v.c.db == "" {
			return expr.NewConst(dataflow.Null), nil
		}
		return expr.NewConst(dataflow.String(v.c.db)), nil
	}
	if v.write {
		if e, ok, err := v.writeFunc(n); ok || err != nil {
			return e, err
		}
	}
	if v.view && nondeterministic[name] && !(name == "unix_timestamp" && len(n.Args) > 0) {
		if _, isClock, _ := clockOf(n); isClock {
			return nil, v.err(clockOutsideWhere(n, v.clause), n)
		}
		return nil, v.err(unsupported("%s() in a cached query: its value changes without any write", strings.ToUpper(name)), n)
	}
	args := make([]expr.Expr, 0, len(n.Args))
	for _, a := range n.Args {
		switch a := a.(type) {
		case *ast.TrimDirectionExpr:
			args = append(args, expr.NewConst(dataflow.String(a.Direction.String())))
			continue
		case *ast.TimeUnitExpr:
			// The unit travels as a constant; the function checks it is one it supports.
			args = append(args, expr.NewConst(dataflow.String(a.Unit.String())))
			continue
		case *ast.GetFormatSelectorExpr:
			return nil, v.err(unsupported("GET_FORMAT()"), n)
		}
		e, err := v.convCtx(a, &paramType)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if v.c.dialect == PostgreSQL {
		args = pgPaddedChars(name, args)
	}
	e, err := v.newFunc(n, name, args)
	if err != nil {
		return nil, err
	}
	if v.c.dialect == PostgreSQL {
		e = over(pgIntervalArith(name, e, args), args...)
		if e, err = pgFuncType(name, e, args); err != nil {
			return nil, v.err(err.(*Error), n)
		}
		return e, nil
	}
	return over(e, args...), nil
}

func (v *exprConv) newFunc(n ast.Node, name string, args []expr.Expr) (expr.Expr, error) {
	e, err := expr.NewFunc(name, args)
	if err == nil {
		return e, nil
	}
	var je *expr.JSONError
	var ua *expr.UnsupportedArgError
	switch {
	case errors.As(err, &je):
		return nil, v.err(&Error{Code: je.Code, SQLState: je.SQLState(), Msg: je.Msg, Err: err}, n)
	case errors.As(err, &ua):
		pe := unsupported("%s in %s()", ua.What, strings.ToUpper(name))
		pe.Err = err
		return nil, v.err(pe, n)
	case errors.Is(err, expr.ErrUnsupported):
		pe := unsupported("the function %s()", strings.ToUpper(name))
		pe.Err = err
		return nil, v.err(pe, n)
	case errors.Is(err, expr.ErrArgCount):
		pe := newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function '%s'", strings.ToUpper(name))
		pe.Err = err
		return nil, v.err(pe, n)
	}
	pe := newErr(CodeWrongParamCount, "Incorrect arguments to %s: %v", strings.ToUpper(name), err)
	pe.Err = err
	return nil, v.err(pe, n)
}

// timeLiteral compiles DATE 'x', TIME 'x' and TIMESTAMP 'x'.
func (v *exprConv) timeLiteral(n *ast.FuncCallExpr) (expr.Expr, error) {
	kind, t := "DATE", dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE"}
	switch n.FnName.L {
	case ast.TimestampLiteral:
		kind, t = "DATETIME", dataflow.Type{Kind: dataflow.KindDatetime, SQL: "DATETIME", Scale: maxFsp}
	case ast.TimeLiteral:
		kind, t = "TIME", dataflow.Type{Kind: dataflow.KindTime, SQL: "TIME", Scale: maxFsp}
	}
	if len(n.Args) != 1 {
		return nil, v.err(newErr(CodeParse, "malformed %s literal", kind), n)
	}
	ve, ok := n.Args[0].(*test_driver.ValueExpr)
	if !ok || ve.Kind() != test_driver.KindString {
		return nil, v.err(newErr(CodeParse, "malformed %s literal", kind), n)
	}
	s := ve.GetString()
	if t.Kind == dataflow.KindDatetime || t.Kind == dataflow.KindTime {
		// A TIMESTAMP or TIME literal keeps as many fractional digits as it was written with.
		t.Scale = 0
		if i := strings.LastIndexByte(s, '.'); i >= 0 {
			t.Scale = min(len(strings.TrimSpace(s[i+1:])), maxFsp)
		}
	}
	val, err := expr.Convert(dataflow.String(s), t, true)
	if err != nil || (t.Kind == dataflow.KindDate && strings.ContainsAny(strings.TrimSpace(s), " T:")) {
		pe := newErr(CodeWrongValue, "Incorrect %s value: '%s'", kind, s)
		pe.Err = err
		return nil, v.err(pe, n)
	}
	return expr.NewConst(val), nil
}

// opText is an operator as SQL writes it (">=" rather than "ge").
func opText(op opcode.Op) string {
	var b strings.Builder
	op.Format(&b)
	return strings.TrimSpace(b.String())
}
