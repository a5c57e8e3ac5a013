package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/weirdb/weir/dataflow"
)

// Value tags of the row encoding. They are part of the on-disk format and are spelled out
// here rather than borrowed from dataflow.Kind, so that renumbering kinds in memory can never
// silently change the meaning of stored bytes.
const (
	tagNull     byte = 0
	tagInt      byte = 1  // zig-zag varint
	tagUint     byte = 2  // uvarint
	tagFloat    byte = 3  // 8 bytes, IEEE-754 bits, little endian
	tagDecimal  byte = 4  // zig-zag varint coefficient, then one scale byte
	tagString   byte = 5  // uvarint length, then the bytes
	tagDate     byte = 6  // zig-zag varint microseconds since the epoch
	tagDatetime byte = 7  // zig-zag varint microseconds since the epoch, then one fsp byte
	tagBytes    byte = 8  // a binary string: uvarint length, then the bytes
	tagTime     byte = 9  // a TIME: zig-zag varint signed microseconds, then one fsp byte
	tagEnum     byte = 10 // an ENUM value: uvarint index, uvarint length, the member's bytes
	tagSet      byte = 11 // a SET value: uvarint bit mask, uvarint length, the members' bytes
	// A decimal whose coefficient does not fit an int64: a sign byte (1 negative), one scale
	// byte, then uvarint length and the magnitude's big-endian bytes. Narrow decimals keep
	// tagDecimal, so rows written before wide decimals existed read unchanged.
	tagWideDecimal byte = 12
)

// maxWideDecimalBytes bounds the magnitude of a stored wide decimal: 81 digits need 34 bytes.
const maxWideDecimalBytes = 40

// maxFsp is the largest number of fractional-second digits a DATETIME keeps.
const maxFsp = 6

// DecodeError reports a row encoding that DecodeRow cannot read. Offset is the byte position
// in the input where the problem was found.
type DecodeError struct {
	Offset int
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("storage: bad row encoding at offset %d: %s", e.Offset, e.Reason)
}

// EncodeRow appends the encoding of row to dst and returns the extended slice. The encoding is
// a uvarint column count followed by each value as a tag byte and its payload; every value
// carries its own kind, so a row can be read without its table's schema (a schema change
// never makes old rows unreadable).
func EncodeRow(dst []byte, row dataflow.Row) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(row)))
	for _, v := range row {
		dst = appendValue(dst, v)
	}
	return dst
}

func appendValue(dst []byte, v dataflow.Value) []byte {
	switch v.Kind() {
	case dataflow.KindInt:
		dst = append(dst, tagInt)
		return binary.AppendVarint(dst, v.RawInt())
	case dataflow.KindUint:
		dst = append(dst, tagUint)
		return binary.AppendUvarint(dst, v.RawUint())
	case dataflow.KindFloat:
		dst = append(dst, tagFloat)
		// The bits, not the number: -0.0 must come back as -0.0 (Identical tells them apart).
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.RawFloat()))
	case dataflow.KindDecimal:
		if v.IsWideDecimal() {
			m, scale := v.BigDecimal()
			sign := byte(0)
			if m.Sign() < 0 {
				sign = 1
			}
			mag := m.Abs(m).Bytes()
			dst = append(dst, tagWideDecimal, sign, scale)
			dst = binary.AppendUvarint(dst, uint64(len(mag)))
			return append(dst, mag...)
		}
		coef, scale := v.DecimalParts()
		dst = append(dst, tagDecimal)
		dst = binary.AppendVarint(dst, coef)
		return append(dst, scale)
	case dataflow.KindString:
		s := v.RawString()
		if n, ok := v.Ordinal(); ok {
			tag := tagEnum
			if v.IsSetValue() {
				tag = tagSet
			}
			dst = append(dst, tag)
			dst = binary.AppendUvarint(dst, n)
			dst = binary.AppendUvarint(dst, uint64(len(s)))
			return append(dst, s...)
		}
		if v.IsBinary() {
			dst = append(dst, tagBytes)
			dst = binary.AppendUvarint(dst, uint64(len(s)))
			return append(dst, s...)
		}
		dst = append(dst, tagString)
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	case dataflow.KindDate:
		dst = append(dst, tagDate)
		return binary.AppendVarint(dst, v.Micros())
	case dataflow.KindDatetime:
		dst = append(dst, tagDatetime)
		dst = binary.AppendVarint(dst, v.Micros())
		return append(dst, v.Scale())
	case dataflow.KindTime:
		dst = append(dst, tagTime)
		dst = binary.AppendVarint(dst, v.Micros())
		return append(dst, v.Scale())
	default:
		// KindNull, and any kind this version does not know, which can only be NULL-like.
		return append(dst, tagNull)
	}
}

