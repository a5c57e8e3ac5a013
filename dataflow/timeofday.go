package dataflow

import (
	"strconv"
	"strings"
)

// MaxTimeMicros is the magnitude of the largest TIME, 838:59:59, in microseconds.
const MaxTimeMicros = (838*3600 + 59*60 + 59) * 1_000_000

// TimeMicros returns a TIME value: a signed duration of us microseconds with fsp
// fractional-second digits kept (0..6). The caller keeps it within ±MaxTimeMicros.
func TimeMicros(us int64, fsp uint8) Value {
	fsp = min(fsp, 6)
	if fsp < 6 {
		unit := int64(pow10i(6 - fsp))
		us -= us % unit // toward zero: the digits a TIME(fsp) prints
	}
	return Value{n: uint64(us), kind: KindTime, scale: fsp}
}

// formatTime renders a TIME as MySQL does: [-]HH:MM:SS[.fraction], hours growing to three
// digits.
func formatTime(us int64, fsp uint8) string {
	var b strings.Builder
	mag := uint64(us)
	if us < 0 {
		b.WriteByte('-')
		mag = uint64(-us)
	}
	secs, frac := mag/1_000_000, mag%1_000_000
	h, m, s := secs/3600, secs/60%60, secs%60
	if h < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.FormatUint(h, 10))
	b.WriteByte(':')
	b.WriteByte(byte('0' + m/10))
	b.WriteByte(byte('0' + m%10))
	b.WriteByte(':')
	b.WriteByte(byte('0' + s/10))
	b.WriteByte(byte('0' + s%10))
	if fsp > 0 {
		f := strconv.FormatUint(frac+1_000_000, 10)[1:]
		b.WriteByte('.')
		b.WriteString(f[:fsp])
	}
	return b.String()
}

// timeNumber is a TIME in numeric context: [-]HHMMSS[.ffffff] as a coefficient and scale.
func timeNumber(us int64, fsp uint8) (coef int64, scale uint8) {
	neg := us < 0
	mag := us
	if neg {
		mag = -us
	}
	secs, frac := mag/1_000_000, mag%1_000_000
	n := (secs/3600)*10000 + (secs/60%60)*100 + secs%60
	n = n*int64(pow10i(fsp)) + frac/int64(pow10i(6-fsp))
	if neg {
		n = -n
	}
	return n, fsp
}

// TimeNumber returns a TIME value as the number MySQL reads it as in numeric context,
// [-]HHMMSS[.ffffff], as a decimal coefficient and scale.
func (v Value) TimeNumber() (coef int64, scale uint8) { return timeNumber(int64(v.n), v.scale) }

// ParsedTimeOfDay is TIME text read by ParseTimeText.
type ParsedTimeOfDay struct {
	Micros   int64 // the signed duration, fractional digits beyond 6 rounded
	Fsp      int   // fractional digits written (at most 6)
	Trailing bool  // text followed the value (strict mode rejects it)
}

// ParseTimeText reads MySQL's TIME text: [-][D ]HH:MM[:SS[.frac]], [-]HHMMSS[.frac] (also
// MMSS and SS), or a date and time whose time part is taken. ok is false for text that is
// no time or lies beyond ±838:59:59.
func ParseTimeText(s string) (p ParsedTimeOfDay, ok bool) {
	s = strings.TrimSpace(s)
	if t, isDate, err := ParseTime(s); err == nil && strings.ContainsAny(s, "-/") && len(s) >= 8 {
		if isDate {
			return ParsedTimeOfDay{}, true
		}
		h, m, sec := t.Clock()
		us := int64(h*3600+m*60+sec)*1_000_000 + int64(t.Nanosecond()/1000)
		frac := 0
		if i := strings.LastIndexByte(s, '.'); i >= 0 {
			frac = min(len(s)-i-1, 6)
		}
		return ParsedTimeOfDay{Micros: us, Fsp: frac}, true
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	pos := 0
	digits := func() (int64, int) {
		start := pos
		var v int64
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' {
			if v < 1e12 {
				v = v*10 + int64(s[pos]-'0')
			}
			pos++
		}
		return v, pos - start
	}
	var days, h, m, sec int64
	first, n := digits()
	if n == 0 {
		return ParsedTimeOfDay{}, false
	}
	switch {
	case pos < len(s) && s[pos] == ' ' && pos+1 < len(s) && s[pos+1] >= '0' && s[pos+1] <= '9':
		days = first
		pos++
		first, n = digits()
		h = first
		if pos < len(s) && s[pos] == ':' {
			pos++
			if m, n = digits(); n == 0 || n > 2 {
				return ParsedTimeOfDay{}, false
			}
			if pos < len(s) && s[pos] == ':' {
				pos++
				if sec, n = digits(); n == 0 || n > 2 {
					return ParsedTimeOfDay{}, false
				}
			}
		}
	case pos < len(s) && s[pos] == ':':
		h = first
		pos++
		if m, n = digits(); n == 0 || n > 2 {
			return ParsedTimeOfDay{}, false
		}
		if pos < len(s) && s[pos] == ':' {
			pos++
			if sec, n = digits(); n == 0 || n > 2 {
				return ParsedTimeOfDay{}, false
			}
		}
	default:
		// HHMMSS, MMSS or SS.
		h, m, sec = first/10000, first/100%100, first%100
	}
	var frac int64
	fsp := 0
	if pos < len(s) && s[pos] == '.' && (h != 0 || m != 0 || sec != 0 || pos > 0) {
		pos++
		start := pos
		var roundUp bool
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' {
			switch d := pos - start; {
			case d < 6:
				frac = frac*10 + int64(s[pos]-'0')
			case d == 6:
				roundUp = s[pos] >= '5'
			}
			pos++
		}
		fsp = min(pos-start, 6)
		for i := fsp; i < 6; i++ {
			frac *= 10
		}
		if roundUp {
			frac++
		}
	}
	if m > 59 || sec > 59 {
		return ParsedTimeOfDay{}, false
	}
	us := ((days*24+h)*3600+m*60+sec)*1_000_000 + frac
	if days > 34 || h > 838 || us > MaxTimeMicros {
		return ParsedTimeOfDay{}, false
	}
	if neg {
		us = -us
	}
	return ParsedTimeOfDay{Micros: us, Fsp: fsp, Trailing: strings.TrimSpace(s[pos:]) != ""}, true
}
