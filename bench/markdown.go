package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Meta describes the machine and build a set of results came from.
type Meta struct {
	Date     time.Time
	Commit   string
	CPUs     int
	CPUModel string
	Go       string
}

// Markdown writes the README's benchmark tables: the vote workload against the baselines and
// the consistency benchmark, with the machine they ran on and the plots' paths (relative to
// the README) when given.
func Markdown(w io.Writer, meta Meta, vote *CompareReport, cons *ConsistencyReport, votePlot, consPlot string) {
	fmt.Fprintf(w, "Measured %s at commit %s on %d cores (%s), %s, with `weir bench readme`; every server ran privately on the same machine.\n\n",
		meta.Date.UTC().Format("2006-01-02"), meta.Commit, meta.CPUs, meta.CPUModel, meta.Go)
	if vote != nil {
		c := vote.Config.Vote
		where := "Weir is read over its MySQL protocol"
		switch vote.Config.Target {
		case "process":
			where = "Weir runs as its own `weir serve` process (in memory) and is read over its MySQL protocol"
		case "wire":
			where = "Weir's MySQL server runs inside the benchmark's process and is read over its protocol"
		}
		fmt.Fprintf(w, "**Vote workload** (`weir bench vote --compare %s --sweep`): %d articles with %d votes each, %.0f%% reads, %s keys, %d clients, %s per system after %s of warm-up. %s (go-sql-driver, prepared), PostgreSQL with pgx, MariaDB with go-sql-driver, cache-aside as GET, then on a miss the query on PostgreSQL and SET (TTL %s), with writes to PostgreSQL followed by DEL.\n\n",
			strings.Join(vote.Config.Compare, ","), c.Articles, c.VotesPerArticle, c.ReadShare*100, distribution(c.Zipf), c.Clients, c.Duration, vote.Config.Warmup, where, vote.Config.TTL)
		fmt.Fprintln(w, "| system | reads/s | writes/s | read p50 | read p99 | read p99.9 | write p50 | write p99 | GC pause p50 / p99 / max | hit rate | cache memory | server CPU per op | Weir's read throughput ÷ this | server CPU per op ÷ Weir's |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
		weir := vote.Systems["weir"]
		for _, name := range vote.Order {
			s := vote.Systems[name]
			hit := "–"
			if s.HitRate != nil {
				hit = fmt.Sprintf("%.1f%%", *s.HitRate*100)
			}
			ratio, cpuRatioText := "–", "–"
			if name != "weir" && weir != nil {
				if s.ReadsPerSec > 0 {
					ratio = fmt.Sprintf("%.2f×", weir.ReadsPerSec/s.ReadsPerSec)
				}
				if r, ok := cpuRatio(s, weir); ok {
					cpuRatioText = fmt.Sprintf("%.2f×", r)
				}
			}
			label := name
			if name == "redis" {
				label = "redis cache-aside"
			}
			mem := "–"
			if s.MemoryBytes > 0 {
				mem = fmt.Sprintf("%.1f MiB", float64(s.MemoryBytes)/(1<<20))
			}
			cpu := "unknown"
			if s.Server.CPUPerOp != nil {
				cpu = fmt.Sprintf("%.1f µs", *s.Server.CPUPerOp)
			}
			gc := "–"
			if p := s.Server.GCPause; p != nil {
				gc = fmt.Sprintf("%s / %s / %s", us(p.P50), us(p.P99), us(p.Max))
			}
			fmt.Fprintf(w, "| %s | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, s.ReadsPerSec, s.WritesPerSec,
				us(s.ReadP50), us(s.ReadP99), us(s.ReadP999), us(s.WriteP50), us(s.WriteP99), gc, hit, mem, cpu, ratio, cpuRatioText)
		}
		fmt.Fprintf(w, "\nServer CPU per op is the user + system time of each system's server processes (PostgreSQL's postmaster with its backends) over the measured window, read from /proc in 10 ms clock ticks, divided by the reads and writes the clients completed; the clients run in the benchmark's own process and are not counted.")
		if s := vote.Systems["redis"]; s != nil {
			var parts []string
			for _, p := range s.Server.Processes {
				if p.CPUPerOp == nil {
					continue
				}
				part := fmt.Sprintf("%s %.1f µs", p.Name, *p.CPUPerOp)
				if p.CPUPerCommand != nil {
					part += fmt.Sprintf(" (%.1f µs per Redis command, %.2f commands per op)", *p.CPUPerCommand, float64(p.Commands)/float64(max(s.Reads+s.Writes, 1)))
				}
				parts = append(parts, part)
			}
			if len(parts) > 0 {
				fmt.Fprintf(w, " Cache-aside's is the sum of %s.", strings.Join(parts, " and "))
			}
		}
		if weir != nil && weir.Server.GCPause != nil {
			fmt.Fprintf(w, " GC pauses are Weir's stop-the-world pauses over the window (%d, from `weir_gc_pause_seconds` on its /metrics; each figure is the upper bound of its histogram bucket).", weir.Server.GCPause.Pauses)
		}
		fmt.Fprintln(w)
		if votePlot != "" {
			fmt.Fprintf(w, "\n![Read latency against offered load](%s)\n", votePlot)
		}
		fmt.Fprintln(w)
	}
	if cons != nil {
		c := cons.Config
		fmt.Fprintf(w, "**Consistency** (`weir bench consistency`): %d counters incremented by %d writers on PostgreSQL for %s; %d readers per system read them through Weir (mirroring PostgreSQL, over its MySQL protocol) and through cache-aside (Redis, fills waiting up to %s between the query and SET). A stale read returned a value older than a write acknowledged before the read began; a stale key still differed from PostgreSQL once the writes had stopped and Weir had applied PostgreSQL's last position.\n\n",
			c.Keys, c.Writers, c.Duration, c.Readers, c.FillDelay)
		fmt.Fprintln(w, "| system | reads | writes | stale reads | stale keys at the end | write-to-visible p50 | p99 |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
		for _, name := range systemNames {
			s := cons.Systems[name]
			fmt.Fprintf(w, "| %s | %d | %d | %d (%.1f%%) | %d | %.1f ms | %.1f ms |\n", name, s.Reads, s.Writes, s.StaleReads,
				100*float64(s.StaleReads)/float64(max(s.Reads, 1)), s.PermanentlyStaleKeys, s.VisibleP50, s.VisibleP99)
		}
		if consPlot != "" {
			fmt.Fprintf(w, "\n![Write-to-visible time](%s)\n", consPlot)
		}
		fmt.Fprintln(w)
	}
}

func us(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f ms", v/1000)
	}
	return fmt.Sprintf("%.0f µs", v)
}
