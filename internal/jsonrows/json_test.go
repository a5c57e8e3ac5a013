package jsonrows

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted"`, `back\slash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"ünïcødé ✓ 😀", "<script>&amp;</script>", "line\u2028sep\u2029par",
		"bad \xff utf8 \xe2\x82", "\xed\xa0\x80 surrogate",
	} {
		got := AppendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s is not JSON: %v", s, got, err)
			continue
		}
		ref, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		// encoding/json is the reference: the same text, invalid bytes as U+FFFD.
		if back != want {
			t.Errorf("%q: decodes as %q, encoding/json's as %q", s, back, want)
		}
		if !utf8.Valid(got) {
			t.Errorf("%q: output %q is not UTF-8", s, got)
		}
		if strings.ContainsAny(string(got), "\u2028\u2029") {
			t.Errorf("%q: line separators left unescaped: %s", s, got)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 4.5, 0.1, 1e-7, 1.5e-9, 123456789, 1e20, 1e21, 1.2345e300,
		-3.4e-300, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53, 0.000001} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: %s, want %s (encoding/json)", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := appendFloat(nil, f); string(got) != "null" {
			t.Errorf("%v: %s, want null", f, got)
		}
	}
}

func TestAppendDecimal(t *testing.T) {
	for _, coef := range []int64{0, 1, -1, 5, -5, 990, -990, 123456789, 999999999999999999, math.MaxInt64, math.MinInt64} {
		for scale := uint8(0); scale <= 20; scale++ {
			want := dataflow.FormatDecimal(coef, scale)
			if got := string(appendDecimal(nil, coef, scale)); got != want {
				t.Errorf("%d scale %d: %s, want %s", coef, scale, got, want)
			}
		}
	}
}

func TestAppendValue(t *testing.T) {
	at := time.Date(2026, 11, 1, 10, 0, 0, 123456789, time.UTC)
	for _, tc := range []struct {
		v    dataflow.Value
		want string
	}{
		{dataflow.Null, "null"},
		{dataflow.Int(-42), "-42"},
		{dataflow.Int(math.MinInt64), "-9223372036854775808"},
		{dataflow.Uint(math.MaxUint64), "18446744073709551615"},
		{dataflow.Bool(true), "1"},
		{dataflow.Float(2.5), "2.5"},
		{dataflow.Float(math.NaN()), "null"},
		{dataflow.Decimal(-5, 2), `"-0.05"`},
		{dataflow.Decimal(1234, 0), `"1234"`},
		{wideDecimal("-99999999999999999999999999999999999.999999999999999999999999999999"),
			`"-99999999999999999999999999999999999.999999999999999999999999999999"`},
		{wideDecimal("9223372036854775808"), `"9223372036854775808"`},
		{dataflow.String(`a"b`), `"a\"b"`},
		{dataflow.Bytes("\x00\xffA"), `"AP9B"`},
		{dataflow.Bytes(""), `""`},
		{dataflow.TimeMicros(-(26*3600+3*60+4)*1_000_000, 0), `"-26:03:04"`},
		{dataflow.TimeMicros(1_500_000, 3), `"00:00:01.500"`},
		{dataflow.Date(at), `"2026-11-01"`},
		{dataflow.Datetime(at, 0), `"2026-11-01 10:00:00"`},
		{dataflow.Datetime(at, 3), `"2026-11-01 10:00:00.123"`},
		{dataflow.Datetime(at, 6), `"2026-11-01 10:00:00.123456"`},
		{dataflow.Datetime(time.Date(1000, 1, 1, 0, 0, 0, 5000, time.UTC), 6), `"1000-01-01 00:00:00.000005"`},
	} {
		if got := string(AppendValue(nil, tc.v)); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.v, got, tc.want)
		}
		// Dates and decimals read as MySQL's text.
		if tc.v.IsTime() || tc.v.Kind() == dataflow.KindDecimal {
			if want := `"` + tc.v.ToText() + `"`; tc.want != want {
				t.Errorf("%v: want %s differs from ToText %s", tc.v, tc.want, want)
			}
		}
	}
}

func TestParamValue(t *testing.T) {
	intT := dataflow.Type{Kind: dataflow.KindInt}
	decT := dataflow.Type{Kind: dataflow.KindDecimal, Precision: 10, Scale: 2}
	strT := dataflow.Type{Kind: dataflow.KindString}
	for _, tc := range []struct {
		s    string
		t    dataflow.Type
		want dataflow.Value
		err  bool
	}{
		{"42", intT, dataflow.Int(42), false},
		{"000000000042", intT, dataflow.Int(42), false},
		{"-7", intT, dataflow.Int(-7), false},
		{"18446744073709551615", intT, dataflow.Uint(math.MaxUint64), false},
		{"1.5", intT, dataflow.String("1.5"), false},
		{"9.90", decT, dataflow.String("9.90"), false},
		{"1e400", intT, dataflow.String("1e400"), false},
		{"abc", intT, dataflow.Value{}, true},
		{"", intT, dataflow.Value{}, true},
		{"0x10", intT, dataflow.Value{}, true},
		{"NaN", decT, dataflow.Value{}, true},
		{"abc", strT, dataflow.String("abc"), false},
		{"42", strT, dataflow.String("42"), false},
		{"", strT, dataflow.String(""), false},
	} {
		got, err := ParamValue(tc.s, tc.t)
		if (err != nil) != tc.err {
			t.Errorf("ParamValue(%q, %s): error %v, want error %v", tc.s, tc.t, err, tc.err)
			continue
		}
		buf := []byte(tc.s)
		gotB, errB := ParamBytes(buf, tc.t)
		if (errB != nil) != tc.err || (err != nil && err.Error() != errB.Error()) {
			t.Errorf("ParamBytes(%q, %s): error %v, ParamValue's %v", tc.s, tc.t, errB, err)
		}
		if err != nil {
			continue
		}
		// The buffer is reused by the caller: the value must not share it.
		for i := range buf {
			buf[i] = 'X'
		}
		if got.Kind() != tc.want.Kind() || got.ToText() != tc.want.ToText() {
			t.Errorf("ParamValue(%q, %s) = %v, want %v", tc.s, tc.t, got, tc.want)
		}
		if gotB.Kind() != tc.want.Kind() || gotB.ToText() != tc.want.ToText() {
			t.Errorf("ParamBytes(%q, %s) = %v after the buffer changed, want %v", tc.s, tc.t, gotB, tc.want)
		}
	}
}

func wideDecimal(s string) dataflow.Value {
	v, ok := dataflow.ParseDecimalValue(s)
	if !ok || !v.IsWideDecimal() {
		panic("not a wide decimal: " + s)
	}
	return v
}
