package server

import (
	"encoding/binary"
	"fmt"
	"net"

	"github.com/go-mysql-org/go-mysql/mysql"

	"github.com/weirdb/weir/internal/connloop"
)

// wire is the command phase of one connection: Weir frames the packets a client sends and
// builds its replies itself (go-mysql runs the connection phase: greeting, TLS and
// authentication), on a connloop.Conn, which reads and writes the socket at one system call
// each per command.
type wire struct {
	conn *connloop.Conn
	// scratch holds a command that arrived in several packets (16 MiB or more).
	scratch []byte
	// seq is the sequence number of the next packet written.
	seq byte
	// max is max_allowed_packet: a larger command gets error 1153 and ends the connection.
	max int
	// caps are the capability flags the client logged in with.
	caps uint32
	// run runs one command and writes its reply; quit ends the connection after COM_QUIT.
	run func(data []byte) (quit bool, err error)
	// packets is set while the client sends packets that continue the exchange of the
	// command before, rather than new commands: a file LOAD DATA LOCAL INFILE asked for.
	// Each packet goes to run on its own, empty ones included, in the sequence of the
	// packets written before it.
	packets bool
	// try runs one command on the poller (connloop.Conn.Polled), where nothing may wait: it
	// returns connloop.ErrBlocking, having written nothing, for one it cannot answer so.
	try func(data []byte) error
}

func newWire(nc, raw net.Conn, max int, caps uint32) *wire {
	w := &wire{conn: connloop.New(nc, raw), max: max, caps: caps}
	w.conn.Run = func(*connloop.Conn) error { return w.runBuffered() }
	return w
}

// serve runs commands until the client quits or goes away, or a command is refused; nil
// for a client that quit.
func (w *wire) serve() error { return w.conn.Serve() }

// flush writes the replies built so far.
func (w *wire) flush() error { return w.conn.Flush() }

// runBuffered runs every whole command in the input.
func (w *wire) runBuffered() error {
	for {
		data, n, err := w.nextCommand()
		if err != nil || data == nil {
			return err
		}
		if w.conn.Polled() {
			if w.try == nil || n != len(data)+4 { // a command of several packets is large
				return connloop.ErrBlocking
			}
			if err := w.try(data); err != nil {
				return err
			}
			w.conn.Consume(n)
			continue
		}
		quit, err := w.run(data)
		w.conn.Consume(n)
		if err != nil {
			return err
		}
		if quit {
			return connloop.ErrQuit
		}
	}
}

