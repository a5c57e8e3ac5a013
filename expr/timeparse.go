package expr

import (
	"math"
	"strconv"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// parsedTime is a date or datetime read from text or a number, fields as written.
type parsedTime struct {
	year, month, day     int
	hour, minute, second int
	micro                int // fractional seconds, rounded to microseconds
	fsp                  int // fractional digits written (at most 6)
	hasTime              bool
	trailing             bool // text followed the value (MySQL warns, strict mode rejects)
}

func (p parsedTime) time() time.Time {
	return time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, p.second, p.micro*1000, time.UTC)
}

func (p parsedTime) valid() bool {
	if p.month < 1 || p.month > 12 || p.day < 1 || p.year < 0 || p.year > 9999 {
		return false
	}
	if p.day > daysIn(p.year, p.month) {
		return false
	}
	return p.hour >= 0 && p.hour <= 23 && p.minute >= 0 && p.minute <= 59 && p.second >= 0 && p.second <= 59
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// twoDigitYear applies MySQL's rule for two-digit years: 70-99 are 1970-1999, 00-69 are
// 2000-2069.
func twoDigitYear(y int) int {
	if y < 70 {
		return 2000 + y
	}
	return 1900 + y
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseTimeText reads the date and datetime forms MySQL accepts: delimited
// ('2024-01-31', '24/1/31', '2024-01-31 12:30:00.25', 'T' between date and time, any
// punctuation as delimiter) and digits only (YYMMDD, YYYYMMDD, YYMMDDhhmmss, YYYYMMDDhhmmss,
// with an optional fraction). ok is false when no valid date starts the text.
func parseTimeText(s string) (parsedTime, bool) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	for n > i && isSpace(s[n-1]) {
		n--
	}
	s = s[i:n]
	if s == "" {
		return parsedTime{}, false
	}
	d := 0
	for d < len(s) && isDigit(s[d]) {
		d++
	}
	if d == len(s) || (s[d] == '.' && (d == 12 || d == 14)) {
		return parseTimeDigits(s, d)
	}
	var p parsedTime
	pos := 0
	num := func(maxDigits int) (int, int, bool) {
		start := pos
		v := 0
		for pos < len(s) && isDigit(s[pos]) && pos-start < maxDigits {
			v = v*10 + int(s[pos]-'0')
			pos++
		}
		return v, pos - start, pos > start
	}
	delim := func() bool {
		if pos < len(s) && !isDigit(s[pos]) && !isSpace(s[pos]) && s[pos] != 'T' {
			pos++
			return true
		}
		return false
	}
	y, yd, ok := num(4)
	if !ok || !delim() {
		return parsedTime{}, false
	}
	if yd <= 2 {
		y = twoDigitYear(y)
	}
	p.year = y
	var okM, okD bool
	if p.month, _, okM = num(2); !okM || !delim() {
		return parsedTime{}, false
	}
	if p.day, _, okD = num(2); !okD {
		return parsedTime{}, false
	}
	if pos < len(s) && (isSpace(s[pos]) || s[pos] == 'T') {
		save := pos
		pos++
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		if h, _, ok := num(2); ok {
			p.hour, p.hasTime = h, true
			if pos < len(s) && s[pos] == ':' {
				pos++
				if p.minute, _, ok = num(2); !ok {
					return parsedTime{}, false
				}
				if pos < len(s) && s[pos] == ':' {
					pos++
					if p.second, _, ok = num(2); !ok {
						return parsedTime{}, false
					}
					if pos < len(s) && s[pos] == '.' {
						pos++
						start := pos
						for pos < len(s) && isDigit(s[pos]) {
							pos++
						}
						p.micro, p.fsp = fraction(s[start:pos])
					}
				}
			}
		} else {
			pos = save
		}
	}
	p.trailing = pos < len(s)
	if !p.valid() {
		return parsedTime{}, false
	}
	return p, true
}

// fraction reads fractional-second digits as microseconds, rounding beyond the sixth digit.
func fraction(digits string) (micro, fsp int) {
	for i := 0; i < len(digits) && i < 6; i++ {
		micro = micro*10 + int(digits[i]-'0')
	}
	fsp = min(len(digits), 6)
	for i := fsp; i < 6; i++ {
		micro *= 10
	}
	if len(digits) > 6 && digits[6] >= '5' {
		micro++ // may reach 1000000; time.Date carries it into the seconds
	}
	return micro, fsp
}

func parseTimeDigits(s string, d int) (parsedTime, bool) {
	digits := s[:d]
	var p parsedTime
	at := func(i, w int) int {
		v, _ := strconv.Atoi(digits[i : i+w])
		return v
	}
	switch len(digits) {
	case 6:
		p.year, p.month, p.day = twoDigitYear(at(0, 2)), at(2, 2), at(4, 2)
	case 8:
		p.year, p.month, p.day = at(0, 4), at(4, 2), at(6, 2)
	case 12:
		p.year, p.month, p.day = twoDigitYear(at(0, 2)), at(2, 2), at(4, 2)
		p.hour, p.minute, p.second, p.hasTime = at(6, 2), at(8, 2), at(10, 2), true
	case 14:
		p.year, p.month, p.day = at(0, 4), at(4, 2), at(6, 2)
		p.hour, p.minute, p.second, p.hasTime = at(8, 2), at(10, 2), at(12, 2), true
	default:
		return parsedTime{}, false
	}
	if d < len(s) {
		end := d + 1
		for end < len(s) && isDigit(s[end]) {
			end++
		}
		p.micro, p.fsp = fraction(s[d+1 : end])
		p.trailing = end < len(s)
	}
	if !p.valid() {
		return parsedTime{}, false
	}
	return p, true
}

// parseTimeNumber reads a number as MySQL does in date context: 20240131 or 240131 is a
// date, 20240131123000 a datetime; shorter forms are zero-padded on the left (101 is
// 2000-01-01).
func parseTimeNumber(v dataflow.Value) (parsedTime, bool) {
	var whole uint64
	frac := ""
	switch v.Kind() {
	case dataflow.KindInt:
		if v.RawInt() < 0 {
			return parsedTime{}, false
		}
		whole = uint64(v.RawInt())
	case dataflow.KindUint:
		whole = v.RawUint()
	case dataflow.KindDecimal:
		txt := v.ToText()
		if txt[0] == '-' {
			return parsedTime{}, false
		}
		w, f, _ := cutByte(txt, '.')
		whole, _ = strconv.ParseUint(w, 10, 64)
		frac = f
	case dataflow.KindFloat:
		f := v.RawFloat()
		if f < 0 || f >= math.MaxUint64 {
			return parsedTime{}, false
		}
		whole = uint64(f)
		if fr := f - math.Floor(f); fr > 0 {
			frac = strconv.FormatFloat(fr, 'f', 6, 64)[2:]
		}
	default:
		return parsedTime{}, false
	}
	digits := strconv.FormatUint(whole, 10)
	switch l := len(digits); {
	case l <= 6:
		digits = zeros(6-l) + digits
	case l == 7:
		digits = "0" + digits
	case l <= 12 && l > 8:
		digits = zeros(12-l) + digits
	case l == 13:
		digits = "0" + digits
	}
	text := digits
	if frac != "" && len(digits) > 8 {
		text += "." + frac
	}
	return parseTimeDigits(text, len(digits))
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func cutByte(s string, c byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// toTime reads any value as a date or datetime (ok false when it is not one); DATE and
// DATETIME values come back as they are.
func toTime(v dataflow.Value) (dataflow.Value, bool) {
	switch v.Kind() {
	case dataflow.KindDate, dataflow.KindDatetime:
		return v, true
	case dataflow.KindString:
		p, ok := parseTimeText(v.RawString())
		if !ok {
			return dataflow.Null, false
		}
		return timeValue(p), true
	case dataflow.KindNull:
		return dataflow.Null, false
	}
	p, ok := parseTimeNumber(v)
	if !ok {
		return dataflow.Null, false
	}
	return timeValue(p), true
}

func timeValue(p parsedTime) dataflow.Value {
	if p.hasTime {
		return dataflow.Datetime(p.time(), uint8(p.fsp))
	}
	return dataflow.Date(p.time())
}
