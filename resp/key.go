package resp

import (
	"bytes"
	"fmt"
	"strings"
)

// A key names a cache and the values of its parameters, in order, separated by ':':
//
//	<cache>[:<p1>[:<p2>…]]
//
// A backslash escapes the character after it: `\:` is a ':' inside a name or a parameter,
// `\\` is a backslash. A backslash before any other character, or at the end of the key, is
// an error rather than a guess, so that a key that was not escaped is noticed instead of
// read as another key. Nothing else is special: spaces, quotes and any bytes pass as they
// are. Key builds a key from its parts.

// Key returns the key that reads cache with the given parameters, escaping ':' and '\' in
// each part: Key("story", "42") is "story:42", Key("by_url", "https://x") is
// `by_url:https\://x`.
func Key(cache string, params ...string) string {
	var b strings.Builder
	appendEscaped(&b, cache)
	for _, p := range params {
		b.WriteByte(':')
		appendEscaped(&b, p)
	}
	return b.String()
}

func appendEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ':' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

// keyError is a key that does not parse.
type keyError struct {
	key []byte
	msg string
}

func (e *keyError) Error() string { return fmt.Sprintf("key '%s': %s", quoteKey(e.key), e.msg) }

// keyParts splits keys into their parts, reusing its memory from key to key.
type keyParts struct {
	buf   []byte // unescaped text, when the key has escapes
	ends  []int  // where each part ends in buf
	parts [][]byte
}

// split parses key into the cache name (parts[0]) and the parameters (parts[1:]). The
// parts are slices of key, or of kp's own buffer when the key has escapes: valid until the
// next split or until key changes.
func (kp *keyParts) split(key []byte) ([][]byte, error) {
	kp.parts = kp.parts[:0]
	if bytes.IndexByte(key, '\\') < 0 {
		for {
			i := bytes.IndexByte(key, ':')
			if i < 0 {
				kp.parts = append(kp.parts, key)
				return kp.parts, nil
			}
			kp.parts = append(kp.parts, key[:i])
			key = key[i+1:]
		}
	}
	kp.buf, kp.ends = kp.buf[:0], kp.ends[:0]
	for i := 0; i < len(key); i++ {
		switch c := key[i]; c {
		case ':':
			kp.ends = append(kp.ends, len(kp.buf))
		case '\\':
			if i+1 == len(key) {
				return nil, &keyError{key, "ends in a lone '\\' (write '\\\\' for a backslash)"}
			}
			i++
			if e := key[i]; e != ':' && e != '\\' {
				return nil, &keyError{key, fmt.Sprintf("'\\%s' at byte %d is no escape: only '\\:' and '\\\\' are", printable(e), i)}
			}
			kp.buf = append(kp.buf, key[i])
		default:
			kp.buf = append(kp.buf, c)
		}
	}
	kp.ends = append(kp.ends, len(kp.buf))
	start := 0
	for _, end := range kp.ends {
		kp.parts = append(kp.parts, kp.buf[start:end:end])
		start = end
	}
	return kp.parts, nil
}

// quoteKey renders a key for an error message: at most 100 bytes, control bytes and quotes
// shown as \x escapes.
func quoteKey(key []byte) string {
	const limit = 100
	var b strings.Builder
	for i, c := range key {
		if i == limit {
			b.WriteString("…")
			break
		}
		if c < 0x20 || c == 0x7f || c == '\'' {
			fmt.Fprintf(&b, "\\x%02x", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
