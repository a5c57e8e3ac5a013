package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/go-mysql-org/go-mysql/mysql"
)

// wire is the command phase of one connection: Weir frames the packets a client sends and
// builds its replies itself (go-mysql runs the connection phase: greeting, TLS and
// authentication). A reply is built in one buffer and written with one system call when the
// client has nothing more queued, so a client that pipelines commands gets their answers in
// one write; a short read costs one read and one write.
type wire struct {
	nc net.Conn // the client's connection: the TCP socket, or TLS above it
	r  *bufio.Reader
	// in holds the payload of the command being run; reused while it stays small.
	in []byte
	// out holds reply packets not yet written.
	out []byte
	// seq is the sequence number of the next packet written.
	seq byte
	// max is max_allowed_packet: a larger command gets error 1153 and ends the connection.
	max int
	// caps are the capability flags the client logged in with.
	caps uint32
}

// Buffer sizes of a connection's command phase.
const (
	wireReadBuffer = 16 << 10
	// wireFlushAt: a reply larger than this is written as it is built, so a large result
	// costs a bounded buffer.
	wireFlushAt = 64 << 10
	// wireKeepIn: the command buffer is kept across commands up to this capacity.
	wireKeepIn = 64 << 10
)

func newWire(nc net.Conn, max int, caps uint32) *wire {
	return &wire{nc: nc, r: bufio.NewReaderSize(nc, wireReadBuffer), max: max, caps: caps, out: make([]byte, 0, 4<<10)}
}

// waiting reports whether the client has already sent more than the command being run.
func (w *wire) waiting() bool { return w.r.Buffered() > 0 }

// readCommand reads the next command: its payload (a logical packet: one packet, or
// several when it reaches 16 MiB). Replies still buffered are written first, so the client
// has every answer before the connection waits for it. idle is called before a read that
// may wait, and busy once the command's first bytes arrive.
func (w *wire) readCommand(idle, busy func()) ([]byte, error) {
	if w.r.Buffered() == 0 {
		if err := w.flush(); err != nil {
			return nil, err
		}
		idle()
		if _, err := w.r.Peek(1); err != nil {
			return nil, err
		}
	}
	busy()
	if cap(w.in) > wireKeepIn {
		w.in = nil
	}
	w.in = w.in[:0]
	var expect byte
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(w.r, hdr[:]); err != nil {
			return nil, err
		}
		n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
		if hdr[3] != expect {
			return nil, fmt.Errorf("%w: packet sequence %d, want %d", mysql.ErrMalformPacket, hdr[3], expect)
		}
		expect++
		if len(w.in)+n > w.max {
			// Refused from its header, before its payload is read into memory.
			w.seq = expect
			w.writeError(wireError(codePacketTooLarge, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"))
			_ = w.flush()
			return nil, errPacketTooLarge
		}
		start := len(w.in)
		w.in = grow(w.in, n)
		if _, err := io.ReadFull(w.r, w.in[start:start+n]); err != nil {
			return nil, err
		}
		if n < mysql.MaxPayloadLen {
			break
		}
	}
	w.seq = expect
	return w.in, nil
}

// grow extends b by n bytes.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// begin starts a packet; end finishes the packet begun at the offset begin returned.
func (w *wire) begin() int {
	at := len(w.out)
	w.out = append(w.out, 0, 0, 0, 0)
	return at
}

func (w *wire) end(at int) error {
	n := len(w.out) - at - 4
	if n >= mysql.MaxPayloadLen {
		w.splitLast(at)
	} else {
		w.out[at] = byte(n)
		w.out[at+1] = byte(n >> 8)
		w.out[at+2] = byte(n >> 16)
		w.out[at+3] = w.seq
		w.seq++
	}
	if len(w.out) >= wireFlushAt {
		return w.flush()
	}
	return nil
}

// splitLast cuts the payload begun at at, of 16 MiB or more, into packets of at most
// MaxPayloadLen bytes, each with its header; a payload of an exact multiple ends with an
// empty packet, as the protocol requires.
func (w *wire) splitLast(at int) {
	payload := append([]byte(nil), w.out[at+4:]...)
	w.out = w.out[:at]
	for {
		k := min(len(payload), mysql.MaxPayloadLen)
		w.out = append(w.out, byte(k), byte(k>>8), byte(k>>16), w.seq)
		w.seq++
		w.out = append(w.out, payload[:k]...)
		payload = payload[k:]
		if k < mysql.MaxPayloadLen {
			return
		}
	}
}

// flush writes the replies built so far.
func (w *wire) flush() error {
	if len(w.out) == 0 {
		return nil
	}
	_, err := w.nc.Write(w.out)
	if cap(w.out) > 4*wireFlushAt {
		w.out = make([]byte, 0, 4<<10)
	} else {
		w.out = w.out[:0]
	}
	return err
}

// writeOK writes an OK packet.
func (w *wire) writeOK(affected, insertID uint64, status uint16) error {
	at := w.begin()
	w.out = append(w.out, mysql.OK_HEADER)
	w.out = appendLenEncInt(w.out, affected)
	w.out = appendLenEncInt(w.out, insertID)
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.out = append(w.out, byte(status), byte(status>>8), 0, 0)
	}
	if w.caps&mysql.CLIENT_SESSION_TRACK != 0 {
		w.out = append(w.out, 0) // no status message
	}
	return w.end(at)
}

