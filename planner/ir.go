package planner

import (
	"math"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Plan is a node of the logical plan: a relational operator tree produced from a SELECT, apart
// from the AST and from the dataflow it is later lowered to. Column references inside a node's
// expressions are positions in its input's output columns.
type Plan interface {
	// Columns is the node's output schema.
	Columns() []dataflow.Column
	// Inputs are the child plans, in order.
	Inputs() []Plan
}

// Scan reads a base table (all of its columns, in table order).
type Scan struct {
	Table string
	Cols  []dataflow.Column
}

// Filter keeps the input rows for which Pred is true (not false, not NULL).
type Filter struct {
	Input Plan
	Pred  expr.Expr
}

// Project computes one output column per expression.
type Project struct {
	Input Plan
	Exprs []expr.Expr
	Cols  []dataflow.Column
}

// JoinKind distinguishes inner from left outer joins.
type JoinKind uint8

const (
	InnerJoin JoinKind = iota
	LeftJoin
)

// Join is an equi-join: left row l and right row r match when l[LeftKeys[i]] = r[RightKeys[i]]
// for every i, with SQL equality (NULL never matches), and Residual, when not nil, is true of
// the joined row (left columns, then right: the ON conditions of a LEFT join that are no
// equality between the sides). Output is the left columns followed by the right columns; for
// a LEFT join, unmatched left rows are padded with NULLs.
type Join struct {
	Left, Right         Plan
	Kind                JoinKind
	LeftKeys, RightKeys []int
	Residual            expr.Expr
}

// AggFunc and AggSpec describe an aggregate (package expr), shared with the operators.
type (
	AggFunc = expr.AggFunc
	AggSpec = expr.AggSpec
)

// Aggregate groups by the GroupBy input columns and computes Aggs per group. Output is the
// group columns followed by one column per aggregate. With no group columns there is exactly
// one group, present even when the input is empty (COUNT(*) of nothing is 0).
type Aggregate struct {
	Input   Plan
	GroupBy []int
	Aggs    []AggSpec
	Cols    []dataflow.Column
}

// Distinct removes duplicate rows (under the collation's equality).
type Distinct struct {
	Input Plan
}

// TopK keeps, per group of the GroupBy columns, the first Limit rows after skipping Offset,
// in Order (ties broken by the whole row, so membership is deterministic).
type TopK struct {
	Input   Plan
	GroupBy []int
	Order   []dataflow.SortKey
	Limit   int
	Offset  int
}

// Union concatenates its inputs (UNION ALL); all inputs have the same arity. UNION DISTINCT
// is a Distinct over a Union.
type Union struct {
	Ins  []Plan
	Cols []dataflow.Column
}

func (s *Scan) Columns() []dataflow.Column    { return s.Cols }
func (f *Filter) Columns() []dataflow.Column  { return f.Input.Columns() }
func (p *Project) Columns() []dataflow.Column { return p.Cols }
func (j *Join) Columns() []dataflow.Column {
	l, r := j.Left.Columns(), j.Right.Columns()
	out := make([]dataflow.Column, 0, len(l)+len(r))
	out = append(out, l...)
	for _, c := range r {
		if j.Kind == LeftJoin {
			c.Type.Nullable = true
		}
		out = append(out, c)
	}
	return out
}
func (a *Aggregate) Columns() []dataflow.Column { return a.Cols }
func (d *Distinct) Columns() []dataflow.Column  { return d.Input.Columns() }
func (t *TopK) Columns() []dataflow.Column      { return t.Input.Columns() }
func (u *Union) Columns() []dataflow.Column     { return u.Cols }

func (s *Scan) Inputs() []Plan      { return nil }
func (f *Filter) Inputs() []Plan    { return []Plan{f.Input} }
func (p *Project) Inputs() []Plan   { return []Plan{p.Input} }
func (j *Join) Inputs() []Plan      { return []Plan{j.Left, j.Right} }
func (a *Aggregate) Inputs() []Plan { return []Plan{a.Input} }
func (d *Distinct) Inputs() []Plan  { return []Plan{d.Input} }
func (t *TopK) Inputs() []Plan      { return []Plan{t.Input} }
func (u *Union) Inputs() []Plan     { return u.Ins }

// KeySource says where one component of a view's lookup key comes from.
//
// A component compares with `=`, which is never true for NULL: a lookup with a NULL
// component (a NULL argument, or a NULL literal) matches no row, although the key encoding
// would group NULLs together.
type KeySource struct {
	// Param is the index of the caller's argument that supplies this component, or -1 when
	// the component is a literal of the query text (auto-parameterization) or a constant of
	// the plan (the tag of a UNION branch, the padding of a shorter branch key), held in
	// Literal. Literals are already converted to the key column's type; one that no value of
	// the column can equal (5.5 for an INT column) is kept as written, and its key matches
	// nothing.
	Param   int
	Literal dataflow.Value
}

// Value is the component's value for a lookup with args: the argument it names, or its
// literal.
func (ks KeySource) Value(args []dataflow.Value) dataflow.Value {
	if ks.Param >= 0 {
		return args[ks.Param]
	}
	return ks.Literal
}

// Query is a compiled SELECT: the plan whose output feeds the view's reader, and how a lookup
// turns arguments into keys and merges the results.
//
// Root's output columns are the visible result columns (the first len(Cols)) followed by
// hidden columns the reader needs: sort columns that are not selected, and then the key
// columns (one per key component, even when the same column is also visible).
//
// Two queries with the same Text have the same Root, Cols types, KeyCols, Order, Limit,
// Offset, Distinct and EmptyRow, so they can share one view; Lookups, NumParams and
// ParamTypes belong to each statement (`WHERE id = 5` and `WHERE id = ?` share a view, the
// first looks up the literal 5, the second its argument).
type Query struct {
	Root Plan
	// Cols are the visible result columns, named as MySQL labels them: the alias, else the
	// column name as written, else the expression's text.
	Cols []dataflow.Column
	// KeyCols are positions in Root's output that form the reader's key, in order; empty for a
	// query without parameters (one key). The key columns of derived tables and IN subqueries
	// follow those of the outermost WHERE; a UNION with keys has the branch tag first, then
	// the branch keys.
	KeyCols []int
	// Lookups lists, for each point lookup a read performs, where each key component comes
	// from. `a = ? AND b IN (?, ?)` gives two lookups: (arg0, arg1) and (arg0, arg2). A UNION
	// with keys has at least one lookup per branch. There is always at least one (a query
	// without keys has one empty lookup). Two lookups may turn out to have the same key
	// (`a IN (?, ?)` with equal arguments): a read looks each distinct key up once.
	Lookups [][]KeySource
	// NumParams is the number of `?` the caller supplies.
	NumParams int
	// ParamTypes are the types of the key columns the parameters are compared with, by
	// parameter index (every `?` of a SELECT is a key component). The caller converts each
	// argument to its type before it encodes the key.
	ParamTypes []dataflow.Type
	// Order is the order of the rows of a result (positions in Root's output); empty means
	// unspecified.
	Order []dataflow.SortKey
	// Limit and Offset apply to the merged result of several lookups (Limit < 0: none). With
	// several lookups the TopK in the plan keeps Limit+Offset rows per key and skips none, and
	// the merge sorts by Order, skips Offset rows and keeps Limit. With one lookup the TopK
	// does it all, and Limit is -1 and Offset 0, so applying them is always right.
	Limit, Offset int
	// Distinct asks a merge of several lookups, or a read of ranges, to remove duplicate
	// visible rows.
	Distinct bool
	// EmptyRow, when not nil, is the result row (Root's full width) of a lookup that finds no
	// rows, including one whose key has a NULL component: a scalar aggregate
	// (`SELECT COUNT(*) ... WHERE a = ?`) returns one row even for an empty group, with
	// COUNT 0 and every other value NULL, except the hidden key columns, which hold key. ok is
	// false when HAVING rejects that row, or when the branch of a UNION that the key's tag
	// names is no such aggregate. key holds the lookup's components in KeyCols order.
	EmptyRow func(key dataflow.Row) (row dataflow.Row, ok bool)
	// Text is the normalized SQL text of the query: the parser's canonical rendering, with the
	// literals that became key components replaced by ?.
	Text string
	// Database is the database the query's unqualified names resolved in ("" when none was
	// selected).
	Database string
	// InfoSchema says the query reads information_schema's tables (and no others): it is
	// answered from the catalog as it stands when it runs (see InfoSchemaRows), never
	// installed in the graph.
	InfoSchema bool
	// ParamSQL, set for a query over information_schema with parameters, is its text with
	// the `?` markers: each run compiles it again with the arguments bound in (BindParams).
	// Root and Cols are those of the text with NULL for every parameter.
	ParamSQL string
	// Paging, when not nil, says LIMIT or OFFSET takes a parameter (`LIMIT ?`, `LIMIT ?
	// OFFSET ?`): the reader keeps a key's rows in Order with no TopK, and each read keeps
	// the window its arguments ask for (Paging.Window).
	Paging *Paging
	// Ranges are the range conditions of the outermost WHERE (`created > ?`, `x BETWEEN ?
	// AND ?`, on parameters or literals), which no operator applies: the columns they compare
	// are hidden columns after the key columns (or the visible or sort column of the same
	// value), the reader keeps each key's rows ordered by the first one (RangeCol), and each
	// read selects the rows of its lookups within the bounds (RangeBounds, InRange) and then
	// applies Distinct, Order, Limit/Offset or Paging. A query with ranges has no TopK.
	// Like Lookups, the bounds' sources belong to each statement of a shared view.
	Ranges []RangeCond
	// Combine, when not nil, says the view's rows are an aggregate's groups per key, which a
	// read combines across its lookups (an IN list of parameters on a column the aggregate
	// is not grouped by; see combine.go). Root's rows are then Combine.Width columns and the
	// key columns, Order is empty (the reader keeps no order), Limit is -1, Offset 0 and
	// Distinct false: the result's are Combine's.
	Combine *Combine
	// Or, when not nil, says the query's WHERE has a parameter under OR: Root is a tagged
	// union of one branch per disjunct, each looked up by its own key, and a read keeps a
	// row of a branch only where no earlier disjunct holds for it (see or.go). Like
	// Lookups, it belongs to each statement of a shared view.
	Or *OrBranches
	// Views are the definitions of the views the query reads, directly or through other
	// views, as the catalog gave them: a plan is current while the catalog still holds these
	// very definitions.
	Views []*ViewDef
}

// MergeRows applies the query's DISTINCT, ORDER BY, OFFSET and LIMIT to the rows of several
// lookups put together (`col IN (?, ?)`: each lookup's rows are already right on their own),
// or, for a query with Combine, combines them first. It may reorder rows in place.
func (q *Query) MergeRows(rows []dataflow.Row) []dataflow.Row {
	if q.Combine != nil {
		return q.Combine.Rows(rows)
	}
	return finishRows(rows, len(q.Cols), q.Distinct, q.Order, q.Limit, q.Offset)
}

// ResultOrder is the order of a read's result rows (positions in the rows it returns):
// Order, or Combine's for a query whose read combines groups.
func (q *Query) ResultOrder() []dataflow.SortKey {
	if q.Combine != nil {
		return q.Combine.Order
	}
	return q.Order
}

// SameLookups reports whether two queries turn arguments into keys and range bounds the
// same way: the same parameters and literals in every lookup and range condition.
func (q *Query) SameLookups(o *Query) bool {
	if len(q.Lookups) != len(o.Lookups) || len(q.Ranges) != len(o.Ranges) {
		return false
	}
	for i, ra := range q.Ranges {
		rb := o.Ranges[i]
		if ra.Col != rb.Col || ra.Op != rb.Op || ra.Bound.Param != rb.Bound.Param ||
			(ra.Bound.Param < 0 && !dataflow.Identical(ra.Bound.Literal, rb.Bound.Literal)) {
			return false
		}
	}
	for i := range q.Lookups {
		if len(q.Lookups[i]) != len(o.Lookups[i]) {
			return false
		}
		for j, ka := range q.Lookups[i] {
			kb := o.Lookups[i][j]
			if ka.Param != kb.Param || (ka.Param < 0 && !dataflow.Identical(ka.Literal, kb.Literal)) {
				return false
			}
		}
	}
	return true
}

// Paging is a LIMIT whose count or offset is a parameter. Each part is a literal, or the
// argument at CountArg or OffsetArg when that is not negative.
type Paging struct {
	Count, Offset       int
	CountArg, OffsetArg int
}

// Window returns the range [lo, hi) of a lookup's n rows, in Order, that a read with args
// (converted by PrepareArgs) keeps.
func (p *Paging) Window(n int, args []dataflow.Value) (lo, hi int) {
	count, offset := p.Count, p.Offset
	if p.CountArg >= 0 {
		count = pagingArg(args[p.CountArg])
	}
	if p.OffsetArg >= 0 {
		offset = pagingArg(args[p.OffsetArg])
	}
	lo = min(offset, n)
	hi = lo + min(count, n-lo)
	return lo, hi
}

// Bounds returns the offset and count a read with args keeps, for a read that streams its
// rows rather than slicing them (see Window).
func (p *Paging) Bounds(args []dataflow.Value) (offset, count int) {
	count, offset = p.Count, p.Offset
	if p.CountArg >= 0 {
		count = pagingArg(args[p.CountArg])
	}
	if p.OffsetArg >= 0 {
		offset = pagingArg(args[p.OffsetArg])
	}
	return offset, count
}

// pagingArg reads a LIMIT or OFFSET argument: a non-negative integer (MySQL refuses others
// when it binds them; PrepareArgs has checked the type).
func pagingArg(v dataflow.Value) int {
	n, ok := v.ToInt()
	if !ok || n < 0 {
		return 0
	}
	return int(min(n, math.MaxInt32))
}