// nextCommand finds the logical packet at the start of the input (one packet, or several
// when it reaches 16 MiB): its payload, which aliases the input buffer, and the bytes it
// took; nil when it has not all arrived. A packet over max_allowed_packet is refused from its
// header, before its payload is held: error 1153, and the connection ends.
func (w *wire) nextCommand() (data []byte, took int, err error) {
	in := w.conn.Input()
	p, size := 0, 0
	var expect byte
	if w.packets {
		expect = w.seq
	}
	for {
		if len(in)-p < 4 {
			w.conn.NeedMore(p + 4)
			return nil, 0, nil
		}
		h := in[p : p+4]
		n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
		if h[3] != expect {
			return nil, 0, fmt.Errorf("%w: packet sequence %d, want %d", mysql.ErrMalformPacket, h[3], expect)
		}
		expect++
		if size+n > w.max {
			w.seq = expect
			w.writeError(wireError(codePacketTooLarge, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"))
			_ = w.flush()
			return nil, 0, errPacketTooLarge
		}
		if len(in)-p-4 < n {
			w.conn.NeedMore(p + 4 + n)
			return nil, 0, nil
		}
		size += n
		p += 4 + n
		if n < mysql.MaxPayloadLen || w.packets {
			break
		}
	}
	w.seq = expect
	if p == size+4 {
		return in[4:p], p, nil
	}
	// Several packets: their payloads joined.
	w.scratch = w.scratch[:0]
	for q := 0; q < p; {
		n := int(in[q]) | int(in[q+1])<<8 | int(in[q+2])<<16
		w.scratch = append(w.scratch, in[q+4:q+4+n]...)
		q += 4 + n
	}
	data = w.scratch
	if cap(w.scratch) > connloop.FlushAt {
		w.scratch = nil // not kept: the next large command allocates its own
	}
	return data, p, nil
}

// begin starts a packet; end finishes the packet begun at the offset begin returned.
func (w *wire) begin() int {
	at := len(w.conn.Out)
	w.conn.Out = append(w.conn.Out, 0, 0, 0, 0)
	return at
}

func (w *wire) end(at int) error {
	n := len(w.conn.Out) - at - 4
	if n >= mysql.MaxPayloadLen {
		w.splitLast(at)
	} else {
		w.conn.Out[at] = byte(n)
		w.conn.Out[at+1] = byte(n >> 8)
		w.conn.Out[at+2] = byte(n >> 16)
		w.conn.Out[at+3] = w.seq
		w.seq++
	}
	return w.conn.Added()
}

// splitLast cuts the payload begun at at, of 16 MiB or more, into packets of at most
// MaxPayloadLen bytes, each with its header; a payload of an exact multiple ends with an
// empty packet, as the protocol requires.
func (w *wire) splitLast(at int) {
	payload := append([]byte(nil), w.conn.Out[at+4:]...)
	w.conn.Out = w.conn.Out[:at]
	for {
		k := min(len(payload), mysql.MaxPayloadLen)
		w.conn.Out = append(w.conn.Out, byte(k), byte(k>>8), byte(k>>16), w.seq)
		w.seq++
		w.conn.Out = append(w.conn.Out, payload[:k]...)
		payload = payload[k:]
		if k < mysql.MaxPayloadLen {
			return
		}
	}
}

// writeOK writes an OK packet; warnings is the count SHOW WARNINGS would list.
func (w *wire) writeOK(affected, insertID uint64, status, warnings uint16) error {
	at := w.begin()
	w.conn.Out = append(w.conn.Out, mysql.OK_HEADER)
	w.conn.Out = appendLenEncInt(w.conn.Out, affected)
	w.conn.Out = appendLenEncInt(w.conn.Out, insertID)
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.conn.Out = append(w.conn.Out, byte(status), byte(status>>8), byte(warnings), byte(warnings>>8))
	}
	if w.caps&mysql.CLIENT_SESSION_TRACK != 0 {
		w.conn.Out = append(w.conn.Out, 0) // no status message
	}
	return w.end(at)
}

// writeEOF writes an EOF packet.
func (w *wire) writeEOF(status uint16) error {
	at := w.begin()
	w.conn.Out = append(w.conn.Out, mysql.EOF_HEADER)
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.conn.Out = append(w.conn.Out, 0, 0, byte(status), byte(status>>8))
	}
	return w.end(at)
}

// writeError writes an error packet with err's MySQL number and SQLSTATE.
func (w *wire) writeError(err error) error {
	e := toWire(err)
	at := w.begin()
	w.conn.Out = append(w.conn.Out, mysql.ERR_HEADER, byte(e.Code), byte(e.Code>>8))
	if w.caps&mysql.CLIENT_PROTOCOL_41 != 0 {
		w.conn.Out = append(w.conn.Out, '#')
		w.conn.Out = append(w.conn.Out, e.State...)
	}
	w.conn.Out = append(w.conn.Out, e.Message...)
	return w.end(at)
}

// writeRaw writes one packet of the given payload.
func (w *wire) writeRaw(payload []byte) error {
	at := w.begin()
	w.conn.Out = append(w.conn.Out, payload...)
	return w.end(at)
}

// writeColumns writes a result set's head: the column count, each column definition
// (already encoded) and, as the protocol without CLIENT_DEPRECATE_EOF has it, an EOF.
func (w *wire) writeColumns(defs [][]byte, status uint16) error {
	at := w.begin()
	w.conn.Out = appendLenEncInt(w.conn.Out, uint64(len(defs)))
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
