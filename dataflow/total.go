package dataflow

import "strings"

// CompareTotal is the total order that aggregates' value bags and read-time aggregation
// share: MySQL's comparison (collation for strings) first, then an exact tiebreak, so that
// values the collation calls equal ('a' and 'A', 1 and 1e0) still have a fixed relative
// order. It returns 0 only for values that Identical equates, which is what lets a bag
// remove the exact copy a retraction names.
func CompareTotal(a, b Value) int {
	if ca, sa, ok := a.NarrowDecimal(); ok {
		// The values of one DECIMAL column share a scale; comparing coefficients spares
		// Compare's general exact path, which allocates.
		if cb, sb, ok := b.NarrowDecimal(); ok && sa == sb {
			return cmpOrdered(ca, cb)
		}
	}
	if _, ok := a.Ordinal(); ok {
		if _, ok := b.Ordinal(); ok {
			// MIN and MAX of an ENUM or SET compare its values as text, as MySQL does,
			// where ORDER BY uses their index.
			if c := CompareStrings(a.RawString(), b.RawString()); c != 0 {
				return c
			}
			return exactTiebreak(a, b)
		}
	}
	if c := Compare(a, b); c != 0 {
		return c
	}
	return exactTiebreak(a, b)
}

// exactTiebreak orders values that compare equal under MySQL's rules but are not identical.
// It must agree with Identical: exact numbers (integers and decimals) are identical
// when numerically equal, so they form one class; floats form another, because a float is
// never identical to an exact number.
func exactTiebreak(a, b Value) int {
	if Identical(a, b) {
		return 0
	}
	if ca, cb := tieClass(a.Kind()), tieClass(b.Kind()); ca != cb {
		return cmpOrdered(ca, cb)
	}
	if a.Kind() != b.Kind() {
		return cmpOrdered(a.Kind(), b.Kind())
	}
	switch a.Kind() {
	case KindString:
		return strings.Compare(a.RawString(), b.RawString())
	case KindFloat:
		// +0 and -0 compare equal but are different values.
		return cmpOrdered(a.RawUint(), b.RawUint())
	case KindDate, KindDatetime:
		return cmpOrdered(a.Micros(), b.Micros())
	case KindDecimal:
		ma, sa := a.BigDecimal()
		mb, sb := b.BigDecimal()
		if c := cmpOrdered(sa, sb); c != 0 {
			return c
		}
		return ma.Cmp(mb)
	}
	return cmpOrdered(a.RawUint(), b.RawUint())
}

func tieClass(k Kind) int {
	switch k {
	case KindInt, KindUint, KindDecimal:
		return 1
	case KindFloat:
		return 2
	}
	return 3 + int(k)
}

func cmpOrdered[T int | int64 | uint8 | uint64 | Kind](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
