package bench

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The vote workload through Weir's MySQL proxy (--target proxy): the vote tables live in
// MariaDB, and `weir serve --upstream mariadb://…` follows its binary log and proxies its
// MySQL protocol. The clients connect to Weir as an application would connect to MariaDB:
// their INSERTs pass through Weir to MariaDB, and their reads of the vote query, a CREATE
// CACHE, are answered from Weir's cache. A read on a connection that has just written waits
// until Weir has applied that write (read-your-writes, by the session's @@last_gtid) or,
// past the read timeout, is passed to MariaDB. The mariadb baseline then runs on the same
// MariaDB, so both carry its binary log.
//
// The Weir system's server CPU is both processes': weir serve, and mariadbd behind it,
// which runs the writes, writes the binary log, streams it to Weir, answers the proxy's
// SELECT @@last_gtid after each write and any reads passed through.

// proxyVoteDatabase is the MariaDB database the proxy target creates (dropping any earlier
// one) and Weir follows; the mariadb baseline's is weir_vote.
const proxyVoteDatabase = "weir_proxy_vote"

// proxyStartTimeout bounds the wait for `weir serve` to copy the vote tables from MariaDB
// and open its listener.
const proxyStartTimeout = 10 * time.Minute

// newProxyWeirVote loads the vote tables into MariaDB, starts `weir serve` following it
// and proxying it, and caches the vote query there.
func newProxyWeirVote(ctx context.Context, cfg CompareConfig, progress io.Writer) (*weirVote, error) {
	db, upstream, err := createMariaDBDatabase(ctx, cfg.MariaDBDSN, proxyVoteDatabase, cfg.Vote.Clients)
	if err != nil {
		return nil, err
	}
	err = seedMariaDBVotes(ctx, db, cfg.Vote)
	db.Close()
	if err != nil {
		return nil, err
	}
	extra := []string{"--upstream", upstream, "--tables", "articles,votes"}
	if cfg.Vote.MemoryLimit != 0 {
		extra = append(extra, "--memory-limit", strconv.FormatInt(cfg.Vote.MemoryLimit, 10))
	}
	if cfg.Vote.Domains > 0 {
		extra = append(extra, "--domains", strconv.Itoa(cfg.Vote.Domains))
	}
	opts := cfg.Serve
	if opts.Log == nil {
		opts.Log = progress
	}
	opts.StartTimeout = max(opts.StartTimeout, proxyStartTimeout)
	p, err := startWeirProcess(ctx, opts, extra...)
	if err != nil {
		return nil, err
	}
	w := &weirVote{proc: p, proxied: true}
	if w.db, err = openProxyDB(ctx, p.addr, proxyVoteDatabase, cfg.Vote.Clients); err == nil {
		if _, err = w.db.ExecContext(ctx, "CREATE CACHE article_votes FROM "+VoteQuery); err == nil {
			err = w.prepare(ctx)
		}
	}
	if err != nil {
		w.close()
		return nil, err
	}
	w.m = &serverMeter{procs: []serverProc{{name: "weir serve", pid: p.pid()}, mariadbProc(cfg.MariaDBPID)},
		metricsURL: p.metricsURL()}
	return w, nil
}

// mariadbProc is a MariaDB server for the meter.
func mariadbProc(pid int) serverProc {
	return serverProc{name: "mariadbd", pid: pid, unknown: "a server given by DSN: give its PID (--mariadb-pid)"}
}

// upstreamReads is implemented by a system that passes some reads to a database behind
// it: of its reads so far, how many it answered itself and how many in all.
type upstreamReads interface {
	answered(ctx context.Context) (answered, reads int64, ok bool)
}

// answered is the reads Weir's caches answered (SHOW STATUS, hits and misses) and the
// reads the clients made through the proxy; the others went to MariaDB.
func (w *weirVote) answered(ctx context.Context) (int64, int64, bool) {
	if !w.proxied {
		return 0, 0, false
	}
	n, err := weirCacheReads(ctx, w.db)
	if err != nil {
		return 0, 0, false
	}
	return n, w.reads.Load(), true
}

// perRead divides each server process's CPU over the window by the reads completed in it,
// the figure the proxy target reports beside the CPU per operation.
func perRead(u ServerUsage, reads int64) map[string]float64 {
	if reads <= 0 {
		return nil
	}
	m := map[string]float64{}
	for _, p := range u.Processes {
		if p.CPU != nil {
			m[p.Name] = *p.CPU * 1e6 / float64(reads)
		}
	}
	return m
}

// printProxy writes the proxy target's lines: where Weir's reads were answered, and each
// system's server CPU per read.
func (r *CompareReport) printProxy(w io.Writer) {
	fmt.Fprintln(w, "Weir: weir serve --upstream mariadb://…, the clients' INSERTs passed through it to MariaDB, their reads answered by its cache (CREATE CACHE); mariadb: the same MariaDB (binary log on) answering the query itself")
	if s := r.Systems["weir"]; s != nil && s.ReadsFromUpstream != nil {
		fmt.Fprintf(w, "Weir's reads in the window: %d, of which %d passed to MariaDB (a read after its connection's write that Weir had not applied within the read timeout)\n",
			s.Reads, *s.ReadsFromUpstream)
	}
	fmt.Fprintln(w, "server CPU per read (each process's CPU over the window ÷ the reads; it includes the writes' share):")
	for _, name := range r.Order {
		s := r.Systems[name]
		var parts []string
		var total float64
		for _, p := range s.Server.Processes {
			v, ok := s.CPUPerRead[p.Name]
			if !ok {
				parts = append(parts, p.Name+" unknown")
				continue
			}
			total += v
			what := ""
			switch {
			case name == "weir" && p.Name == "mariadbd":
				what = " (behind Weir: the writes, the binary log and its stream to Weir, each write's @@last_gtid, the reads passed through)"
			case name == "mariadb":
				what = " (the reads and the writes)"
			}
			parts = append(parts, fmt.Sprintf("%s %.1f µs/read%s", p.Name, v, what))
		}
		if len(s.Server.Processes) > 1 && len(s.CPUPerRead) == len(s.Server.Processes) {
			parts = append(parts, fmt.Sprintf("together %.1f µs/read", total))
		}
		line := strings.Join(parts, "; ")
		fmt.Fprintf(w, "  %-10s %s\n", name, line)
	}
}
