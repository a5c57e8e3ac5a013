package weir

import (
	"context"
	"math/rand/v2"
	"sync"
	"syscall"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/internal/freq"
	"github.com/weirdb/weir/operators"
)

// defaultMemoryLimit is a quarter of the machine's memory (1 GiB when it cannot be read).
func defaultMemoryLimit() int64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil && si.Totalram > 0 {
		return int64(si.Totalram) * int64(si.Unit) / 4
	}
	return 1 << 30
}

type partialReader struct {
	node   *dataflow.Node
	reader *operators.Reader
	domain *dataflow.Domain
}

func (e *Engine) partialReaders() []partialReader {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]partialReader, 0, len(e.paths))
	for n := range e.paths {
		out = append(out, partialReader{n, n.Op.(*operators.Reader), e.rt.Domains[n.Domain]})
	}
	return out
}

// partialStateBytes is the bytes the partial states inside the graph hold.
func (e *Engine) partialStateBytes() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var total int64
	for _, ps := range e.partials {
		total += ps.StateBytes()
	}
	return total
}

// MemoryInUse is the bytes partial state holds (readers, partial operator state and the
// evictor's read history), the figure MemoryLimit bounds. Base tables and full operator
// state are not in it: they cannot be evicted.
func (e *Engine) MemoryInUse() int64 {
	total := e.partialStateBytes() + e.histBytes.Load()
	for _, p := range e.partialReaders() {
		total += p.reader.Bytes()
	}
	return total
}

// releaseAll gives back the holds a removed partial node had on its parents' states.
func (e *Engine) releaseAll(n *dataflow.Node) {
	var present func(func(string))
	switch op := n.Op.(type) {
	case *operators.Reader:
		if !op.Partial() {
			return
		}
		present = op.PresentKeys
	case dataflow.PartialState:
		if !op.Partial() {
			return
		}
		present = op.PresentKeys
	default:
		return
	}
	d := e.rt.Domains[n.Domain]
	_ = d.Call(context.Background(), func() {
		var keys []string
		present(func(k string) { keys = append(keys, k) })
		for _, k := range keys {
			d.ReleaseUpstream(n, k)
		}
	})
}

// Evict brings partial state back under the memory limit, evicting the reader keys read
// least often across all readers, and returns the bytes freed at the readers. It runs by
// itself every 50ms and after every 64 fills; calling it forces a round.
//
// The policy is LFU with memory (see package freq): every read, hit or miss, is counted in
// a count-min sketch that outlives eviction, so a key of middling popularity that comes back
// is ranked by its whole history rather than mistaken for a cold one. Readers hand their
// reads to the evictor in batches (countRead), so a hit costs no write to shared memory. The
// counts halve each time the sketch has counted 128 reads per key held, so popularity that
// moves on fades. Each round evicts down to 98% of the limit: enough headroom that rounds
// are not continuous, little enough that the cache runs nearly full.
//
// Readers go first, and the partial states above a reader give a key up when the last
// reader below that holds it lets go (see dataflow.PartialState): evicting a reader key
// frees its share of the operator state too, and later writes for it stop at the highest
// partial state. The reader bytes to evict are scaled down by the ratio of all partial
// bytes to reader bytes, so the cascade is counted in.
func (e *Engine) Evict(ctx context.Context) (int64, error) {
	limit := e.opts.MemoryLimit
	if limit <= 0 {
		return 0, nil
	}
	e.passMu.Lock()
	defer e.passMu.Unlock()
	readers := e.partialReaders()
	var readerBytes int64
	keys := 0
	for _, p := range readers {
		readerBytes += p.reader.Bytes()
		keys += p.reader.Keys()
	}
	stateBytes := e.partialStateBytes()
	total := readerBytes + stateBytes + e.histBytes.Load()
	excess := total - limit/50*49
	if total <= limit || excess <= 0 || readerBytes == 0 {
		e.sizeSketch(keys)
		return 0, nil
	}
	// Evicting reader keys frees the operator state of those keys too, in proportion; the
	// sketch stays.
	excess = max(excess*readerBytes/(readerBytes+stateBytes), 1)
	// Choose under the sketch's lock, evict without it: counting reads must not wait for
	// the domains. Scores are sketch counts (0 to 255), so a histogram of bytes by score
	// finds the threshold without sorting or storing every key; a second pass collects the
	// keys below it, and at it until the excess is covered.
	var hist [freq.MaxCount + 1]int64
	e.evictMu.Lock()
	held := 0
	for _, p := range readers {
		p.reader.Scores(e.hist.Count, func(score, bytes int64, _ operators.Victim) {
			hist[score] += bytes
			held++
		})
	}
	threshold, below := 0, int64(0)
	for threshold < len(hist)-1 && below+hist[threshold] < excess {
		below += hist[threshold]
		threshold++
	}
	atThreshold := excess - below // bytes to take from keys scoring exactly threshold
	victims := make([][]operators.Victim, len(readers))
	for i, p := range readers {
		p.reader.Scores(e.hist.Count, func(score, bytes int64, key operators.Victim) {
			switch {
			case score < int64(threshold):
			case score == int64(threshold) && atThreshold > 0:
				atThreshold -= bytes
			default:
				return
			}
			victims[i] = append(victims[i], key)
		})
	}
	e.evictMu.Unlock()
	e.sizeSketch(held)
	var freed int64
	for i, p := range readers {
		if len(victims[i]) == 0 {
			continue
		}
		var got int64
		evicted := func(key string) { p.domain.ReleaseUpstream(p.node, key) }
		if err := p.domain.Call(ctx, func() { got = p.reader.EvictKeys(victims[i], evicted) }); err != nil {
			return freed, err
		}
		freed += got
	}
	return freed, nil
}

