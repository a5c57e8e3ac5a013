package planner

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Explain renders a plan as an indented tree, one operator per line, inputs below their
// consumer. Column references are positions in the operator's input ($0 is the first column);
// a join's keys are positions in its output (left columns, then right columns).
func Explain(p Plan) string {
	var b strings.Builder
	explain(&b, p, 0)
	return b.String()
}

func explain(b *strings.Builder, p Plan, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(Describe(p))
	b.WriteByte('\n')
	for _, in := range p.Inputs() {
		explain(b, in, depth+1)
	}
}

// Describe is the one-line description of a plan node, without its inputs.
func Describe(p Plan) string {
	switch p := p.(type) {
	case *Scan:
		s := "Scan " + p.Table
		if len(p.Cols) > 0 && p.Cols[0].Table != "" && p.Cols[0].Table != p.Table {
			s += " AS " + p.Cols[0].Table
		}
		names := make([]string, len(p.Cols))
		for i, c := range p.Cols {
			names[i] = c.Name
		}
		return s + " (" + strings.Join(names, ", ") + ")"
	case *Filter:
		return "Filter " + p.Pred.String()
	case *Project:
		parts := make([]string, len(p.Exprs))
		for i, e := range p.Exprs {
			parts[i] = e.String()
			if i < len(p.Cols) && p.Cols[i].Name != "" && p.Cols[i].Name != parts[i] {
				parts[i] += " AS " + p.Cols[i].Name
			}
		}
		return "Project " + strings.Join(parts, ", ")
	case *Join:
		kind := "InnerJoin"
		if p.Kind == LeftJoin {
			kind = "LeftJoin"
		}
		lw := len(p.Left.Columns())
		keys := make([]string, len(p.LeftKeys))
		for i := range p.LeftKeys {
			r := -1
			if i < len(p.RightKeys) {
				r = p.RightKeys[i]
			}
			keys[i] = fmt.Sprintf("$%d = $%d", p.LeftKeys[i], lw+r)
		}
		if p.Residual != nil {
			keys = append(keys, p.Residual.String())
		}
		if len(keys) == 0 {
			return kind + " ON TRUE"
		}
		return kind + " ON " + strings.Join(keys, " AND ")
	case *Aggregate:
		s := "Aggregate"
		if len(p.GroupBy) > 0 {
			s += " GROUP BY " + positions(p.GroupBy)
		}
		aggs := make([]string, len(p.Aggs))
		for i, a := range p.Aggs {
			aggs[i] = describeAgg(a)
		}
		if len(aggs) == 0 {
			return s
		}
		return s + ": " + strings.Join(aggs, ", ")
	case *Distinct:
		return "Distinct"
	case *TopK:
		s := "TopK"
		if len(p.GroupBy) > 0 {
			s += " PER " + positions(p.GroupBy)
		}
		if len(p.Order) > 0 {
			s += " ORDER BY " + sortKeys(p.Order)
		}
		s += fmt.Sprintf(" LIMIT %d", p.Limit)
		if p.Offset > 0 {
			s += fmt.Sprintf(" OFFSET %d", p.Offset)
		}
		return s
	case *Union:
		return "Union"
	case *Values:
		return p.Describe()
	case *Window:
		return describeWindow(p)
	case *TemporalFilter:
		return p.Describe()
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("%T", p)
}

func positions(ps []int) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("$%d", p)
	}
	return strings.Join(parts, ", ")
}

func sortKeys(ks []dataflow.SortKey) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("$%d", k.Col)
		if k.Desc {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ", ")
}

var aggNames = map[expr.AggFunc]string{
	expr.AggCountStar:   "COUNT",
	expr.AggCount:       "COUNT",
	expr.AggSum:         "SUM",
	expr.AggAvg:         "AVG",
	expr.AggMin:         "MIN",
	expr.AggMax:         "MAX",
	expr.AggGroupConcat: "GROUP_CONCAT",
	expr.AggJSONArray:   "JSON_ARRAYAGG",
	expr.AggJSONObject:  "JSON_OBJECTAGG",
}

