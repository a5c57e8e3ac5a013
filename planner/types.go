package planner

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/types"
	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
)

// The limits on DECIMAL (MariaDB's: MySQL's scale stops at 30) and fractional seconds.
const (
	mysqlMaxDecimalPrecision = dataflow.MaxDecimalPrecision
	mysqlMaxDecimalScale     = dataflow.MaxDecimalScale
	maxFsp                   = 6
)

var intTypeNames = map[byte]string{
	mysql.TypeTiny:     "TINYINT",
	mysql.TypeShort:    "SMALLINT",
	mysql.TypeInt24:    "MEDIUMINT",
	mysql.TypeLong:     "INT",
	mysql.TypeLonglong: "BIGINT",
}

// intDisplayWidth is MySQL's default display width per integer type (signed, unsigned).
var intDisplayWidth = map[byte][2]int{
	mysql.TypeTiny:     {4, 3},
	mysql.TypeShort:    {6, 5},
	mysql.TypeInt24:    {9, 8},
	mysql.TypeLong:     {11, 10},
	mysql.TypeLonglong: {20, 20},
}

var textTypes = map[byte]struct {
	name string
	max  int
}{
	mysql.TypeTinyBlob:   {"TINYTEXT", 255},
	mysql.TypeBlob:       {"TEXT", 65535},
	mysql.TypeMediumBlob: {"MEDIUMTEXT", 16777215},
	mysql.TypeLongBlob:   {"LONGTEXT", 4294967295},
}

// unsupportedTypeName names the MySQL types Weir has no value kind for.
func unsupportedTypeName(ft *types.FieldType) string {
	binary := ft.GetCharset() == "binary" || mysql.HasBinaryFlag(ft.GetFlag())
	switch ft.GetType() {
	case mysql.TypeDuration:
		return "TIME"
	case mysql.TypeYear:
		return "YEAR"
	case mysql.TypeEnum:
		return "ENUM"
	case mysql.TypeSet:
		return "SET"
	case mysql.TypeJSON:
		return "JSON"
	case mysql.TypeBit:
		return "BIT"
	case mysql.TypeGeometry:
		return "GEOMETRY"
	case mysql.TypeTiDBVectorFloat32:
		return "VECTOR"
	case mysql.TypeVarchar, mysql.TypeVarString:
		if binary {
			return "VARBINARY"
		}
	case mysql.TypeString:
		if binary {
			return "BINARY"
		}
	case mysql.TypeTinyBlob, mysql.TypeBlob, mysql.TypeMediumBlob, mysql.TypeLongBlob:
		if binary {
			return strings.ReplaceAll(textTypes[ft.GetType()].name, "TEXT", "BLOB")
		}
	}
	return strings.ToUpper(types.TypeToStr(ft.GetType(), ft.GetCharset()))
}

