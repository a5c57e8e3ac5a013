package expr

import (
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

type like struct {
	e, pat   Expr
	esc      rune
	not      bool
	constPat bool
	patNull  bool
	patText  string
	// patBinary: the constant pattern is a binary string, which matches case-sensitively.
	patBinary bool
	t         dataflow.Type
	str       string
}

// NewLike is e [NOT] LIKE pattern ESCAPE escape: % matches any run of characters, _ exactly
// one, and the escape character makes the next pattern character literal (at the very end of
// the pattern it stands for itself, as in MySQL). An escape of 0 means none. Characters
// compare case-insensitively under the same folding as dataflow.CompareStrings (exactly when
// either side is a binary string, as in MySQL), but unlike =
// trailing spaces count ('a ' LIKE 'a' is false). Numbers and times match by their text.
// NULL on either side gives NULL.
func NewLike(e, pattern Expr, escape rune, not bool) Expr {
	l := &like{e: e, pat: pattern, esc: escape, not: not}
	if v, ok := ConstValue(pattern); ok {
		l.constPat = true
		l.patNull = v.IsNull()
		if !l.patNull {
			l.patText, l.patBinary = text(v), v.IsBinary()
		}
	}
	l.t = boolType(nullableType(e.Type()) || nullableType(pattern.Type()))
	kw := " LIKE "
	if not {
		kw = " NOT LIKE "
	}
	escText := ""
	if escape != 0 {
		escText = string(escape)
	}
	l.str = "(" + e.String() + kw + pattern.String() + " ESCAPE " + quoteString(escText) + ")"
	return l
}

// text renders a non-NULL value as the string MySQL uses in string context.
func text(v dataflow.Value) string {
	if v.Kind() == dataflow.KindString {
		return v.RawString()
	}
	return v.ToText()
}

func (l *like) Eval(row dataflow.Row) dataflow.Value {
	v := l.e.Eval(row)
	if v.IsNull() {
		return dataflow.Null
	}
	p, binary := l.patText, l.patBinary
	if l.constPat {
		if l.patNull {
			return dataflow.Null
		}
	} else {
		pv := l.pat.Eval(row)
		if pv.IsNull() {
			return dataflow.Null
		}
		p, binary = text(pv), pv.IsBinary()
	}
	return dataflow.Bool(likeMatch(text(v), p, l.esc, !binary && !v.IsBinary()) != l.not)
}

func (l *like) Type() dataflow.Type { return l.t }
func (l *like) String() string      { return l.str }
func (l *like) children() []Expr    { return []Expr{l.e, l.pat} }
func (l *like) withChildren(ch []Expr) Expr {
	return NewLike(ch[0], ch[1], l.esc, l.not)
}

// foldRune is the case folding of the default collation (the same as dataflow's).
func foldRune(r rune) rune { return dataflow.FoldRune(r) }

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// likeMatch matches s against a LIKE pattern. It backtracks only to the most recent %, which
// is enough because a later % can absorb anything an earlier one could: the cost is
// O(len(s)·len(p)) at worst, never exponential.
// With fold false, characters match only when identical.
func likeMatch(s, p string, esc rune, fold bool) bool {
	si, pi := 0, 0
	starP, starS := -1, -1
	for si < len(s) {
		if pi < len(p) {
			r, w := decode(p, pi)
			switch {
			case r == '%':
				pi += w
				starP, starS = pi, si
				continue
			case r == '_':
				_, sw := decode(s, si)
				si += sw
				pi += w
				continue
			default:
				lit, lw := r, w
				if r == esc && esc != 0 && pi+w < len(p) {
					var w2 int
					lit, w2 = decode(p, pi+w)
					lw = w + w2
				}
				sr, sw := decode(s, si)
				if sr == lit || fold && foldRune(sr) == foldRune(lit) {
					si += sw
					pi += lw
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := decode(s, starS)
		starS += sw
		si, pi = starS, starP
	}
	for pi < len(p) {
		r, w := decode(p, pi)
		if r != '%' {
			return false
		}
		pi += w
	}
	return true
}

// Like reports whether s matches a LIKE pattern (with \ as the escape character) under the
// default collation, as `s LIKE pattern` would: SHOW ... LIKE filters names with it.
func Like(s, pattern string) bool { return likeMatch(s, pattern, '\\', true) }
