package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // literal values in parsed statements

	"github.com/weirdb/weir"
)

// schemaName is the database that always exists, named in column definitions.
const schemaName = weir.DatabaseName

// serverVersion is what clients read as the server's version: a MySQL 8.0 they can speak to,
// marked as Weir.
const serverVersion = "8.0.36-Weir"

// systemVariables are the variables drivers and tools read on connecting, with the values
// that describe how Weir behaves. SET may change a session's copy of the ones marked
// settable; values are kept as text.
var systemVariables = map[string]string{
	"auto_increment_increment": "1",
	"auto_increment_offset":    "1",
	"autocommit":               "1",
	"character_set_client":     "utf8mb4",
	"character_set_connection": "utf8mb4",
	"character_set_database":   "utf8mb4",
	"character_set_results":    "utf8mb4",
	"character_set_server":     "utf8mb4",
	"character_set_system":     "utf8mb3",
	"collation_connection":     "utf8mb4_general_ci",
	"collation_database":       "utf8mb4_general_ci",
	"collation_server":         "utf8mb4_general_ci",
	"default_storage_engine":   "Weir",
	"foreign_key_checks":       "1",
	"have_ssl":                 "DISABLED",
	"init_connect":             "",
	"interactive_timeout":      "28800",
	"license":                  "Apache-2.0",
	"lower_case_table_names":   "0",
	"max_allowed_packet":       "67108864",
	"max_execution_time":       "0",
	"net_buffer_length":        "16384",
	"net_read_timeout":         "30",
	"net_write_timeout":        "60",
	"performance_schema":       "0",
	"query_cache_size":         "0",
	"query_cache_type":         "OFF",
	"sql_auto_is_null":         "0",
	"sql_mode":                 "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
	"sql_safe_updates":         "0",
	"sql_select_limit":         "18446744073709551615",
	"system_time_zone":         "UTC",
	"time_zone":                "SYSTEM",
	"transaction_isolation":    "REPEATABLE-READ",
	"transaction_read_only":    "0",
	"tx_isolation":             "REPEATABLE-READ",
	"tx_read_only":             "0",
	"version":                  serverVersion,
	"version_comment":          "Weir, incremental dataflow cache",
	"version_compile_machine":  "x86_64",
	"version_compile_os":       "Linux",
	"wait_timeout":             "28800",
}

// variable is a system variable's value in this session.
func (s *session) variable(name string) (string, bool) {
	name = strings.ToLower(name)
	if v, ok := s.vars[name]; ok {
		return v, true
	}
	switch name {
	case "max_allowed_packet":
		return strconv.Itoa(s.srv.cfg.MaxPacket), true
	case "port":
		return strconv.Itoa(s.srv.port()), true
	case "hostname":
		return "weir", true
	case "have_ssl":
		if s.srv.cfg.TLS != nil {
			return "YES", true
		}
	}
	v, ok := systemVariables[name]
	return v, ok
}

// variables lists every system variable, sorted by name, for SHOW VARIABLES.
func (s *session) variables() [][]any {
	names := make([]string, 0, len(systemVariables)+2)
	for n := range systemVariables {
		names = append(names, n)
	}
	names = append(names, "hostname", "port")
	slices.Sort(names)
	rows := make([][]any, len(names))
	for i, n := range names {
		v, _ := s.variable(n)
		rows[i] = []any{n, v}
	}
	return rows
}

