package operators

import (
	"math"
	"math/big"
	"math/bits"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

// accState is one aggregate's state in one group. Only the fields its function uses are
// ever set; the pointer fields stay nil otherwise, so COUNT and exact SUM cost no allocation.
type accState struct {
	// n counts the non-NULL inputs (the distinct ones under DISTINCT): COUNT(col)'s answer and
	// AVG's divisor; SUM and AVG are NULL when it is 0.
	n    int64
	sum  int128
	wsum *big.Int // the exact sum once it left int128's range (sum is then zero)
	fsum *floatSum
	dist map[string]*distinctValue
	vals *valueBag
	// pairs holds JSON_ARRAYAGG's values with their ORDER BY key when that is another
	// expression than the value.
	pairs *bag[keyedValue]
}

// distinctValue is one distinct argument value of a group under DISTINCT: the first copy that
// arrived (whose contribution entered the sum) and how many copies are present.
type distinctValue struct {
	rep dataflow.Value
	n   int64
}

func (a *Aggregate) apply(p *aggPlan, st *accState, row dataflow.Row, neg bool) {
	v := colAt(row, p.spec.Arg)
	if v.IsNull() && p.spec.Func != AggJSONArray {
		return // JSON_ARRAYAGG alone keeps NULLs, as null elements
	}
	switch p.spec.Func {
	case AggCount:
		if p.spec.Distinct {
			a.distinctUpdate(st, v, neg)
			st.n = int64(len(st.dist))
			return
		}
		st.n += sign(neg)
	case AggSum, AggAvg:
		if p.spec.Distinct {
			rep, change := a.distinctUpdate(st, v, neg)
			if change == 0 {
				return
			}
			v, neg = rep, change < 0
		}
		st.n += sign(neg)
		if p.exact {
			st.addExact(exactContribution(v, p.scale), neg)
		} else {
			if st.fsum == nil {
				st.fsum = &floatSum{}
			}
			st.fsum.add(floatArg(v), neg, &a.tmp)
		}
		if st.n <= 0 {
			// Nothing is left to sum; dropping the state also keeps a stray retraction
			// from leaving a residue behind.
			st.n, st.sum, st.wsum, st.fsum = 0, int128{}, nil, nil
		}
	case AggJSONArray:
		if p.spec.OrderByArg {
			applyKeyed(&p.spec, st, row, v, neg)
			return
		}
		fallthrough
	case AggMin, AggMax, AggGroupConcat, AggJSONObject:
		if neg {
			if st.vals != nil {
				st.vals.remove(v, compareValuesTotal)
				if st.vals.empty() {
					st.vals = nil
				}
			}
			return
		}
		if st.vals == nil {
			st.vals = &valueBag{}
		}
		st.vals.add(v, compareValuesTotal)
	}
}

// distinctUpdate records one copy of v under DISTINCT and reports the value that entered
// (+1) or left (-1) the group's distinct set, or 0 when the set did not change.
func (a *Aggregate) distinctUpdate(st *accState, v dataflow.Value, neg bool) (dataflow.Value, int) {
	a.vbuf = dataflow.AppendKey(a.vbuf[:0], v)
	d := st.dist[string(a.vbuf)]
	if neg {
		if d == nil {
			return dataflow.Null, 0
		}
		if d.n--; d.n > 0 {
			return dataflow.Null, 0
		}
		delete(st.dist, string(a.vbuf))
		if len(st.dist) == 0 {
			st.dist = nil
		}
		return d.rep, -1
	}
	if d != nil {
		d.n++
		return dataflow.Null, 0
	}
	if st.dist == nil {
		st.dist = make(map[string]*distinctValue)
	}
	st.dist[string(a.vbuf)] = &distinctValue{rep: v, n: 1}
	return v, 1
}

func sign(neg bool) int64 {
	if neg {
		return -1
	}
	return 1
}

func (a *Aggregate) result(p *aggPlan, g *aggGroup) dataflow.Value {
	if p.slot < 0 {
		return dataflow.Int(g.key.n)
	}
	st := &g.accs[p.slot]
	switch p.spec.Func {
	case AggCount:
		return dataflow.Int(st.n)
	case AggSum:
		if st.n == 0 {
			return dataflow.Null
		}
		if p.exact {
			if st.wsum != nil {
				return fitDecimal(st.wsum, big.NewInt(1), p.scale)
			}
			return exactSumValue(st.sum, p.scale)
		}
		return dataflow.Float(st.fsum.value())
	case AggAvg:
		if st.n == 0 {
			return dataflow.Null
		}
		if p.exact {
			if st.wsum != nil {
				return fitDecimal(st.wsum, big.NewInt(st.n), p.scale)
			}
			return exactAvgValue(st.sum, st.n, p.scale)
		}
		return dataflow.Float(st.fsum.mean(st.n))
	case AggMin, AggMax:
		if st.vals == nil {
			return dataflow.Null
		}
		return extremum(st.vals, p.spec.Func == AggMax)
	case AggGroupConcat:
		return a.groupConcat(&p.spec, st.vals)
	case AggJSONArray:
		return a.jsonArrayResult(&p.spec, st)
	case AggJSONObject:
		return a.jsonObject(st.vals)
	}
	return dataflow.Null
}

// groupConcat renders the group's values in order (reversed for OrderDesc, so ties the
// collation leaves are broken by exact order in the same direction). Under DISTINCT the
// first value of each run of collation-equal values stands for the run.
func (a *Aggregate) groupConcat(s *AggSpec, vals *valueBag) dataflow.Value {
	if vals == nil || vals.empty() {
		return dataflow.Null
	}
	buf := a.textBuf[:0]
	first := true
	var prev dataflow.Value
	visit := func(v dataflow.Value, n int64) bool {
		if s.Distinct {
			if !first && dataflow.Compare(prev, v) == 0 {
				return true
			}
			prev, n = v, 1
		}
		text := v.ToText()
		for ; n > 0; n-- {
			if !first {
				buf = append(buf, s.Separator...)
			}
			first = false
			buf = append(buf, text...)
			if s.MaxLen > 0 && len(buf) >= s.MaxLen {
				return false
			}
		}
		return true
	}
	if s.OrderDesc {
		vals.descend(visit)
	} else {
		vals.ascend(visit)
	}
	if s.MaxLen > 0 && len(buf) > s.MaxLen {
		buf = truncateUTF8(buf, s.MaxLen)
	}
	a.textBuf = buf[:0]
	return dataflow.String(string(buf))
}

// truncateUTF8 cuts b to at most n bytes without splitting a character.
func truncateUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	cut := n
	for k := 0; k < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(b[cut]); k++ {
		cut--
	}
	if !utf8.RuneStart(b[cut]) {
		cut = n // not UTF-8 to begin with: cut at the byte limit
	}
	return b[:cut]
}

