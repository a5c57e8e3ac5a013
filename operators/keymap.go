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
//
// A Go map never gives back the memory of deleted entries, and under churn (partial state
// evicting and refilling keys, groups emptied and made again) its deleted slots make it
// grow as if it held several times its live keys: 10,000 live keys cost 2.9 times a fresh
// map's bytes after two million replacements. The memory limit counts live entries, so
// keyMap rebuilds a map once the deletions since its last rebuild reach its live size: a
// copy per that many deletions, one extra insertion per deletion amortized, and a map that
// stays within its fresh size.
type keyMap[V any] struct {
	small map[smallKey]V
	large map[string]V
	// smallDels and largeDels count deletions since each map was last rebuilt; iterating
	// defers rebuilds while each runs, so a callback may delete.
	smallDels, largeDels int
	iterating            bool
}

// rebuildAfter is the fewest deletions that make a map worth rebuilding: small maps waste
// little, and rebuilding them often would cost more than it frees.
const rebuildAfter = 512

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
		if m.smallDels++; 2*m.smallDels >= max(len(m.small), rebuildAfter) && !m.iterating {
			m.small, m.smallDels = rebuilt(m.small), 0
		}
		return
	}
	delete(m.large, string(k))
	if m.largeDels++; 2*m.largeDels >= max(len(m.large), rebuildAfter) && !m.iterating {
		m.large, m.largeDels = rebuilt(m.large), 0
	}
}

// rebuilt copies m into a map sized for its live entries (nil when it has none).
func rebuilt[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	fresh := make(map[K]V, len(m))
	for k, v := range m {
		fresh[k] = v
	}
	return fresh
}

func (m *keyMap[V]) len() int { return len(m.small) + len(m.large) }

// each calls f with every key and value, in no particular order.
func (m *keyMap[V]) each(f func(k []byte, v V)) {
	was := m.iterating
	m.iterating = true
	defer func() { m.iterating = was }()
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