// DecodeRow reads a row written by EncodeRow. It never panics: input that is truncated, has
// trailing bytes, an unknown tag or a value that the in-memory form cannot hold exactly (a NaN
// float, a DATETIME with more than 6 fractional digits) yields a *DecodeError naming the
// offset. Strings are copied out of b, so b may be reused afterwards.
func DecodeRow(b []byte) (dataflow.Row, error) {
	n, off, err := readUvarint(b, 0)
	if err != nil {
		return nil, err
	}
	// Every value takes at least one byte, so a count larger than what is left is garbage;
	// checking first keeps a corrupt count from allocating gigabytes.
	if n > uint64(len(b)-off) {
		return nil, &DecodeError{Offset: 0, Reason: fmt.Sprintf("column count %d exceeds the %d bytes left", n, len(b)-off)}
	}
	row := make(dataflow.Row, n)
	for i := range row {
		row[i], off, err = readValue(b, off)
		if err != nil {
			return nil, err
		}
	}
	if off != len(b) {
		return nil, &DecodeError{Offset: off, Reason: fmt.Sprintf("%d trailing bytes after the last value", len(b)-off)}
	}
	return row, nil
}

func readValue(b []byte, off int) (dataflow.Value, int, error) {
	if off >= len(b) {
		return dataflow.Null, off, &DecodeError{Offset: off, Reason: "missing value tag"}
	}
	start := off
	tag := b[off]
	off++
	switch tag {
	case tagNull:
		return dataflow.Null, off, nil
	case tagInt:
		i, off, err := readVarint(b, off)
		return dataflow.Int(i), off, err
	case tagUint:
		u, off, err := readUvarint(b, off)
		return dataflow.Uint(u), off, err
	case tagFloat:
		if len(b)-off < 8 {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "float needs 8 bytes"}
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// dataflow.Float would turn it into NULL: not a round trip, so not ours.
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "float is NaN or infinite"}
		}
		return dataflow.Float(f), off + 8, nil
	case tagDecimal:
		coef, off, err := readVarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		if off >= len(b) {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "missing decimal scale"}
		}
		return dataflow.Decimal(coef, b[off]), off + 1, nil
	case tagWideDecimal:
		if len(b)-off < 2 {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "missing wide decimal sign and scale"}
		}
		sign, scale := b[off], b[off+1]
		if sign > 1 {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: fmt.Sprintf("wide decimal sign %d", sign)}
		}
		n, off, err := readUvarint(b, off+2)
		if err != nil {
			return dataflow.Null, off, err
		}
		if n > maxWideDecimalBytes || n > uint64(len(b)-off) {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: fmt.Sprintf("wide decimal of %d bytes (%d left, at most %d)", n, len(b)-off, maxWideDecimalBytes)}
		}
		end := off + int(n)
		m := new(big.Int).SetBytes(b[off:end])
		if sign == 1 {
			m.Neg(m)
		}
		return dataflow.DecimalBig(m, scale), end, nil
	case tagEnum, tagSet:
		ord, off, err := readUvarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		s, off, err := readBytes(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		if tag == tagSet {
			return dataflow.Set(s, ord), off, nil
		}
		return dataflow.Enum(s, ord), off, nil
	case tagString, tagBytes:
		n, off, err := readUvarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		if n > uint64(len(b)-off) {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: fmt.Sprintf("string length %d exceeds the %d bytes left", n, len(b)-off)}
		}
		end := off + int(n)
		if tag == tagBytes {
			return dataflow.Bytes(string(b[off:end])), end, nil
		}
		return dataflow.String(string(b[off:end])), end, nil
	case tagDate:
		us, off, err := readVarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		v := dataflow.Date(time.UnixMicro(us).UTC())
		if v.Micros() != us {
			return dataflow.Null, off, &DecodeError{Offset: start + 1, Reason: "date is not at midnight UTC"}
		}
		return v, off, nil
	case tagDatetime:
		us, off, err := readVarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		if off >= len(b) {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "missing datetime precision"}
		}
		fsp := b[off]
		if fsp > maxFsp {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: fmt.Sprintf("datetime precision %d exceeds %d", fsp, maxFsp)}
		}
		v := dataflow.Datetime(time.UnixMicro(us).UTC(), fsp)
		if v.Micros() != us {
			// The constructor truncates to fsp digits; a stored value always was truncated.
			return dataflow.Null, off, &DecodeError{Offset: start + 1, Reason: "datetime has more fractional digits than its precision"}
		}
		return v, off + 1, nil
	case tagTime:
		us, off, err := readVarint(b, off)
		if err != nil {
			return dataflow.Null, off, err
		}
		if off >= len(b) {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: "missing time precision"}
		}
		fsp := b[off]
		if fsp > maxFsp {
			return dataflow.Null, off, &DecodeError{Offset: off, Reason: fmt.Sprintf("time precision %d exceeds %d", fsp, maxFsp)}
		}
		if us > dataflow.MaxTimeMicros || us < -dataflow.MaxTimeMicros {
			return dataflow.Null, off, &DecodeError{Offset: start + 1, Reason: "time beyond ±838:59:59"}
		}
		v := dataflow.TimeMicros(us, fsp)
		if v.Micros() != us {
			return dataflow.Null, off, &DecodeError{Offset: start + 1, Reason: "time has more fractional digits than its precision"}
		}
		return v, off + 1, nil
	default:
		return dataflow.Null, start, &DecodeError{Offset: start, Reason: fmt.Sprintf("unknown value tag %d", tag)}
	}
}

