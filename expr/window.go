package expr

import (
	"strconv"
	"strings"
)

// WindowKind names a window function.
type WindowKind uint8

const (
	WinRowNumber WindowKind = iota
	WinRank
	WinDenseRank
	// WinLag and WinLead read column Arg of the row Offset rows before (after) the current one
	// in the window's order, or column Default of the current row when there is none
	// (NULL when Default < 0).
	WinLag
	WinLead
	// WinAgg is an aggregate (COUNT, SUM, AVG, MIN, MAX: Agg) over the rows of the frame.
	WinAgg
	// WinNtile is NTILE(Offset): the number of the bucket the row falls in when the
	// partition is split in order into Offset buckets whose sizes differ by one at most,
	// the larger ones first.
	WinNtile
	// WinPercentRank is (RANK - 1) / (rows - 1), 0 for a partition of one row; WinCumeDist
	// the share of the partition's rows that come before the row or are its peers.
	WinPercentRank
	WinCumeDist
	// WinFirstValue, WinLastValue and WinNthValue read column Arg of the first, the last,
	// or the Offset-th row of the frame (NULL when the frame has no such row).
	WinFirstValue
	WinLastValue
	WinNthValue
)

// ValueFrame reports whether the function reads a row of its frame (FIRST_VALUE,
// LAST_VALUE, NTH_VALUE), so that its Frame applies as an aggregate's does.
func (k WindowKind) ValueFrame() bool {
	return k == WinFirstValue || k == WinLastValue || k == WinNthValue
}

// FrameBoundKind is one end of a window frame.
type FrameBoundKind uint8