// columnType maps a column definition's type to Weir's, spelling Type.SQL the way MySQL's
// SHOW CREATE TABLE does (without display widths, which MySQL 8 dropped, except TINYINT(1),
// the boolean idiom). Nullable is left false; the caller applies NULL / NOT NULL.
func columnType(ft *types.FieldType, col string) (dataflow.Type, error) {
	tp := ft.GetType()
	flag := ft.GetFlag()
	unsigned := mysql.HasUnsignedFlag(flag)
	if mysql.HasZerofillFlag(flag) {
		return dataflow.Type{}, unsupported("ZEROFILL (column '%s')", col)
	}
	if isTextType(tp) && strings.EqualFold(ft.GetCharset(), "binary") {
		return binaryStringType(ft), nil
	}
	if tp == mysql.TypeString && isBinaryCollation(ft.GetCollate()) && !mysql.HasBinaryFlag(flag) {
		n := ft.GetFlen()
		if n < 0 {
			n = 1
		}
		return dataflow.BinaryCharType(n), nil
	}
	if isTextType(tp) && mysql.HasBinaryFlag(flag) {
		return dataflow.Type{}, unsupported("the BINARY attribute (column '%s'): Weir compares text case-insensitively; use VARBINARY or BLOB for bytes", col)
	}
	if isTextType(tp) {
		if err := checkCollation(ft.GetCollate(), col); err != nil {
			return dataflow.Type{}, err
		}
	}
	switch tp {
	case mysql.TypeTiny, mysql.TypeShort, mysql.TypeInt24, mysql.TypeLong, mysql.TypeLonglong:
		t := dataflow.Type{Kind: dataflow.KindInt, SQL: intTypeNames[tp]}
		w := intDisplayWidth[tp]
		t.Precision = w[0]
		if unsigned {
			t.Kind, t.Unsigned, t.Precision = dataflow.KindUint, true, w[1]
		}
		if flen := ft.GetFlen(); flen > 0 {
			t.Precision = flen
		}
		if tp == mysql.TypeTiny && ft.GetFlen() == 1 {
			t.SQL = "TINYINT(1)"
		}
		if unsigned {
			t.SQL += " UNSIGNED"
		}
		return t, nil
	case mysql.TypeNewDecimal:
		p, s := ft.GetFlen(), ft.GetDecimal()
		if p < 0 {
			p = 10
		}
		if s < 0 {
			s = 0
		}
		t, err := decimalType(p, s, col)
		if err != nil {
			return t, err
		}
		if unsigned {
			t.Unsigned = true
			t.SQL += " UNSIGNED"
		}
		return t, nil
	case mysql.TypeFloat, mysql.TypeDouble:
		if ft.GetDecimal() >= 0 {
			return dataflow.Type{}, unsupported("FLOAT(M,D)/DOUBLE(M,D) (column '%s'): use DECIMAL for a fixed scale", col)
		}
		t := dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE"}
		if tp == mysql.TypeFloat {
			t.SQL = "FLOAT"
		}
		if unsigned {
			t.Unsigned = true
			t.SQL += " UNSIGNED"
		}
		return t, nil
	case mysql.TypeVarchar, mysql.TypeVarString:
		n := ft.GetFlen()
		if n < 0 {
			return dataflow.Type{}, newErr(CodeParse, "VARCHAR column '%s' needs a length", col)
		}
		return dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: fmt.Sprintf("VARCHAR(%d)", n)}, nil
	case mysql.TypeString:
		n := ft.GetFlen()
		if n < 0 {
			n = 1
		}
		return dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: fmt.Sprintf("CHAR(%d)", n)}, nil
	case mysql.TypeTinyBlob, mysql.TypeBlob, mysql.TypeMediumBlob, mysql.TypeLongBlob:
		tt := textTypes[tp]
		return dataflow.Type{Kind: dataflow.KindString, Precision: tt.max, SQL: tt.name}, nil
	case mysql.TypeDate, mysql.TypeNewDate:
		return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE"}, nil
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		name := "DATETIME"
		if tp == mysql.TypeTimestamp {
			name = "TIMESTAMP"
		}
		fsp := ft.GetDecimal()
		if fsp < 0 {
			fsp = 0
		}
		if fsp > maxFsp {
			return dataflow.Type{}, newErr(CodeTooBigPrecision, "Too-big precision %d specified for '%s'. Maximum is %d.", fsp, col, maxFsp)
		}
		t := dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: name}
		if fsp > 0 {
			t.SQL = fmt.Sprintf("%s(%d)", name, fsp)
		}
		return t, nil
	case mysql.TypeEnum, mysql.TypeSet:
		return enumType(ft, col)
	case mysql.TypeJSON:
		return dataflow.Type{Kind: dataflow.KindString, Precision: 4294967295, SQL: "JSON"}, nil
	case mysql.TypeDuration:
		return timeType(ft.GetDecimal(), col)
	case mysql.TypeYear:
		return dataflow.Type{Kind: dataflow.KindInt, Precision: 4, SQL: "YEAR"}, nil
	case mysql.TypeBit:
		n := ft.GetFlen()
		if n <= 0 {
			n = 1
		}
		if n > 64 {
			return dataflow.Type{}, newErr(CodeTooBigDisplayWidth, "Display width out of range for '%s' (max = 64)", col)
		}
		return dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: n, SQL: fmt.Sprintf("BIT(%d)", n)}, nil
	}
	return dataflow.Type{}, unsupported("the %s type (column '%s')", unsupportedTypeName(ft), col)
}

// binaryStringType maps BINARY(n), VARBINARY(n) and the BLOB types, whose lengths count
// bytes.
func binaryStringType(ft *types.FieldType) dataflow.Type {
	n := ft.GetFlen()
	switch ft.GetType() {
	case mysql.TypeString:
		n = max(n, 1)
		return dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: fmt.Sprintf("BINARY(%d)", n)}
	case mysql.TypeVarchar, mysql.TypeVarString:
		return dataflow.Type{Kind: dataflow.KindString, Precision: n, SQL: fmt.Sprintf("VARBINARY(%d)", n)}
	}
	tt := textTypes[ft.GetType()]
	return dataflow.Type{Kind: dataflow.KindString, Precision: tt.max, SQL: strings.ReplaceAll(tt.name, "TEXT", "BLOB")}
}

