package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// TestServeDDLSurvivesKill9 is the kill -9 test for changes to the schema: while writers
// update rows, a client alters the table under them (columns added with a default that
// names the step, columns dropped, a column retyped and back), and the server is killed at
// a random point. After each restart:
//
//   - the table's columns are those of the last acknowledged ALTER, or of the one in flight
//     when the server died, never a mix;
//   - every row has every column's value right (a column added at step k holds k in every
//     row), so no ALTER is half-applied to the rows;
//   - every acknowledged UPDATE is there, the one in flight wholly or not at all;
//   - the named cache over the table, planned again after every ALTER, reads the same as a
//     query shape installed only then, backfilled from the base rows.
func TestServeDDLSurvivesKill9(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WEIR_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (WEIR_CRASH_SEED reruns it)", seed)
	_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	defer func() { _ = mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime|log.Lshortfile)) }()
	rng := rand.New(rand.NewPCG(seed, 7))

	c := &crashCluster{t: t, dir: t.TempDir()}
	defer c.kill()
	c.start()
	db := c.open()
	mustExec(t, db, "CREATE TABLE churn (id INT PRIMARY KEY, v INT NOT NULL)")
	m := &ddlModel{values: map[int]int{}}
	for id := range ddlRows {
		mustExec(t, db, fmt.Sprintf("INSERT INTO churn VALUES (%d, 0)", id))
		m.values[id] = 0
	}
	mustExec(t, db, "CREATE CACHE churn_v FROM SELECT id, v FROM churn WHERE id = ?")
	db.Close()

	var alters int
	for round := range rounds {
		db := c.open()
		// The kill lands a random moment after the target: often inside the next ALTER.
		alters += m.runUntilKilled(c, db, rng.IntN(12), time.Duration(rng.IntN(4000))*time.Microsecond)
		db.Close()
		c.start()
		db = c.open()
		m.verify(c, db, fmt.Sprintf("after kill %d", round+1))
		db.Close()
		if t.Failed() {
			return
		}
	}
	t.Logf("%d kills, %d ALTERs acknowledged, %d columns now; of the ALTERs in flight at a kill, %d took effect and %d did not",
		rounds, alters, len(m.cols), m.tookEffect, m.lost)
}

const ddlRows = 16

// ddlModel is what the clients were told: the table's extra columns in order (each named
// c<k> and holding k), v per row, and the statements whose outcome they do not know.
type ddlModel struct {
	step    int
	cols    []string // the extra columns after id and v, as the last acknowledged ALTER left them
	retyped bool     // v is BIGINT
	values  map[int]int
	// inflight is the columns (and v's type) if the ALTER in flight at the kill took
	// effect; nil when none was in flight.
	inflight        []string
	inflightRetyped bool
	// doubt is the row whose UPDATE was in flight, -1 for none.
	doubt int
	// tookEffect and lost count the ALTERs in flight at a kill that a restart showed
	// applied and not applied.
	tookEffect, lost int
}

// nextAlter returns the next ALTER and the columns it leaves.
func (m *ddlModel) nextAlter() (string, []string, bool) {
	m.step++
	k := m.step
	switch {
	case k%5 == 0:
		typ := "BIGINT"
		if m.retyped {
			typ = "INT"
		}
		return fmt.Sprintf("ALTER TABLE churn MODIFY v %s NOT NULL", typ), m.cols, !m.retyped
	case k%3 == 0 && len(m.cols) > 0:
		return fmt.Sprintf("ALTER TABLE churn DROP COLUMN %s", m.cols[0]), slices.Clone(m.cols[1:]), m.retyped
	}
	name := fmt.Sprintf("c%d", k)
	return fmt.Sprintf("ALTER TABLE churn ADD COLUMN %s INT NOT NULL DEFAULT %d", name, k),
		append(slices.Clone(m.cols), name), m.retyped
}

