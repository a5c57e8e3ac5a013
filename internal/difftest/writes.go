package difftest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// WriteKind is the kind of a generated write statement.
type WriteKind uint8

const (
	WriteInsert   WriteKind = iota
	WriteUpdate             // UPDATE ... SET ... [WHERE]
	WriteDelete             // DELETE ... [WHERE]
	WriteReplace            // REPLACE INTO ... VALUES
	WriteUpsert             // INSERT ... ON DUPLICATE KEY UPDATE
	WriteTruncate           // TRUNCATE TABLE
)

// AssignKind is how an assignment computes its value.
type AssignKind uint8

const (
	AssignLiteral AssignKind = iota // col = literal
	AssignValues                    // col = VALUES(col), upserts only
	AssignIncr                      // col = col + 1, INT columns only
)

// Assign is one `col = ...` of an UPDATE or an ON DUPLICATE KEY UPDATE clause.
type Assign struct {
	Col  int
	Kind AssignKind
	Val  dataflow.Value
}

// Write is a generated write statement.
type Write struct {
	Kind  WriteKind
	Table *Table
	// Cols are the INSERT's target columns in the order listed; nil means no column list
	// (every column, in table order).
	Cols  []int
	Rows  [][]dataflow.Value
	Set   []Assign
	Where *Pred
}

// SQL renders the statement.
func (w *Write) SQL() string {
	t := w.Table
	var b strings.Builder
	switch w.Kind {
	case WriteInsert, WriteReplace, WriteUpsert:
		if w.Kind == WriteReplace {
			b.WriteString("REPLACE INTO ")
		} else {
			b.WriteString("INSERT INTO ")
		}
		b.WriteString(t.Name)
		cols := w.targetCols()
		if w.Cols != nil {
			names := make([]string, len(cols))
			for i, c := range cols {
				names[i] = t.Cols[c].Name
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(names, ", "))
		}
		b.WriteString(" VALUES ")
		for i, r := range w.Rows {
			if i > 0 {
				b.WriteString(", ")
			}
			parts := make([]string, len(r))
			for j, v := range r {
				parts[j] = Literal(v, t.Cols[cols[j]].Type)
			}
			fmt.Fprintf(&b, "(%s)", strings.Join(parts, ", "))
		}
		if w.Kind == WriteUpsert {
			b.WriteString(" ON DUPLICATE KEY UPDATE ")
			b.WriteString(w.setSQL())
		}
	case WriteUpdate:
		fmt.Fprintf(&b, "UPDATE %s SET %s", t.Name, w.setSQL())
		if w.Where != nil {
			b.WriteString(" WHERE " + w.Where.SQL(t))
		}
	case WriteDelete:
		fmt.Fprintf(&b, "DELETE FROM %s", t.Name)
		if w.Where != nil {
			b.WriteString(" WHERE " + w.Where.SQL(t))
		}
	case WriteTruncate:
		fmt.Fprintf(&b, "TRUNCATE TABLE %s", t.Name)
	}
	return b.String()
}

func (w *Write) setSQL() string {
	parts := make([]string, len(w.Set))
	for i, a := range w.Set {
		c := w.Table.Cols[a.Col]
		switch a.Kind {
		case AssignValues:
			parts[i] = fmt.Sprintf("%s = VALUES(%s)", c.Name, c.Name)
		case AssignIncr:
			parts[i] = fmt.Sprintf("%s = %s + 1", c.Name, c.Name)
		default:
			parts[i] = fmt.Sprintf("%s = %s", c.Name, Literal(a.Val, c.Type))
		}
	}
	return strings.Join(parts, ", ")
}

func (w *Write) targetCols() []int {
	if w.Cols != nil {
		return w.Cols
	}
	cols := make([]int, len(w.Table.Cols))
	for i := range cols {
		cols[i] = i
	}
	return cols
}

// Model holds what the base tables must contain, by MySQL's rules for the statements
// generated here.
type Model struct {
	tables map[string][]dataflow.Row
	// UniqueCollisions counts the rows of statements that collided on a unique key (not the
	// primary key): what shows that the cases exercise unique keys.
	UniqueCollisions int
}

// NewModel returns a model with every table of s empty.
func NewModel(s *Schema) *Model {
	m := &Model{tables: map[string][]dataflow.Row{}}
	for _, t := range s.Tables {
		m.tables[t.Name] = nil
	}
	return m
}

// Rows returns the table's rows (shared; do not modify).
func (m *Model) Rows(table string) []dataflow.Row { return m.tables[table] }

// pkKey is the collation key of the row's primary key; "" for a table without one.
func pkKey(t *Table, row dataflow.Row) string {
	if len(t.PK) == 0 {
		return ""
	}
	return string(dataflow.AppendRowKey(nil, row, t.PK))
}