// floatArg converts a SUM/AVG argument to DOUBLE as MySQL does. A string whose numeric
// prefix overflows a double parses as an infinity; MySQL clamps it to the largest double.
func floatArg(v dataflow.Value) float64 {
	f, _ := v.ToFloat()
	switch {
	case math.IsInf(f, 1):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	case math.IsNaN(f):
		return 0
	}
	return f
}

// floatSum is the exact sum of a multiset of doubles: mant × 2^exp, with mant odd (or zero)
// so the representation depends only on the value. Every double is an integer times a power
// of two, so additions and retractions are exact and the result is rounded once, on output.
type floatSum struct {
	mant big.Int
	exp  int
}

func (s *floatSum) add(f float64, neg bool, tmp *big.Int) {
	if f == 0 {
		return
	}
	fr, e := math.Frexp(f)
	m := int64(fr * (1 << 53)) // exact: |fr| < 1 has at most 53 significant bits
	e -= 53
	if neg {
		m = -m
	}
	if s.mant.Sign() == 0 {
		s.mant.SetInt64(m)
		s.exp = e
	} else {
		if e < s.exp {
			s.mant.Lsh(&s.mant, uint(s.exp-e))
			s.exp = e
		}
		tmp.SetInt64(m)
		tmp.Lsh(tmp, uint(e-s.exp))
		s.mant.Add(&s.mant, tmp)
	}
	if s.mant.Sign() == 0 {
		s.exp = 0
		return
	}
	if tz := s.mant.TrailingZeroBits(); tz > 0 {
		s.mant.Rsh(&s.mant, tz)
		s.exp += int(tz)
	}
}