func describeAgg(a AggSpec) string {
	name, ok := aggNames[a.Func]
	if !ok {
		name = fmt.Sprintf("AGG%d", a.Func)
	}
	if a.Func == expr.AggCountStar {
		return name + "(*)"
	}
	arg := fmt.Sprintf("$%d", a.Arg)
	if a.Distinct {
		arg = "DISTINCT " + arg
	}
	if a.Func == expr.AggGroupConcat {
		if a.OrderDesc {
			arg += " ORDER BY DESC"
		}
		arg += fmt.Sprintf(" SEPARATOR %q", a.Separator)
	}
	if a.Func == expr.AggJSONArray {
		switch {
		case a.OrderByArg && a.OrderDesc:
			arg += fmt.Sprintf(" ORDER BY $%d DESC", a.OrderArg)
		case a.OrderByArg:
			arg += fmt.Sprintf(" ORDER BY $%d", a.OrderArg)
		case a.OrderDesc:
			arg += " ORDER BY DESC"
		}
		if a.HasLimit {
			arg += fmt.Sprintf(" LIMIT %d, %d", a.Offset, a.Limit)
		}
	}
	return fmt.Sprintf("%s(%s) %s", name, arg, a.Type)
}

// String renders a compiled query for EXPLAIN and tests: its result columns, how a read turns
// arguments into lookups and merges them, and the plan.
func (q *Query) String() string {
	var b strings.Builder
	cols := make([]string, len(q.Cols))
	for i, c := range q.Cols {
		cols[i] = c.Name + " " + typeText(c.Type)
	}
	fmt.Fprintf(&b, "columns: %s\n", strings.Join(cols, ", "))
	if len(q.KeyCols) > 0 {
		fmt.Fprintf(&b, "key: %s\n", positions(q.KeyCols))
		fmt.Fprintf(&b, "lookups: %s\n", formatLookups(q.Lookups))
	}
	if q.NumParams > 0 {
		ps := make([]string, len(q.ParamTypes))
		for i, t := range q.ParamTypes {
			ps[i] = fmt.Sprintf("?%d %s", i, typeText(t))
		}
		fmt.Fprintf(&b, "params: %s\n", strings.Join(ps, ", "))
	}
	if len(q.Order) > 0 {
		fmt.Fprintf(&b, "order: %s\n", sortKeys(q.Order))
	}
	if p := q.Paging; p != nil {
		part := func(lit, arg int) string {
			if arg >= 0 {
				return fmt.Sprintf("?%d", arg)
			}
			return fmt.Sprint(lit)
		}
		fmt.Fprintf(&b, "read window: limit %s offset %s\n", part(p.Count, p.CountArg), part(p.Offset, p.OffsetArg))
	}
	if len(q.Ranges) > 0 {
		fmt.Fprintf(&b, "read range: %s (reader ordered by $%d; no TopK, every row of a key kept)\n", describeRanges(q.Ranges), q.RangeCol())
	}
	if q.Limit >= 0 || q.Offset > 0 {
		fmt.Fprintf(&b, "merge limit: %d offset %d\n", q.Limit, q.Offset)
	}
	if q.Distinct {
		b.WriteString("merge distinct\n")
	}
	if q.EmptyRow != nil {
		b.WriteString("empty group row\n")
	}
	if q.Combine != nil {
		b.WriteString(q.Combine.String() + "\n")
	}
	if q.Or != nil {
		b.WriteString("post-lookup filter: " + q.Or.String() + "\n")
	}
	if q.Or != nil && len(q.Or.Branches) > 0 {
		// What the engine installs: one reader per branch, not the union (which stands for
		// the branches' rows together in the reference evaluation).
		for i, br := range q.Or.Branches {
			fmt.Fprintf(&b, "branch %d reader: key %s, lookups %s\n", i, positions(br.KeyCols), formatLookups(br.Lookups))
			for _, line := range strings.SplitAfter(Explain(br.Root), "\n") {
				if line != "" {
					b.WriteString("  " + line)
				}
			}
		}
		return b.String()
	}
	b.WriteString(Explain(q.Root))
	return b.String()
}

