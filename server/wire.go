package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
)

// wire is the command phase of one connection: Weir frames the packets a client sends and
// builds its replies itself (go-mysql runs the connection phase: greeting, TLS and
// authentication). Replies are built in one buffer and written with one system call once
// every command the client has sent so far is answered, so commands a client pipelines get
// their answers in one write.
//
// On a plain TCP connection, reading costs one system call per command. Go's network
// poller is edge-triggered: the usual loop reads until a read finds nothing (EAGAIN), then
// waits. A read that returns less than the room it was given has emptied the socket, so
// wire waits for the next edge straight away instead of making that empty read, which cost
// a third of all system calls under a request-response load. It does so inside one
// RawConn.Read for the connection's whole life, since that call's start discards a
// readiness already signalled (see serveRaw).
type wire struct {
	nc net.Conn        // the client's connection: the TCP socket, or TLS above it
	rc syscall.RawConn // nc's descriptor, for serveRaw; nil to read through nc (TLS)
	fd int             // the descriptor while serveRaw runs, for writes; -1 otherwise

	// in holds input: in[head:tail] is not yet run.
	in         []byte
	head, tail int
	// need is the size of the logical packet at head when it is not whole yet (0: unknown).
	need int
	// scratch holds a command that arrived in several packets (16 MiB or more).
	scratch []byte

	// out holds reply packets not yet written.
	out []byte
	// seq is the sequence number of the next packet written.
	seq byte
	// max is max_allowed_packet: a larger command gets error 1153 and ends the connection.
	max int
	// caps are the capability flags the client logged in with.
	caps uint32

	// run runs one command and writes its reply; quit ends the connection after COM_QUIT.
	run func(data []byte) (quit bool, err error)
	// idle is called before the connection waits for the client, busy when a command
	// arrives (graceful shutdown closes idle connections).
	idle, busy func()
}

// Buffer sizes of a connection's command phase.
const (
	wireReadBuffer = 16 << 10
	// wireFlushAt: a reply larger than this is written as it is built, so a large result
	// costs a bounded buffer.
	wireFlushAt = 64 << 10
)

func newWire(nc, raw net.Conn, max int, caps uint32) *wire {
	w := &wire{nc: nc, fd: -1, max: max, caps: caps, in: make([]byte, wireReadBuffer), out: make([]byte, 0, 4<<10)}
	if nc == raw {
		w.rc = rawConn(raw)
	}
	return w
}

// serve runs commands until the client quits or goes away, or a command is refused; nil
// for a client that quit.
func (w *wire) serve() error {
	var err error
	if w.rc != nil {
		err = w.serveRaw()
	} else {
		err = w.serveConn()
	}
	if errors.Is(err, errQuit) {
		return w.flush()
	}
	_ = w.flush()
	return err
}

// errQuit ends serving after COM_QUIT.
var errQuit = errors.New("client quit")

