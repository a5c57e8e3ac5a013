package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/internal/testserver"
)

// MariaDB, the MySQL dialect's oracle, has no INTERVAL in RANGE frames, and MySQL is not
// installed; PostgreSQL has them. TestRangeIntervalFramesAgainstPostgres runs MySQL-dialect
// windows with INTERVAL offsets through Weir's engine and the same windows spelled in
// PostgreSQL's dialect on a private PostgreSQL, over the same rows, before and after writes,
// and requires the same rows. PostgreSQL sorts NULLs last ascending, MySQL first: the
// PostgreSQL spellings say NULLS FIRST (ascending) and NULLS LAST (descending) to sort them
// as MySQL does; under a value offset a NULL key's frame is its peers in both.

// frameCase is one window in both dialects; the key argument, when set, is the partition read.
type frameCase struct {
	name, mysql, pg string
	keys            []any
}

var intervalFrameCases = []frameCase{
	{"week_running_sum",
		"SELECT id, SUM(v) OVER (PARTITION BY p ORDER BY d RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND CURRENT ROW) AS s FROM ev",
		"SELECT id, sum(v) OVER (PARTITION BY p ORDER BY d NULLS FIRST RANGE BETWEEN INTERVAL '7 days' PRECEDING AND CURRENT ROW) AS s FROM ev", nil},
	{"desc_days_both_sides",
		"SELECT id, COUNT(*) OVER (ORDER BY d DESC RANGE BETWEEN INTERVAL 2 DAY PRECEDING AND INTERVAL 1 DAY FOLLOWING) AS n FROM ev",
		"SELECT id, count(*) OVER (ORDER BY d DESC NULLS LAST RANGE BETWEEN INTERVAL '2 days' PRECEDING AND INTERVAL '1 day' FOLLOWING) AS n FROM ev", nil},
	{"month_clamped",
		"SELECT id, MAX(v) OVER (PARTITION BY p ORDER BY d RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND CURRENT ROW) AS m FROM ev",
		"SELECT id, max(v) OVER (PARTITION BY p ORDER BY d NULLS FIRST RANGE BETWEEN INTERVAL '1 month' PRECEDING AND CURRENT ROW) AS m FROM ev", nil},
	{"date_hours",
		"SELECT id, COUNT(v) OVER (ORDER BY d RANGE BETWEEN INTERVAL 36 HOUR PRECEDING AND INTERVAL 12 HOUR FOLLOWING) AS n FROM ev",
		"SELECT id, count(v) OVER (ORDER BY d NULLS FIRST RANGE BETWEEN INTERVAL '36 hours' PRECEDING AND INTERVAL '12 hours' FOLLOWING) AS n FROM ev", nil},
	{"following_only",
		"SELECT id, MIN(id) OVER (PARTITION BY p ORDER BY d RANGE BETWEEN INTERVAL 1 DAY FOLLOWING AND INTERVAL 3 DAY FOLLOWING) AS m FROM ev",
		"SELECT id, min(id) OVER (PARTITION BY p ORDER BY d NULLS FIRST RANGE BETWEEN INTERVAL '1 day' FOLLOWING AND INTERVAL '3 days' FOLLOWING) AS m FROM ev", nil},
	{"unbounded_to_interval",
		"SELECT id, SUM(v) OVER (ORDER BY d RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 2 DAY PRECEDING) AS s FROM ev",
		"SELECT id, sum(v) OVER (ORDER BY d NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '2 days' PRECEDING) AS s FROM ev", nil},
	{"datetime_hour_minute",
		"SELECT id, SUM(v) OVER (PARTITION BY p ORDER BY ts RANGE BETWEEN INTERVAL '1:30' HOUR_MINUTE PRECEDING AND INTERVAL '1:30' HOUR_MINUTE FOLLOWING) AS s FROM ev",
		"SELECT id, sum(v) OVER (PARTITION BY p ORDER BY ts NULLS FIRST RANGE BETWEEN INTERVAL '1 hour 30 minutes' PRECEDING AND INTERVAL '1 hour 30 minutes' FOLLOWING) AS s FROM ev", nil},
	{"datetime_desc_day_second",
		"SELECT id, COUNT(*) OVER (ORDER BY ts DESC RANGE BETWEEN CURRENT ROW AND INTERVAL '1 02:00:00' DAY_SECOND FOLLOWING) AS n FROM ev",
		"SELECT id, count(*) OVER (ORDER BY ts DESC NULLS LAST RANGE BETWEEN CURRENT ROW AND INTERVAL '1 day 2 hours' FOLLOWING) AS n FROM ev", nil},
	{"datetime_unbounded_following",
		"SELECT id, MAX(id) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 90 MINUTE FOLLOWING AND UNBOUNDED FOLLOWING) AS m FROM ev",
		"SELECT id, max(id) OVER (ORDER BY ts NULLS FIRST RANGE BETWEEN INTERVAL '90 minutes' FOLLOWING AND UNBOUNDED FOLLOWING) AS m FROM ev", nil},
	{"time_hours",
		"SELECT id, SUM(v) OVER (ORDER BY tm RANGE BETWEEN INTERVAL 2 HOUR PRECEDING AND INTERVAL 30 MINUTE FOLLOWING) AS s FROM ev",
		"SELECT id, sum(v) OVER (ORDER BY tm NULLS FIRST RANGE BETWEEN INTERVAL '2 hours' PRECEDING AND INTERVAL '30 minutes' FOLLOWING) AS s FROM ev", nil},
	{"time_desc_seconds",
		"SELECT id, COUNT(*) OVER (PARTITION BY p ORDER BY tm DESC RANGE INTERVAL 3600 SECOND PRECEDING) AS n FROM ev",
		"SELECT id, count(*) OVER (PARTITION BY p ORDER BY tm DESC NULLS LAST RANGE INTERVAL '3600 seconds' PRECEDING) AS n FROM ev", nil},
	{"keyed_partition",
		"SELECT id, SUM(v) OVER (ORDER BY d RANGE BETWEEN INTERVAL 3 DAY PRECEDING AND INTERVAL 3 DAY FOLLOWING) AS s FROM ev WHERE p = ?",
		"SELECT id, sum(v) OVER (ORDER BY d NULLS FIRST RANGE BETWEEN INTERVAL '3 days' PRECEDING AND INTERVAL '3 days' FOLLOWING) AS s FROM ev WHERE p = $1",
		[]any{0, 1, 2}},
	{"frame_value_functions",
		"SELECT id, LAST_VALUE(v) OVER (PARTITION BY p ORDER BY d, id) AS l, COUNT(*) OVER (PARTITION BY p ORDER BY ts RANGE BETWEEN INTERVAL 1 WEEK PRECEDING AND INTERVAL '12:00:00' HOUR_SECOND PRECEDING) AS n FROM ev",
		"SELECT id, last_value(v) OVER (PARTITION BY p ORDER BY d NULLS FIRST, id) AS l, count(*) OVER (PARTITION BY p ORDER BY ts NULLS FIRST RANGE BETWEEN INTERVAL '1 week' PRECEDING AND INTERVAL '12 hours' PRECEDING) AS n FROM ev", nil},
}

