package expr

import (
	"testing"
	"unicode/utf8"

	"github.com/weirdb/weir/dataflow"
)

func likeCases() []evalCase {
	l := func(s, p string) Expr { return NewLike(ks(s), ks(p), '\\', false) }
	one, zero := vi(1), vi(0)
	return []evalCase{
		{e: l("abc", "abc"), want: one, kind: kInt},
		{e: l("ABC", "a%"), want: one},
		{e: l("abc", "_b_"), want: one},
		{e: l("abc", "a_"), want: zero},
		{e: l("a ", "a"), want: zero},
		{e: l("a", "a "), want: zero},
		{e: l("", "%"), want: one},
		{e: l("", "_"), want: zero},
		{e: l("abc", "%%c"), want: one},
		{e: l("mississippi", "%iss%ppi"), want: one},
		{e: l("mississippi", "m%s_s%p_"), want: one},
		{e: l("mississippi", "%s%s%s%s%x"), want: zero},
		{e: l("a%", `a\%`), want: one},
		{e: l("ab", `a\%`), want: zero},
		{e: l("a_", `a\_`), want: one},
		{e: l("ab", `a\_`), want: zero},
		{e: l(`a\`, `a\`), want: one},
		{e: l(`a\b`, `a\\b`), want: one},
		{e: l("Ñandú", "ñ%Ú"), want: one},
		{e: l("日本語", "_本_"), want: one},
		{e: NewLike(ki(10), ks("1%"), '\\', false), want: one},
		{e: NewLike(kd("1.50"), ks("%.5_"), '\\', false), want: one},
		{e: NewLike(ks("abc"), ks("A%"), '\\', true), want: zero},
		{e: NewLike(ks("abc"), ks("x%"), '\\', true), want: one},
		{e: NewLike(kn, ks("%"), '\\', false), want: null},
		{e: NewLike(ks("a"), kn, '\\', false), want: null},
		{e: NewLike(kn, ks("%"), '\\', true), want: null},
		{e: NewLike(ks("a|%b"), ks("a||%b"), '|', false), want: one},
		{e: NewLike(ks("a%b"), ks("a||%b"), '|', false), want: zero},
		{e: NewLike(ks("a|xb"), ks("a||%b"), '|', false), want: one},
		{e: NewLike(ks("a%b"), ks("a|%b"), '|', false), want: one},
		{e: NewLike(ks("axb"), ks("a|%b"), '|', false), want: zero},
	}
}

func TestLike(t *testing.T) { runEvalCases(t, likeCases()) }

func TestLikeColumns(t *testing.T) {
	e := NewLike(col(0, tVarchar), col(1, tVarchar), '\\', false)
	runEvalCases(t, []evalCase{
		{e: e, row: dataflow.Row{vs("hello"), vs("H%O")}, want: vi(1)},
		{e: e, row: dataflow.Row{vs("hello"), vs("h_")}, want: vi(0)},
		{e: e, row: dataflow.Row{vs("hello"), null}, want: null},
		{e: e, row: dataflow.Row{null, vs("%")}, want: null},
	})
	// An escape of 0 means none: a backslash is an ordinary character.
	none := NewLike(col(0, tVarchar), ks(`a\%`), 0, false)
	runEvalCases(t, []evalCase{
		{e: none, row: dataflow.Row{vs(`a\bc`)}, want: vi(1)},
		{e: none, row: dataflow.Row{vs(`a%`)}, want: vi(0)},
	})
}

// likeToken is one pattern element of the reference matcher.
type likeToken struct {
	any, one bool
	r        rune
}

// refLike is a direct dynamic-programming matcher used to check likeMatch: it tokenizes the
// pattern the same way MySQL documents (escape before a character makes it literal, escape
// at the end is literal) and fills a table over every (text, pattern) prefix pair.
func refLike(s, p string, esc rune) bool {
	pr := []rune(p)
	var toks []likeToken
	for i := 0; i < len(pr); i++ {
		switch r := pr[i]; {
		case r == '%':
			toks = append(toks, likeToken{any: true})
		case r == '_':
			toks = append(toks, likeToken{one: true})
		case r == esc && esc != 0 && i+1 < len(pr):
			i++
			toks = append(toks, likeToken{r: pr[i]})
		default:
			toks = append(toks, likeToken{r: r})
		}
	}
	sr := []rune(s)
	// m[i][j]: sr[:i] matches toks[:j].
	m := make([][]bool, len(sr)+1)
	for i := range m {
		m[i] = make([]bool, len(toks)+1)
	}
	m[0][0] = true
	for j := 1; j <= len(toks); j++ {
		m[0][j] = m[0][j-1] && toks[j-1].any
	}
	for i := 1; i <= len(sr); i++ {
		for j := 1; j <= len(toks); j++ {
			tk := toks[j-1]
			switch {
			case tk.any:
				m[i][j] = m[i][j-1] || m[i-1][j]
			case tk.one:
				m[i][j] = m[i-1][j-1]
			default:
				m[i][j] = m[i-1][j-1] && foldRune(sr[i-1]) == foldRune(tk.r)
			}
		}
	}
	return m[len(sr)][len(toks)]
}

func FuzzLike(f *testing.F) {
	for _, c := range likeCases() {
		if l, ok := c.e.(*like); ok {
			s, _ := ConstValue(l.e)
			p, _ := ConstValue(l.pat)
			if !s.IsNull() && !p.IsNull() {
				f.Add(text(s), text(p), int32(l.esc))
			}
		}
	}
	f.Add("\xff\xfe", "_%\xff", int32('\\'))
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%a%c", int32(0))
	f.Fuzz(func(t *testing.T, s, p string, esc int32) {
		if len(s) > 64 || len(p) > 64 {
			return
		}
		r := rune(esc)
		if !utf8.ValidRune(r) {
			r = '\\'
		}
		// The reference reads invalid UTF-8 as U+FFFD per byte, as likeMatch does, but a
		// literal U+FFFD in one string would then equal an invalid byte in the other.
		if !utf8.ValidString(s) || !utf8.ValidString(p) {
			likeMatch(s, p, r, true) // must not panic
			return
		}
		got := likeMatch(s, p, r, true)
		if want := refLike(s, p, r); got != want {
			t.Fatalf("likeMatch(%q, %q, %q) = %v, reference says %v", s, p, r, got, want)
		}
		e := NewLike(ks(s), ks(p), r, false)
		if v := e.Eval(nil); v.RawInt() != map[bool]int64{true: 1, false: 0}[got] {
			t.Fatalf("%s = %v, want %v", e, v, got)
		}
	})
}
