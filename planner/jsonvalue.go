package planner

import (
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/weirdb/weir/expr"
)

// The TiDB parser takes JSON_VALUE(doc, path) only, without MySQL 8's RETURNING, ON EMPTY and
// ON ERROR clauses. Before parsing, a call with clauses is rewritten into one the parser
// takes, the clauses becoming arguments that package expr reads (see expr's JSON_VALUE):
//
//	JSON_VALUE(doc, '$.a' RETURNING DECIMAL(5,2) DEFAULT 0 ON EMPTY)
//	JSON_VALUE(doc, '$.a', CAST(NULL AS DECIMAL(5,2)), 0, NULL, '<weir:json_value>:-:<n>:<hex>')
//
// The marker says whether an ERROR clause was given (E, which expr refuses by name, or -),
// how far before it the call starts, and the call's original text, which the text of a select
// item or a view gets back (restoreJSONValue).

// rewriteJSONValue rewrites every JSON_VALUE call that has clauses; other text comes back as
// it is.
func rewriteJSONValue(sql string) string {
	return rewriteCalls(sql, "json_value", rewriteJSONValueCall)
}

// rewriteJSONValueCall reads the call that starts at start (the scanner is past its opening
// parenthesis); ok is false when it has no clauses or they are not well formed (the parser
// then reports the text).
func rewriteJSONValueCall(sql string, start int, s *sqlScanner) (string, int, bool) {
	argsStart := s.pos
	depth, commas, argToks := 0, 0, 0
	clause := -1
	for {
		tok := s.next()
		switch {
		case tok.kind == tokEOF:
			return "", 0, false
		case tok.kind == tokPunct && tok.text == "(":
			depth++
			argToks++
		case tok.kind == tokPunct && tok.text == ")":
			if depth > 0 {
				depth--
				break
			}
			if clause < 0 {
				return "", 0, false
			}
			typ, onEmpty, onError, flags, ok := parseJSONValueClauses(sql[clause:tok.pos])
			if !ok {
				return "", 0, false
			}
			prefix := "JSON_VALUE(" + strings.TrimSpace(sql[argsStart:clause]) + ", " + typ + ", " + onEmpty + ", " + onError + ", '"
			marker := expr.JSONValueMarker + flags + ":" + strconv.Itoa(len(prefix)) + ":" + hex.EncodeToString([]byte(sql[start:tok.pos+1]))
			return prefix + marker + "')", tok.pos + 1, true
		case depth > 0 || clause >= 0:
		case tok.kind == tokPunct && tok.text == ",":
			commas++
			argToks = 0
		case tok.kind == tokWord && commas == 1 && argToks > 0:
			switch strings.ToUpper(tok.text) {
			case "RETURNING", "NULL", "ERROR", "DEFAULT":
				clause = tok.pos
			}
			argToks++
		default:
			argToks++
		}
	}
}

// parseJSONValueClauses reads `[RETURNING type] [behavior ON EMPTY] [behavior ON ERROR]`.
func parseJSONValueClauses(text string) (typ, onEmpty, onError, flags string, ok bool) {
	typ, onEmpty, onError, flags = "NULL", "NULL", "NULL", "-"
	s := sqlScanner{src: text}
	tok := s.next()
	if tok.kind == tokWord && strings.EqualFold(tok.text, "returning") {
		typeStart, depth := s.pos, 0
		for {
			tok = s.next()
			if tok.kind == tokEOF {
				break
			}
			if tok.kind == tokPunct && tok.text == "(" {
				depth++
			}
			if tok.kind == tokPunct && tok.text == ")" {
				depth--
			}
			if depth == 0 && tok.kind == tokWord {
				if u := strings.ToUpper(tok.text); u == "NULL" || u == "ERROR" || u == "DEFAULT" {
					break
				}
			}
		}
		end := len(text)
		if tok.kind != tokEOF {
			end = tok.pos
		}
		t := strings.TrimSpace(text[typeStart:end])
		if t == "" {
			return "", "", "", "", false
		}
		if f := strings.Fields(t); strings.EqualFold(f[0], "json") {
			flags = "J" // expr refuses RETURNING JSON by name
		} else {
			typ = "CAST(NULL AS " + t + ")"
		}
	}
	seenEmpty, seenError := false, false
	for tok.kind != tokEOF {
		var value string
		switch strings.ToUpper(tok.text) {
		case "NULL":
			value = "NULL"
		case "ERROR":
			value = "NULL"
			if flags == "-" {
				flags = "E"
			}
		case "DEFAULT":
			valueStart := s.pos
			for {
				tok = s.next()
				if tok.kind == tokEOF {
					return "", "", "", "", false
				}
				if tok.kind == tokWord && strings.EqualFold(tok.text, "on") {
					break
				}
			}
			value = strings.TrimSpace(text[valueStart:tok.pos])
			s.pos = tok.pos
		default:
			return "", "", "", "", false
		}
		if on := s.next(); on.kind != tokWord || !strings.EqualFold(on.text, "on") {
			return "", "", "", "", false
		}
		switch what := s.next(); {
		case what.kind == tokWord && strings.EqualFold(what.text, "empty") && !seenEmpty && !seenError:
			onEmpty, seenEmpty = value, true
		case what.kind == tokWord && strings.EqualFold(what.text, "error") && !seenError:
			onError, seenError = value, true
		default:
			return "", "", "", "", false
		}
		tok = s.next()
	}
	return typ, onEmpty, onError, flags, true
}

// restoreJSONValue gives text taken from a rewritten statement back the spelling of its
// JSON_VALUE calls.
func restoreJSONValue(text string) string {
	search := 0
	for {
		k := strings.Index(text[search:], expr.JSONValueMarker)
		if k < 0 {
			return text
		}
		i := search + k
		end := strings.IndexByte(text[i:], '\'')
		parts := []string{}
		if end > 0 {
			parts = strings.SplitN(text[i+len(expr.JSONValueMarker):i+end], ":", 3)
		}
		if len(parts) != 3 {
			search = i + len(expr.JSONValueMarker)
			continue
		}
		n, err1 := strconv.Atoi(parts[1])
		orig, err2 := hex.DecodeString(parts[2])
		start, stop := i-n, i+end+len("')")
		if err1 != nil || err2 != nil || start < 0 || stop > len(text) || !strings.EqualFold(text[start:start+len("JSON_VALUE(")], "JSON_VALUE(") {
			search = i + len(expr.JSONValueMarker)
			continue
		}
		text = text[:start] + string(orig) + text[stop:]
		search = start + len(orig)
	}
}
