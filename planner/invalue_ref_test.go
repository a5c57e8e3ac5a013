package planner_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// TestInValueThreeValued checks IN and NOT IN (subquery) as values against SQL's
// definition, computed here directly over random tables: `x IN (SELECT y …)` is TRUE when
// some y equals x, else NULL when some y is NULL or x is NULL and there are rows, else
// FALSE; NOT IN is its negation. Each query reads the value in a position where NULL and
// FALSE differ (the select list, IS NULL, a NOT of OR, XOR, CASE, a group column, HAVING,
// on an aggregate's value), uncorrelated or correlated, with operands that may or may not
// be NULL.
func TestInValueThreeValued(t *testing.T) {
	cat := refCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		tables := genRefTables(rt)
		operand := rapid.SampledFrom([]string{"karma", "id"}).Draw(rt, "operand")
		inner := rapid.SampledFrom([]string{"score", "author"}).Draw(rt, "inner")
		not := rapid.Bool().Draw(rt, "not")
		correlated := rapid.Bool().Draw(rt, "correlated")
		position := rapid.SampledFrom([]string{"select", "is_null", "not_or", "xor", "case", "group", "having", "agg_select", "agg_having"}).Draw(rt, "position")

		op := "IN"
		if not {
			op = "NOT IN"
		}
		where := ""
		if correlated {
			where = " WHERE s.author = u.id"
		}
		value := fmt.Sprintf("u.%s %s (SELECT s.%s FROM stories s%s)", operand, op, inner, where)
		// On an aggregate's value, joined above the aggregate: one user per group, so
		// MAX(x) is x.
		aggValue := fmt.Sprintf("MAX(u.%s) %s (SELECT s.%s FROM stories s%s)", operand, op, inner, where)
		var sql string
		switch position {
		case "select":
			sql = "SELECT u.id, " + value + " AS f FROM users u"
		case "is_null":
			sql = "SELECT u.id FROM users u WHERE (" + value + ") IS NULL"
		case "not_or":
			sql = "SELECT u.id FROM users u WHERE NOT (" + value + " OR u.id > 1)"
		case "xor":
			sql = "SELECT u.id FROM users u WHERE " + value + " XOR u.karma > 1"
		case "case":
			sql = "SELECT u.id, CASE WHEN " + value + " THEN 'y' WHEN NOT (" + value + ") THEN 'n' ELSE 'u' END AS k FROM users u"
		case "group":
			sql = "SELECT u.id, " + value + " AS f, COUNT(*) AS n FROM users u GROUP BY u.id, u.karma"
		case "having":
			sql = "SELECT u.id, COUNT(*) AS n FROM users u GROUP BY u.id, u.karma HAVING (" + value + ") IS NOT FALSE"
		case "agg_select":
			sql = "SELECT u.id, " + aggValue + " AS f FROM users u GROUP BY u.id"
		case "agg_having":
			sql = "SELECT u.id FROM users u GROUP BY u.id HAVING (" + aggValue + ") IS NULL"
		}

		columns := map[string]int{"karma": 2, "id": 0, "score": 2, "author": 1}
		var want []string
		for _, u := range tables["users"] {
			x := u[columns[operand]]
			var ys []dataflow.Value
			for _, s := range tables["stories"] {
				if !correlated || s[1].RawInt() == u[0].RawInt() {
					ys = append(ys, s[columns[inner]])
				}
			}
			v := inThreeValued(x, ys)
			if not {
				v = not3(v)
			}
			id := u[0]
			var row dataflow.Row
			switch position {
			case "select":
				row = dataflow.Row{id, v}
			case "is_null":
				if v.IsNull() {
					row = dataflow.Row{id}
				}
			case "not_or":
				if isTrue(not3(or3(v, dataflow.Bool(id.RawInt() > 1)))) {
					row = dataflow.Row{id}
				}
			case "xor":
				karma := u[2]
				if !v.IsNull() && !karma.IsNull() && (v.RawInt() == 1) != (karma.RawInt() > 1) {
					row = dataflow.Row{id}
				}
			case "case":
				k := "u"
				if isTrue(v) {
					k = "y"
				} else if isTrue(not3(v)) {
					k = "n"
				}
				row = dataflow.Row{id, dataflow.String(k)}
			case "group":
				row = dataflow.Row{id, v, dataflow.Int(1)}
			case "having":
				if v.IsNull() || v.RawInt() != 0 {
					row = dataflow.Row{id, dataflow.Int(1)}
				}
			case "agg_select":
				row = dataflow.Row{id, v}
			case "agg_having":
				if v.IsNull() {
					row = dataflow.Row{id}
				}
			}
			if row != nil {
				want = append(want, row.String())
			}
		}
		slices.Sort(want)

		st, err := planner.Compile(cat, sql)
		if err != nil {
			rt.Fatalf("%s: %v", sql, err)
		}
		q := st.(*planner.Select).Query
		got := referenceRows(rt, sql, q, func(name string) []dataflow.Row { return tables[name] }, nil)
		if !slices.Equal(got, want) {
			rt.Fatalf("%s\nanswers\n%s\nSQL's definition\n%s\n%s", sql, strings.Join(got, "\n"), strings.Join(want, "\n"), q)
		}
	})
}

