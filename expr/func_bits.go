package expr

import (
	"errors"

	"github.com/weirdb/weir/dataflow"
)

// BitOp is one of MySQL's bit operators.
type BitOp uint8

const (
	BitAnd BitOp = iota // &
	BitOr               // |
	BitXor              // ^
	BitShl              // <<
	BitShr              // >>
	BitNot              // ~ (unary: the right operand is unused)
)

var bitOpText = [...]string{BitAnd: "&", BitOr: "|", BitXor: "^", BitShl: "<<", BitShr: ">>", BitNot: "~"}

// ErrBinaryBitOp reports a bit operator over binary strings, which MySQL 8 evaluates byte by
// byte into a binary string; Weir computes the integer form only.
var ErrBinaryBitOp = errors.New("bit operators over binary strings, which MySQL 8 computes byte by byte")

type bitOp struct {
	op   BitOp
	l, r Expr
	t    dataflow.Type
	str  string
}

// NewBitOp is l op r (for BitNot, ~l with r nil) over 64-bit unsigned integers, as MySQL
// computes them: operands rounded to integers, negative ones in two's complement, text read
// by its numeric prefix; a shift by 64 or more gives 0. The result is a BIGINT UNSIGNED,
// NULL when an operand is NULL. Binary-string operands (other than hexadecimal literals,
// which MySQL reads as numbers here) are refused with ErrBinaryBitOp.
func NewBitOp(op BitOp, l, r Expr) (Expr, error) {
	operands := []Expr{l}
	if op != BitNot {
		operands = append(operands, r)
	}
	for _, o := range operands {
		if o.Type().BinaryString() {
			if v, ok := ConstValue(o); !ok || !isHexLiteral(v) {
				return nil, ErrBinaryBitOp
			}
		}
	}
	return newBitOp(op, l, r), nil
}

func isHexLiteral(v dataflow.Value) bool {
	_, ok := v.HexNumber()
	return ok
}

func newBitOp(op BitOp, l, r Expr) *bitOp {
	b := &bitOp{op: op, l: l, r: r}
	nullable := nullableType(l.Type())
	if op == BitNot {
		b.str = "(~" + l.String() + ")"
	} else {
		nullable = nullable || nullableType(r.Type())
		b.str = "(" + l.String() + " " + bitOpText[op] + " " + r.String() + ")"
	}
	b.t = dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, SQL: "BIGINT UNSIGNED", Nullable: nullable}
	return b
}

func (b *bitOp) Eval(row dataflow.Row) dataflow.Value {
	x, ok := bitOperand(b.l.Eval(row))
	if !ok {
		return dataflow.Null
	}
	if b.op == BitNot {
		return dataflow.Uint(^x)
	}
	y, ok := bitOperand(b.r.Eval(row))
	if !ok {
		return dataflow.Null
	}
	switch b.op {
	case BitAnd:
		return dataflow.Uint(x & y)
	case BitOr:
		return dataflow.Uint(x | y)
	case BitXor:
		return dataflow.Uint(x ^ y)
	case BitShl:
		if y >= 64 {
			return dataflow.Uint(0)
		}
		return dataflow.Uint(x << y)
	}
	if y >= 64 {
		return dataflow.Uint(0)
	}
	return dataflow.Uint(x >> y)
}

func (b *bitOp) Type() dataflow.Type { return b.t }
func (b *bitOp) String() string      { return b.str }
func (b *bitOp) children() []Expr {
	if b.op == BitNot {
		return []Expr{b.l}
	}
	return []Expr{b.l, b.r}
}
func (b *bitOp) withChildren(ch []Expr) Expr {
	if b.op == BitNot {
		return newBitOp(b.op, ch[0], nil)
	}
	return newBitOp(b.op, ch[0], ch[1])
}
