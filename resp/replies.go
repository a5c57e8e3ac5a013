package resp

import (
	"unsafe"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// Reply reuse: a GET of a hot key encodes the same rows into the same JSON again and again,
// where Redis copies stored bytes. A connection keeps the framed replies of the values it
// read last, each with the rows it was encoded from, and copies a reply again when a read
// returns those very rows.
//
// "Those very rows" is identity, not equality: a reader publishes a key's rows as immutable
// values and replaces them (a new row, a new slice) when a write or an eviction changes the
// key, so rows at the same addresses hold the same values, and the JSON of a view's rows
// depends on nothing else. A slot keeps its rows referenced, so that no other row can be
// allocated at their addresses while the slot compares against them. A read never skips the
// lookup: the reply copied is the one of the rows the engine answered with, at least as new
// as every write visible to the read, and a key evicted and filled again has new rows.
const (
	// replySlots is the number of replies a connection keeps (a power of two).
	replySlots = 8
	// maxReplyRows and maxReplyBytes bound what one slot keeps (larger values are encoded
	// each time): at most replySlots × maxReplyBytes of replies per connection, and the
	// rows of those, which a small reply has few of.
	maxReplyRows  = 8
	maxReplyBytes = 2 << 10
)

type replySlot struct {
	cv    *cachedView
	rows  []dataflow.Row // the rows the reply was encoded from, kept alive
	reply []byte         // the bulk string, framed
}

type replyCache struct {
	slots [replySlots]replySlot
}

// slot is where the reply of rows (of n, at most maxReplyRows) belongs: by the address of the
// first row, which tells apart the keys of a view.
func (rc *replyCache) slot(rows weir.Rows, n int) *replySlot {
	var h uintptr
	if n > 0 {
		h = uintptr(unsafe.Pointer(unsafe.SliceData(rows.Row(0))))
	}
	// Fibonacci hashing of the address: its low bits are alignment.
	i := (uint64(h) * 0x9E3779B97F4A7C15) >> (64 - 3)
	return &rc.slots[i&(replySlots-1)]
}

// lookup returns the reply for cv's rows, nil when the connection does not keep it.
func (rc *replyCache) lookup(cv *cachedView, rows weir.Rows) []byte {
	n := rows.Len()
	if n > maxReplyRows {
		return nil
	}
	s := rc.slot(rows, n)
	if s.cv != cv || len(s.rows) != n || s.reply == nil {
		return nil
	}
	for i, kept := range s.rows {
		if unsafe.SliceData(rows.Row(i)) != unsafe.SliceData(kept) {
			return nil
		}
	}
	return s.reply
}

// store keeps reply (the bulk string of cv's rows, which it copies) when it is small
// enough.
func (rc *replyCache) store(cv *cachedView, rows weir.Rows, reply []byte) {
	n := rows.Len()
	if n > maxReplyRows || len(reply) > maxReplyBytes {
		return
	}
	s := rc.slot(rows, n)
	s.cv = cv
	clear(s.rows) // no row outlives its slot's use
	s.rows = s.rows[:0]
	for i := range n {
		s.rows = append(s.rows, rows.Row(i))
	}
	s.reply = append(s.reply[:0], reply...)
}

// forget drops every reply (a connection's memo of views is cleared).
func (rc *replyCache) forget() {
	for i := range rc.slots {
		s := &rc.slots[i]
		clear(s.rows)
		s.cv, s.rows, s.reply = nil, s.rows[:0], s.reply[:0]
	}
}
