package planner

import (
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// singleTable extracts the one table a single-table DML statement names, with its alias.
func (c *compiler) singleTable(refs *ast.TableRefsClause, what string) (*TableSchema, string, error) {
	if refs == nil || refs.TableRefs == nil {
		return nil, "", newErr(CodeParse, "%s without a table", what)
	}
	j := refs.TableRefs
	if j.Right != nil {
		return nil, "", unsupported("multi-table %s", what)
	}
	ts, ok := j.Left.(*ast.TableSource)
	if !ok {
		return nil, "", unsupported("multi-table %s", what)
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return nil, "", unsupported("%s of a derived table", what)
	}
	if len(tn.PartitionNames) > 0 {
		return nil, "", unsupported("PARTITION clauses")
	}
	t, err := c.table(tn)
	if err != nil {
		return nil, "", err
	}
	qual := tn.Name.O
	if ts.AsName.O != "" {
		qual = ts.AsName.O
	}
	return t, qual, nil
}

// tableScope is the scope of a single-table statement: global numbers are table positions.
func tableScope(t *TableSchema, qual string) *scope {
	sc := &scope{}
	sc.addTable(qual, t.Columns(qual), t)
	return sc
}

// argParam compiles `?` number i as position base+i of the row the statement's expressions
// are evaluated over.
func argParam(base int) func(p *test_driver.ParamMarkerExpr, ctx *dataflow.Type) (expr.Expr, error) {
	return func(p *test_driver.ParamMarkerExpr, ctx *dataflow.Type) (expr.Expr, error) {
		t := paramType
		if ctx != nil && ctx.Kind != dataflow.KindNull {
			t = *ctx
			t.Nullable = true
		}
		return expr.NewCol(base+p.Order, dataflow.Column{Name: "?", Type: t}), nil
	}
}

// defaultExpr is the value DEFAULT stands for in column d, in an expression whose arguments
// start at argBase.
func (c *compiler) defaultExpr(d *ColumnDef, argBase int) (expr.Expr, error) {
	switch {
	case d.DefaultNow:
		fsp := 0
		if d.Type.Kind == dataflow.KindDatetime {
			fsp = d.Type.Scale
		}
		return c.volatileSlot(Volatile{Kind: VolatileDatetime, Fsp: fsp}, argBase, "CURRENT_TIMESTAMP()"), nil
	case d.Default != nil:
		return expr.NewConstTyped(*d.Default, d.Type), nil
	case d.AutoIncrement || !d.NotNull:
		return expr.NewConstTyped(dataflow.Null, d.Type), nil
	}
	return nil, newErr(CodeNoDefault, "Field '%s' doesn't have a default value", d.Name)
}

// columnIn resolves a target column of a single-table statement.
func columnIn(t *TableSchema, qual string, cn *ast.ColumnName, clause string) (int, *Error) {
	if cn.Table.O != "" && !strings.EqualFold(cn.Table.O, qual) && !strings.EqualFold(cn.Table.O, t.Name) {
		return -1, newErr(CodeUnknownColumn, "Unknown column '%s' in '%s'", colText(cn), clause)
	}
	i := t.Column(cn.Name.O)
	if i < 0 {
		return -1, newErr(CodeUnknownColumn, "Unknown column '%s' in '%s'", colText(cn), clause)
	}
	return i, nil
}

func (c *compiler) insert(s *ast.InsertStmt) (Statement, error) {
	if s.Select != nil {
		return nil, unsupported("INSERT ... SELECT")
	}
	if len(s.PartitionNames) > 0 {
		return nil, unsupported("PARTITION clauses")
	}
	t, qual, err := c.singleTable(s.Table, "INSERT")
	if err != nil {
		return nil, err
	}
	width := len(t.Cols)
	ins := &Insert{Table: t.Name, Replace: s.IsReplace, Ignore: s.IgnoreErr, NumParams: len(c.params)}
	seen := make([]bool, width)
	for _, cn := range s.Columns {
		i, err := columnIn(t, qual, cn, "field list")
		if err != nil {
			return nil, err
		}
		if seen[i] {
			return nil, newErr(CodeFieldSpecifiedTwice, "Column '%s' specified twice", cn.Name.O)
		}
		seen[i] = true
		ins.Cols = append(ins.Cols, i)
	}
	explicit := len(s.Columns) > 0
	if !explicit {
		for i := range width {
			ins.Cols = append(ins.Cols, i)
		}
	}
	values := &exprConv{c: c, clause: "field list", param: argParam(0), write: true}
	for r, list := range s.Lists {
		if len(list) == 0 && !explicit {
			// VALUES (): every column takes its default.
			row := make([]expr.Expr, width)
			for i := range t.Cols {
				if row[i], err = c.defaultExpr(&t.Cols[i], 0); err != nil {
					return nil, err
				}
			}
			ins.Rows = append(ins.Rows, row)
			continue
		}
		if len(list) != len(ins.Cols) {
			return nil, newErr(CodeWrongValueCount, "Column count doesn't match value count at row %d", r+1)
		}
		row := make([]expr.Expr, len(list))
		for i, item := range list {
			target := &t.Cols[ins.Cols[i]]
			if d, ok := item.(*ast.DefaultExpr); ok {
				col := target
				if d.Name != nil {
					j, err := columnIn(t, qual, d.Name, "field list")
					if err != nil {
						return nil, c.at(err, d)
					}
					col = &t.Cols[j]
				}
				if row[i], err = c.defaultExpr(col, 0); err != nil {
					return nil, err
				}
				continue
			}
			if row[i], err = values.convCtx(item, &target.Type); err != nil {
				return nil, err
			}
		}
		ins.Rows = append(ins.Rows, row)
	}
	if len(s.OnDuplicate) > 0 {
		sc := tableScope(t, qual)
		onDup := &exprConv{c: c, sc: sc, clause: "field list", param: argParam(2 * width), write: true, argBase: 2 * width}
		onDup.values = func(cn *ast.ColumnName) (expr.Expr, error) {
			i, err := columnIn(t, qual, cn, "field list")
			if err != nil {
				return nil, err
			}
			return expr.NewCol(width+i, dataflow.Column{Table: qual, Name: t.Cols[i].Name, Type: t.Cols[i].Type}), nil
		}
		for _, a := range s.OnDuplicate {
			asg, err := c.assignment(t, qual, a, onDup)
			if err != nil {
				return nil, err
			}
			ins.OnDup = append(ins.OnDup, asg)
		}
	}
	ins.Volatile = c.volatiles
	return ins, nil
}

// assignment compiles `col = expr` of UPDATE SET or ON DUPLICATE KEY UPDATE.
func (c *compiler) assignment(t *TableSchema, qual string, a *ast.Assignment, v *exprConv) (Assignment, error) {
	i, cerr := columnIn(t, qual, a.Column, "field list")
	if cerr != nil {
		return Assignment{}, cerr
	}
	if d, ok := a.Expr.(*ast.DefaultExpr); ok {
		col := &t.Cols[i]
		if d.Name != nil {
			j, err := columnIn(t, qual, d.Name, "field list")
			if err != nil {
				return Assignment{}, c.at(err, d)
			}
			col = &t.Cols[j]
		}
		e, err := c.defaultExpr(col, v.argBase)
		return Assignment{Col: i, Expr: e}, err
	}
	e, err := v.convCtx(a.Expr, &t.Cols[i].Type)
	if err != nil {
		return Assignment{}, err
	}
	return Assignment{Col: i, Expr: e}, nil
}

func (c *compiler) update(s *ast.UpdateStmt) (Statement, error) {
	switch {
	case s.MultipleTable:
		return nil, unsupported("multi-table UPDATE")
	case s.Order != nil:
		return nil, unsupported("ORDER BY in UPDATE")
	case s.Limit != nil:
		return nil, unsupported("LIMIT in UPDATE")
	case s.With != nil:
		return nil, unsupported("WITH (common table expressions)")
	}
	t, qual, err := c.singleTable(s.TableRefs, "UPDATE")
	if err != nil {
		return nil, err
	}
	sc := tableScope(t, qual)
	u := &Update{Table: t.Name, NumParams: len(c.params), Ignore: s.IgnoreErr}
	set := &exprConv{c: c, sc: sc, clause: "field list", param: argParam(len(t.Cols)), write: true, argBase: len(t.Cols)}
	for _, a := range s.List {
		asg, err := c.assignment(t, qual, a, set)
		if err != nil {
			return nil, err
		}
		u.Set = append(u.Set, asg)
	}
	if u.Where, u.Lookups, u.LookupCols, err = c.dmlWhere(t, sc, s.Where); err != nil {
		return nil, err
	}
	u.Volatile = c.volatiles
	return u, nil
}

func (c *compiler) delete(s *ast.DeleteStmt) (Statement, error) {
	switch {
	case s.IsMultiTable:
		return nil, unsupported("multi-table DELETE")
	case s.Order != nil:
		return nil, unsupported("ORDER BY in DELETE")
	case s.Limit != nil:
		return nil, unsupported("LIMIT in DELETE")
	case s.With != nil:
		return nil, unsupported("WITH (common table expressions)")
	}
	t, qual, err := c.singleTable(s.TableRefs, "DELETE")
	if err != nil {
		return nil, err
	}
	sc := tableScope(t, qual)
	d := &Delete{Table: t.Name, NumParams: len(c.params)}
	if d.Where, d.Lookups, d.LookupCols, err = c.dmlWhere(t, sc, s.Where); err != nil {
		return nil, err
	}
	d.Volatile = c.volatiles
	return d, nil
}

// dmlWhere compiles the WHERE of UPDATE/DELETE over `row ++ arguments`, and finds the keys
// it pins, if any: the primary key's, or else the first unique key's whose every column it
// pins (cols then lists that key's columns; nil for the primary key).
func (c *compiler) dmlWhere(t *TableSchema, sc *scope, where ast.ExprNode) (e expr.Expr, lookups [][]KeySource, cols []int, err error) {
	if where == nil {
		return nil, nil, nil, nil
	}
	v := &exprConv{c: c, sc: sc, clause: "where clause", param: argParam(len(t.Cols)), write: true, argBase: len(t.Cols)}
	e, err = v.conv(where)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(t.PK) == 0 && !slices.ContainsFunc(t.Indexes, func(ix Index) bool { return ix.Unique() }) {
		return e, nil, nil, nil
	}
	conds, err := c.keyConds(sc, splitAnd(where), false)
	if err != nil {
		return nil, nil, nil, err
	}
	pinned := func(key []int) ([][]KeySource, bool) {
		if len(key) == 0 {
			return nil, false
		}
		var comps [][]KeySource
		for _, col := range key {
			i := slices.IndexFunc(conds, func(k *keyCond) bool { return k.col == col })
			if i < 0 {
				return nil, false
			}
			comps = append(comps, conds[i].alts)
		}
		return crossProduct(comps)
	}
	if lookups, ok := pinned(t.PK); ok {
		return e, lookups, nil, nil
	}
	for _, ix := range t.Indexes {
		if !ix.Unique() {
			continue
		}
		if lookups, ok := pinned(ix.Cols); ok {
			return e, lookups, ix.Cols, nil
		}
	}
	return e, nil, nil, nil
}

func (c *compiler) truncate(s *ast.TruncateTableStmt) (Statement, error) {
	t, err := c.table(s.Table)
	if err != nil {
		return nil, err
	}
	return &Truncate{Table: t.Name}, nil
}