// parseOne parses one statement with TiDB's parser, for the statements the session answers
// itself (SET, SHOW, SELECT of variables). The parser is the session's own, made on first
// use: a parser's next Parse may write to the nodes of the tree it returned last, so a tree
// must not outlive the parser's next use by someone else, and a session runs on one
// goroutine.
func (s *session) parseOne(sql string) (ast.StmtNode, error) {
	if s.parser == nil {
		s.parser = parser.New()
	}
	nodes, _, err := s.parser.Parse(sql, "", "")
	if err != nil {
		return nil, wireError(codeParse, "42000", "You have an error in your SQL syntax: %s", firstLine(err.Error()))
	}
	if len(nodes) != 1 {
		return nil, unsupported("several statements in one query")
	}
	return nodes[0], nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// selectSession answers a SELECT without FROM whose items are literals, variables or the
// session functions (DATABASE(), VERSION(), USER(), CONNECTION_ID(), LAST_INSERT_ID()): the
// queries drivers and the mariadb client send. ok is false for anything else.
func (s *session) selectSession(sql string) (*mysql.Result, bool) {
	node, err := s.parseOne(sql)
	if err != nil {
		return nil, false
	}
	sel, isSelect := node.(*ast.SelectStmt)
	if !isSelect || sel.From != nil || sel.Where != nil || sel.Fields == nil || sel.GroupBy != nil {
		return nil, false
	}
	var cols []weir.Column
	var row []any
	for _, f := range sel.Fields.Fields {
		if f.Expr == nil {
			return nil, false
		}
		v, ok := s.sessionValue(f.Expr)
		if !ok {
			return nil, false
		}
		name := f.AsName.O
		if name == "" {
			name = f.Text()
		}
		if name == "" {
			name = fmt.Sprint(v)
		}
		if _, isInt := v.(int64); isInt {
			cols = append(cols, intColumn(name))
		} else if _, isUint := v.(uint64); isUint {
			c := intColumn(name)
			c.Type.Unsigned = true
			cols = append(cols, c)
		} else {
			cols = append(cols, textColumn(name))
		}
		row = append(row, v)
	}
	rows := [][]any{row}
	if sel.Limit != nil {
		if c, ok := sel.Limit.Count.(ast.ValueExpr); ok && fmt.Sprint(c.GetValue()) == "0" {
			rows = nil
		}
	}
	res, err := s.table(cols, rows)
	if err != nil {
		return nil, false
	}
	return res, true
}

// sessionValue evaluates one item of a session SELECT.
func (s *session) sessionValue(e ast.ExprNode) (any, bool) {
	switch x := e.(type) {
	case *ast.VariableExpr:
		if !x.IsSystem {
			v, ok := s.userVars[strings.ToLower(x.Name)]
			if !ok {
				return nil, true // an unset user variable is NULL
			}
			return v, true
		}
		v, ok := s.variable(x.Name)
		if !ok {
			return nil, false
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n, true
		}
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			return n, true
		}
		return v, true
	case *ast.FuncCallExpr:
		if len(x.Args) != 0 {
			return nil, false
		}
		switch x.FnName.L {
		case "database", "schema":
			if s.db == "" {
				return nil, true
			}
			return s.db, true
		case "version":
			return serverVersion, true
		case "user", "current_user", "session_user", "system_user":
			return s.user + "@localhost", true
		case "connection_id":
			return int64(s.id), true
		case "last_insert_id":
			return s.lastInsertID, true
		}
	case ast.ValueExpr:
		switch v := x.GetValue().(type) {
		case nil, int64, uint64, string:
			return v, true
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), true
		default:
			return fmt.Sprint(v), true
		}
	}
	return nil, false
}

// set handles SET: names and character sets, session variables and user variables.
func (s *session) set(sql string) error {
	node, err := s.parseOne(sql)
	if err != nil {
		return err
	}
	switch st := node.(type) {
	case *ast.SetStmt:
		for _, a := range st.Variables {
			if err := s.assign(a); err != nil {
				return err
			}
		}
		return nil
	case *ast.SetSessionStatesStmt, *ast.SetRoleStmt, *ast.SetDefaultRoleStmt, *ast.SetPwdStmt:
		return unsupported("%s", firstWords(sql, 3))
	}
	// SET TRANSACTION ISOLATION LEVEL ... and the like: Weir has one behaviour.
	if strings.HasPrefix(strings.ToUpper(afterWords(sql, 1)), "TRANSACTION") ||
		strings.HasPrefix(strings.ToUpper(afterWords(sql, 2)), "TRANSACTION") {
		return nil
	}
	return unsupported("%s", firstWords(sql, 3))
}

func firstWords(sql string, n int) string { return strings.Join(leadingWords(sql, n), " ") }

