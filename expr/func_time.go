package expr

import (
	"time"

	"github.com/weirdb/weir/dataflow"
)

func init() {
	part := func(name string, f func(time.Time) int, aliases ...string) {
		register(&funcSpec{name: name, minArgs: 1, maxArgs: 1, typ: timePartType,
			eval: func(c *call, row dataflow.Row) dataflow.Value {
				t, ok := toTime(c.args[0].Eval(row))
				if !ok {
					return dataflow.Null
				}
				return dataflow.Int(int64(f(t.Time())))
			}}, aliases...)
	}
	part("year", func(t time.Time) int { return t.Year() })
	part("month", func(t time.Time) int { return int(t.Month()) })
	part("day", func(t time.Time) int { return t.Day() }, "dayofmonth")
	part("hour", func(t time.Time) int { return t.Hour() })
	part("minute", func(t time.Time) int { return t.Minute() })
	part("second", func(t time.Time) int { return t.Second() })
	register(&funcSpec{name: "date", minArgs: 1, maxArgs: 1,
		typ: func(args []Expr) dataflow.Type {
			return dataflow.Type{Kind: dataflow.KindDate, Nullable: timeArgNullable(args[0].Type())}
		},
		eval: func(c *call, row dataflow.Row) dataflow.Value {
			t, ok := toTime(c.args[0].Eval(row))
			if !ok {
				return dataflow.Null
			}
			if t.Kind() == dataflow.KindDate {
				return t
			}
			return dataflow.Date(t.Time())
		}})
}

// timeArgNullable: a DATE or DATETIME argument gives NULL only for NULL; anything else may
// fail to read as a date.
func timeArgNullable(t dataflow.Type) bool {
	if t.Kind == dataflow.KindDate || t.Kind == dataflow.KindDatetime {
		return t.Nullable
	}
	return true
}

func timePartType(args []Expr) dataflow.Type {
	return dataflow.Type{Kind: dataflow.KindInt, Nullable: timeArgNullable(args[0].Type())}
}
