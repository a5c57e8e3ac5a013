package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// table builds a result set of the given columns from rows of Go values (string, int64 or
// nil), in the session's protocol.
func (s *session) table(cols []weir.Column, rows [][]any) (*mysql.Result, error) {
	rs := newResultset(cols, s.binary)
	vals := make([]dataflow.Value, len(cols))
	for _, r := range rows {
		for i, x := range r {
			v, err := dataflow.FromGo(x)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		if err := rs.add(vals); err != nil {
			return nil, err
		}
	}
	return rs.result(), nil
}

func textColumns(names ...string) []weir.Column {
	out := make([]weir.Column, len(names))
	for i, n := range names {
		out[i] = textColumn(n)
	}
	return out
}

// createCache handles `CREATE CACHE [name] FROM <select>`: the SELECT becomes a named view.
// Without a name, the cache is named after a hash of the query text.
func (s *session) createCache(sql string) (*mysql.Result, error) {
	rest := afterWords(sql, 2)
	name := ""
	if w := leadingWords(rest, 1); word(w, 0) != "FROM" {
		end := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
		if end < 0 {
			return nil, wireError(codeParse, "42000", "You have an error in your SQL syntax: CREATE CACHE [name] FROM <SELECT statement>")
		}
		name, rest = unquoteName(rest[:end]), strings.TrimSpace(rest[end:])
	}
	if word(leadingWords(rest, 1), 0) != "FROM" {
		return nil, wireError(codeParse, "42000", "You have an error in your SQL syntax: CREATE CACHE [name] FROM <SELECT statement>")
	}
	query := afterWords(rest, 1)
	if res, ok, err := s.cacheFromID(name, query); ok {
		return res, err
	}
	return s.registerCache(name, query)
}

// registerCache makes query a cache called name ("": named after a hash of the query).
func (s *session) registerCache(name, query string) (*mysql.Result, error) {
	if name == "" {
		sum := sha256.Sum256([]byte(query))
		name = "q_" + hex.EncodeToString(sum[:8])
	}
	if _, err := s.srv.engine.View(name); err == nil {
		return nil, wireError(codeCacheExists, "42S01", "Cache '%s' already exists", name)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if p := s.srv.proxy; p != nil {
		// The cached tables are the mirrored ones, whatever the session's database.
		ctx = weir.WithDatabase(ctx, p.cfg.MirrorDatabase)
	}
	v, err := s.srv.engine.Register(ctx, name, query)
	if err != nil {
		return nil, err
	}
	if p := s.srv.proxy; p != nil {
		p.Cache(v.Plan().Text, v.Name())
	}
	return nil, nil
}

// dropCache handles `DROP CACHE name`.
func (s *session) dropCache(sql string) (*mysql.Result, error) {
	name := unquoteName(afterWords(sql, 2))
	if name == "" {
		return nil, wireError(codeParse, "42000", "You have an error in your SQL syntax: DROP CACHE name")
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.srv.engine.Unregister(ctx, name); err != nil {
		return nil, err
	}
	if p := s.srv.proxy; p != nil {
		p.UncacheNamed(name)
	}
	return nil, nil
}

// showCaches handles `SHOW CACHES`: every view, named or made for an ad-hoc query shape,
// with whether its reader is partial or full, what it holds and the reads it served, what
// its graph costs (graph_bytes, counted toward the memory limit with its partial state)
// and when it was last read (UTC; NULL before its first read): under memory pressure the
// ad-hoc caches read least recently are dropped.
func (s *session) showCaches(sql string) (*mysql.Result, error) {
	if rest := afterWords(sql, 2); rest != "" {
		return nil, unsupported("SHOW CACHES %s", rest)
	}
	cols := append(textColumns("name", "query", "state"),
		intColumn("keys"), intColumn("hits"), intColumn("misses"), intColumn("upqueries"),
		intColumn("evictions"), intColumn("bytes"), intColumn("graph_bytes"), textColumn("last_read"),
		textColumn("why_full"))
	var rows [][]any
	for _, st := range s.srv.engine.Stats() {
		var name any = st.Name
		if st.Name == "" {
			name = nil // the view of an ad-hoc query shape
		}
		state := "full"
		if st.Partial {
			state = "partial"
		}
		var lastRead any
		if !st.LastRead.IsZero() {
			lastRead = st.LastRead.UTC().Format(time.DateTime)
		}
		var whyFull any
		if !st.Partial {
			whyFull = st.FullReason
		}
		rows = append(rows, []any{name, st.Query, state, int64(st.Keys), st.Hits, st.Misses, st.Upqueries, st.Evictions, st.Bytes,
			st.GraphBytes, lastRead, whyFull})
	}
	return s.table(cols, rows)
}

// explainSelect handles `EXPLAIN SELECT …` (and DESCRIBE SELECT …): the operators of the
// cache that answers the query, from its reader up to the tables, each state partial or
// full and, when full, why. The shape's cache is installed, as its first read would
// install it, but not read.
func (s *session) explainSelect(query string) (*mysql.Result, error) {
	steps, err := s.srv.engine.Explain(s.readCtx(), query)
	if err != nil {
		return nil, err
	}
	rows := make([][]any, len(steps))
	for i, st := range steps {
		var state, why any
		if st.State != "" {
			state = st.State
		}
		if st.Why != "" {
			why = st.Why
		}
		rows[i] = []any{strings.Repeat("  ", st.Depth) + st.Operator, state, why}
	}
	return s.table(textColumns("operator", "state", "why_full"), rows)
}

// explainGraph handles `EXPLAIN GRAPH [name]`: the dataflow graph in Graphviz dot.
func (s *session) explainGraph(sql string) (*mysql.Result, error) {
	var names []string
	if name := unquoteName(afterWords(sql, 2)); name != "" {
		names = append(names, name)
	}
	dot, err := s.srv.engine.Graph(names...)
	if err != nil {
		return nil, err
	}
	return s.table(textColumns("graph"), [][]any{{dot}})
}

// describe handles `DESCRIBE t` (and DESC): the columns as SHOW COLUMNS lists them.
func (s *session) describe(sql string) (*mysql.Result, error) {
	node, err := s.parseOne("SHOW COLUMNS FROM " + afterWords(sql, 1))
	if err != nil {
		return nil, err
	}
	st, ok := node.(*ast.ShowStmt)
	if !ok || st.Table == nil {
		return nil, unsupported("%s", sql)
	}
	return s.showColumns(st.Table.Schema.O, st.Table.Name.O, false)
}

// tableKey is the catalog key of a SHOW statement's table: qualified by its own database,
// by FROM db, or by the session's.
func (s *session) tableKey(st *ast.ShowStmt) (string, error) {
	db := st.Table.Schema.O
	if db == "" {
		db = st.DBName
	}
	return s.key(db, st.Table.Name.O)
}

func (s *session) showColumns(db, name string, full bool) (*mysql.Result, error) {
	table, err := s.key(db, name)
	if err != nil {
		return nil, err
	}
	schema, err := s.srv.engine.Table(table)
	if err != nil {
		if _, verr := s.srv.engine.SQLView(table); verr == nil {
			return s.showViewColumns(table)
		}
		return nil, err
	}
	cols := textColumns("Field", "Type", "Null", "Key", "Default", "Extra")
	var rows [][]any
	for i, c := range schema.Cols {
		null := "YES"
		if c.NotNull {
			null = "NO"
		}
		key := columnKey(schema, i)
		var def any
		if c.Default != nil && !c.Default.IsNull() {
			def = c.Default.ToText()
		}
		if c.DefaultNow {
			def = planner.ClockText(c)
		}
		extra := ""
		if c.AutoIncrement {
			extra = "auto_increment"
		}
		if c.OnUpdateNow {
			extra = "on update " + planner.ClockText(c)
		}
		rows = append(rows, []any{c.Name, planner.TypeText(c.Type), null, key, def, extra})
	}
	return s.table(cols, rows)
}

// show handles the SHOW statements drivers and tools send.
func (s *session) show(sql string) (*mysql.Result, error) {
	node, err := s.parseOne(sql)
	if err != nil {
		return nil, err
	}
	st, ok := node.(*ast.ShowStmt)
	if !ok {
		return nil, unsupported("%s", sql)
	}
	like := func(name string) (bool, error) {
		if st.Where != nil {
			return false, unsupported("SHOW ... WHERE")
		}
		if st.Pattern == nil {
			return true, nil
		}
		v, ok := st.Pattern.Pattern.(ast.ValueExpr)
		if !ok {
			return false, unsupported("SHOW ... LIKE with a pattern that is not a string")
		}
		return expr.Like(name, fmt.Sprint(v.GetValue())), nil
	}
	filter := func(cols []weir.Column, rows [][]any) (*mysql.Result, error) {
		var kept [][]any
		for _, r := range rows {
			ok, err := like(fmt.Sprint(r[0]))
			if err != nil {
				return nil, err
			}
			if ok {
				kept = append(kept, r)
			}
		}
		return s.table(cols, kept)
	}
	switch st.Tp {
	case ast.ShowDatabases:
		rows := [][]any{{planner.InfoSchema}}
		for _, db := range s.srv.engine.Databases() {
			rows = append(rows, []any{db})
		}
		slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
		return filter(textColumns("Database"), rows)
	case ast.ShowCreateDatabase:
		name, text, err := s.srv.engine.ShowCreateDatabase(st.DBName)
		if err != nil {
			return nil, err
		}
		return s.table(textColumns("Database", "Create Database"), [][]any{{name, text}})
	case ast.ShowTables:
		db := st.DBName
		if db == "" {
			if db = s.resolveDB(); db == "" {
				return nil, wireError(codeNoDB, "3D000", "No database selected")
			}
		}
		spelled, ok := s.srv.engine.DatabaseSpelling(db)
		if !ok {
			return nil, wireError(codeBadDB, "42000", "Unknown database '%s'", db)
		}
		var rows [][]any
		add := func(key, kind string) {
			if strings.EqualFold(planner.KeyDatabase(key), spelled) {
				rows = append(rows, []any{planner.KeyName(key), kind})
			}
		}
		for _, t := range s.srv.engine.Tables() {
			add(t, "BASE TABLE")
		}
		for _, v := range s.srv.engine.SQLViews() {
			add(v, "VIEW")
		}
		if strings.EqualFold(spelled, planner.InfoSchema) {
			for _, n := range planner.InfoSchemaTableNames() {
				rows = append(rows, []any{n, "SYSTEM VIEW"})
			}
		}
		slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
		if !st.Full {
			for i := range rows {
				rows[i] = rows[i][:1]
			}
		}
		cols := textColumns("Tables_in_" + spelled)
		if st.Full {
			cols = append(cols, textColumn("Table_type"))
		}
		return filter(cols, rows)
	case ast.ShowColumns:
		db := st.Table.Schema.O
		if db == "" {
			db = st.DBName
		}
		return s.showColumns(db, st.Table.Name.O, st.Full)
	case ast.ShowVariables:
		return filter(textColumns("Variable_name", "Value"), s.variables())
	case ast.ShowStatus:
		return filter(textColumns("Variable_name", "Value"), s.status())
	case ast.ShowWarnings, ast.ShowErrors:
		var rows [][]any
		if st.Tp == ast.ShowWarnings {
			for _, w := range s.warnings {
				rows = append(rows, []any{w.Level, w.Code, w.Message})
			}
		}
		if st.CountWarningsOrErrors {
			return s.table([]weir.Column{intColumn("@@session.warning_count")}, [][]any{{len(rows)}})
		}
		return s.table([]weir.Column{textColumn("Level"), intColumn("Code"), textColumn("Message")}, rows)
	case ast.ShowCreateTable, ast.ShowIndex, ast.ShowCreateView:
		key, err := s.tableKey(st)
		if err != nil {
			return nil, err
		}
		switch st.Tp {
		case ast.ShowCreateTable:
			if _, err := s.srv.engine.SQLView(key); err == nil {
				return s.showCreateView(key) // as MySQL answers for a view
			}
			return s.showCreateTable(key)
		case ast.ShowIndex:
			if st.Where != nil {
				return nil, unsupported("SHOW INDEX ... WHERE")
			}
			return s.showIndex(key)
		}
		return s.showCreateView(key)
	case ast.ShowEngines:
		return s.table(textColumns("Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"),
			[][]any{{"Weir", "DEFAULT", "Incremental dataflow with partial state", "NO", "NO", "NO"}})
	case ast.ShowCollation:
		return filter(textColumns("Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"),
			[][]any{{"utf8mb4_general_ci", "utf8mb4", "45", "Yes", "Yes", "1"}})
	case ast.ShowCharset:
		return filter(textColumns("Charset", "Description", "Default collation", "Maxlen"),
			[][]any{{"utf8mb4", "UTF-8 Unicode", "utf8mb4_general_ci", "4"}})
	}
	return nil, unsupported("SHOW %s", strings.ToUpper(word(leadingWords(sql, 2), 1)))
}

// showViewColumns is SHOW COLUMNS of a view: its columns as a query over it sees them, with
// no key or default, as MySQL lists them.
func (s *session) showViewColumns(view string) (*mysql.Result, error) {
	cols, err := s.srv.engine.SQLViewColumns(view)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, c := range cols {
		null := "NO"
		if c.Type.Nullable {
			null = "YES"
		}
		rows = append(rows, []any{c.Name, strings.ToLower(c.Type.SQL), null, "", nil, ""})
	}
	return s.table(textColumns("Field", "Type", "Null", "Key", "Default", "Extra"), rows)
}

// showCreateView renders a view's definition; a table is error 1347, as in MySQL.
func (s *session) showCreateView(name string) (*mysql.Result, error) {
	def, err := s.srv.engine.SQLView(name)
	if err != nil {
		if _, terr := s.srv.engine.Table(name); terr == nil {
			return nil, planner.ErrNotView(name)
		}
		return nil, err
	}
	return s.table(textColumns("View", "Create View", "character_set_client", "collation_connection"),
		[][]any{{planner.KeyName(def.Name), def.ShowCreate(), "utf8mb4", "utf8mb4_general_ci"}})
}

// showCreateTable renders a table's definition back as SQL.
func (s *session) showCreateTable(table string) (*mysql.Result, error) {
	schema, err := s.srv.engine.Table(table)
	if err != nil {
		return nil, err
	}
	return s.table(textColumns("Table", "Create Table"), [][]any{{planner.KeyName(schema.Name), planner.ShowCreateTable(schema, 0)}})
}

// showIndex is SHOW INDEX / SHOW KEYS: one row per column of each key, primary key first, as
// MariaDB lists them. Weir keeps no index statistics: Cardinality is NULL.
func (s *session) showIndex(table string) (*mysql.Result, error) {
	schema, err := s.srv.engine.Table(table)
	if err != nil {
		return nil, err
	}
	cols := []weir.Column{textColumn("Table"), intColumn("Non_unique"), textColumn("Key_name"), intColumn("Seq_in_index"),
		textColumn("Column_name"), textColumn("Collation"), intColumn("Cardinality"), intColumn("Sub_part"),
		textColumn("Packed"), textColumn("Null"), textColumn("Index_type"), textColumn("Comment"),
		textColumn("Index_comment"), textColumn("Ignored")}
	var rows [][]any
	add := func(name string, nonUnique int, kind string, keyCols, lengths []int) {
		for i, c := range keyCols {
			col := schema.Cols[c]
			null, collation := "", any("A")
			if !col.NotNull {
				null = "YES"
			}
			var sub any
			if lengths != nil && lengths[i] > 0 {
				sub = int64(lengths[i])
			}
			if kind == "FULLTEXT" {
				collation = nil
			}
			rows = append(rows, []any{planner.KeyName(schema.Name), int64(nonUnique), name, int64(i + 1), col.Name, collation, nil, sub, nil, null, kind, "", "", "NO"})
		}
	}
	if len(schema.PK) > 0 {
		add("PRIMARY", 0, "BTREE", schema.PK, nil)
	}
	for _, ix := range schema.Indexes {
		switch ix.Kind {
		case planner.IndexUnique:
			add(ix.Name, 0, "BTREE", ix.Cols, ix.Lengths)
		case planner.IndexFulltext:
			add(ix.Name, 1, "FULLTEXT", ix.Cols, ix.Lengths)
		default:
			add(ix.Name, 1, "BTREE", ix.Cols, ix.Lengths)
		}
	}
	return s.table(cols, rows)
}

// status is SHOW STATUS: the engine's counters, summed over views, and the server's.
func (s *session) status() [][]any {
	var keys, hits, misses, upqueries, evictions, bytes int64
	stats := s.srv.engine.Stats()
	for _, st := range stats {
		keys += int64(st.Keys)
		hits += st.Hits
		misses += st.Misses
		upqueries += st.Upqueries
		evictions += st.Evictions
		bytes += st.Bytes
	}
	m := s.srv.metrics
	mem := s.srv.engine.Memory()
	rows := [][]any{
		{"Threads_connected", m.connected.Load()},
		{"Connections", m.accepted.Load()},
		{"Questions", m.statements.Load()},
		{"Weir_statement_errors", m.errors.Load()},
		{"Weir_tables", int64(len(s.srv.engine.Tables()))},
		{"Weir_caches", int64(len(stats))},
		{"Weir_keys", keys},
		{"Weir_hits", hits},
		{"Weir_misses", misses},
		{"Weir_upqueries", upqueries},
		{"Weir_evictions", evictions},
		{"Weir_reader_bytes", bytes},
		{"Weir_memory_in_use", mem.InUse},
		{"Weir_graph_bytes", mem.Graph},
		{"Weir_adhoc_caches", int64(mem.AdHocCaches)},
		{"Weir_adhoc_caches_dropped", mem.AdHocDropped},
		{"Weir_memory_limit", s.srv.engine.Options().MemoryLimit},
		{"Uptime", int64(s.srv.uptime().Seconds())},
	}
	for _, r := range rows {
		r[1] = strconv.FormatInt(r[1].(int64), 10)
	}
	if f := s.srv.cfg.Status; f != nil {
		for _, r := range f() {
			rows = append(rows, []any{r[0], r[1]})
		}
	}
	return rows
}

// columnKey is DESCRIBE's Key of column i: PRI in the primary key (or, without one, in the
// first unique key over NOT NULL columns, which InnoDB uses as such), UNI when a
// single-column unique key holds it, MUL when it leads another key.
func columnKey(schema *planner.TableSchema, i int) string {
	primary := schema.PK
	if len(primary) == 0 && len(schema.Indexes) > 0 && schema.Indexes[0].Unique() &&
		!slices.ContainsFunc(schema.Indexes[0].Cols, func(c int) bool { return !schema.Cols[c].NotNull }) {
		primary = schema.Indexes[0].Cols
	}
	if slices.Contains(primary, i) {
		return "PRI"
	}
	key := ""
	for _, ix := range schema.Indexes {
		switch {
		case ix.Unique() && len(ix.Cols) == 1 && ix.Cols[0] == i:
			return "UNI"
		case ix.Cols[0] == i:
			key = "MUL"
		}
	}
	return key
}