func (s *floatSum) exact(z *big.Float) *big.Float {
	if s == nil {
		return z.SetInt64(0)
	}
	z.SetInt(&s.mant) // exact: the precision grows to the integer's length
	return z.SetMantExp(z, s.exp)
}

// value is the sum rounded to the nearest double (an overflow becomes NULL through
// dataflow.Float).
func (s *floatSum) value() float64 {
	var z big.Float
	f, _ := s.exact(&z).Float64()
	return f
}

// mean is sum/n rounded once to the nearest double.
func (s *floatSum) mean(n int64) float64 {
	var sum, cnt, q big.Float
	s.exact(&sum)
	cnt.SetInt64(n)
	f, _ := q.SetPrec(53).Quo(&sum, &cnt).Float64()
	return f
}

// int128 is a two's-complement 128-bit integer. A sum is kept within ±2^126 and so are
// the contributions added to it (see addExact), so adding never wraps.
type int128 struct {
	hi int64
	lo uint64
}

func int128From64(x int64) int128 { return int128{hi: x >> 63, lo: uint64(x)} }

func (a int128) add(b int128) int128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return int128{hi: a.hi + b.hi + int64(c), lo: lo}
}

func (a int128) neg() int128 {
	lo, borrow := bits.Sub64(0, a.lo, 0)
	return int128{hi: -a.hi - int64(borrow), lo: lo}
}

// int64 returns the value when it fits an int64.
func (a int128) int64() (int64, bool) {
	if (a.hi == 0 && a.lo <= math.MaxInt64) || (a.hi == -1 && a.lo > math.MaxInt64) {
		return int64(a.lo), true
	}
	return 0, false
}

// mulSmall multiplies by m (wrapping).
func (a int128) mulSmall(m uint64) int128 {
	neg := a.hi < 0
	if neg {
		a = a.neg()
	}
	hi, lo := bits.Mul64(a.lo, m)
	hi += uint64(a.hi) * m
	r := int128{hi: int64(hi), lo: lo}
	if neg {
		r = r.neg()
	}
	return r
}

// divRound divides by d > 0, rounding half away from zero as MySQL's DECIMAL division does.
func (a int128) divRound(d int64) int128 {
	neg := a.hi < 0
	if neg {
		a = a.neg()
	}
	ud := uint64(d)
	hi := uint64(a.hi)
	qh, r := hi/ud, hi%ud
	ql, rem := bits.Div64(r, a.lo, ud)
	q := int128{hi: int64(qh), lo: ql}
	if rem >= ud-rem {
		q = q.add(int128{lo: 1})
	}
	if neg {
		q = q.neg()
	}
	return q
}

func (a int128) bigInt() *big.Int {
	x := new(big.Int).SetInt64(a.hi)
	x.Lsh(x, 64)
	return x.Add(x, new(big.Int).SetUint64(a.lo))
}

var pow10u64 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// contribution is one argument at the fixed-point scale: in c, or, when it may not fit
// int128 with room to spare, in wide.
type contribution struct {
	c    int128
	wide *big.Int
}

