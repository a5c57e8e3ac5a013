package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// unionBranch is one compiled branch of a UNION (a SELECT or a parenthesized UNION) and the
// operator that joins it to the branches before it.
type unionBranch struct {
	plan    Plan              // the visible columns, then the key columns
	cols    []dataflow.Column // the visible columns
	keys    []dataflow.Column // the key columns
	lookups [][]KeySource
	op      ast.SetOprType
	// emptyRow makes up the branch's row (visible and key columns) for a key whose group is
	// empty, when the branch is a scalar aggregate with a key.
	emptyRow emptyRowFunc
}

// keyPad fills the key columns a branch does not have, in its rows and in its lookups alike:
// a NULL would do in the rows, but a lookup with a NULL component matches nothing.
var keyPad = dataflow.Int(0)

// union compiles a UNION statement (the outermost query, or a nested one).
func (c *compiler) union(n *ast.SetOprStmt, nest nesting) (*Query, error) {
	return c.withCTEs(n.With, func() (*Query, error) { return c.setOpr(n.SelectList, n.OrderBy, n.Limit, nest) })
}

// setOpr compiles a UNION [ALL] chain with its ORDER BY and LIMIT. MySQL evaluates the chain
// left to right, and a UNION DISTINCT removes duplicates from everything to its left.
//
// Branches may have keys. Each branch's rows then carry a constant tag (the branch's number)
// and the branch's key columns, padded to the longest branch key, and each branch is looked
// up apart, by its tag and its own key (a branch without a key by its tag alone): the reader's
// merge of several lookups concatenates the branches, distincts them for UNION DISTINCT and
// applies ORDER BY and LIMIT, for which each lookup's TopK keeps LIMIT+OFFSET rows. Only the
// outermost query has that merge, so a nested UNION has keys only where its branches'
// results may simply be concatenated.
func (c *compiler) setOpr(l *ast.SetOprSelectList, ob *ast.OrderByClause, lim *ast.Limit, nest nesting) (*Query, error) {
	if l == nil || len(l.Selects) == 0 {
		return nil, newErr(CodeParse, "empty UNION")
	}
	ops, err := setOps(l)
	if err != nil {
		return nil, err
	}
	last := lastDistinct(ops)
	inner := nest.where
	if inner == "" {
		inner = "in a UNION"
	}
	noKeys := nest.noKeys
	if noKeys == "" && nest.where != "" {
		switch {
		case nest.single != "":
			noKeys = "in a UNION " + nest.single
		case last > 0 && last == len(ops)-1:
			noKeys = "in a UNION (DISTINCT) " + nest.where
		case lim != nil:
			noKeys = "in a UNION with LIMIT " + nest.where
		}
	}
	branches := make([]unionBranch, 0, len(l.Selects))
	for i, s := range l.Selects {
		bn := nesting{where: inner, noKeys: noKeys, emptyRow: nest.where == "" || nest.emptyRow}
		if bn.noKeys == "" && last > 0 && last < len(ops)-1 && i <= last {
			// Those branches are distincted together before UNION ALL adds the others: one
			// part of the result, which no merge of lookups can distinct apart.
			bn.noKeys = "in a UNION branch before the last UNION DISTINCT of a chain that continues with UNION ALL"
		}
		var q *Query
		switch s := s.(type) {
		case *ast.SelectStmt:
			q, err = c.subquery(s, nil, bn)
		case *ast.SetOprSelectList:
			if s.With != nil {
				return nil, unsupported("WITH (common table expressions)")
			}
			q, err = c.setOpr(s, s.OrderBy, s.Limit, bn)
		}
		if err != nil {
			return nil, err
		}
		plan, cols, keys := carried(q)
		if i > 0 && len(cols) != len(branches[0].cols) {
			return nil, newErr(CodeUnionColumns, "The used SELECT statements have a different number of columns")
		}
		branches = append(branches, unionBranch{plan: plan, cols: cols, keys: keys, lookups: q.Lookups, op: ops[i], emptyRow: carriedEmptyRow(q)})
	}
	f, err := foldUnion(branches, last)
	if err != nil {
		return nil, err
	}
	q := &Query{Cols: f.cols, Limit: -1, Lookups: f.lookups, Distinct: f.distinct, EmptyRow: f.emptyRow}
	if f.nkeys > 0 {
		q.KeyCols = seq(len(f.cols), f.nkeys)
	}
	if ob != nil {
		for _, it := range ob.Items {
			k, err := c.unionOrder(it, f.cols)
			if err != nil {
				return nil, err
			}
			q.Order = append(q.Order, k)
		}
	}
	limit, offset, hasLimit, err := c.limit(lim, nest.where)
	if err != nil {
		return nil, err
	}
	if limit < 0 || offset < 0 {
		return nil, unsupported("a parameter (?) in the LIMIT of a UNION")
	}
	plan := f.plan
	if hasLimit {
		t := &TopK{Input: plan, GroupBy: append([]int(nil), q.KeyCols...), Order: q.Order, Limit: limit, Offset: offset}
		if len(q.Lookups) > 1 {
			t.Limit, t.Offset = addCap(limit, offset), 0
			q.Limit, q.Offset = limit, offset
		}
		q.EmptyRow = limitedEmptyRow(t, q.EmptyRow)
		plan = t
	}
	q.Root = plan
	return q, nil
}