func (m *Model) find(t *Table, rows []dataflow.Row, key string) int {
	if key == "" {
		return -1
	}
	for i, r := range rows {
		if pkKey(t, r) == key {
			return i
		}
	}
	return -1
}

// uniqueKey is the collation key of the row's values in cols; "" when one is NULL (NULLs
// never collide in a unique key).
func uniqueKey(row dataflow.Row, cols []int) string {
	for _, c := range cols {
		if row[c].IsNull() {
			return ""
		}
	}
	return string(dataflow.AppendRowKey(nil, row, cols))
}

// conflict finds the first key, in MySQL's order (the primary key, then t.Unique), on
// which row collides with a row of rows other than rows[self] (self < 0: none). It returns
// the colliding row's position and the key's (-1 for the primary key; len(t.Unique)-1 is
// the last unique key).
func conflict(t *Table, rows []dataflow.Row, row dataflow.Row, self int) (at, key int, found bool) {
	if k := pkKey(t, row); k != "" {
		for i, r := range rows {
			if i != self && pkKey(t, r) == k {
				return i, -1, true
			}
		}
	}
	for u, cols := range t.Unique {
		k := uniqueKey(row, cols)
		if k == "" {
			continue
		}
		for i, r := range rows {
			if i != self && uniqueKey(r, cols) == k {
				return i, u, true
			}
		}
	}
	return 0, 0, false
}

// Apply predicts the statement's effect. ok is false when MySQL rejects it (a duplicate
// primary or unique key); the model is then unchanged, as a failed statement changes
// nothing. Otherwise affected is MySQL's affected-rows count and the model holds the new
// contents.
func (m *Model) Apply(w *Write) (affected int64, ok bool) {
	t := w.Table
	rows := slices.Clone(m.tables[t.Name])
	switch w.Kind {
	case WriteInsert, WriteReplace, WriteUpsert:
		cols := w.targetCols()
		for _, vals := range w.Rows {
			row := make(dataflow.Row, len(t.Cols))
			for j, c := range cols {
				row[c] = vals[j]
			}
			i, key, found := conflict(t, rows, row, -1)
			if found && key >= 0 {
				m.UniqueCollisions++
			}
			switch {
			case !found:
				rows = append(rows, row)
				affected++
			case w.Kind == WriteInsert:
				return 0, false
			case w.Kind == WriteReplace:
				// MySQL deletes each row that collides on a key before the last unique
				// one, and updates the row that collides on the last one in place (which
				// counts 1 when nothing changes).
				for found && key != len(t.Unique)-1 {
					rows = slices.Delete(rows, i, i+1)
					affected++
					i, key, found = conflict(t, rows, row, -1)
				}
				switch {
				case !found:
					rows = append(rows, row)
					affected++
				case dataflow.IdenticalRows(rows[i], row):
					affected++
				default:
					rows[i] = row
					affected += 2
				}
			default:
				updated := assign(rows[i], row, w.Set)
				if dataflow.IdenticalRows(updated, rows[i]) {
					continue
				}
				if _, _, dup := conflict(t, rows, updated, i); dup {
					return 0, false
				}
				rows[i] = updated
				affected += 2
			}
		}
	case WriteUpdate:
		for i, r := range rows {
			if w.Where != nil && w.Where.Eval(r) != triTrue {
				continue
			}
			updated := assign(r, nil, w.Set)
			if !dataflow.IdenticalRows(updated, r) {
				rows[i] = updated
				affected++
			}
		}
		// MySQL checks each row as it updates it; with key columns only ever set to
		// literals (genAssigns), that fails exactly when the end state holds a duplicate.
		for i, r := range rows {
			if _, _, dup := conflict(t, rows[:i], r, -1); dup {
				return 0, false
			}
		}
	case WriteDelete:
		kept := rows[:0]
		for _, r := range rows {
			if w.Where == nil || w.Where.Eval(r) == triTrue {
				affected++
				continue
			}
			kept = append(kept, r)
		}
		rows = kept
	case WriteTruncate:
		// MySQL reports no affected rows for a TRUNCATE.
		rows = nil
	}
	m.tables[t.Name] = rows
	return affected, true
}

// assign applies assignments left to right to a copy of old; inserted is the row an upsert
// tried to insert (what VALUES(col) reads).
func assign(old, inserted dataflow.Row, set []Assign) dataflow.Row {
	row := slices.Clone(old)
	for _, a := range set {
		switch a.Kind {
		case AssignLiteral:
			row[a.Col] = a.Val
		case AssignValues:
			row[a.Col] = inserted[a.Col]
		case AssignIncr:
			if v := row[a.Col]; !v.IsNull() {
				row[a.Col] = dataflow.Int(v.RawInt() + 1)
			}
		}
	}
	return row
}

