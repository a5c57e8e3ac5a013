package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/expr"
)

// selectItems expands the select list.
func (b *block) selectItems(fl *ast.FieldList) error {
	if fl == nil {
		return newErr(CodeParse, "empty select list")
	}
	for _, f := range fl.Fields {
		if f.WildCard != nil {
			tables := b.sc.tables
			if q := f.WildCard.Table.O; q != "" {
				ti := b.sc.findTable(q)
				if ti < 0 {
					return newErr(CodeBadTable, "Unknown table '%s'", q)
				}
				tables = b.sc.tables[ti : ti+1]
			} else if b.star != nil {
				for _, i := range b.star {
					c := b.sc.cols[i].col
					b.items = append(b.items, &selItem{star: i, label: c.Name, table: c.Table})
				}
				continue
			}
			for _, t := range tables {
				for i := t.first; i < t.first+t.n; i++ {
					c := b.sc.cols[i].col
					b.items = append(b.items, &selItem{star: i, label: c.Name, table: c.Table})
				}
			}
			continue
		}
		it := &selItem{node: f.Expr, star: -1}
		switch {
		case f.AsName.O != "":
			it.label, it.alias = f.AsName.O, true
		default:
			if cn, ok := unparen(f.Expr).(*ast.ColumnNameExpr); ok && f.Expr == unparen(f.Expr) {
				it.label = cn.Name.Name.O
			} else {
				it.label = fieldText(f)
			}
		}
		if cn, ok := unparen(f.Expr).(*ast.ColumnNameExpr); ok {
			if idx, err := b.sc.resolve(cn.Name, "field list"); err == nil {
				it.table = b.sc.cols[idx].col.Table
			}
		}
		b.items = append(b.items, it)
	}
	return nil
}

// fieldText is MySQL's label for an unaliased expression: its text as written, except a
// string literal, which MySQL labels with its value.
func fieldText(f *ast.SelectField) string {
	if v, ok := f.Expr.(*test_driver.ValueExpr); ok && v.Kind() == test_driver.KindString {
		return v.GetString()
	}
	if t := strings.TrimSpace(f.Text()); t != "" {
		return restoreJSONArrayAgg(restoreJSONValue(t))
	}
	var sb strings.Builder
	if err := f.Expr.Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreKeyWordUppercase, &sb)); err == nil {
		return sb.String()
	}
	return "?column?"
}

// hasAggregate reports aggregates in the select list, HAVING or ORDER BY of this block.
func hasAggregate(sel *ast.SelectStmt) bool {
	if sel.Fields == nil {
		return false
	}
	for _, f := range sel.Fields.Fields {
		if f.Expr != nil && containsAgg(f.Expr) {
			return true
		}
	}
	if sel.Having != nil && containsAgg(sel.Having.Expr) {
		return true
	}
	if sel.OrderBy != nil {
		for _, it := range sel.OrderBy.Items {
			if containsAgg(it.Expr) {
				return true
			}
		}
	}
	return false
}

// containsAgg looks for an aggregate of this block (not of a nested subquery).
func containsAgg(n ast.Node) bool {
	var f aggFinder
	n.Accept(&f)
	return f.found
}

type aggFinder struct{ found bool }

func (f *aggFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.AggregateFuncExpr:
		f.found = true
		return n, true
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		return n, true
	}
	return n, f.found
}

func (f *aggFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func (b *block) addGroup(e expr.Expr) int {
	s := e.String()
	if i, ok := b.groupIdx[s]; ok {
		return i
	}
	b.groups = append(b.groups, e)
	b.groupIdx[s] = len(b.groups) - 1
	return len(b.groups) - 1
}

// groupItem compiles a GROUP BY term. Names resolve against FROM first and then against the
// select list's aliases, as in MySQL; positions name select-list items.
func (b *block) groupItem(n ast.ExprNode) (expr.Expr, error) {
	v := b.rowConv(b.sc, "group statement")
	itemExpr := func(it *selItem, src ast.Node) (expr.Expr, error) {
		if it.node == nil {
			return b.colExpr(it.star), nil
		}
		if containsAgg(it.node) {
			return nil, b.c.at(newErr(CodeWrongGroupField, "Can't group on '%s'", it.label), src)
		}
		return v.conv(it.node)
	}
	switch x := unparen(n).(type) {
	case *ast.PositionExpr:
		i, err := b.position(x, "group statement")
		if err != nil {
			return nil, err
		}
		return itemExpr(b.items[i], x)
	case *ast.ColumnNameExpr:
		if x.Name.Table.O == "" {
			if _, err := b.sc.lookup(x.Name, "group statement"); err != nil && err.Code == CodeUnknownColumn {
				for _, it := range b.items {
					if it.alias && strings.EqualFold(it.label, x.Name.Name.O) {
						return itemExpr(it, x)
					}
				}
			}
		}
	}
	if containsAgg(n) {
		return nil, b.c.at(newErr(CodeWrongGroupField, "Can't group on '%s'", restoreText(n)), n)
	}
	return v.conv(n)
}

func restoreText(n ast.Node) string {
	var sb strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreKeyWordUppercase, &sb)); err != nil {
		return "?"
	}
	return sb.String()
}