// readBytes reads a uvarint length and that many bytes as a string.
func readBytes(b []byte, off int) (string, int, error) {
	n, off, err := readUvarint(b, off)
	if err != nil {
		return "", off, err
	}
	if n > uint64(len(b)-off) {
		return "", off, &DecodeError{Offset: off, Reason: fmt.Sprintf("string length %d exceeds the %d bytes left", n, len(b)-off)}
	}
	end := off + int(n)
	return string(b[off:end]), end, nil
}

func readUvarint(b []byte, off int) (uint64, int, error) {
	if off > len(b) {
		return 0, off, varintError(off, 0)
	}
	u, n := binary.Uvarint(b[off:])
	if n <= 0 {
		return 0, off, varintError(off, n)
	}
	return u, off + n, nil
}

func readVarint(b []byte, off int) (int64, int, error) {
	if off > len(b) {
		return 0, off, varintError(off, 0)
	}
	i, n := binary.Varint(b[off:])
	if n <= 0 {
		return 0, off, varintError(off, n)
	}
	return i, off + n, nil
}

// varintError describes a failed varint read at off: n is what encoding/binary returned
// (0: the bytes ran out; negative: the value overflows 64 bits).
func varintError(off, n int) *DecodeError {
	if n == 0 {
		return &DecodeError{Offset: off, Reason: "truncated varint"}
	}
	return &DecodeError{Offset: off, Reason: "varint overflows 64 bits"}
}
