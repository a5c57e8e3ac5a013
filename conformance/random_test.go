package conformance

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// randomSeeds are the workloads TestRandomWorkload runs. They are fixed so that a failure
// reproduces; the generated scenario is printed with the failure.
var randomSeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8}

// randomQueries are the views a random workload reads: the stateful operators whose
// incremental maintenance is easiest to get wrong (extrema losing their extreme, top-k
// windows losing members, joins and outer joins with rows moving between keys, group
// membership changes).
const randomQueries = `
-- query rq_rows_by_group
-- args: 'a'
-- args: 'A'
-- args: 'b'
-- args: 'c'
SELECT id, v, d FROM r WHERE g = ?;

-- query rq_scalar_aggs_by_group
-- args: 'a'
-- args: 'b'
-- args: 'zz'
SELECT COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS s, MIN(v) AS lo, MAX(v) AS hi, AVG(d) AS ad FROM r WHERE g = ?;

-- query rq_groups
SELECT g, COUNT(*) AS n, SUM(d) AS s, MIN(d) AS lo, MAX(v) AS hi FROM r GROUP BY g;

-- query rq_group_concat
SELECT g, GROUP_CONCAT(v ORDER BY v) AS vs FROM r GROUP BY g;

-- query rq_json_arrayagg
SELECT g, JSON_ARRAYAGG(v ORDER BY v DESC) AS vs, JSON_ARRAYAGG(DISTINCT d ORDER BY d LIMIT 2) AS ds FROM r GROUP BY g;

-- query rq_topk_by_group ordered
-- args: 'a'
-- args: 'b'
-- args: 'c'
SELECT id, v FROM r WHERE g = ? ORDER BY v DESC, id LIMIT 2;

-- query rq_topk_global ordered
SELECT id, v FROM r ORDER BY v, id DESC LIMIT 3 OFFSET 1;

-- query rq_in_merge ordered
-- args: 'a', 'c'
-- args: 'b', 'd'
SELECT id FROM r WHERE g IN (?, ?) ORDER BY id DESC LIMIT 3;

-- query rq_join_by_group
-- args: 'a'
-- args: 'b'
SELECT r.id, s.id AS sid, s.w FROM r JOIN s ON s.rid = r.id WHERE r.g = ?;

-- query rq_left_join_counts
SELECT r.id, COUNT(s.id) AS n, MAX(s.w) AS top FROM r LEFT JOIN s ON s.rid = r.id GROUP BY r.id;

-- query rq_join_aggregate_by_group
-- args: 'a'
-- args: 'c'
SELECT COUNT(*) AS n, SUM(s.w) AS total FROM r JOIN s ON s.rid = r.id WHERE r.g = ?;

-- query rq_distinct_by_group
-- args: 'a'
-- args: 'b'
SELECT DISTINCT v FROM r WHERE g = ?;

-- query rq_semi_join
SELECT id, g FROM r WHERE id IN (SELECT rid FROM s WHERE w > 0);

-- query rq_exists
SELECT id FROM r WHERE EXISTS (SELECT 1 FROM s WHERE s.rid = r.id AND s.w > 0);

-- query rq_not_exists_by_group
-- args: 'a'
-- args: 'b'
SELECT id, v FROM r WHERE g = ? AND NOT EXISTS (SELECT 1 FROM s WHERE s.rid = r.id);

-- query rq_not_exists_uncorrelated
SELECT id FROM r WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.w > 7);

-- query rq_not_in_nulls
SELECT id FROM r WHERE v NOT IN (SELECT w FROM s WHERE s.rid > 3);

-- query rq_not_in_correlated
SELECT id FROM r WHERE v NOT IN (SELECT s.w FROM s WHERE s.rid = r.id);

-- query rq_in_value_nulls
SELECT id, v IN (SELECT w FROM s WHERE s.rid > 3) AS f, v NOT IN (SELECT w FROM s) AS g FROM r;

-- query rq_in_value_correlated
SELECT id, v NOT IN (SELECT s.w FROM s WHERE s.rid = r.id) AS f FROM r;

-- query rq_in_value_where
SELECT id FROM r WHERE (v IN (SELECT w FROM s WHERE s.rid < 6)) IS NOT FALSE;

-- query rq_in_value_grouped
SELECT g, SUM(v IN (SELECT w FROM s)) AS n, COUNT(*) AS c FROM r GROUP BY g HAVING g NOT IN (SELECT g FROM r WHERE v > 7);

-- query rq_union
SELECT v AS x FROM r WHERE g = 'a' UNION SELECT w FROM s WHERE w < 5;

-- query rq_having
SELECT g, COUNT(*) AS n FROM r GROUP BY g HAVING COUNT(*) >= 2;

-- query rq_window_by_group
-- args: 'a'
-- args: 'c'
SELECT id, ROW_NUMBER() OVER (ORDER BY v DESC, id) AS rn, SUM(d) OVER (ORDER BY v DESC, id) AS s FROM r WHERE g = ?;

-- query rq_window_partitions
SELECT id, RANK() OVER (PARTITION BY g ORDER BY v) AS rk, LAG(v) OVER (PARTITION BY g ORDER BY id) AS pv, COUNT(v) OVER (PARTITION BY g ORDER BY d, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS c FROM r;

-- query rq_window_top2
SELECT id, g FROM (SELECT id, g, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v DESC, id) AS rn FROM r) x WHERE rn <= 2;

-- query rq_window_range
SELECT id, SUM(v) OVER (ORDER BY v RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s FROM r;
`

