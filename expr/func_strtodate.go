package expr

import (
	"fmt"
	"strings"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// STR_TO_DATE(str, format) reads str by format the way MySQL 8's extract_date_time does:
// spaces in the format are ignored and spaces in str skipped before each format character,
// numbers take at most their field's width of digits, month and day names match
// case-insensitively by prefix, and text left after the format is ignored (MySQL warns). The
// result is a DATETIME when the format has date and time specifiers, a DATE or a TIME when
// it has only one kind; with %f it keeps six fractional digits. A value that does not match
// the format, and a date with a zero or out-of-range part, give NULL: MySQL 8's default
// sql_mode has NO_ZERO_IN_DATE and NO_ZERO_DATE (MariaDB's has neither and returns
// '2024-00-00' or '2024-02-30' there). The format must be a constant, since it decides the
// result's type.

func init() {
	register(&funcSpec{name: "str_to_date", minArgs: 2, maxArgs: 2, check: checkStrToDate, typ: strToDateType,
		eval: evalStrToDate})
}

// strFormatKind says which kinds of field a STR_TO_DATE format names.
type strFormatKind struct{ date, time, frac bool }

func scanStrFormat(f string) (strFormatKind, error) {
	var k strFormatKind
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			continue
		}
		i++
		switch f[i] {
		case 'Y', 'y', 'm', 'c', 'M', 'b', 'd', 'e', 'D', 'j', 'W', 'a', 'w':
			k.date = true
		case 'H', 'k', 'h', 'I', 'l', 'i', 's', 'S', 'p', 'T', 'r':
			k.time = true
		case 'f':
			k.time, k.frac = true, true
		case 'U', 'u', 'V', 'v', 'X', 'x':
			return k, fmt.Errorf("the week specifier %%%c in a STR_TO_DATE format is not supported", f[i])
		case '.', '@', '#', '%':
		default:
			return k, fmt.Errorf("%%%c in a STR_TO_DATE format matches nothing (MySQL returns NULL for every value)", f[i])
		}
	}
	return k, nil
}

func checkStrToDate(args []Expr) error {
	f, ok := constString(args[1])
	if !ok {
		if v, isConst := ConstValue(args[1]); isConst && v.IsNull() {
			return nil
		}
		return fmt.Errorf("the STR_TO_DATE format must be a constant (it decides the result's type)")
	}
	_, err := scanStrFormat(f)
	return err
}

func strToDateType(args []Expr) dataflow.Type {
	f, _ := constString(args[1])
	k, _ := scanStrFormat(f)
	fsp := 0
	if k.frac {
		fsp = 6
	}
	switch {
	case k.date && !k.time:
		return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true}
	case k.time && !k.date:
		return dataflow.Type{Kind: dataflow.KindTime, Scale: fsp, SQL: "TIME", Nullable: true}
	}
	return dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
}

func evalStrToDate(c *call, row dataflow.Row) dataflow.Value {
	v := c.args[0].Eval(row)
	f := c.args[1].Eval(row)
	if v.IsNull() || f.IsNull() {
		return dataflow.Null
	}
	p, ok := strToDate(text(v), text(f))
	if !ok {
		return dataflow.Null
	}
	switch c.t.Kind {
	case dataflow.KindTime:
		us := int64(p.hour*3600+p.minute*60+p.second)*1_000_000 + int64(p.micro)
		return dataflow.TimeMicros(us, uint8(c.t.Scale))
	case dataflow.KindDate:
		if !p.valid() {
			return dataflow.Null
		}
		return dataflow.Date(p.time())
	}
	if !p.valid() {
		return dataflow.Null
	}
	return dataflow.Datetime(p.time(), uint8(c.t.Scale))
}

var (
	monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december"}
	dayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// matchWord is MySQL's check_word: the run of letters at the start of s must name one entry
// of the list, in full or by a prefix no other entry shares (abbreviated: the lists of %b and
// %a, three letters each). It returns the entry's position from 1 (0: none) and the bytes
// read.
func matchWord(names []string, s string, abbreviated bool) (int, int) {
	n := 0
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z') {
		n++
	}
	if n == 0 {
		return 0, 0
	}
	word := strings.ToLower(s[:n])
	found := 0
	for i, name := range names {
		if abbreviated {
			name = name[:3]
		}
		if name == word {
			return i + 1, n
		}
		if strings.HasPrefix(name, word) {
			if found != 0 {
				return 0, 0
			}
			found = i + 1
		}
	}
	return found, n
}

