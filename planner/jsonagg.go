package planner

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// The TiDB parser knows JSON_ARRAYAGG(expr) only, where MariaDB also takes DISTINCT, an
// ORDER BY and a LIMIT inside the call (and reports a wrong argument count as error 1582,
// not as a syntax error). Before parsing, such a call is rewritten into the GROUP_CONCAT form
// the parser knows, whose separator carries a marker: the LIMIT, the length of the rewritten
// arguments and the original text of the call. aggRef recognizes the marker, and the text
// of a select item or a view definition is given back its original spelling from it.
//
//	JSON_ARRAYAGG(DISTINCT x ORDER BY x DESC LIMIT 1, 2)
//	GROUP_CONCAT(DISTINCT x ORDER BY x DESC SEPARATOR '<weir:json_arrayagg>:<len>:1:2:<hex>')

// jsonArrayAggMarker starts the separator of a rewritten call. It is printable so that the
// parser keeps the text of a select item as it is (it spells a string with control bytes in
// hexadecimal there).
const jsonArrayAggMarker = "<weir:json_arrayagg>:"

// jsonArrayAggCall is what the marker of a rewritten call says.
type jsonArrayAggCall struct {
	hasLimit      bool
	offset, limit int
	original      string
}

// rewriteJSONArrayAgg rewrites every JSON_ARRAYAGG call the parser would not take. Text
// that holds no such call comes back as it is.
func rewriteJSONArrayAgg(sql string) string {
	return rewriteCalls(sql, "json_arrayagg", rewriteJSONArrayAggCall)
}

// rewriteCalls rewrites every call of the function name (lower case) in sql with rewrite,
// which reads the call's arguments (the scanner is past its opening parenthesis) and
// returns the call's new text and where it ends, or ok false to leave it as it is. Text
// that holds no such call comes back as it is.
func rewriteCalls(sql, name string, rewrite func(sql string, start int, s *sqlScanner) (string, int, bool)) string {
	if !strings.Contains(strings.ToLower(sql), name) {
		return sql
	}
	var out strings.Builder
	last := 0
	s := sqlScanner{src: sql}
	var prev sqlToken
	for {
		tok := s.next()
		if tok.kind == tokEOF {
			break
		}
		before := prev
		prev = tok
		if tok.kind != tokWord || !strings.EqualFold(tok.text, name) || namesTable(before) {
			continue
		}
		// As in MariaDB, the name is a call only when the parenthesis follows it at once.
		open := s.next()
		prev = open
		if open.kind != tokPunct || open.text != "(" || open.pos != tok.pos+len(tok.text) {
			continue
		}
		rewritten, end, ok := rewrite(sql, tok.pos, &s)
		if !ok {
			continue
		}
		out.WriteString(sql[last:tok.pos])
		out.WriteString(rewritten)
		last = end
	}
	if last == 0 {
		return sql
	}
	out.WriteString(sql[last:])
	return out.String()
}

