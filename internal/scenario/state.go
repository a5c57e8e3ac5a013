package scenario

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
	"github.com/weirdb/weir/upquery"
)

// Key encodings (dataflow.AppendKey) the display decoder understands; other keys print
// from the registry of keys the scenario named, or in hex.
const (
	encNull   = 0
	encInt    = 1
	encString = 5
)

// decode returns the values of an encoded key: as the scenario wrote them when it named
// the key, otherwise decoded from the encoding (NULL, integers, ASCII strings in their
// case-folded form).
func (h *Harness) decode(enc string) (dataflow.Row, bool) {
	if row, ok := h.keys[enc]; ok {
		return row, true
	}
	var row dataflow.Row
	b := []byte(enc)
	for len(b) > 0 {
		switch b[0] {
		case encNull:
			row = append(row, dataflow.Null)
			b = b[1:]
		case encInt:
			if len(b) < 9 {
				return nil, false
			}
			row = append(row, dataflow.Int(int64(binary.BigEndian.Uint64(b[1:9]))))
			b = b[9:]
		case encString:
			n, w := binary.Uvarint(b[1:])
			if w <= 0 || len(b) < 1+w+int(n) {
				return nil, false
			}
			row = append(row, dataflow.String(string(b[1+w:1+w+int(n)])))
			b = b[1+w+int(n):]
		default:
			return nil, false
		}
	}
	return row, true
}

func (h *Harness) keyString(enc string) string {
	if strings.HasPrefix(enc, ivKeyPrefix) {
		return enc[len(ivKeyPrefix):]
	}
	if row, ok := h.decode(enc); ok {
		return row.String()
	}
	return fmt.Sprintf("[%x]", enc)
}

func (h *Harness) sortKeys(keys []string) {
	slices.SortFunc(keys, func(a, b string) int {
		ra, oka := h.decode(a)
		rb, okb := h.decode(b)
		if oka && okb {
			if c := dataflow.CompareRowsTotal(ra, rb, nil); c != 0 {
				return c
			}
		}
		return strings.Compare(a, b)
	})
}

// formatRows renders rows in a canonical order.
func formatRows(rows []dataflow.Row) string {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b dataflow.Row) int { return dataflow.CompareRowsTotal(a, b, nil) })
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// readerRows returns the rows of a reader key, if it is present.
func readerRows(r *node, key dataflow.Row) ([]dataflow.Row, bool) {
	enc, ikey, isInt := operators.EncodeKey(nil, key)
	var e operators.ReaderEntry
	var ok bool
	if isInt && len(r.keyCols) == 1 {
		e, ok = r.reader.GetInt(ikey)
	} else {
		e, ok = r.reader.Get(string(enc))
	}
	if !ok {
		return nil, false
	}
	return e.All(), true
}

// holder is what readers and partial states share: present keys.
type holder interface {
	Partial() bool
	PresentKeys(f func(key string))
}

// shown reports whether a node's state appears in traces and checks: readers and partial
// operator states.
func shown(x *node) bool {
	if !x.linked {
		return false
	}
	if x.reader != nil {
		return true
	}
	return upquery.IsPartial(x.n)
}

// presentKeys lists a reader's or a partial state's present keys, sorted.
func (h *Harness) presentKeys(x *node) []string {
	hd, ok := x.n.Op.(holder)
	if !ok {
		return nil
	}
	if filled, _, ok := intervalsOf(x); ok {
		return h.intervalKeys(filled)
	}
	var keys []string
	if x.reader != nil && !x.reader.Partial() {
		// A full reader has no holes: its keys are those with rows.
		x.reader.PresentKeys(func(k string) { keys = append(keys, k) })
	} else {
		hd.PresentKeys(func(k string) { keys = append(keys, k) })
	}
	h.sortKeys(keys)
	return keys
}

// rowsAt returns the output rows of a present key of a reader or partial state.
func (h *Harness) rowsAt(x *node, enc string) ([]dataflow.Row, bool) {
	if strings.HasPrefix(enc, ivKeyPrefix) {
		return h.intervalRows(x, enc)
	}
	key, ok := h.decode(enc)
	if !ok {
		return nil, false
	}
	if x.reader != nil {
		return readerRows(x, key)
	}
	if x.subKeyed {
		return rowsWithKey(x.n.Op.Snapshot(nil), x.lookup, enc), true
	}
	idx, ok := x.n.Op.(dataflow.OutputIndex)
	if !ok {
		return nil, false
	}
	return idx.LookupOutput(x.lookup, key), true
}

