package difftest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir"
)

// fjRow is a row of the FULL JOIN test's tables: id, the join column k and a value column
// (v on the left, w on the right); nil is NULL.
type fjRow struct {
	id   int
	k, x *int
}

// fjQuery is a FULL JOIN in PostgreSQL's dialect and how to compute it from scratch: on
// says whether a left and a right row match (SQL's three-valued ON, true only), where
// whether a joined row (nil for a padded side) is kept, and out renders a result.
type fjQuery struct {
	sql   string
	args  [][]any
	on    func(l, r fjRow) bool
	where func(l, r *fjRow, args []any) bool
	// count renders the aggregate (count(*), count(fl.id), count(fr.id)) instead of rows.
	count bool
}

func fjEq(a, b *int) bool   { return a != nil && b != nil && *a == *b }
func fjLess(a, b *int) bool { return a != nil && b != nil && *a < *b }

// TestFullJoinProperty checks FULL JOIN caches in PostgreSQL's dialect against a from-scratch
// nested-loop full outer join over the rows written, after every write of a random
// sequence on both sides: padded rows of either side must appear when a row's last match
// leaves and disappear when a match arrives, under a memory limit small enough to keep
// evicting.
func TestFullJoinProperty(t *testing.T) {
	queries := []fjQuery{
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL JOIN fr ON fl.k = fr.k",
			on: func(l, r fjRow) bool { return fjEq(l.k, r.k) }},
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL OUTER JOIN fr ON fr.k = fl.k AND fl.v < fr.w",
			on: func(l, r fjRow) bool { return fjEq(l.k, r.k) && fjLess(l.x, r.x) }},
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL JOIN fr ON fl.k = fr.k AND fl.v > 1 AND fr.w IS NOT NULL",
			on: func(l, r fjRow) bool { return fjEq(l.k, r.k) && l.x != nil && *l.x > 1 && r.x != nil }},
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL JOIN fr ON fl.k = fr.k WHERE fl.k = $1",
			args: [][]any{{0}, {1}, {2}},
			on:   func(l, r fjRow) bool { return fjEq(l.k, r.k) },
			where: func(l, _ *fjRow, args []any) bool {
				return l != nil && l.k != nil && *l.k == args[0].(int)
			}},
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL JOIN fr ON fl.k = fr.k WHERE fl.id IS NULL OR fr.id IS NULL",
			on:    func(l, r fjRow) bool { return fjEq(l.k, r.k) },
			where: func(l, r *fjRow, _ []any) bool { return l == nil || r == nil }},
		{sql: "SELECT count(*), count(fl.id), count(fr.id) FROM fl FULL JOIN fr ON fl.k = fr.k",
			on: func(l, r fjRow) bool { return fjEq(l.k, r.k) }, count: true},
		{sql: "SELECT fl.id, fl.k, fl.v, fr.id, fr.k, fr.w FROM fl FULL JOIN fr ON true",
			on: func(l, r fjRow) bool { return true }},
	}
	var lookups, padded int
	checkN(t, 40, func(rt *rapid.T) {
		ctx := context.Background()
		eng, err := weir.Open(weir.Options{Domains: rapid.IntRange(1, 3).Draw(rt, "domains"), MemoryLimit: 512})
		if err != nil {
			rt.Fatalf("open: %v", err)
		}
		defer eng.Close()
		for _, ddl := range []string{
			"CREATE TABLE fl (id INT PRIMARY KEY, k INT, v INT)",
			"CREATE TABLE fr (id INT PRIMARY KEY, k INT, w INT)",
		} {
			if _, err := eng.Exec(ctx, ddl); err != nil {
				rt.Fatalf("%s: %v", ddl, err)
			}
		}
		stmts := make([]*weir.Stmt, len(queries))
		for i, q := range queries {
			if stmts[i], err = eng.PrepareDialect(ctx, weir.PostgreSQL, q.sql); err != nil {
				rt.Fatalf("%s: %v", q.sql, err)
			}
		}
		tables := [2]map[int]fjRow{{}, {}}
		names := [2]string{"fl", "fr"}
		valueCol := [2]string{"v", "w"}
		small := rapid.Custom(func(t *rapid.T) *int {
			if rapid.IntRange(0, 4).Draw(t, "null") == 0 {
				return nil
			}
			v := rapid.IntRange(0, 3).Draw(t, "v")
			return &v
		})
		var script []string
		check := func() {
			for i, q := range queries {
				argSets := q.args
				if argSets == nil {
					argSets = [][]any{nil}
				}
				for _, args := range argSets {
					rows, err := stmts[i].Query(ctx, args...)
					if err != nil {
						rt.Fatalf("%s %v: %v\n%s", q.sql, args, err, strings.Join(script, "\n"))
					}
					var got []string
					for j := range rows.Len() {
						got = append(got, fjFormat(rows.Row(j)))
					}
					want, pads := fjExpected(q, tables[0], tables[1], args)
					slices.Sort(got)
					slices.Sort(want)
					lookups++
					padded += pads
					if !slices.Equal(got, want) {
						rt.Fatalf("%s %v after\n%s\ngot  %v\nwant %v", q.sql, args, strings.Join(script, "\n"), got, want)
					}
				}
			}
		}
		check()
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for range steps {
			side := rapid.IntRange(0, 1).Draw(rt, "side")
			id := rapid.IntRange(1, 6).Draw(rt, "id")
			k, x := small.Draw(rt, "k"), small.Draw(rt, "x")
			old, exists := tables[side][id]
			var sql string
			switch {
			case !exists:
				sql = fmt.Sprintf("INSERT INTO %s VALUES (%d, %s, %s)", names[side], id, fjSQL(k), fjSQL(x))
				tables[side][id] = fjRow{id: id, k: k, x: x}
			case rapid.Bool().Draw(rt, "delete"):
				sql = fmt.Sprintf("DELETE FROM %s WHERE id = %d", names[side], id)
				delete(tables[side], id)
			default:
				sql = fmt.Sprintf("UPDATE %s SET k = %s, %s = %s WHERE id = %d", names[side], fjSQL(k), valueCol[side], fjSQL(x), id)
				old.k, old.x = k, x
				tables[side][id] = old
			}
			script = append(script, sql+";")
			if _, err := eng.Exec(ctx, sql); err != nil {
				rt.Fatalf("%s: %v", sql, err)
			}
			if rapid.IntRange(0, 2).Draw(rt, "check") == 0 {
				check()
			}
		}
		check()
	})
	if lookups == 0 || padded == 0 {
		t.Fatalf("%d lookups, %d padded rows expected: the property checked nothing of FULL JOIN's own", lookups, padded)
	}
	t.Logf("%d lookups, %d padded rows expected", lookups, padded)
}

