package pgwire

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// pgType is how a column of a Weir type is described to a PostgreSQL client: its type's
// OID, the size pg_type.typlen gives it (-1: variable) and its type modifier (atttypmod).
type pgType struct {
	oid  uint32
	size int16
	mod  int32
}

// typeNames are the names PostgreSQL gives the OIDs this package sends, for messages and
// for the catalog answers.
var typeNames = map[uint32]string{
	pgtype.BoolOID:        "boolean",
	pgtype.ByteaOID:       "bytea",
	pgtype.Int8OID:        "bigint",
	pgtype.Int2OID:        "smallint",
	pgtype.Int4OID:        "integer",
	pgtype.TextOID:        "text",
	pgtype.JSONOID:        "json",
	pgtype.Float4OID:      "real",
	pgtype.Float8OID:      "double precision",
	pgtype.BPCharOID:      "character",
	pgtype.VarcharOID:     "character varying",
	pgtype.DateOID:        "date",
	pgtype.TimeOID:        "time without time zone",
	pgtype.TimestampOID:   "timestamp without time zone",
	pgtype.TimestamptzOID: "timestamp with time zone",
	pgtype.NumericOID:     "numeric",
	pgtype.UUIDOID:        "uuid",
	pgtype.JSONBOID:       "jsonb",
	pgtype.UnknownOID:     "unknown",
}

// typeOf maps a Weir column type onto PostgreSQL's: the one table of the package. The SQL
// spelling decides where one Weir kind stands for several PostgreSQL types (an integer's
// width, a string's kind).
func typeOf(t dataflow.Type) pgType {
	base := strings.ToUpper(t.SQL)
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		if strings.HasPrefix(strings.ToUpper(t.SQL), "TINYINT(1)") {
			return pgType{pgtype.BoolOID, 1, -1} // MySQL's boolean idiom
		}
		switch base {
		case "BOOL", "BOOLEAN":
			return pgType{pgtype.BoolOID, 1, -1}
		case "TINYINT", "SMALLINT", "INT2":
			if t.Unsigned && base == "SMALLINT" {
				return pgType{pgtype.Int4OID, 4, -1}
			}
			return pgType{pgtype.Int2OID, 2, -1}
		case "MEDIUMINT", "INT", "INTEGER", "INT4", "SERIAL":
			if t.Unsigned && base != "MEDIUMINT" {
				return pgType{pgtype.Int8OID, 8, -1}
			}
			return pgType{pgtype.Int4OID, 4, -1}
		}
		if t.Kind == dataflow.KindUint || t.Unsigned {
			// BIGINT UNSIGNED holds values past int8's range.
			return pgType{pgtype.NumericOID, -1, -1}
		}
		return pgType{pgtype.Int8OID, 8, -1}
	case dataflow.KindFloat:
		if base == "FLOAT" || base == "REAL" || base == "FLOAT4" {
			return pgType{pgtype.Float4OID, 4, -1}
		}
		return pgType{pgtype.Float8OID, 8, -1}
	case dataflow.KindDecimal:
		mod := int32(-1)
		if t.Precision > 0 {
			mod = int32(t.Precision<<16|t.Scale) + 4
		}
		return pgType{pgtype.NumericOID, -1, mod}
	case dataflow.KindString:
		if t.BinaryString() || base == "BYTEA" {
			return pgType{pgtype.ByteaOID, -1, -1}
		}
		mod := int32(-1)
		if t.Precision > 0 {
			mod = int32(t.Precision) + 4
		}
		switch base {
		case "CHAR", "CHARACTER", "BPCHAR":
			return pgType{pgtype.BPCharOID, -1, mod}
		case "VARCHAR":
			return pgType{pgtype.VarcharOID, -1, mod}
		case "JSON":
			return pgType{pgtype.JSONOID, -1, -1}
		case "JSONB":
			return pgType{pgtype.JSONBOID, -1, -1}
		case "UUID":
			return pgType{pgtype.UUIDOID, 16, -1}
		}
		return pgType{pgtype.TextOID, -1, -1}
	case dataflow.KindDate:
		return pgType{pgtype.DateOID, 4, -1}
	case dataflow.KindDatetime:
		mod := int32(-1)
		if t.Scale > 0 && t.Scale < 6 {
			mod = int32(t.Scale)
		}
		if base == "TIMESTAMP" || base == "TIMESTAMPTZ" {
			// MySQL's TIMESTAMP is an instant shown in the session's zone: PostgreSQL's
			// timestamptz.
			return pgType{pgtype.TimestamptzOID, 8, mod}
		}
		return pgType{pgtype.TimestampOID, 8, mod}
	case dataflow.KindTime:
		return pgType{pgtype.TimeOID, 8, -1}
	}
	return pgType{pgtype.TextOID, -1, -1}
}

