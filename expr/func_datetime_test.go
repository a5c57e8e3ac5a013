package expr

import (
	"testing"
	"time"

	"github.com/weirdb/weir/dataflow"
)

const kTime = dataflow.KindTime

func vtime(us int64, fsp uint8) dataflow.Value { return dataflow.TimeMicros(us, fsp) }

// noRow marks a case the server cross-check skips.
var noRow = dataflow.Row{}

func hms(h, m, s int64) int64 { return (h*3600 + m*60 + s) * 1_000_000 }

func dateTimeCases() []evalCase {
	return []evalCase{
		// STR_TO_DATE: widths, names, AM/PM, fractions, trailing text, missing parts.
		{e: fn("STR_TO_DATE", ks("2024-01-02"), ks("%Y-%m-%d")), want: vdate("2024-01-02"), kind: kDt},
		{e: fn("STR_TO_DATE", ks("  2024-1-2"), ks("%Y-%m-%d")), want: vdate("2024-01-02")},
		{e: fn("STR_TO_DATE", ks("2024-01-02xyz"), ks("%Y-%m-%d")), want: vdate("2024-01-02")},
		{e: fn("STR_TO_DATE", ks("24-01-02"), ks("%y-%m-%d")), want: vdate("2024-01-02")},
		{e: fn("STR_TO_DATE", ks("99-01-02"), ks("%Y-%m-%d")), want: vdate("1999-01-02")},
		{e: fn("STR_TO_DATE", ks("January 5, 2024"), ks("%M %e, %Y")), want: vdate("2024-01-05")},
		{e: fn("STR_TO_DATE", ks("jan 5 2024"), ks("%b %e %Y")), want: vdate("2024-01-05")},
		{e: fn("STR_TO_DATE", ks("Ma 5 2024"), ks("%M %e %Y")), want: null},
		{e: fn("STR_TO_DATE", ks("Tue 2024 02 01"), ks("%a %Y %m %d")), want: vdate("2024-02-01")},
		{e: fn("STR_TO_DATE", ks("1/2/2024"), ks("%m/%d/%Y")), want: vdate("2024-01-02")},
		{e: fn("STR_TO_DATE", ks("2024 032"), ks("%Y %j")), want: vdate("2024-02-01")},
		{e: fn("STR_TO_DATE", ks("5th May 2024"), ks("%D %M %Y")), want: vdate("2024-05-05")},
		{e: fn("STR_TO_DATE", ks("10:30 PM"), ks("%h:%i %p")), want: vtime(hms(22, 30, 0), 0), kind: kTime},
		{e: fn("STR_TO_DATE", ks("12:05 AM"), ks("%h:%i %p")), want: vtime(hms(0, 5, 0), 0)},
		{e: fn("STR_TO_DATE", ks("13:00 PM"), ks("%h:%i %p")), want: null},
		{e: fn("STR_TO_DATE", ks("10:30 PM"), ks("%H:%i %p")), want: null},
		{e: fn("STR_TO_DATE", ks("2024-01-02 10:11:12.5"), ks("%Y-%m-%d %H:%i:%s.%f")),
			want: vdt("2024-01-02 10:11:12.5", 6), kind: kDtm},
		{e: fn("STR_TO_DATE", ks("2024-01-02 03:04:05 PM"), ks("%Y-%m-%d %r")), want: vdt("2024-01-02 15:04:05", 0), kind: kDtm},
		{e: fn("STR_TO_DATE", ks("20240102 23:04:05"), ks("%Y%m%d %T")), want: vdt("2024-01-02 23:04:05", 0)},
		{e: fn("STR_TO_DATE", ks("2024-01-02"), ks("%Y-%m-%d %H")), want: vdt("2024-01-02 00:00:00", 0)},
		{e: fn("STR_TO_DATE", ks("2024-13-01"), ks("%Y-%m-%d")), want: null},
		{e: fn("STR_TO_DATE", ks("x2024"), ks("%Y")), want: null},
		{e: fn("STR_TO_DATE", ks("2024-01-02"), ks("%Y/%m/%d")), want: null},
		{e: fn("STR_TO_DATE", kn, ks("%Y")), want: null},
		// MySQL 8 (NO_ZERO_IN_DATE, no invalid dates) gives NULL; MariaDB 2024-00-00, 2024-02-30.
		{e: fn("STR_TO_DATE", ks("2024"), ks("%Y")), want: null, mysqlOnly: true},
		{e: fn("STR_TO_DATE", ks("2024-02-30"), ks("%Y-%m-%d")), want: null, mysqlOnly: true},

		// Unix time, in UTC.
		{e: fn("FROM_UNIXTIME", ki(1704067200)), want: vdt("2024-01-01 00:00:00", 0), kind: kDtm},
		{e: fn("FROM_UNIXTIME", kd("1.5")), want: vdt("1970-01-01 00:00:01.5", 1)},
		{e: fn("FROM_UNIXTIME", ki(-1)), want: null},
		{e: fn("FROM_UNIXTIME", ki(1704067200), ks("%Y %j %W")), want: vs("2024 001 Monday"), kind: kStr},
		{e: fn("UNIX_TIMESTAMP", ks("2024-01-01 00:00:00")), want: vi(1704067200), kind: kInt},
		{e: fn("UNIX_TIMESTAMP", ks("2024-01-01 00:00:00.5")), want: vd("1704067200.5"), kind: kDec, scale: 1},
		{e: fn("UNIX_TIMESTAMP", k(vdate("2024-01-01"))), want: vi(1704067200)},
		{e: fn("UNIX_TIMESTAMP", ks("bad")), want: null},
		// MySQL 8 gives 0 before the epoch; MariaDB NULL.
		{e: fn("UNIX_TIMESTAMP", ks("1960-01-01")), want: vi(0), mysqlOnly: true},

		// Durations.
		{e: fn("TIME_TO_SEC", ks("01:00:01")), want: vi(3601), kind: kInt},
		{e: fn("TIME_TO_SEC", ks("-01:00:00")), want: vi(-3600)},
		{e: fn("TIME_TO_SEC", ks("01:00:01.5")), want: vd("3601.5"), kind: kDec, scale: 1},
		{e: fn("TIME_TO_SEC", k(vdt("2024-01-01 10:00:00", 0))), want: vi(36000)},
		{e: fn("SEC_TO_TIME", ki(3601)), want: vtime(hms(1, 0, 1), 0), kind: kTime},
		{e: fn("SEC_TO_TIME", kd("3601.25")), want: vtime(hms(1, 0, 1)+250000, 2)},
		{e: fn("SEC_TO_TIME", ki(99999999)), want: vtime(hms(838, 59, 59), 0)},
		{e: fn("SEC_TO_TIME", ki(-99999999)), want: vtime(-hms(838, 59, 59), 0)},
		{e: fn("TIMEDIFF", ks("2024-01-02 00:00:00"), ks("2024-01-01 00:00:01")), want: vtime(hms(23, 59, 59), 0), kind: kTime},
		{e: fn("TIMEDIFF", ks("10:00"), ks("11:30:00.5")), want: vtime(-hms(1, 30, 0)-500000, 1)},
		{e: fn("TIMEDIFF", ks("2024-01-02 00:00:00"), ks("10:00:00")), want: null},
		{e: fn("TIMEDIFF", ks("2024-03-01 00:00:00"), ks("2024-01-01 00:00:00")), want: vtime(hms(838, 59, 59), 0)},
		{e: fn("ADDTIME", ks("2024-01-01 23:00:00"), ks("02:00:00")), want: vs("2024-01-02 01:00:00"), kind: kStr},
		{e: fn("ADDTIME", ks("10:00:00"), ks("20:00:00")), want: vs("30:00:00")},
		{e: fn("ADDTIME", k(vdt("2024-01-01 23:00:00", 0)), ks("1:00:00.25")), want: vdt("2024-01-02 00:00:00.25", 2), kind: kDtm},
		{e: fn("SUBTIME", ks("2024-01-01 00:30:00"), ks("1:00:00")), want: vs("2023-12-31 23:30:00")},
		{e: fn("SUBTIME", ks("10:00:00"), ks("2024-01-01 00:00:00")), want: null},
		{e: fn("TIME", ks("2024-01-01 10:11:12.5")), want: vtime(hms(10, 11, 12)+500000, 1), kind: kTime},
		{e: fn("TIME", ks("25:00:00")), want: vtime(hms(25, 0, 0), 0)},
		{e: fn("TIME", ks("nonsense")), want: null},
		{e: fn("TIMESTAMP", ks("2024-01-01")), want: vdt("2024-01-01 00:00:00", 0), kind: kDtm},
		{e: fn("TIMESTAMP", ks("2024-01-01"), ks("25:00:00")), want: vdt("2024-01-02 01:00:00", 0)},
		{e: fn("TIMESTAMP", ks("2024-01-01 10:00:00"), ks("-11:00:00")), want: vdt("2023-12-31 23:00:00", 0)},

		// Constructors.
		{e: fn("MAKEDATE", ki(2024), ki(60)), want: vdate("2024-02-29"), kind: kDt},
		{e: fn("MAKEDATE", ki(24), ki(0)), want: null},
		{e: fn("MAKEDATE", ki(69), ki(1)), want: vdate("2069-01-01")},
		{e: fn("MAKEDATE", ki(2023), ki(366)), want: vdate("2024-01-01")},
		{e: fn("MAKETIME", ki(838), ki(59), ki(59)), want: vtime(hms(838, 59, 59), 0), kind: kTime},
		{e: fn("MAKETIME", ki(839), ki(0), ki(0)), want: vtime(hms(838, 59, 59), 0)},
		{e: fn("MAKETIME", ki(-1), ki(30), ki(0)), want: vtime(-hms(1, 30, 0), 0)},
		{e: fn("MAKETIME", ki(1), ki(60), ki(0)), want: null},
		{e: fn("MAKETIME", ki(1), ki(2), kd("3.5")), want: vtime(hms(1, 2, 3)+500000, 1)},
		{e: fn("FROM_DAYS", ki(738000)), want: vdate("2020-07-29"), kind: kDt},
		{e: fn("FROM_DAYS", ki(366)), want: vdate("0001-01-01")},
		// MySQL gives the zero date 0000-00-00, which Weir does not keep.
		{e: fn("FROM_DAYS", ki(300)), want: null, mysqlOnly: true},

		// Compound INTERVAL units: fields right-aligned, a microsecond field scaled to six
		// digits, a leading '-' negating every field, extra fields NULL. (The calls render as
		// DATE_ADD(d, n, 'UNIT'), which is no SQL, so they carry an empty row: the server
		// cross-check skips them, and conformance's datefuncs.sql checks the syntax.)
		{row: noRow, e: fn("DATE_ADD", ks("2024-01-01 00:00:00"), ks("1 2"), ks("DAY_HOUR")), want: vs("2024-01-02 02:00:00"), kind: kStr},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("1-2"), ks("YEAR_MONTH")), want: vdate("2025-03-01"), kind: kDt},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("1:2"), ks("DAY_SECOND")), want: vdt("2024-01-01 00:01:02", 0), kind: kDtm},
		{row: noRow, e: fn("DATE_ADD", k(vdt("2024-01-01 00:00:00", 0)), ks("1.01"), ks("SECOND_MICROSECOND")), want: vdt("2024-01-01 00:00:01.01", 6), kind: kDtm},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("-1 2"), ks("DAY_HOUR")), want: vdt("2023-12-30 22:00:00", 0)},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("1 2:3:4.5"), ks("DAY_MICROSECOND")), want: vdt("2024-01-02 02:03:04.5", 6)},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ki(5), ks("DAY_HOUR")), want: vdt("2024-01-01 05:00:00", 0)},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("1 2 3"), ks("DAY_HOUR")), want: null},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), ks("1 x"), ks("DAY_HOUR")), want: vdt("2024-01-01 01:00:00", 0)},
		{row: noRow, e: fn("DATE_ADD", k(vdate("2024-01-01")), kd("1.5"), ks("HOUR_MINUTE")), want: vdt("2024-01-01 01:05:00", 0)},
		{row: noRow, e: fn("DATE_SUB", k(vdate("2024-03-31")), ks("0-1"), ks("YEAR_MONTH")), want: vdate("2024-02-29")},
		{row: noRow, e: fn("DATE_SUB", k(vdt("2024-01-01 00:00:00", 0)), ks("1:30"), ks("MINUTE_SECOND")), want: vdt("2023-12-31 23:58:30", 0)},

		// Weeks in every mode, around the turn of the year.
		{e: fn("WEEK", ks("2024-01-01"), ki(0)), want: vi(0), kind: kInt},
		{e: fn("WEEK", ks("2024-01-01"), ki(1)), want: vi(1)},
		{e: fn("WEEK", ks("2021-01-01"), ki(2)), want: vi(52)},
		{e: fn("WEEK", ks("2021-01-01"), ki(3)), want: vi(53)},
		{e: fn("WEEK", ks("2021-01-03"), ki(4)), want: vi(1)},
		{e: fn("WEEK", ks("2021-01-03"), ki(5)), want: vi(0)},
		{e: fn("WEEK", ks("2021-01-03"), ki(6)), want: vi(1)},
		{e: fn("WEEK", ks("2021-01-03"), ki(7)), want: vi(52)},
		{e: fn("WEEK", ks("2024-12-31"), ki(3)), want: vi(1)},
		{e: fn("WEEK", ks("2024-12-31")), want: vi(52)},
		{e: fn("YEARWEEK", ks("2021-01-01")), want: vi(202052), kind: kInt},
		{e: fn("YEARWEEK", ks("2024-12-31"), ki(3)), want: vi(202501)},
		{e: fn("WEEKOFYEAR", ks("2021-01-01")), want: vi(53), kind: kInt},
		{e: fn("DATE_FORMAT", ks("2021-01-01"), ks("%U %u %V %v %X %x")), want: vs("00 00 52 53 2020 2020")},

		{e: fn("TIME_FORMAT", ks("25:03:04.5"), ks("%H %k %h %I %l %i %s %f %p %T")),
			want: vs("25 25 01 01 1 03 04 500000 AM 25:03:04"), kind: kStr},
		{e: fn("TIME_FORMAT", ks("-01:02:03"), ks("%H:%i")), want: vs("-01:02")},
		{e: fn("TIME_FORMAT", ks("10:00:00"), ks("%Y")), want: null},
		{e: fn("PERIOD_ADD", ki(202401), ki(13)), want: vi(202502), kind: kInt},
		{e: fn("PERIOD_ADD", ki(9912), ki(1)), want: vi(200001)},
		{e: fn("PERIOD_ADD", ki(0), ki(1)), want: vi(0)},
		{e: fn("PERIOD_DIFF", ki(202401), ki(199912)), want: vi(289), kind: kInt},
		{e: fn("PERIOD_DIFF", ki(2401), ki(2412)), want: vi(-11)},
		{e: fn("CONVERT_TZ", ks("2024-01-01 12:00:00"), ks("+00:00"), ks("+05:30")), want: vdt("2024-01-01 17:30:00", 0), kind: kDtm},
		{e: fn("CONVERT_TZ", ks("2024-01-01 12:00:00"), ks("-08:00"), ks("+01:00")), want: vdt("2024-01-01 21:00:00", 0)},
		{e: fn("CONVERT_TZ", ks("1970-01-01 00:00:00"), ks("+01:00"), ks("+00:00")), want: vdt("1970-01-01 00:00:00", 0)},
		{e: fn("CONVERT_TZ", kn, ks("+00:00"), ks("+01:00")), want: null},
		// MySQL 8 accepts offsets up to +14:00; MariaDB up to +13:00.
		{e: fn("CONVERT_TZ", ks("2024-01-01 12:00:00"), ks("+00:00"), ks("+14:00")), want: vdt("2024-01-02 02:00:00", 0), mysqlOnly: true},
	}
}