// sizeSketch records the keys held and, when they have outgrown the sketch, grows it (the
// counts carry over).
func (e *Engine) sizeSketch(keys int) {
	e.evictMu.Lock()
	defer e.evictMu.Unlock()
	e.keysHeld = keys
	if 2*keys > e.hist.Width() {
		e.hist = e.hist.Grow(2 * keys)
		e.histBytes.Store(e.hist.Bytes())
	}
}

// ageReadsPerKey is how many reads per key held the sketch counts between halvings.
const ageReadsPerKey = 128

// readBatch is how many reads a reader collects before handing them to the evictor.
const readBatch = 256

// countRead records a read of the key with the given hash (operators.Reader.HashInt or
// HashKey) for the evictor. Reads collect in batches, one per stripe of a small array picked
// at random per read, so concurrent readers rarely touch the same cache line; a full batch
// goes to the evictor, or is dropped when the evictor is too busy to take it, so under
// overload reads are sampled rather than queued.
func (e *Engine) countRead(hash uint64) {
	s := &e.readStripes[rand.Uint32()%uint32(len(e.readStripes))]
	s.mu.Lock()
	if s.buf == nil {
		s.buf = *e.readPool.Get().(*[]uint64)
	}
	s.buf = append(s.buf, hash)
	if len(s.buf) < cap(s.buf) {
		s.mu.Unlock()
		return
	}
	full := s.buf
	s.buf = nil
	s.mu.Unlock()
	select {
	case e.readLog <- &full:
	default:
		full = full[:0]
		e.readPool.Put(&full)
	}
}

// readStripe is one batch of reads being collected, padded to its own cache line.
type readStripe struct {
	mu  sync.Mutex
	buf []uint64
	_   [64 - 8 - 24]byte
}

// countLoop adds the reads readers hand over to the sketch.
func (e *Engine) countLoop() {
	defer e.background.Done()
	for {
		select {
		case <-e.stopEvict:
			return
		case bp := <-e.readLog:
			e.countReads(bp)
		}
	}
}

// countReads adds a batch of reads to the sketch and halves it when it is due.
func (e *Engine) countReads(bp *[]uint64) {
	e.evictMu.Lock()
	for _, h := range *bp {
		e.hist.Increment(h)
	}
	e.counted += int64(len(*bp))
	if e.counted >= ageReadsPerKey*int64(max(e.keysHeld, 1024)) {
		e.hist.Halve()
		e.counted = 0
	}
	e.evictMu.Unlock()
	*bp = (*bp)[:0]
	e.readPool.Put(bp)
}
