package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Values is a table value constructor (`VALUES ROW(1, 'a'), ROW(2, 'b')`): constant rows,
// already converted to the columns' types. It has no input; the graph node it lowers to
// makes its rows itself and never changes them.
type Values struct {
	Rows [][]dataflow.Value
	Cols []dataflow.Column
}

func (v *Values) Columns() []dataflow.Column { return v.Cols }
func (v *Values) Inputs() []Plan             { return nil }

// Describe renders the rows as SQL literals and the column types, e.g. "values((1, 'a'),
// (2, 'b')) AS (INT, VARCHAR(1))": the
// lowering's node signature, so that two queries share a node only for the same rows.
func (v *Values) Describe() string {
	var b strings.Builder
	b.WriteString("values(")
	for i, row := range v.Rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, val := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(expr.NewConst(val).String())
		}
		b.WriteByte(')')
	}
	b.WriteString(") AS (")
	for j, c := range v.Cols {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Type.String())
	}
	b.WriteByte(')')
	return b.String()
}

// values compiles a VALUES statement. As a derived table, an IN subquery or a CTE without
// ORDER BY or LIMIT, it is the Values node itself; otherwise (the statement on its own,
// or with ORDER BY or LIMIT) it is read as `SELECT * FROM (VALUES …) AS v ORDER BY … LIMIT
// …`, which gives it a reader, a sort and a limit the way any SELECT has them.
func (b *block) values(sel *ast.SelectStmt) (*Query, error) {
	switch {
	case sel.SelectIntoOpt != nil:
		return nil, unsupported("VALUES ... INTO")
	case sel.LockInfo != nil && sel.LockInfo.LockType != ast.SelectLockNone:
		return nil, unsupported("locking reads (FOR UPDATE / FOR SHARE)")
	}
	if b.outer || sel.OrderBy != nil || sel.Limit != nil {
		inner := *sel
		inner.OrderBy, inner.Limit, inner.With = nil, nil, nil
		outer := &ast.SelectStmt{
			Kind:   ast.SelectStmtKindSelect,
			Fields: &ast.FieldList{Fields: []*ast.SelectField{{WildCard: &ast.WildCardField{}}}},
			From: &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{
				Source: &inner, AsName: ast.NewCIStr(valuesAlias)}}},
			OrderBy: sel.OrderBy,
			Limit:   sel.Limit,
			With:    sel.With,
		}
		q, err := b.plan(outer)
		if err != nil {
			return nil, err
		}
		for i := range q.Cols {
			q.Cols[i].Table = "" // the derived table is Weir's, not the client's
		}
		return q, nil
	}
	return b.c.valuesTable(sel.Lists)
}

// valuesAlias names the derived table a VALUES statement is read from; MySQL has no name for
// it, and a name no client can write keeps it from clashing with one.
const valuesAlias = "\x00values"

// valuesTable compiles the rows of a table value constructor. MySQL names its columns
// column_0, column_1, …; each column's type is the common type of its values, as a
// UNION's is of its branches'.
func (c *compiler) valuesTable(rows []*ast.RowExpr) (*Query, error) {
	if len(rows) == 0 {
		return nil, newErr(CodeParse, "VALUES needs at least one row")
	}
	width := len(rows[0].Values)
	if width == 0 {
		return nil, unsupported("an empty ROW() in VALUES")
	}
	conv := &exprConv{c: c, clause: "field list", view: true, where: "in VALUES"}
	exprs := make([][]expr.Expr, len(rows))
	for i, row := range rows {
		if len(row.Values) != width {
			return nil, newErr(CodeWrongValueCount, "Column count doesn't match value count at row %d", i+1)
		}
		exprs[i] = make([]expr.Expr, width)
		for j, n := range row.Values {
			if _, ok := unparen(n).(*ast.RowExpr); ok {
				return nil, newErr(CodeOperandColumns, "Operand should contain 1 column(s)")
			}
			if p := findParam(n); p != nil {
				return nil, c.at(unsupported("a parameter (?) in VALUES"), p)
			}
			e, err := conv.conv(n)
			if err != nil {
				return nil, err
			}
			if _, ok := expr.ConstValue(e); !ok {
				return nil, c.at(unsupported("an expression in VALUES other than a constant"), n)
			}
			exprs[i][j] = e
		}
	}
	cols := make([]dataflow.Column, width)
	for j := range cols {
		t := exprs[0][j].Type()
		for _, row := range exprs[1:] {
			t = unifyTypes(t, row[j].Type())
		}
		t.Nullable = false
		for _, row := range exprs {
			if v, _ := expr.ConstValue(row[j]); v.IsNull() {
				t.Nullable = true
			}
		}
		cols[j] = dataflow.Column{Name: fmt.Sprintf("column_%d", j), Type: t}
	}
	out := make([][]dataflow.Value, len(rows))
	for i, row := range exprs {
		out[i] = make([]dataflow.Value, width)
		for j, e := range row {
			v, _ := expr.ConstValue(e)
			if needsCast(e.Type(), cols[j].Type) {
				v = expr.NewCast(e, cols[j].Type).Eval(nil)
			}
			out[i][j] = v
		}
	}
	return &Query{Root: &Values{Rows: out, Cols: cols}, Cols: cols, Limit: -1, Lookups: [][]KeySource{{}}}, nil
}

// findParam returns the first `?` in n, or nil.
func findParam(n ast.Node) ast.Node {
	var f paramFinder
	n.Accept(&f)
	return f.found
}

type paramFinder struct{ found ast.Node }

func (f *paramFinder) Enter(n ast.Node) (ast.Node, bool) {
	if p, ok := n.(*test_driver.ParamMarkerExpr); ok && f.found == nil {
		f.found = p
	}
	return n, f.found != nil
}

func (f *paramFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }
