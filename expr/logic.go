package expr

import "github.com/weirdb/weir/dataflow"

// tri is a three-valued truth value.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triNull
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// truth reads a value as a condition: NULL is unknown, numbers are true when non-zero,
// strings by their numeric prefix (so 'abc' is false), times are true.
func truth(v dataflow.Value) tri {
	if v.IsNull() {
		return triNull
	}
	return triOf(v.Truthy())
}

func (t tri) value() dataflow.Value {
	switch t {
	case triTrue:
		return dataflow.Bool(true)
	case triFalse:
		return dataflow.Bool(false)
	}
	return dataflow.Null
}

func and3(a, b tri) tri {
	switch {
	case a == triFalse || b == triFalse:
		return triFalse
	case a == triNull || b == triNull:
		return triNull
	}
	return triTrue
}

func not3(a tri) tri {
	switch a {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triNull
}

type logicOp uint8

const (
	logicAnd logicOp = iota
	logicOr
	logicXor
)

type logic struct {
	op   logicOp
	l, r Expr
	t    dataflow.Type
	str  string
}

func newLogic(op logicOp, l, r Expr) Expr {
	name := [...]string{" AND ", " OR ", " XOR "}[op]
	return &logic{op: op, l: l, r: r,
		t:   boolType(nullableType(l.Type()) || nullableType(r.Type())),
		str: "(" + l.String() + name + r.String() + ")",
	}
}

// NewAnd is l AND r: false if either is false (r is not evaluated when l is false), else NULL
// if either is NULL, else true.
func NewAnd(l, r Expr) Expr { return newLogic(logicAnd, l, r) }

// NewOr is l OR r: true if either is true (r is not evaluated when l is true), else NULL if
// either is NULL, else false.
func NewOr(l, r Expr) Expr { return newLogic(logicOr, l, r) }

// NewXor is l XOR r: NULL if either is NULL, else whether exactly one is true.
func NewXor(l, r Expr) Expr { return newLogic(logicXor, l, r) }

func (g *logic) Eval(row dataflow.Row) dataflow.Value {
	a := truth(g.l.Eval(row))
	switch g.op {
	case logicAnd:
		if a == triFalse {
			return dataflow.Bool(false)
		}
		b := truth(g.r.Eval(row))
		return and3(a, b).value()
	case logicOr:
		if a == triTrue {
			return dataflow.Bool(true)
		}
		b := truth(g.r.Eval(row))
		switch {
		case b == triTrue:
			return dataflow.Bool(true)
		case a == triNull || b == triNull:
			return dataflow.Null
		}
		return dataflow.Bool(false)
	}
	if a == triNull {
		return dataflow.Null
	}
	b := truth(g.r.Eval(row))
	if b == triNull {
		return dataflow.Null
	}
	return dataflow.Bool(a != b)
}

func (g *logic) Type() dataflow.Type         { return g.t }
func (g *logic) String() string              { return g.str }
func (g *logic) children() []Expr            { return []Expr{g.l, g.r} }
func (g *logic) withChildren(ch []Expr) Expr { return newLogic(g.op, ch[0], ch[1]) }

type not struct {
	e   Expr
	str string
}

// NewNot is NOT e: NULL stays NULL.
func NewNot(e Expr) Expr { return &not{e: e, str: "(NOT " + e.String() + ")"} }

func (n *not) Eval(row dataflow.Row) dataflow.Value {
	return not3(truth(n.e.Eval(row))).value()
}
func (n *not) Type() dataflow.Type         { return boolType(nullableType(n.e.Type())) }
func (n *not) String() string              { return n.str }
func (n *not) children() []Expr            { return []Expr{n.e} }
func (n *not) withChildren(ch []Expr) Expr { return NewNot(ch[0]) }
