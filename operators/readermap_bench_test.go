package operators

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/weirdb/weir/dataflow"
)

// The reader's published map is read on every lookup while the domain writes to it. These
// benchmarks compare the lock-free map the reader uses with the obvious alternative, a
// sharded map behind RWMutexes, under parallel reads with a concurrent writer.

const readerMapKeys = 100_000

type shardedMap struct {
	shards [64]struct {
		mu sync.RWMutex
		m  map[uint64]ReaderEntry
		_  [40]byte // keep shards on separate cache lines
	}
}

func newShardedMap() *shardedMap {
	s := &shardedMap{}
	for i := range s.shards {
		s.shards[i].m = map[uint64]ReaderEntry{}
	}
	return s
}

func (s *shardedMap) load(k uint64) ReaderEntry {
	sh := &s.shards[(k*0x9E3779B97F4A7C15)>>58]
	sh.mu.RLock()
	e := sh.m[k]
	sh.mu.RUnlock()
	return e
}

func (s *shardedMap) store(k uint64, e ReaderEntry) {
	sh := &s.shards[(k*0x9E3779B97F4A7C15)>>58]
	sh.mu.Lock()
	sh.m[k] = e
	sh.mu.Unlock()
}

func benchMap(b *testing.B, load func(uint64) ReaderEntry, store func(uint64, ReaderEntry)) {
	row := dataflow.Row{dataflow.Int(1), dataflow.String("title"), dataflow.Int(3)}
	for k := uint64(1); k <= readerMapKeys; k++ {
		store(k, ReaderEntry{One: row})
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the domain, publishing updates
		defer wg.Done()
		rng := rand.New(rand.NewPCG(9, 9))
		for !stop.Load() {
			store(rng.Uint64N(readerMapKeys)+1, ReaderEntry{One: row})
		}
	}()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 1))
		ops, hits := 0, 0
		for pb.Next() {
			ops++
			hits += load(rng.Uint64N(readerMapKeys) + 1).Len()
		}
		if hits != ops {
			b.Errorf("%d of %d lookups missed", ops-hits, ops)
		}
	})
	b.StopTimer()
	stop.Store(true)
	wg.Wait()
}

func BenchmarkReaderMap(b *testing.B) {
	b.Run("xsync", func(b *testing.B) {
		m := xsync.NewMap[uint64, ReaderEntry]()
		benchMap(b, func(k uint64) ReaderEntry { e, _ := m.Load(k); return e }, m.Store)
	})
	b.Run("sharded-rwmutex", func(b *testing.B) {
		m := newShardedMap()
		benchMap(b, m.load, m.store)
	})
}