// fjExpected computes a query's result from scratch: every matching pair, every left row
// without a match padded on the right, every right row without one padded on the left. It
// also returns how many padded rows it kept.
func fjExpected(q fjQuery, left, right map[int]fjRow, args []any) ([]string, int) {
	var out []string
	pads := 0
	keep := func(l, r *fjRow) {
		if q.where != nil && !q.where(l, r, args) {
			return
		}
		if l == nil || r == nil {
			pads++
		}
		out = append(out, fjJoined(l, r))
	}
	matched := map[int]bool{}
	for _, l := range left {
		met := false
		for _, r := range right {
			if q.on(l, r) {
				met = true
				matched[r.id] = true
				keep(&l, &r)
			}
		}
		if !met {
			keep(&l, nil)
		}
	}
	for _, r := range right {
		if !matched[r.id] {
			keep(nil, &r)
		}
	}
	if q.count {
		nl, nr := 0, 0
		for _, s := range out {
			f := strings.Split(s, "|")
			if f[0] != "NULL" {
				nl++
			}
			if f[3] != "NULL" {
				nr++
			}
		}
		return []string{fmt.Sprintf("%d|%d|%d", len(out), nl, nr)}, pads
	}
	return out, pads
}

func fjJoined(l, r *fjRow) string {
	var b strings.Builder
	for i, row := range []*fjRow{l, r} {
		if i > 0 {
			b.WriteString("|")
		}
		if row == nil {
			b.WriteString("NULL|NULL|NULL")
			continue
		}
		id := row.id
		b.WriteString(fjSQL(&id) + "|" + fjSQL(row.k) + "|" + fjSQL(row.x))
	}
	return b.String()
}

func fjSQL(v *int) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(*v)
}

func fjFormat(row []weir.Value) string {
	parts := make([]string, len(row))
	for i, v := range row {
		if v.IsNull() {
			parts[i] = "NULL"
		} else {
			parts[i] = v.String()
		}
	}
	return strings.Join(parts, "|")
}
