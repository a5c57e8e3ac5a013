package operators

import (
	"bufio"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// Test-only expressions, so the operator tests do not depend on the expr package's
// constructors.

// tCol is a column reference $i.
type tCol int

func (c tCol) Eval(r dataflow.Row) dataflow.Value { return colAt(r, int(c)) }
func (c tCol) Type() dataflow.Type                { return dataflow.Type{} }
func (c tCol) String() string                     { return "$" + strconv.Itoa(int(c)) }

// tCmp compares a column with a constant with SQL semantics: NULL when either side is NULL.
type tCmp struct {
	col int
	op  string
	v   dataflow.Value
}

func (c tCmp) Eval(r dataflow.Row) dataflow.Value {
	x := colAt(r, c.col)
	if x.IsNull() || c.v.IsNull() {
		return dataflow.Null
	}
	d := dataflow.Compare(x, c.v)
	switch c.op {
	case ">":
		return dataflow.Bool(d > 0)
	case "<":
		return dataflow.Bool(d < 0)
	case "=":
		return dataflow.Bool(d == 0)
	}
	return dataflow.Null
}
func (c tCmp) Type() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt} }
func (c tCmp) String() string {
	return fmt.Sprintf("($%d %s %s)", c.col, c.op, c.v.String())
}

// tAdd is $i + n over integers, NULL-propagating.
type tAdd struct {
	col int
	n   int64
}

func (a tAdd) Eval(r dataflow.Row) dataflow.Value {
	x := colAt(r, a.col)
	if x.IsNull() {
		return dataflow.Null
	}
	i, _ := x.ToInt()
	return dataflow.Int(i + a.n)
}
func (a tAdd) Type() dataflow.Type { return dataflow.Type{Kind: dataflow.KindInt} }
func (a tAdd) String() string      { return fmt.Sprintf("($%d + %d)", a.col, a.n) }

var (
	_ expr.Expr = tCol(0)
	_ expr.Expr = tCmp{}
	_ expr.Expr = tAdd{}
)

// Values and rows in a compact text form shared by the scenario files and the tests:
// NULL, 12 (INT), u12 (UINT), 1.50 (DECIMAL, scale from the digits), 2.5e0 (DOUBLE),
// "text" (Go-quoted string).

func parseValue(s string) (dataflow.Value, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "NULL":
		return dataflow.Null, nil
	case strings.HasPrefix(s, `"`):
		u, err := strconv.Unquote(s)
		if err != nil {
			return dataflow.Null, fmt.Errorf("bad string %s: %w", s, err)
		}
		return dataflow.String(u), nil
	case strings.HasPrefix(s, "u"):
		u, err := strconv.ParseUint(s[1:], 10, 64)
		if err != nil {
			return dataflow.Null, fmt.Errorf("bad uint %s: %w", s, err)
		}
		return dataflow.Uint(u), nil
	case strings.ContainsAny(s, "eE"):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return dataflow.Null, fmt.Errorf("bad double %s: %w", s, err)
		}
		return dataflow.Float(f), nil
	case strings.Contains(s, "."):
		v, ok := dataflow.ParseDecimalValue(s)
		if !ok {
			return dataflow.Null, fmt.Errorf("bad decimal %s", s)
		}
		return v, nil
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return dataflow.Null, fmt.Errorf("bad value %q: %w", s, err)
	}
	return dataflow.Int(i), nil
}

func fmtValue(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindString:
		return strconv.Quote(v.RawString())
	case dataflow.KindUint:
		return "u" + v.ToText()
	case dataflow.KindFloat:
		s := strconv.FormatFloat(v.RawFloat(), 'g', -1, 64)
		if !strings.ContainsAny(s, "e") {
			s += "e0"
		}
		return s
	}
	return v.ToText()
}