func (h *Harness) rowsString(x *node, enc string) string {
	rows, ok := h.rowsAt(x, enc)
	if !ok {
		return "(rows unavailable)"
	}
	return formatRows(rows)
}

// render captures the shown state of every reader and partial state: node -> encoded key
// -> rows.
func (h *Harness) render() map[*node]map[string]string {
	out := map[*node]map[string]string{}
	for _, x := range h.order {
		if !shown(x) {
			continue
		}
		m := map[string]string{}
		for _, k := range h.presentKeys(x) {
			m[k] = h.rowsString(x, k)
		}
		out[x] = m
	}
	return out
}

// diffStates lists the keys whose state a step changed, in node and key order.
func (h *Harness) diffStates(before, after map[*node]map[string]string) []string {
	var lines []string
	for _, x := range h.order {
		b, a := before[x], after[x]
		if b == nil && a == nil {
			continue
		}
		keys := map[string]bool{}
		for k := range b {
			keys[k] = true
		}
		for k := range a {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		h.sortKeys(ks)
		for _, k := range ks {
			old, had := b[k]
			cur, has := a[k]
			if had == has && old == cur {
				continue
			}
			if !had {
				old = "hole"
			}
			if !has {
				cur = "hole"
			}
			lines = append(lines, fmt.Sprintf("  %s%s: %s -> %s", x.name, h.keyString(k), old, cur))
		}
	}
	return lines
}

// stateString renders one node's state.
func (h *Harness) stateString(x *node) string {
	var b strings.Builder
	switch {
	case x.base != nil:
		fmt.Fprintf(&b, "%s (table, d0): %s", x.name, formatRows(x.base.Snapshot(nil)))
		return b.String()
	case shown(x):
		kind := "partial"
		if x.reader != nil && !x.reader.Partial() {
			kind = "full"
		}
		fmt.Fprintf(&b, "%s (%s %s, d%d):", x.name, kind, x.kind, x.n.Domain)
		keys := h.presentKeys(x)
		if len(keys) == 0 {
			b.WriteString(" no key present")
		}
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %s: %s", h.keyString(k), h.rowsString(x, k))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s (full %s, d%d): %s", x.name, x.kind, x.n.Domain, formatRows(liveOutput(x.n)))
	return b.String()
}

// fresh is a node recomputed from scratch.
type fresh struct {
	op   dataflow.Operator
	rows []dataflow.Row
}

// recompute evaluates every linked node over the base tables' current rows with fresh,
// full copies of the operators.
func (h *Harness) recompute() map[*node]*fresh {
	out := map[*node]*fresh{}
	for _, x := range h.order {
		if !x.linked {
			continue
		}
		f := &fresh{}
		switch {
		case x.base != nil:
			f.rows = x.base.Snapshot(nil)
		case x.reader != nil:
			f.rows = out[x.parents[0]].rows
		default:
			f.op = x.fresh()
			if _, ok := f.op.(dataflow.Stateless); ok {
				f.rows = f.op.Snapshot(func(i int) []dataflow.Row { return out[x.parents[i]].rows })
			} else {
				for i, p := range x.parents {
					if rows := out[p].rows; len(rows) > 0 {
						f.op.Process(i, inserts(rows))
					}
				}
				f.rows = f.op.Snapshot(nil)
			}
		}
		out[x] = f
	}
	return out
}

// rowsWithKey keeps the rows whose columns cols encode to the key enc.
func rowsWithKey(rows []dataflow.Row, cols []int, enc string) []dataflow.Row {
	var out []dataflow.Row
	for _, r := range rows {
		if string(dataflow.AppendRowKey(nil, r, cols)) == enc {
			out = append(out, r)
		}
	}
	return out
}

func canonical(rows []dataflow.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		var b strings.Builder
		for _, v := range r {
			fmt.Fprintf(&b, "%d:%s|", v.Kind(), v.String())
		}
		out[i] = b.String()
	}
	slices.Sort(out)
	return out
}

