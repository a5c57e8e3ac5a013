package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Window functions (ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD; COUNT, SUM, AVG, MIN, MAX OVER a
// frame) are computed after WHERE, GROUP BY and HAVING, and before DISTINCT, ORDER BY and
// LIMIT, as SQL orders them. While the select list and ORDER BY compile, each window call
// becomes a reference to column winBase+j; once the input is known, the calls with the same
// PARTITION BY and ORDER BY share one Window node, and nodes of different windows follow
// each other, each adding its columns after its input's. A window whose partition is the
// reader's key is kept partially, one partition per key.
//
// The key columns of the block (`WHERE dept = ?`) are not filtered before the window: every
// key's rows flow, and the reader picks one key. So every window is partitioned by the key
// columns too, which computes it over the rows of one key, as SQL computes it over the rows
// WHERE leaves; when the window's own PARTITION BY is the key column this changes nothing.
// An IN list of parameters would put several keys into one window and is refused; a literal
// IN list is an ordinary filter then. Range conditions are filters too.
//
// Frames: ROWS counts rows; RANGE offsets are values, numbers over a numeric key and
// INTERVALs over a temporal one (window_interval.go), each bound a column the projection
// below the window computes; GROUPS counts peer groups, planned in the PostgreSQL dialect
// only (MySQL refuses it, and MariaDB cannot parse it).

// winBase numbers window results while the block compiles (below aggBase).
const winBase = 1 << 29

// MariaDB's errors for misused window functions.
const (
	CodeWindowUndefined    = 4009
	CodeWindowDuplicate    = 4010
	CodeWindowFrameBounds  = 4014
	CodeWindowPlacement    = 4015
	CodeWindowFrameNotAllw = 4017
	CodeWindowNoOrder      = 4018
	CodeWindowRangeKeys    = 4019
	CodeWindowRangeType    = 4021
)

func windowErr(code int, format string, args ...any) *Error {
	return &Error{Code: code, SQLState: "HY000", Msg: fmt.Sprintf(format, args...)}
}

// Window computes window functions sharing one PARTITION BY and ORDER BY over its input:
// each input row followed by one column per function. Partition holds the key columns of
// the block first (see above).
type Window struct {
	Input     Plan
	Partition []int
	Order     []dataflow.SortKey
	Funcs     []expr.WindowFunc
	Cols      []dataflow.Column
}

func (w *Window) Columns() []dataflow.Column { return w.Cols }
func (w *Window) Inputs() []Plan             { return []Plan{w.Input} }

// winInfo is one window call of a block, over the block's expressions (global columns, or
// the aggregate's output in an aggregating block).
type winInfo struct {
	fn       expr.WindowFunc
	part     []expr.Expr
	order    []expr.Expr
	desc     []bool
	arg, def expr.Expr
	// bounds are the values of a RANGE frame's offset bounds (start, end), nil for others.
	bounds [2]expr.Expr
	// winName is the window's name in MySQL's messages.
	winName   string
	col       dataflow.Column
	windowKey string
}

// hasWindow reports a window function in the select list or ORDER BY of this block.
func hasWindow(sel *ast.SelectStmt) bool {
	var f winFinder
	if sel.Fields != nil {
		for _, fd := range sel.Fields.Fields {
			if fd.Expr != nil {
				fd.Expr.Accept(&f)
			}
		}
	}
	if sel.OrderBy != nil {
		for _, it := range sel.OrderBy.Items {
			it.Expr.Accept(&f)
		}
	}
	return f.found
}

type winFinder struct{ found bool }

func (f *winFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.WindowFuncExpr:
		f.found = true
		return n, true
	case *ast.SubqueryExpr, *ast.SelectStmt, *ast.SetOprStmt:
		return n, true
	}
	return n, f.found
}

