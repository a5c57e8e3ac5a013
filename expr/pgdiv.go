package expr

import (
	"math/big"

	"github.com/weirdb/weir/dataflow"
)

// pgDiv is PostgreSQL's numeric division (numeric_div), whose result scale depends on
// the values (select_div_scale), where MySQL's keeps four digits more than the dividend.
// avg() is the same division of the sum by the count (numeric_avg).
type pgDiv struct {
	l, r Expr
	t    dataflow.Type
	name string
}

// PostgreSQL's numeric constants (src/backend/utils/adt/numeric.c).
const (
	pgNumericMinSigDigits = 16 // NUMERIC_MIN_SIG_DIGITS
	pgDecDigits           = 4  // DEC_DIGITS: decimal digits per base-10000 digit
)

// NewPGDiv is l / r in PostgreSQL's numeric arithmetic: double precision when either
// operand is floating-point, else numeric with the scale PostgreSQL's division chooses:
// enough for 16 significant digits, at least either operand's scale, rounded half away from
// zero, capped at Weir's largest scale (38). NULL when r is zero (PostgreSQL fails with
// 22012, which a cache cannot raise when a later write makes the divisor zero).
func NewPGDiv(l, r Expr) Expr { return newPGDiv(l, r, "PG_DIV") }

// NewPGAvg is PostgreSQL's avg() given sum and count, the SUM and COUNT of the same values:
// their division (NewPGDiv), NULL for no values.
func NewPGAvg(sum, count Expr) Expr { return newPGDiv(sum, count, "PG_AVG") }

func newPGDiv(l, r Expr, name string) Expr {
	t := dataflow.Type{Kind: dataflow.KindDecimal, Precision: dataflow.MaxDecimalPrecision, Scale: maxScale, SQL: "DECIMAL", Nullable: true}
	if l.Type().Kind == dataflow.KindFloat || r.Type().Kind == dataflow.KindFloat {
		t = dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
	}
	return &pgDiv{l: l, r: r, t: t, name: name}
}

func (d *pgDiv) Eval(row dataflow.Row) dataflow.Value {
	x, y := d.l.Eval(row), d.r.Eval(row)
	if x.IsNull() || y.IsNull() {
		return dataflow.Null
	}
	if d.t.Kind == dataflow.KindFloat {
		a, _ := x.ToFloat()
		b, _ := y.ToFloat()
		if b == 0 {
			return dataflow.Null
		}
		return dataflow.Float(a / b)
	}
	m1, s1, ok1 := bigExact(x)
	m2, s2, ok2 := bigExact(y)
	if !ok1 || !ok2 || m2.Sign() == 0 {
		return dataflow.Null
	}
	rscale := pgNumericMinSigDigits - pgDivWeight(m1, s1, m2, s2)*pgDecDigits
	rscale = min(max(rscale, s1, s2, 0), maxScale)
	// (m1×10^-s1) / (m2×10^-s2) at rscale: m1×10^(rscale+s2) / (m2×10^s1), rounded.
	num := new(big.Int).Mul(m1, bigPow10(rscale+s2))
	den := new(big.Int).Mul(m2, bigPow10(s1))
	return dataflow.DecimalBig(roundDiv(num, den), uint8(rscale))
}

// pgDivWeight is select_div_scale's estimate of the quotient's weight in base-10000 digits:
// the dividend's weight less the divisor's, one less when the dividend's first base-10000
// digit is not greater than the divisor's.
func pgDivWeight(m1 *big.Int, s1 int, m2 *big.Int, s2 int) int {
	w1, d1 := pgFirstDigit(m1, s1)
	w2, d2 := pgFirstDigit(m2, s2)
	q := w1 - w2
	if d1 <= d2 {
		q--
	}
	return q
}

// pgFirstDigit is the weight and value of the first non-zero base-10000 digit of
// mant×10^-scale, as PostgreSQL's numeric lays its digits out around the decimal point;
// 0, 0 for zero.
func pgFirstDigit(mant *big.Int, scale int) (weight int, digit int64) {
	abs := new(big.Int).Abs(mant)
	if abs.Sign() == 0 {
		return 0, 0
	}
	exp := len(abs.String()) - 1 - scale // the decimal exponent of the first digit
	weight = exp / pgDecDigits
	if exp < 0 && exp%pgDecDigits != 0 {
		weight-- // floor division
	}
	// digit = floor(abs × 10^(-scale - 4×weight)).
	shift := -scale - pgDecDigits*weight
	if shift >= 0 {
		abs.Mul(abs, bigPow10(shift))
	} else {
		abs.Quo(abs, bigPow10(-shift))
	}
	return weight, abs.Int64()
}

func (d *pgDiv) Type() dataflow.Type { return d.t }
func (d *pgDiv) String() string {
	return d.name + "(" + d.l.String() + ", " + d.r.String() + ")"
}
func (d *pgDiv) children() []Expr            { return []Expr{d.l, d.r} }
func (d *pgDiv) withChildren(ch []Expr) Expr { return newPGDiv(ch[0], ch[1], d.name) }
