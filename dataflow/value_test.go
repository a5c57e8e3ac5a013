package dataflow

import (
	"bytes"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestCompare(t *testing.T) {
	d := func(s string) Value {
		c, sc, ok := ParseDecimal(s)
		if !ok {
			t.Fatalf("bad decimal %q", s)
		}
		return Decimal(c, sc)
	}
	day := Date(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC))
	cases := []struct {
		a, b Value
		want int
	}{
		{Int(1), Int(2), -1},
		{Int(-1), Uint(1), -1},
		{Uint(1 << 63), Int(1), 1},
		{d("1.50"), Float(1.5), 0},
		{d("1.5"), d("1.50"), 0},
		{d("-0.01"), Int(0), -1},
		{Int(2), Float(1.9999), 1},
		{String("abc"), String("ABC"), 0},
		{Bytes("abc"), Bytes("ABC"), 1},
		{Bytes("abc"), String("ABC"), 1},
		{String("abc "), Bytes("abc"), 1},
		{Bytes("a\x00"), Bytes("a"), 1},
		{Bytes("\xff"), Bytes("a"), 1},
		{HexLiteral("A"), Int(65), 0},
		{HexLiteral("A"), String("A"), 0},
		{HexLiteral("A"), String("a"), -1},
		{HexLiteral("\x01\x00"), Uint(256), 0},
		{TimeMicros(-1, 6), TimeMicros(0, 0), -1},
		{Enum("b", 1), Enum("a", 2), -1},
		{Enum("b", 1), String("a"), 1},
		{Enum("b", 1), String("B"), 0},
		{Enum("a", 2), Int(2), 0},
		{Set("x,z", 5), Set("y", 2), 1},
		{Set("x,z", 5), String("X,Z"), 0},
		{Set("x,z", 5), Int(5), 0},
		{TimeMicros(3600e6, 0), String("01:00:00"), 0},
		{TimeMicros(3600e6, 0), String("1:00"), 0},
		{TimeMicros(25*3600e6, 0), String("1 01:00:00"), 0},
		{TimeMicros(3600e6, 0), Int(10000), 0},
		{TimeMicros(-1_500_000, 1), Decimal(-15, 1), 0},
		{String("abc "), String("abc"), 0},
		{String("a"), String("b"), -1},
		{String("Zeta"), String("alpha"), 1},
		{String("ä"), String("Ä"), 0},
		{String("10"), Int(9), 1},
		{String("abc"), Int(0), 0},
		{day, String("2024-01-31"), 0},
		{day, String("2024-02-01"), -1},
		{Null, Int(1), -1},
		{Null, Null, 0},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

func TestKeyEncodingGroupsEqualValues(t *testing.T) {
	groups := [][]Value{
		{Int(2), Uint(2), Decimal(200, 2), Float(2)},
		{Decimal(5, 1), Float(0.5)},
		{String("Hello"), String("HELLO  "), String("hello")},
		{String("straße"), String("STRAßE")},
		{Bytes("Hello")},
		{Bytes("Hello ")},
		{Bytes("hello"), HexLiteral("hello")},
		{Enum("a", 2), String("A"), Set("a", 1)},
		{Null},
	}
	for i, g := range groups {
		want := AppendKey(nil, g[0])
		for _, v := range g[1:] {
			if got := AppendKey(nil, v); !bytes.Equal(got, want) {
				t.Errorf("group %d: key(%v) = %x, key(%v) = %x", i, g[0], want, v, got)
			}
		}
		for j, h := range groups {
			if j != i && bytes.Equal(AppendKey(nil, h[0]), want) {
				t.Errorf("groups %d and %d share a key", i, j)
			}
		}
	}
}

// TestKeyEncodingMatchesCompare: two values of one kind encode equal exactly when Compare
// says they are equal, and compound keys cannot collide across component boundaries.
func TestKeyEncodingMatchesCompare(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.Custom(func(t *rapid.T) Value { return Int(rapid.Int64Range(-3, 3).Draw(t, "i")) }),
			rapid.Custom(func(t *rapid.T) Value {
				return Decimal(rapid.Int64Range(-300, 300).Draw(t, "c"), uint8(rapid.IntRange(0, 2).Draw(t, "s")))
			}),
			rapid.Custom(func(t *rapid.T) Value {
				return String(rapid.SampledFrom([]string{"", "a", "A", "a ", "ab", "aB", "b", "é", "É"}).Draw(t, "s"))
			}),
			rapid.Custom(func(t *rapid.T) Value {
				return Bytes(rapid.SampledFrom([]string{"", "a", "A", "a ", "a\x00", "ab", "\xff"}).Draw(t, "b"))
			}),
		)
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		numeric := a.IsNumeric() && b.IsNumeric()
		if !numeric && (a.Kind() != b.Kind() || a.IsBinary() != b.IsBinary()) {
			return
		}
		eq := Compare(a, b) == 0
		keq := bytes.Equal(AppendKey(nil, a), AppendKey(nil, b))
		if eq != keq {
			t.Fatalf("Compare(%v,%v)==0 is %v but keys equal is %v", a, b, eq, keq)
		}
	})
	if bytes.Equal(AppendKey(AppendKey(nil, String("ab")), String("c")), AppendKey(AppendKey(nil, String("a")), String("bc"))) {
		t.Fatal("compound string keys collide")
	}
}

