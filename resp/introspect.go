package resp

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"
)

// Introspection: COMMAND, CONFIG GET and INFO. Clients and tools send them at start
// (redis-benchmark reads CONFIG GET save and appendonly, redis-cli COMMAND DOCS) and
// people type them; each answers with what is true of Weir in the shape Redis uses.

// commandSpec describes a command as COMMAND does.
type commandSpec struct {
	name                    string
	arity                   int // negative: at least -arity arguments, the name included
	flags                   []string
	firstKey, lastKey, step int
}

var commandSpecs = []commandSpec{
	{"get", 2, []string{"readonly", "fast"}, 1, 1, 1},
	{"mget", -2, []string{"readonly", "fast"}, 1, -1, 1},
	{"weir.getafter", 3, []string{"readonly"}, 2, 2, 1},
	{"weir.mgetafter", -3, []string{"readonly"}, 2, -1, 1},
	{"weir.caches", 1, []string{"readonly"}, 0, 0, 0},
	{"auth", -2, []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, 0, 0, 0},
	{"hello", -1, []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, 0, 0, 0},
	{"ping", -1, []string{"fast"}, 0, 0, 0},
	{"echo", 2, []string{"fast"}, 0, 0, 0},
	{"quit", -1, []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, 0, 0, 0},
	{"reset", 1, []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, 0, 0, 0},
	{"select", 2, []string{"loading", "stale", "fast"}, 0, 0, 0},
	{"client", -2, []string{"noscript", "loading", "stale"}, 0, 0, 0},
	{"command", -1, []string{"loading", "stale"}, 0, 0, 0},
	{"config", -2, []string{"admin", "noscript", "loading", "stale"}, 0, 0, 0},
	{"info", -1, []string{"loading", "stale"}, 0, 0, 0},
	{"dbsize", 1, []string{"readonly", "fast"}, 0, 0, 0},
	{"time", 1, []string{"loading", "stale", "fast"}, 0, 0, 0},
}

func (c *conn) appendSpec(s commandSpec) {
	c.loop.Out = redcon.AppendArray(c.loop.Out, 10)
	c.loop.Out = redcon.AppendBulkString(c.loop.Out, s.name)
	c.loop.Out = redcon.AppendInt(c.loop.Out, int64(s.arity))
	c.loop.Out = redcon.AppendArray(c.loop.Out, len(s.flags))
	for _, f := range s.flags {
		c.loop.Out = redcon.AppendString(c.loop.Out, f)
	}
	c.loop.Out = redcon.AppendInt(c.loop.Out, int64(s.firstKey))
	c.loop.Out = redcon.AppendInt(c.loop.Out, int64(s.lastKey))
	c.loop.Out = redcon.AppendInt(c.loop.Out, int64(s.step))
	for range 4 { // ACL categories, tips, key specs, subcommands
		c.loop.Out = redcon.AppendArray(c.loop.Out, 0)
	}
}

func (c *conn) commandInfo(args [][]byte) {
	if len(args) == 1 {
		c.loop.Out = redcon.AppendArray(c.loop.Out, len(commandSpecs))
		for _, s := range commandSpecs {
			c.appendSpec(s)
		}
		return
	}
	switch sub := strings.ToUpper(string(args[1])); sub {
	case "COUNT":
		c.loop.Out = redcon.AppendInt(c.loop.Out, int64(len(commandSpecs)))
	case "LIST":
		c.loop.Out = redcon.AppendArray(c.loop.Out, len(commandSpecs))
		for _, s := range commandSpecs {
			c.loop.Out = redcon.AppendBulkString(c.loop.Out, s.name)
		}
	case "INFO":
		c.loop.Out = redcon.AppendArray(c.loop.Out, len(args)-2)
		for _, a := range args[2:] {
			found := false
			for _, s := range commandSpecs {
				if strings.EqualFold(s.name, string(a)) {
					c.appendSpec(s)
					found = true
					break
				}
			}
			if !found {
				c.nullReply()
			}
		}
	case "DOCS":
		// No documentation to give: an empty answer, which clients take as "no hints".
		c.appendMap(0)
	default:
		c.fail("ERR COMMAND " + quoteKey(args[1]) + " is not supported by Weir (COMMAND, COUNT, LIST, INFO and DOCS are)")
	}
}

