package expr

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MySQL 8's JSON path language: `$` followed by legs, each `.name`, `."quoted name"`, `.*`,
// `[n]`, `[last]`, `[last-n]`, `[m to n]` (either end may count from `last`), `[*]` or
// `**` (every value at or under this one; never the last leg). Whitespace may separate the
// tokens. An unquoted name must be an ECMAScript identifier. The grammar and the error
// positions follow MySQL's parser, so that a path MySQL refuses is refused here with the
// same character position.

// jsonLegKind is what a path leg matches.
type jsonLegKind uint8

const (
	legMember         jsonLegKind = iota // .name
	legCell                              // [n], [last-n]
	legRange                             // [m to n]
	legMemberWildcard                    // .*
	legCellWildcard                      // [*]
	legEllipsis                          // **
)

// jsonArrayIndex is an array position: n from the start, or n before the last element when
// fromEnd (`last-n`).
type jsonArrayIndex struct {
	n       int
	fromEnd bool
}

// at resolves the index in an array of length n: the position, and whether it names an
// element. Outside the array the position is the nearest end (0 before it, length past it),
// which is where the editing functions insert, as MySQL's Json_array_index does.
func (x jsonArrayIndex) at(length int) (pos int, within bool) {
	if x.fromEnd {
		if x.n < length {
			return length - 1 - x.n, true
		}
		return 0, false
	}
	if x.n < length {
		return x.n, true
	}
	return length, false
}

func (x jsonArrayIndex) String() string {
	switch {
	case !x.fromEnd:
		return strconv.Itoa(x.n)
	case x.n == 0:
		return "last"
	}
	return "last-" + strconv.Itoa(x.n)
}

// jsonStep is one leg of a path.
type jsonStep struct {
	kind   jsonLegKind
	member string         // legMember
	from   jsonArrayIndex // legCell, legRange
	to     jsonArrayIndex // legRange
}

// span is the half-open range of positions a legRange or legCellWildcard covers in an array of
// the given length.
func (st jsonStep) span(length int) (begin, end int) {
	if st.kind == legCellWildcard {
		return 0, length
	}
	begin, _ = st.from.at(length)
	end, within := st.to.at(length)
	if within {
		end++
	}
	return begin, end
}

// autoWraps reports whether an array leg also matches a value that is no array, taken as a
// one-element array: [0], [last], and ranges that cover the first element of such an array.
func (st jsonStep) autoWraps() bool {
	switch st.kind {
	case legCell:
		_, within := st.from.at(1)
		return within
	case legRange:
		b, e := st.span(1)
		return b < e
	}
	return false
}

// manyLegs reports whether a path can match several values: MySQL wraps what such a path
// finds in an array, and refuses such paths where one value is wanted (error 3149).
func manyLegs(steps []jsonStep) bool {
	for _, st := range steps {
		switch st.kind {
		case legMemberWildcard, legCellWildcard, legEllipsis, legRange:
			return true
		}
	}
	return false
}

// simpleLegs reports whether a path has only names and indexes counted from the start, the
// paths jsonFind reads without listing a container's values.
func simpleLegs(steps []jsonStep) bool {
	for _, st := range steps {
		if st.kind != legMember && (st.kind != legCell || st.from.fromEnd) {
			return false
		}
	}
	return true
}

// jsonPathString writes a path as MySQL prints one (JSON_SEARCH's results): names that are
// identifiers bare, others quoted.
func jsonPathString(steps []jsonStep) string {
	b := []byte{'$'}
	for _, st := range steps {
		switch st.kind {
		case legMember:
			b = appendJSONPathMember(b, st.member)
		case legCell:
			b = append(append(append(b, '['), st.from.String()...), ']')
		case legRange:
			b = append(append(append(append(append(b, '['), st.from.String()...), " to "...), st.to.String()...), ']')
		case legMemberWildcard:
			b = append(b, ".*"...)
		case legCellWildcard:
			b = append(b, "[*]"...)
		case legEllipsis:
			b = append(b, "**"...)
		}
	}
	return string(b)
}

func appendJSONPathMember(b []byte, name string) []byte {
	b = append(b, '.')
	if isECMAScriptIdentifier(name) {
		return append(b, name...)
	}
	return appendMySQLJSONString(b, name)
}

// CodeJSONBadOneOrAll is MySQL's ER_JSON_BAD_ONE_OR_ALL_ARG.
const CodeJSONBadOneOrAll = 3154

// invalidJSONPath is MySQL's 3143 with the position where its parser stopped.
func invalidJSONPath(pos int) error {
	return &JSONError{Code: CodeInvalidJSONPath, Msg: fmt.Sprintf("Invalid JSON path expression. The error is around character position %d.", pos)}
}