func TestRangeIntervalFramesAgainstPostgres(t *testing.T) {
	ctx := t.Context()
	pg := testserver.StartPostgres(t)
	conn, err := pgx.Connect(ctx, pg.CreateDatabase(t, "frames_interval"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	eng, err := weir.Open(weir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })

	if _, err := eng.Exec(ctx, "CREATE TABLE ev (id INT PRIMARY KEY, p INT NOT NULL, d DATE, ts DATETIME, tm TIME, v INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE ev (id int PRIMARY KEY, p int NOT NULL, d date, ts timestamp, tm time, v int)"); err != nil {
		t.Fatal(err)
	}
	// Dates around a leap February's end, so that month offsets clamp; duplicates and NULLs
	// in every key column.
	rng := rand.New(rand.NewPCG(7, 11))
	row := func(id int) string {
		null := func(s string) string {
			if rng.IntN(9) == 0 {
				return "NULL"
			}
			return s
		}
		day := rng.IntN(45)
		d := fmt.Sprintf("'2024-01-%02d'", 1)
		switch {
		case day < 31:
			d = fmt.Sprintf("'2024-01-%02d'", day+1)
		default:
			d = fmt.Sprintf("'2024-02-%02d'", day-30)
		}
		if rng.IntN(6) == 0 {
			d = fmt.Sprintf("'2024-03-%02d'", 28+rng.IntN(4))
		}
		ts := fmt.Sprintf("'2024-02-%02d %02d:%02d:00'", 26+rng.IntN(4), rng.IntN(24), 15*rng.IntN(4))
		tm := fmt.Sprintf("'%02d:%02d:%02d'", rng.IntN(24), 10*rng.IntN(6), 30*rng.IntN(2))
		return fmt.Sprintf("(%d, %d, %s, %s, %s, %s)", id, rng.IntN(3), null(d), null(ts), null(tm), null(fmt.Sprint(rng.IntN(100)-20)))
	}
	var values []string
	for id := 1; id <= 80; id++ {
		values = append(values, row(id))
	}
	writes := [][]string{{"INSERT INTO ev VALUES " + strings.Join(values, ", ")}}
	var more []string
	for id := 81; id <= 100; id++ {
		more = append(more, "INSERT INTO ev VALUES "+row(id))
	}
	more = append(more,
		"UPDATE ev SET d = '2024-02-29' WHERE id % 7 = 0",
		"UPDATE ev SET ts = NULL, v = 5 WHERE id % 11 = 3",
		"UPDATE ev SET tm = '23:59:30' WHERE id % 13 = 1",
		"DELETE FROM ev WHERE id % 5 = 2",
		"UPDATE ev SET p = 2 WHERE id % 9 = 4",
	)
	writes = append(writes, more)

	views := make([]*weir.View, len(intervalFrameCases))
	for i, c := range intervalFrameCases {
		if views[i], err = eng.Register(ctx, c.name, c.mysql); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	for round, batch := range writes {
		var tok weir.Token
		for _, w := range batch {
			res, err := eng.Exec(ctx, w)
			if err != nil {
				t.Fatalf("%s on Weir: %v", w, err)
			}
			tok = res.Token
			if _, err := conn.Exec(ctx, w); err != nil {
				t.Fatalf("%s on PostgreSQL: %v", w, err)
			}
		}
		for i, c := range intervalFrameCases {
			keys := c.keys
			if keys == nil {
				keys = []any{nil}
			}
			for _, k := range keys {
				var args []any
				if k != nil {
					args = []any{k}
				}
				rows, err := views[i].LookupAfter(ctx, tok, args...)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				var got []string
				for r := range rows.Len() {
					cells := make([]string, 0, 3)
					for _, v := range rows.Row(r) {
						if v.IsNull() {
							cells = append(cells, "NULL")
						} else {
							cells = append(cells, v.ToText())
						}
					}
					got = append(got, strings.Join(cells, "|"))
				}
				want := pgRows(t, conn, c.pg, args)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("round %d, %s %v: Weir and PostgreSQL differ\nWeir:       %v\nPostgreSQL: %v", round, c.name, args, got, want)
				}
			}
		}
	}
}

// pgRows runs a query on PostgreSQL and returns its rows as text, cells joined by |, sorted.
func pgRows(t *testing.T, conn *pgx.Conn, sql string, args []any) []string {
	t.Helper()
	params := make([][]byte, len(args))
	for i, a := range args {
		params[i] = []byte(fmt.Sprint(a))
	}
	res := conn.PgConn().ExecParams(t.Context(), sql, params, nil, nil, nil).Read()
	if res.Err != nil {
		t.Fatalf("%s on PostgreSQL: %v", sql, res.Err)
	}
	var out []string
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, raw := range row {
			if raw == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(raw)
			}
		}
		out = append(out, strings.Join(cells, "|"))
	}
	slices.Sort(out)
	return out
}