func (f *winFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// windowDefs records the named windows of the WINDOW clause.
func (b *block) windowDefs(sel *ast.SelectStmt) error {
	b.winDefs = map[string]*ast.WindowSpec{}
	for i := range sel.WindowSpecs {
		s := &sel.WindowSpecs[i]
		name := s.Name.L
		if _, dup := b.winDefs[name]; dup {
			return windowErr(CodeWindowDuplicate, "Multiple window specifications with the same name '%s'", s.Name.O)
		}
		b.winDefs[name] = s
	}
	return nil
}

// resolveSpec folds a window that names another (`OVER w`, `OVER (w ORDER BY x)`, `WINDOW
// w2 AS (w1 ...)`) into one specification.
func (b *block) resolveSpec(s *ast.WindowSpec, depth int) (*ast.WindowSpec, error) {
	ref := s.Ref
	if s.OnlyAlias {
		ref = s.Name
	}
	if ref.L == "" {
		return s, nil
	}
	base, ok := b.winDefs[ref.L]
	if !ok || depth > len(b.winDefs) {
		return nil, windowErr(CodeWindowUndefined, "Window specification with name '%s' is not defined", ref.O)
	}
	r, err := b.resolveSpec(base, depth+1)
	if err != nil {
		return nil, err
	}
	if s.OnlyAlias {
		return r, nil
	}
	out := *r
	out.Name, out.Ref, out.OnlyAlias = ast.CIStr{}, ast.CIStr{}, false
	if s.PartitionBy != nil {
		out.PartitionBy = s.PartitionBy
	}
	if s.OrderBy != nil {
		out.OrderBy = s.OrderBy
	}
	if s.Frame != nil {
		out.Frame = s.Frame
	}
	return &out, nil
}

// windowHook compiles the window calls met by a select-list or ORDER BY compiler; inner
// compiles their arguments, PARTITION BY and ORDER BY (a row compiler, or one over the
// aggregate in an aggregating block).
func (b *block) windowHook(inner *exprConv, next func(ast.ExprNode) (expr.Expr, bool, error)) func(ast.ExprNode) (expr.Expr, bool, error) {
	return func(n ast.ExprNode) (expr.Expr, bool, error) {
		if w, ok := n.(*ast.WindowFuncExpr); ok {
			e, err := b.windowRef(w, inner)
			if err != nil {
				return nil, true, err
			}
			return e, true, nil
		}
		if next != nil {
			return next(n)
		}
		return nil, false, nil
	}
}

var rankType = dataflow.Type{Kind: dataflow.KindInt, Precision: 21, SQL: "BIGINT"}

// windowRef registers a window call (once per distinct call) and refers to its result.
func (b *block) windowRef(n *ast.WindowFuncExpr, inner *exprConv) (expr.Expr, error) {
	name := strings.ToLower(n.Name)
	upper := strings.ToUpper(name)
	spec, err := b.resolveSpec(&n.Spec, 0)
	if err != nil {
		return nil, b.c.at(err.(*Error), n)
	}
	if n.IgnoreNull || n.FromLast {
		return nil, b.c.at(unsupported("IGNORE NULLS and FROM LAST in window functions"), n)
	}
	info := &winInfo{fn: expr.WindowFunc{Default: -1, Frame: expr.DefaultFrame}, winName: windowUnnamed}
	switch {
	case n.Spec.OnlyAlias && n.Spec.Name.O != "":
		info.winName = n.Spec.Name.O
	case n.Spec.Ref.O != "":
		info.winName = n.Spec.Ref.O
	}
	if spec.PartitionBy != nil {
		for _, it := range spec.PartitionBy.Items {
			if _, ok := unparen(it.Expr).(*ast.PositionExpr); ok {
				continue // a number in a window is a constant, not a select-list position
			}
			e, err := inner.conv(it.Expr)
			if err != nil {
				return nil, err
			}
			info.part = append(info.part, e)
		}
	}
	if spec.OrderBy != nil {
		for _, it := range spec.OrderBy.Items {
			if _, ok := unparen(it.Expr).(*ast.PositionExpr); ok {
				continue
			}
			e, err := inner.conv(it.Expr)
			if err != nil {
				return nil, err
			}
			if expr.IsConst(e) {
				continue // ordering by a constant orders nothing
			}
			info.order = append(info.order, e)
			info.desc = append(info.desc, it.Desc)
		}
	}
	ordered := spec.OrderBy != nil && len(spec.OrderBy.Items) > 0
	noFrame := func() error {
		if spec.Frame != nil {
			return b.c.at(windowErr(CodeWindowFrameNotAllw, "Window frame is not allowed with '%s'", name), n)
		}
		return nil
	}
	needOrder := func() error {
		if !ordered {
			return b.c.at(windowErr(CodeWindowNoOrder, "No order list in window specification for '%s'", name), n)
		}
		return nil
	}
	argCount := func(lo, hi int) error {
		if len(n.Args) < lo || len(n.Args) > hi {
			return b.c.at(newErr(CodeWrongParamCount, "Incorrect parameter count in the call to native function '%s'", upper), n)
		}
		return nil
	}
	switch name {
	case ast.WindowFuncRowNumber, ast.WindowFuncRank, ast.WindowFuncDenseRank:
		if err := argCount(0, 0); err != nil {
			return nil, err
		}
		if err := noFrame(); err != nil {
			return nil, err
		}
		switch name {
		case ast.WindowFuncRowNumber:
			info.fn.Kind = expr.WinRowNumber
		case ast.WindowFuncRank:
			info.fn.Kind = expr.WinRank
		default:
			info.fn.Kind = expr.WinDenseRank
		}
		if name != ast.WindowFuncRowNumber {
			if err := needOrder(); err != nil {
				return nil, err
			}
		}
		info.col = dataflow.Column{Type: rankType}
	case ast.WindowFuncLag, ast.WindowFuncLead:
		if err := argCount(1, 3); err != nil {
			return nil, err
		}
		if err := noFrame(); err != nil {
			return nil, err
		}
		if err := needOrder(); err != nil {
			return nil, err
		}
		info.fn.Kind, info.fn.Offset = expr.WinLag, 1
		if name == ast.WindowFuncLead {
			info.fn.Kind = expr.WinLead
		}
		if info.arg, err = inner.conv(n.Args[0]); err != nil {
			return nil, err
		}
		if len(n.Args) > 1 {
			off, err := inner.conv(n.Args[1])
			if err != nil {
				return nil, err
			}
			v, ok := expr.ConstValue(off)
			k, isInt := v.ToInt()
			if !ok || v.IsNull() || !isInt || (v.Kind() != dataflow.KindInt && v.Kind() != dataflow.KindUint) {
				return nil, b.c.at(unsupported("a %s offset that is not an integer constant", upper), n)
			}
			if k < 0 {
				// A negative distance looks the other way, as MariaDB reads it.
				k = -k
				if info.fn.Kind == expr.WinLag {
					info.fn.Kind = expr.WinLead
				} else {
					info.fn.Kind = expr.WinLag
				}
			}
			info.fn.Offset = k
		}
		t := info.arg.Type()
		t.Nullable = true
		if len(n.Args) > 2 {
			def, err := inner.conv(n.Args[2])
			if err != nil {
				return nil, err
			}
			if v, ok := expr.ConstValue(def); !ok || !v.IsNull() {
				if dt := def.Type(); dt.Kind != t.Kind && dt.Kind != dataflow.KindNull {
					def = expr.NewCast(def, t)
				}
				info.def = def
			}
		}
		info.col = dataflow.Column{Type: t}
	case ast.AggFuncCount, ast.AggFuncSum, ast.AggFuncAvg, ast.AggFuncMin, ast.AggFuncMax:
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		if n.Distinct {
			return nil, b.c.at(unsupported("%s(DISTINCT) as a window function", upper), n)
		}
		if info.arg, err = inner.conv(n.Args[0]); err != nil {
			return nil, err
		}
		at := info.arg.Type()
		var as expr.AggSpec
		switch name {
		case ast.AggFuncCount:
			as = expr.AggSpec{Func: expr.AggCount, Type: countType}
			if v, ok := expr.ConstValue(info.arg); ok && !v.IsNull() {
				as.Func, info.arg = expr.AggCountStar, nil
			}
		case ast.AggFuncSum:
			as = expr.AggSpec{Func: expr.AggSum, Type: sumType(at, false)}
			if b.c.dialect == PostgreSQL {
				as.Type = pgSumType(at, as.Type)
			}
		case ast.AggFuncAvg:
			as = expr.AggSpec{Func: expr.AggAvg, Type: sumType(at, true)}
		case ast.AggFuncMin, ast.AggFuncMax:
			as = expr.AggSpec{Func: expr.AggMin, Type: at}
			if name == ast.AggFuncMax {
				as.Func = expr.AggMax
			}
			as.Type.Nullable = true
		}
		info.fn.Kind, info.fn.Agg = expr.WinAgg, as
		if as.Func == expr.AggCountStar {
			info.fn.Agg.Type = countType
		}
		if spec.Frame != nil {
			f, err := b.frame(spec.Frame, info, inner, n)
			if err != nil {
				return nil, err
			}
			info.fn.Frame = f
		}
		info.col = dataflow.Column{Type: as.Type}
	case ast.WindowFuncNtile:
		if err := argCount(1, 1); err != nil {
			return nil, err
		}
		if err := noFrame(); err != nil {
			return nil, err
		}
		if err := needOrder(); err != nil {
			return nil, err
		}
		k, err := b.windowCount(inner, n.Args[0], upper, n)
		if err != nil {
			return nil, err
		}
		info.fn.Kind, info.fn.Offset = expr.WinNtile, k
		info.col = dataflow.Column{Type: ntileType}
	case ast.WindowFuncPercentRank, ast.WindowFuncCumeDist:
		if err := argCount(0, 0); err != nil {
			return nil, err
		}
		if err := noFrame(); err != nil {
			return nil, err
		}
		// MySQL allows no ORDER BY (every row a peer); MariaDB, the reference, requires one.
		if err := needOrder(); err != nil {
			return nil, err
		}
		info.fn.Kind = expr.WinPercentRank
		if name == ast.WindowFuncCumeDist {
			info.fn.Kind = expr.WinCumeDist
		}
		t := doubleType
		t.Nullable = false
		info.col = dataflow.Column{Type: t}
	case ast.WindowFuncFirstValue, ast.WindowFuncLastValue, ast.WindowFuncNthValue:
		lo, hi := 1, 1
		info.fn.Kind = expr.WinFirstValue
		switch name {
		case ast.WindowFuncLastValue:
			info.fn.Kind = expr.WinLastValue
		case ast.WindowFuncNthValue:
			info.fn.Kind, lo, hi = expr.WinNthValue, 2, 2
		}
		if err := argCount(lo, hi); err != nil {
			return nil, err
		}
		if n.FromLast {
			return nil, b.c.at(unsupported("%s ... FROM LAST", upper), n)
		}
		if n.IgnoreNull {
			return nil, b.c.at(unsupported("%s ... IGNORE NULLS", upper), n)
		}
		if info.arg, err = inner.conv(n.Args[0]); err != nil {
			return nil, err
		}
		if info.fn.Kind == expr.WinNthValue {
			if info.fn.Offset, err = b.windowCount(inner, n.Args[1], upper, n); err != nil {
				return nil, err
			}
		}
		info.fn.Frame = expr.DefaultFrame
		if spec.Frame != nil {
			f, err := b.frame(spec.Frame, info, inner, n)
			if err != nil {
				return nil, err
			}
			info.fn.Frame = f
		}
		t := info.arg.Type()
		t.Nullable = true
		info.col = dataflow.Column{Type: t}
	default:
		return nil, b.c.at(unsupported("the window function %s()", upper), n)
	}
	info.col.Name = restoreText(n)
	var key strings.Builder
	fmt.Fprintf(&key, "%d|%d|%d|%d|%s|", info.fn.Kind, info.fn.Agg.Func, info.fn.Offset, info.fn.Default, info.fn.Frame)
	for _, e := range []expr.Expr{info.arg, info.def, info.bounds[0], info.bounds[1]} {
		if e != nil {
			key.WriteString(e.String())
		}
		key.WriteString("|")
	}
	var win strings.Builder
	for _, e := range info.part {
		win.WriteString(e.String() + ",")
	}
	win.WriteString("|")
	for i, e := range info.order {
		fmt.Fprintf(&win, "%s %t,", e.String(), info.desc[i])
	}
	info.windowKey = win.String()
	k := key.String() + info.windowKey
	j, ok := b.winIdx[k]
	if !ok {
		b.wins = append(b.wins, info)
		j = len(b.wins) - 1
		b.winIdx[k] = j
	}
	return expr.NewCol(winBase+j, b.wins[j].col), nil
}

// ntileType is NTILE's, as MySQL types it.
var ntileType = dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: 21, SQL: "BIGINT UNSIGNED"}

