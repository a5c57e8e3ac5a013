package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdb/weir/dataflow"
)

func mustBitOp(op BitOp, l, r Expr) Expr {
	e, err := NewBitOp(op, l, r)
	if err != nil {
		panic(err)
	}
	return e
}

func stringMoreCases() []evalCase {
	bo := mustBitOp
	return []evalCase{
		// Regular expressions. MariaDB has no REGEXP_LIKE and returns '' where MySQL 8's
		// REGEXP_SUBSTR finds nothing; both are checked against MySQL's documented results.
		{e: fn("REGEXP_LIKE", ks("ABC"), ks("b")), want: vi(1), kind: kInt, mysqlOnly: true},
		{e: fn("REGEXP_LIKE", ks("ABC"), ks("b"), ks("c")), want: vi(0), mysqlOnly: true},
		{e: fn("REGEXP_LIKE", k(vb("ABC")), ks("b")), want: vi(0), mysqlOnly: true},
		{e: fn("REGEXP_LIKE", ks("a\nb"), ks("a.b")), want: vi(0), mysqlOnly: true},
		{e: fn("REGEXP_LIKE", ks("a\nb"), ks("a.b"), ks("n")), want: vi(1), mysqlOnly: true},
		{e: fn("REGEXP_LIKE", ks("x\nab"), ks("^a"), ks("m")), want: vi(1), mysqlOnly: true},
		{e: fn("REGEXP_LIKE", kn, ks("a")), want: null, mysqlOnly: true},
		{e: fn("REGEXP_SUBSTR", ks("abc ABC"), ks("b+")), want: vs("b"), kind: kStr},
		{e: fn("REGEXP_SUBSTR", ks("日本語abc"), ks("[a-z]+")), want: vs("abc")},
		{e: fn("REGEXP_SUBSTR", ks("abc"), ks("x")), want: null, mysqlOnly: true},
		{e: fn("REGEXP_SUBSTR", ks("a1 b22 c333"), ks("[0-9]+"), ki(1), ki(3)), want: vs("333"), mysqlOnly: true},
		{e: fn("REGEXP_SUBSTR", ks("a1 b22 c333"), ks("[0-9]+"), ki(4)), want: vs("22"), mysqlOnly: true},
		{e: fn("REGEXP_INSTR", ks("aXbxc"), ks("x")), want: vi(2), kind: kInt},
		{e: fn("REGEXP_INSTR", ks("日本語abc"), ks("b")), want: vi(5)},
		{e: fn("REGEXP_INSTR", ks("abc"), ks("z")), want: vi(0)},
		{e: fn("REGEXP_INSTR", ks("dog cat dog"), ks("dog"), ki(1), ki(2), ki(1)), want: vi(12), mysqlOnly: true},
		{e: fn("REGEXP_REPLACE", ks("Hello World"), ks("o"), ks("0")), want: vs("Hell0 W0rld"), kind: kStr},
		{e: fn("REGEXP_REPLACE", ks("a b c"), ks("[a-z]"), ks("X"), ki(1), ki(2)), want: vs("a X c"), mysqlOnly: true},
		{e: fn("REGEXP_REPLACE", ks("abc abc"), ks("b"), ks("X"), ki(3)), want: vs("abc aXc"), mysqlOnly: true},
		{e: fn("REGEXP_REPLACE", ks("john smith"), ks("(\\w+) (\\w+)"), ks("$2, $1")), want: vs("smith, john"), mysqlOnly: true},
		{e: fn("REGEXP_REPLACE", ks("a.b"), ks("\\."), ks("\\$1")), want: vs("a$1b"), mysqlOnly: true},

		// Codecs and bases.
		{e: fn("UNHEX", ks("4D7953514C")), want: vb("MySQL"), kind: kStr},
		{e: fn("UNHEX", ks("abc")), want: vb("\x0a\xbc")},
		{e: fn("UNHEX", ks("zz")), want: null},
		{e: fn("FROM_BASE64", ks("YWJj")), want: vb("abc"), kind: kStr},
		{e: fn("FROM_BASE64", ks("YW Jj")), want: vb("abc")},
		{e: fn("FROM_BASE64", ks("YWJ")), want: null},
		{e: fn("FROM_BASE64", fn("TO_BASE64", ks("héllo"))), want: vb("héllo")},
		{e: fn("CONV", ks("ff"), ki(16), ki(10)), want: vs("255"), kind: kStr},
		{e: fn("CONV", ks("-1"), ki(10), ki(16)), want: vs("FFFFFFFFFFFFFFFF")},
		{e: fn("CONV", ks("-1"), ki(-10), ki(-16)), want: vs("-1")},
		{e: fn("CONV", ki(255), ki(10), ki(-2)), want: vs("11111111")},
		{e: fn("CONV", ks("zz"), ki(36), ki(10)), want: vs("1295")},
		{e: fn("CONV", ks("12"), ki(1), ki(10)), want: null},
		{e: fn("CONV", ks("99999999999999999999"), ki(10), ki(16)), want: vs("FFFFFFFFFFFFFFFF")},
		{e: fn("CONV", ks("  12x"), ki(10), ki(10)), want: vs("12")},
		{e: fn("BIN", kd("12.9")), want: vs("1100"), kind: kStr},
		{e: fn("BIN", ki(-1)), want: vs(strings.Repeat("1", 64))},
		{e: fn("BIN", ks("abc")), want: vs("0")},
		{e: fn("OCT", ki(8)), want: vs("10"), kind: kStr},
		{e: fn("FORMAT", kd("1234567.891"), ki(2)), want: vs("1,234,567.89"), kind: kStr},
		{e: fn("FORMAT", kd("-1234.5"), ki(0)), want: vs("-1,235")},
		{e: fn("FORMAT", kd("0.5"), ki(0)), want: vs("1")},
		{e: fn("FORMAT", kf(2.5), ki(0)), want: vs("2")},
		{e: fn("FORMAT", kd("1234.5678"), ki(10)), want: vs("1,234.5678000000")},
		{e: fn("FORMAT", ks("12345.6"), ki(1)), want: vs("12,345.6")},
		{e: fn("FORMAT", kd("-0.001"), ki(2)), want: vs("0.00")},
		{e: fn("FORMAT", ki(-1234567), ki(2)), want: vs("-1,234,567.00")},
		{e: fn("FORMAT", kn, ki(2)), want: null},
		{e: fn("FORMAT", ki(1234), ki(1), ks("en_US")), want: vs("1,234.0")},
		{e: fn("CHAR", ki(77), ki(121), kn, ki(83), ki(81), ks("76"), kn), want: vb("MySQL"), kind: kStr},
		{e: fn("CHAR", ki(256), ki(65536), kn), want: vb("\x01\x00\x01\x00\x00")},
		{e: fn("ELT", ki(2), ks("a"), ks("b")), want: vs("b"), kind: kStr},
		{e: fn("ELT", ki(0), ks("a")), want: null},
		{e: fn("ELT", kd("1.5"), ks("a"), ks("b")), want: vs("b")},
		{e: fn("INSERT", ks("Quadratic"), ki(3), ki(4), ks("What")), want: vs("QuWhattic"), kind: kStr},
		{e: fn("INSERT", ks("Quadratic"), ki(-1), ki(4), ks("What")), want: vs("Quadratic")},
		{e: fn("INSERT", ks("Quadratic"), ki(3), ki(100), ks("What")), want: vs("QuWhat")},
		{e: fn("INSERT", ks("Quadratic"), ki(3), ki(-1), ks("X")), want: vs("QuX")},
		{e: fn("INSERT", ks("日本語"), ki(2), ki(1), ks("x")), want: vs("日x語")},
		{e: fn("QUOTE", ks("Don't\\")), want: vs(`'Don\'t\\'`), kind: kStr},
		{e: fn("QUOTE", kn), want: vs("NULL")},
		{e: fn("QUOTE", ki(12)), want: vs("'12'")},
		{e: fn("SOUNDEX", ks("Tymczak")), want: vs("T520"), kind: kStr},
		{e: fn("SOUNDEX", ks("Ashcraft")), want: vs("A2613")},
		{e: fn("SOUNDEX", ks("Lloyd")), want: vs("L300")},
		{e: fn("SOUNDEX", ks("Quadratically")), want: vs("Q36324")},
		{e: fn("SOUNDEX", ks("  hello world")), want: vs("H4643")},
		{e: fn("SOUNDEX", ks("123")), want: vs("")},
		{e: fn("SOUNDEX", ks("Émile Zola")), want: vs("É5424")},
		{e: fn("SOUNDEX", ks("aé b")), want: vs("A100")},
		{e: fn("SOUNDEX", ks("日本")), want: vs("日000")},
		{e: fn("BIT_LENGTH", ks("é")), want: vi(16), kind: kInt},
		{e: fn("BIT_COUNT", ki(-1)), want: vi(64), kind: kInt},
		{e: fn("BIT_COUNT", ks("15")), want: vi(4)},
		{e: fn("BIT_COUNT", kd("2.5")), want: vi(2)},
		{e: fn("INET_ATON", ks("127.1")), want: dataflow.Uint(2130706433), kind: kU},
		{e: fn("INET_ATON", ks("1.2.3.4")), want: dataflow.Uint(16909060)},
		{e: fn("INET_ATON", ks("1.2.3.256")), want: null},
		{e: fn("INET_ATON", ks("1.2.3.")), want: null},
		{e: fn("INET_ATON", ks("")), want: null},
		{e: fn("INET_NTOA", ki(2130706433)), want: vs("127.0.0.1"), kind: kStr},
		{e: fn("INET_NTOA", ki(-1)), want: null},
		{e: fn("INET_NTOA", ki(4294967296)), want: null},
		{e: fn("INET_NTOA", ks("abc")), want: vs("0.0.0.0")},
		{e: fn("INET6_ATON", ks("::1")), want: vb("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"), kind: kStr},
		{e: fn("INET6_ATON", ks("1.2.3.4")), want: vb("\x01\x02\x03\x04")},
		{e: fn("INET6_ATON", ks("fe80::1%eth0")), want: null},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("::1.2.3.4"))), want: vs("::1.2.3.4"), kind: kStr},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("::ffff:1.2.3.4"))), want: vs("::ffff:1.2.3.4")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("2001:db8:0:0:1:0:0:1"))), want: vs("2001:db8::1:0:0:1")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("2001:0:0:1:0:0:0:1"))), want: vs("2001:0:0:1::1")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("1:0:2:3:4:5:6:7"))), want: vs("1::2:3:4:5:6:7")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("::"))), want: vs("::")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("::0.0.1.2"))), want: vs("::102")},
		{e: fn("INET6_NTOA", fn("INET6_ATON", ks("1:2:3:4:5:6:7:0"))), want: vs("1:2:3:4:5:6:7::")},
		{e: fn("INET6_NTOA", fn("UNHEX", ks("7F000001"))), want: vs("127.0.0.1")},
		{e: fn("INET6_NTOA", ks("abcd")), want: null},

		// Bit operators.
		{e: bo(BitAnd, ki(5), ki(3)), want: dataflow.Uint(1), kind: kU},
		{e: bo(BitOr, ki(5), ki(3)), want: dataflow.Uint(7)},
		{e: bo(BitXor, ki(5), ki(3)), want: dataflow.Uint(6)},
		{e: bo(BitShl, ki(1), ki(63)), want: dataflow.Uint(1 << 63)},
		{e: bo(BitShl, ki(1), ki(64)), want: dataflow.Uint(0)},
		{e: bo(BitShr, ki(-1), ki(60)), want: dataflow.Uint(15)},
		{e: bo(BitNot, ki(0), nil), want: dataflow.Uint(1<<64 - 1)},
		{e: bo(BitNot, kd("1.4"), nil), want: dataflow.Uint(1<<64 - 2)},
		{e: bo(BitAnd, kd("2.5"), ki(7)), want: dataflow.Uint(3)},
		{e: bo(BitAnd, ks("7x"), ki(3)), want: dataflow.Uint(3)},
		{e: bo(BitAnd, ki(-1), ki(1)), want: dataflow.Uint(1)},
		{e: bo(BitAnd, kn, ki(1)), want: null},
		// MariaDB reads X'0F' as text here (0); MySQL 8 as the number 15.
		{e: bo(BitOr, k(dataflow.HexLiteral("\x0f")), ki(0xf0)), want: dataflow.Uint(0xff), mysqlOnly: true},
	}
}

