// Command weir runs Weir's workloads from the command line.
//
//	weir bench vote [flags]   the vote workload, in process
//	weir demo                 the news example, printed step by step
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"time"

	"github.com/weirdb/weir/bench"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Weir's state is large, long-lived and pointer-rich; with Go's default (GC when the
		// heap doubles) marking it dominates write-heavy runs. A dedicated process trades
		// memory for throughput: collect when the heap grows by 4x. GOGC overrides this.
		debug.SetGCPercent(400)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "weir:", err)
		os.Exit(1)
	}
}

const usage = `usage: weir <command> [flags]

commands:
  bench vote   run the vote workload in process and print throughput and latencies
  demo         run the news example and print what each step returns
`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("missing command")
	}
	switch args[0] {
	case "bench":
		if len(args) < 2 || args[1] != "vote" {
			return fmt.Errorf("usage: weir bench vote [flags]")
		}
		return benchVote(ctx, args[2:])
	case "demo":
		return demo(ctx, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func benchVote(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("weir bench vote", flag.ContinueOnError)
	var cfg bench.VoteConfig
	fs.IntVar(&cfg.Articles, "articles", 100_000, "number of articles")
	fs.Float64Var(&cfg.ReadShare, "read-share", 0.95, "fraction of operations that are reads")
	fs.Float64Var(&cfg.Zipf, "zipf", 1.08, "Zipf exponent of the key distribution (≤ 1: uniform)")
	fs.IntVar(&cfg.Clients, "clients", 0, "concurrent clients (0: 2 × GOMAXPROCS)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to run")
	fs.IntVar(&cfg.Domains, "domains", 0, "query domains (0: default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rep, err := bench.RunVote(ctx, cfg, os.Stderr)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	return nil
}
