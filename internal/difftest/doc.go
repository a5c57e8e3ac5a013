// Package difftest is Weir's differential testing: random schemas, queries and write sequences
// (as SQL text), a model of MySQL's write semantics over base tables, result comparison, and a
// plain-text scenario format for regression cases.
//
// The property the tests check is the one the whole design rests on: after any sequence of
// writes, every view answers each key exactly as the query evaluated from scratch over the
// base tables (package reference) does. Value domains are kept small on purpose so that joins
// match, groups collide, primary keys clash and NULLs meet every operator.
//
// Strings in the generated data have one spelling per collation class ('apple' never
// appears next to 'APPLE' in a table), because SQL leaves open which spelling a group, a
// DISTINCT or a MIN shows when several are equal; queries and lookup keys do use other
// spellings, so the collation is still exercised everywhere it decides a match.
//
// Nothing here starts an engine: the tests drive one through the public API.
package difftest
