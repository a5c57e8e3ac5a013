package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/weirdb/weir/dataflow"
)

// Queries over information_schema are evaluated from scratch each time they run, so their
// parameters need not be reader keys: they may stand anywhere a literal may (`LIKE ?`,
// `ORDER BY col = ?`, which ORMs send). Such a query is compiled once with NULL for every
// parameter, to learn its result columns, and again with its arguments written in as
// literals each time it runs (BindParams).

// BindParams returns sql with its i-th `?` replaced by args[i] written as a SQL literal.
func BindParams(sql string, args []dataflow.Value) (string, error) {
	stmt, release, err := parseOne(sql)
	if err != nil {
		return "", err
	}
	defer release()
	c := &compiler{sql: sql}
	c.numParams(stmt)
	if len(args) != len(c.params) {
		return "", &Error{Code: codeWrongArguments, SQLState: "HY000",
			Msg: fmt.Sprintf("query has %d parameters but %d arguments were given", len(c.params), len(args))}
	}
	var b strings.Builder
	last := 0
	for i, p := range c.params {
		if p.Offset < last || p.Offset >= len(sql) || sql[p.Offset] != '?' {
			return "", newErr(CodeParse, "cannot place parameter %d of the statement", i+1)
		}
		b.WriteString(sql[last:p.Offset])
		b.WriteString(SQLLiteral(args[i]))
		last = p.Offset + 1
	}
	b.WriteString(sql[last:])
	return b.String(), nil
}

// SQLLiteral writes v as a literal of MySQL's dialect that reads back as the same value.
func SQLLiteral(v dataflow.Value) string {
	switch v.Kind() {
	case dataflow.KindNull:
		return "NULL"
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal:
		return v.ToText()
	case dataflow.KindFloat:
		f, _ := v.ToFloat()
		return fmt.Sprintf("%v", f)
	}
	s := v.ToText()
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `''`)
	return "'" + s + "'"
}

// readsInfoSchema reports whether the statement names a table of information_schema, or is
// a SELECT without FROM: both are evaluated when they run.
func readsInfoSchema(stmt ast.StmtNode) bool {
	var f infoSchemaFinder
	stmt.Accept(&f)
	return f.found
}

type infoSchemaFinder struct{ found bool }

func (f *infoSchemaFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.TableName:
		f.found = f.found || x.Schema.L == InfoSchema
	case *ast.SelectStmt:
		// A VALUES statement has no FROM, and reads no table at all.
		f.found = f.found || (x.From == nil && x.Kind != ast.SelectStmtKindValues)
	}
	return n, f.found
}

func (f *infoSchemaFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// compileInfoSchemaWithParams compiles a query over information_schema that has n
// parameters with NULL for each of them: the result's columns, and ParamSQL to bind the
// arguments into when it runs.
func compileInfoSchemaWithParams(cat Catalog, db, sql string, n int) (Statement, error) {
	bound, err := BindParams(sql, make([]dataflow.Value, n))
	if err != nil {
		return nil, err
	}
	st, err := CompileIn(cat, db, bound)
	if err != nil {
		return nil, err
	}
	q := st.(*Select).Query
	q.NumParams, q.ParamSQL = n, sql
	// The parameters are bound into the text when it runs; their types only say that
	// nothing is known of them, so no argument check indexes past the list.
	q.ParamTypes = make([]dataflow.Type, n)
	for i := range q.ParamTypes {
		q.ParamTypes[i] = paramType
	}
	return st, nil
}