// windowCount reads NTILE's bucket count or NTH_VALUE's row number: a positive integer
// constant (MySQL's error 1210 otherwise).
func (b *block) windowCount(inner *exprConv, arg ast.ExprNode, upper string, n ast.Node) (int64, error) {
	e, err := inner.conv(arg)
	if err != nil {
		return 0, err
	}
	v, ok := expr.ConstValue(e)
	if !ok {
		return 0, b.c.at(unsupported("a %s argument that is not an integer constant", upper), n)
	}
	k, isInt := v.ToInt()
	if v.IsNull() || !isInt || (v.Kind() != dataflow.KindInt && v.Kind() != dataflow.KindUint) || k <= 0 {
		return 0, b.c.at(&Error{Code: codeWrongArguments, SQLState: "HY000", Msg: "Incorrect arguments to " + strings.ToLower(upper)}, n)
	}
	return k, nil
}

// frame compiles a frame clause of an aggregate's window; the offsets of a RANGE frame
// become bound expressions of info (the ORDER BY value minus or plus the offset).
func (b *block) frame(fc *ast.FrameClause, info *winInfo, inner *exprConv, n ast.Node) (expr.WindowFrame, error) {
	f := expr.WindowFrame{Rows: fc.Type == ast.Rows, Groups: fc.Type == ast.Groups}
	if f.Groups && b.c.dialect != PostgreSQL {
		// MySQL parses GROUPS and refuses it so (MariaDB does not parse it).
		return f, b.c.at(newErr(CodeUnsupported, groupsNotSupportedMessage), n)
	}
	end := 0
	bound := func(fb ast.FrameBound) (expr.FrameBound, error) {
		defer func() { end++ }()
		switch {
		case fb.Type == ast.CurrentRow:
			return expr.FrameBound{Kind: expr.CurrentRow}, nil
		case fb.UnBounded && fb.Type == ast.Preceding:
			return expr.FrameBound{Kind: expr.UnboundedPreceding}, nil
		case fb.UnBounded:
			return expr.FrameBound{Kind: expr.UnboundedFollowing}, nil
		}
		kind := expr.Preceding
		if fb.Type == ast.Following {
			kind = expr.Following
		}
		if !f.Rows && !f.Groups {
			return b.rangeBound(fb, kind, info, inner, end, n)
		}
		if fb.Unit != ast.TimeUnitInvalid {
			if f.Groups {
				return expr.FrameBound{}, b.c.at(unsupported("an interval offset in a GROUPS frame"), n)
			}
			return expr.FrameBound{}, b.c.at(windowErr(CodeWindowRowsInterval, "Window '%s': INTERVAL can only be used with RANGE frames.", info.winName), n)
		}
		v, ok := fb.Expr.(*test_driver.ValueExpr)
		if !ok {
			return expr.FrameBound{}, b.c.at(unsupported("a window frame offset that is not an integer literal"), n)
		}
		var k int64
		switch v.Kind() {
		case test_driver.KindInt64:
			k = v.GetInt64()
		case test_driver.KindUint64:
			k = int64(min(v.GetUint64(), 1<<62))
		default:
			return expr.FrameBound{}, b.c.at(unsupported("a window frame offset that is not an integer literal"), n)
		}
		if k < 0 {
			return expr.FrameBound{}, b.c.at(windowErr(CodeWindowFrameBounds, "Unacceptable combination of window frame bound specifications"), n)
		}
		return expr.FrameBound{Kind: kind, N: k}, nil
	}
	var err error
	if f.Start, err = bound(fc.Extent.Start); err != nil {
		return f, err
	}
	if f.End, err = bound(fc.Extent.End); err != nil {
		return f, err
	}
	if f.Start.Kind == expr.UnboundedFollowing || f.End.Kind == expr.UnboundedPreceding || f.Start.Kind > f.End.Kind {
		return f, b.c.at(windowErr(CodeWindowFrameBounds, "Unacceptable combination of window frame bound specifications"), n)
	}
	return f, nil
}