func TestStringMoreFunctions(t *testing.T) { runEvalCases(t, stringMoreCases()) }

// TestRegexpRefusals checks that a pattern Go's engine cannot run as ICU would is refused
// when the call is built, with an error naming the construct, never answered differently.
func TestRegexpRefusals(t *testing.T) {
	for pat, want := range map[string]string{
		`(a)\1`:     "backreferences",
		`a(?=b)`:    "lookahead",
		`a(?!b)`:    "lookahead",
		`(?<=a)b`:   "lookbehind",
		`(?<!a)b`:   "lookbehind",
		`(?>ab)`:    "atomic",
		`a*+`:       "possessive",
		``:          "empty",
		`[a`:        "not supported",
		`\p{Greek`:  "not supported",
		`a{2,1}`:    "not supported",
		`(?<name>)`: "",
	} {
		_, err := NewFunc("REGEXP_LIKE", []Expr{ks("x"), ks(pat)})
		if want == "" {
			if err != nil {
				t.Errorf("REGEXP_LIKE(%q): %v", pat, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("REGEXP_LIKE(%q): error %v, want one naming %q", pat, err, want)
		}
	}
	if _, err := NewFunc("REGEXP_LIKE", []Expr{ks("x"), col(0, tVarchar)}); err == nil {
		t.Error("REGEXP_LIKE with a column as its pattern compiled")
	}
	if _, err := NewFunc("REGEXP_LIKE", []Expr{ks("x"), ks("a"), ks("q")}); err == nil {
		t.Error("REGEXP_LIKE with match type 'q' compiled")
	}
	if _, err := NewFunc("FORMAT", []Expr{ki(1), ki(2), ks("de_DE")}); err == nil {
		t.Error("FORMAT with locale de_DE compiled")
	}
	blob := dataflow.Type{Kind: dataflow.KindString, SQL: "VARBINARY(8)", Nullable: true}
	if _, err := NewBitOp(BitAnd, col(0, blob), col(1, blob)); !errors.Is(err, ErrBinaryBitOp) {
		t.Errorf("& over VARBINARY columns: %v, want ErrBinaryBitOp", err)
	}
}

// TestRegexpAgreesWithLike is a property test: for patterns built from literal characters
// and '.', REGEXP_LIKE anchored at both ends must agree with LIKE using '_' (both compare
// case-insensitively under the default collation).
func TestRegexpAgreesWithLike(t *testing.T) {
	subjects := []string{"", "a", "A", "ab", "aB", "Ab", "abc", "ABC", "xbz", "日本", "日a", "a.b", "a_b"}
	alphabet := []string{"a", "b", "c", "B", "x", "."}
	var patterns []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		patterns = append(patterns, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 3)
	for _, p := range patterns {
		re, err := NewFunc("REGEXP_LIKE", []Expr{col(0, tVarchar), ks("^" + p + "$")})
		if err != nil {
			t.Fatalf("REGEXP_LIKE(^%s$): %v", p, err)
		}
		lk := NewLike(col(0, tVarchar), ks(strings.ReplaceAll(p, ".", "_")), '\\', false)
		for _, s := range subjects {
			row := dataflow.Row{vs(s)}
			if a, b := re.Eval(row), lk.Eval(row); !sameValue(a, b) {
				t.Fatalf("%q: REGEXP '^%s$' = %v, LIKE = %v", s, p, a, b)
			}
		}
	}
}

// FuzzRegexpFunctions checks that the regular-expression functions never panic, whatever
// the subject, pattern, position and occurrence.
func FuzzRegexpFunctions(f *testing.F) {
	f.Add("abc abc", "b", "X", int64(1), int64(0))
	f.Add("日本語", ".", "$1", int64(2), int64(1))
	f.Add("", "a*", "\\", int64(0), int64(-1))
	f.Fuzz(func(t *testing.T, s, pat, repl string, pos, occ int64) {
		args := []Expr{ks(s), ks(pat), ks(repl), ki(pos), ki(occ)}
		for _, call := range []struct {
			name string
			args []Expr
		}{
			{"REGEXP_LIKE", args[:2]},
			{"REGEXP_SUBSTR", []Expr{args[0], args[1], args[3], args[4]}},
			{"REGEXP_INSTR", []Expr{args[0], args[1], args[3], args[4], ki(occ & 1)}},
			{"REGEXP_REPLACE", args},
		} {
			e, err := NewFunc(call.name, call.args)
			if err != nil {
				continue
			}
			v := e.Eval(nil)
			if !v.IsNull() && v.Kind() != e.Type().Kind {
				t.Fatalf("%s = %v, typed %s", e, v, e.Type().Kind)
			}
		}
	})
}
