package resp

import (
	"bytes"

	"github.com/tidwall/redcon"
)

// The request side of the protocol. A client sends either a multibulk command
// (*<count>\r\n then count times $<len>\r\n<bytes>\r\n), which is what every Redis client
// library and redis-benchmark send, or an inline command: one line of space-separated words,
// what a person types into telnet or nc.
//
// The multibulk parser is resumable: it remembers how far it got in the command being
// received, so a command that arrives a byte at a time is still read in linear time, and it
// checks every length a client announces against the limits before waiting for the bytes,
// so that no client makes the server buffer more than Config.MaxCommandBytes for one
// command or keep more than Config.MaxArgs arguments. (redcon's own reader re-parses a
// partial command from its start on every read and buffers whatever a bulk announces;
// its ReadNextCommand indexes before the buffer on a negative bulk length.) Inline lines are
// split by redcon, which handles the quoting that redis-cli's inline mode allows.

// protoError is a malformed request. The connection answers it with "-ERR Protocol error:
// …" and closes, as Redis does: after one, the stream cannot be trusted to be in step.
type protoError struct{ msg string }

func (e *protoError) Error() string { return "Protocol error: " + e.msg }

var (
	errMultibulkLength = &protoError{"invalid multibulk length"}
	errBulkLength      = &protoError{"invalid bulk length"}
	errBigCount        = &protoError{"too big mbulk count string"}
	errBigBulkCount    = &protoError{"too big bulk count string"}
	errBigInline       = &protoError{"too big inline request"}
	errQuotes          = &protoError{"unbalanced quotes in request"}
)

// maxLine bounds a header line (*<count> or $<len>): 20 digits are more than any valid count.
const maxLine = 32

// parser reads one command at a time from the front of a connection's read buffer. Offsets
// are relative to the command's first byte, so that the connection may move the buffer
// between reads.
type parser struct {
	maxBytes, maxArgs, maxInline int

	inCmd bool // a multibulk command's header has been read
	count int  // arguments the command announced
	off   int  // offset of the next byte to parse
	bulk  int  // length of the argument being received; -1 while its $ header is next
	spans []int
}

// next parses the command at the front of b. When the command is complete it returns its
// arguments (slices of b, valid until b changes; none for an empty command, which is to be
// ignored) and the bytes it took. Otherwise it returns n = 0 and need, a lower bound on the
// bytes b must hold before parsing can go on.
func (p *parser) next(b []byte, args [][]byte) (out [][]byte, n, need int, err error) {
	out = args[:0]
	if len(b) == 0 {
		return out, 0, 1, nil
	}
	if !p.inCmd {
		if b[0] != '*' {
			return p.inline(b, out)
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(b) > maxLine {
				return out, 0, 0, errBigCount
			}
			return out, 0, len(b) + 1, nil
		}
		if i < 2 || b[i-1] != '\r' {
			return out, 0, 0, errMultibulkLength
		}
		count, ok := parseLen(b[1 : i-1])
		if !ok {
			return out, 0, 0, errMultibulkLength
		}
		if count <= 0 {
			// *0 and *-1 are empty commands: Redis skips them.
			return out, i + 1, 0, nil
		}
		if count > p.maxArgs {
			return out, 0, 0, &protoError{"too many arguments in one command (the limit is " + itoa(p.maxArgs) + ")"}
		}
		p.inCmd, p.count, p.off, p.bulk, p.spans = true, count, i+1, -1, p.spans[:0]
	}
	for len(p.spans) < 2*p.count {
		if p.bulk < 0 {
			if p.off >= len(b) {
				return out, 0, p.off + 1, nil
			}
			if b[p.off] != '$' {
				return out, 0, 0, &protoError{"expected '$', got '" + printable(b[p.off]) + "'"}
			}
			i := bytes.IndexByte(b[p.off:], '\n')
			if i < 0 {
				if len(b)-p.off > maxLine {
					return out, 0, 0, errBigBulkCount
				}
				return out, 0, len(b) + 1, nil
			}
			if i < 2 || b[p.off+i-1] != '\r' {
				return out, 0, 0, errBulkLength
			}
			size, ok := parseLen(b[p.off+1 : p.off+i-1])
			if !ok || size < 0 {
				return out, 0, 0, errBulkLength
			}
			if size > p.maxBytes || p.off+i+1+size+2 > p.maxBytes {
				return out, 0, 0, &protoError{"command too large (the limit is " + itoa(p.maxBytes) + " bytes)"}
			}
			p.off += i + 1
			p.bulk = size
		}
		end := p.off + p.bulk
		if len(b) < end+2 {
			return out, 0, end + 2, nil
		}
		if b[end] != '\r' || b[end+1] != '\n' {
			return out, 0, 0, errBulkLength
		}
		p.spans = append(p.spans, p.off, end)
		p.off, p.bulk = end+2, -1
	}
	n = p.off
	for i := 0; i < len(p.spans); i += 2 {
		out = append(out, b[p.spans[i]:p.spans[i+1]])
	}
	p.inCmd, p.off = false, 0
	if cap(p.spans) > 2048 {
		p.spans = nil // one huge command must not pin its offsets
	}
	return out, n, 0, nil
}

// inline reads a command sent as one line of words.
func (p *parser) inline(b []byte, out [][]byte) ([][]byte, int, int, error) {
	// Resume the search for the line's end where the previous call left it.
	from := min(p.off, len(b))
	i := bytes.IndexByte(b[from:], '\n')
	if i < 0 {
		if len(b) > p.maxInline {
			return out, 0, 0, errBigInline
		}
		p.off = len(b)
		return out, 0, len(b) + 1, nil
	}
	p.off = 0
	i += from
	if i > p.maxInline {
		return out, 0, 0, errBigInline
	}
	line := b[:i+1]
	if line[0] == '$' {
		// redcon reads a line starting with '$' as Tile38's protocol; Redis reads it as an
		// inline command whose name starts with '$'.
		return append(out, bytes.Fields(line)...), i + 1, 0, nil
	}
	complete, args, _, _, err := redcon.ReadNextCommand(line, out)
	if err != nil {
		return out[:0], 0, 0, errQuotes
	}
	if !complete {
		return out[:0], 0, 0, errQuotes
	}
	return args, i + 1, 0, nil
}

// parseLen parses a decimal length or count of at most 18 digits, with an optional minus.
func parseLen(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func printable(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return string(rune(c))
	}
	return "\\x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&0xf])
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