func sameRows(a, b []dataflow.Row) bool { return slices.Equal(canonical(a), canonical(b)) }

// check compares the present keys of readers and partial states with recomputation and
// checks the holds between partial states.
func (h *Harness) check() string {
	var lines []string
	if n := h.pending(); n > 0 {
		lines = append(lines, fmt.Sprintf("note: %d messages pending: keys may lag the base tables until they are delivered", n))
	}
	want := h.recompute()
	present := map[*node]map[string]bool{}
	for _, x := range h.order {
		if !shown(x) {
			continue
		}
		set := map[string]bool{}
		for _, k := range h.presentKeys(x) {
			set[k] = true
		}
		present[x] = set
	}
	for _, x := range h.order {
		if !shown(x) {
			continue
		}
		for _, enc := range h.presentKeys(x) {
			if iv, ok := h.ivKeys[enc]; ok && strings.HasPrefix(enc, ivKeyPrefix) {
				got, _ := h.rowsAt(x, enc)
				_, col, _ := intervalsOf(x)
				all := want[x].rows
				if x.reader != nil {
					all = want[x.parents[0]].rows
				}
				if exp := inInterval(all, col, iv); !sameRows(got, exp) {
					lines = append(lines, fmt.Sprintf("%s%s: has %s, recomputed %s", x.name, iv, formatRows(got), formatRows(exp)))
				}
				continue
			}
			key, ok := h.decode(enc)
			if !ok {
				lines = append(lines, fmt.Sprintf("%s: cannot decode key %x", x.name, enc))
				continue
			}
			got, _ := h.rowsAt(x, enc)
			var exp []dataflow.Row
			if x.reader != nil {
				for _, r := range want[x.parents[0]].rows {
					if string(dataflow.AppendRowKey(nil, r, x.keyCols)) == enc {
						exp = append(exp, r)
					}
				}
			} else if x.subKeyed {
				exp = rowsWithKey(want[x].rows, x.lookup, enc)
			} else {
				exp = want[x].op.(dataflow.OutputIndex).LookupOutput(x.lookup, key)
			}
			if !sameRows(got, exp) {
				lines = append(lines, fmt.Sprintf("%s%s: has %s, recomputed %s", x.name, key, formatRows(got), formatRows(exp)))
			}
		}
		if x.reader != nil && !x.reader.Partial() {
			// A full reader has every key: none may be missing either.
			missing := map[string]bool{}
			for _, r := range want[x.parents[0]].rows {
				if enc := string(dataflow.AppendRowKey(nil, r, x.keyCols)); !present[x][enc] {
					missing[enc] = true
				}
			}
			var ks []string
			for k := range missing {
				ks = append(ks, k)
			}
			h.sortKeys(ks)
			for _, k := range ks {
				lines = append(lines, fmt.Sprintf("%s%s: missing from a full reader", x.name, h.keyString(k)))
			}
		}
	}
	// Holds: a present key is present in every partial state it is held on, and a present
	// key of a partial state is held by some partial node below it.
	held := map[*node]map[string]bool{}
	for _, x := range h.order {
		if !shown(x) || x.n.Ups == nil {
			continue
		}
		for _, ups := range x.n.Ups {
			for _, u := range ups {
				ux := h.byNode[u]
				if held[ux] == nil {
					held[ux] = map[string]bool{}
				}
				for _, k := range h.presentKeys(x) {
					held[ux][k] = true
					if !present[ux][k] {
						lines = append(lines, fmt.Sprintf("hold: %s%s is present but %s%s is a hole", x.name, h.keyString(k), ux.name, h.keyString(k)))
					}
				}
			}
		}
	}
	for _, x := range h.order {
		if !shown(x) || x.reader != nil {
			continue
		}
		for _, k := range h.presentKeys(x) {
			if !held[x][k] {
				lines = append(lines, fmt.Sprintf("leak: %s%s is present but no partial node below holds it", x.name, h.keyString(k)))
			}
		}
	}
	if len(lines) == 0 {
		return "ok"
	}
	return strings.Join(lines, "\n")
}