// position resolves `GROUP BY 2` / `ORDER BY 2` to a select-list index.
func (b *block) position(x *ast.PositionExpr, clause string) (int, error) {
	if x.P != nil {
		return 0, b.c.at(unsupported("a parameter (?) as a column position"), x)
	}
	if x.N < 1 || x.N > len(b.items) {
		return 0, newErr(CodeUnknownColumn, "Unknown column '%d' in '%s'", x.N, clause)
	}
	return x.N - 1, nil
}

// plainSelect compiles the select list, HAVING and ORDER BY of a block without aggregation.
func (b *block) plainSelect(sel *ast.SelectStmt, bt *built) ([]orderRef, error) {
	v := b.rowConv(b.sc, "field list")
	v.hook = b.windowHook(b.rowConv(b.sc, "field list"), b.selectExistsHook)
	for _, it := range b.items {
		if it.node == nil {
			it.e = b.colExpr(it.star)
			continue
		}
		e, err := v.conv(it.node)
		if err != nil {
			return nil, err
		}
		it.e = e
	}
	if sel.Having != nil {
		// Without aggregation HAVING filters rows like WHERE, but may name select aliases.
		hv := b.rowConv(b.sc, "having clause")
		hv.hook = b.aliasHook()
		p, err := newPred(hv, sel.Having.Expr)
		if err != nil {
			return nil, err
		}
		bt.filter([]*pred{p})
	}
	ov := b.rowConv(b.sc, "order clause")
	ov.hook = b.windowHook(b.rowConv(b.sc, "order clause"), nil)
	return b.orderBy(sel.OrderBy, ov)
}

// aliasHook resolves an unqualified name that is a select-list alias to that item.
func (b *block) aliasHook() func(n ast.ExprNode) (expr.Expr, bool, error) {
	return func(n ast.ExprNode) (expr.Expr, bool, error) {
		cn, ok := n.(*ast.ColumnNameExpr)
		if !ok || cn.Name.Table.O != "" {
			return nil, false, nil
		}
		for _, it := range b.items {
			if it.alias && strings.EqualFold(it.label, cn.Name.Name.O) && it.e != nil {
				return it.e, true, nil
			}
		}
		return nil, false, nil
	}
}

// orderBy compiles ORDER BY terms with v (row or aggregate context).
func (b *block) orderBy(ob *ast.OrderByClause, v *exprConv) ([]orderRef, error) {
	if ob == nil {
		return nil, nil
	}
	var out []orderRef
	for n, it := range ob.Items {
		ref := orderRef{vis: -1, desc: it.Desc}
		switch x := unparen(it.Expr).(type) {
		case *ast.PositionExpr:
			i, err := b.position(x, "order clause")
			if err != nil {
				return nil, err
			}
			ref.vis = i
		case *ast.ColumnNameExpr:
			if x.Name.Table.O == "" {
				for i, si := range b.items {
					if si.alias && strings.EqualFold(si.label, x.Name.Name.O) {
						ref.vis = i
						break
					}
				}
			}
		}
		if ref.vis < 0 {
			b.postWhat = fmt.Sprintf("Expression #%d of ORDER BY clause", n+1)
			e, err := v.conv(it.Expr)
			if err != nil {
				return nil, err
			}
			if expr.IsConst(e) {
				continue // ordering by a constant orders nothing (ORDER BY NULL)
			}
			for i, si := range b.items {
				if si.e != nil && si.e.String() == e.String() {
					ref.vis = i
					break
				}
			}
			if ref.vis < 0 {
				ref.e = e
			}
		}
		out = append(out, ref)
	}
	return out, nil
}