const (
	UnboundedPreceding FrameBoundKind = iota
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// FrameBound is one end of a frame. In a ROWS frame, N counts rows for Preceding and
// Following. In a RANGE frame they are value offsets from the current row's ORDER BY value
// (its only sort key, numeric or temporal, or the second of two whose first is a NULL test
// of it placing its NULLs, as PostgreSQL's dialect sorts them), and Col is the input column
// that holds the bound's value for
// each row (the ORDER BY value minus or plus the offset, computed by a projection below the
// window): the frame's rows are those whose ORDER BY value lies between the two bounds in
// the window's order. A row whose ORDER BY value is NULL has its peers (the other NULLs)
// for such a bound. In a GROUPS frame N counts peer groups.
type FrameBound struct {
	Kind FrameBoundKind
	N    int64
	Col  int
}

// WindowFrame is the set of rows of the partition an aggregate sees from the current row.
// A ROWS frame counts rows; in a RANGE frame CURRENT ROW stands for the current row's peers
// (the rows equal to it on the window's ORDER BY: all the partition without one) and offsets
// are values (FrameBound). A GROUPS frame (Groups, not Rows) counts peer groups: N PRECEDING
// starts at the first row of the group N groups before the current row's, N FOLLOWING ends
// at the last row of the group N groups after it, CURRENT ROW is the current row's group.
// The default frame, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, is therefore the
// running aggregate up to the last peer with ORDER BY and the whole partition without.
type WindowFrame struct {
	Rows       bool
	Groups     bool
	Start, End FrameBound
}

// DefaultFrame is SQL's frame of an aggregate whose window names none.
var DefaultFrame = WindowFrame{Start: FrameBound{Kind: UnboundedPreceding}, End: FrameBound{Kind: CurrentRow}}

// WindowFunc is one window function over input column positions.
type WindowFunc struct {
	Kind WindowKind
	// Arg is LAG's and LEAD's value column.
	Arg int
	// Offset is LAG's and LEAD's distance in rows (1 by default, never negative).
	Offset int64
	// Default is the column holding LAG's and LEAD's default (evaluated on the current row),
	// or -1 for NULL.
	Default int
	// Agg is the aggregate of WinAgg (Agg.Arg its argument column; DISTINCT is refused).
	Agg   AggSpec
	Frame WindowFrame
}

func (b FrameBound) String() string {
	switch b.Kind {
	case UnboundedPreceding:
		return "unbounded preceding"
	case Preceding, Following:
		dir := " preceding"
		if b.Kind == Following {
			dir = " following"
		}
		if b.Col > 0 {
			return "$" + strconv.Itoa(b.Col) + dir
		}
		return strconv.FormatInt(b.N, 10) + dir
	case CurrentRow:
		return "current row"
	}
	return "unbounded following"
}

func (f WindowFrame) String() string {
	unit := "range"
	switch {
	case f.Rows:
		unit = "rows"
	case f.Groups:
		unit = "groups"
	}
	return unit + " " + f.Start.String() + ".." + f.End.String()
}

// String renders the function over positions, e.g. "lag($2,1,$4)" or "sum($3) rows 1
// preceding..current row".
func (w WindowFunc) String() string {
	switch w.Kind {
	case WinRowNumber:
		return "row_number()"
	case WinRank:
		return "rank()"
	case WinDenseRank:
		return "dense_rank()"
	case WinLag, WinLead:
		name := "lag"
		if w.Kind == WinLead {
			name = "lead"
		}
		def := "null"
		if w.Default >= 0 {
			def = "$" + strconv.Itoa(w.Default)
		}
		return name + "($" + strconv.Itoa(w.Arg) + "," + strconv.FormatInt(w.Offset, 10) + "," + def + ")"
	case WinNtile:
		return "ntile(" + strconv.FormatInt(w.Offset, 10) + ")"
	case WinPercentRank:
		return "percent_rank()"
	case WinCumeDist:
		return "cume_dist()"
	case WinFirstValue:
		return "first_value($" + strconv.Itoa(w.Arg) + ") " + w.Frame.String()
	case WinLastValue:
		return "last_value($" + strconv.Itoa(w.Arg) + ") " + w.Frame.String()
	case WinNthValue:
		return "nth_value($" + strconv.Itoa(w.Arg) + "," + strconv.FormatInt(w.Offset, 10) + ") " + w.Frame.String()
	}
	names := map[AggFunc]string{AggCountStar: "count", AggCount: "count", AggSum: "sum", AggAvg: "avg", AggMin: "min", AggMax: "max"}
	var b strings.Builder
	b.WriteString(names[w.Agg.Func])
	if w.Agg.Func == AggCountStar {
		b.WriteString("(*)")
	} else {
		b.WriteString("($" + strconv.Itoa(w.Agg.Arg) + ")")
	}
	if w.Agg.Func == AggSum || w.Agg.Func == AggAvg {
		b.WriteString(":" + w.Agg.Type.String())
	}
	b.WriteString(" " + w.Frame.String())
	return b.String()
}

// RangeOffset reports whether b is an offset bound of a RANGE frame (value offsets, which
// FrameRange does not resolve).
func (f WindowFrame) RangeOffset(b FrameBound) bool {
	return !f.Rows && !f.Groups && (b.Kind == Preceding || b.Kind == Following)
}

// GroupsOffset reports whether b is an offset bound of a GROUPS frame (counts of peer
// groups, which FrameRange does not resolve).
func (f WindowFrame) GroupsOffset(b FrameBound) bool {
	return f.Groups && (b.Kind == Preceding || b.Kind == Following)
}

// FrameRange returns the rows [lo, hi) of a partition of n rows that the frame f covers
// from row i, given the current row's peers [peerLo, peerHi); value offsets of a RANGE frame
// and group offsets of a GROUPS frame are the caller's to resolve (they count as the peers
// here). Both ends only grow with i,
// so an aggregate can slide along a partition adding and removing rows. The range is
// empty (lo == hi) when the frame ends before it starts or lies outside the partition.
func FrameRange(f WindowFrame, i, n, peerLo, peerHi int) (lo, hi int) {
	switch f.Start.Kind {
	case UnboundedPreceding:
		lo = 0
	case Preceding, Following, CurrentRow:
		switch {
		case !f.Rows:
			lo = peerLo
		case f.Start.Kind == Preceding:
			lo = offsetIndex(i, -f.Start.N)
		case f.Start.Kind == Following:
			lo = offsetIndex(i, f.Start.N)
		default:
			lo = i
		}
	default:
		lo = n
	}
	switch f.End.Kind {
	case UnboundedPreceding:
		hi = 0
	case Preceding, Following, CurrentRow:
		switch {
		case !f.Rows:
			hi = peerHi
		case f.End.Kind == Preceding:
			hi = offsetIndex(i, -f.End.N) + 1
		case f.End.Kind == Following:
			hi = offsetIndex(i, f.End.N) + 1
		default:
			hi = i + 1
		}
	default:
		hi = n
	}
	lo = min(max(lo, 0), n)
	hi = min(max(hi, 0), n)
	return lo, max(lo, hi)
}

// offsetIndex is i+d clamped to a range that cannot overflow an int.
func offsetIndex(i int, d int64) int {
	const limit = 1 << 40
	d = min(max(d, -limit), limit)
	return i + int(d)
}
