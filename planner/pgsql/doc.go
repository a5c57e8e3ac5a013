// Package pgsql is Weir's PostgreSQL dialect: it parses a statement with PostgreSQL's own
// parser (libpg_query, through pg_query_go) and lowers the parse tree into the MySQL-dialect
// text package planner compiles, with planner.PostgreSQL semantics for what the planner
// decides by type. One planner, one plan IR: name resolution, typing, reader keys, joins,
// subqueries, aggregates and windows are the planner's in both dialects; this package says
// how PostgreSQL's spelling and meaning map onto them, and refuses the rest.
//
// Lowering through text rather than by building TiDB's AST nodes keeps every invariant of
// the planner's input (parameter markers numbered by position, positions for messages,
// the normalized text that keys a view) as the MySQL parser establishes it; the lowered
// text quotes every identifier and escapes every literal, so no PostgreSQL name or string
// is read as MySQL syntax.
//
// Meaning kept from PostgreSQL:
//   - `$n` parameters, in any order and repeated: each use is a `?` marker, and Compiled.Args
//     puts the arguments in marker order; a parameter's type is that of the column its first
//     use is compared with. `$1::int` declares a parameter's type and changes nothing else.
//   - Identifiers: unquoted names are folded to lower case by the parser, quoted ones kept;
//     `public.t` is the mirrored table t (other schemas are refused, as are pg_catalog's
//     tables, which the front door answers).
//   - Text compares, groups, joins, sorts and keys byte by byte, as under the C collation
//     (planner.PostgreSQL), whether a column holds it or an expression computes it (upper(x),
//     x || y, concat(), CASE, coalesce(), casts); LIKE is case-sensitive; ILIKE compares the
//     lower-cased operands.
//   - char(n) (bpchar): a mirrored char(n) column is CHAR(n) COLLATE utf8mb4_bin and
//     `::char(n)` is PG_BPCHAR(x, n), the planner's cast to it: values kept without
//     trailing spaces, compared byte by byte (a text constant or argument compared with
//     one loses its trailing spaces, as PostgreSQL's untyped literal becomes a char(n)),
//     shown padded to n (FormatText; pgwire pads what it sends), padded in concat(),
//     concat_ws() and octet_length(), unpadded in ||, length() and the text functions.
//   - ORDER BY sorts NULLs last ascending and first descending, and honours NULLS FIRST and
//     NULLS LAST, in queries and in window functions.
//   - Result types are PostgreSQL's: integer arithmetic, abs, mod, COALESCE, GREATEST and
//     LEAST are of their widest operand's width (an integer literal is an integer; a result
//     past the width fails with 22003 when it is sent), lengths and positions are integers,
//     `::int` and `::smallint` their types, extract() and ceil()/floor() of a numeric
//     numerics, sum() of integers a bigint (over a window too), a mirrored varchar column a
//     varchar and `::text` text.
//   - An untyped literal takes the type its place requires: a boolean compared with a
//     boolean ('t', 'yes', 'on', …), the bigint of LIMIT and OFFSET ('10'), as clients that
//     write their arguments into the text send them.
//   - `/` of two integers truncates; `||` is concatenation (NULL if either side is);
//     concat() skips NULLs; GREATEST and LEAST ignore NULLs; length() counts characters.
//   - `IS [NOT] DISTINCT FROM` is NULL-safe equality; boolean literals and columns, IS TRUE
//     and the other boolean tests; `'t'::boolean`.
//   - `::type` and CAST to integer, numeric(p,s), double precision, real, text, varchar,
//     date and timestamp; interval literals of one unit (`now() - interval '1 day'`) or of
//     several fields of time, added up into one count of the largest unit that divides them
//     (`interval '1 hour 30 minutes'` is INTERVAL 90 MINUTE).
//   - LIMIT, OFFSET, LIMIT ALL, OFFSET … FETCH FIRST n ROWS ONLY.
//   - now(), current_timestamp, localtimestamp and current_date are the clock as the
//     planner's temporal filters take it: in a WHERE comparison with a row value.
//   - FULL [OUTER] JOIN … ON, lowered to a LEFT JOIN whose ON starts with the planner's
//     PG_FULL_JOIN() mark (MySQL's grammar has no FULL JOIN) and planned as the union of the
//     LEFT JOIN and the right rows no left row meets, padded with NULLs. As in PostgreSQL, a
//     FULL JOIN whose ON compares the two sides needs an equality among its conditions; with
//     USING or NATURAL it is refused (its merged column is coalesce() of the two sides').
//   - Joins (inner, LEFT, RIGHT, CROSS, USING, NATURAL), subqueries in FROM, [NOT] EXISTS,
//     IN and NOT IN (subquery), scalar subqueries, UNION [ALL], WITH, GROUP BY, HAVING,
//     count/sum/min/max, bool_and/bool_or, row_number/rank/dense_rank, first_value and
//     last_value, window frames (ROWS; RANGE with numeric offsets or interval ones over a
//     date or timestamp key, NULLs placed by the sort's NULL test; GROUPS, which only this
//     dialect plans), CASE, COALESCE,
//     NULLIF and the common string and numeric functions (see funcs.go).
//   - avg() and numeric `/`: PostgreSQL's numeric division, whose scale depends on the
//     values (16 significant digits at least, the operands' scales at least), double
//     precision over floats (the planner's PG_AVG and expr.NewPGDiv).
//   - string_agg(x, 'sep' [ORDER BY x]) as GROUP_CONCAT, which skips NULLs alike.
//   - SELECT DISTINCT ON (keys): a derived table numbers each group's rows with
//     ROW_NUMBER() in the ORDER BY's order and the outer query keeps row 1 (distinctOn).
//
// Refused with SQLSTATE 0A000 and the construct named (Error): every statement but SELECT
// (writes and DDL belong to the upstream), FULL JOIN with USING or NATURAL, LATERAL, INTERSECT and EXCEPT, WITH RECURSIVE, FETCH … WITH TIES, string_agg ordered by
// anything but its value or with a separator that is not a constant, arrays and ANY/ALL
// over them, SIMILAR TO, BETWEEN SYMMETRIC,
// FILTER, WITHIN GROUP, named windows, EXCLUDE in frames, COLLATE other than "C", functions in FROM,
// locking reads and the volatile functions (random(), clock_timestamp()). Failures to
// resolve names carry PostgreSQL's codes (42P01, 42703, 42702, 42803); text PostgreSQL's
// parser refuses is 42601 with its position.
//
// Known differences that remain: a division by zero of constants fails with 22012, as
// PostgreSQL's constant folding does, but a divisor that is zero in some row is NULL there
// rather than error 22012 (a cache cannot raise an error later, when a write makes it zero); the sum or average of numeric quotients carries 38 fraction
// digits, where PostgreSQL's carries the widest quotient's; a DISTINCT ON query takes
// parameters in equalities only (its WHERE is a derived table's); upper() and
// lower() fold non-ASCII letters too (PostgreSQL under the C locale folds ASCII only);
// integer arithmetic is computed in 64 bits, so an intermediate result past int4 that the
// final one is back within does not fail as PostgreSQL's does; a char(n) compared with a
// `'…'::text` constant ignores the constant's trailing spaces (PostgreSQL compares them as
// text there, keeping them).
//
// The package must never evaluate a query or keep mutable global state: Compile is a pure
// function of the catalog and the text, safe for concurrent use.
package pgsql