func TestParseAndFormatDecimal(t *testing.T) {
	for _, s := range []string{"0", "1.50", "-0.05", "123456789012345678", "-12.3"} {
		c, sc, ok := ParseDecimal(s)
		if !ok {
			t.Fatalf("ParseDecimal(%q) failed", s)
		}
		if got := FormatDecimal(c, sc); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
	if c, _, ok := ParseDecimal("9223372036854775807"); !ok || c != 9223372036854775807 {
		t.Errorf("ParseDecimal(MaxInt64) = %d, %v", c, ok)
	}
	if _, _, ok := ParseDecimal("9223372036854775808"); ok {
		t.Error("a coefficient past int64 accepted by ParseDecimal")
	}
	if r, ok := RescaleDecimal(125, 2, 1); !ok || r != 13 {
		t.Errorf("RescaleDecimal(1.25 -> 1 digit) = %d", r)
	}
	if r, ok := RescaleDecimal(-125, 2, 1); !ok || r != -13 {
		t.Errorf("RescaleDecimal(-1.25 -> 1 digit) = %d", r)
	}
}

func TestTimeText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when the text is no TIME
		fsp  int
	}{
		{"10:11:12", "10:11:12", 0},
		{"-838:59:59", "-838:59:59", 0},
		{"838:59:59", "838:59:59", 0},
		{"839:00:00", "", 0},
		{"1 02:03:04", "26:03:04", 0},
		{"12:34", "12:34:00", 0},
		{"1234", "00:12:34", 0},
		{"123456", "12:34:56", 0},
		{"12", "00:00:12", 0},
		{"10:11:12.5", "10:11:12.500000", 1},
		{"-00:00:01.25", "-00:00:01.250000", 2},
		{"00:00:00.9999995", "00:00:01.000000", 6},
		{"10:60:00", "", 0},
		{"abc", "", 0},
		{"2024-01-02 03:04:05", "03:04:05", 0},
	} {
		p, ok := ParseTimeText(c.in)
		if c.want == "" {
			if ok {
				t.Errorf("ParseTimeText(%q) = %+v, want no time", c.in, p)
			}
			continue
		}
		if !ok {
			t.Errorf("ParseTimeText(%q) failed", c.in)
			continue
		}
		fsp := uint8(0)
		if p.Fsp > 0 {
			fsp = 6
		}
		if got := TimeMicros(p.Micros, fsp).ToText(); got != c.want || p.Fsp != c.fsp {
			t.Errorf("ParseTimeText(%q) = %s fsp %d, want %s fsp %d", c.in, got, p.Fsp, c.want, c.fsp)
		}
	}
	if got := TimeMicros(-(3600e6 + 500), 3).ToText(); got != "-01:00:00.000" {
		t.Errorf("TIME(3) text %s", got)
	}
	if c, s := TimeMicros(-(101112e6/100*100 + 0), 0).TimeNumber(); c >= 0 || s != 0 {
		t.Errorf("negative TIME number %d %d", c, s)
	}
	if c, s := TimeMicros((10*3600+11*60+12)*1e6+500000, 2).TimeNumber(); c != 10111250 || s != 2 {
		t.Errorf("TIME(2) number %d scale %d, want 10111250 scale 2", c, s)
	}
}