// rangeBound compiles a value offset of a RANGE frame: the bound's value is the ORDER BY
// value moved by the offset towards the bound, computed exactly (in DECIMAL for integers, so
// an unsigned value may go below zero) or in DOUBLE for a DOUBLE key.
func (b *block) rangeBound(fb ast.FrameBound, kind expr.FrameBoundKind, info *winInfo, inner *exprConv, end int, n ast.Node) (expr.FrameBound, error) {
	if len(info.order) != 1 && !b.pgNullsKey(info) {
		return expr.FrameBound{}, b.c.at(windowErr(CodeWindowRangeKeys, "RANGE-type frame requires ORDER BY clause with single sort key"), n)
	}
	key := info.order[len(info.order)-1]
	desc := info.desc[len(info.desc)-1]
	kt := key.Type()
	switch kt.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
	case dataflow.KindDate, dataflow.KindDatetime, dataflow.KindTime:
		if fb.Unit == ast.TimeUnitInvalid {
			return expr.FrameBound{}, b.c.at(windowErr(CodeWindowRangeTemporal, "Window '%s' with RANGE frame has ORDER BY expression of datetime type. Only INTERVAL bound value allowed.", info.winName), n)
		}
		return b.intervalRangeBound(fb, kind, info, inner, end, n)
	default:
		return expr.FrameBound{}, b.c.at(windowErr(CodeWindowRangeType, "Numeric datatype is required for RANGE-type frame"), n)
	}
	if fb.Unit != ast.TimeUnitInvalid {
		return expr.FrameBound{}, b.c.at(windowErr(CodeWindowRangeNumeric, "Window '%s' with RANGE frame has ORDER BY expression of numeric type, INTERVAL bound value not allowed.", info.winName), n)
	}
	off, err := inner.conv(fb.Expr)
	if err != nil {
		return expr.FrameBound{}, err
	}
	v, ok := expr.ConstValue(off)
	ot := off.Type()
	if !ok || v.IsNull() || (ot.Kind != dataflow.KindInt && ot.Kind != dataflow.KindUint && ot.Kind != dataflow.KindDecimal && ot.Kind != dataflow.KindFloat) {
		return expr.FrameBound{}, b.c.at(unsupported("a RANGE frame offset that is not a numeric literal"), n)
	}
	if dataflow.Compare(v, dataflow.Int(0)) < 0 {
		return expr.FrameBound{}, b.c.at(windowErr(CodeWindowFrameBounds, "Unacceptable combination of window frame bound specifications"), n)
	}
	base := key
	if kt.Kind != dataflow.KindFloat && ot.Kind != dataflow.KindFloat {
		scale := max(kt.Scale, ot.Scale)
		if kt.Kind != dataflow.KindDecimal {
			scale = ot.Scale
		}
		base = expr.NewCast(key, dataflow.Type{Kind: dataflow.KindDecimal, Precision: dataflow.MaxDecimalPrecision, Scale: scale, SQL: fmt.Sprintf("DECIMAL(%d,%d)", dataflow.MaxDecimalPrecision, scale), Nullable: true})
	}
	// Preceding is towards smaller values in ascending order and larger ones descending.
	op := expr.OpAdd
	if (kind == expr.Preceding) != desc {
		op = expr.OpSub
	}
	info.bounds[end] = expr.NewArith(op, base, off)
	return expr.FrameBound{Kind: kind}, nil
}

