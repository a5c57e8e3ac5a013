package main

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeDDLSurvivesKill9 is the kill -9 test for changes to the schema and for
// transactions: while writers update rows, a client alters the table under them (columns
// added with a default that names the step, columns dropped, a column retyped and back) and
// replaces a SQL view over it after each ALTER, another moves amounts between accounts in
// multi-statement transactions that also write a ledger row, and the server is killed at a
// random point. After each restart:
//
//   - the table's columns are those of the last acknowledged ALTER, or of the one in flight
//     when the server died, never a mix;
//   - every row has every column's value right (a column added at step k holds k in every
//     row), so no ALTER is half-applied to the rows;
//   - every acknowledged UPDATE is there, the one in flight wholly or not at all;
//   - the named cache over the table, planned again after every ALTER, reads the same as a
//     query shape installed only then, backfilled from the base rows;
//   - the view is the last acknowledged CREATE OR REPLACE VIEW or the one in flight, and
//     reads the base rows;
//   - every acknowledged transaction is whole and the one in flight wholly there or absent:
//     the balances add up, and each equals its opening amount moved by exactly the ledger
//     rows present.
func TestServeDDLSurvivesKill9(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	rng := rand.New(rand.NewPCG(crashSeed(t), 7))

	c := &crashCluster{t: t, dir: t.TempDir()}
	defer c.kill()
	c.start()
	db := c.open()
	mustExec(t, db, "CREATE TABLE churn (id INT PRIMARY KEY, v INT NOT NULL)")
	m := &ddlModel{values: map[int]int{}, transfers: map[int]ddlTransfer{}, viewInflight: -1}
	for id := range ddlRows {
		mustExec(t, db, fmt.Sprintf("INSERT INTO churn VALUES (%d, 0)", id))
		m.values[id] = 0
	}
	mustExec(t, db, "CREATE CACHE churn_v FROM SELECT id, v FROM churn WHERE id = ?")
	mustExec(t, db, "CREATE VIEW churn_view AS SELECT id, v, 0 AS step FROM churn")
	mustExec(t, db, "CREATE TABLE acct (id INT PRIMARY KEY, bal INT NOT NULL)")
	mustExec(t, db, "CREATE TABLE ledger (id INT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, amt INT NOT NULL)")
	for id := range ddlAccounts {
		mustExec(t, db, fmt.Sprintf("INSERT INTO acct VALUES (%d, %d)", id, ddlOpening))
	}
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
	t.Logf("%d kills, %d ALTERs acknowledged, %d columns now; of the ALTERs in flight at a kill, %d took effect and %d did not; %d transactions committed",
		rounds, alters, len(m.cols), m.tookEffect, m.lost, m.txCommits)
}

const (
	ddlRows     = 16
	ddlAccounts = 6
	ddlOpening  = 1000
)

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
	// viewStep is the step of the last acknowledged CREATE OR REPLACE VIEW; viewInflight
	// the one in flight at the kill, -1 for none.
	viewStep, viewInflight int
	// transfers are the acknowledged transactions by ledger id; txInflight is the one in
	// flight at the kill (id 0 for none); nextTx numbers them.
	transfers  map[int]ddlTransfer
	txInflight ddlTransfer
	nextTx     int
	txCommits  int
}

// ddlTransfer is one transaction: amt moves from account src to account dst, and ledger
// row id records it.
type ddlTransfer struct{ id, src, dst, amt int }

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
	wg.Add(3)
	go func() {
		defer wg.Done()
		conn, err := db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			m.nextTx++
			tr := ddlTransfer{id: m.nextTx, src: m.nextTx % ddlAccounts, dst: (m.nextTx*7 + 1) % ddlAccounts, amt: 1 + m.nextTx%13}
			m.txInflight = tr
			for _, q := range []string{
				"BEGIN",
				fmt.Sprintf("UPDATE acct SET bal = bal - %d WHERE id = %d", tr.amt, tr.src),
				fmt.Sprintf("UPDATE acct SET bal = bal + %d WHERE id = %d", tr.amt, tr.dst),
				fmt.Sprintf("INSERT INTO ledger VALUES (%d, %d, %d, %d)", tr.id, tr.src, tr.dst, tr.amt),
				"COMMIT",
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return
				}
			}
			m.transfers[tr.id] = tr
			m.txInflight = ddlTransfer{}
			m.txCommits++
		}
	}()
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
			m.viewInflight = m.step
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW churn_view AS SELECT id, v, %d AS step FROM churn", m.step)); err != nil {
				return
			}
			m.viewStep, m.viewInflight = m.step, -1
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
	m.verifyView(c, db, when, seen)
	m.verifyTransfers(c, db, when)
}

