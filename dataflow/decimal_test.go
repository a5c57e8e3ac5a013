package dataflow

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
)

func mustDecimal(t *testing.T, s string) Value {
	t.Helper()
	v, ok := ParseDecimalValue(s)
	if !ok {
		t.Fatalf("ParseDecimalValue(%q) failed", s)
	}
	return v
}

func TestWideDecimalRoundTrip(t *testing.T) {
	max65 := strings.Repeat("9", 65)
	for _, s := range []string{
		"0", "-1.50", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"-9223372036854775809", max65, "-" + max65, "0." + strings.Repeat("0", 37) + "1",
		"99999999999999999999999999999999999.999999999999999999999999999999",
		"-123456789012345678901234567890.0123456789", strings.Repeat("9", 81),
	} {
		v := mustDecimal(t, s)
		if got := v.ToText(); got != s {
			t.Errorf("%q renders as %q", s, got)
		}
		m, scale := v.BigDecimal()
		if back := DecimalBig(m, scale); !Identical(back, v) || back.ToText() != s {
			t.Errorf("%q: BigDecimal/DecimalBig round trip gives %v", s, back)
		}
	}
	for _, s := range []string{strings.Repeat("9", 82), "1." + strings.Repeat("0", 39), "1.2.3", "--1", "", "1e5", "0x10"} {
		if v, ok := ParseDecimalValue(s); ok {
			t.Errorf("ParseDecimalValue(%q) accepted: %v", s, v)
		}
	}
}

// A coefficient that fits an int64 is always narrow, whichever constructor made it.
func TestDecimalCanonical(t *testing.T) {
	for _, c := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64} {
		v := DecimalBig(big.NewInt(c), 3)
		if v.IsWideDecimal() || v != Decimal(c, 3) {
			t.Errorf("DecimalBig(%d) = %#v, want the narrow form", c, v)
		}
	}
	over := new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1))
	if !DecimalBig(over, 0).IsWideDecimal() {
		t.Error("2^63 is not wide")
	}
	if _, _, ok := DecimalBig(over, 0).NarrowDecimal(); ok {
		t.Error("NarrowDecimal accepted a wide decimal")
	}
}

// Narrow and wide spellings of one number compare, key and hash alike; different numbers
// do not.
func TestWideDecimalCompareAndKey(t *testing.T) {
	one30 := mustDecimal(t, "1."+strings.Repeat("0", 30)) // coefficient 10^30: wide
	if !one30.IsWideDecimal() {
		t.Fatal("1.000…0 (30 zeros) should be wide")
	}
	big19 := mustDecimal(t, "12345678901234567890") // past int64, within uint64
	equal := [][]Value{
		{one30, Decimal(1, 0), Int(1), Decimal(10, 1), Float(1), Uint(1)},
		{big19, Uint(12345678901234567890), mustDecimal(t, "12345678901234567890.000000")},
		{mustDecimal(t, "1267650600228229401496703205376"), Float(math.Ldexp(1, 100))},
		{mustDecimal(t, "-"+strings.Repeat("9", 40)+".5"), mustDecimal(t, "-"+strings.Repeat("9", 40)+".50000")},
		{mustDecimal(t, "0.5"+strings.Repeat("0", 30)), Decimal(5, 1), Float(0.5)},
	}
	for _, class := range equal {
		for _, a := range class {
			for _, b := range class {
				if Compare(a, b) != 0 {
					t.Errorf("Compare(%v, %v) = %d, want 0", a, b, Compare(a, b))
				}
				if ka, kb := AppendKey(nil, a), AppendKey(nil, b); !bytes.Equal(ka, kb) {
					t.Errorf("keys of %v and %v differ: %x / %x", a, b, ka, kb)
				}
				if a.IsNumeric() && b.IsNumeric() && a.Kind() != KindFloat && b.Kind() != KindFloat && !Identical(a, b) {
					t.Errorf("Identical(%v, %v) = false", a, b)
				}
			}
		}
	}
	ordered := []Value{
		mustDecimal(t, "-"+strings.Repeat("9", 65)),
		mustDecimal(t, "-9223372036854775809"),
		Int(math.MinInt64),
		Decimal(-1, 30),
		Int(0),
		mustDecimal(t, "0."+strings.Repeat("0", 29)+"1"),
		mustDecimal(t, "9223372036854775807.000000000000000000000000000001"),
		Uint(math.MaxUint64),
		mustDecimal(t, "18446744073709551615.5"),
		mustDecimal(t, strings.Repeat("9", 65)),
	}
	for i := range ordered {
		for j := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := Compare(ordered[i], ordered[j]); got != want {
				t.Errorf("Compare(%v, %v) = %d, want %d", ordered[i], ordered[j], got, want)
			}
			if i != j && bytes.Equal(AppendKey(nil, ordered[i]), AppendKey(nil, ordered[j])) {
				t.Errorf("%v and %v share a key", ordered[i], ordered[j])
			}
		}
	}
}

func TestWideDecimalConversions(t *testing.T) {
	v := mustDecimal(t, "-123456789012345678901234567890.5")
	if f, _ := v.ToFloat(); f != -1.2345678901234568e29 {
		t.Errorf("ToFloat = %v", f)
	}
	if i, _ := v.ToInt(); i != math.MinInt64 {
		t.Errorf("ToInt = %d, want the clamped minimum", i)
	}
	if i, _ := mustDecimal(t, "0."+strings.Repeat("0", 19)+"6").ToInt(); i != 0 {
		t.Errorf("ToInt of a narrow decimal of scale 20 = %d", i)
	}
	if i, _ := Decimal(5, 1).ToInt(); i != 1 {
		t.Errorf("ToInt(0.5) = %d", i)
	}
	if !v.Truthy() || v.ToGo() != v.ToText() {
		t.Errorf("Truthy/ToGo of %v", v)
	}
	if r, ok := RescaleDecimal(math.MaxInt64, 30, 5); !ok || r != 0 {
		t.Errorf("RescaleDecimal down 25 digits = %d, %v", r, ok)
	}
}