// rewriteJSONArrayAggCall reads the arguments of the call that starts at start (the
// scanner is past its opening parenthesis) and returns its GROUP_CONCAT form and where the
// call ends; ok is false when the call needs no rewriting or is not well formed (the parser
// then reports it).
func rewriteJSONArrayAggCall(sql string, start int, s *sqlScanner) (string, int, bool) {
	argsStart := s.pos
	depth := 0
	var (
		needed     bool
		limitPos   = -1
		limitToks  []sqlToken
		prevWasOrd bool
	)
	for {
		tok := s.next()
		switch {
		case tok.kind == tokEOF:
			return "", 0, false
		case tok.kind == tokPunct && tok.text == "(":
			depth++
		case tok.kind == tokPunct && tok.text == ")":
			if depth > 0 {
				depth--
				break
			}
			if !needed {
				return "", 0, false
			}
			args := sql[argsStart:tok.pos]
			call := jsonArrayAggCall{original: sql[start : tok.pos+1]}
			if limitPos >= 0 {
				args = sql[argsStart:limitPos]
				var ok bool
				if call.offset, call.limit, ok = parseLimitTokens(limitToks); !ok {
					return "", 0, false
				}
				call.hasLimit = true
			}
			return "GROUP_CONCAT(" + args + " SEPARATOR '" + call.marker(len(args)) + "')", tok.pos + 1, true
		case depth > 0:
		case limitPos >= 0:
			limitToks = append(limitToks, tok)
		case tok.kind == tokPunct && tok.text == ",":
			needed = true // several arguments: MariaDB's error 1582, reported by aggRef
		case tok.kind == tokWord:
			switch strings.ToUpper(tok.text) {
			case "DISTINCT":
				needed = needed || tok.pos == firstTokenPos(sql, argsStart)
			case "BY":
				needed = needed || prevWasOrd
			case "LIMIT":
				needed, limitPos = true, tok.pos
			}
		}
		prevWasOrd = tok.kind == tokWord && strings.EqualFold(tok.text, "ORDER") && depth == 0
	}
}

// namesTable reports a token after which a name followed by a parenthesis is a table
// (CREATE TABLE t(...), INSERT INTO t(...), REFERENCES t(...), ON t(...), db.t(...)).
func namesTable(t sqlToken) bool {
	if t.kind == tokPunct {
		return t.text == "."
	}
	if t.kind != tokWord {
		return false
	}
	switch strings.ToUpper(t.text) {
	case "TABLE", "INTO", "REFERENCES", "ON", "EXISTS", "INSERT", "REPLACE":
		return true
	}
	return false
}

// firstTokenPos is the position of the first token at or after pos.
func firstTokenPos(sql string, pos int) int {
	s := sqlScanner{src: sql, pos: pos}
	return s.next().pos
}

// parseLimitTokens reads `n`, `offset, n` or `n OFFSET offset`.
func parseLimitTokens(toks []sqlToken) (offset, limit int, ok bool) {
	num := func(t sqlToken) (int, bool) {
		if t.kind != tokNumber {
			return 0, false
		}
		n, err := strconv.ParseUint(t.text, 10, 31)
		return int(n), err == nil
	}
	switch {
	case len(toks) == 1:
		limit, ok = num(toks[0])
		return 0, limit, ok
	case len(toks) == 3 && toks[1].kind == tokPunct && toks[1].text == ",":
		o, ok1 := num(toks[0])
		l, ok2 := num(toks[2])
		return o, l, ok1 && ok2
	case len(toks) == 3 && toks[1].kind == tokWord && strings.EqualFold(toks[1].text, "OFFSET"):
		l, ok1 := num(toks[0])
		o, ok2 := num(toks[2])
		return o, l, ok1 && ok2
	}
	return 0, 0, false
}

func (c jsonArrayAggCall) marker(argsLen int) string {
	limit := "-"
	if c.hasLimit {
		limit = strconv.Itoa(c.offset) + ":" + strconv.Itoa(c.limit)
	} else {
		limit += ":-"
	}
	return jsonArrayAggMarker + strconv.Itoa(argsLen) + ":" + limit + ":" + hex.EncodeToString([]byte(c.original))
}

// parseJSONArrayAggMarker reads the marker of a rewritten call from its separator, and how
// long the rewritten arguments are.
func parseJSONArrayAggMarker(sep string) (call jsonArrayAggCall, argsLen int, ok bool) {
	rest, found := strings.CutPrefix(sep, jsonArrayAggMarker)
	if !found {
		return call, 0, false
	}
	parts := strings.SplitN(rest, ":", 4)
	if len(parts) != 4 {
		return call, 0, false
	}
	argsLen, err := strconv.Atoi(parts[0])
	if err != nil || argsLen < 0 {
		return call, 0, false
	}
	if parts[1] != "-" {
		o, err1 := strconv.Atoi(parts[1])
		l, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil {
			return call, 0, false
		}
		call.hasLimit, call.offset, call.limit = true, o, l
	}
	orig, err := hex.DecodeString(parts[3])
	if err != nil {
		return call, 0, false
	}
	call.original = string(orig)
	return call, argsLen, true
}

