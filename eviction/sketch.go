package eviction

import "math/bits"

// rows is the sketch's depth: the number of independent counters a key is spread over.
const rows = 4

// MaxCount is where counters saturate. A key read this often is far above any eviction
// threshold, so larger counts need no memory.
const MaxCount = 255

const maxCount = MaxCount

// Sketch remembers approximate read counts of keys by 64-bit hash: a count-min sketch of
// four rows of saturating 8-bit counters indexed by independent hashes of the key. Every
// read increments the key's counters; the count is the smallest of them. Collisions can
// only overstate a count, and taking the minimum over four rows and incrementing only the
// smallest counters keep that rare. Halve, run periodically, makes old reads fade.
//
// A Sketch is not safe for concurrent use: the Evictor owns it, and readers hand it their
// reads in batches.
type Sketch struct {
	counts []uint8 // rows × width counters, row-major
	shift  uint    // 64 - log2(width): a row index is the top bits of a mixed hash
}

// NewSketch returns a sketch sized for about keys distinct keys: WidthFor(keys) counters a row.
func NewSketch(keys int) *Sketch {
	width := WidthFor(keys)
	return &Sketch{counts: make([]uint8, rows*width), shift: uint(64 - bits.TrailingZeros(uint(width)))}
}

// WidthFor is the row width of a sketch for keys distinct keys: the smallest power of two
// at least four times keys, and at least 64. The keys counted are those held; the keys read
// are many more, and with two counters per key held, collisions among the cold ones cost
// a tenth of a point of hit rate at a limit of a tenth of the keys.
func WidthFor(keys int) int {
	width := 64
	for width < 4*keys {
		width <<= 1
	}
	return width
}

// Grow returns a sketch sized for about keys distinct keys that keeps every count: a row
// index is the top bits of a hash, so in a row twice as wide a counter's two successors
// both start from its value, and no key's count goes down (or up). It returns s itself when
// s is large enough already.
func (s *Sketch) Grow(keys int) *Sketch {
	g := NewSketch(keys)
	old, w := s.Width(), g.Width()
	if w <= old {
		return s
	}
	ratio := uint(bits.TrailingZeros(uint(w / old)))
	for i := range rows {
		dst := g.counts[i*w : (i+1)*w]
		src := s.counts[i*old : (i+1)*old]
		for j := range dst {
			dst[j] = src[j>>ratio]
		}
	}
	return g
}

// Snapshot returns a copy of s, reusing the memory of into when it is the same size. It
// lets the counts be ranked at leisure while s goes on counting.
func (s *Sketch) Snapshot(into *Sketch) *Sketch {
	if into == nil || len(into.counts) != len(s.counts) {
		into = &Sketch{counts: make([]uint8, len(s.counts))}
	}
	into.shift = s.shift
	copy(into.counts, s.counts)
	return into
}

// Width is the number of counters in a row.
func (s *Sketch) Width() int { return len(s.counts) / rows }

// Bytes is the sketch's memory.
func (s *Sketch) Bytes() int64 { return int64(len(s.counts)) }

// seeds give each row its own hash of the key.
var seeds = [rows]uint64{0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93}

// index is the position of key h's counter in row i.
func (s *Sketch) index(h uint64, i int) int {
	x := (h ^ seeds[i]) * 0xFF51AFD7ED558CCD
	x ^= x >> 32
	x *= 0xC4CEB9FE1A85EC53
	return i*s.Width() + int(x>>s.shift)
}

// Count is the key's remembered count: at least what was recorded for it (less what halving
// took), possibly more when other keys share all of its counters.
func (s *Sketch) Count(h uint64) int64 {
	c := uint8(maxCount)
	for i := range rows {
		c = min(c, s.counts[s.index(h, i)])
	}
	return int64(c)
}

// Increment counts one more read of the key: the smallest of its counters go up by one, and
// the others (which other keys have raised) stay, so a count is overstated as little as
// possible (a conservative update).
func (s *Sketch) Increment(h uint64) {
	var at [rows]int
	low := uint8(maxCount)
	for i := range rows {
		at[i] = s.index(h, i)
		low = min(low, s.counts[at[i]])
	}
	if low == maxCount {
		return
	}
	for _, j := range at {
		if s.counts[j] == low {
			s.counts[j]++
		}
	}
}

// Halve divides every count by two.
func (s *Sketch) Halve() {
	for i, c := range s.counts {
		s.counts[i] = c >> 1
	}
}
