// Package planner turns SQL text into what the engine executes: DDL into table schemas,
// INSERT/REPLACE/UPDATE/DELETE into row expressions, and SELECT into a logical plan (a Query)
// that the dataflow lowering compiles into operators and the reader serves by key.
//
// It owns the MySQL dialect as Weir accepts it: parsing (TiDB's parser), name resolution
// against a Catalog, MySQL typing of columns and literals, parameter (`?`) numbering, the
// extraction of reader keys from `col = ?` / `col IN (?, ...)` conditions of WHERE clauses
// (of the outermost SELECT, and of derived tables, IN and EXISTS subqueries and UNION
// branches, whose key columns are carried up to the reader as hidden columns; see nested.go),
// range conditions (`col > ?`, `col BETWEEN ? AND ?`) of the outermost WHERE, which the reader
// applies at read time over rows it keeps ordered by the range column (Query.Ranges; see
// ranges.go),
// the read-time combination of an aggregate's per-key groups when an IN list of parameters
// spans them (Query.Combine; see combine.go: the view keeps the aggregate grouped by the key
// too, and a read adds COUNTs and SUMs, keeps MIN/MAX extremes, divides a hidden SUM by a
// hidden COUNT for AVG, then applies HAVING, ORDER BY, DISTINCT and LIMIT; an aggregate
// that does not decompose into per-key parts, COUNT/SUM/AVG(DISTINCT …), GROUP_CONCAT or a
// JSON aggregate, makes the view keep each key's rows instead (rowGroups; for COUNT, SUM and
// AVG over DISTINCT values alone, each key's groups of distinct values) and the read compute
// it over the rows of every key at once, see collect.go),
// parameters under OR in the outermost WHERE, one keyed branch per disjunct whose rows a
// read keeps only where no earlier disjunct holds (Query.Or; see or.go): each branch is a
// query of its own (OrBranches.Branches) that the engine installs as a reader keyed by the
// disjunct's conditions alone, partial wherever that key traces to an index, while Root,
// the branches as a tagged union, stands for their rows together in the reference
// evaluation; an aggregate over such a WHERE keeps each branch's rows as groups of one
// row (rowGroups) and a read aggregates the rows it keeps (Combine, the same read-time
// aggregation as for an IN list, DISTINCT, GROUP_CONCAT and JSON aggregates included),
// since groups of overlapping branches cannot be added,
// auto-parameterization of the same conditions written with literals (so that queries
// differing only in those literals share one view), filter pushdown below joins, grouping by the
// group columns that determine the others, by primary keys and join equalities (fdgroup.go), SQL views
// (CREATE/ALTER/DROP VIEW: a view read in FROM is compiled from its text as a derived table;
// see view.go), table value constructors (`VALUES ROW(…), …` as a statement, derived
// table, IN subquery or CTE: a Values plan node of constant rows, each column of its values'
// common type; see values.go; derived column lists `AS v(a, b)`, which TiDB's parser reads
// only after LATERAL, are marked so before parsing and unmarked after, see derivedcols.go),
// and the rendering of plans for EXPLAIN.
//
// Joins (from.go, join_using.go): the FROM clause is walked into a join structure, then
// built with the `column = column` equalities of ON and WHERE as join keys. Pieces that no
// equality links join without a key (every row with every row) under their conditions as a
// filter. A LEFT JOIN's ON conditions on the preserved side alone become a gate column (1
// where they hold, NULL where not) joined as one more key component with a constant 1 on the
// optional side, so a failing row is padded, never dropped; conditions on both sides that
// cannot key the join are the join's residual (Join.Residual), checked per pair of rows.
// USING and NATURAL joins become equalities; the column not shown is hidden from unqualified
// names, and SELECT * follows MySQL's coalesced order.
//
// Window functions (window.go) compile to Window plan nodes between the aggregate (with
// HAVING) and the projection: one node per distinct PARTITION BY and ORDER BY, in sequence,
// each partitioned by the block's key columns too, so that a window is computed over one
// key's rows as SQL computes it over the rows WHERE leaves, and can be kept partially per key.
//
// Subqueries in WHERE (exists.go): `[NOT] EXISTS`, `IN` (of an expression or a row of
// them) and `NOT IN (SELECT …)`, correlated by `inner column = outer column`
// equalities, become joins with the distinct values of the
// subquery's correlation (and compared) columns: an inner join for EXISTS and IN (a
// semi-join: the Distinct keeps a count per value and emits only when the first row of a
// value arrives or the last leaves, so an outer row shows once however many rows match), and
// a LEFT JOIN whose NULL-padded rows a filter keeps for NOT EXISTS and NOT IN (an
// anti-join: the join retracts a padded row when its key's first match arrives and emits it
// again when the last one leaves). An EXISTS elsewhere in a condition (under OR or NOT) or
// in the select list is the same LEFT JOIN, its value whether the row found a match. NOT IN's three-valued logic takes two more anti-joins per
// correlation key, on whether the subquery has rows at all and whether it has a NULL, only
// where the column's types allow NULLs. An IN or NOT IN that AND and OR alone join to the
// WHERE (under OR) is the same LEFT JOIN, or NOT IN's anti-joins, its value whether the
// condition is TRUE: there NULL drops a row as FALSE does. Anywhere else (the select list,
// HAVING, ORDER BY, WHERE under a NOT of AND or OR, a comparison, IS NULL, XOR, CASE) an
// IN or NOT IN is a value of SQL's three (invalue.go): the same LEFT JOINs as NOT IN's,
// their markers combined into TRUE, FALSE or NULL; in a query that aggregates, a value read
// outside aggregate functions becomes a group column, as EXISTS there does, and one on an
// aggregate's value is joined above the aggregate. An outer
// operand that is an expression is a hidden column computed over the FROM clause once its
// joins are done (computed.go), which the join is keyed on. Lowering to these operators rather than to a
// dedicated anti-join operator keeps what joins already have: partial state and replay
// paths (a cache keyed by an outer column is partial, filled through the join), shared
// nodes, eviction and memory accounting. Rows of a subquery over one table that hold its
// primary key are distinct already and are joined as they are: no state, and a `?` inside
// the subquery then traces to the table's index, so the cache it keys is partial. What the
// lowering cannot express is refused with an error naming it: a parameter inside NOT EXISTS
// or NOT IN (a key would have to select outer rows that no row of that key matches, a
// padded row per key that no operator makes; literals there stay filters), any other
// reference to an outer column, a subquery in an outer join's ON, an IN on an aggregate's
// value whose groups a read combines, and HAVING, `LIMIT 0` or OFFSET in EXISTS.
//
// Scalar subqueries (subquery.go), as values in the select list, WHERE, HAVING, ORDER BY or
// an inner join's ON, are LEFT JOINs with the subquery's rows, compiled before the FROM
// plan is built: uncorrelated ones join without a key, correlated ones on their
// correlation columns, an aggregate then grouped by them, and a CASE on the padded
// correlation column puts back the value of the aggregate over no rows (COUNT's 0) for an
// outer row that no group matches. Since a view cannot raise MySQL's error 1242 later,
// only subqueries that return one row at most per outer row are accepted (an aggregate
// without GROUP BY, a GROUP BY or one table's unique key bound by correlation or literal
// equalities, LIMIT 1 as a TopK per correlation value). Above an aggregate the value is a
// group column, which changes no group since the correlated outer columns are grouped. A
// top-level WHERE condition `col = (SELECT …)` whose subquery is NULL over no rows is a
// semi-join instead, through which a `?` inside the subquery keys the cache.
//
// Keys: a table's secondary indexes (UNIQUE, plain KEY/INDEX, FULLTEXT) are part of its
// schema (TableSchema.Indexes), named and ordered as MySQL names and orders them (indexes.go);
// CREATE/DROP INDEX and ALTER TABLE … ADD/DROP INDEX plan the schema after the change
// (AlterIndexes). CreateTableSQL renders a schema back as the CREATE TABLE that makes it, for
// SHOW CREATE TABLE and for the durable store. Unique keys are enforced by the writer of
// base tables (package tables); plain keys change no plan, since Weir keys its state by the
// queries that read it. FOREIGN KEY constraints (foreignkeys.go) are kept in
// TableSchema.ForeignKeys, validated and named as InnoDB does, with its implicit index on the
// child columns; a parent that does not exist yet is reported in CreateTable.MissingParents,
// an error unless the session turned foreign key checks off (the engine decides). The
// writer of base tables enforces them.
//
// A write's clock and chance functions (NOW(), CURRENT_TIMESTAMP, RAND(), UUID(), DEFAULT
// CURRENT_TIMESTAMP) compile to volatile values the engine supplies when the statement
// runs (see Volatile), so that the rows it stores hold values, not functions. In a cached
// SELECT a WHERE conjunct comparing a row value with the clock (`created_at > NOW() -
// INTERVAL 1 DAY`, BETWEEN, CURDATE(), UNIX_TIMESTAMP()) becomes a TemporalFilter plan node
// (temporal.go): atoms whose clock side never decreases as time passes, so each row's
// membership changes at most once per atom and the dataflow can schedule it. The clock
// anywhere else (the select list, HAVING, ORDER BY, under OR or NOT, beside a column) is
// refused with an error saying why.
//
// JSON_ARRAYAGG with DISTINCT, ORDER BY or LIMIT inside the call, which TiDB's parser does not
// take, is rewritten before parsing into the GROUP_CONCAT form it does take, with a separator
// that marks the call and carries its original text (jsonagg.go); what reaches users (select
// item names, view definitions, error messages) is given back that text.
//
// Everything Weir cannot compute exactly is rejected with an *Error that names the construct
// (and its position where the parser records one) rather than planned approximately. Among
// the constructs accepted but ignored: COMMENT on columns and keys, storage options (ENGINE,
// ROW_FORMAT, USING BTREE). The AUTO_INCREMENT=n and COMMENT table options are kept in the
// schema.
//
// Databases (database.go): CompileIn resolves a statement's unqualified names in the
// session's database; a table or view is known to the catalog by its key (its name in the
// default database `weir`, "db.name" in any other), which every statement, schema and
// foreign key carries, and a view's text resolves in the view's own database.
//
// It also defines information_schema (infoschema.go): its tables' columns as MariaDB has
// them, the rows the catalog gives them, and the binding of a catalog query's arguments as
// literals, since such a query is evaluated afresh at each run rather than kept as a view.
//
// Dialects (dialect.go): the text the planner parses is MySQL's; CompileDialect compiles it
// with PostgreSQL's semantics where they depend on types (text read as binary strings and
// compared byte by byte, integer division, sum() of integers as bigint, date arithmetic),
// for package planner/pgsql, which lowers PostgreSQL's statements into that text. The
// normalized text of a PostgreSQL query carries the dialect, so no view is shared across
// dialects.
//
// The package must never evaluate a query, touch operator state or the graph, or keep
// anything global and mutable: Compile is a pure function of the catalog, the database and
// the text, and is safe for concurrent use.
package planner