// codec encodes result values and decodes parameters: pgtype does every binary format and
// the text formats PostgreSQL's clients parse with care; the text forms this file writes
// itself are PostgreSQL 15's output functions for a session with DateStyle ISO and TimeZone
// UTC. One per connection (pgtype.Map caches plans and is not safe for concurrent use).
type codec struct {
	m *pgtype.Map
}

func newCodec() codec { return codec{m: pgtype.NewMap()} }

// appendText appends v in PostgreSQL's text format for a column of type oid.
func (c codec) appendText(dst []byte, v weir.Value, oid uint32) ([]byte, error) {
	if err := checkIntWidth(v, oid); err != nil {
		return nil, err
	}
	switch v.Kind() {
	case dataflow.KindInt:
		if oid == pgtype.BoolOID {
			if v.RawInt() != 0 {
				return append(dst, 't'), nil
			}
			return append(dst, 'f'), nil
		}
		return strconv.AppendInt(dst, v.RawInt(), 10), nil
	case dataflow.KindUint:
		if oid == pgtype.BoolOID {
			if v.RawUint() != 0 {
				return append(dst, 't'), nil
			}
			return append(dst, 'f'), nil
		}
		return strconv.AppendUint(dst, v.RawUint(), 10), nil
	case dataflow.KindFloat:
		return appendFloatText(dst, v.RawFloat(), oid == pgtype.Float4OID), nil
	case dataflow.KindString:
		if oid == pgtype.ByteaOID {
			return c.m.Encode(pgtype.ByteaOID, pgtype.TextFormatCode, []byte(v.RawString()), dst)
		}
		return append(dst, v.RawString()...), nil
	case dataflow.KindDate:
		return v.Time().AppendFormat(dst, "2006-01-02"), nil
	case dataflow.KindDatetime:
		t := v.Time()
		dst = t.AppendFormat(dst, "2006-01-02 15:04:05.999999")
		if oid == pgtype.TimestamptzOID {
			dst = append(dst, "+00"...)
		}
		return dst, nil
	}
	return append(dst, v.ToText()...), nil
}

// appendFloatText is float8out (float4out when single): the shortest text that reads back
// as the same value, in exponent form when the decimal exponent is below -4 or at least the
// type's digits (15 or 6).
func appendFloatText(dst []byte, f float64, single bool) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	bits, limit := 64, 15
	if single {
		bits, limit = 32, 6
	}
	var scratch [32]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, bits)
	exp := 0
	if i := strings.LastIndexByte(string(e), 'e'); i >= 0 {
		exp, _ = strconv.Atoi(string(e[i+1:]))
	}
	if exp < -4 || exp >= limit {
		// Go writes e+06; PostgreSQL e+06 too (at least two exponent digits).
		return append(dst, e...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bits)
}

