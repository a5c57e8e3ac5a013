package weir_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/reference"
	"github.com/weirdb/weir/internal/testclock"
	"pgregory.net/rapid"
)

// TestTimeWindowCountFollowsTheClock: a "last 30 seconds" count and an expiry view change
// as a fake clock moves, with no write in between.
func TestTimeWindowCountFollowsTheClock(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := testclock.At(t0)
	e := open(t, weir.Options{Clock: clock.Now, ManualClock: true})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE events (id INT PRIMARY KEY, user_id INT, created_at DATETIME, expires_at DATETIME)")
	recent := mustRegister(t, e, "recent", "SELECT COUNT(*) FROM events WHERE created_at > NOW() - INTERVAL 30 SECOND")
	live := mustRegister(t, e, "live", "SELECT id FROM events WHERE expires_at > NOW() ORDER BY id")
	byUser := mustRegister(t, e, "by_user", "SELECT user_id, COUNT(*) FROM events WHERE created_at >= NOW() - INTERVAL 1 MINUTE AND user_id = ? GROUP BY user_id")
	mustExec(t, e, "INSERT INTO events VALUES (1, 7, '2025-03-01 11:59:40', '2025-03-01 12:00:10'), (2, 7, '2025-03-01 11:59:55', '2025-03-01 12:01:00'), (3, 8, '2025-03-01 12:00:20', NULL)")
	res := mustExec(t, e, "INSERT INTO events VALUES (4, 7, '2025-03-01 11:58:00', '2025-03-01 11:59:00')")
	r, err := recent.LookupAfter(ctx, res.Token)
	wantRows(t, r, err, "3") // 1, 2 and 3 (dated in the future, after the bound too)
	r, err = live.LookupAfter(ctx, res.Token)
	wantRows(t, r, err, "1", "2")
	r, err = byUser.LookupAfter(ctx, res.Token, 7)
	wantRows(t, r, err, "7|2")

	step := func(at string, wantRecent string, wantLive []string, wantUser7 ...string) {
		t.Helper()
		tm, err := time.Parse(time.DateTime, at)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(tm)
		if err := e.AdvanceClock(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := recent.Lookup(ctx)
		wantRows(t, r, err, wantRecent)
		r, err = live.Lookup(ctx)
		wantRows(t, r, err, wantLive...)
		r, err = byUser.Lookup(ctx, 7)
		wantRows(t, r, err, wantUser7...)
	}
	step("2025-03-01 12:00:10", "2", []string{"2"}, "7|2")
	step("2025-03-01 12:00:11", "2", []string{"2"}, "7|2")
	step("2025-03-01 12:00:41", "1", []string{"2"}, "7|1")
	step("2025-03-01 12:00:56", "0", []string{"2"})
	step("2025-03-01 12:01:00", "0", nil)
	step("2025-03-01 12:00:51", "0", nil) // time never goes back
}

// temporalViews are the time-window queries the property test keeps, with the parameter
// values it reads them with (none: one unkeyed read).
var temporalViews = []struct {
	sql  string
	keys []any
}{
	{"SELECT COUNT(*) FROM ev WHERE created_at > NOW() - INTERVAL 30 SECOND", nil},
	{"SELECT user_id, COUNT(*) FROM ev WHERE created_at >= NOW() - INTERVAL 1 MINUTE AND user_id = ? GROUP BY user_id", []any{1, 2, 3}},
	{"SELECT id FROM ev WHERE expires_at > NOW() AND user_id = ?", []any{1, 2, 3}},
	{"SELECT id, created_at FROM ev WHERE created_at BETWEEN NOW() - INTERVAL 45 SECOND AND NOW()", nil},
	{"SELECT id FROM ev WHERE NOW() < expires_at AND created_at <= CURRENT_TIMESTAMP AND user_id <> 3", nil},
	{"SELECT user_id, SUM(id) FROM ev WHERE day = CURDATE() GROUP BY user_id", nil},
	{"SELECT COUNT(*) FROM ev WHERE day >= CURDATE() - INTERVAL 1 DAY AND UTC_TIMESTAMP() < expires_at + INTERVAL 10 SECOND", nil},
}

// TestTemporalFilterMatchesRecomputationAsTimePasses drives random writes, clock advances
// (a fake clock, no sleeps), evictions and late registrations, and checks after every step
// that every time-window view equals its query recomputed from scratch over the tables at
// the clock's instant.
func TestTemporalFilterMatchesRecomputationAsTimePasses(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		t0 := time.Date(2025, 3, 1, 23, 58, 0, 0, time.UTC)
		clock := testclock.At(t0)
		e, err := weir.Open(weir.Options{Clock: clock.Now, ManualClock: true, Domains: 2, MemoryLimit: -1})
		if err != nil {
			rt.Fatal(err)
		}
		defer e.Close()
		ctx := context.Background()
		if _, err := e.Exec(ctx, "CREATE TABLE ev (id INT PRIMARY KEY, user_id INT, created_at DATETIME, expires_at DATETIME, day DATE)"); err != nil {
			rt.Fatal(err)
		}
		var views []*weir.View
		register := func(i int) {
			v, err := e.Register(ctx, fmt.Sprintf("v%d", i), temporalViews[i].sql)
			if err != nil {
				rt.Fatalf("register %s: %v", temporalViews[i].sql, err)
			}
			views = append(views, v)
		}
		late := rapid.IntRange(0, len(temporalViews)).Draw(rt, "registered before writes")
		for i := range late {
			register(i)
		}
		var tok weir.Token
		instant := func(r *rapid.T, label string) string {
			d := rapid.IntRange(-150, 150).Draw(r, label)
			if d == 150 {
				return "NULL"
			}
			return "'" + clock.Now().Add(time.Duration(d)*time.Second).Format(time.DateTime) + "'"
		}
		check := func() {
			rows, err := e.TableRows(ctx, "ev")
			if err != nil {
				rt.Fatal(err)
			}
			tables := func(string) []dataflow.Row { return rows }
			for i, v := range views {
				keys := temporalViews[i].keys
				if keys == nil {
					keys = []any{nil}
				}
				for _, k := range keys {
					var args []any
					var vals []dataflow.Value
					if k != nil {
						args = []any{k}
						vals = []dataflow.Value{dataflow.Int(int64(k.(int)))}
					}
					got, err := v.LookupAfter(ctx, tok, args...)
					if err != nil {
						rt.Fatal(err)
					}
					want, err := reference.EvalAt(v.Plan(), tables, vals, clock.Now())
					if err != nil {
						rt.Fatal(err)
					}
					g, w := sortedTexts(texts(got)), sortedRowTexts(want)
					if !slices.Equal(g, w) {
						rt.Fatalf("at %s, %s with %v:\n got %q\nwant %q", clock.Now().Format(time.DateTime), temporalViews[i].sql, args, g, w)
					}
				}
			}
		}
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for range steps {
			switch rapid.IntRange(0, 6).Draw(rt, "action") {
			case 0, 1:
				id := rapid.IntRange(1, 12).Draw(rt, "id")
				day := "NULL"
				if d := rapid.IntRange(-2, 2).Draw(rt, "day"); d < 2 {
					day = "'" + clock.Now().AddDate(0, 0, d).Format(time.DateOnly) + "'"
				}
				sql := fmt.Sprintf("REPLACE INTO ev VALUES (%d, %d, %s, %s, %s)", id, rapid.IntRange(1, 3).Draw(rt, "user"),
					instant(rt, "created"), instant(rt, "expires"), day)
				res, err := e.Exec(ctx, sql)
				if err != nil {
					rt.Fatalf("%s: %v", sql, err)
				}
				tok = max(tok, res.Token)
			case 2:
				res, err := e.Exec(ctx, "DELETE FROM ev WHERE id = ?", rapid.IntRange(1, 12).Draw(rt, "id"))
				if err != nil {
					rt.Fatal(err)
				}
				tok = max(tok, res.Token)
			case 3, 4:
				step := time.Duration(rapid.IntRange(0, 70).Draw(rt, "seconds")) * time.Second
				if rapid.IntRange(0, 9).Draw(rt, "big") == 0 {
					step += time.Duration(rapid.IntRange(0, 36).Draw(rt, "hours")) * time.Hour
				}
				clock.Set(clock.Now().Add(step))
				if err := e.AdvanceClock(ctx); err != nil {
					rt.Fatal(err)
				}
			case 5:
				if _, err := e.Evict(ctx); err != nil {
					rt.Fatal(err)
				}
				for i, v := range views {
					for _, k := range temporalViews[i].keys {
						if err := v.Evict(ctx, k); err != nil {
							rt.Fatal(err)
						}
					}
				}
			case 6:
				if len(views) < len(temporalViews) {
					register(len(views))
				}
			}
			check()
		}
	})
}