// enumType is ENUM(...) or SET(...): its SQL spelling lists the members, which is where
// conversion reads them. Members lose trailing spaces and must differ under the collation,
// as in MySQL; a SET holds at most 64.
func enumType(ft *types.FieldType, col string) (dataflow.Type, error) {
	name := "ENUM"
	if ft.GetType() == mysql.TypeSet {
		name = "SET"
	}
	if err := checkCollation(ft.GetCollate(), col); err != nil {
		return dataflow.Type{}, err
	}
	elems := ft.GetElems()
	if name == "SET" && len(elems) > 64 {
		return dataflow.Type{}, newErr(CodeTooBigSet, "Too many strings for column %s and SET", col)
	}
	quoted := make([]string, len(elems))
	width := 0
	for i, e := range elems {
		e = strings.TrimRight(e, " ")
		if name == "SET" && strings.Contains(e, ",") {
			return dataflow.Type{}, newErr(CodeBadTypeValue, "Illegal %s '%s' value found during parsing", name, e)
		}
		for _, prev := range elems[:i] {
			if dataflow.CompareStrings(prev, e) == 0 {
				return dataflow.Type{}, newErr(CodeDupTypeValue, "Column '%s' has duplicated value '%s' in %s", col, prev, name)
			}
		}
		quoted[i] = expr.QuoteMember(e)
		n := utf8.RuneCountInString(e)
		if name == "SET" {
			width += n + 1
		} else {
			width = max(width, n)
		}
	}
	if name == "SET" && width > 0 {
		width--
	}
	return dataflow.Type{Kind: dataflow.KindString, Precision: max(width, 1),
		SQL: name + "(" + strings.Join(quoted, ",") + ")"}, nil
}

// implicitDefault is the default MySQL gives a NOT NULL column without a DEFAULT clause when
// it has one: an ENUM's first member. Other types have none (nil).
func implicitDefault(t dataflow.Type) *dataflow.Value {
	if !t.IsEnum() {
		return nil
	}
	members := expr.EnumMembers(t)
	if len(members) == 0 {
		return nil
	}
	v := dataflow.Enum(members[0], 1)
	return &v
}

// timeType is TIME(fsp).
func timeType(fsp int, col string) (dataflow.Type, error) {
	fsp = max(fsp, 0)
	if fsp > maxFsp {
		return dataflow.Type{}, newErr(CodeTooBigPrecision, "Too-big precision %d specified for '%s'. Maximum is %d.", fsp, col, maxFsp)
	}
	t := dataflow.Type{Kind: dataflow.KindTime, Scale: fsp, SQL: "TIME"}
	if fsp > 0 {
		t.SQL = fmt.Sprintf("TIME(%d)", fsp)
	}
	return t, nil
}

func isTextType(tp byte) bool {
	switch tp {
	case mysql.TypeVarchar, mysql.TypeVarString, mysql.TypeString,
		mysql.TypeTinyBlob, mysql.TypeBlob, mysql.TypeMediumBlob, mysql.TypeLongBlob:
		return true
	}
	return false
}

// decimalType validates DECIMAL(p,s) against MariaDB's limits (MySQL's scale stops at 30).
func decimalType(p, s int, col string) (dataflow.Type, error) {
	switch {
	case p > mysqlMaxDecimalPrecision:
		return dataflow.Type{}, newErr(CodeTooBigPrecision, "Too-big precision %d specified for '%s'. Maximum is %d.", p, col, mysqlMaxDecimalPrecision)
	case s > mysqlMaxDecimalScale:
		return dataflow.Type{}, newErr(CodeTooBigScale, "Too-big scale %d specified for '%s'. Maximum is %d.", s, col, mysqlMaxDecimalScale)
	case s > p:
		return dataflow.Type{}, newErr(CodeScaleOverPrecision, "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '%s').", col)
	case p == 0:
		// DECIMAL(0) holds no digit at all; a precision of one is the nearest usable type.
		p = 1
	}
	return dataflow.Type{Kind: dataflow.KindDecimal, Precision: p, Scale: s, SQL: fmt.Sprintf("DECIMAL(%d,%d)", p, s)}, nil
}

// checkCollation accepts the case-insensitive collations, which Weir's string comparison
// approximates, and rejects the others rather than compare differently than declared.
func checkCollation(coll, col string) error {
	coll = strings.ToLower(coll)
	if coll == "" || strings.HasSuffix(coll, "_ci") {
		return nil
	}
	where := ""
	if col != "" {
		where = fmt.Sprintf(" (column '%s')", col)
	}
	return unsupported("COLLATE %s%s: Weir compares strings with a case-insensitive collation", coll, where)
}

// isBinaryCollation reports the binary collation of the utf8mb4 family, which a CHAR(n)
// column may declare (dataflow.Type.BinaryChar: PostgreSQL's char(n) in a mirror).
func isBinaryCollation(coll string) bool {
	switch strings.ToLower(coll) {
	case "utf8mb4_bin", "utf8mb3_bin", "utf8_bin":
		return true
	}
	return false
}

