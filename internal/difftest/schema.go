package difftest

import (
	"fmt"
	"slices"
	"strings"

	"pgregory.net/rapid"
)

// Column is a generated column.
type Column struct {
	Name     string
	Type     ColType
	Nullable bool
}

// Table is a generated base table. PK lists primary-key column positions; empty when the
// table has no primary key (and may then hold duplicate rows).
type Table struct {
	Name string
	Cols []Column
	PK   []int
	// Unique lists the unique keys (column positions), named uk0, uk1… in this order, which
	// is MySQL's order of them (keys over NOT NULL columns first; see UniqueOrder).
	Unique [][]int
}

// UniqueOrder sorts t.Unique as MySQL orders unique keys: those whose columns are all NOT
// NULL first, declaration order otherwise. It is the order a write finds its conflicts in.
func (t *Table) UniqueOrder() {
	slices.SortStableFunc(t.Unique, func(a, b []int) int { return t.uniqueRank(a) - t.uniqueRank(b) })
}

func (t *Table) uniqueRank(cols []int) int {
	for _, c := range cols {
		if t.Cols[c].Nullable {
			return 1
		}
	}
	return 0
}

// InUnique reports whether column i is part of a unique key.
func (t *Table) InUnique(i int) bool {
	for _, u := range t.Unique {
		if slices.Contains(u, i) {
			return true
		}
	}
	return false
}

// Schema is a set of generated tables.
type Schema struct {
	Tables []*Table
}

// CreateSQL renders the table's CREATE TABLE statement.
func (t *Table) CreateSQL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", t.Name)
	for i, c := range t.Cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", c.Name, c.Type.SQL())
		if !c.Nullable {
			b.WriteString(" NOT NULL")
		}
	}
	if len(t.PK) > 0 {
		names := make([]string, len(t.PK))
		for i, p := range t.PK {
			names[i] = t.Cols[p].Name
		}
		fmt.Fprintf(&b, ", PRIMARY KEY (%s)", strings.Join(names, ", "))
	}
	for i, u := range t.Unique {
		names := make([]string, len(u))
		for j, c := range u {
			names[j] = t.Cols[c].Name
		}
		fmt.Fprintf(&b, ", UNIQUE KEY uk%d (%s)", i, strings.Join(names, ", "))
	}
	b.WriteString(")")
	return b.String()
}

// IsPK reports whether column i is part of the primary key.
func (t *Table) IsPK(i int) bool {
	for _, p := range t.PK {
		if p == i {
			return true
		}
	}
	return false
}

// gen wraps a rapid.T with the small draws the generators make. Every choice shrinks toward
// its first alternative, so the alternatives are listed simplest first.
type gen struct {
	t *rapid.T
}

func (g gen) intn(lo, hi int) int { return rapid.IntRange(lo, hi).Draw(g.t, "n") }

// chance is true with probability pct/100; it shrinks toward false, so shrunk cases drop
// optional features.
func (g gen) chance(pct int) bool { return g.intn(0, 99) >= 100-pct }

func pick[T any](g gen, xs []T) T { return xs[g.intn(0, len(xs)-1)] }

// weighted picks an index with the given relative weights.
func (g gen) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.intn(0, total-1)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// pkTypes are the types a primary-key column gets: no DOUBLE (approximate values make poor
// keys, and MySQL users avoid them), BOOLEAN to force collisions.
var pkTypes = []ColType{TypeInt, TypeVarchar, TypeUint, TypeDate, TypeDecimal, TypeBool, TypeWideDecimal}

var allTypes = []ColType{TypeInt, TypeVarchar, TypeDecimal, TypeDouble, TypeUint, TypeDate, TypeBool, TypeWideDecimal}

// genSchema draws minTables..maxTables tables of 2..maxCols columns: single or compound
// primary keys or none, nullable and NOT NULL columns, every type.
func genSchema(g gen, minTables, maxTables, maxCols int) *Schema {
	n := g.intn(minTables, maxTables)
	s := &Schema{}
	for i := range n {
		t := &Table{Name: fmt.Sprintf("t%d", i)}
		ncols := g.intn(2, max(2, maxCols))
		switch g.weighted(4, 3, 2) {
		case 0:
			t.PK = []int{g.intn(0, ncols-1)}
		case 2:
			// Key order need not follow column order: PRIMARY KEY (c2, c0).
			a := g.intn(0, ncols-1)
			b := (a + g.intn(1, ncols-1)) % ncols
			t.PK = []int{a, b}
		}
		for c := range ncols {
			col := Column{Name: fmt.Sprintf("c%d", c)}
			if t.IsPK(c) {
				col.Type = pick(g, pkTypes)
			} else {
				col.Type = pick(g, allTypes)
				col.Nullable = g.intn(0, 9) < 6
			}
			t.Cols = append(t.Cols, col)
		}
		genUnique(g, t)
		s.Tables = append(s.Tables, t)
	}
	return s
}

// DDL returns the CREATE TABLE statements of the schema.
func (s *Schema) DDL() []string {
	out := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		out[i] = t.CreateSQL()
	}
	return out
}

// genUnique draws up to two unique keys of one or two columns outside the primary key, over
// the key types (no DOUBLE), so that writes collide on them as well as on the primary key.
func genUnique(g gen, t *Table) {
	var candidates []int
	for i, c := range t.Cols {
		if !t.IsPK(i) && slices.Contains(pkTypes, c.Type) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return
	}
	for range g.weighted(5, 4, 2) {
		key := []int{pick(g, candidates)}
		if len(candidates) > 1 && g.chance(40) {
			if c := pick(g, candidates); c != key[0] {
				key = append(key, c)
			}
		}
		t.Unique = append(t.Unique, key)
	}
	t.UniqueOrder()
}