// setOps lists the operator before each branch (the first has none).
func setOps(l *ast.SetOprSelectList) ([]ast.SetOprType, error) {
	ops := make([]ast.SetOprType, len(l.Selects))
	for i, s := range l.Selects {
		var op *ast.SetOprType
		switch s := s.(type) {
		case *ast.SelectStmt:
			op = s.AfterSetOperator
		case *ast.SetOprSelectList:
			op = s.AfterSetOperator
		default:
			return nil, unsupported("this UNION branch (%T)", s)
		}
		if i == 0 {
			continue
		}
		if op == nil {
			return nil, newErr(CodeParse, "UNION branch without an operator")
		}
		switch *op {
		case ast.Union, ast.UnionAll:
			ops[i] = *op
		case ast.Except, ast.ExceptAll:
			return nil, unsupported("EXCEPT")
		default:
			return nil, unsupported("INTERSECT")
		}
	}
	return ops, nil
}

// lastDistinct is the position of the last UNION DISTINCT of a chain, 0 when there is none.
func lastDistinct(ops []ast.SetOprType) int {
	last := 0
	for i := 1; i < len(ops); i++ {
		if ops[i] == ast.Union {
			last = i
		}
	}
	return last
}

// folded is a compiled UNION chain.
type folded struct {
	plan Plan
	cols []dataflow.Column // the visible columns
	// nkeys key columns follow the visible ones: the branch tag, then the branches' keys.
	nkeys    int
	lookups  [][]KeySource
	distinct bool // the merge of the lookups distincts them (UNION DISTINCT)
	emptyRow emptyRowFunc
}

// foldUnion combines branches left to right; last is the position of the last UNION
// DISTINCT. Every branch is first cast to the common column types, so that the union's rows
// look alike whichever branch produced them.
func foldUnion(branches []unionBranch, last int) (folded, error) {
	if len(branches) == 1 {
		br := branches[0]
		return folded{plan: br.plan, cols: br.cols, nkeys: len(br.keys), lookups: br.lookups, emptyRow: br.emptyRow}, nil
	}
	cols := append([]dataflow.Column(nil), branches[0].cols...)
	for i := range cols {
		cols[i].Table = ""
		for _, br := range branches[1:] {
			cols[i].Type = unifyTypes(cols[i].Type, br.cols[i].Type)
		}
	}
	keyed := false
	for _, br := range branches {
		keyed = keyed || len(br.keys) > 0
	}
	if !keyed {
		return folded{plan: foldPlain(branches, cols), cols: cols, lookups: [][]KeySource{{}}}, nil
	}
	parts := branches
	distinct := last == len(branches)-1
	if last > 0 && !distinct {
		// The branches up to the last UNION DISTINCT have no keys (setOpr saw to that): they
		// are one keyless part.
		parts = append([]unionBranch{{plan: foldPlain(branches[:last+1], cols), cols: cols, lookups: [][]KeySource{{}}}}, branches[last+1:]...)
	}
	nk := 0
	for _, p := range parts {
		nk = max(nk, len(p.keys))
	}
	tagCol := dataflow.Column{Type: expr.NewConst(dataflow.Int(0)).Type()}
	ucols := append(append([]dataflow.Column(nil), cols...), tagCol)
	for i := range nk {
		for _, p := range parts {
			if i < len(p.keys) {
				// The column holds keys of different branches: it has no name of its own.
				t := p.keys[i].Type
				t.Nullable = true
				ucols = append(ucols, dataflow.Column{Type: t})
				break
			}
		}
	}
	var ins []Plan
	var lookups [][]KeySource
	partExprs := make([][]expr.Expr, len(parts))
	for j, p := range parts {
		tag := dataflow.Int(int64(j))
		in := p.plan.Columns()
		exprs := castExprs(in, cols)
		exprs = append(exprs, expr.NewConst(tag))
		for i := range p.keys {
			exprs = append(exprs, expr.NewCol(len(p.cols)+i, in[len(p.cols)+i]))
		}
		for range nk - len(p.keys) {
			exprs = append(exprs, expr.NewConst(keyPad))
		}
		partExprs[j] = exprs
		ins = append(ins, project(p.plan, exprs, ucols))
		for _, l := range p.lookups {
			lk := make([]KeySource, 0, 1+nk)
			lk = append(lk, KeySource{Param: -1, Literal: tag})
			lk = append(lk, l...)
			for len(lk) < 1+nk {
				lk = append(lk, KeySource{Param: -1, Literal: keyPad})
			}
			lookups = append(lookups, lk)
		}
		if len(lookups) > maxLookups {
			return folded{}, unsupported("IN lists whose combinations exceed %d lookups", maxLookups)
		}
	}
	var plan Plan = &Union{Ins: ins, Cols: ucols}
	if distinct {
		plan = &Distinct{Input: plan}
	}
	return folded{plan: plan, cols: cols, nkeys: 1 + nk, lookups: lookups, distinct: distinct, emptyRow: taggedEmptyRow(parts, partExprs)}, nil
}