// castType maps the target of CAST/CONVERT to Weir's type.
func castType(ft *types.FieldType) (dataflow.Type, error) {
	tp := ft.GetType()
	unsigned := mysql.HasUnsignedFlag(ft.GetFlag())
	if ft.GetCharset() == "binary" && isTextType(tp) {
		// CAST(x AS BINARY) keeps every byte; CAST(x AS BINARY(n)) cuts or pads to n.
		t := dataflow.Type{Kind: dataflow.KindString, SQL: "VARBINARY", Nullable: true}
		if n := ft.GetFlen(); n >= 0 {
			t.Precision, t.SQL = n, fmt.Sprintf("BINARY(%d)", n)
		}
		return t, nil
	}
	switch tp {
	case mysql.TypeLonglong, mysql.TypeLong, mysql.TypeTiny, mysql.TypeShort, mysql.TypeInt24:
		if unsigned {
			return dataflow.Type{Kind: dataflow.KindUint, Unsigned: true, Precision: 20, SQL: "BIGINT UNSIGNED", Nullable: true}, nil
		}
		return dataflow.Type{Kind: dataflow.KindInt, Precision: 20, SQL: "BIGINT", Nullable: true}, nil
	case mysql.TypeNewDecimal:
		p, s := ft.GetFlen(), ft.GetDecimal()
		if p < 0 {
			p = 10
		}
		if s < 0 {
			s = 0
		}
		t, err := decimalType(p, s, "CAST")
		t.Nullable = true
		return t, err
	case mysql.TypeDouble:
		return dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}, nil
	case mysql.TypeFloat:
		return dataflow.Type{Kind: dataflow.KindFloat, SQL: "FLOAT", Nullable: true}, nil
	case mysql.TypeVarString, mysql.TypeVarchar, mysql.TypeString:
		t := dataflow.Type{Kind: dataflow.KindString, SQL: "VARCHAR", Nullable: true}
		if n := ft.GetFlen(); n >= 0 {
			t.Precision = n
			t.SQL = fmt.Sprintf("VARCHAR(%d)", n)
		}
		return t, nil
	case mysql.TypeDate:
		return dataflow.Type{Kind: dataflow.KindDate, SQL: "DATE", Nullable: true}, nil
	case mysql.TypeDuration:
		t, err := timeType(ft.GetDecimal(), "CAST")
		t.Nullable = true
		return t, err
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		fsp := max(ft.GetDecimal(), 0)
		if fsp > maxFsp {
			return dataflow.Type{}, newErr(CodeTooBigPrecision, "Too-big precision %d specified for 'CAST'. Maximum is %d.", fsp, maxFsp)
		}
		t := dataflow.Type{Kind: dataflow.KindDatetime, Scale: fsp, SQL: "DATETIME", Nullable: true}
		if fsp > 0 {
			t.SQL = fmt.Sprintf("DATETIME(%d)", fsp)
		}
		return t, nil
	}
	return dataflow.Type{}, unsupported("CAST to %s", unsupportedTypeName(ft))
}

// Result types of the aggregates, following MySQL: COUNT is a BIGINT that is never NULL;
// SUM and AVG of exact numbers are DECIMAL (with four more fractional digits for AVG, the
// div_precision_increment default), of anything else DOUBLE; MIN and MAX keep their
// argument's type.
var (
	countType  = dataflow.Type{Kind: dataflow.KindInt, Precision: 21, SQL: "BIGINT"}
	doubleType = dataflow.Type{Kind: dataflow.KindFloat, SQL: "DOUBLE", Nullable: true}
	textType   = dataflow.Type{Kind: dataflow.KindString, Precision: 65535, SQL: "TEXT", Nullable: true}
)

func sumType(arg dataflow.Type, avg bool) dataflow.Type {
	var p, s int
	switch arg.Kind {
	case dataflow.KindInt, dataflow.KindUint:
		p, s = arg.Precision, 0
		if p <= 0 {
			p = 20
		}
	case dataflow.KindDecimal:
		p, s = arg.Precision, arg.Scale
	default:
		return doubleType
	}
	if avg {
		p, s = p+4, s+4
	} else {
		// MariaDB widens a sum by DECIMAL_LONGLONG_DIGITS.
		p += 22
	}
	s = min(s, dataflow.MaxDecimalScale)
	p = max(min(p, dataflow.MaxDecimalPrecision), s)
	return dataflow.Type{Kind: dataflow.KindDecimal, Precision: p, Scale: s,
		SQL: fmt.Sprintf("DECIMAL(%d,%d)", p, s), Nullable: true}
}