// pgNullsKey reports a window ordered by one value in PostgreSQL's dialect, whose lowering
// puts a NULL test of the value before it to sort its NULLs as PostgreSQL does: RANGE
// offsets apply to the value, and the operator places NULLs by the test's direction.
func (b *block) pgNullsKey(info *winInfo) bool {
	return b.c.dialect == PostgreSQL && len(info.order) == 2 &&
		info.order[0].String() == "("+info.order[1].String()+" IS NULL)"
}

// windowPlan puts the block's windows over input. local maps the block's expressions onto
// input's columns; keys are the positions in input of the block's key columns, which
// partition every window. It returns the plan and the position of each window result in
// its output; input's columns keep their positions.
func (b *block) windowPlan(input Plan, local func(expr.Expr) expr.Expr, keys []int) (Plan, []int) {
	width := len(input.Columns())
	// Expressions of the windows that are not input columns are computed by a projection
	// below the windows, after input's columns.
	var extra []expr.Expr
	var cols []dataflow.Column
	at := map[string]int{}
	pos := func(e expr.Expr) int {
		le := local(e)
		if idx, ok := expr.Index(le); ok && idx >= 0 && idx < width {
			return idx
		}
		s := le.String()
		if p, ok := at[s]; ok {
			return p
		}
		at[s] = width + len(extra)
		extra = append(extra, le)
		cols = append(cols, dataflow.Column{Name: s, Type: le.Type()})
		return at[s]
	}
	type winNode struct {
		part  []int
		order []dataflow.SortKey
		funcs []int // indexes into b.wins
	}
	var nodes []*winNode
	byKey := map[string]*winNode{}
	for j, w := range b.wins {
		if w.arg != nil {
			if w.fn.Kind == expr.WinAgg {
				w.fn.Agg.Arg = pos(w.arg)
			} else {
				w.fn.Arg = pos(w.arg)
			}
		}
		if w.def != nil {
			w.fn.Default = pos(w.def)
		}
		if w.bounds[0] != nil {
			w.fn.Frame.Start.Col = pos(w.bounds[0])
		}
		if w.bounds[1] != nil {
			w.fn.Frame.End.Col = pos(w.bounds[1])
		}
		wn := byKey[w.windowKey]
		if wn == nil {
			wn = &winNode{part: append([]int(nil), keys...)}
			for _, e := range w.part {
				if p := pos(e); !containsInt(wn.part, p) {
					wn.part = append(wn.part, p)
				}
			}
			for i, e := range w.order {
				wn.order = append(wn.order, dataflow.SortKey{Col: pos(e), Desc: w.desc[i]})
			}
			byKey[w.windowKey] = wn
			nodes = append(nodes, wn)
		}
		wn.funcs = append(wn.funcs, j)
	}
	plan := input
	if len(extra) > 0 {
		in := input.Columns()
		exprs := make([]expr.Expr, 0, width+len(extra))
		for i := range width {
			exprs = append(exprs, expr.NewCol(i, in[i]))
		}
		plan = project(input, append(exprs, extra...), append(append([]dataflow.Column(nil), in...), cols...))
	}
	out := make([]int, len(b.wins))
	for _, wn := range nodes {
		w := &Window{Input: plan, Partition: wn.part, Order: wn.order}
		w.Cols = append([]dataflow.Column(nil), plan.Columns()...)
		for _, j := range wn.funcs {
			out[j] = len(w.Cols)
			w.Funcs = append(w.Funcs, b.wins[j].fn)
			w.Cols = append(w.Cols, b.wins[j].col)
		}
		plan = w
	}
	return plan, out
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// windowResults maps the window references of an expression onto their positions.
func windowResults(e expr.Expr, at []int, other func(int) int) expr.Expr {
	return expr.Remap(e, func(i int) int {
		if i >= winBase && i < aggBase {
			if j := i - winBase; j < len(at) {
				return at[j]
			}
			return -1
		}
		return other(i)
	})
}

// windowKeys applies to the key conditions of a block with windows what the windows allow:
// a literal IN list is a filter, a parameter IN list is refused.
func (b *block) windowKeys(keys []*keyCond) ([]*keyCond, error) {
	var out []*keyCond
	for _, k := range keys {
		if len(k.alts) > 1 {
			if k.params {
				return nil, b.c.at(unsupported("an IN list of parameters together with window functions"), k.src)
			}
			continue
		}
		out = append(out, k)
	}
	return out, nil
}

// describeWindow is EXPLAIN's line for a Window.
func describeWindow(w *Window) string {
	s := "Window"
	if len(w.Partition) > 0 {
		s += " PARTITION BY " + positions(w.Partition)
	}
	if len(w.Order) > 0 {
		s += " ORDER BY " + sortKeys(w.Order)
	}
	fs := make([]string, len(w.Funcs))
	for i, f := range w.Funcs {
		fs[i] = f.String()
	}
	return s + ": " + strings.Join(fs, ", ")
}
