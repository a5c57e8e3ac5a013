package pgsql

import (
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// expr writes an expression, parenthesized wherever MySQL's precedence could read it
// differently from PostgreSQL's.
func (lw *lowerer) expr(n *pg.Node, depth int) error {
	if depth > maxDepth {
		return unsupported("expressions nested more than %d deep", maxDepth)
	}
	if n == nil {
		return unsupported("an empty expression")
	}
	switch x := n.GetNode().(type) {
	case *pg.Node_ColumnRef:
		return lw.columnRef(x.ColumnRef)
	case *pg.Node_ParamRef:
		return lw.param(x.ParamRef)
	case *pg.Node_AConst:
		return lw.constant(x.AConst)
	case *pg.Node_AExpr:
		return lw.aExpr(x.AExpr, depth)
	case *pg.Node_BoolExpr:
		return lw.boolExpr(x.BoolExpr, depth)
	case *pg.Node_NullTest:
		lw.w("(")
		if x.NullTest.Argisrow {
			return unsupported("IS NULL on a row")
		}
		if err := lw.expr(x.NullTest.Arg, depth+1); err != nil {
			return err
		}
		if x.NullTest.Nulltesttype == pg.NullTestType_IS_NOT_NULL {
			lw.w(" IS NOT NULL)")
		} else {
			lw.w(" IS NULL)")
		}
		return nil
	case *pg.Node_BooleanTest:
		lw.w("(")
		if err := lw.expr(x.BooleanTest.Arg, depth+1); err != nil {
			return err
		}
		lw.w(map[pg.BoolTestType]string{
			pg.BoolTestType_IS_TRUE: " IS TRUE)", pg.BoolTestType_IS_NOT_TRUE: " IS NOT TRUE)",
			pg.BoolTestType_IS_FALSE: " IS FALSE)", pg.BoolTestType_IS_NOT_FALSE: " IS NOT FALSE)",
			pg.BoolTestType_IS_UNKNOWN: " IS NULL)", pg.BoolTestType_IS_NOT_UNKNOWN: " IS NOT NULL)",
		}[x.BooleanTest.Booltesttype])
		return nil
	case *pg.Node_TypeCast:
		return lw.typeCast(x.TypeCast, depth)
	case *pg.Node_FuncCall:
		return lw.funcCall(x.FuncCall, depth)
	case *pg.Node_CaseExpr:
		return lw.caseExpr(x.CaseExpr, depth)
	case *pg.Node_CoalesceExpr:
		return lw.call("COALESCE", x.CoalesceExpr.Args, depth)
	case *pg.Node_NullIfExpr:
		return lw.call("NULLIF", x.NullIfExpr.Args, depth)
	case *pg.Node_MinMaxExpr:
		return lw.minMax(x.MinMaxExpr, depth)
	case *pg.Node_SqlvalueFunction:
		return lw.sqlValue(x.SqlvalueFunction)
	case *pg.Node_SubLink:
		return lw.subLink(x.SubLink, depth)
	case *pg.Node_RowExpr:
		return lw.list(x.RowExpr.Args, depth)
	case *pg.Node_List:
		return lw.list(x.List.Items, depth)
	case *pg.Node_CollateClause:
		cc := x.CollateClause
		if len(cc.Collname) == 1 {
			if s := cc.Collname[0].GetString_(); s != nil && (s.Sval == "C" || s.Sval == "POSIX" || s.Sval == "default") {
				// Text compares under the C collation already.
				return lw.expr(cc.Arg, depth+1)
			}
		}
		return unsupported("COLLATE other than \"C\"")
	case *pg.Node_AIndirection:
		return unsupported("array subscripts and field selection")
	case *pg.Node_AArrayExpr:
		return unsupported("ARRAY constructors")
	case *pg.Node_GroupingFunc:
		return unsupported("GROUPING()")
	case *pg.Node_SetToDefault:
		return unsupported("DEFAULT in a query")
	}
	return unsupported("the expression %s", strings.TrimPrefix(fmt.Sprintf("%T", n.GetNode()), "*pg_query.Node_"))
}

func (lw *lowerer) list(items []*pg.Node, depth int) error {
	lw.w("(")
	for i, it := range items {
		if i > 0 {
			lw.w(", ")
		}
		if err := lw.expr(it, depth+1); err != nil {
			return err
		}
	}
	lw.w(")")
	return nil
}

func (lw *lowerer) call(name string, args []*pg.Node, depth int) error {
	lw.w(name)
	return lw.list(args, depth)
}

func (lw *lowerer) columnRef(cr *pg.ColumnRef) error {
	fields := cr.Fields
	if len(fields) == 3 {
		// schema.table.column: the schema must be public, as for table names.
		if s := fields[0].GetString_(); s == nil || s.Sval != "public" {
			return unsupported("column references qualified by a schema other than public")
		}
		fields = fields[1:]
	}
	if len(fields) > 2 {
		return unsupported("column references with more than three parts")
	}
	for i, f := range fields {
		if i > 0 {
			lw.w(".")
		}
		if f.GetAStar() != nil {
			lw.w("*")
			continue
		}
		s := f.GetString_()
		if s == nil {
			return unsupported("this column reference")
		}
		lw.ident(s.Sval)
	}
	return nil
}

func (lw *lowerer) constant(c *pg.A_Const) error {
	if c.Isnull {
		lw.w("NULL")
		return nil
	}
	switch v := c.Val.(type) {
	case *pg.A_Const_Ival:
		lw.w(strconv.FormatInt(int64(v.Ival.Ival), 10))
	case *pg.A_Const_Fval:
		// PostgreSQL reads a numeric literal with a point or beyond bigint as numeric, never
		// as a float: MySQL reads it as DECIMAL, except an exponent, which makes a DOUBLE.
		if strings.ContainsAny(v.Fval.Fval, "eE") {
			lw.w("CAST(", v.Fval.Fval, " AS DECIMAL(65,30))")
			return nil
		}
		lw.w(v.Fval.Fval)
	case *pg.A_Const_Boolval:
		if v.Boolval.Boolval {
			lw.w("TRUE")
		} else {
			lw.w("FALSE")
		}
	case *pg.A_Const_Sval:
		lw.str(v.Sval.Sval)
	case *pg.A_Const_Bsval:
		return unsupported("bit-string literals")
	default:
		return unsupported("this constant")
	}
	return nil
}

// binaryOps are the operators that mean the same in both dialects once their operands are
// parenthesized.
var binaryOps = map[string]string{
	"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
	"+": "+", "-": "-", "*": "*", "/": "/", "%": "%",
}

func opName(names []*pg.Node) string {
	var parts []string
	for _, n := range names {
		if s := n.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		}
	}
	if len(parts) == 2 && parts[0] == "pg_catalog" {
		return parts[1]
	}
	return strings.Join(parts, ".")
}

