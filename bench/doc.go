// Package bench owns Weir's workloads: the vote benchmark (Noria's: articles, votes, and an
// article's vote count by id) and the key distributions that drive them. It measures; it
// never asserts timings.
package bench