// exactContribution is v scaled to the fixed-point scale. Exact kinds convert exactly (a
// decimal with more digits than the scale is rounded half away from zero); other kinds go
// through MySQL's numeric conversion to DOUBLE and are rounded to the scale. The contribution
// is a function of the value alone, which is what makes a retraction undo its insertion
// exactly. The common cases (at most 2^64 × 10^18 in magnitude, below 2^126) stay in int128
// without allocating.
func exactContribution(v dataflow.Value, scale uint8) contribution {
	switch v.Kind() {
	case dataflow.KindInt:
		if scale <= 18 {
			return contribution{c: int128From64(v.RawInt()).mulSmall(pow10u64[scale])}
		}
		return contribution{wide: new(big.Int).Mul(big.NewInt(v.RawInt()), dataflow.BigPow10(int(scale)))}
	case dataflow.KindUint:
		if scale <= 18 {
			return contribution{c: int128{lo: v.RawUint()}.mulSmall(pow10u64[scale])}
		}
		m := new(big.Int).SetUint64(v.RawUint())
		return contribution{wide: m.Mul(m, dataflow.BigPow10(int(scale)))}
	case dataflow.KindDecimal:
		if c, s, ok := v.NarrowDecimal(); ok {
			switch {
			case s <= scale && scale-s <= 18:
				return contribution{c: int128From64(c).mulSmall(pow10u64[scale-s])}
			case s > scale:
				return contribution{c: int128From64(decimalRescaleDown(c, s-scale))}
			}
		}
		m, s := v.BigDecimal()
		if s <= scale {
			return contribution{wide: m.Mul(m, dataflow.BigPow10(int(scale-s)))}
		}
		return contribution{wide: roundQuo(m, dataflow.BigPow10(int(s-scale)))}
	}
	f := floatArg(v) * math.Pow10(int(scale))
	if math.Abs(f) < 1<<126 {
		return contribution{c: int128FromFloat(f)}
	}
	// Past any decimal's range the contribution saturates, which keeps it a pure function of
	// the value (and infinities finite).
	limit := dataflow.BigPow10(dataflow.MaxDecimalDigits + int(scale))
	m := new(big.Int).Set(limit)
	if !math.IsInf(f, 0) && !math.IsNaN(f) {
		if bf, _ := new(big.Float).SetFloat64(math.Round(f)).Int(nil); bf.CmpAbs(limit) < 0 {
			m = bf
		}
	}
	if f < 0 && m.Sign() > 0 {
		m.Neg(m)
	}
	return contribution{wide: m}
}

// addExact adds (or, for a retraction, subtracts) a contribution to the fixed-point sum: in
// int128 while the sum stays within ±2^126, exactly in wsum beyond, and back in int128 once
// the sum is small again, so that only groups holding wide sums pay for big arithmetic.
func (st *accState) addExact(c contribution, neg bool) {
	if c.wide == nil && st.wsum == nil {
		if neg {
			c.c = c.c.neg()
		}
		if r := st.sum.add(c.c); r.within126() {
			st.sum = r
			return
		}
		c.wide = c.c.bigInt()
	} else if c.wide == nil {
		c.wide = c.c.bigInt()
		if neg {
			c.wide.Neg(c.wide)
		}
	} else if neg {
		c.wide = new(big.Int).Neg(c.wide)
	}
	if st.wsum == nil {
		st.wsum = st.sum.bigInt()
		st.sum = int128{}
	}
	st.wsum.Add(st.wsum, c.wide)
	if st.wsum.BitLen() < 126 {
		st.sum = int128FromBig(st.wsum)
		st.wsum = nil
	}
}

// within126 reports |a| < 2^126: two such values add without wrapping.
func (a int128) within126() bool {
	top := a.hi >> 61 // the top three bits, sign-extended
	return top == 0 || top == -1
}

