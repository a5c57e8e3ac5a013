package expr

import (
	"strings"

	"github.com/weirdb/weir/dataflow"
)

// When is one WHEN ... THEN ... arm of a CASE.
type When struct{ Cond, Then Expr }

type caseExpr struct {
	operand Expr // nil for a searched CASE
	whens   []When
	els     Expr // nil: ELSE NULL
	t       dataflow.Type
	str     string
}

// NewCase is CASE [operand] WHEN ... THEN ... [ELSE els] END. With an operand, an arm is taken
// when operand = Cond (so a NULL operand takes no arm); without one, when Cond is true. No arm
// taken gives els, or NULL when els is nil. The result type aggregates every THEN and the
// ELSE as MySQL does, and each result is converted to it (CASE WHEN c THEN 1 ELSE 2.5 END
// yields 1.0).
func NewCase(operand Expr, whens []When, els Expr) Expr {
	c := &caseExpr{operand: operand, whens: append([]When(nil), whens...), els: els}
	ts := make([]dataflow.Type, 0, len(whens)+1)
	var b strings.Builder
	b.WriteString("CASE")
	if operand != nil {
		b.WriteString(" " + operand.String())
	}
	for _, w := range whens {
		ts = append(ts, w.Then.Type())
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Then.String())
	}
	if els != nil {
		ts = append(ts, els.Type())
		b.WriteString(" ELSE " + els.String())
	} else {
		ts = append(ts, dataflow.Type{Kind: dataflow.KindNull, Nullable: true})
	}
	b.WriteString(" END")
	c.t = aggregateType(ts)
	c.str = b.String()
	return c
}

func (c *caseExpr) Eval(row dataflow.Row) dataflow.Value {
	if c.operand != nil {
		v := c.operand.Eval(row)
		if !v.IsNull() {
			for _, w := range c.whens {
				x := w.Cond.Eval(row)
				if !x.IsNull() && compareValues(v, x) == 0 {
					return coerce(w.Then.Eval(row), c.t)
				}
			}
		}
	} else {
		for _, w := range c.whens {
			if truth(w.Cond.Eval(row)) == triTrue {
				return coerce(w.Then.Eval(row), c.t)
			}
		}
	}
	if c.els == nil {
		return dataflow.Null
	}
	return coerce(c.els.Eval(row), c.t)
}

func (c *caseExpr) Type() dataflow.Type { return c.t }
func (c *caseExpr) String() string      { return c.str }

func (c *caseExpr) children() []Expr {
	var ch []Expr
	if c.operand != nil {
		ch = append(ch, c.operand)
	}
	for _, w := range c.whens {
		ch = append(ch, w.Cond, w.Then)
	}
	if c.els != nil {
		ch = append(ch, c.els)
	}
	return ch
}

func (c *caseExpr) withChildren(ch []Expr) Expr {
	var operand, els Expr
	if c.operand != nil {
		operand, ch = ch[0], ch[1:]
	}
	whens := make([]When, len(c.whens))
	for i := range whens {
		whens[i] = When{Cond: ch[2*i], Then: ch[2*i+1]}
	}
	if c.els != nil {
		els = ch[2*len(whens)]
	}
	return NewCase(operand, whens, els)
}

type cast struct {
	e   Expr
	to  dataflow.Type
	t   dataflow.Type
	str string
}

// NewCast is CAST(e AS to), converting leniently as Convert(v, to, false) does: SIGNED and
// UNSIGNED (KindInt/KindUint, or Unsigned set), DECIMAL(p,s), CHAR[(n)], DATE, DATETIME[(fsp)],
// DOUBLE and FLOAT. A value that cannot become a date is NULL.
func NewCast(e Expr, to dataflow.Type) Expr {
	et := e.Type()
	t := to
	t.Nullable = nullableType(et)
	if (to.Kind == dataflow.KindDate || to.Kind == dataflow.KindDatetime) &&
		et.Kind != dataflow.KindDate && et.Kind != dataflow.KindDatetime {
		t.Nullable = true
	}
	if isIntType(to) && isUnsigned(to) {
		t.Kind, t.Unsigned = dataflow.KindUint, true
	}
	return &cast{e: e, to: to, t: t, str: "CAST(" + e.String() + " AS " + typeName(to) + ")"}
}

func (c *cast) Eval(row dataflow.Row) dataflow.Value {
	v := c.e.Eval(row)
	if v.IsNull() {
		return v
	}
	out, err := Convert(v, c.to, false)
	if err != nil {
		return dataflow.Null
	}
	return out
}

func (c *cast) Type() dataflow.Type         { return c.t }
func (c *cast) String() string              { return c.str }
func (c *cast) children() []Expr            { return []Expr{c.e} }
func (c *cast) withChildren(ch []Expr) Expr { return NewCast(ch[0], c.to) }