func (lw *lowerer) aExpr(a *pg.A_Expr, depth int) error {
	op := opName(a.Name)
	switch a.Kind {
	case pg.A_Expr_Kind_AEXPR_OP:
		if a.Lexpr == nil {
			switch op {
			case "-":
				lw.w("(-")
				if err := lw.expr(a.Rexpr, depth+1); err != nil {
					return err
				}
				lw.w(")")
				return nil
			case "+":
				return lw.expr(a.Rexpr, depth+1)
			case "@":
				return lw.call("ABS", []*pg.Node{a.Rexpr}, depth)
			}
			return unsupported("the prefix operator %s", op)
		}
		switch op {
		case "||":
			// Concatenation is NULL when either side is; so is MySQL's CONCAT.
			return lw.call("CONCAT", []*pg.Node{a.Lexpr, a.Rexpr}, depth)
		case "~~":
			return lw.like(a.Lexpr, a.Rexpr, false, false, depth)
		case "!~~":
			return lw.like(a.Lexpr, a.Rexpr, true, false, depth)
		case "~~*":
			return lw.like(a.Lexpr, a.Rexpr, false, true, depth)
		case "!~~*":
			return lw.like(a.Lexpr, a.Rexpr, true, true, depth)
		case "^":
			return lw.call("POWER", []*pg.Node{a.Lexpr, a.Rexpr}, depth)
		}
		sym, ok := binaryOps[op]
		if !ok {
			return unsupported("the operator %s", op)
		}
		lw.w("(")
		if err := lw.expr(a.Lexpr, depth+1); err != nil {
			return err
		}
		lw.w(" ", sym, " ")
		if err := lw.expr(a.Rexpr, depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		// a IS NOT DISTINCT FROM b is MySQL's NULL-safe equality a <=> b.
		if a.Kind == pg.A_Expr_Kind_AEXPR_DISTINCT {
			lw.w("(NOT (")
		} else {
			lw.w("((")
		}
		if err := lw.expr(a.Lexpr, depth+1); err != nil {
			return err
		}
		lw.w(" <=> ")
		if err := lw.expr(a.Rexpr, depth+1); err != nil {
			return err
		}
		lw.w("))")
		return nil
	case pg.A_Expr_Kind_AEXPR_NULLIF:
		return lw.call("NULLIF", []*pg.Node{a.Lexpr, a.Rexpr}, depth)
	case pg.A_Expr_Kind_AEXPR_IN:
		lw.w("(")
		if err := lw.expr(a.Lexpr, depth+1); err != nil {
			return err
		}
		if op == "<>" {
			lw.w(" NOT IN ")
		} else {
			lw.w(" IN ")
		}
		if err := lw.expr(a.Rexpr, depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.A_Expr_Kind_AEXPR_LIKE:
		return lw.like(a.Lexpr, a.Rexpr, op == "!~~", false, depth)
	case pg.A_Expr_Kind_AEXPR_ILIKE:
		return lw.like(a.Lexpr, a.Rexpr, op == "!~~*", true, depth)
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
		bounds := a.Rexpr.GetList()
		if bounds == nil || len(bounds.Items) != 2 {
			return unsupported("this BETWEEN")
		}
		lw.w("(")
		if err := lw.expr(a.Lexpr, depth+1); err != nil {
			return err
		}
		if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
			lw.w(" NOT")
		}
		lw.w(" BETWEEN ")
		if err := lw.expr(bounds.Items[0], depth+1); err != nil {
			return err
		}
		lw.w(" AND ")
		if err := lw.expr(bounds.Items[1], depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return unsupported("BETWEEN SYMMETRIC")
	case pg.A_Expr_Kind_AEXPR_SIMILAR:
		return unsupported("SIMILAR TO")
	case pg.A_Expr_Kind_AEXPR_OP_ANY, pg.A_Expr_Kind_AEXPR_OP_ALL:
		return unsupported("%s ANY/ALL (array)", op)
	}
	return unsupported("the operator %s", op)
}

// like writes LIKE, case-sensitive as PostgreSQL's is; ILIKE compares the lower-cased
// operands, as PostgreSQL's ILIKE folds case. PostgreSQL's escape character is the
// backslash, as MySQL's is.
func (lw *lowerer) like(e, pattern *pg.Node, not, ilike bool, depth int) error {
	if fc := pattern.GetFuncCall(); fc != nil && opName(fc.Funcname) == "like_escape" {
		return unsupported("LIKE … ESCAPE")
	}
	lw.w("(")
	if ilike {
		// LOWER gives text the case-insensitive collation would match accent-blind: the
		// binary cast keeps the match exact but for case.
		lw.w("CAST(LOWER(")
	}
	if err := lw.expr(e, depth+1); err != nil {
		return err
	}
	if ilike {
		lw.w(") AS BINARY)")
	}
	if not {
		lw.w(" NOT")
	}
	lw.w(" LIKE ")
	if ilike {
		lw.w("LOWER(")
	}
	if err := lw.expr(pattern, depth+1); err != nil {
		return err
	}
	if ilike {
		lw.w(")")
	}
	lw.w(")")
	return nil
}

func (lw *lowerer) boolExpr(b *pg.BoolExpr, depth int) error {
	switch b.Boolop {
	case pg.BoolExprType_NOT_EXPR:
		if len(b.Args) != 1 {
			return unsupported("this NOT")
		}
		lw.w("(NOT ")
		if err := lw.expr(b.Args[0], depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.BoolExprType_AND_EXPR, pg.BoolExprType_OR_EXPR:
		sep := " AND "
		if b.Boolop == pg.BoolExprType_OR_EXPR {
			sep = " OR "
		}
		lw.w("(")
		for i, a := range b.Args {
			if i > 0 {
				lw.w(sep)
			}
			if err := lw.expr(a, depth+1); err != nil {
				return err
			}
		}
		lw.w(")")
		return nil
	}
	return unsupported("this boolean operator")
}

func (lw *lowerer) caseExpr(c *pg.CaseExpr, depth int) error {
	lw.w("(CASE")
	if c.Arg != nil {
		lw.w(" ")
		if err := lw.expr(c.Arg, depth+1); err != nil {
			return err
		}
	}
	for _, w := range c.Args {
		cw := w.GetCaseWhen()
		if cw == nil {
			return unsupported("this CASE")
		}
		lw.w(" WHEN ")
		if err := lw.expr(cw.Expr, depth+1); err != nil {
			return err
		}
		lw.w(" THEN ")
		if err := lw.expr(cw.Result, depth+1); err != nil {
			return err
		}
	}
	if c.Defresult != nil {
		lw.w(" ELSE ")
		if err := lw.expr(c.Defresult, depth+1); err != nil {
			return err
		}
	}
	lw.w(" END)")
	return nil
}

// minMax writes GREATEST and LEAST, which in PostgreSQL ignore NULL arguments (NULL only
// when all are): each argument is replaced by the first non-NULL of it and the others.
func (lw *lowerer) minMax(m *pg.MinMaxExpr, depth int) error {
	name := "GREATEST"
	if m.Op == pg.MinMaxOp_IS_LEAST {
		name = "LEAST"
	}
	lw.w(name, "(")
	for i := range m.Args {
		if i > 0 {
			lw.w(", ")
		}
		lw.w("COALESCE(")
		if err := lw.expr(m.Args[i], depth+1); err != nil {
			return err
		}
		for j := range m.Args {
			if j == i {
				continue
			}
			lw.w(", ")
			if err := lw.expr(m.Args[j], depth+1); err != nil {
				return err
			}
		}
		lw.w(")")
	}
	lw.w(")")
	return nil
}

func (lw *lowerer) sqlValue(f *pg.SQLValueFunction) error {
	switch f.Op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		lw.w("CURRENT_DATE")
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP:
		lw.w("NOW(6)")
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		lw.w("NOW(", strconv.Itoa(int(f.Typmod)), ")")
	default:
		return unsupported("%s", strings.ToUpper(sqlValueName(f.Op)))
	}
	return nil
}

func sqlValueName(op pg.SQLValueFunctionOp) string {
	return strings.ToLower(strings.TrimPrefix(op.String(), "SVFOP_"))
}

func (lw *lowerer) subLink(s *pg.SubLink, depth int) error {
	sel := s.Subselect.GetSelectStmt()
	if sel == nil {
		return unsupported("this subquery")
	}
	sub := func() error {
		lw.w("(")
		if err := lw.selectStmt(sel, depth+1); err != nil {
			return err
		}
		lw.w(")")
		return nil
	}
	switch s.SubLinkType {
	case pg.SubLinkType_EXISTS_SUBLINK:
		lw.w("(EXISTS ")
		if err := sub(); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.SubLinkType_EXPR_SUBLINK:
		return sub()
	case pg.SubLinkType_ANY_SUBLINK:
		if op := opName(s.OperName); op != "" && op != "=" {
			return unsupported("%s ANY (subquery)", op)
		}
		lw.w("(")
		if err := lw.expr(s.Testexpr, depth+1); err != nil {
			return err
		}
		lw.w(" IN ")
		if err := sub(); err != nil {
			return err
		}
		lw.w(")")
		return nil
	case pg.SubLinkType_ALL_SUBLINK:
		if op := opName(s.OperName); op == "<>" {
			lw.w("(")
			if err := lw.expr(s.Testexpr, depth+1); err != nil {
				return err
			}
			lw.w(" NOT IN ")
			if err := sub(); err != nil {
				return err
			}
			lw.w(")")
			return nil
		}
		return unsupported("ALL (subquery)")
	case pg.SubLinkType_ARRAY_SUBLINK:
		return unsupported("ARRAY (subquery)")
	}
	return unsupported("this subquery")
}