var errJSONPathWildcard = &JSONError{Code: CodeJSONPathWildcard, Msg: "In this situation, path expressions may not contain the * and ** tokens or an array range."}

func badOneOrAll(fn string) error {
	return &JSONError{Code: CodeJSONBadOneOrAll, Msg: fmt.Sprintf("The oneOrAll argument to %s may take these values: 'one' or 'all'.", fn)}
}

// isPathSpace is MySQL's whitespace in a path.
func isPathSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// jsonPathParser reads a path from p, at i.
type jsonPathParser struct {
	p     string
	i     int
	steps []jsonStep
}

func (r *jsonPathParser) skipSpace() {
	for r.i < len(r.p) && isPathSpace(r.p[r.i]) {
		r.i++
	}
}

func (r *jsonPathParser) done() bool { return r.i >= len(r.p) }

// parseJSONPath parses a path in MySQL 8's language; a malformed path is error 3143.
func parseJSONPath(p string) ([]jsonStep, error) {
	r := &jsonPathParser{p: p}
	if !r.path() {
		return nil, invalidJSONPath(r.i)
	}
	return r.steps, nil
}

// parseJSONSinglePath parses a path where MySQL wants one value (the editing functions,
// JSON_LENGTH, JSON_KEYS, JSON_CONTAINS, JSON_VALUE): wildcards, `**` and ranges are error 3149.
func parseJSONSinglePath(p string) ([]jsonStep, error) {
	steps, err := parseJSONPath(p)
	if err != nil {
		return nil, err
	}
	if manyLegs(steps) {
		return nil, errJSONPathWildcard
	}
	return steps, nil
}

func (r *jsonPathParser) path() bool {
	r.skipSpace()
	if r.done() {
		return false
	}
	r.i++
	if r.p[r.i-1] != '$' {
		return false
	}
	r.skipSpace()
	for !r.done() {
		var ok bool
		switch r.p[r.i] {
		case '[':
			ok = r.arrayLeg()
		case '.':
			ok = r.memberLeg()
		case '*':
			ok = r.ellipsisLeg()
		}
		if !ok {
			return false
		}
		r.skipSpace()
	}
	return len(r.steps) == 0 || r.steps[len(r.steps)-1].kind != legEllipsis
}

func (r *jsonPathParser) ellipsisLeg() bool {
	r.i++
	if r.done() {
		return false
	}
	r.i++
	if r.p[r.i-1] != '*' || r.done() || r.p[r.i] == '*' {
		return false // `*` alone, `**` last, or the `***` MySQL refuses as unreadable
	}
	r.steps = append(r.steps, jsonStep{kind: legEllipsis})
	return true
}

// arrayIndex reads n, last or last-n.
func (r *jsonPathParser) arrayIndex() (jsonArrayIndex, bool) {
	var x jsonArrayIndex
	if strings.HasPrefix(r.p[r.i:], "last") {
		r.i += 4
		x.fromEnd = true
		r.skipSpace()
		if r.done() || r.p[r.i] != '-' {
			return x, true
		}
		r.i++
		r.skipSpace()
	}
	start := r.i
	for r.i < len(r.p) && r.p[r.i] >= '0' && r.p[r.i] <= '9' {
		r.i++
	}
	if r.i == start {
		return x, false
	}
	n, err := strconv.ParseUint(r.p[start:r.i], 10, 32)
	if err != nil {
		r.i = start
		return x, false
	}
	x.n = int(n)
	return x, true
}

// openLeg steps past a leg's opening character (`[` or `.`) and the spaces after it, and
// takes a `*` there as a step of the given wildcard kind. ok is false at the path's end.
func (r *jsonPathParser) openLeg(wildcard jsonLegKind) (ok, isWildcard bool) {
	r.i++
	r.skipSpace()
	if r.done() {
		return false, false
	}
	if r.p[r.i] != '*' {
		return true, false
	}
	r.i++
	r.steps = append(r.steps, jsonStep{kind: wildcard})
	return true, true
}

func (r *jsonPathParser) arrayLeg() bool {
	ok, isWildcard := r.openLeg(legCellWildcard)
	if !ok {
		return false
	}
	if !isWildcard {
		from, ok := r.arrayIndex()
		if !ok {
			return false
		}
		r.skipSpace()
		if r.done() {
			return false
		}
		if rest := r.p[r.i:]; len(rest) > 3 && isPathSpace(r.p[r.i-1]) && rest[0] == 't' && rest[1] == 'o' && isPathSpace(rest[2]) {
			r.i += 3
			r.skipSpace()
			to, ok := r.arrayIndex()
			if !ok {
				return false
			}
			// A range whose ends count from the same side and are out of order can never
			// match: MySQL refuses it.
			if from.fromEnd == to.fromEnd && ((from.fromEnd && from.n < to.n) || (!from.fromEnd && to.n < from.n)) {
				return false
			}
			r.steps = append(r.steps, jsonStep{kind: legRange, from: from, to: to})
		} else {
			r.steps = append(r.steps, jsonStep{kind: legCell, from: from})
		}
	}
	r.skipSpace()
	if r.done() {
		return false
	}
	r.i++
	return r.p[r.i-1] == ']'
}

