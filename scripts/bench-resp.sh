#!/usr/bin/env bash
# bench-resp.sh: server CPU per GET of Weir's Redis-protocol listener against redis-server,
# in one run. Both hold the same JSON value under the same key (Weir: the cache `key`, one INT
# parameter; Redis: that cache's value, SET under the key redis-benchmark reads), and
# redis-benchmark reads it with 16 clients, without pipelining and with -P 16, in alternating
# rounds. Server CPU is the time every thread of the server ran, from
# /proc/<pid>/task/*/schedstat around each run (Linux; nanoseconds, where /proc/<pid>/stat's
# clock ticks of 10 ms made a -P 16 run's figure a few dozen ticks). A -P 16 run makes four
# times the requests of a run without pipelining.
#
# Needs: go, redis-server, redis-benchmark, redis-cli, the mariadb client.
# Usage: scripts/bench-resp.sh [requests per run, default 200000] [rounds, default 3]
# WEIR_BIN=path runs that weir binary instead of building this tree's; BASE_BIN=path runs a
# second one beside it (a third server, "base": another commit's build, say), and PPROF=dir
# saves a CPU profile of each Weir server (first round, -P 1) there.
#
# Where a C compiler is found (cc), a fourth server runs beside them: scripts/floor-server.c,
# which answers every GET with the same value and does nothing else. Its CPU per GET is the
# floor on this machine for any server that answers one request per TCP message (the wait,
# the read, the write and its loopback delivery). FLOOR=0 leaves it out.
set -euo pipefail
n=${1:-200000}
rounds=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
weir_bin=${WEIR_BIN:-}
if [ -z "$weir_bin" ]; then
	(cd "$root" && go build -o "$work/weir" ./cmd/weir)
	weir_bin=$work/weir
fi
declare -A port pid pprof_port
sides="redis weir"
[ -n "${BASE_BIN:-}" ] && sides="redis weir base"
if [ "${FLOOR:-1}" != 0 ] && command -v cc >/dev/null; then
	cc -O2 -o "$work/floor-server" "$root/scripts/floor-server.c"
	sides="$sides floor"
fi
# start_weir side binary: a Weir server holding the benchmark's cache.
start_weir() {
	local mysql_port
	mysql_port=$(free_port); port[$1]=$(free_port); pprof_port[$1]=$(free_port)
	"$2" serve --data-dir "" --listen 127.0.0.1:$mysql_port --http "" --pprof 127.0.0.1:${pprof_port[$1]} \
		--resp 127.0.0.1:${port[$1]} --log-level warn >"$work/$1.log" 2>&1 &
	pid[$1]=$!
	for _ in $(seq 100); do
		redis-cli -p ${port[$1]} PING >/dev/null 2>&1 && break
		sleep 0.1
	done
	mariadb -h127.0.0.1 -P$mysql_port -uroot weir -e "
		CREATE TABLE articles (id INT PRIMARY KEY, title VARCHAR(200), body VARCHAR(200));
		INSERT INTO articles VALUES (0, 'A title for the benchmark',
			'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna');
		CREATE CACHE \`key\` FROM SELECT id, title, body FROM articles WHERE id = ?;"
}
start_weir weir "$weir_bin"
[ -n "${BASE_BIN:-}" ] && start_weir base "$BASE_BIN"
redis_port=$(free_port)
redis-server --port $redis_port --save '' --appendonly no >"$work/redis.log" 2>&1 &
port[redis]=$redis_port pid[redis]=$!
for _ in $(seq 100); do
	redis-cli -p $redis_port PING >/dev/null 2>&1 && break
	sleep 0.1
done
value=$(redis-cli -p ${port[weir]} GET key:000000000000)
if [ -n "${BASE_BIN:-}" ] && [ "$(redis-cli -p ${port[base]} GET key:000000000000)" != "$value" ]; then
	echo "values differ" >&2
	exit 1
fi
redis-cli -p $redis_port SET key:000000000000 "$value" >/dev/null
[ "$(redis-cli -p $redis_port GET key:000000000000)" = "$value" ] || { echo "values differ" >&2; exit 1; }
if [[ " $sides " == *" floor "* ]]; then
	port[floor]=$(free_port)
	"$work/floor-server" ${port[floor]} "$value" >"$work/floor.log" 2>&1 &
	pid[floor]=$!
	for _ in $(seq 100); do
		[ "$(redis-cli -p ${port[floor]} GET key:000000000000 2>/dev/null)" = "$value" ] && break
		sleep 0.1
	done
fi
echo "value: ${#value} bytes of JSON under key:000000000000; $n GETs per run, 16 clients"

cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%d\n", s }'; }
declare -A total
for pipeline in 1 16; do
	for side in $sides; do total[$side.$pipeline]=0; done
	requests=$n
	[ $pipeline = 1 ] || requests=$((4 * n))
	for round in $(seq "$rounds"); do
		for side in $sides; do
			profile=
			if [ -n "${PPROF:-}" ] && [ $side != redis ] && [ $round = 1 ] && [ $pipeline = 1 ]; then
				mkdir -p "$PPROF"
				curl -s -o "$PPROF/$side.pprof" "http://127.0.0.1:${pprof_port[$side]}/debug/pprof/profile?seconds=2" &
				profile=$!
			fi
			t0=$(cpu_ns ${pid[$side]})
			if [ $side = floor ]; then
				# It answers redis-benchmark's CONFIG GET with the value, which makes it warn.
				redis-benchmark -p ${port[$side]} -t get -r 1 -c 16 -P $pipeline -n "$requests" -q >/dev/null 2>&1
			else
				redis-benchmark -p ${port[$side]} -t get -r 1 -c 16 -P $pipeline -n "$requests" -q >/dev/null
			fi
			t1=$(cpu_ns ${pid[$side]})
			[ -n "$profile" ] && wait $profile
			total[$side.$pipeline]=$(( ${total[$side.$pipeline]} + t1 - t0 ))
			awk -v t=$((t1 - t0)) -v n=$requests -v s=$side -v p=$pipeline -v r=$round \
				'BEGIN { printf "  -P %-2d round %d %-6s %6.2f µs CPU per GET\n", p, r, s, t / 1e3 / n }'
		done
	done
	awk -v w=${total[weir.$pipeline]} -v r=${total[redis.$pipeline]} -v n=$((requests * rounds)) -v p=$pipeline \
		'BEGIN { printf "-P %-2d  redis-server %.2f µs, Weir %.2f µs CPU per GET: Weir ÷ Redis %.2f×\n", p, r / 1e3 / n, w / 1e3 / n, w / r }'
	if [ -n "${BASE_BIN:-}" ]; then
		awk -v w=${total[base.$pipeline]} -v r=${total[redis.$pipeline]} -v n=$((requests * rounds)) -v p=$pipeline \
			'BEGIN { printf "-P %-2d  base %.2f µs CPU per GET: base ÷ Redis %.2f×\n", p, w / 1e3 / n, w / r }'
	fi
	if [[ " $sides " == *" floor "* ]]; then
		awk -v f=${total[floor.$pipeline]} -v w=${total[weir.$pipeline]} -v r=${total[redis.$pipeline]} -v n=$((requests * rounds)) -v p=$pipeline \
			'BEGIN { printf "-P %-2d  floor %.2f µs CPU per GET: Weir ÷ floor %.2f×, Redis ÷ floor %.2f×\n", p, f / 1e3 / n, w / f, r / f }'
	fi
done
