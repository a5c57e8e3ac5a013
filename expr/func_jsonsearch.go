package expr

import (
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// JSON_SEARCH(doc, 'one'|'all', pattern [, escape [, path …]]), as in MySQL 8: the paths of
// the strings in doc (under the given paths, which may hold wildcards) that match pattern as
// LIKE matches, with % and _ and the escape character (a backslash when it is NULL or
// empty). The strings of a document compare in utf8mb4_bin, which prevails over a literal's
// collation, so a constant pattern matches case-sensitively; a pattern from a column has
// the column's collation, which prevails over utf8mb4_bin, and matches as = compares. 'one' gives the first path
// found, 'all' every path once, wrapped in an array when there are several; nothing found,
// or a NULL document, pattern or path, is NULL. Values are searched in document order, an
// object's members in MySQL's storage order; a path is printed with `.name` for a name that
// is an identifier and `."name"` otherwise. A path argument without wildcards is printed as
// it was given (`$[last]` stays so), one with wildcards as the location of each value it
// matched, as MySQL prints them.

// CodeWrongArguments is MySQL's ER_WRONG_ARGUMENTS, for an ESCAPE that is not one constant
// character.
const CodeWrongArguments = 1210

var errSearchEscape = &JSONError{Code: CodeWrongArguments, Msg: "Incorrect arguments to ESCAPE"}

func init() {
	register(&funcSpec{name: "json_search", minArgs: 3, maxArgs: -1, check: checkJSONSearch,
		typ:  func([]Expr) dataflow.Type { return jsonType },
		eval: evalJSONSearch, evalErr: jsonSearchEvalErr,
		// A pattern from a row has its column's collation, which prevails over the
		// document's utf8mb4_bin: it matches case-insensitively, as = does.
		prepare: func(args []Expr) any { return !IsConst(args[2]) }})
}

func checkJSONSearch(args []Expr) error {
	if err := checkConstDoc("json_search", args[0], 1); err != nil {
		return err
	}
	if err := checkOneOrAll("json_search", args[1]); err != nil {
		return err
	}
	if len(args) > 3 {
		// MySQL wants the escape known when the statement is prepared.
		v, ok := ConstValue(args[3])
		if !ok || (!v.IsNull() && utf8.RuneCountInString(text(v)) > 1) {
			return errSearchEscape
		}
	}
	if len(args) > 4 {
		return checkJSONPaths(append([]Expr{args[0]}, args[4:]...))
	}
	return nil
}

// searchEscape is the escape character: a backslash unless one is given.
func (c *call) searchEscape() rune {
	if len(c.args) > 3 {
		if v, ok := ConstValue(c.args[3]); ok && !v.IsNull() {
			if r, size := utf8.DecodeRuneInString(text(v)); size > 0 {
				return r
			}
		}
	}
	return '\\'
}

// jsonSearch collects the paths of matching strings.
type jsonSearch struct {
	doc     string
	pattern string
	escape  rune
	one     bool
	fold    bool // match case-insensitively
	found   []string
	seen    map[string]struct{}
}

func (s *jsonSearch) done() bool { return s.one && len(s.found) > 0 }

// under searches the value v, whose location is loc.
func (s *jsonSearch) under(v jsonSpan, loc []byte) {
	if s.done() {
		return
	}
	switch s.doc[v.start] {
	case '"':
		str, ok := jsonKey(s.doc[v.start:v.end])
		if !ok || !likeMatch(str, s.pattern, s.escape, s.fold) {
			return
		}
		if _, dup := s.seen[string(loc)]; dup {
			return
		}
		s.seen[string(loc)] = struct{}{}
		s.found = append(s.found, string(loc))
	case '[':
		vals, _ := jsonItems(s.doc, v)
		for i, e := range vals {
			s.under(e, appendIndexLeg(loc, i))
			if s.done() {
				return
			}
		}
	case '{':
		for _, m := range jsonMembers(s.doc, v) {
			s.under(m.val, appendJSONPathMember(loc, m.key))
			if s.done() {
				return
			}
		}
	}
}

func appendIndexLeg(b []byte, i int) []byte {
	b = append(b, '[')
	b = append(b, jsonArrayIndex{n: i}.String()...)
	return append(b, ']')
}

func evalJSONSearch(c *call, row dataflow.Row) dataflow.Value {
	dv, mv, pv := c.args[0].Eval(row), c.args[1].Eval(row), c.args[2].Eval(row)
	if dv.IsNull() || mv.IsNull() || pv.IsNull() {
		return dataflow.Null
	}
	doc := text(dv)
	all, ok := parseOneOrAll(text(mv))
	if !ok || !jsonDocOK(doc) {
		return dataflow.Null
	}
	fold := c.prepared == true && !pv.IsBinary()
	s := &jsonSearch{doc: doc, pattern: text(pv), escape: c.searchEscape(), one: !all, fold: fold, seen: map[string]struct{}{}}
	if len(c.args) <= 4 {
		start := jsonSkipSpace(doc, 0)
		end, _ := jsonValueEnd(doc, start, 0)
		s.under(jsonSpan{start, end}, []byte{'$'})
		return jsonSearchResult(s.found)
	}
	paths := make([][]jsonStep, 0, len(c.args)-4)
	for _, a := range c.args[4:] {
		v := a.Eval(row)
		if v.IsNull() {
			return dataflow.Null
		}
		steps, err := parseJSONPath(text(v))
		if err != nil {
			return dataflow.Null
		}
		paths = append(paths, steps)
	}
	for _, steps := range paths {
		if s.done() {
			break
		}
		if !manyLegs(steps) {
			// MySQL prints such a path as it was given, `last` and all.
			if hits := jsonMatches(doc, steps, false, true); len(hits) > 0 {
				s.under(hits[0], []byte(jsonPathString(steps)))
			}
			continue
		}
		w := jsonWalker{doc: doc, steps: steps, wantLoc: true}
		w.run()
		// A `**` path matches values inside others it matched, mostly right after them: the
		// strings of such a value were searched with the outer one, so it is skipped.
		var outer jsonSpan
		for i, h := range w.hits {
			if s.done() {
				break
			}
			if i > 0 && outer.start <= h.start && h.end <= outer.end {
				continue
			}
			outer = h
			s.under(h, []byte(w.locs[i]))
		}
	}
	return jsonSearchResult(s.found)
}

// jsonSearchResult is one path as a JSON string, several as an array of them, none NULL.
func jsonSearchResult(found []string) dataflow.Value {
	switch len(found) {
	case 0:
		return dataflow.Null
	case 1:
		return dataflow.String(string(appendMySQLJSONString(nil, found[0])))
	}
	b := []byte{'['}
	for i, p := range found {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendMySQLJSONString(b, p)
	}
	return dataflow.String(string(append(b, ']')))
}

func jsonSearchEvalErr(c *call, row dataflow.Row) error {
	if err := c.jsonDocError(row, 0); err != nil {
		return err
	}
	if v := c.args[1].Eval(row); !v.IsNull() {
		if _, ok := parseOneOrAll(text(v)); !ok {
			return badOneOrAll(c.spec.name)
		}
	}
	return c.jsonPathsError(row, 4, len(c.args))
}