// verifyView checks the view is the last acknowledged definition or the one in flight, and
// reads the base rows.
func (m *ddlModel) verifyView(c *crashCluster, db *sql.DB, when string, base map[int]int) {
	t := c.t
	t.Helper()
	c.probe++
	rows, err := db.Query(fmt.Sprintf("SELECT id, v, step, %d AS probe FROM churn_view", c.probe))
	if err != nil {
		t.Fatalf("%s: reading the view: %v", when, err)
	}
	defer rows.Close()
	got := map[int]int{}
	steps := map[int]bool{}
	for rows.Next() {
		var id, v, step, probe int
		if err := rows.Scan(&id, &v, &step, &probe); err != nil {
			t.Fatal(err)
		}
		got[id] = v
		steps[step] = true
	}
	for step := range steps {
		if step != m.viewStep && step != m.viewInflight {
			t.Errorf("%s: the view says step %d; acknowledged %d, in flight %d", when, step, m.viewStep, m.viewInflight)
		}
		m.viewStep = step
	}
	if len(steps) > 1 {
		t.Errorf("%s: the view mixes definitions: steps %v", when, steps)
	}
	if !maps.Equal(got, base) {
		t.Errorf("%s: the view reads %v, the base rows are %v", when, got, base)
	}
	m.viewInflight = -1
}

// verifyTransfers checks that every acknowledged transaction is whole and the one in flight
// wholly there or wholly absent.
func (m *ddlModel) verifyTransfers(c *crashCluster, db *sql.DB, when string) {
	t := c.t
	t.Helper()
	c.probe++
	ledger := map[int]ddlTransfer{}
	rows, err := db.Query(fmt.Sprintf("SELECT id, src, dst, amt, %d AS probe FROM ledger", c.probe))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	for rows.Next() {
		var tr ddlTransfer
		var probe int
		if err := rows.Scan(&tr.id, &tr.src, &tr.dst, &tr.amt, &probe); err != nil {
			t.Fatal(err)
		}
		ledger[tr.id] = tr
	}
	rows.Close()
	for id := range m.transfers {
		if _, ok := ledger[id]; !ok {
			t.Errorf("%s: the acknowledged transaction %d is gone", when, id)
		}
	}
	for id, tr := range ledger {
		if _, ok := m.transfers[id]; !ok && (id != m.txInflight.id || tr != m.txInflight) {
			t.Errorf("%s: ledger row %v was never committed", when, tr)
		}
	}
	want := map[int]int{}
	for id := range ddlAccounts {
		want[id] = ddlOpening
	}
	for _, tr := range ledger {
		want[tr.src] -= tr.amt
		want[tr.dst] += tr.amt
	}
	rows, err = db.Query(fmt.Sprintf("SELECT id, bal, %d AS probe FROM acct", c.probe))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	got := map[int]int{}
	for rows.Next() {
		var id, bal, probe int
		if err := rows.Scan(&id, &bal, &probe); err != nil {
			t.Fatal(err)
		}
		got[id] = bal
	}
	rows.Close()
	if !maps.Equal(got, want) {
		t.Errorf("%s: balances %v, but the ledger rows present make them %v: a transaction is half there", when, got, want)
	}
	m.transfers = ledger
	m.txInflight = ddlTransfer{}
}
