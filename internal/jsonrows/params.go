package jsonrows

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/weirdb/weir/dataflow"
)

// ParamValue turns a parameter's text into the value to look up, by the type of the key
// column it is compared with (a view's Plan().ParamTypes).
//
// The engine already reads a string argument against a numeric column as a number, but the
// way MySQL does: by its longest numeric prefix, so "abc" would look up 0. Integers are
// parsed here into exact values, and text that is no number at all is refused. Other numbers (1.5 against an INT column, any number
// against DECIMAL or DOUBLE) pass as text for the engine to convert exactly. Text and
// date columns take the text as it is; a string that is not a date matches nothing, as in
// MySQL.
func ParamValue(s string, t dataflow.Type) (dataflow.Value, error) {
	v, text, err := numeric(s, t)
	if err != nil || !text {
		return v, err
	}
	return dataflow.String(s), nil
}

// ParamBytes is ParamValue for text in a buffer the caller reuses: a number is parsed in
// place, and only text that the value keeps is copied (a read that misses hands its key
// to a fill that outlives the request).
func ParamBytes(b []byte, t dataflow.Type) (dataflow.Value, error) {
	v, text, err := numeric(unsafe.String(unsafe.SliceData(b), len(b)), t)
	if err != nil || !text {
		return v, err
	}
	return dataflow.String(string(b)), nil
}

// numeric parses s for a numeric key column. text reports that the parameter is to be
// looked up as the text s itself (a non-numeric column, or a number that is no integer);
// s does not escape.
func numeric(s string, t dataflow.Type) (v dataflow.Value, text bool, err error) {
	switch t.Kind {
	case dataflow.KindInt, dataflow.KindUint, dataflow.KindDecimal, dataflow.KindFloat:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return dataflow.Int(i), false, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return dataflow.Uint(u), false, nil
		}
		if !IsNumber(s) {
			return dataflow.Value{}, false, fmt.Errorf("%q is not a number (the key column is %s)", s, t)
		}
	}
	return dataflow.Value{}, true, nil
}

// IsNumber reports whether s is a finite decimal number: strconv's syntax without the hex,
// underscore, infinity and NaN forms it also accepts.
func IsNumber(s string) bool {
	if s == "" || strings.ContainsAny(s, "xXpP_nN") {
		return false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		// A number beyond float64's range is still a number; it matches no key.
		return errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange)
	}
	return !math.IsInf(f, 0)
}
