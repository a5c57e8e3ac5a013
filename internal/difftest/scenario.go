package difftest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/weirdb/weir/dataflow"
)

// A scenario is a plain-text script of SQL statements, view registrations and lookups, one
// block per step, blocks separated by blank lines, lines starting with '#' ignored:
//
//	statement ok
//	CREATE TABLE t0 (c0 INT PRIMARY KEY, c1 VARCHAR(16))
//
//	statement error 1062
//	INSERT INTO t0 VALUES (1, 'a'), (1, 'b')
//
//	register v0
//	SELECT c1 FROM t0 WHERE c0 = ?
//
//	lookup v0 1
//	----
//	"a"
//
//	table t0
//	----
//	1, "a"
//
// A lookup's arguments are literals: NULL, 12 (INT), 18446744073709551615 (UNSIGNED when
// beyond INT), 1.50 (DECIMAL), 2.5e0 (DOUBLE), 'text' (with '' for a quote) and
// DATE'2024-01-31'. A lookup always checks the view against the reference evaluation over
// the engine's tables; rows after "----" (FormatRow's rendering, one per line, none for an
// empty result) also pin the reference's answer, in order when the query has an ORDER BY.
// "table" checks a base table's contents (as a multiset).

// StepKind is the kind of a scenario step.
type StepKind uint8

const (
	StepStatement StepKind = iota
	StepRegister
	StepLookup
	StepTable
	// StepEvict evicts the keys a lookup with the same arguments reads (View.Evict).
	StepEvict
)

// Step is one block of a scenario.
type Step struct {
	Kind StepKind
	// Line is where the block starts in the file, for messages.
	Line int
	// SQL is the statement or the registered query.
	SQL string
	// WantError marks `statement error`; ErrorCode, when not 0, is the MySQL error number
	// it must carry.
	WantError bool
	ErrorCode int
	// Name is the view of register and lookup, or the table of a table step.
	Name string
	Args []dataflow.Value
	// Expected holds the rows after "----" when HasExpected is set.
	Expected    []string
	HasExpected bool
}

// Scenario is a parsed scenario file.
type Scenario struct {
	Steps []Step
}

// ErrScenario reports a malformed scenario file.
var ErrScenario = errors.New("difftest: malformed scenario")

// ParseScenario parses scenario text.
func ParseScenario(text string) (*Scenario, error) {
	var sc Scenario
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			i++
			continue
		}
		start := i + 1
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "" && strings.TrimSpace(lines[i]) != "----"; i++ {
			if !strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
				body = append(body, lines[i])
			}
		}
		var expected []string
		hasExpected := i < len(lines) && strings.TrimSpace(lines[i]) == "----"
		if hasExpected {
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
				expected = append(expected, strings.TrimSpace(lines[i]))
			}
		}
		st, err := parseStep(line, body, start)
		if err != nil {
			return nil, err
		}
		st.Expected, st.HasExpected = expected, hasExpected
		if hasExpected && st.Kind != StepLookup && st.Kind != StepTable {
			return nil, fmt.Errorf("%w: line %d: only lookup and table take expected rows", ErrScenario, start)
		}
		sc.Steps = append(sc.Steps, st)
	}
	return &sc, nil
}

func parseStep(header string, body []string, line int) (Step, error) {
	fields := strings.Fields(header)
	st := Step{Line: line}
	sql := strings.TrimSpace(strings.Join(body, "\n"))
	bad := func(format string, args ...any) (Step, error) {
		return Step{}, fmt.Errorf("%w: line %d: %s", ErrScenario, line, fmt.Sprintf(format, args...))
	}
	switch fields[0] {
	case "statement":
		st.Kind, st.SQL = StepStatement, sql
		if len(fields) < 2 || fields[1] != "ok" && fields[1] != "error" || len(fields) > 3 {
			return bad("want `statement ok` or `statement error [code]`")
		}
		st.WantError = fields[1] == "error"
		if len(fields) == 3 {
			code, err := strconv.Atoi(fields[2])
			if err != nil || !st.WantError {
				return bad("bad error code %q", fields[2])
			}
			st.ErrorCode = code
		}
	case "register":
		if len(fields) != 2 {
			return bad("want `register <view>`")
		}
		st.Kind, st.Name, st.SQL = StepRegister, fields[1], sql
	case "lookup", "evict":
		if len(fields) < 2 {
			return bad("want `%s <view> [args...]`", fields[0])
		}
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(header), fields[0]))
		rest = strings.TrimSpace(strings.TrimPrefix(rest, fields[1]))
		args, err := ParseArgs(rest)
		if err != nil {
			return bad("%v", err)
		}
		st.Kind, st.Name, st.Args = StepLookup, fields[1], args
		if fields[0] == "evict" {
			st.Kind = StepEvict
		}
	case "table":
		if len(fields) != 2 {
			return bad("want `table <name>`")
		}
		st.Kind, st.Name = StepTable, fields[1]
	default:
		return bad("unknown directive %q", fields[0])
	}
	if (st.Kind == StepStatement || st.Kind == StepRegister) && sql == "" {
		return bad("%s without SQL", fields[0])
	}
	if (st.Kind == StepLookup || st.Kind == StepTable || st.Kind == StepEvict) && sql != "" {
		return bad("%s takes no SQL", fields[0])
	}
	return st, nil
}