func typeText(t dataflow.Type) string {
	s := t.String()
	if !t.Nullable {
		s += " NOT NULL"
	}
	return s
}

// Format renders any compiled statement for EXPLAIN and tests.
func Format(st Statement) string {
	var b strings.Builder
	switch s := st.(type) {
	case *CreateTable:
		fmt.Fprintf(&b, "create table %s", s.Schema.Name)
		if s.IfNotExists {
			b.WriteString(" if not exists")
		}
		b.WriteByte('\n')
		for _, c := range s.Schema.Cols {
			fmt.Fprintf(&b, "  %s %s", c.Name, typeText(c.Type))
			if c.Default != nil {
				fmt.Fprintf(&b, " DEFAULT %s", c.Default.String())
			}
			if c.DefaultNow {
				b.WriteString(" DEFAULT CURRENT_TIMESTAMP")
			}
			if c.OnUpdateNow {
				b.WriteString(" ON UPDATE CURRENT_TIMESTAMP")
			}
			if c.AutoIncrement {
				b.WriteString(" AUTO_INCREMENT")
			}
			b.WriteByte('\n')
		}
		if len(s.Schema.PK) > 0 {
			names := make([]string, len(s.Schema.PK))
			for i, p := range s.Schema.PK {
				names[i] = s.Schema.Cols[p].Name
			}
			fmt.Fprintf(&b, "  PRIMARY KEY (%s)\n", strings.Join(names, ", "))
		}
		formatIndexes(&b, &s.Schema)
		for i := range s.Schema.ForeignKeys {
			fmt.Fprintf(&b, "  CONSTRAINT %s\n", ForeignKeySQL(&s.Schema, &s.Schema.ForeignKeys[i]))
		}
		if len(s.MissingParents) > 0 {
			fmt.Fprintf(&b, "  missing parents: %s (error 1005 unless foreign_key_checks is off)\n", strings.Join(s.MissingParents, ", "))
		}
		if s.Schema.AutoIncrement > 0 {
			fmt.Fprintf(&b, "  AUTO_INCREMENT=%d\n", s.Schema.AutoIncrement)
		}
		if s.Schema.Comment != "" {
			fmt.Fprintf(&b, "  COMMENT %s\n", quoteString(s.Schema.Comment))
		}
	case *AlterIndexes:
		fmt.Fprintf(&b, "alter indexes of %s\n", s.Table)
		if s.Noop {
			b.WriteString("  no change\n")
		}
		formatIndexes(&b, &s.Schema)
		if len(s.Added) > 0 {
			fmt.Fprintf(&b, "  check unique %s\n", strings.Join(s.Added, ", "))
		}
		for i := range s.Schema.ForeignKeys {
			fmt.Fprintf(&b, "  CONSTRAINT %s\n", ForeignKeySQL(&s.Schema, &s.Schema.ForeignKeys[i]))
		}
		if len(s.AddedForeignKeys) > 0 {
			fmt.Fprintf(&b, "  check foreign keys %s\n", strings.Join(s.AddedForeignKeys, ", "))
		}
		if len(s.MissingParents) > 0 {
			fmt.Fprintf(&b, "  missing parents: %s (error 1005 unless foreign_key_checks is off)\n", strings.Join(s.MissingParents, ", "))
		}
	case *CreateView:
		verb := "create view"
		switch {
		case s.Alter:
			verb = "alter view"
		case s.OrReplace:
			verb = "create or replace view"
		}
		fmt.Fprintf(&b, "%s %s", verb, s.View.Name)
		if len(s.View.Cols) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(s.View.Cols, ", "))
		}
		fmt.Fprintf(&b, " as %s\n", s.View.Select)
	case *DropView:
		fmt.Fprintf(&b, "drop view %s", strings.Join(s.Names, ", "))
		if s.IfExists {
			b.WriteString(" if exists")
		}
		b.WriteByte('\n')
	case *DropTable:
		fmt.Fprintf(&b, "drop table %s", strings.Join(s.Names, ", "))
		if s.IfExists {
			b.WriteString(" if exists")
		}
		b.WriteByte('\n')
	case *Insert:
		verb := "insert"
		if s.Replace {
			verb = "replace"
		}
		if s.Ignore {
			verb += " ignore"
		}
		fmt.Fprintf(&b, "%s into %s columns %s params %d\n", verb, s.Table, positions(s.Cols), s.NumParams)
		for _, r := range s.Rows {
			parts := make([]string, len(r))
			for i, e := range r {
				parts[i] = e.String()
			}
			fmt.Fprintf(&b, "  values (%s)\n", strings.Join(parts, ", "))
		}
		for _, a := range s.OnDup {
			fmt.Fprintf(&b, "  on duplicate key $%d = %s\n", a.Col, a.Expr.String())
		}
		formatVolatile(&b, s.Volatile)
	case *Update:
		fmt.Fprintf(&b, "update %s params %d\n", s.Table, s.NumParams)
		if s.Ignore {
			b.WriteString("  ignore duplicates\n")
		}
		for _, a := range s.Set {
			fmt.Fprintf(&b, "  set $%d = %s\n", a.Col, a.Expr.String())
		}
		formatWhere(&b, s.Where, s.Lookups, s.LookupCols)
		formatVolatile(&b, s.Volatile)
	case *Delete:
		fmt.Fprintf(&b, "delete from %s params %d\n", s.Table, s.NumParams)
		formatWhere(&b, s.Where, s.Lookups, s.LookupCols)
		formatVolatile(&b, s.Volatile)
	case *Select:
		b.WriteString(s.Query.String())
	case *Truncate:
		fmt.Fprintf(&b, "truncate %s\n", s.Table)
	default:
		fmt.Fprintf(&b, "%T\n", st)
	}
	return b.String()
}