// appendBinary appends v in PostgreSQL's binary format for oid, through pgtype.
func (c codec) appendBinary(dst []byte, v weir.Value, oid uint32) ([]byte, error) {
	if err := checkIntWidth(v, oid); err != nil {
		return nil, err
	}
	var x any
	switch oid {
	case pgtype.BoolOID:
		x = v.Truthy()
	case pgtype.OIDOID:
		i, _ := v.ToInt()
		x = uint32(i)
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		i, ok := v.ToInt()
		if !ok {
			return nil, fmt.Errorf("%s is not an integer", v)
		}
		switch oid {
		case pgtype.Int2OID:
			x = int16(i)
		case pgtype.Int4OID:
			x = int32(i)
		default:
			x = i
		}
	case pgtype.Float4OID:
		f, _ := v.ToFloat()
		x = float32(f)
	case pgtype.Float8OID:
		f, _ := v.ToFloat()
		x = f
	case pgtype.NumericOID:
		n := numericOf(v)
		if n.Valid && n.Exp >= 0 && n.Int.Sign() != 0 {
			// PostgreSQL sends an integer's trailing zeros as its weight, not as digits: the
			// same value, in the bytes PostgreSQL itself would send.
			ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
			coef := new(big.Int).Set(n.Int)
			for {
				q.QuoRem(coef, ten, r)
				if r.Sign() != 0 {
					break
				}
				coef.Set(q)
				n.Exp++
			}
			n.Int = coef
		}
		start := len(dst)
		out, err := c.m.Encode(oid, pgtype.BinaryFormatCode, n, dst)
		if err != nil {
			return nil, err
		}
		return trimNumericDigits(out, start), nil
	case pgtype.ByteaOID:
		x = []byte(v.RawString())
	case pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID:
		x = v.Time()
	case pgtype.TimeOID:
		x = pgtype.Time{Microseconds: v.Micros(), Valid: true}
	case pgtype.UUIDOID:
		var u pgtype.UUID
		if err := u.Scan(v.ToText()); err != nil {
			return nil, err
		}
		x = u
	default:
		x = v.ToText()
	}
	return c.m.Encode(oid, pgtype.BinaryFormatCode, x, dst)
}

// checkIntWidth refuses an integer that does not fit the integer type its column is
// announced as: PostgreSQL computes int2 and int4 arithmetic in their own width and fails a
// result past it with 22003, where Weir computes in 64 bits. A value is never sent wrapped
// around.
func checkIntWidth(v weir.Value, oid uint32) error {
	var lo, hi int64
	var name string
	switch oid {
	case pgtype.Int2OID:
		lo, hi, name = math.MinInt16, math.MaxInt16, "smallint"
	case pgtype.Int4OID:
		lo, hi, name = math.MinInt32, math.MaxInt32, "integer"
	case pgtype.Int8OID:
		lo, hi, name = math.MinInt64, math.MaxInt64, "bigint"
	default:
		return nil
	}
	switch v.Kind() {
	case dataflow.KindInt:
		if i := v.RawInt(); i >= lo && i <= hi {
			return nil
		}
	case dataflow.KindUint:
		if v.RawUint() <= uint64(hi) {
			return nil
		}
	default:
		return nil
	}
	return newPGError(stateOutOfRange, "%s out of range", name)
}

// trimNumericDigits rewrites the numeric pgtype wrote at buf[start:] as PostgreSQL's
// numeric_send writes it: without trailing zero base-10000 digits, and zero as no digits at
// all with weight 0 and the sign positive, its display scale kept. Clients that decode the
// digits (pgx does) otherwise read 0.00 where PostgreSQL's bytes read 0.
func trimNumericDigits(buf []byte, start int) []byte {
	b := buf[start:]
	if len(b) < 8 {
		return buf
	}
	ndigits := int(binary.BigEndian.Uint16(b))
	if binary.BigEndian.Uint16(b[4:]) == 0xC000 || len(b) != 8+2*ndigits { // NaN, or not the expected layout
		return buf
	}
	n := ndigits
	for n > 0 && binary.BigEndian.Uint16(b[8+2*(n-1):]) == 0 {
		n--
	}
	if n == ndigits {
		return buf
	}
	binary.BigEndian.PutUint16(b, uint16(n))
	if n == 0 {
		binary.BigEndian.PutUint16(b[2:], 0) // weight
		binary.BigEndian.PutUint16(b[4:], 0) // sign
	}
	return buf[:start+8+2*n]
}

