// Package planner turns SQL text into what the engine executes: DDL into table schemas,
// INSERT/REPLACE/UPDATE/DELETE into row expressions, and SELECT into a logical plan (a Query)
// that the dataflow lowering compiles into operators and the reader serves by key.
//
// It owns the MySQL dialect as Weir accepts it: parsing (TiDB's parser), name resolution
// against a Catalog, MySQL typing of columns and literals, parameter (`?`) numbering, the
// extraction of reader keys from `col = ?` / `col IN (?, ...)` conditions of WHERE clauses
// (of the outermost SELECT, and of derived tables, IN subqueries and UNION branches, whose key
// columns are carried up to the reader as hidden columns; see nested.go),
// auto-parameterization of the same conditions written with literals (so that queries
// differing only in those literals share one view), filter pushdown below joins, grouping by the
// group columns that determine the others, by primary keys and join equalities (fdgroup.go), SQL views
// (CREATE/ALTER/DROP VIEW: a view read in FROM is compiled from its text as a derived table;
// see view.go), and the rendering of plans for EXPLAIN.
//
// Everything Weir cannot compute exactly is rejected with an *Error that names the construct
// (and its position where the parser records one) rather than planned approximately. Among
// the constructs accepted but ignored: plain KEY/INDEX definitions in CREATE TABLE (Weir keys
// its state by the queries that read it, not by declared indices), COMMENT and storage
// options, table options such as ENGINE and AUTO_INCREMENT=n, and a database qualifier on
// table names (Weir serves one database).
//
// The package must never evaluate a query, touch operator state or the graph, or keep
// anything global and mutable: Compile is a pure function of the catalog and the text, and
// is safe for concurrent use.
package planner
