package conformance

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A scenario file is SQL with directives on lines that start with "--"; lines that start
// with "#" are comments. Statements end with ";" at the end of a line.
//
//	-- setup                         DDL and writes that build the seed data (first, once)
//	-- query NAME [ordered] [unsupported]
//	-- args: 1, 'x', NULL            one lookup's parameter values (repeatable; SQL literals)
//	SELECT ... WHERE a = ? AND b = ?;
//	-- writes                        a block of writes; when it ends, every table and every
//	                                 query declared so far is compared again
//	-- error [CODE]                  the next write must fail on both (with CODE on MariaDB)
//	-- mariadb                       after a query's statement: the next statement is the
//	                                 same query in MariaDB's syntax, run on MariaDB instead
//
// Writes run on one connection per target, so a block may hold transactions: BEGIN (or
// START TRANSACTION) … COMMIT or ROLLBACK, which must end within their block (tables and
// queries are compared between blocks). Weir's Go API runs them as an Engine transaction.
//
// A query case runs when it is declared and again at every later checkpoint. "ordered" says
// the query has an ORDER BY that is a total order, so row order is compared too; otherwise
// rows are compared as multisets. "unsupported" marks a construct Weir is not meant to
// support yet: a rejection is logged instead of failing.
//
// "-- mariadb" is for the constructs MySQL and MariaDB spell differently (MySQL's `VALUES
// ROW(1, 'a')` is MariaDB's `VALUES (1, 'a')`; MariaDB has no derived column list, `AS v(a,
// b)`): Weir runs the query as written, MariaDB its own text, which must take the same
// parameters. Use it only where the syntax differs, or where MariaDB itself answers a
// query wrongly and an equivalent text of it rightly (say so in the file, with the wrong
// answer).

// Statement is a write or DDL statement.
type Statement struct {
	SQL  string
	Line int
	// ExpectError says both targets must reject the statement; ErrorCode, when not zero,
	// is the MySQL error number MariaDB must report.
	ExpectError bool
	ErrorCode   int
}

// QueryCase is one SELECT and the parameter values it is looked up with.
type QueryCase struct {
	Name string
	SQL  string
	Line int
	// Args holds one tuple per lookup; a query without placeholders has one empty tuple.
	Args        [][]any
	Ordered     bool
	Unsupported bool
	// MariaDB, when not empty, is the query in MariaDB's syntax, which the reference runs
	// instead of SQL ('-- mariadb').
	MariaDB string
}

// ReferenceSQL is the text the reference (MariaDB) runs.
func (q *QueryCase) ReferenceSQL() string {
	if q.MariaDB != "" {
		return q.MariaDB
	}
	return q.SQL
}

// StepKind says what a Step does.
type StepKind uint8

const (
	// StepExec runs a statement on both targets.
	StepExec StepKind = iota
	// StepQuery declares a query case and runs it for the first time.
	StepQuery
	// StepCheckpoint ends a block of writes: tables and all declared queries are compared.
	StepCheckpoint
)

// Step is one action of a scenario, in file order.
type Step struct {
	Kind  StepKind
	Exec  *Statement // StepExec
	Query *QueryCase // StepQuery
	// Block numbers the block a statement belongs to or a checkpoint ends: 0 for setup,
	// then 1, 2, ... for the writes blocks.
	Block int
	// Tables are the tables that exist at a checkpoint.
	Tables []string
	// Line is the statement's or query's line; for a checkpoint, the line of the header
	// that opened its block.
	Line int
}

// Scenario is a parsed scenario file.
type Scenario struct {
	Name  string
	Steps []Step
}

// Queries returns the scenario's query cases in file order.
func (s *Scenario) Queries() []*QueryCase {
	var qs []*QueryCase
	for _, st := range s.Steps {
		if st.Kind == StepQuery {
			qs = append(qs, st.Query)
		}
	}
	return qs
}