// storedValue draws a value to store in column c: a domain value, or NULL when allowed.
func storedValue(g gen, c Column) dataflow.Value {
	if c.Nullable && g.chance(20) {
		return dataflow.Null
	}
	return pick(g, c.Type.Domain())
}

// genWrite draws one write statement against a table of s, whose current contents m holds.
func genWrite(g gen, s *Schema, m *Model, maxRows int) *Write {
	t := pick(g, s.Tables)
	w := &Write{Table: t}
	switch g.weighted(24, 9, 9, 6, 6, 1) {
	case 0:
		w.Kind = WriteInsert
	case 1:
		w.Kind = WriteUpdate
	case 2:
		w.Kind = WriteDelete
	case 3:
		w.Kind = WriteReplace
	case 4:
		w.Kind = WriteUpsert
	default:
		w.Kind = WriteTruncate
	}
	switch w.Kind {
	case WriteInsert, WriteReplace, WriteUpsert:
		w.Cols = genTargetCols(g, t)
		n := g.intn(1, maxRows)
		cols := w.targetCols()
		taken := map[string]bool{}
		keysOf := func(row dataflow.Row) []string {
			var out []string
			if k := pkKey(t, row); k != "" {
				out = append(out, "p"+k)
			}
			for u, cols := range t.Unique {
				if k := uniqueKey(row, cols); k != "" {
					out = append(out, fmt.Sprintf("%d%s", u, k))
				}
			}
			return out
		}
		for _, r := range m.Rows(t.Name) {
			for _, k := range keysOf(r) {
				taken[k] = true
			}
		}
		for range n {
			// Draw again, a few times, when the key is taken: duplicates should happen, but
			// not so often that most inserts fail and the tables stay empty.
			var vals []dataflow.Value
			for try := 0; try < 3; try++ {
				vals = make([]dataflow.Value, len(cols))
				row := make(dataflow.Row, len(t.Cols))
				for j, c := range cols {
					vals[j] = storedValue(g, t.Cols[c])
					row[c] = vals[j]
				}
				keys := keysOf(row)
				if !slices.ContainsFunc(keys, func(k string) bool { return taken[k] }) {
					for _, k := range keys {
						taken[k] = true
					}
					break
				}
			}
			w.Rows = append(w.Rows, vals)
		}
		if w.Kind == WriteUpsert {
			w.Set = genAssigns(g, t, true)
		}
	case WriteUpdate:
		w.Set = genAssigns(g, t, false)
		if g.intn(0, 9) > 0 {
			w.Where = genPred(g, t, 2)
		}
	case WriteDelete:
		if g.intn(0, 9) > 0 {
			w.Where = genPred(g, t, 2)
		}
	}
	return w
}

// genTargetCols draws an INSERT's column list: none, every column in another order, or a
// subset that leaves out nullable columns (which then default to NULL).
func genTargetCols(g gen, t *Table) []int {
	switch g.weighted(3, 1, 1) {
	case 0:
		return nil
	case 1:
		cols := make([]int, len(t.Cols))
		for i := range cols {
			cols[i] = i
		}
		for i := len(cols) - 1; i > 0; i-- {
			j := g.intn(0, i)
			cols[i], cols[j] = cols[j], cols[i]
		}
		return cols
	}
	var cols []int
	for i, c := range t.Cols {
		if !c.Nullable || g.chance(50) {
			cols = append(cols, i)
		}
	}
	return cols
}

// genAssigns draws 1..2 assignments. Upserts only assign non-primary-key columns; UPDATE may
// set a key column to a literal, which makes a duplicate key (and an error) likely. Key
// columns are never incremented: whether `k = k + 1` collides depends on the order rows are
// visited in, which the model does not follow.
func genAssigns(g gen, t *Table, upsert bool) []Assign {
	var candidates []int
	for i := range t.Cols {
		if !upsert || !t.IsPK(i) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		// Every column is in the key: re-assigning the key from VALUES keeps the row.
		return []Assign{{Col: t.PK[0], Kind: AssignValues}}
	}
	n := g.intn(1, min(2, len(candidates)))
	var out []Assign
	for range n {
		col := pick(g, candidates)
		c := t.Cols[col]
		a := Assign{Col: col}
		switch k := g.weighted(3, 2, 1); {
		case k == 1 && upsert:
			a.Kind = AssignValues
		case k == 2 && c.Type == TypeInt && !t.IsPK(col) && !t.InUnique(col):
			a.Kind = AssignIncr
		default:
			a.Val = storedValue(g, c)
		}
		out = append(out, a)
	}
	return out
}