// configParams are what CONFIG GET answers: the settings of Redis's that clients and tools
// ask about, with Weir's values.
func (c *conn) configParams() [][2]string {
	limit := c.s.e.Options().MemoryLimit
	if limit < 0 {
		limit = 0 // Redis's "no limit"
	}
	port := "0"
	if a := c.s.addr.Load(); a != nil {
		port = strconv.Itoa(a.Port)
	}
	return [][2]string{
		{"save", ""},
		{"appendonly", "no"},
		{"databases", "1"},
		{"maxmemory", strconv.FormatInt(limit, 10)},
		{"maxmemory-policy", "allkeys-lfu"},
		{"maxclients", strconv.Itoa(c.s.cfg.MaxConnections)},
		{"port", port},
		{"timeout", "0"},
		{"proto-max-bulk-len", strconv.Itoa(c.s.cfg.MaxCommandBytes)},
		{"cluster-enabled", "no"},
	}
}

func (c *conn) config(args [][]byte) {
	if len(args) < 2 {
		c.arity(args)
		return
	}
	sub := strings.ToUpper(string(args[1]))
	if sub != "GET" {
		c.fail("ERR CONFIG " + quoteKey(args[1]) + " is not supported: Weir is configured by the flags of weir serve")
		return
	}
	if len(args) < 3 {
		c.arity(args)
		return
	}
	var pairs [][2]string
	for _, p := range c.configParams() {
		for _, pat := range args[2:] {
			if ok, _ := path.Match(strings.ToLower(string(pat)), p[0]); ok {
				pairs = append(pairs, p)
				break
			}
		}
	}
	c.appendMap(len(pairs))
	for _, p := range pairs {
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, p[0])
		c.loop.Out = redcon.AppendBulkString(c.loop.Out, p[1])
	}
}

// info answers INFO [section …] with the sections server, clients, memory, stats,
// keyspace and caches (default: all of them).
func (c *conn) info(args [][]byte) {
	want := map[string]bool{}
	for _, a := range args[1:] {
		want[strings.ToLower(string(a))] = true
	}
	all := len(want) == 0 || want["all"] || want["everything"] || want["default"]
	var b strings.Builder
	section := func(name string) bool {
		if !all && !want[strings.ToLower(name)] {
			return false
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "# %s\r\n", name)
		return true
	}
	line := func(k string, v any) { fmt.Fprintf(&b, "%s:%v\r\n", k, v) }
	s := c.s
	stats := s.e.Stats()
	if section("Server") {
		port := 0
		if a := s.addr.Load(); a != nil {
			port = a.Port
		}
		line("redis_version", redisVersion)
		line("server_name", "weir")
		line("redis_mode", "standalone")
		line("os", runtime.GOOS)
		line("arch_bits", strconv.IntSize)
		line("go_version", runtime.Version())
		line("process_id", os.Getpid())
		line("tcp_port", port)
		line("uptime_in_seconds", int64(time.Since(s.started).Seconds()))
	}
	if section("Clients") {
		line("connected_clients", s.metrics.connected.Load())
		line("maxclients", s.cfg.MaxConnections)
	}
	if section("Memory") {
		limit := s.e.Options().MemoryLimit
		line("used_memory", s.e.MemoryInUse())
		line("maxmemory", max(limit, 0))
		line("maxmemory_policy", "allkeys-lfu")
	}
	var hits, misses, evicted int64
	keys := 0
	named := 0
	for _, st := range stats {
		if st.Name == "" {
			continue
		}
		named++
		hits += st.Hits
		misses += st.Misses
		evicted += st.Evictions
		keys += st.Keys
	}
	if section("Stats") {
		var cmds int64
		for i := range s.metrics.commands {
			cmds += s.metrics.commands[i].Load()
		}
		line("total_connections_received", s.metrics.accepted.Load())
		line("total_commands_processed", cmds)
		line("rejected_connections", s.metrics.rejected.Load())
		line("total_error_replies", s.metrics.errors.Load())
		line("keyspace_hits", hits)
		line("keyspace_misses", misses)
		line("evicted_keys", evicted)
	}
	if section("Keyspace") {
		if keys > 0 {
			line("db0", fmt.Sprintf("keys=%d,expires=0,avg_ttl=0", keys))
		}
	}
	if section("Caches") {
		line("caches", named)
		for _, st := range stats {
			if st.Name == "" {
				continue
			}
			line("cache_"+st.Name, fmt.Sprintf("keys=%d,bytes=%d,hits=%d,misses=%d,evictions=%d,partial=%d",
				st.Keys, st.Bytes, st.Hits, st.Misses, st.Evictions, boolInt(st.Partial)))
		}
	}
	c.appendText(b.String())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