func formatWhere(b *strings.Builder, where interface{ String() string }, lookups [][]KeySource, cols []int) {
	if where != nil {
		fmt.Fprintf(b, "  where %s\n", where.String())
	}
	if len(lookups) > 0 {
		fmt.Fprintf(b, "  lookups %s", formatLookups(lookups))
		if cols != nil {
			fmt.Fprintf(b, " on unique key %v", cols)
		}
		b.WriteByte('\n')
	}
}

func formatLookups(ls [][]KeySource) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		parts := make([]string, len(l))
		for j, k := range l {
			if k.Param >= 0 {
				parts[j] = fmt.Sprintf("?%d", k.Param)
			} else {
				parts[j] = k.Literal.String()
			}
		}
		out[i] = "(" + strings.Join(parts, ", ") + ")"
	}
	return strings.Join(out, " ")
}

// formatIndexes lists a schema's secondary indexes, one a line.
func formatIndexes(b *strings.Builder, t *TableSchema) {
	for _, ix := range t.Indexes {
		kind := "KEY"
		switch ix.Kind {
		case IndexUnique:
			kind = "UNIQUE KEY"
		case IndexFulltext:
			kind = "FULLTEXT KEY"
		}
		names := make([]string, len(ix.Cols))
		for i, c := range ix.Cols {
			names[i] = t.Cols[c].Name
			if ix.Lengths != nil && ix.Lengths[i] > 0 {
				names[i] += fmt.Sprintf("(%d)", ix.Lengths[i])
			}
		}
		fmt.Fprintf(b, "  %s %s (%s)\n", kind, ix.Name, strings.Join(names, ", "))
	}
}

// formatVolatile lists a write's clock and chance values, which follow its arguments.
func formatVolatile(b *strings.Builder, vol []Volatile) {
	for i, v := range vol {
		fmt.Fprintf(b, "  volatile %d %s", i, v.Type().SQL)
		if v.PerRow() {
			b.WriteString(" per row")
		}
		b.WriteByte('\n')
	}
}
