package expr

import "github.com/weirdb/weir/dataflow"

func init() {
	register(&funcSpec{name: "coalesce", minArgs: 1, maxArgs: -1, typ: coalesceType, eval: evalCoalesce})
	register(&funcSpec{name: "ifnull", minArgs: 2, maxArgs: 2, typ: coalesceType, eval: evalCoalesce})
	register(&funcSpec{name: "nullif", minArgs: 2, maxArgs: 2, typ: nullifType, eval: evalNullif})
	register(&funcSpec{name: "if", minArgs: 3, maxArgs: 3, typ: ifType, eval: evalIf})
	register(&funcSpec{name: "isnull", minArgs: 1, maxArgs: 1,
		typ: func([]Expr) dataflow.Type { return boolType(false) },
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			return dataflow.Bool(c.args[0].Eval(row).IsNull())
		}})
	register(&funcSpec{name: "greatest", minArgs: 2, maxArgs: -1, typ: extremumType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalExtremum(c, row, 1) }})
	register(&funcSpec{name: "least", minArgs: 2, maxArgs: -1, typ: extremumType,
		eval: func(c *call, row dataflow.Row) dataflow.Value { return evalExtremum(c, row, -1) }})
}

// coalesceType aggregates the argument types; the result is NULL only when every argument
// may be.
func coalesceType(args []Expr) dataflow.Type {
	t := aggregateType(argTypes(args))
	t.Nullable = true
	for _, a := range args {
		if !nullableType(a.Type()) {
			t.Nullable = false
		}
	}
	return t
}

func evalCoalesce(c *call, row dataflow.Row) dataflow.Value {
	for _, a := range c.args {
		if v := a.Eval(row); !v.IsNull() {
			return coerce(v, c.t)
		}
	}
	return dataflow.Null
}

func nullifType(args []Expr) dataflow.Type {
	t := args[0].Type()
	t.Nullable = true
	return t
}

// evalNullif is NULLIF(a, b): NULL when a = b, else a.
func evalNullif(c *call, row dataflow.Row) dataflow.Value {
	a := c.args[0].Eval(row)
	if a.IsNull() {
		return a
	}
	b := c.args[1].Eval(row)
	if !b.IsNull() && compareValues(a, b) == 0 {
		return dataflow.Null
	}
	return a
}

func ifType(args []Expr) dataflow.Type { return aggregateType(argTypes(args[1:])) }

func evalIf(c *call, row dataflow.Row) dataflow.Value {
	if truth(c.args[0].Eval(row)) == triTrue {
		return coerce(c.args[1].Eval(row), c.t)
	}
	return coerce(c.args[2].Eval(row), c.t)
}

// extremumType is the type GREATEST and LEAST compare in and return: the aggregate of the
// arguments, except that a mix of numbers and strings compares (and returns) as DOUBLE, as
// MariaDB does.
func extremumType(args []Expr) dataflow.Type {
	ts := argTypes(args)
	t := aggregateType(ts)
	numeric, str := false, false
	for _, x := range ts {
		switch x.Kind {
		case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
			numeric = true
		case dataflow.KindString:
			str = true
		}
	}
	if numeric && str {
		t = dataflow.Type{Kind: dataflow.KindFloat, Nullable: t.Nullable}
	}
	return t
}

// evalExtremum returns the greatest (dir 1) or least (dir -1) argument; NULL if any is NULL.
func evalExtremum(c *call, row dataflow.Row, dir int) dataflow.Value {
	var best dataflow.Value
	for i, a := range c.args {
		v := a.Eval(row)
		if v.IsNull() {
			return dataflow.Null
		}
		v = coerce(v, c.t)
		if i == 0 || compareValues(v, best)*dir > 0 {
			best = v
		}
	}
	return best
}
