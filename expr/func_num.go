package expr

import (
	"math"

	"github.com/weirdb/weir/dataflow"
)

// Floating-point math functions. Their arguments are read as DOUBLE and so are their
// results; where MySQL's function is undefined (the square root or logarithm of a negative
// number, the logarithm of 0) the result is NULL, as in MySQL.

func doubleResult(nullable bool) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: nullable}
}

// unaryDouble lifts f: NULL in, NULL out; a NaN or infinite result is NULL.
func unaryDouble(f func(float64) float64) func(*call, dataflow.Row) dataflow.Value {
	return func(c *call, row dataflow.Row) dataflow.Value {
		x, ok := c.args[0].Eval(row).ToFloat()
		if !ok {
			return dataflow.Null
		}
		return dataflow.Float(f(x))
	}
}

func binaryDouble(f func(a, b float64) float64) func(*call, dataflow.Row) dataflow.Value {
	return func(c *call, row dataflow.Row) dataflow.Value {
		a, ok1 := c.args[0].Eval(row).ToFloat()
		b, ok2 := c.args[1].Eval(row).ToFloat()
		if !ok1 || !ok2 {
			return dataflow.Null
		}
		return dataflow.Float(f(a, b))
	}
}

// positive is f over x > 0, NaN (NULL) elsewhere.
func positive(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return math.NaN()
		}
		return f(x)
	}
}

func init() {
	nullableDouble := func([]Expr) dataflow.Type { return doubleResult(true) }
	unary := func(name string, f func(float64) float64, aliases ...string) {
		register(&funcSpec{name: name, minArgs: 1, maxArgs: 1, typ: nullableDouble, eval: unaryDouble(f)}, aliases...)
	}
	unary("sqrt", func(x float64) float64 {
		if x < 0 {
			return math.NaN()
		}
		return math.Sqrt(x)
	})
	unary("exp", math.Exp)
	unary("ln", positive(math.Log))
	unary("log2", positive(math.Log2))
	unary("log10", positive(math.Log10))
	unary("sin", math.Sin)
	unary("cos", math.Cos)
	unary("tan", math.Tan)
	unary("asin", func(x float64) float64 { return math.Asin(x) })
	unary("acos", func(x float64) float64 { return math.Acos(x) })
	unary("cot", func(x float64) float64 { return 1 / math.Tan(x) })
	unary("degrees", func(x float64) float64 { return x * 180 / math.Pi })
	unary("radians", func(x float64) float64 { return x * math.Pi / 180 })
	register(&funcSpec{name: "atan", minArgs: 1, maxArgs: 2, typ: nullableDouble,
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			if len(c.args) == 2 {
				return binaryDouble(math.Atan2)(c, row)
			}
			return unaryDouble(math.Atan)(c, row)
		}})
	register(&funcSpec{name: "atan2", minArgs: 2, maxArgs: 2, typ: nullableDouble, eval: binaryDouble(math.Atan2)})
	register(&funcSpec{name: "pow", minArgs: 2, maxArgs: 2, typ: nullableDouble, eval: binaryDouble(math.Pow)}, "power")
	register(&funcSpec{name: "log", minArgs: 1, maxArgs: 2, typ: nullableDouble,
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			if len(c.args) == 1 {
				return unaryDouble(positive(math.Log))(c, row)
			}
			return binaryDouble(func(b, x float64) float64 {
				if b <= 0 || b == 1 || x <= 0 {
					return math.NaN()
				}
				return math.Log(x) / math.Log(b)
			})(c, row)
		}})
	register(&funcSpec{name: "pi", minArgs: 0, maxArgs: 0,
		typ:  func([]Expr) dataflow.Type { return doubleResult(false) },
		eval: func(*call, dataflow.Row) dataflow.Value { return dataflow.Float(math.Pi) }})
}
