package resp

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestKeySplit(t *testing.T) {
	for _, tc := range []struct {
		key   string
		parts []string
		err   string
	}{
		{"article", []string{"article"}, ""},
		{"article:42", []string{"article", "42"}, ""},
		{"a:b:c", []string{"a", "b", "c"}, ""},
		{"a:", []string{"a", ""}, ""},
		{":", []string{"", ""}, ""},
		{"", []string{""}, ""},
		{`by_url:https\://x\:8080/a`, []string{"by_url", "https://x:8080/a"}, ""},
		{`a:back\\slash`, []string{"a", `back\slash`}, ""},
		{`a:\\:b`, []string{"a", `\`, "b"}, ""},
		{`a\:b:c`, []string{"a:b", "c"}, ""},
		{`a:\\\:`, []string{"a", `\:`}, ""},
		{"a: spaces \"quotes\" ünï", []string{"a", " spaces \"quotes\" ünï"}, ""},
		{`a:\n`, nil, `key 'a:\n': '\n' at byte 3 is no escape: only '\:' and '\\' are`},
		{`a:b\`, nil, `key 'a:b\': ends in a lone '\' (write '\\' for a backslash)`},
		{"a:\x00'\\x", nil, `key 'a:\x00\x27\x': '\x' at byte 5 is no escape: only '\:' and '\\' are`},
	} {
		var kp keyParts
		parts, err := kp.split([]byte(tc.key))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("split(%q): error %v, want %s", tc.key, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("split(%q): %v", tc.key, err)
			continue
		}
		if got := strs(parts); !slices.Equal(got, tc.parts) {
			t.Errorf("split(%q) = %q, want %q", tc.key, got, tc.parts)
		}
		if k := Key(tc.parts[0], tc.parts[1:]...); strings.Contains(tc.key, `\`) == strings.ContainsAny(strings.Join(tc.parts, ""), `:\`) && k != tc.key {
			t.Errorf("Key(%q) = %q, want %q", tc.parts, k, tc.key)
		}
	}
}

func strs(parts [][]byte) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return out
}

// FuzzKey: splitting any bytes never panics; what splits re-escapes (Key) into a key that
// splits into the same parts; and Key of any parts splits back into them.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"article:42", `by_url:https\://x`, `a\\:b`, `\`, `a:\q`, ":::", "\xff:\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, key []byte) {
		var kp keyParts
		orig := bytes.Clone(key)
		parts, err := kp.split(key)
		if !bytes.Equal(key, orig) {
			t.Fatalf("split changed its input")
		}
		if err != nil {
			if !bytes.Contains(key, []byte(`\`)) {
				t.Fatalf("split(%q) failed without a backslash: %v", key, err)
			}
			return
		}
		got := strs(parts)
		again := Key(got[0], got[1:]...)
		var kp2 keyParts
		parts2, err := kp2.split([]byte(again))
		if err != nil {
			t.Fatalf("Key(%q) = %q does not split: %v", got, again, err)
		}
		if got2 := strs(parts2); !slices.Equal(got, got2) {
			t.Fatalf("split(Key(%q)) = %q", got, got2)
		}
		// The parts as parameters: the fuzzed bytes cut into pieces at each 0x01.
		pieces := strings.Split(string(key), "\x01")
		var kp3 keyParts
		parts3, err := kp3.split([]byte(Key(pieces[0], pieces[1:]...)))
		if err != nil || !slices.Equal(strs(parts3), pieces) {
			t.Fatalf("Key(%q) splits into %q, %v", pieces, strs(parts3), err)
		}
	})
}

// FuzzParser: whatever a client sends, the parser neither panics nor reads past what it
// was given, and parsing the same bytes in one piece or cut anywhere gives the same
// commands.
func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"*2\r\n$3\r\nGET\r\n$9\r\narticle:1\r\n", "PING\r\n", "*0\r\n", "*-1\r\n", "*1\r\n$-5\r\nabc\r\n",
		"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", "GET \"a b\"\r\n", "$5 hello\r\n", "\r\n\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		whole := parseAll(data, len(data)+1)
		pieces := parseAll(data, int(cut)+1)
		if !slices.Equal(whole, pieces) {
			t.Fatalf("%q: whole %q, in pieces of %d %q", data, whole, int(cut)+1, pieces)
		}
	})
}

// parseAll feeds data to a parser step at a time, as a connection's reads would arrive,
// and returns the commands it found, each as its arguments joined by "|", then "error"
// if it stopped on one.
func parseAll(data []byte, step int) []string {
	p := parser{maxBytes: 1 << 10, maxArgs: 16, maxInline: 512}
	var out []string
	var buf []byte
	var args [][]byte
	fed := 0
	for {
		args, n, _, err := p.next(buf, args)
		if err != nil {
			return append(out, "error")
		}
		if n > len(buf) {
			panic("parser took more than it was given")
		}
		if n > 0 {
			if len(args) > 0 {
				out = append(out, string(bytes.Join(args, []byte("|"))))
			}
			buf = buf[n:]
			continue
		}
		if fed == len(data) {
			return out
		}
		next := min(fed+step, len(data))
		// A fresh copy, as a connection's buffer moves: the parser keeps offsets only.
		buf = append(bytes.Clone(buf), data[fed:next]...)
		fed = next
	}
}