// runUntilKilled alters the table while a writer updates it, and kills the server once
// target ALTERs are acknowledged. It returns how many were.
func (m *ddlModel) runUntilKilled(c *crashCluster, db *sql.DB, target int, delay time.Duration) int {
	ctx := context.Background()
	m.inflight, m.doubt = nil, -1
	var acked atomic.Int64
	reached := make(chan struct{})
	var once sync.Once
	if target == 0 {
		once.Do(func() { close(reached) })
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		conn, err := db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			q, cols, retyped := m.nextAlter()
			m.inflight, m.inflightRetyped = cols, retyped
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return // the kill: in doubt
			}
			m.cols, m.retyped, m.inflight = cols, retyped, nil
			if acked.Add(1) == int64(target) {
				once.Do(func() { close(reached) })
			}
		}
	}()
	go func() {
		defer wg.Done()
		conn, err := db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		for i := 0; ; i++ {
			id := i % ddlRows
			m.doubt = id
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("UPDATE churn SET v = v + 1 WHERE id = %d", id)); err != nil {
				return
			}
			m.values[id]++
			m.doubt = -1
		}
	}()
	select {
	case <-reached:
		<-time.After(delay)
	case <-time.After(2 * time.Minute):
		c.t.Errorf("only %d of %d ALTERs acknowledged in time", acked.Load(), target)
	}
	c.kill()
	wg.Wait()
	return int(acked.Load())
}

// verify checks the restarted server against the model and makes what it read the model's
// truth.
func (m *ddlModel) verify(c *crashCluster, db *sql.DB, when string) {
	t := c.t
	t.Helper()
	rows, err := db.Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'churn' ORDER BY ordinal_position")
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	var cols []string
	retyped := false
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		switch name {
		case "id":
		case "v":
			retyped = typ == "bigint"
		default:
			cols = append(cols, name)
		}
	}
	rows.Close()
	switch {
	case slices.Equal(cols, m.cols) && retyped == m.retyped:
		if m.inflight != nil {
			m.lost++
		}
	case m.inflight != nil && slices.Equal(cols, m.inflight) && retyped == m.inflightRetyped:
		// The ALTER in flight at the kill took effect, wholly.
		m.tookEffect++
	default:
		t.Fatalf("%s: columns %v (v BIGINT: %v); acknowledged %v (%v), in flight %v (%v)",
			when, cols, retyped, m.cols, m.retyped, m.inflight, m.inflightRetyped)
	}
	m.cols, m.retyped = cols, retyped

	c.probe++
	list := append([]string{"id", "v"}, cols...)
	rows, err = db.Query(fmt.Sprintf("SELECT %s, %d AS probe FROM churn", strings.Join(list, ", "), c.probe))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	seen := map[int]int{}
	for rows.Next() {
		vals := make([]int, len(list)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		id, v := vals[0], vals[1]
		for i, name := range cols {
			if want, _ := strconv.Atoi(name[1:]); vals[2+i] != want {
				t.Errorf("%s: row %d has %s = %d, want %d: the ALTER that added it is half-applied", when, id, name, vals[2+i], want)
			}
		}
		want := m.values[id]
		if v != want && !(id == m.doubt && v == want+1) {
			t.Errorf("%s: row %d has v = %d; acknowledged %d (in doubt: %v)", when, id, v, want, id == m.doubt)
		}
		seen[id] = v
	}
	rows.Close()
	if len(seen) != ddlRows {
		t.Errorf("%s: %d rows, want %d", when, len(seen), ddlRows)
	}
	for id, v := range seen {
		m.values[id] = v
		var gotID, gotV int
		if err := db.QueryRow("SELECT id, v FROM churn WHERE id = ?", id).Scan(&gotID, &gotV); err != nil {
			t.Fatalf("%s: the cache churn_v for %d: %v", when, id, err)
		}
		if gotV != v {
			t.Errorf("%s: the cache churn_v reads v = %d for row %d, the base rows %d", when, gotV, id, v)
		}
	}
	m.doubt, m.inflight = -1, nil
}