// taggedEmptyRow makes up the row of an empty group of a tagged union: the branch the tag
// names makes up its own row, if it is a scalar aggregate, which the branch's projection
// onto the union's columns then tags and pads. nil when no branch has such a row.
func taggedEmptyRow(parts []unionBranch, partExprs [][]expr.Expr) emptyRowFunc {
	has := false
	for _, p := range parts {
		has = has || p.emptyRow != nil
	}
	if !has {
		return nil
	}
	return func(key dataflow.Row) (dataflow.Row, bool) {
		if len(key) == 0 || key[0].Kind() != dataflow.KindInt {
			return nil, false
		}
		j := key[0].RawInt()
		if j < 0 || j >= int64(len(parts)) || parts[j].emptyRow == nil || len(key) < 1+len(parts[j].keys) {
			return nil, false
		}
		r, ok := parts[j].emptyRow(key[1 : 1+len(parts[j].keys)])
		if !ok {
			return nil, false
		}
		out := make(dataflow.Row, len(partExprs[j]))
		for i, e := range partExprs[j] {
			out[i] = e.Eval(r)
		}
		return out, true
	}
}

// foldPlain folds branches without keys: a UNION DISTINCT distincts everything to its left.
func foldPlain(branches []unionBranch, cols []dataflow.Column) Plan {
	ins := []Plan{castBranch(branches[0].plan, cols)}
	for _, br := range branches[1:] {
		ins = append(ins, castBranch(br.plan, cols))
		if br.op == ast.Union {
			ins = []Plan{&Distinct{Input: &Union{Ins: ins, Cols: cols}}}
		}
	}
	if len(ins) == 1 {
		return ins[0]
	}
	return &Union{Ins: ins, Cols: cols}
}

// castBranch projects a branch onto the union's column names and types.
func castBranch(p Plan, cols []dataflow.Column) Plan {
	return project(p, castExprs(p.Columns(), cols), cols)
}

// castExprs converts the first len(cols) columns of a branch to the union's types.
func castExprs(in, cols []dataflow.Column) []expr.Expr {
	exprs := make([]expr.Expr, len(cols))
	for i, c := range cols {
		e := expr.NewCol(i, in[i])
		if needsCast(in[i].Type, c.Type) {
			e = expr.NewCast(e, c.Type)
		}
		exprs[i] = e
	}
	return exprs
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
		p := min(digits+s, dataflow.MaxDecimalPrecision)
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
	case ka == 5 && kb == 5:
		// Binary strings stay binary, compared byte by byte (PostgreSQL's text).
		t = a
		if b.Precision > a.Precision || a.Precision > 0 && b.Precision == 0 {
			t = b
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