// restoreJSONArrayAgg gives text taken from a rewritten statement (a select item, a view's
// SELECT) back the spelling of its JSON_ARRAYAGG calls.
func restoreJSONArrayAgg(text string) string {
	const head, sepHead = len("GROUP_CONCAT("), len(" SEPARATOR '")
	// The text before done is restored (an original call may itself hold a marker); the
	// search for the next marker goes on from search.
	done, search := 0, 0
	for {
		k := strings.Index(text[search:], jsonArrayAggMarker)
		if k < 0 {
			return text
		}
		i := search + k
		end := strings.IndexByte(text[i:], '\'')
		if end < 0 {
			return text
		}
		call, argsLen, ok := parseJSONArrayAggMarker(text[i : i+end])
		start := i - sepHead - argsLen - head
		stop := i + end + len("')")
		if !ok || start < done || stop > len(text) || !strings.EqualFold(text[start:start+head], "GROUP_CONCAT(") {
			search = i + len(jsonArrayAggMarker)
			continue
		}
		text = text[:start] + call.original + text[stop:]
		done = start + len(call.original)
		search = done
	}
}

// A minimal MySQL tokenizer: enough to find calls and their arguments while stepping over
// strings, quoted names and comments.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokWord
	tokNumber
	tokString
	tokPunct
)

type sqlToken struct {
	kind tokKind
	text string
	pos  int
}

type sqlScanner struct {
	src string
	pos int
}

func (s *sqlScanner) next() sqlToken {
	src := s.src
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.pos++
		case c == '#' || (c == '-' && strings.HasPrefix(src[s.pos:], "--") &&
			(s.pos+2 == len(src) || strings.IndexByte(" \t\n\r", src[s.pos+2]) >= 0)):
			if nl := strings.IndexByte(src[s.pos:], '\n'); nl >= 0 {
				s.pos += nl + 1
			} else {
				s.pos = len(src)
			}
		case c == '/' && strings.HasPrefix(src[s.pos:], "/*"):
			if end := strings.Index(src[s.pos+2:], "*/"); end >= 0 {
				s.pos += end + 4
			} else {
				s.pos = len(src)
			}
		default:
			return s.token()
		}
	}
	return sqlToken{kind: tokEOF, pos: len(src)}
}

func (s *sqlScanner) token() sqlToken {
	src, start := s.src, s.pos
	c := src[start]
	switch {
	case c == '\'' || c == '"' || c == '`':
		i := start + 1
		for i < len(src) {
			switch src[i] {
			case '\\':
				if c != '`' {
					i++
				}
			case c:
				if i+1 < len(src) && src[i+1] == c {
					i++ // a doubled quote stands for itself
				} else {
					s.pos = i + 1
					kind := tokString
					if c == '`' {
						kind = tokWord
					}
					return sqlToken{kind: kind, text: src[start:s.pos], pos: start}
				}
			}
			i++
		}
		s.pos = len(src)
		return sqlToken{kind: tokString, text: src[start:], pos: start}
	case isWordByte(c):
		i := start
		for i < len(src) && isWordByte(src[i]) {
			i++
		}
		s.pos = i
		kind := tokWord
		if c >= '0' && c <= '9' {
			kind = tokNumber
			for j := start; j < i; j++ {
				if src[j] < '0' || src[j] > '9' {
					kind = tokWord // 1e5, 0x1f, 9abc: not a plain count
					break
				}
			}
		}
		return sqlToken{kind: kind, text: src[start:i], pos: start}
	}
	s.pos++
	return sqlToken{kind: tokPunct, text: src[start:s.pos], pos: start}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
