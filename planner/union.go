package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// unionBranch is one compiled SELECT of a UNION and the operator that joins it to the
// branches before it.
type unionBranch struct {
	plan Plan
	cols []dataflow.Column
	op   ast.SetOprType
}

// union compiles a UNION [ALL] chain with its ORDER BY and LIMIT. MySQL evaluates the chain
// left to right, and a UNION DISTINCT removes duplicates from everything to its left.
func (c *compiler) union(n *ast.SetOprStmt, where string) (*Query, error) {
	if n.With != nil {
		return nil, unsupported("WITH (common table expressions)")
	}
	if n.SelectList == nil || len(n.SelectList.Selects) == 0 {
		return nil, newErr(CodeParse, "empty UNION")
	}
	inner := where
	if inner == "" {
		inner = "in a UNION"
	}
	branches, err := c.unionList(n.SelectList, inner)
	if err != nil {
		return nil, err
	}
	plan, cols := foldUnion(branches)
	q := &Query{Cols: cols, Limit: -1, Lookups: [][]KeySource{{}}}
	if n.OrderBy != nil {
		for _, it := range n.OrderBy.Items {
			k, err := c.unionOrder(it, cols)
			if err != nil {
				return nil, err
			}
			q.Order = append(q.Order, k)
		}
	}
	limit, offset, hasLimit, err := c.limit(n.Limit, where)
	if err != nil {
		return nil, err
	}
	if hasLimit {
		plan = &TopK{Input: plan, Order: q.Order, Limit: limit, Offset: offset}
	}
	q.Root = plan
	return q, nil
}

// unionList compiles the branches of a (possibly parenthesized) select list.
func (c *compiler) unionList(l *ast.SetOprSelectList, where string) ([]unionBranch, error) {
	var out []unionBranch
	for i, s := range l.Selects {
		var op *ast.SetOprType
		var br unionBranch
		switch s := s.(type) {
		case *ast.SelectStmt:
			op = s.AfterSetOperator
			q, err := c.subquery(s, nil, where)
			if err != nil {
				return nil, err
			}
			br.plan, br.cols = visiblePlan(q)
		case *ast.SetOprSelectList:
			op = s.AfterSetOperator
			if s.With != nil {
				return nil, unsupported("WITH (common table expressions)")
			}
			sub, err := c.unionList(s, where)
			if err != nil {
				return nil, err
			}
			plan, cols := foldUnion(sub)
			if s.OrderBy != nil || s.Limit != nil {
				var order []dataflow.SortKey
				if s.OrderBy != nil {
					for _, it := range s.OrderBy.Items {
						k, err := c.unionOrder(it, cols)
						if err != nil {
							return nil, err
						}
						order = append(order, k)
					}
				}
				limit, offset, has, err := c.limit(s.Limit, where)
				if err != nil {
					return nil, err
				}
				if has {
					plan = &TopK{Input: plan, Order: order, Limit: limit, Offset: offset}
				}
			}
			br.plan, br.cols = plan, cols
		default:
			return nil, unsupported("this UNION branch (%T)", s)
		}
		if i > 0 {
			if op == nil {
				return nil, newErr(CodeParse, "UNION branch without an operator")
			}
			switch *op {
			case ast.Union, ast.UnionAll:
				br.op = *op
			case ast.Except, ast.ExceptAll:
				return nil, unsupported("EXCEPT")
			default:
				return nil, unsupported("INTERSECT")
			}
			if len(br.cols) != len(out[0].cols) {
				return nil, newErr(CodeUnionColumns, "The used SELECT statements have a different number of columns")
			}
		}
		out = append(out, br)
	}
	return out, nil
}

// foldUnion combines branches left to right. Every branch is first cast to the common
// column types, so that the union's rows look alike whichever branch produced them.
func foldUnion(branches []unionBranch) (Plan, []dataflow.Column) {
	cols := append([]dataflow.Column(nil), branches[0].cols...)
	for i := range cols {
		cols[i].Table = ""
		for _, br := range branches[1:] {
			cols[i].Type = unifyTypes(cols[i].Type, br.cols[i].Type)
		}
	}
	if len(branches) == 1 {
		return branches[0].plan, branches[0].cols
	}
	ins := []Plan{castBranch(branches[0].plan, cols)}
	for _, br := range branches[1:] {
		ins = append(ins, castBranch(br.plan, cols))
		if br.op == ast.Union {
			ins = []Plan{&Distinct{Input: &Union{Ins: ins, Cols: cols}}}
		}
	}
	if len(ins) == 1 {
		return ins[0], cols
	}
	return &Union{Ins: ins, Cols: cols}, cols
}

// castBranch projects a branch onto the union's column names and types.
func castBranch(p Plan, cols []dataflow.Column) Plan {
	in := p.Columns()
	exprs := make([]expr.Expr, len(cols))
	for i, c := range cols {
		e := expr.NewCol(i, in[i])
		if needsCast(in[i].Type, c.Type) {
			e = expr.NewCast(e, c.Type)
		}
		exprs[i] = e
	}
	return project(p, exprs, cols)
}