// writeEOF writes an EOF packet.
func (w *wire) writeEOF(status uint16) error {
	at := w.begin()
	w.out = append(w.out, mysql.EOF_HEADER)
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.out = append(w.out, 0, 0, byte(status), byte(status>>8))
	}
	return w.end(at)
}

// writeError writes an error packet with err's MySQL number and SQLSTATE.
func (w *wire) writeError(err error) error {
	e := toWire(err)
	at := w.begin()
	w.out = append(w.out, mysql.ERR_HEADER, byte(e.Code), byte(e.Code>>8))
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.out = append(w.out, '#')
		w.out = append(w.out, e.State...)
	}
	w.out = append(w.out, e.Message...)
	return w.end(at)
}

// writeRaw writes one packet of the given payload.
func (w *wire) writeRaw(payload []byte) error {
	at := w.begin()
	w.out = append(w.out, payload...)
	return w.end(at)
}

// writeColumns writes a result set's head: the column count, each column definition
// (already encoded) and, as the protocol without CLIENT_DEPRECATE_EOF has it, an EOF.
func (w *wire) writeColumns(defs [][]byte, status uint16) error {
	at := w.begin()
	w.out = appendLenEncInt(w.out, uint64(len(defs)))
	if err := w.end(at); err != nil {
		return err
	}
	for _, d := range defs {
		if err := w.writeRaw(d); err != nil {
			return err
		}
	}
	return w.writeEOF(status)
}

// errMalformed answers a command whose packet does not parse.
var errMalformed = wireError(1835, "08S01", "Malformed communication packet")

// readExecute parses COM_STMT_EXECUTE's payload (after the command byte) up to its
// parameter values: the statement id, then, for a statement with parameters, the NULL
// bitmap and the parameter types when the client sends them (it may send them once and
// leave them out of later executions, which then use the previous ones).
func readExecute(data []byte) (id uint32, rest []byte, err error) {
	if len(data) < 9 {
		return 0, nil, errMalformed
	}
	id = binary.LittleEndian.Uint32(data)
	flags := data[4]
	if flags&^mysql.CURSOR_TYPE_NO_CURSOR&^0x08 != 0 { // 0x08: PARAMETER_COUNT_AVAILABLE
		return 0, nil, unsupported("cursors (COM_STMT_EXECUTE flags %#x)", flags)
	}
	return id, data[9:], nil
}

// isWireError reports whether err is already an answer for the client (an error packet
// was written), as opposed to a broken connection.
func isWireError(err error) bool {
	var me *mysql.MyError
	return errors.As(err, &me)
}
