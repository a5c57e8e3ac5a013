package server

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/go-mysql-org/go-mysql/mysql"
)

// errPacketTooLarge ends a connection that sent a packet over max_allowed_packet.
var errPacketTooLarge = errors.New("packet larger than max_allowed_packet")

// packetLimit follows the MySQL packet framing of what a client sends, so a packet larger
// than the limit is refused from its header, before its payload is read into memory: the
// client gets error 1153 and its connection, and only its, is closed. It also marks the
// connection busy once a command starts arriving, for graceful shutdown.
//
// A client that asks for TLS switches the stream to TLS records after its first packet;
// past that point the framing is inside TLS, which go-mysql unwraps, and the limit no longer
// applies here.
type packetLimit struct {
	net.Conn
	max   int
	state *connState

	hdr     [4]byte
	hdrLen  int  // header bytes of the current packet seen so far
	left    int  // payload bytes of the current packet still to come
	logical int  // payload of the current logical packet (a 16 MiB packet continues)
	final   bool // the current packet ends its logical packet
	caps    [4]byte
	capsLen int // bytes of caps, the first packet's capability flags, seen
	packets int // packets seen
	off     bool
	greeted bool // the server's greeting has been written
}

func newPacketLimit(c net.Conn, max int) *packetLimit {
	return &packetLimit{Conn: c, max: max}
}

// Write patches the server's greeting (see patchGreeting) and writes through.
func (p *packetLimit) Write(b []byte) (int, error) {
	if !p.greeted {
		p.greeted = true
		patchGreeting(b)
	}
	return p.Conn.Write(b)
}

// patchGreeting adds CLIENT_FOUND_ROWS to the capabilities of the server's greeting (b,
// one whole packet: the first the server writes, always in the clear). MySQL offers it, and
// drivers such as go-sql-driver only ask for found rows (clientFoundRows=true) when the
// server offers it, but go-mysql's server neither offers it nor lets it be configured.
func patchGreeting(b []byte) {
	const hdr = 4
	// Protocol::HandshakeV10: version 10, server version (NUL-terminated), connection id (4),
	// auth data part 1 (8), filler (1), capability flags, lower two bytes.
	if len(b) < hdr+1 || b[hdr] != 10 {
		return
	}
	end := bytes.IndexByte(b[hdr+1:], 0)
	if end < 0 {
		return
	}
	at := hdr + 1 + end + 1 + 4 + 8 + 1
	if at+2 > len(b) {
		return
	}
	b[at] |= byte(mysql.CLIENT_FOUND_ROWS)
	// Then the character set (1) and the status flags (2). A session starts in autocommit
	// mode, and the greeting must say so: clients such as PyMySQL read it there and send
	// SET autocommit = 0 only when it differs from what they want, so a greeting without
	// the flag leaves their transactions committing statement by statement.
	if status := at + 2 + 1; status+2 <= len(b) {
		b[status] |= byte(mysql.SERVER_STATUS_AUTOCOMMIT)
	}
}

// idle marks the connection idle until the next command starts arriving.
func (p *packetLimit) idle(state *connState) {
	p.state = state
	state.busy.Store(false)
}

func (p *packetLimit) Read(b []byte) (int, error) {
	n, err := p.Conn.Read(b)
	if n > 0 && p.state != nil {
		p.state.busy.Store(true)
	}
	if p.off {
		return n, err
	}
	for chunk := b[:n]; len(chunk) > 0; {
		if p.left == 0 && p.hdrLen < 4 {
			k := copy(p.hdr[p.hdrLen:], chunk)
			p.hdrLen += k
			chunk = chunk[k:]
			if p.hdrLen < 4 {
				break
			}
			length := int(p.hdr[0]) | int(p.hdr[1])<<8 | int(p.hdr[2])<<16
			p.logical += length
			p.packets++
			if p.logical > p.max {
				p.refuse(p.hdr[3] + 1)
				return 0, errPacketTooLarge
			}
			p.left = length
			p.final = length < mysql.MaxPayloadLen
			if length == 0 {
				p.endPacket()
			}
			continue
		}
		k := min(p.left, len(chunk))
		if p.packets == 1 && p.capsLen < 4 {
			// The client's first packet: keep its capability flags, which say whether it
			// asks for TLS.
			p.capsLen += copy(p.caps[p.capsLen:], chunk[:k])
		}
		p.left -= k
		chunk = chunk[k:]
		if p.left == 0 {
			p.endPacket()
			if p.packets == 1 && p.capsLen == 4 && binary.LittleEndian.Uint32(p.caps[:])&mysql.CLIENT_SSL != 0 {
				// An SSL request (only flags, no credentials): what follows is TLS.
				p.off = true
				return n, err
			}
		}
	}
	return n, err
}

// endPacket is called when a packet's payload has been read in full.
func (p *packetLimit) endPacket() {
	p.hdrLen = 0
	if p.final {
		p.logical = 0
	}
}

// refuse writes error 1153 as the reply to the packet being refused.
func (p *packetLimit) refuse(seq byte) {
	writeRawError(p.Conn, seq, wireError(codePacketTooLarge, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"))
}

// writeRawError writes an error packet straight to a connection, outside go-mysql's command
// loop (before the handshake, or in place of a reply).
func writeRawError(w io.Writer, seq byte, e *mysql.MyError) {
	payload := []byte{mysql.ERR_HEADER, byte(e.Code), byte(e.Code >> 8), '#'}
	payload = append(payload, e.State...)
	payload = append(payload, e.Message...)
	pkt := []byte{byte(len(payload)), byte(len(payload) >> 8), byte(len(payload) >> 16), seq}
	_, _ = w.Write(append(pkt, payload...))
}

// isDisconnect reports whether err is a client going away rather than a fault.
func isDisconnect(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, mysql.ErrBadConn) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe") || strings.Contains(msg, "EOF")
}