func sortedTexts(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func sortedRowTexts(rows []dataflow.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		s := ""
		for j, v := range r {
			if j > 0 {
				s += "|"
			}
			s += v.ToText()
		}
		out[i] = s
	}
	slices.Sort(out)
	return out
}

// TestTimeWindowPartialView: a view keyed by user is partial; keys filled before and after
// the clock moved, evicted while it moved and filled again all show the window at the
// clock's instant, and a write after an advance is judged at that instant.
func TestTimeWindowPartialView(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	clock := testclock.At(t0)
	e := open(t, weir.Options{Clock: clock.Now, ManualClock: true, Domains: 2})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL, created_at DATETIME NOT NULL)")
	mustExec(t, e, "INSERT INTO orders VALUES (1, 1, '2025-06-01 07:10:00'), (2, 1, '2025-06-01 07:50:00'), (3, 2, '2025-06-01 07:30:00'), (4, 2, '2025-06-01 06:00:00')")
	v := mustRegister(t, e, "hourly", "SELECT user_id, COUNT(*) FROM orders WHERE created_at >= NOW() - INTERVAL 1 HOUR AND user_id = ? GROUP BY user_id")
	var partial bool
	for _, s := range e.Stats() {
		if s.Name == "hourly" {
			partial = s.Partial
		}
	}
	if !partial {
		t.Fatal("the view keyed by user is not partial")
	}
	advance := func(at string) {
		t.Helper()
		tm, err := time.Parse(time.DateTime, at)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(tm)
		if err := e.AdvanceClock(ctx); err != nil {
			t.Fatal(err)
		}
	}
	r, err := v.Lookup(ctx, 1) // filled at 08:00
	wantRows(t, r, err, "1|2")
	advance("2025-06-01 08:15:00")
	r, err = v.Lookup(ctx, 1) // kept current: order 1 left at 08:10
	wantRows(t, r, err, "1|1")
	r, err = v.Lookup(ctx, 2) // filled after the advance, at 08:15
	wantRows(t, r, err, "2|1")
	if err := v.Evict(ctx, 1); err != nil {
		t.Fatal(err)
	}
	advance("2025-06-01 08:51:00") // order 2 leaves while user 1 is a hole
	r, err = v.Lookup(ctx, 1)
	wantRows(t, r, err)
	r, err = v.Lookup(ctx, 2)
	wantRows(t, r, err)
	// A write is judged at the instant of the last advance, not at the clock's reading now.
	clock.Set(time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC))
	res := mustExec(t, e, "INSERT INTO orders VALUES (5, 2, '2025-06-01 07:55:00')")
	r, err = v.LookupAfter(ctx, res.Token, 2)
	wantRows(t, r, err, "2|1")
	if err := e.AdvanceClock(ctx); err != nil {
		t.Fatal(err)
	}
	r, err = v.Lookup(ctx, 2)
	wantRows(t, r, err)
}

// TestTimeWindowAdvancesWithoutACall: the engine's own clock goroutine advances a window
// when a change falls due, with no AdvanceClock: the row's expiry is 30ms after the view's
// instant, so the goroutine wakes then and reads the (moved) clock.
func TestTimeWindowAdvancesWithoutACall(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	clock := testclock.At(t0)
	e := open(t, weir.Options{Clock: clock.Now})
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE sessions (id INT PRIMARY KEY, expires_at DATETIME(3))")
	v := mustRegister(t, e, "live", "SELECT id FROM sessions WHERE expires_at > NOW(3)")
	res := mustExec(t, e, "INSERT INTO sessions VALUES (1, '2025-06-01 08:00:00.030'), (2, '2025-06-01 09:00:00')")
	r, err := v.LookupAfter(ctx, res.Token)
	wantRows(t, r, err, "1", "2")
	clock.Set(t0.Add(time.Second))
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := v.Lookup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Len() == 1 && texts(r)[0] == "2" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session 1 still live after 10s: %q", texts(r))
		}
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
		}
	}
}
