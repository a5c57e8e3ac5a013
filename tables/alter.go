package tables

import (
	"errors"
	"fmt"
	"slices"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/expr"
	"github.com/weirdb/weir/planner"
)

// Rebuild fills next, a new and empty table made for an ALTER TABLE, with old's rows under
// next's schema: column i of a new row is old column sources[i], converted to its new type
// under strict rules, or the new column's default (sources[i] < 0). Keys are checked as
// INSERT checks them. On error next is left empty and old untouched; old is never changed.
// It runs in the base domain.
//
// Errors are ALTER TABLE's, which MySQL words differently from INSERT's: a value that does
// not fit its new type is 1265 "Data truncated for column 'c' at row n" (also for a NULL in
// a column made NOT NULL), text that is no number is 1292.
func Rebuild(old, next *Table, sources []int) error {
	sc := next.Schema
	rows := make([]dataflow.Row, 0, old.Base.Len())
	old.Base.Scan(func(_ string, r dataflow.Row) bool {
		rows = append(rows, r)
		return true
	})
	newAuto := false
	for i, c := range sc.Cols {
		if c.AutoIncrement {
			if sources[i] >= 0 && old.Schema.Cols[sources[i]].AutoIncrement {
				next.AutoInc = old.AutoInc
			} else {
				newAuto = true
			}
		}
	}
	if newAuto {
		// A new AUTO_INCREMENT column numbers the rows in primary-key order, as MySQL does.
		pk := old.Schema.PK
		slices.SortStableFunc(rows, func(a, b dataflow.Row) int {
			for _, p := range pk {
				if c := dataflow.Compare(a[p], b[p]); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	w := NewWriter(next, nil)
	insert := &planner.Insert{Table: sc.Name}
	for n, r := range rows {
		row := make(dataflow.Row, len(sources))
		for i, src := range sources {
			c := sc.Cols[i]
			if src < 0 {
				row[i] = fillValue(c)
				if row[i].IsNull() && c.NotNull && !c.AutoIncrement {
					w.Rollback()
					return userError(codeUnsupported, "42000", fmt.Sprintf(
						"This version of Weir doesn't yet support 'a NOT NULL %s column added without a DEFAULT to a table with rows': MySQL fills in the zero date, which Weir does not store; give column '%s' a DEFAULT",
						c.Type.SQL, c.Name))
				}
				continue
			}
			v, err := expr.Convert(r[src], c.Type, true)
			if err != nil {
				w.Rollback()
				return alterConvertError(err, c, n+1)
			}
			if v.IsNull() && c.NotNull && !c.AutoIncrement {
				w.Rollback()
				return truncated(c, n+1)
			}
			row[i] = v
		}
		if err := w.assignAutoIncrement(row); err != nil {
			w.Rollback()
			return err
		}
		if err := w.insertRow(insert, row); err != nil {
			w.Rollback()
			return err
		}
	}
	return nil
}

// fillValue is what an existing row gets in a column ALTER TABLE adds: its default, NULL
// for a nullable column without one, and the implicit default of its type for a NOT NULL
// column without one (0, ”), as MySQL fills it. An AUTO_INCREMENT column gets NULL, which
// numbering replaces.
func fillValue(c planner.ColumnDef) dataflow.Value {
	switch {
	case c.Default != nil:
		return *c.Default
	case !c.NotNull || c.AutoIncrement:
		return dataflow.Null
	}
	switch c.Type.Kind {
	case dataflow.KindInt:
		return dataflow.Int(0)
	case dataflow.KindUint:
		return dataflow.Uint(0)
	case dataflow.KindFloat:
		return dataflow.Float(0)
	case dataflow.KindDecimal:
		return dataflow.Decimal(0, uint8(c.Type.Scale))
	case dataflow.KindString:
		return dataflow.String("")
	}
	// A DATE or DATETIME: MySQL fills in the zero date, which Weir cannot store. Finish
	// refuses the NULL with an error naming the column.
	return dataflow.Null
}

const codeUnsupported = 1235

func truncated(c planner.ColumnDef, row int) error {
	return userError(expr.CodeDataTruncated, "01000", fmt.Sprintf("Data truncated for column '%s' at row %d", c.Name, row))
}

func alterConvertError(err error, c planner.ColumnDef, row int) error {
	var ce *expr.ConvertError
	if !errors.As(err, &ce) {
		return fmt.Errorf("column '%s' at row %d: %w", c.Name, row, err)
	}
	switch ce.Code {
	case expr.CodeDataTooLong, expr.CodeDataTruncated:
		return truncated(c, row)
	case expr.CodeOutOfRange:
		return userError(expr.CodeOutOfRange, "22003", fmt.Sprintf("Out of range value for column '%s' at row %d", c.Name, row))
	case expr.CodeIncorrectValue:
		kind := "INTEGER"
		switch c.Type.Kind {
		case dataflow.KindDecimal:
			kind = "DECIMAL"
		case dataflow.KindFloat:
			kind = "DOUBLE"
		}
		return userError(expr.CodeIncorrectDatetime, "22007", fmt.Sprintf("Truncated incorrect %s value: '%s'", kind, ce.Value))
	}
	return userError(ce.Code, "22007", fmt.Sprintf("%s for column '%s' at row %d", ce.Error(), c.Name, row))
}