func (r *jsonPathParser) memberLeg() bool {
	if ok, isWildcard := r.openLeg(legMemberWildcard); !ok || isWildcard {
		return ok
	}
	start := r.i
	quoted := r.p[start] == '"'
	if quoted {
		r.i++
		for r.i < len(r.p) {
			c := r.p[r.i]
			r.i++
			if c == '\\' {
				r.i++
			} else if c == '"' {
				break
			}
		}
		r.i = min(r.i, len(r.p))
	} else {
		for r.i < len(r.p) && !isPathSpace(r.p[r.i]) && !strings.ContainsRune("[.*", rune(r.p[r.i])) {
			r.i++
		}
	}
	raw := r.p[start:r.i]
	if !quoted {
		// An unquoted name may hold escapes too: MySQL reads it as a quoted one.
		raw = `"` + raw + `"`
	}
	var name string
	if err := json.Unmarshal([]byte(raw), &name); err != nil {
		return false
	}
	if !quoted && !isECMAScriptIdentifier(name) {
		return false
	}
	r.steps = append(r.steps, jsonStep{kind: legMember, member: name})
	return true
}

// isECMAScriptIdentifier is ES5's IdentifierName: a letter, $ or _ first, then also digits,
// combining marks, connector punctuation, ZWNJ and ZWJ.
func isECMAScriptIdentifier(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		if r == utf8.RuneError {
			return false
		}
		if unicode.IsLetter(r) || r == '$' || r == '_' {
			continue
		}
		if i == 0 {
			return false
		}
		if !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) && !unicode.IsDigit(r) &&
			!unicode.Is(unicode.Pc, r) && r != 0x200C && r != 0x200D {
			return false
		}
	}
	return true
}

// maxJSONDepth is how deeply MySQL lets a document nest (error 3157 past it): the paths
// functions read no deeper document, so that `**` recursion stays bounded.
const maxJSONDepth = 100

// jsonDocOK reports whether doc is one JSON value nested at most maxJSONDepth deep.
func jsonDocOK(doc string) bool {
	if !json.Valid([]byte(doc)) {
		return false
	}
	depth, inString := 0, false
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > maxJSONDepth {
				return false
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return true
}

// jsonSpan is the text of a value inside a document: doc[start:end].
type jsonSpan struct{ start, end int }

// jsonMember is an object's member: its decoded name and its value.
type jsonMember struct {
	key string
	val jsonSpan
}

// jsonKey decodes the quoted name at doc[start:end].
func jsonKey(raw string) (string, bool) {
	if len(raw) >= 2 && !strings.ContainsRune(raw, '\\') {
		return raw[1 : len(raw)-1], true
	}
	var k string
	err := json.Unmarshal([]byte(raw), &k)
	return k, err == nil
}

// jsonItems lists the values of the array or the members of the object at v (text already
// validated); keys are set for an object only.
func jsonItems(doc string, v jsonSpan) (vals []jsonSpan, keys []string) {
	open := doc[v.start]
	j := jsonSkipSpace(doc, v.start+1)
	for j < v.end && doc[j] != '}' && doc[j] != ']' {
		if open == '{' {
			kend, _ := jsonValueEnd(doc, j, 0)
			k, ok := jsonKey(doc[j:kend])
			if !ok {
				return vals, keys
			}
			keys = append(keys, k)
			j = jsonSkipSpace(doc, jsonSkipSpace(doc, kend)+1)
		}
		vend, ok := jsonValueEnd(doc, j, 0)
		if !ok {
			return vals, keys
		}
		vals = append(vals, jsonSpan{j, vend})
		j = jsonSkipSpace(doc, vend)
		if j < len(doc) && doc[j] == ',' {
			j = jsonSkipSpace(doc, j+1)
		}
	}
	return vals, keys
}

// jsonMembers lists an object's members in MySQL 8's storage order (shorter names first, then
// by bytes), a name written twice keeping its last value, as MySQL keeps it.
func jsonMembers(doc string, v jsonSpan) []jsonMember {
	vals, keys := jsonItems(doc, v)
	ms := make([]jsonMember, len(vals))
	for i := range vals {
		ms[i] = jsonMember{key: keys[i], val: vals[i]}
	}
	slices.SortStableFunc(ms, func(a, b jsonMember) int { return mysqlKeyOrder(a.key, b.key) })
	out := ms[:0]
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].key == m.key {
			continue // a later value under the same name wins
		}
		out = append(out, m)
	}
	return out
}