// serveConn reads through the connection (TLS): a read, then every whole command it
// completed.
func (w *wire) serveConn() error {
	for {
		if err := w.flush(); err != nil {
			return err
		}
		w.idle()
		n, err := w.nc.Read(w.room())
		if n > 0 {
			w.busy()
			w.tail += n
			if err := w.runBuffered(); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
	}
}

// serveRaw reads the socket's descriptor inside one RawConn.Read: each call of the
// function reads, runs the whole commands read, and either reads again (the read filled its
// room, so more may be waiting) or writes the replies and returns false to wait for the
// socket's next readiness. Starting a RawConn.Read clears a readiness signalled before it,
// so a new one per command could wait forever for a command that had already arrived;
// staying inside one keeps every signal.
//
// A short read proves the socket had no more data, but not that the client had not also
// closed its side: an end of stream that arrived with the last command comes with no
// readiness of its own. So while waiting without that empty read, a read deadline stands
// at most probeEvery ahead; when it passes, the read is made after all (an idle client's
// connection costs one read a second), and an end of stream is seen within that time.
func (w *wire) serveRaw() error {
	var failed error
	var probeAt time.Time // the read deadline armed; zero for none
	wait := func(skipped bool) bool {
		if failed = w.flush(); failed != nil {
			return true
		}
		w.idle()
		if skipped {
			if now := time.Now(); probeAt.Sub(now) < probeEvery/2 {
				probeAt = now.Add(probeEvery)
				_ = w.nc.SetReadDeadline(probeAt)
			}
		}
		return false
	}
	read := func(fd uintptr) bool {
		w.fd = int(fd)
		defer func() { w.fd = -1 }()
		for {
			room := w.room()
			n, err := rawRead(fd, room)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return wait(false)
			case err != nil:
				failed = err
				return true
			case n == 0:
				failed = io.EOF
				return true
			}
			w.busy()
			w.tail += n
			if failed = w.runBuffered(); failed != nil {
				return true
			}
			if n < len(room) {
				// The socket is empty: answer, then wait for the next command.
				return wait(true)
			}
		}
	}
	for {
		err := w.rc.Read(read)
		if failed != nil {
			return failed
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		// The probe: read again (a new RawConn.Read reads before it waits).
		probeAt = time.Time{}
		_ = w.nc.SetReadDeadline(time.Time{})
	}
}

// probeEvery bounds how long a connection waits without having seen its socket empty; see
// serveRaw.
var probeEvery = time.Second

// room makes space after the input not yet run and returns it: the unrun bytes move to
// the front, and the buffer grows to hold a packet larger than it (the header was checked
// against max_allowed_packet first), or shrinks back after one.
func (w *wire) room() []byte {
	if w.head == w.tail {
		w.head, w.tail = 0, 0
		if len(w.in) > wireReadBuffer && w.need == 0 {
			w.in = make([]byte, wireReadBuffer)
		}
	}
	if w.need > len(w.in) {
		grown := make([]byte, w.need)
		w.tail = copy(grown, w.in[w.head:w.tail])
		w.head = 0
		w.in = grown
	} else if w.tail == len(w.in) || (w.need > 0 && w.head+w.need > len(w.in)) {
		w.tail = copy(w.in, w.in[w.head:w.tail])
		w.head = 0
	}
	if w.tail == len(w.in) { // not reached while need is kept right; never read into no room
		w.in = append(w.in, make([]byte, len(w.in))...)
	}
	return w.in[w.tail:]
}

// runBuffered runs every whole command in the input.
func (w *wire) runBuffered() error {
	for {
		data, next, err := w.nextCommand()
		if err != nil || data == nil {
			return err
		}
		quit, err := w.run(data)
		w.head = next
		if err != nil {
			return err
		}
		if quit {
			return errQuit
		}
	}
}

// nextCommand finds the logical packet at the head of the input (one packet, or several
// when it reaches 16 MiB): its payload, which aliases the input buffer, and where the
// input goes on after it; nil when it has not all arrived. A packet over
// max_allowed_packet is refused from its header, before its payload is held: error 1153,
// and the connection ends.
func (w *wire) nextCommand() (data []byte, next int, err error) {
	p, size := w.head, 0
	var expect byte
	w.need = 0
	for {
		if w.tail-p < 4 {
			w.need = p - w.head + 4
			return nil, 0, nil
		}
		h := w.in[p : p+4]
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
		if w.tail-p-4 < n {
			w.need = p - w.head + 4 + n
			return nil, 0, nil
		}
		size += n
		p += 4 + n
		if n < mysql.MaxPayloadLen {
			break
		}
	}
	w.seq = expect
	if p-w.head == size+4 {
		return w.in[w.head+4 : p], p, nil
	}
	// Several packets: their payloads joined.
	w.scratch = w.scratch[:0]
	for q := w.head; q < p; {
		n := int(w.in[q]) | int(w.in[q+1])<<8 | int(w.in[q+2])<<16
		w.scratch = append(w.scratch, w.in[q+4:q+4+n]...)
		q += 4 + n
	}
	data = w.scratch
	if cap(w.scratch) > wireFlushAt {
		w.scratch = nil // not kept: the next large command allocates its own
	}
	return data, p, nil
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

// flush writes the replies built so far: straight to the socket inside serveRaw, through
// the connection for what the socket does not take at once (which waits for it to drain)
// and everywhere else.
func (w *wire) flush() error {
	if len(w.out) == 0 {
		return nil
	}
	out := w.out
	if w.fd >= 0 {
		for len(out) > 0 {
			n, err := rawWrite(uintptr(w.fd), out)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || n == 0 {
				break // EAGAIN and the rest: net.Conn's Write waits or reports it
			}
			out = out[n:]
		}
	}
	var err error
	if len(out) > 0 {
		_, err = w.nc.Write(out)
	}
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