// genWorkload writes a scenario of random writes to two small tables, with checkpoints
// between short blocks. Plain inserts take fresh ids, so every statement is valid without
// tracking which rows exist; REPLACE and upserts reuse old ids, and updates and deletes
// name ids that may be gone (affecting no row, which is compared too).
func genWorkload(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	groups := []string{"'a'", "'b'", "'c'", "'d'", "NULL"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	intOrNull := func(lo, hi int) string {
		if rng.IntN(6) == 0 {
			return "NULL"
		}
		return fmt.Sprint(lo + rng.IntN(hi-lo+1))
	}
	decOrNull := func() string {
		if rng.IntN(6) == 0 {
			return "NULL"
		}
		return fmt.Sprintf("%d.%02d", rng.IntN(40)-10, rng.IntN(100))
	}
	nextR, nextS := 1, 1
	rRow := func(id int) string {
		return fmt.Sprintf("(%d, %s, %s, %s)", id, pick(groups), intOrNull(-5, 9), decOrNull())
	}
	sRow := func(id int) string {
		return fmt.Sprintf("(%d, %s, %s)", id, intOrNull(1, nextR+1), intOrNull(-3, 9))
	}
	// Ids below nextR were handed out and may or may not still exist; nextR itself is
	// reserved for the next plain insert.
	oldR := func() int { return 1 + rng.IntN(nextR-1) }
	oldS := func() int { return 1 + rng.IntN(nextS-1) }

	var b strings.Builder
	b.WriteString("-- setup\n")
	b.WriteString("CREATE TABLE r (id INT NOT NULL PRIMARY KEY, g VARCHAR(5), v INT, d DECIMAL(6,2));\n")
	b.WriteString("CREATE TABLE s (id INT NOT NULL PRIMARY KEY, rid INT, w INT);\n")
	for range 8 {
		fmt.Fprintf(&b, "INSERT INTO r VALUES %s;\n", rRow(nextR))
		nextR++
		fmt.Fprintf(&b, "INSERT INTO s VALUES %s;\n", sRow(nextS))
		nextS++
	}
	b.WriteString(randomQueries)

	for range 8 {
		b.WriteString("\n-- writes\n")
		for range 2 + rng.IntN(5) {
			switch rng.IntN(12) {
			case 0, 1:
				fmt.Fprintf(&b, "INSERT INTO r VALUES %s, %s;\n", rRow(nextR), rRow(nextR+1))
				nextR += 2
			case 2:
				fmt.Fprintf(&b, "INSERT INTO s VALUES %s;\n", sRow(nextS))
				nextS++
			case 3:
				fmt.Fprintf(&b, "REPLACE INTO r VALUES %s;\n", rRow(oldR()))
			case 4:
				fmt.Fprintf(&b, "INSERT INTO r VALUES %s ON DUPLICATE KEY UPDATE v = VALUES(v), g = VALUES(g);\n", rRow(oldR()))
			case 5:
				fmt.Fprintf(&b, "UPDATE r SET v = %s WHERE id = %d;\n", intOrNull(-5, 9), oldR())
			case 6:
				fmt.Fprintf(&b, "UPDATE r SET g = %s, d = %s WHERE id = %d;\n", pick(groups), decOrNull(), oldR())
			case 7:
				fmt.Fprintf(&b, "UPDATE r SET v = v + %d WHERE g = %s;\n", rng.IntN(7)-3, pick(groups))
			case 8:
				fmt.Fprintf(&b, "DELETE FROM r WHERE id = %d;\n", oldR())
			case 9:
				// Deleting by value removes a varying number of rows, often a group's extreme.
				v := rng.IntN(15) - 5
				fmt.Fprintf(&b, "DELETE FROM r WHERE v BETWEEN %d AND %d;\n", v, v+1)
			case 10:
				if rng.IntN(2) == 0 {
					fmt.Fprintf(&b, "DELETE FROM s WHERE id = %d;\n", oldS())
				} else {
					fmt.Fprintf(&b, "UPDATE s SET rid = %s, w = %s WHERE id = %d;\n", intOrNull(1, nextR), intOrNull(-3, 9), oldS())
				}
			case 11:
				fmt.Fprintf(&b, "UPDATE s SET w = w * -1 WHERE rid = %d;\n", oldR())
			}
		}
	}
	return b.String()
}

// TestRandomWorkload compares Weir and MariaDB over generated write sequences, reading the
// same views after every short block of writes.
func TestRandomWorkload(t *testing.T) {
	m := testserver.StartMariaDB(t)
	for _, seed := range randomSeeds {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			t.Parallel()
			src := genWorkload(seed)
			name := fmt.Sprintf("random_%d", seed)
			sc, err := ParseScenario(name, strings.NewReader(src))
			if err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			ref := mariaTarget(t, m, "weir_"+name, false)
			eng, err := weir.Open(weir.Options{})
			if err != nil {
				t.Fatalf("open Weir: %v", err)
			}
			t.Cleanup(func() {
				if err := eng.Close(); err != nil {
					t.Errorf("close Weir: %v", err)
				}
			})
			rep := Run(t.Context(), sc, ref, NewWeirTarget(eng), Options{PrepareBeforeData: seed%2 == 0})
			report(t, rep)
			if len(rep.Failures) > 0 {
				t.Logf("generated scenario %s:\n%s", name, src)
			}
		})
	}
}

// The generator must produce valid scenarios, and the same one for the same seed.
func TestGenWorkload(t *testing.T) {
	for _, seed := range randomSeeds {
		a, b := genWorkload(seed), genWorkload(seed)
		if a != b {
			t.Fatalf("seed %d generated two different workloads", seed)
		}
		if _, err := ParseScenario("gen", strings.NewReader(a)); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, a)
		}
	}
	if genWorkload(1) == genWorkload(2) {
		t.Fatal("different seeds generated the same workload")
	}
}