// inThreeValued is SQL's x IN (ys) over integers and NULLs.
func inThreeValued(x dataflow.Value, ys []dataflow.Value) dataflow.Value {
	unknown := false
	for _, y := range ys {
		switch {
		case y.IsNull() || x.IsNull():
			unknown = true
		case y.RawInt() == x.RawInt():
			return dataflow.Bool(true)
		}
	}
	if unknown {
		return dataflow.Null
	}
	return dataflow.Bool(false)
}

func not3(v dataflow.Value) dataflow.Value {
	if v.IsNull() {
		return v
	}
	return dataflow.Bool(v.RawInt() == 0)
}

func or3(a, b dataflow.Value) dataflow.Value {
	switch {
	case isTrue(a) || isTrue(b):
		return dataflow.Bool(true)
	case a.IsNull() || b.IsNull():
		return dataflow.Null
	}
	return dataflow.Bool(false)
}

func isTrue(v dataflow.Value) bool { return !v.IsNull() && v.RawInt() != 0 }

// valueTemplates read IN, NOT IN and EXISTS (subquery) as values, with slots (see
// refTemplates) inside the subquery and in the outer WHERE.
var valueTemplates = []string{
	"SELECT id, id IN (SELECT author FROM stories WHERE @score@) AS f FROM users",
	"SELECT id FROM users WHERE NOT (id IN (SELECT author FROM stories WHERE @score@) OR karma = 1)",
	"SELECT id FROM users WHERE (karma NOT IN (SELECT score FROM stories WHERE @author@)) IS NULL",
	"SELECT karma, COUNT(*) FROM users GROUP BY karma HAVING karma IN (SELECT up FROM votes WHERE @story_id@)",
	"SELECT u.id, EXISTS (SELECT 1 FROM votes v WHERE v.user_id = u.id AND @v.up@) AS e, COUNT(*) FROM users u GROUP BY u.id",
}

// TestInValueKeysGuarded checks the guards of a key inside a subquery read as a value: the
// value's subquery is the optional side of LEFT JOINs, which no key passes, so a `?` there
// is refused naming where it stands, and a literal stays a filter, answering as the
// condition written so that no key extraction recognizes it.
func TestInValueKeysGuarded(t *testing.T) {
	cat := refCatalog(t)
	rapid.Check(t, func(rt *rapid.T) {
		tables := genRefTables(rt)
		tmpl := rapid.SampledFrom(valueTemplates).Draw(rt, "template")
		v := rapid.SampledFrom(refValues).Draw(rt, "v")
		vals := []dataflow.Value{v}
		answer := func(form string) string {
			sql, _ := expand(tmpl, vals, form)
			st, err := planner.Compile(cat, sql)
			if err != nil {
				rt.Fatalf("%s: %v", sql, err)
			}
			q := st.(*planner.Select).Query
			if len(q.KeyCols) != 0 {
				rt.Fatalf("%s has a key:\n%s", sql, q)
			}
			return strings.Join(referenceRows(rt, sql, q, func(name string) []dataflow.Row { return tables[name] }, nil), "\n")
		}
		if lit, filter := answer("literal"), answer("filter"); lit != filter {
			rt.Fatalf("%s: the literal form answers\n%s\nthe filter form\n%s", tmpl, lit, filter)
		}
		sql, _ := expand(tmpl, vals, "param")
		_, err := planner.Compile(cat, sql)
		var perr *planner.Error
		if !errors.As(err, &perr) || perr.Code != planner.CodeUnsupported || !strings.Contains(perr.Msg, "inside an expression") && !strings.Contains(perr.Msg, "aggregates") {
			rt.Fatalf("%s: %v, want a refusal of the parameter naming where it stands", sql, err)
		}
	})
}