func needsCast(from, to dataflow.Type) bool {
	switch {
	case from.Kind == dataflow.KindNull:
		return false
	case keyClass(from) != keyClass(to):
		return true
	case to.Kind == dataflow.KindDecimal:
		return from.Kind != dataflow.KindDecimal || from.Scale != to.Scale
	case to.Kind == dataflow.KindDatetime:
		return from.Kind == dataflow.KindDate
	}
	return false
}

// unifyTypes is the type of a union column fed by both types, after MySQL's rules: exact
// numbers widen, any double makes a double, mixed classes become strings.
func unifyTypes(a, b dataflow.Type) dataflow.Type {
	nullable := a.Nullable || b.Nullable
	switch {
	case a.Kind == dataflow.KindNull:
		b.Nullable = true
		return b
	case b.Kind == dataflow.KindNull:
		a.Nullable = true
		return a
	}
	var t dataflow.Type
	ka, kb := keyClass(a), keyClass(b)
	switch {
	case ka == 1 && kb == 1:
		if a.Kind != dataflow.KindDecimal && b.Kind != dataflow.KindDecimal {
			t = a
			if a.Kind != b.Kind || a.SQL != b.SQL {
				// Signed and unsigned integers of any width: BIGINT holds the values Weir
				// keeps (the union does not convert them).
				t = dataflow.Type{Kind: dataflow.KindInt, Precision: max(a.Precision, b.Precision), SQL: "BIGINT"}
			}
			break
		}
		s := max(scaleOfType(a), scaleOfType(b))
		digits := max(intDigitsOfType(a), intDigitsOfType(b))
		p := min(digits+s, dataflow.MaxDecimalDigits)
		s = min(s, p)
		t = dataflow.Type{Kind: dataflow.KindDecimal, Precision: p, Scale: s, SQL: fmt.Sprintf("DECIMAL(%d,%d)", p, s)}
	case (ka == 1 || ka == 2) && (kb == 1 || kb == 2):
		t = dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE"}
	case ka == 4 && kb == 4:
		if a.Kind == dataflow.KindDate && b.Kind == dataflow.KindDate {
			t = a
			break
		}
		fsp := max(a.Scale, b.Scale)
		t = dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME"}
		if fsp > 0 {
			t.SQL = fmt.Sprintf("DATETIME(%d)", fsp)
		}
	case ka == 3 && kb == 3:
		t = a
		if b.Precision > a.Precision {
			t = b
		}
		if !strings.HasPrefix(strings.ToUpper(t.SQL), "VARCHAR") && !strings.HasSuffix(strings.ToUpper(t.SQL), "TEXT") {
			t.SQL = fmt.Sprintf("VARCHAR(%d)", t.Precision)
		}
	default:
		t = dataflow.Type{Kind: dataflow.KindString, Precision: 65535, SQL: "TEXT"}
	}
	t.Nullable = nullable
	return t
}

func scaleOfType(t dataflow.Type) int {
	if t.Kind == dataflow.KindDecimal {
		return t.Scale
	}
	return 0
}

func intDigitsOfType(t dataflow.Type) int {
	switch t.Kind {
	case dataflow.KindDecimal:
		return max(t.Precision-t.Scale, 1)
	case dataflow.KindInt, dataflow.KindUint:
		if t.Precision > 0 {
			return min(t.Precision, 20)
		}
	}
	return 20
}

// unionOrder resolves an ORDER BY term of a UNION: a result column by position or name.
func (c *compiler) unionOrder(it *ast.ByItem, cols []dataflow.Column) (dataflow.SortKey, error) {
	switch x := unparen(it.Expr).(type) {
	case *ast.PositionExpr:
		if x.P != nil {
			return dataflow.SortKey{}, c.at(unsupported("a parameter (?) as a column position"), x)
		}
		if x.N < 1 || x.N > len(cols) {
			return dataflow.SortKey{}, newErr(CodeUnknownColumn, "Unknown column '%d' in 'order clause'", x.N)
		}
		return dataflow.SortKey{Col: x.N - 1, Desc: it.Desc}, nil
	case *ast.ColumnNameExpr:
		if x.Name.Table.O != "" {
			return dataflow.SortKey{}, newErr(1250, "Table '%s' from one of the SELECTs cannot be used in global ORDER clause", x.Name.Table.O)
		}
		for i, col := range cols {
			if strings.EqualFold(col.Name, x.Name.Name.O) {
				return dataflow.SortKey{Col: i, Desc: it.Desc}, nil
			}
		}
		return dataflow.SortKey{}, newErr(CodeUnknownColumn, "Unknown column '%s' in 'order clause'", x.Name.Name.O)
	}
	return dataflow.SortKey{}, c.at(unsupported("ORDER BY an expression over a UNION result: order by a result column"), it.Expr)
}