func TestDateTimeFunctions(t *testing.T) { runEvalCases(t, dateTimeCases()) }

func TestDateTimeFunctionsOverColumns(t *testing.T) {
	tTime := dataflow.Type{Kind: dataflow.KindTime, SQL: "TIME", Nullable: true}
	row := dataflow.Row{vdt("2024-03-05 10:11:12", 0), vtime(hms(1, 2, 3), 0), vs("05/03/2024"), vi(1709633472)}
	cases := []evalCase{
		{e: mustFunc(t, "ADDTIME", col(0, tDatetime), col(1, tTime)), row: row, want: vdt("2024-03-05 11:13:15", 0), kind: kDtm},
		{e: mustFunc(t, "TIMEDIFF", col(1, tTime), ks("00:00:03")), row: row, want: vtime(hms(1, 2, 0), 0), kind: kTime},
		{e: mustFunc(t, "STR_TO_DATE", col(2, tVarchar), ks("%d/%m/%Y")), row: row, want: vdate("2024-03-05"), kind: kDt},
		{e: mustFunc(t, "FROM_UNIXTIME", col(3, tBigint)), row: row, want: vdt("2024-03-05 10:11:12", 0), kind: kDtm},
		{e: mustFunc(t, "UNIX_TIMESTAMP", col(0, tDatetime)), row: row, want: vi(1709633472), kind: kInt},
		{e: mustFunc(t, "TIME_TO_SEC", col(1, tTime)), row: row, want: vi(3723), kind: kInt},
	}
	runEvalCases(t, cases)
	if _, err := NewFunc("STR_TO_DATE", []Expr{ks("x"), col(2, tVarchar)}); err == nil {
		t.Error("STR_TO_DATE with a column as its format compiled")
	}
	if _, err := NewFunc("STR_TO_DATE", []Expr{ks("x"), ks("%U")}); err == nil {
		t.Error("STR_TO_DATE with a week specifier compiled")
	}
	if _, err := NewFunc("CONVERT_TZ", []Expr{ks("2024-01-01"), ks("UTC"), ks("+01:00")}); err == nil {
		t.Error("CONVERT_TZ with a named zone compiled")
	}
}