// ParseArgs parses lookup arguments written as FormatArg writes them.
func ParseArgs(s string) ([]dataflow.Value, error) {
	var out []dataflow.Value
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var tok string
		switch {
		case s[0] == '\'' || strings.HasPrefix(strings.ToUpper(s), "DATE'"):
			q := strings.IndexByte(s, '\'')
			end := q + 1
			for ; end < len(s); end++ {
				if s[end] == '\'' {
					if end+1 < len(s) && s[end+1] == '\'' {
						end++
						continue
					}
					break
				}
			}
			if end >= len(s) {
				return nil, fmt.Errorf("unterminated string in %q", s)
			}
			tok, s = s[:end+1], s[end+1:]
		default:
			end := strings.IndexFunc(s, unicode.IsSpace)
			if end < 0 {
				end = len(s)
			}
			tok, s = s[:end], s[end:]
		}
		v, err := parseArg(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseArg(tok string) (dataflow.Value, error) {
	switch {
	case strings.EqualFold(tok, "NULL"):
		return dataflow.Null, nil
	case strings.HasPrefix(tok, "'"):
		return dataflow.String(strings.ReplaceAll(tok[1:len(tok)-1], "''", "'")), nil
	case strings.HasPrefix(strings.ToUpper(tok), "DATE'"):
		t, _, err := dataflow.ParseTime(tok[5 : len(tok)-1])
		if err != nil {
			return dataflow.Null, fmt.Errorf("bad date %q: %w", tok, err)
		}
		return dataflow.Date(t), nil
	case strings.ContainsAny(tok, "eE"):
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return dataflow.Null, fmt.Errorf("bad double %q: %w", tok, err)
		}
		return dataflow.Float(f), nil
	case strings.Contains(tok, "."):
		v, ok := dataflow.ParseDecimalValue(tok)
		if !ok {
			return dataflow.Null, fmt.Errorf("bad decimal %q", tok)
		}
		return v, nil
	}
	if i, err := strconv.ParseInt(tok, 10, 64); err == nil {
		return dataflow.Int(i), nil
	}
	if u, err := strconv.ParseUint(tok, 10, 64); err == nil {
		return dataflow.Uint(u), nil
	}
	return dataflow.Null, fmt.Errorf("bad argument %q", tok)
}

// FormatArg renders a lookup argument so that ParseArgs reads it back.
func FormatArg(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindNull:
		return "NULL"
	case dataflow.KindString:
		return "'" + strings.ReplaceAll(v.RawString(), "'", "''") + "'"
	case dataflow.KindDate:
		return "DATE'" + v.ToText() + "'"
	case dataflow.KindFloat:
		s := strconv.FormatFloat(v.RawFloat(), 'g', -1, 64)
		if !strings.ContainsAny(s, "eE") {
			s += "e0"
		}
		return s
	}
	return v.ToText()
}

// String renders the scenario in the format ParseScenario reads.
func (sc *Scenario) String() string {
	var b strings.Builder
	for i, st := range sc.Steps {
		if i > 0 {
			b.WriteString("\n")
		}
		switch st.Kind {
		case StepStatement:
			if st.WantError {
				b.WriteString("statement error")
				if st.ErrorCode != 0 {
					fmt.Fprintf(&b, " %d", st.ErrorCode)
				}
			} else {
				b.WriteString("statement ok")
			}
			b.WriteString("\n" + st.SQL + "\n")
		case StepRegister:
			fmt.Fprintf(&b, "register %s\n%s\n", st.Name, st.SQL)
		case StepLookup, StepEvict:
			if st.Kind == StepEvict {
				b.WriteString("evict " + st.Name)
			} else {
				b.WriteString("lookup " + st.Name)
			}
			for _, a := range st.Args {
				b.WriteString(" " + FormatArg(a))
			}
			b.WriteString("\n")
		case StepTable:
			b.WriteString("table " + st.Name + "\n")
		}
		if st.HasExpected {
			b.WriteString("----\n")
			for _, e := range st.Expected {
				b.WriteString(e + "\n")
			}
		}
	}
	return b.String()
}