func fmtRow(r dataflow.Row) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = fmtValue(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// parseRow reads "[1, "a,b", NULL]".
func parseRow(s string) (dataflow.Row, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("row %q: want [...]", s)
	}
	body := s[1 : len(s)-1]
	row := dataflow.Row{}
	var cur strings.Builder
	inStr, esc := false, false
	flush := func() error {
		t := strings.TrimSpace(cur.String())
		cur.Reset()
		if t == "" {
			return fmt.Errorf("row %q: empty value", s)
		}
		v, err := parseValue(t)
		if err != nil {
			return err
		}
		row = append(row, v)
		return nil
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && c == ',':
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		cur.WriteByte(c)
	}
	if strings.TrimSpace(body) != "" {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return row, nil
}

func mustRow(t testing.TB, s string) dataflow.Row {
	t.Helper()
	r, err := parseRow(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// batchOf builds a batch from "+[..]" / "-[..]" lines.
func batchOf(t testing.TB, lines ...string) dataflow.Batch {
	t.Helper()
	var b dataflow.Batch
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if len(l) == 0 || (l[0] != '+' && l[0] != '-') {
			t.Fatalf("delta %q: want +[..] or -[..]", l)
		}
		b = append(b, dataflow.Record{Row: mustRow(t, l[1:]), Neg: l[0] == '-'})
	}
	return b
}

func fmtBatch(b dataflow.Batch) []string {
	out := make([]string, len(b))
	for i, r := range b {
		sign := "+"
		if r.Neg {
			sign = "-"
		}
		out[i] = sign + fmtRow(r.Row)
	}
	return out
}

// rowIdent is a row's identity for test multisets: kinds and exact text, stricter than
// dataflow.IdenticalRows (an INT 1 and a DECIMAL 1 differ), so tests also pin result kinds.
func rowIdent(r dataflow.Row) string {
	var b strings.Builder
	for _, v := range r {
		fmt.Fprintf(&b, "%d:%q|", v.Kind(), v.ToText())
	}
	return b.String()
}

// multiset counts rows by rowIdent.
type multiset map[string]int

func (m multiset) add(r dataflow.Row) { m[rowIdent(r)]++ }

func (m multiset) remove(r dataflow.Row) bool {
	k := rowIdent(r)
	if m[k] == 0 {
		return false
	}
	if m[k]--; m[k] == 0 {
		delete(m, k)
	}
	return true
}

func multisetOf(rows []dataflow.Row) multiset {
	m := multiset{}
	for _, r := range rows {
		m.add(r)
	}
	return m
}

func (m multiset) diff(o multiset) string {
	var lines []string
	for k, n := range m {
		if o[k] != n {
			lines = append(lines, fmt.Sprintf("  %s: got %d, want %d", k, n, o[k]))
		}
	}
	for k, n := range o {
		if _, ok := m[k]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: got 0, want %d", k, n))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// ---- Property harness -------------------------------------------------------------------

// propInputs is the current input multiset of every parent, as lists of rows.
type propInputs [][]dataflow.Row

func (in propInputs) parent(i int) []dataflow.Row { return slices.Clone(in[i]) }

// drawBatch draws a batch for one parent: insertions of fresh rows, retractions of rows the
// parent holds (by a copy, so operators cannot rely on pointer identity), updates as -old
// +new, and -x +x pairs. rows is updated to the parent's multiset after the batch.
func drawBatch(t *rapid.T, label string, rows *[]dataflow.Row, gen *rapid.Generator[dataflow.Row]) dataflow.Batch {
	n := rapid.IntRange(0, 8).Draw(t, label+"_n")
	var b dataflow.Batch
	for i := 0; i < n; i++ {
		kind := rapid.IntRange(0, 3).Draw(t, label+"_kind")
		if len(*rows) == 0 {
			kind = 0
		}
		switch kind {
		case 0:
			r := gen.Draw(t, label+"_row")
			*rows = append(*rows, r)
			b = append(b, dataflow.Record{Row: r})
		case 1, 2, 3:
			j := rapid.IntRange(0, len(*rows)-1).Draw(t, label+"_victim")
			old := (*rows)[j]
			*rows = slices.Delete(*rows, j, j+1)
			b = append(b, dataflow.Record{Row: slices.Clone(old), Neg: true})
			switch kind {
			case 2:
				r := gen.Draw(t, label+"_new")
				*rows = append(*rows, r)
				b = append(b, dataflow.Record{Row: r})
			case 3:
				*rows = append(*rows, old)
				b = append(b, dataflow.Record{Row: slices.Clone(old)})
			}
		}
	}
	return b
}

// checkIncremental drives op with random batches and checks after each one that the
// accumulated output equals ref over the current inputs and equals op's Snapshot.
func checkIncremental(t *rapid.T, op dataflow.Operator, gens []*rapid.Generator[dataflow.Row], ref func(propInputs) []dataflow.Row) {
	inputs := make(propInputs, len(gens))
	got := multisetOf(op.Snapshot(inputs.parent))
	steps := rapid.IntRange(1, 10).Draw(t, "batches")
	for s := 0; s < steps; s++ {
		from := rapid.IntRange(0, len(gens)-1).Draw(t, "from")
		batch := drawBatch(t, fmt.Sprintf("p%d", from), &inputs[from], gens[from])
		out := op.Process(from, batch)
		for _, rec := range out {
			if rec.Neg {
				if !got.remove(rec.Row) {
					t.Fatalf("batch %d: retraction of %s, which is not in the output\nin: %v\nout: %v",
						s, fmtRow(rec.Row), fmtBatch(batch), fmtBatch(out))
				}
			} else {
				got.add(rec.Row)
			}
		}
		want := multisetOf(ref(inputs))
		if d := got.diff(want); d != "" {
			t.Fatalf("batch %d: output differs from recomputation\nin: %v\nout: %v\n%s", s, fmtBatch(batch), fmtBatch(out), d)
		}
		if d := multisetOf(op.Snapshot(inputs.parent)).diff(want); d != "" {
			t.Fatalf("batch %d: snapshot differs from recomputation\n%s", s, d)
		}
	}
}

// genValue draws one of the given values.
func genValue(vals ...dataflow.Value) *rapid.Generator[dataflow.Value] {
	return rapid.SampledFrom(vals)
}

func genRow(cols ...*rapid.Generator[dataflow.Value]) *rapid.Generator[dataflow.Row] {
	return rapid.Custom(func(t *rapid.T) dataflow.Row {
		r := make(dataflow.Row, len(cols))
		for i, c := range cols {
			r[i] = c.Draw(t, "v"+strconv.Itoa(i))
		}
		return r
	})
}

// Building blocks of the from-scratch references, written independently of the operators' state.

// sqlEqualGroup reports whether two values fall in one group: NULLs together, others by
// MySQL comparison.
func sqlEqualGroup(a, b dataflow.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	return dataflow.Compare(a, b) == 0
}

// refExactCompare orders the variants the tests generate: by MySQL comparison, then strings
// by their bytes, and an exact number before an equal DOUBLE.
func refExactCompare(a, b dataflow.Value) int {
	if c := dataflow.Compare(a, b); c != 0 {
		return c
	}
	if a.Kind() == dataflow.KindString && b.Kind() == dataflow.KindString {
		return strings.Compare(a.RawString(), b.RawString())
	}
	if fa, fb := a.Kind() == dataflow.KindFloat, b.Kind() == dataflow.KindFloat; fa != fb {
		if fa {
			return 1
		}
		return -1
	}
	return 0
}

func refRowCompare(a, b dataflow.Row) int {
	for i := range a {
		if c := refExactCompare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// refGroups partitions rows by the given columns with sqlEqualGroup, in first-seen order.
func refGroups(rows []dataflow.Row, cols []int) [][]dataflow.Row {
	var groups [][]dataflow.Row
next:
	for _, r := range rows {
		for gi, g := range groups {
			same := true
			for _, c := range cols {
				if !sqlEqualGroup(g[0][c], r[c]) {
					same = false
					break
				}
			}
			if same {
				groups[gi] = append(groups[gi], r)
				continue next
			}
		}
		groups = append(groups, []dataflow.Row{r})
	}
	return groups
}

func ratOf(v dataflow.Value) *big.Rat {
	switch v.Kind() {
	case dataflow.KindInt:
		return new(big.Rat).SetInt64(v.RawInt())
	case dataflow.KindDecimal:
		c, s := v.DecimalParts()
		return new(big.Rat).SetFrac(big.NewInt(c), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))
	case dataflow.KindFloat:
		return new(big.Rat).SetFloat64(v.RawFloat())
	}
	panic("ratOf: unsupported kind " + v.Kind().String())
}

// ---- Scenario files ---------------------------------------------------------------------

var updateOperators = flag.Bool("update-operators", false, "rewrite the expected output of the operator scenario files testdata/*.txt")

// TestScenarios runs testdata/*.txt. Each file is a sequence of commands separated by blank
// lines; a command is a directive line, input lines, "----" and the expected output:
//
//	new <operator spec>     build the operator under test (see buildOperator)
//	describe                expect Describe()
//	process <parent>        input deltas +[..] / -[..]; expect the emitted deltas in order
//	snapshot                expect Snapshot(), rows sorted
//
// Run with -update-operators to regenerate the expected output after an intended change.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files in testdata")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScenario(t, f) })
	}
}

type scenarioCmd struct {
	line   int
	head   string
	input  []string
	expect []string
}

func readScenario(t *testing.T, path string) (cmds []scenarioCmd, comments map[int][]string) {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	comments = map[int][]string{}
	var cur *scenarioCmd
	inExpect := false
	ln := 0
	for sc.Scan() {
		ln++
		l := sc.Text()
		switch {
		case strings.TrimSpace(l) == "":
			if cur != nil {
				cmds = append(cmds, *cur)
				cur = nil
			}
			inExpect = false
		case cur == nil && strings.HasPrefix(l, "#"):
			comments[len(cmds)] = append(comments[len(cmds)], l)
		case cur == nil:
			cur = &scenarioCmd{line: ln, head: l}
		case l == "----":
			inExpect = true
		case inExpect:
			cur.expect = append(cur.expect, l)
		default:
			cur.input = append(cur.input, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		cmds = append(cmds, *cur)
	}
	return cmds, comments
}

func runScenario(t *testing.T, path string) {
	cmds, comments := readScenario(t, path)
	var op dataflow.Operator
	var parents propInputs
	for i := range cmds {
		c := &cmds[i]
		fields := strings.Fields(c.head)
		var got []string
		switch fields[0] {
		case "new":
			var err error
			op, parents, err = buildOperator(fields[1:])
			if err != nil {
				t.Fatalf("%s:%d: %v", path, c.line, err)
			}
			continue
		case "describe":
			got = []string{op.Describe()}
		case "process":
			from, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("%s:%d: %v", path, c.line, err)
			}
			in := batchOf(t, c.input...)
			for _, rec := range in {
				if rec.Neg {
					for j, r := range parents[from] {
						if dataflow.IdenticalRows(r, rec.Row) {
							parents[from] = slices.Delete(parents[from], j, j+1)
							break
						}
					}
				} else {
					parents[from] = append(parents[from], rec.Row)
				}
			}
			got = fmtBatch(op.Process(from, in))
		case "snapshot":
			for _, r := range op.Snapshot(parents.parent) {
				got = append(got, fmtRow(r))
			}
			slices.Sort(got)
		default:
			t.Fatalf("%s:%d: unknown command %q", path, c.line, fields[0])
		}
		if *updateOperators {
			c.expect = got
			continue
		}
		if !slices.Equal(got, c.expect) {
			t.Errorf("%s:%d: %s\ngot:\n  %s\nwant:\n  %s", path, c.line, c.head,
				strings.Join(got, "\n  "), strings.Join(c.expect, "\n  "))
		}
	}
	if *updateOperators {
		var b strings.Builder
		for i, c := range cmds {
			for _, l := range comments[i] {
				b.WriteString(l + "\n")
			}
			b.WriteString(c.head + "\n")
			for _, l := range c.input {
				b.WriteString(l + "\n")
			}
			if c.head[:3] != "new" {
				b.WriteString("----\n")
				for _, l := range c.expect {
					b.WriteString(l + "\n")
				}
			}
			if i < len(cmds)-1 {
				b.WriteString("\n")
			}
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildOperator parses an operator spec:
//
//	filter <col> <op> <value>                          ($col op value)
//	project <item>...                                  items: $i or $i+n
//	join <inner|left> lkeys=0,1 rkeys=0,1 lw=2 rw=2
//	agg group=0,1 <agg>...                             see parseAggSpec
//	topk group=0 order=1d,2 limit=2 offset=0           d: descending
//	distinct
//	union <n>
func buildOperator(f []string) (dataflow.Operator, propInputs, error) {
	if len(f) == 0 {
		return nil, nil, fmt.Errorf("new: missing operator")
	}
	opts := map[string]string{}
	var pos []string
	for _, a := range f[1:] {
		if k, v, ok := strings.Cut(a, "="); ok && !strings.Contains(k, "(") {
			opts[k] = v
		} else {
			pos = append(pos, a)
		}
	}
	ints := func(k string) []int {
		var out []int
		for _, s := range strings.Split(opts[k], ",") {
			if s == "" {
				continue
			}
			n, _ := strconv.Atoi(strings.TrimPrefix(s, "$"))
			out = append(out, n)
		}
		return out
	}
	num := func(k string) int {
		n, _ := strconv.Atoi(opts[k])
		return n
	}
	switch f[0] {
	case "filter":
		if len(pos) != 3 {
			return nil, nil, fmt.Errorf("filter: want <col> <op> <value>")
		}
		col, _ := strconv.Atoi(strings.TrimPrefix(pos[0], "$"))
		v, err := parseValue(pos[2])
		if err != nil {
			return nil, nil, err
		}
		return NewFilter(tCmp{col: col, op: pos[1], v: v}), make(propInputs, 1), nil
	case "project":
		var exprs []expr.Expr
		for _, p := range pos {
			c, n, plus := strings.Cut(strings.TrimPrefix(p, "$"), "+")
			col, _ := strconv.Atoi(c)
			if plus {
				k, _ := strconv.ParseInt(n, 10, 64)
				exprs = append(exprs, tAdd{col: col, n: k})
			} else {
				exprs = append(exprs, tCol(col))
			}
		}
		return NewProject(exprs), make(propInputs, 1), nil
	case "join":
		kind := JoinInner
		if len(pos) > 0 && pos[0] == "left" {
			kind = JoinLeft
		}
		return NewJoin(kind, ints("lkeys"), ints("rkeys"), num("lw"), num("rw")), make(propInputs, 2), nil
	case "agg":
		var aggs []AggSpec
		for _, p := range pos {
			s, err := parseAggSpec(p)
			if err != nil {
				return nil, nil, err
			}
			aggs = append(aggs, s)
		}
		return NewAggregate(ints("group"), aggs), make(propInputs, 1), nil
	case "topk":
		var order []dataflow.SortKey
		for _, s := range strings.Split(opts["order"], ",") {
			if s == "" {
				continue
			}
			desc := strings.HasSuffix(s, "d")
			n, _ := strconv.Atoi(strings.TrimSuffix(s, "d"))
			order = append(order, dataflow.SortKey{Col: n, Desc: desc})
		}
		return NewTopK(ints("group"), order, num("limit"), num("offset")), make(propInputs, 1), nil
	case "distinct":
		return NewDistinct(), make(propInputs, 1), nil
	case "union":
		n, _ := strconv.Atoi(pos[0])
		return NewUnion(n), make(propInputs, n), nil
	}
	return nil, nil, fmt.Errorf("new: unknown operator %q", f[0])
}

// parseAggSpec reads name(arg[,opt...])[:type]: count(*), count($1), count($1,distinct),
// sum($1):decimal(2), avg($1):int, min($1), group_concat($1,desc,distinct,sep=|,max=5).
// Types: int, double, decimal(s).
func parseAggSpec(s string) (AggSpec, error) {
	body, typ, _ := strings.Cut(s, ":")
	name, args, ok := strings.Cut(body, "(")
	if !ok || !strings.HasSuffix(args, ")") {
		return AggSpec{}, fmt.Errorf("aggregate %q: want name(args)", s)
	}
	parts := strings.Split(strings.TrimSuffix(args, ")"), ",")
	var spec AggSpec
	switch name {
	case "count":
		spec.Func = AggCount
		if parts[0] == "*" {
			spec.Func = AggCountStar
		}
	case "sum":
		spec.Func = AggSum
	case "avg":
		spec.Func = AggAvg
	case "min":
		spec.Func = AggMin
	case "max":
		spec.Func = AggMax
	case "group_concat":
		spec.Func = AggGroupConcat
		spec.Separator = ","
	default:
		return spec, fmt.Errorf("aggregate %q: unknown function", s)
	}
	if spec.Func != AggCountStar {
		n, err := strconv.Atoi(strings.TrimPrefix(parts[0], "$"))
		if err != nil {
			return spec, fmt.Errorf("aggregate %q: %w", s, err)
		}
		spec.Arg = n
	}
	for _, o := range parts[1:] {
		switch {
		case o == "distinct":
			spec.Distinct = true
		case o == "desc":
			spec.OrderDesc = true
		case strings.HasPrefix(o, "sep="):
			spec.Separator = strings.TrimPrefix(o, "sep=")
		case strings.HasPrefix(o, "max="):
			spec.MaxLen, _ = strconv.Atoi(strings.TrimPrefix(o, "max="))
		default:
			return spec, fmt.Errorf("aggregate %q: unknown option %q", s, o)
		}
	}
	switch {
	case typ == "":
	case typ == "int":
		spec.Type = dataflow.Type{Kind: dataflow.KindInt}
	case typ == "double":
		spec.Type = dataflow.Type{Kind: dataflow.KindFloat}
	case strings.HasPrefix(typ, "decimal(") && strings.HasSuffix(typ, ")"):
		sc, err := strconv.Atoi(typ[len("decimal(") : len(typ)-1])
		if err != nil {
			return spec, fmt.Errorf("aggregate %q: %w", s, err)
		}
		spec.Type = dataflow.Type{Kind: dataflow.KindDecimal, Precision: 65, Scale: sc}
	default:
		return spec, fmt.Errorf("aggregate %q: unknown type %q", s, typ)
	}
	return spec, nil
}