// numericOf is v as pgtype's numeric.
func numericOf(v weir.Value) pgtype.Numeric {
	switch v.Kind() {
	case dataflow.KindDecimal:
		coef, scale := v.BigDecimal()
		return pgtype.Numeric{Int: coef, Exp: -int32(scale), Valid: true}
	case dataflow.KindUint:
		return pgtype.Numeric{Int: new(big.Int).SetUint64(v.RawUint()), Valid: true}
	case dataflow.KindFloat:
		var n pgtype.Numeric
		_ = n.ScanScientific(strconv.FormatFloat(v.RawFloat(), 'f', -1, 64))
		return n
	}
	i, _ := v.ToInt()
	return pgtype.Numeric{Int: big.NewInt(i), Valid: true}
}

// decodeParam turns a Bind parameter into a Value: text and binary forms are read by pgtype
// for the parameter's type; a parameter of an unknown or text type keeps its text, which
// the engine converts by the column it meets.
func (c codec) decodeParam(oid uint32, format int16, src []byte) (weir.Value, error) {
	if src == nil {
		return dataflow.Null, nil
	}
	if format == pgtype.TextFormatCode {
		switch oid {
		case 0, pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.UnknownOID, pgtype.JSONOID,
			pgtype.JSONBOID, pgtype.UUIDOID, pgtype.NameOID:
			return dataflow.String(string(src)), nil
		}
	}
	switch oid {
	case pgtype.BoolOID:
		var b bool
		if err := c.m.Scan(oid, format, src, &b); err != nil {
			return dataflow.Null, err
		}
		return dataflow.Bool(b), nil
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID:
		var i int64
		if err := c.m.Scan(oid, format, src, &i); err != nil {
			return dataflow.Null, err
		}
		return dataflow.Int(i), nil
	case pgtype.Float4OID, pgtype.Float8OID:
		var f float64
		if err := c.m.Scan(oid, format, src, &f); err != nil {
			return dataflow.Null, err
		}
		return dataflow.Float(f), nil
	case pgtype.NumericOID:
		var n pgtype.Numeric
		if err := c.m.Scan(oid, format, src, &n); err != nil {
			return dataflow.Null, err
		}
		if !n.Valid {
			return dataflow.Null, nil
		}
		if n.NaN || n.InfinityModifier != pgtype.Finite {
			return dataflow.Null, fmt.Errorf("numeric %s is not a number Weir holds", string(src))
		}
		text, err := n.MarshalJSON()
		if err != nil {
			return dataflow.Null, err
		}
		d, ok := dataflow.ParseDecimalValue(string(text))
		if !ok {
			return dataflow.Null, fmt.Errorf("numeric %s is out of the range Weir holds", text)
		}
		return d, nil
	case pgtype.ByteaOID:
		var b []byte
		if err := c.m.Scan(oid, format, src, &b); err != nil {
			return dataflow.Null, err
		}
		return dataflow.Bytes(string(b)), nil
	case pgtype.DateOID:
		var d pgtype.Date
		if err := c.m.Scan(oid, format, src, &d); err != nil {
			return dataflow.Null, err
		}
		if d.InfinityModifier != pgtype.Finite {
			return dataflow.Null, fmt.Errorf("date %s is not a date Weir holds", string(src))
		}
		return dataflow.Date(d.Time), nil
	case pgtype.TimestampOID, pgtype.TimestamptzOID:
		var t time.Time
		if err := c.m.Scan(oid, format, src, &t); err != nil {
			return dataflow.Null, err
		}
		return dataflow.Datetime(t.UTC(), 6), nil
	case pgtype.UUIDOID:
		var u pgtype.UUID
		if err := c.m.Scan(oid, format, src, &u); err != nil {
			return dataflow.Null, err
		}
		v, err := u.Value()
		if err != nil {
			return dataflow.Null, err
		}
		s, _ := v.(string)
		return dataflow.String(s), nil
	}
	var s string
	if err := c.m.Scan(oid, format, src, &s); err != nil {
		return dataflow.Null, err
	}
	return dataflow.String(s), nil
}