// LoadScenarios parses every *.sql file of dir, sorted by name.
func LoadScenarios(dir string) ([]*Scenario, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("conformance: list %s: %w", dir, err)
	}
	sort.Strings(paths)
	var out []*Scenario
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		sc, err := ParseScenario(strings.TrimSuffix(filepath.Base(p), ".sql"), f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

type parseMode uint8

const (
	modeStart parseMode = iota
	modeSetup
	modeWrites
	modeQueries
)

type parser struct {
	sc    *Scenario
	mode  parseMode
	block int // current write block: 0 setup, then 1, 2, ...
	// blockStmts counts the statements of the current setup or writes block, which began
	// on blockLine.
	blockStmts int
	blockLine  int
	// pending is a query header waiting for its statement.
	pending *QueryCase
	// pendingErr is an "-- error" waiting for its statement.
	pendingErr *Statement
	// pendingMariaDB is the query whose MariaDB text ("-- mariadb") the next statement is;
	// lastQuery the query whose statement came last, with nothing after it yet.
	pendingMariaDB, lastQuery *QueryCase
	// txLine is the line of the BEGIN of the transaction open in the current block, or 0.
	txLine   int
	stmt     strings.Builder
	stmtLine int
	names    map[string]int
	tables   map[string]bool
	// db is the database the last USE selected ("": the target's own).
	db string
}

// ParseScenario reads a scenario file. Errors name the file and line.
func ParseScenario(name string, r io.Reader) (*Scenario, error) {
	p := &parser{
		sc:     &Scenario{Name: name},
		names:  map[string]int{},
		tables: map[string]bool{},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if err := p.line(line, sc.Text()); err != nil {
			return nil, fmt.Errorf("conformance: %s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("conformance: read %s: %w", name, err)
	}
	if err := p.finish(line + 1); err != nil {
		return nil, fmt.Errorf("conformance: %s:%d: %w", name, line, err)
	}
	return p.sc, nil
}

func (p *parser) line(n int, raw string) error {
	text := strings.TrimSpace(raw)
	switch {
	case text == "" && p.stmt.Len() == 0:
		return nil
	case strings.HasPrefix(text, "#"):
		return nil
	case strings.HasPrefix(text, "--"):
		if p.stmt.Len() > 0 {
			return fmt.Errorf("directive %q inside a statement that started on line %d (missing ';'?)", text, p.stmtLine)
		}
		return p.directive(n, strings.TrimSpace(strings.TrimPrefix(text, "--")))
	}
	if p.stmt.Len() == 0 {
		p.stmtLine = n
	} else {
		p.stmt.WriteByte('\n')
	}
	p.stmt.WriteString(strings.TrimRight(raw, " \t"))
	if strings.HasSuffix(text, ";") {
		sql := strings.TrimSpace(p.stmt.String())
		sql = strings.TrimSpace(strings.TrimSuffix(sql, ";"))
		p.stmt.Reset()
		return p.statement(p.stmtLine, sql)
	}
	return nil
}

func (p *parser) directive(n int, d string) error {
	word, rest, _ := strings.Cut(d, " ")
	rest = strings.TrimSpace(rest)
	if w, args, ok := strings.Cut(d, ":"); ok && strings.TrimSpace(w) == "args" {
		if p.pending == nil {
			return fmt.Errorf("'-- args:' outside a query case")
		}
		tuple, err := parseArgs(args)
		if err != nil {
			return err
		}
		p.pending.Args = append(p.pending.Args, tuple)
		return nil
	}
	if p.pending != nil {
		return fmt.Errorf("query %q (line %d) has no statement before %q", p.pending.Name, p.pending.Line, "-- "+d)
	}
	if p.pendingErr != nil && word != "error" {
		return fmt.Errorf("'-- error' on line %d is not followed by a statement", p.pendingErr.Line)
	}
	if p.pendingMariaDB != nil {
		return fmt.Errorf("'-- mariadb' for query %q is not followed by a statement", p.pendingMariaDB.Name)
	}
	last := p.lastQuery
	p.lastQuery = nil
	switch word {
	case "mariadb":
		if last == nil || rest != "" {
			return fmt.Errorf("'-- mariadb' must follow a query's statement directly, alone on its line")
		}
		p.pendingMariaDB = last
	case "setup":
		if p.mode != modeStart {
			return fmt.Errorf("'-- setup' must come first and only once")
		}
		p.mode, p.block, p.blockStmts, p.blockLine = modeSetup, 0, 0, n
	case "writes":
		if p.mode == modeStart {
			return fmt.Errorf("'-- writes' before '-- setup'")
		}
		if err := p.endBlock(n); err != nil {
			return err
		}
		p.mode, p.blockStmts, p.blockLine = modeWrites, 0, n
		p.block++
	case "query":
		if p.mode == modeStart {
			return fmt.Errorf("'-- query' before '-- setup'")
		}
		if err := p.endBlock(n); err != nil {
			return err
		}
		q, err := parseQueryHeader(rest)
		if err != nil {
			return err
		}
		if prev, dup := p.names[q.Name]; dup {
			return fmt.Errorf("query name %q already used on line %d", q.Name, prev)
		}
		p.names[q.Name] = n
		q.Line = n
		p.pending = q
		p.mode = modeQueries
	case "error":
		if p.mode != modeSetup && p.mode != modeWrites {
			return fmt.Errorf("'-- error' outside setup or writes")
		}
		if p.pendingErr != nil {
			return fmt.Errorf("two '-- error' lines for one statement")
		}
		st := &Statement{ExpectError: true, Line: n}
		if rest != "" {
			code, err := strconv.Atoi(rest)
			if err != nil || code <= 0 || code > math.MaxUint16 {
				return fmt.Errorf("'-- error %s': the code must be a MySQL error number", rest)
			}
			st.ErrorCode = code
		}
		p.pendingErr = st
	default:
		return fmt.Errorf("unknown directive %q (comments start with '#')", "-- "+d)
	}
	return nil
}

var queryName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func parseQueryHeader(rest string) (*QueryCase, error) {
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return nil, fmt.Errorf("'-- query' needs a name")
	}
	q := &QueryCase{Name: fields[0]}
	if !queryName.MatchString(q.Name) {
		return nil, fmt.Errorf("query name %q: use letters, digits and '_'", q.Name)
	}
	for _, f := range fields[1:] {
		switch f {
		case "ordered":
			q.Ordered = true
		case "unsupported":
			q.Unsupported = true
		default:
			return nil, fmt.Errorf("query %q: unknown flag %q (want ordered or unsupported)", q.Name, f)
		}
	}
	return q, nil
}

// endBlock closes a setup or writes block with a checkpoint.
func (p *parser) endBlock(n int) error {
	if p.mode != modeSetup && p.mode != modeWrites {
		return nil
	}
	if p.blockStmts == 0 {
		return fmt.Errorf("empty block from line %d to line %d", p.blockLine, n)
	}
	if p.txLine != 0 {
		return fmt.Errorf("the transaction begun on line %d does not end in its block", p.txLine)
	}
	tables := make([]string, 0, len(p.tables))
	for t := range p.tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	p.sc.Steps = append(p.sc.Steps, Step{Kind: StepCheckpoint, Block: p.block, Tables: tables, Line: p.blockLine})
	return nil
}

func (p *parser) statement(line int, sql string) error {
	if sql == "" {
		return fmt.Errorf("empty statement")
	}
	if q := p.pendingMariaDB; q != nil {
		p.pendingMariaDB = nil
		if got, want := countPlaceholders(sql), countPlaceholders(q.SQL); got != want {
			return fmt.Errorf("query %q: the MariaDB text has %d placeholders, the query %d", q.Name, got, want)
		}
		q.MariaDB = sql
		return nil
	}
	if q := p.pending; q != nil {
		p.pending = nil
		p.lastQuery = q
		q.SQL = sql
		want := countPlaceholders(sql)
		if len(q.Args) == 0 {
			if want > 0 {
				return fmt.Errorf("query %q has %d placeholders and no '-- args:' line", q.Name, want)
			}
			q.Args = [][]any{nil}
		}
		for i, tuple := range q.Args {
			if len(tuple) != want {
				return fmt.Errorf("query %q: args line %d has %d values for %d placeholders", q.Name, i+1, len(tuple), want)
			}
		}
		p.sc.Steps = append(p.sc.Steps, Step{Kind: StepQuery, Query: q, Line: q.Line})
		return nil
	}
	if p.mode != modeSetup && p.mode != modeWrites {
		return fmt.Errorf("statement outside '-- setup' or '-- writes' (missing '-- query NAME'?)")
	}
	st := p.pendingErr
	p.pendingErr = nil
	if st == nil {
		st = &Statement{}
	}
	st.SQL, st.Line = sql, line
	if countPlaceholders(sql) > 0 {
		return fmt.Errorf("writes take no placeholders; write the values inline")
	}
	if !st.ExpectError {
		// A failed CREATE or DROP changes nothing on MariaDB.
		p.trackTables(sql)
		if verb, ok := txVerb(sql); ok {
			p.txLine = 0
			if verb == "BEGIN" {
				p.txLine = line
			}
		}
	}
	p.blockStmts++
	p.sc.Steps = append(p.sc.Steps, Step{Kind: StepExec, Exec: st, Block: p.block, Line: line})
	return nil
}

// tableName matches a table name, qualified by its database or not, quoted or not.
const tableName = "(`?[A-Za-z0-9_{}]+`?(?:\\.`?[A-Za-z0-9_]+`?)?)"

var (
	createTable = regexp.MustCompile("(?is)^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + tableName)
	dropTable   = regexp.MustCompile("(?is)^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(.+)$")
	renameTable = regexp.MustCompile("(?is)^\\s*RENAME\\s+TABLE\\s+(.+)$")
	renamePair  = regexp.MustCompile("(?is)^\\s*" + tableName + "\\s+TO\\s+" + tableName + "\\s*$")
	alterRename = regexp.MustCompile("(?is)^\\s*ALTER\\s+TABLE\\s+" + tableName + "\\s+RENAME\\s+(?:TO\\s+|AS\\s+)?" + tableName + "\\s*$")
	useDatabase = regexp.MustCompile("(?is)^\\s*USE\\s+`?([A-Za-z0-9_{}]+)`?\\s*;?\\s*$")
	dropDB      = regexp.MustCompile("(?is)^\\s*DROP\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+EXISTS\\s+)?`?([A-Za-z0-9_{}]+)`?")
	createView  = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\s`)
)

// trackTables keeps the set of tables a checkpoint compares. A table outside the target's
// own database is tracked as db.name: one named with its database, or created after USE.
func (p *parser) trackTables(sql string) {
	if m := useDatabase.FindStringSubmatch(sql); m != nil {
		p.db = strings.ToLower(m[1])
		return
	}
	if m := dropDB.FindStringSubmatch(sql); m != nil {
		prefix := strings.ToLower(m[1]) + "."
		for name := range p.tables {
			if strings.HasPrefix(name, prefix) {
				delete(p.tables, name)
			}
		}
		return
	}
	if m := createTable.FindStringSubmatch(sql); m != nil {
		p.tables[p.qualified(m[1])] = true
		return
	}
	if m := dropTable.FindStringSubmatch(sql); m != nil {
		for _, name := range strings.Split(m[1], ",") {
			delete(p.tables, p.qualified(name))
		}
		return
	}
	rename := func(from, to string) {
		from, to = p.qualified(from), p.qualified(to)
		if p.tables[from] {
			delete(p.tables, from)
			p.tables[to] = true
		}
	}
	if m := renameTable.FindStringSubmatch(sql); m != nil {
		for _, pair := range strings.Split(m[1], ",") {
			if pm := renamePair.FindStringSubmatch(pair); pm != nil {
				rename(pm[1], pm[2])
			}
		}
		return
	}
	if m := alterRename.FindStringSubmatch(sql); m != nil {
		rename(m[1], m[2])
	}
}

// qualified is the tracked name of a table as a statement names it.
func (p *parser) qualified(name string) string {
	name = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), "`", ""))
	if p.db != "" && !strings.Contains(name, ".") {
		return p.db + "." + name
	}
	return name
}

// finish closes the last block; eof is the line number just past the end of the file.
func (p *parser) finish(eof int) error {
	if p.stmt.Len() > 0 {
		return fmt.Errorf("statement starting on line %d has no terminating ';'", p.stmtLine)
	}
	if p.pending != nil {
		return fmt.Errorf("query %q has no statement", p.pending.Name)
	}
	if p.pendingErr != nil {
		return fmt.Errorf("'-- error' on line %d is not followed by a statement", p.pendingErr.Line)
	}
	if p.pendingMariaDB != nil {
		return fmt.Errorf("'-- mariadb' for query %q is not followed by a statement", p.pendingMariaDB.Name)
	}
	if p.mode == modeStart {
		return fmt.Errorf("no '-- setup' block")
	}
	return p.endBlock(eof)
}

// countPlaceholders counts the '?' markers outside quoted strings, quoted identifiers and
// comments.
//
// In PostgreSQL's dialect (the scenarios of testdata/postgres) the parameters are `$1`, `$2`,
// …: the highest number is how many a statement takes.
func countPlaceholders(sql string) (n int) {
	dollar := 0
	defer func() { n += dollar }()
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '\'', '"', '`':
			i = skipQuoted(sql, i)
		case '?':
			n++
		case '$':
			j := i + 1
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				j++
			}
			if j > i+1 && (i == 0 || !isIdentByte(sql[i-1])) {
				if v, err := strconv.Atoi(sql[i+1 : j]); err == nil {
					dollar = max(dollar, v)
				}
				i = j - 1
			}
		case '#':
			i = skipLine(sql, i)
		case '-':
			if strings.HasPrefix(sql[i:], "-- ") {
				i = skipLine(sql, i)
			}
		case '/':
			if strings.HasPrefix(sql[i:], "/*") {
				end := strings.Index(sql[i+2:], "*/")
				if end < 0 {
					return n
				}
				i += end + 3
			}
		}
	}
	return n
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// skipQuoted returns the index of the quote that closes the one at i (doubled quotes and, in
// strings, backslash escapes stay inside).
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

func skipLine(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

var (
	intLiteral   = regexp.MustCompile(`^[+-]?[0-9]+$`)
	floatLiteral = regexp.MustCompile(`^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?[0-9]+[eE][+-]?[0-9]+$`)
)

// parseArgs parses a comma-separated list of SQL literals: integers, decimals (passed as
// float64), 'strings' (with ” for a quote), NULL, TRUE and FALSE.
func parseArgs(s string) ([]any, error) {
	var out []any
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("'-- args:' with no values")
	}
	for len(s) > 0 {
		var tok string
		if s[0] == '\'' {
			end := skipQuoted(s, 0)
			if end >= len(s) {
				return nil, fmt.Errorf("unterminated string in args: %s", s)
			}
			tok, s = s[:end+1], s[end+1:]
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			tok, s = s[:i], s[i:]
		}
		tok = strings.TrimSpace(tok)
		v, err := parseLiteral(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		s = strings.TrimSpace(s)
		if s == "" {
			break
		}
		if s[0] != ',' {
			return nil, fmt.Errorf("expected ',' after %s in args", tok)
		}
		s = strings.TrimSpace(s[1:])
		if s == "" {
			return nil, fmt.Errorf("trailing ',' in args")
		}
	}
	return out, nil
}

func parseLiteral(tok string) (any, error) {
	switch strings.ToUpper(tok) {
	case "NULL":
		return nil, nil
	case "TRUE":
		return true, nil
	case "FALSE":
		return false, nil
	}
	if strings.HasPrefix(tok, "'") {
		if len(tok) < 2 || !strings.HasSuffix(tok, "'") {
			return nil, fmt.Errorf("bad string literal %s", tok)
		}
		body := tok[1 : len(tok)-1]
		if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") {
			return nil, fmt.Errorf("bad string literal %s (write a quote as '')", tok)
		}
		if strings.Contains(body, `\`) {
			return nil, fmt.Errorf("string literal %s: backslashes are not supported in args", tok)
		}
		return strings.ReplaceAll(body, "''", "'"), nil
	}
	if intLiteral.MatchString(tok) {
		if i, err := strconv.ParseInt(tok, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(strings.TrimPrefix(tok, "+"), 10, 64); err == nil {
			return u, nil
		}
		return nil, fmt.Errorf("integer %s out of range", tok)
	}
	if floatLiteral.MatchString(tok) {
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", tok, err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot read %q as a literal (want a number, 'string', NULL, TRUE or FALSE)", tok)
}

// FormatArgs renders a parameter tuple as SQL literals, for reports.
func FormatArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = formatArg(a)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func formatArg(a any) string {
	switch v := a.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(a)
}
