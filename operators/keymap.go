package operators

import (
	"slices"
	"strings"
)

// keyMap is a map keyed by encoded keys. Keys of up to smallKeyMax bytes (one integer column
// encodes in 9) are stored inline in a fixed-size array key: the lookup then hashes and
// compares the array in place instead of chasing a string pointer to compare key bytes,
// which saves a cache miss per delta on large maps and an allocation per new key. Longer
// keys use an ordinary string map. Encodings are prefix-free, and the array also records the
// length, so zero padding cannot make two keys collide.
type keyMap[V any] struct {
	small map[smallKey]V
	large map[string]V
}

const smallKeyMax = 15

type smallKey [smallKeyMax + 1]byte

func toSmallKey(k []byte) smallKey {
	var sk smallKey
	copy(sk[:smallKeyMax], k)
	sk[smallKeyMax] = byte(len(k))
	return sk
}

func (sk *smallKey) bytes() []byte { return sk[:sk[smallKeyMax]] }

func (m *keyMap[V]) get(k []byte) (V, bool) {
	if len(k) <= smallKeyMax {
		v, ok := m.small[toSmallKey(k)]
		return v, ok
	}
	v, ok := m.large[string(k)]
	return v, ok
}

func (m *keyMap[V]) put(k []byte, v V) {
	if len(k) <= smallKeyMax {
		if m.small == nil {
			m.small = make(map[smallKey]V)
		}
		m.small[toSmallKey(k)] = v
		return
	}
	if m.large == nil {
		m.large = make(map[string]V)
	}
	m.large[string(k)] = v
}

func (m *keyMap[V]) del(k []byte) {
	if len(k) <= smallKeyMax {
		delete(m.small, toSmallKey(k))
		return
	}
	delete(m.large, string(k))
}

func (m *keyMap[V]) len() int { return len(m.small) + len(m.large) }

// each calls f with every key and value, in no particular order.
func (m *keyMap[V]) each(f func(k []byte, v V)) {
	for k, v := range m.small {
		f(k.bytes(), v)
	}
	for k, v := range m.large {
		f([]byte(k), v)
	}
}

// sorted returns the entries in key order (for deterministic snapshots).
func (m *keyMap[V]) sorted() []V {
	type kv struct {
		k string
		v V
	}
	all := make([]kv, 0, m.len())
	for k, v := range m.small {
		all = append(all, kv{string(k.bytes()), v})
	}
	for k, v := range m.large {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	out := make([]V, len(all))
	for i, e := range all {
		out[i] = e.v
	}
	return out
}
