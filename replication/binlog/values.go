package binlog

import (
	"strconv"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir/dataflow"
)

// fieldString is a text-protocol value's text.
func fieldString(f *mysql.FieldValue) string {
	switch f.Type {
	case mysql.FieldValueTypeUnsigned:
		return strconv.FormatUint(f.AsUint64(), 10)
	case mysql.FieldValueTypeSigned:
		return strconv.FormatInt(f.AsInt64(), 10)
	case mysql.FieldValueTypeFloat:
		return strconv.FormatFloat(f.AsFloat64(), 'g', -1, 64)
	case mysql.FieldValueTypeString:
		return string(f.AsString())
	}
	return ""
}

// copyValue converts a value of the copy's SELECT (text protocol) to Weir's.
func copyValue(c *Column, f *mysql.FieldValue) dataflow.Value {
	switch f.Type {
	case mysql.FieldValueTypeNull:
		return dataflow.Null
	case mysql.FieldValueTypeUnsigned:
		return dataflow.Uint(f.AsUint64())
	case mysql.FieldValueTypeSigned:
		return dataflow.Int(f.AsInt64())
	case mysql.FieldValueTypeFloat:
		if c.kind == kindFloat {
			return dataflow.String(strconv.FormatFloat(f.AsFloat64(), 'g', -1, 32))
		}
		return dataflow.Float(f.AsFloat64())
	}
	return textValue(c, string(f.AsString()))
}