// strToDate parses s by format f; ok is false when s does not match.
func strToDate(s, f string) (parsedTime, bool) {
	var p parsedTime
	pos := 0
	usaTime := false
	dayPart := 0
	yearDay := 0
	f = expandStrFormat(f)
	// number reads at most width digits (a leading sign as my_strtoll10 takes it); at least
	// one digit is required.
	number := func(width int) (int, bool) {
		start := pos
		neg := false
		if pos < len(s) && (s[pos] == '-' || s[pos] == '+') {
			neg = s[pos] == '-'
			pos++
			width++
		}
		v, digits := 0, 0
		for pos < len(s) && pos-start < width && isDigit(s[pos]) {
			v = v*10 + int(s[pos]-'0')
			pos++
			digits++
		}
		if digits == 0 {
			return 0, false
		}
		if neg {
			return -v, true
		}
		return v, true
	}
	for i := 0; i < len(f) && pos < len(s); i++ {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		if pos >= len(s) {
			break
		}
		if f[i] != '%' || i+1 == len(f) {
			if isSpace(f[i]) {
				continue
			}
			if s[pos] != f[i] {
				return p, false
			}
			pos++
			continue
		}
		i++
		ok := true
		switch f[i] {
		case 'Y':
			start := pos
			p.year, ok = number(4)
			if ok && pos-start <= 2 {
				p.year = twoDigitYear(p.year)
			}
		case 'y':
			p.year, ok = number(2)
			if ok {
				p.year = twoDigitYear(p.year)
			}
		case 'm', 'c':
			p.month, ok = number(2)
		case 'M', 'b':
			var n int
			p.month, n = matchWord(monthNames, s[pos:], f[i] == 'b')
			pos += n
			ok = p.month > 0
		case 'd', 'e':
			p.day, ok = number(2)
		case 'D':
			p.day, ok = number(2)
			pos += min(len(s)-pos, 2) // the suffix: st, nd, rd, th
		case 'h', 'I', 'l':
			usaTime = true
			p.hour, ok = number(2)
			p.hasTime = true
		case 'k', 'H':
			p.hour, ok = number(2)
			p.hasTime = true
		case 'i':
			p.minute, ok = number(2)
			p.hasTime = true
		case 's', 'S':
			p.second, ok = number(2)
			p.hasTime = true
		case 'f':
			start := pos
			v := 0
			for pos < len(s) && pos-start < 6 && isDigit(s[pos]) {
				v = v*10 + int(s[pos]-'0')
				pos++
			}
			if pos == start {
				return p, false
			}
			for range 6 - (pos - start) {
				v *= 10
			}
			p.micro, p.fsp = v, 6
		case 'p':
			if len(s)-pos < 2 || !usaTime {
				return p, false
			}
			switch strings.ToUpper(s[pos : pos+2]) {
			case "PM":
				dayPart = 12
			case "AM":
			default:
				return p, false
			}
			pos += 2
		case 'W', 'a':
			var n int
			var wd int
			wd, n = matchWord(dayNames, s[pos:], f[i] == 'a')
			pos += n
			ok = wd > 0
		case 'w':
			var wd int
			wd, ok = number(1)
			ok = ok && wd >= 0 && wd < 7
		case 'j':
			yearDay, ok = number(3)
		case '.':
			for pos < len(s) && isPunct(s[pos]) {
				pos++
			}
		case '@':
			for pos < len(s) && (s[pos] >= 'a' && s[pos] <= 'z' || s[pos] >= 'A' && s[pos] <= 'Z') {
				pos++
			}
		case '#':
			for pos < len(s) && isDigit(s[pos]) {
				pos++
			}
		case '%':
			if s[pos] != '%' {
				return p, false
			}
			pos++
		default:
			return p, false
		}
		if !ok {
			return p, false
		}
	}
	if usaTime {
		if p.hour > 12 || p.hour < 1 {
			return p, false
		}
		p.hour = p.hour%12 + dayPart
	}
	if yearDay > 0 {
		t := time.Date(p.year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, yearDay-1)
		if t.Year() > 9999 || yearDay > 366 {
			return p, false
		}
		p.year, p.month, p.day = t.Year(), int(t.Month()), t.Day()
	}
	if p.year < 0 || p.month < 0 || p.day < 0 || p.hour < 0 || p.minute < 0 || p.second < 0 ||
		p.month > 12 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 59 {
		return p, false
	}
	return p, true
}

// expandStrFormat writes %T and %r as the fields they stand for, which MySQL reads as a
// nested format.
func expandStrFormat(f string) string {
	if !strings.Contains(f, "%T") && !strings.Contains(f, "%r") {
		return f
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'T':
			b.WriteString("%H:%i:%S")
		case 'r':
			b.WriteString("%I:%i:%S %p")
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