// jsonWalker finds what a path matches, in document order (an object's members in storage
// order), as MySQL's seek does: depth first, each value once.
type jsonWalker struct {
	doc      string
	steps    []jsonStep
	autoWrap bool // array legs match a value that is no array as a one-element array
	one      bool // stop at the first match
	// seen holds (value, leg) pairs already walked, for paths that could reach a value along
	// several routes (mayRepeat): each is walked once, so the work stays linear in the
	// document for each leg however many `**` the path has.
	seen map[[2]int]struct{}
	hits []jsonSpan
	// With locs, each hit's location as MySQL prints it, walked along in loc.
	locs    []string
	wantLoc bool
	loc     []byte
}

// jsonMatches returns what steps match in doc, which must be valid (jsonDocOK).
func jsonMatches(doc string, steps []jsonStep, autoWrap, one bool) []jsonSpan {
	w := jsonWalker{doc: doc, steps: steps, autoWrap: autoWrap, one: one}
	w.run()
	return w.hits
}

func (w *jsonWalker) run() {
	if w.mayRepeat() {
		w.seen = map[[2]int]struct{}{}
	}
	start := jsonSkipSpace(w.doc, 0)
	end, ok := jsonValueEnd(w.doc, start, 0)
	if !ok {
		return
	}
	if w.wantLoc {
		w.loc = append(w.loc[:0], '$')
	}
	w.walk(jsonSpan{start, end}, 0)
}

// mayRepeat reports whether the path can reach a value along two routes: only after a `**`,
// by another `**` or by a leg that takes a value that is no array as its own [0] (MySQL's
// path_gives_duplicates). Every other leg goes one level down, so the level a `**` starts
// at is fixed by the value reached.
func (w *jsonWalker) mayRepeat() bool {
	ellipsis := false
	for _, st := range w.steps {
		if ellipsis && (st.kind == legEllipsis || (w.autoWrap && st.autoWraps())) {
			return true
		}
		ellipsis = ellipsis || st.kind == legEllipsis
	}
	return false
}

func (w *jsonWalker) enterIndex(i int) int {
	n := len(w.loc)
	if w.wantLoc {
		w.loc = append(strconv.AppendInt(append(w.loc, '['), int64(i), 10), ']')
	}
	return n
}

func (w *jsonWalker) enterMember(k string) int {
	n := len(w.loc)
	if w.wantLoc {
		w.loc = appendJSONPathMember(w.loc, k)
	}
	return n
}

func (w *jsonWalker) walk(v jsonSpan, leg int) {
	if w.one && len(w.hits) > 0 {
		return
	}
	if w.seen != nil {
		key := [2]int{v.start, leg}
		if _, done := w.seen[key]; done {
			return
		}
		w.seen[key] = struct{}{}
	}
	if leg == len(w.steps) {
		w.hits = append(w.hits, v)
		if w.wantLoc {
			w.locs = append(w.locs, string(w.loc))
		}
		return
	}
	st := w.steps[leg]
	open := w.doc[v.start]
	switch st.kind {
	case legMember:
		if open != '{' {
			return
		}
		vals, keys := jsonItems(w.doc, v)
		for i := len(keys) - 1; i >= 0; i-- {
			if keys[i] == st.member {
				n := w.enterMember(keys[i])
				w.walk(vals[i], leg+1)
				w.loc = w.loc[:n]
				return
			}
		}
	case legMemberWildcard:
		if open != '{' {
			return
		}
		for _, m := range jsonMembers(w.doc, v) {
			n := w.enterMember(m.key)
			w.walk(m.val, leg+1)
			w.loc = w.loc[:n]
		}
	case legCell, legRange, legCellWildcard:
		if open != '[' {
			if w.autoWrap && st.autoWraps() {
				w.walk(v, leg+1)
			}
			return
		}
		vals, _ := jsonItems(w.doc, v)
		begin, end := st.span(len(vals))
		if st.kind == legCell {
			pos, within := st.from.at(len(vals))
			if !within {
				return
			}
			begin, end = pos, pos+1
		}
		for i := begin; i < end; i++ {
			n := w.enterIndex(i)
			w.walk(vals[i], leg+1)
			w.loc = w.loc[:n]
		}
	case legEllipsis:
		w.walk(v, leg+1)
		switch open {
		case '[':
			vals, _ := jsonItems(w.doc, v)
			for i, c := range vals {
				n := w.enterIndex(i)
				w.walk(c, leg)
				w.loc = w.loc[:n]
			}
		case '{':
			for _, m := range jsonMembers(w.doc, v) {
				n := w.enterMember(m.key)
				w.walk(m.val, leg)
				w.loc = w.loc[:n]
			}
		}
	}
}