// int128FromBig converts x, which must satisfy |x| < 2^127.
func int128FromBig(x *big.Int) int128 {
	mag := new(big.Int).Abs(x)
	r := int128{lo: mag.Uint64(), hi: int64(new(big.Int).Rsh(mag, 64).Uint64())}
	if x.Sign() < 0 {
		r = r.neg()
	}
	return r
}

// decimalRescaleDown divides c by 10^drop rounding half away from zero, for any drop.
func decimalRescaleDown(c int64, drop uint8) int64 {
	if drop >= uint8(len(pow10u64)) {
		return 0 // |c| < 2^63 < 0.5 × 10^20
	}
	neg := c < 0
	mag := uint64(c)
	if neg {
		mag = -mag
	}
	p := pow10u64[drop]
	q, r := mag/p, mag%p
	if r >= p-r {
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// int128FromFloat rounds f half away from zero to an integer. Magnitudes past 2^126 saturate:
// such a contribution is already meaningless as a decimal, and saturation keeps it a pure
// function of the value.
func int128FromFloat(f float64) int128 {
	f = math.Round(f)
	mag := math.Abs(f)
	var r int128
	switch {
	case mag < 1<<63:
		r = int128{lo: uint64(mag)}
	case mag >= 1<<126 || math.IsNaN(mag):
		r = int128{hi: 1 << 62}
	default:
		fr, e := math.Frexp(mag) // mag = fr × 2^e, 64 ≤ e ≤ 126
		m := uint64(fr * (1 << 64))
		k := uint(e - 64)
		r = int128{lo: m << k}
		if k > 0 {
			r.hi = int64(m >> (64 - k))
		}
	}
	if f < 0 {
		r = r.neg()
	}
	return r
}

// exactSumValue turns a fixed-point sum into a Value: an INT for scale 0 while it fits (a
// UINT up to 2^64), otherwise a DECIMAL at the scale.
func exactSumValue(sum int128, scale uint8) dataflow.Value {
	if v, ok := sum.int64(); ok {
		if scale == 0 {
			return dataflow.Int(v)
		}
		return dataflow.Decimal(v, scale)
	}
	if scale == 0 && sum.hi == 0 {
		return dataflow.Uint(sum.lo)
	}
	return fitDecimal(sum.bigInt(), big.NewInt(1), scale)
}

// exactAvgValue is sum/n (sum at the fixed-point scale) rounded half away from zero.
func exactAvgValue(sum int128, n int64, scale uint8) dataflow.Value {
	if v, ok := sum.divRound(n).int64(); ok {
		return dataflow.Decimal(v, scale)
	}
	return fitDecimal(sum.bigInt(), big.NewInt(n), scale)
}

// fitDecimal renders num/den × 10^-scale when its coefficient does not fit 64 bits at the
// scale. As MariaDB's, a result holds at most dataflow.MaxDecimalDigits digits: beyond them
// it keeps fewer fractional digits (rounding once, half away from zero), and it falls back to
// the nearest DOUBLE only when even the integer part is wider.
func fitDecimal(num, den *big.Int, scale uint8) dataflow.Value {
	q := roundQuo(num, den)
	if dataflow.BigDigits(q) <= dataflow.MaxDecimalDigits {
		return dataflow.DecimalBig(q, scale)
	}
	ten := big.NewInt(10)
	for s := int(scale) - 1; s >= 0; s-- {
		d := new(big.Int).Mul(dataflow.BigPow10(int(scale)-s), den)
		if q := roundQuo(num, d); dataflow.BigDigits(q) <= dataflow.MaxDecimalDigits {
			return dataflow.DecimalBig(q, uint8(s))
		}
	}
	d := new(big.Int).Exp(ten, big.NewInt(int64(scale)), nil)
	f, _ := new(big.Rat).SetFrac(num, d.Mul(d, den)).Float64()
	return dataflow.Float(f)
}

// roundQuo is num/den (den > 0) rounded half away from zero.
func roundQuo(num, den *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	m.Abs(m).Lsh(m, 1)
	if m.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
