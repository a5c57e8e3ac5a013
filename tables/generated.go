package tables

import (
	"encoding/hex"
	"math/rand/v2"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/planner"
)

// Generated is what one statement takes from outside its text and arguments: the time it
// runs at, the AUTO_INCREMENT values it is given and the values it draws by chance (RAND(),
// UUID()). The engine reads the clock and supplies chance; a writer records the values it
// generates, so that the statement applied again (a transaction's statements are applied
// again at each later statement and at COMMIT) stores exactly the rows the client was told
// about. The rows, not the statement, are what the durable store keeps, so a restart needs
// none of this.
type Generated struct {
	// Now is the statement's time; the zero time reads as the Unix epoch.
	Now time.Time
	// Random is the source of chance; nil means math/rand/v2's.
	Random func() uint64
	// IDs are the AUTO_INCREMENT values generated, in order; Drawn the RAND() and UUID()
	// values drawn, in order.
	IDs   []uint64
	Drawn []dataflow.Value
	// Record makes the writer append the values it generates to IDs and Drawn; Replay
	// makes it take them from there, as an earlier application recorded them, instead.
	Record, Replay bool

	nextID, nextDrawn int
}

// Rewind prepares a recorded statement to be applied again with the same values.
func (g *Generated) Rewind() {
	g.Record, g.Replay = false, true
	g.nextID, g.nextDrawn = 0, 0
}

func (g *Generated) now() time.Time {
	if g.Now.IsZero() {
		return time.Unix(0, 0)
	}
	return g.Now
}

func (g *Generated) clockValue(v planner.Volatile) dataflow.Value {
	now := g.now().UTC()
	switch v.Kind {
	case planner.VolatileDate:
		return dataflow.Date(now)
	case planner.VolatileUnixTime:
		return dataflow.Int(now.Unix())
	}
	return dataflow.Datetime(now, uint8(v.Fsp))
}

func (g *Generated) draw(kind planner.VolatileKind) dataflow.Value {
	if g.Replay && g.nextDrawn < len(g.Drawn) {
		v := g.Drawn[g.nextDrawn]
		g.nextDrawn++
		return v
	}
	var v dataflow.Value
	if kind == planner.VolatileUUID {
		v = dataflow.String(g.uuid())
	} else {
		v = dataflow.Float(float64(g.random()>>11) / (1 << 53))
	}
	if g.Record {
		g.Drawn = append(g.Drawn, v)
	}
	return v
}

func (g *Generated) random() uint64 {
	if g.Random != nil {
		return g.Random()
	}
	return rand.Uint64()
}

// uuid is a random (version 4) UUID in its 36-character text form.
func (g *Generated) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		r := g.random()
		for j := range 8 {
			b[i+j] = byte(r >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
