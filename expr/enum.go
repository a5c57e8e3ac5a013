package expr

import (
	"strings"
	"sync"

	"github.com/weirdb/weir/dataflow"
)

// enumMembersCache maps an ENUM or SET type's SQL to its members, parsed once per distinct
// type: a column's conversion runs for every value written.
var enumMembersCache sync.Map // string -> []string

// EnumMembers returns the members of an ENUM or SET type, read from its SQL spelling
// (ENUM('a','b”c')), in definition order.
func EnumMembers(t dataflow.Type) []string {
	if m, ok := enumMembersCache.Load(t.SQL); ok {
		return m.([]string)
	}
	m := parseMembers(t.SQL)
	enumMembersCache.Store(t.SQL, m)
	return m
}

// parseMembers reads the quoted list between the first '(' and its closing ')'.
func parseMembers(sql string) []string {
	i := strings.IndexByte(sql, '(')
	if i < 0 {
		return nil
	}
	var out []string
	s := sql[i+1:]
	for {
		s = strings.TrimLeft(s, " ,")
		if s == "" || s[0] != '\'' {
			return out
		}
		var b strings.Builder
		j := 1
		for j < len(s) {
			if s[j] == '\'' {
				if j+1 < len(s) && s[j+1] == '\'' {
					b.WriteByte('\'')
					j += 2
					continue
				}
				break
			}
			b.WriteByte(s[j])
			j++
		}
		out = append(out, b.String())
		if j >= len(s) {
			return out
		}
		s = s[j+1:]
	}
}

// QuoteMember quotes an ENUM or SET member for the type's SQL spelling.
func QuoteMember(m string) string { return "'" + strings.ReplaceAll(m, "'", "''") + "'" }

// memberIndex finds text among the members as MySQL matches it: under the collation, trailing
// spaces ignored. It returns the index from 1, or 0.
func memberIndex(members []string, text string) int {
	for i, m := range members {
		if dataflow.CompareStrings(m, text) == 0 {
			return i + 1
		}
	}
	return 0
}

// convertEnum stores v in an ENUM column: text by the member it names (case-insensitively),
// numbers by index from 1. Anything else is error 1265 in strict mode; otherwise it is the
// empty error value of index 0, as MySQL stores it.
func convertEnum(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	members := EnumMembers(t)
	idx := 0
	if v.Kind() == dataflow.KindString {
		idx = memberIndex(members, v.RawString())
	} else if n, ok := v.ToInt(); ok && n >= 1 && n <= int64(len(members)) {
		idx = int(n)
	}
	if idx < 1 || idx > len(members) {
		if strict {
			return dataflow.Null, convErr(CodeDataTruncated, v, t, "Data truncated: '%s' is not a member of %s", v.ToText(), typeLabel(t))
		}
		return dataflow.Enum("", 0), nil
	}
	return dataflow.Enum(members[idx-1], uint64(idx)), nil
}

// convertSet stores v in a SET column: text as a comma-separated list of members (matched
// case-insensitively, repeats allowed, spelled and ordered as defined), numbers as the bit
// mask. A name that is no member, or a bit beyond the members, is error 1265 in strict mode
// and is dropped otherwise.
func convertSet(v dataflow.Value, t dataflow.Type, strict bool) (dataflow.Value, error) {
	members := EnumMembers(t)
	var mask uint64
	bad := false
	if v.Kind() == dataflow.KindString {
		if text := v.RawString(); text != "" {
			for _, part := range strings.Split(text, ",") {
				if i := memberIndex(members, part); i > 0 {
					mask |= 1 << (i - 1)
				} else {
					bad = true
				}
			}
		}
	} else {
		n, err := integerOf(v, t, strict)
		if err != nil {
			return dataflow.Null, err
		}
		mask, bad = n.mag, n.neg || n.over
	}
	if len(members) < 64 && mask>>len(members) != 0 {
		bad = true
		mask &= 1<<len(members) - 1
	}
	if bad && strict {
		return dataflow.Null, convErr(CodeDataTruncated, v, t, "Data truncated: '%s' is not a set of members of %s", v.ToText(), typeLabel(t))
	}
	var parts []string
	for i, m := range members {
		if mask&(1<<i) != 0 {
			parts = append(parts, m)
		}
	}
	return dataflow.Set(strings.Join(parts, ","), mask), nil
}