func (s *session) assign(a *ast.VariableAssignment) error {
	switch a.Name {
	case ast.SetNames, ast.SetCharset:
		cs := strings.ToLower(literalText(a.Value))
		switch cs {
		case "utf8", "utf8mb4", "utf8mb3", "", "default", "binary", "ascii", "latin1":
			// Weir stores and returns UTF-8; these are the character sets clients ask for
			// whose text it can carry (latin1 and ascii clients send ASCII in practice).
		default:
			return unsupported("character set '%s'", cs)
		}
		if cs == "" || cs == "default" {
			cs = "utf8mb4"
		}
		for _, v := range []string{"character_set_client", "character_set_connection", "character_set_results"} {
			s.vars[v] = cs
		}
		return nil
	}
	name := strings.ToLower(a.Name)
	if !a.IsSystem {
		if ve, ok := a.Value.(*ast.VariableExpr); ok && ve.IsSystem && !ve.IsGlobal {
			// SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, as dumps begin.
			val, ok := s.variable(ve.Name)
			if !ok {
				return wireError(codeUnknownSysVar, "HY000", "Unknown system variable '%s'", ve.Name)
			}
			s.userVars[name] = val
			return nil
		}
		v, ok := a.Value.(ast.ValueExpr)
		if !ok {
			return unsupported("SET @%s to an expression that is not a literal", name)
		}
		if name == minLSNVar {
			if err := s.setMinLSN(v.GetValue()); err != nil {
				return err
			}
		}
		s.userVars[name] = v.GetValue()
		return nil
	}
	if a.IsGlobal {
		return wireError(1227, "42000", "Access denied; SET GLOBAL is not supported (Weir is configured by its flags)")
	}
	if _, ok := s.variable(name); !ok {
		return wireError(codeUnknownSysVar, "HY000", "Unknown system variable '%s'", a.Name)
	}
	val := literalText(a.Value)
	if ve, ok := a.Value.(*ast.VariableExpr); ok && !ve.IsSystem {
		// SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS, as dumps end.
		if uv, ok := s.userVars[strings.ToLower(ve.Name)]; ok && uv != nil {
			val = fmt.Sprint(uv)
		}
	}
	if _, isDefault := a.Value.(*ast.DefaultExpr); isDefault {
		delete(s.vars, name)
		return nil
	}
	switch name {
	case "autocommit":
		switch strings.ToLower(val) {
		case "0", "off", "false":
			val = "0"
			s.manual = true
			s.syncFlags()
		case "1", "on", "true":
			// Turning autocommit on commits the open transaction.
			if err := s.commit(); err != nil {
				return err
			}
			val = "1"
			s.manual = false
			s.syncFlags()
		default:
			return wireError(codeWrongValue, "42000", "Variable 'autocommit' can't be set to the value of '%s'", val)
		}
	case "time_zone":
		// Weir reads its clock in UTC (NOW(), CURRENT_TIMESTAMP defaults) and keeps times as
		// given: a session time zone other than UTC would not be honoured.
		switch strings.ToUpper(strings.TrimSpace(val)) {
		case "SYSTEM", "UTC", "+00:00", "-00:00", "+0:00", "GMT":
		default:
			return unsupported("the time zone '%s': Weir's session time zone is UTC", val)
		}
	case "foreign_key_checks":
		// Honoured per session: see session.ctx and weir.WithoutForeignKeyChecks.
		switch strings.ToLower(val) {
		case "0", "off", "false":
			val = "0"
		case "1", "on", "true":
			val = "1"
		default:
			return wireError(codeWrongValue, "42000", "Variable 'foreign_key_checks' can't be set to the value of '%s'", val)
		}
	case "transaction_read_only", "tx_read_only":
		// accepted: Weir's reads never write
	}
	s.vars[name] = val
	return nil
}

// literalText is the text of a literal or a bare name (SET x = ON), or "" for anything else.
func literalText(e ast.ExprNode) string {
	switch x := e.(type) {
	case ast.ValueExpr:
		if x.GetValue() == nil {
			return ""
		}
		return fmt.Sprint(x.GetValue())
	case *ast.ColumnNameExpr:
		return x.Name.Name.O
	}
	return ""
}