// TestStrToDateRoundTrip checks that STR_TO_DATE reads back what DATE_FORMAT writes, for
// every day of four years and every format of the list.
func TestStrToDateRoundTrip(t *testing.T) {
	formats := []string{"%Y-%m-%d %H:%i:%s", "%d/%m/%y %h:%i %p", "%M %e, %Y %T", "%b %D %Y %r",
		"%Y%m%d%H%i%s", "%W %d %M %Y", "%j %Y %k:%i", "%Y-%m-%d %H:%i:%s.%f", "%a %c/%e/%Y %l %p"}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 4*366; d++ {
		tm := start.AddDate(0, 0, d).Add(time.Duration(d*7919%86400)*time.Second + time.Duration(d%1000)*time.Millisecond)
		for _, f := range formats {
			s := dateFormat(tm, f)
			p, ok := strToDate(s, f)
			if !ok {
				t.Fatalf("STR_TO_DATE(%q, %q) failed", s, f)
			}
			if back := dateFormat(p.time(), f); back != s {
				t.Fatalf("STR_TO_DATE(%q, %q) reads %s, which formats as %q", s, f, p.time(), back)
			}
		}
	}
}

// FuzzStrToDate checks that STR_TO_DATE never panics and that whatever it accepts is a
// value of its type.
func FuzzStrToDate(f *testing.F) {
	for _, seed := range [][2]string{{"2024-01-02", "%Y-%m-%d"}, {"10:30 PM", "%h:%i %p"}, {"5th May 24", "%D %M %y"},
		{"2024 366", "%Y %j"}, {"12.5", "%s.%f"}, {"-1", "%Y"}, {"", "%T"}, {"Jan", "%b%"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, s, format string) {
		e, err := NewFunc("STR_TO_DATE", []Expr{NewConst(dataflow.String(s)), NewConst(dataflow.String(format))})
		if err != nil {
			return
		}
		v := e.Eval(nil)
		if v.IsNull() {
			return
		}
		if v.Kind() != e.Type().Kind {
			t.Fatalf("STR_TO_DATE(%q, %q) = %s %v, typed %s", s, format, v.Kind(), v, e.Type().Kind)
		}
		if v.IsTime() {
			if y := v.Time().Year(); y < 0 || y > 9999 {
				t.Fatalf("STR_TO_DATE(%q, %q) = %v, outside the calendar", s, format, v)
			}
		}
	})
}
