package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/weirdb/weir/bench"
)

// benchPgbench runs `weir bench pgbench`: pgbench with the vote read query against Weir's
// PostgreSQL listener and against PostgreSQL itself.
func benchPgbench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench pgbench", flag.ContinueOnError)
	var cfg bench.PgbenchConfig
	fs.IntVar(&cfg.Articles, "articles", 100_000, "number of articles (the script reads random(1, articles))")
	fs.IntVar(&cfg.VotesPerArticle, "votes", 2, "votes per article")
	fs.IntVar(&cfg.Clients, "clients", 8, "pgbench -c: concurrent clients")
	fs.IntVar(&cfg.Threads, "threads", 2, "pgbench -j: pgbench's worker threads")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "pgbench -T of each run (whole seconds, at least 3s)")
	fs.DurationVar(&cfg.Warmup, "warmup", 0, "the start of each run left out of the measured window (default: a fifth of --duration, at least 1s)")
	fs.Func("modes", "pgbench -M query modes to run, comma-separated: simple, extended, prepared (default: all three)", func(v string) error {
		for _, m := range strings.Split(v, ",") {
			m = strings.TrimSpace(m)
			if !slices.Contains(bench.PgbenchModes, m) {
				return fmt.Errorf("%q: want simple, extended or prepared", m)
			}
			cfg.Modes = append(cfg.Modes, m)
		}
		return nil
	})
	fs.Func("query", "form of the vote query: derived (a join over a COUNT in a derived table, as weir bench vote runs it; the default) or grouped (the join grouped by a.id, a.title)", func(v string) error {
		switch v {
		case "derived":
			cfg.Query = bench.VoteQuery
		case "grouped":
			cfg.Query = bench.VoteQueryGrouped
		default:
			return fmt.Errorf("bad query %q: want derived or grouped", v)
		}
		return nil
	})
	fs.StringVar(&cfg.Pgbench, "pgbench", "", "path of pgbench (default: PostgreSQL's, found as the private server's programs are)")
	return runBench(fs, args, func() (report, error) {
		cfg.Serve = serveOptions
		return bench.RunPgbench(ctx, cfg, os.Stderr)
	})
}
