package weir

import (
	"context"
	"math/rand/v2"
	"sync"
	"syscall"

	"github.com/weirdb/weir/dataflow"
	freq "github.com/weirdb/weir/eviction"
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
	total := e.partialStateBytes() + e.evictorBytes.Load()
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
// reads to the evictor in batches (countRead), so a hit costs no write to shared memory. A
// round ranks keys against a copy of the sketch (chooseVictims), so counting goes on. The
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
	total := readerBytes + stateBytes + e.evictorBytes.Load()
	excess := total - limit/50*49
	if total <= limit || excess <= 0 || readerBytes == 0 {
		e.sizeSketch(keys)
		return 0, nil
	}
	// Evicting reader keys frees the operator state of those keys too, in proportion; the
	// sketch stays.
	excess = max(excess*readerBytes/(readerBytes+stateBytes), 1)
	e.flushReads()
	e.evictMu.Lock()
	e.ranked = e.hist.Snapshot(e.ranked)
	e.evictMu.Unlock()
	victims, _ := e.chooseVictims(readers, keys, excess)
	// Size the sketch for the keys that fit under the limit, not for those held during an
	// overshoot: fills run ahead of rounds, and a sketch never shrinks. The readers' key
	// counts, not the scan's: a lock-free scan may see a key twice while a map grows.
	e.sizeSketch(int(int64(keys) * limit / max(total, 1)))
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

// chooseVictims picks, per reader, the keys with the lowest read counts whose bytes cover
// excess. Scores are sketch counts (0 to 255), so a histogram of bytes by score finds the
// threshold without sorting: the keys below it go, and the keys at it until the excess is
// covered. A key weighs its reader's average bytes per key, since sizing each entry would
// touch every cached row, a cache miss per key.
//
// The scan that builds the histogram also keeps the keys scoring at most one above the
// last round's threshold, which moves little from round to round. At each score it keeps
// no more than the excess: the keys below the threshold weigh less than the excess in all,
// so none of them is left out, and at the threshold no more than the excess is taken. When
// the new threshold is within the bound the victims come from those candidates, and a
// round costs one scan rather than two. The candidates are capped at a quarter of the keys
// held; past it, or when the threshold moved further, a second scan collects the victims.
// They are garbage after the round, like the victims: memory a round borrows, not memory
// the cache holds.
//
// It ranks against e.ranked, a copy of the sketch, so counting reads never waits for a
// round. passMu is held.
func (e *Engine) chooseVictims(readers []partialReader, keys int, excess int64) (victims [][]operators.Victim, held int) {
	var hist [freq.MaxCount + 1]int64
	weights := make([]int64, len(readers))
	bound := int64(e.lastThreshold + 1)
	var cands []candidate
	maxCands := keys/4 + 16
	overflow := false
	var kept [freq.MaxCount + 1]int64 // candidate bytes kept per score
	for i, p := range readers {
		weights[i] = max(p.reader.Bytes()/int64(max(p.reader.Keys(), 1)), 1)
		p.reader.Scores(e.ranked.Count, func(score int64, key operators.Victim) {
			hist[score] += weights[i]
			held++
			if score > bound || overflow || kept[score] >= excess {
				return
			}
			if len(cands) == maxCands {
				overflow = true
				return
			}
			kept[score] += weights[i]
			cands = append(cands, candidate{score: uint8(score), reader: int32(i), key: key})
		})
	}
	threshold, below := 0, int64(0)
	for threshold < len(hist)-1 && below+hist[threshold] < excess {
		below += hist[threshold]
		threshold++
	}
	e.lastThreshold = threshold
	atThreshold := excess - below // bytes to take from keys scoring exactly threshold
	victims = make([][]operators.Victim, len(readers))
	take := func(i int, score int64, key operators.Victim) {
		switch {
		case score < int64(threshold):
		case score == int64(threshold) && atThreshold > 0:
			atThreshold -= weights[i]
		default:
			return
		}
		victims[i] = append(victims[i], key)
	}
	if !overflow && int64(threshold) <= bound {
		for _, c := range cands {
			take(int(c.reader), int64(c.score), c.key)
		}
	} else {
		for i, p := range readers {
			p.reader.Scores(e.ranked.Count, func(score int64, key operators.Victim) { take(i, score, key) })
		}
	}
	return victims, held
}

// evictorMemory is the bytes the evictor keeps: the sketch and the copy eviction rounds
// rank against (as large). evictMu is held.
func (e *Engine) evictorMemory() int64 { return 2 * e.hist.Bytes() }

// candidate is a key that may be evicted this round.
type candidate struct {
	score  uint8
	reader int32
	key    operators.Victim
}

// sizeSketch records the keys held and, when they have outgrown the sketch, grows it (the
// counts carry over).
func (e *Engine) sizeSketch(keys int) {
	e.evictMu.Lock()
	defer e.evictMu.Unlock()
	e.keysHeld = keys
	// Grow exactly when the sketch New(keys) would make is wider, so the width depends on
	// the most keys held, not on when the rounds happened to run.
	if freq.WidthFor(keys) > e.hist.Width() {
		e.hist = e.hist.Grow(keys)
		e.evictorBytes.Store(e.evictorMemory())
	}
}

// ageReadsPerKey is how many reads per key held the sketch counts between halvings.
const ageReadsPerKey = 128

// readBatch is how many reads a reader collects before handing them to the evictor.
const readBatch = 256

// countRead records a read of the key with the given hash (operators.Reader.HashInt or
// HashKey) for the evictor. Reads collect in batches, one per stripe of a small array picked
// at random per read, so concurrent readers rarely touch the same cache line. A full batch
// goes to the counting goroutine; when its queue is full (it shares the CPUs with busy
// readers and may not run for a while), the reader that filled the batch counts it itself
// if the sketch is free, and drops it only when it is not, so under overload reads are
// sampled rather than queued. Dropping whole batches whenever the queue was full lost most
// reads on a busy machine, and with them 0.7 points of hit rate.
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
		if e.evictMu.TryLock() {
			e.countReadsLocked(full)
			e.evictMu.Unlock()
		}
		full = full[:0]
		e.readPool.Put(&full)
	}
}

// flushReads counts the reads still collecting in the stripes, so a round sees every read
// made before it, however few.
func (e *Engine) flushReads() {
	for i := range e.readStripes {
		s := &e.readStripes[i]
		s.mu.Lock()
		buf := s.buf
		s.buf = nil
		s.mu.Unlock()
		if buf != nil {
			e.countReads(&buf)
		}
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

// countReads adds a batch of reads to the sketch.
func (e *Engine) countReads(bp *[]uint64) {
	e.evictMu.Lock()
	e.countReadsLocked(*bp)
	e.evictMu.Unlock()
	*bp = (*bp)[:0]
	e.readPool.Put(bp)
}

// countReadsLocked adds reads to the sketch and halves it when it is due. evictMu is held.
func (e *Engine) countReadsLocked(hashes []uint64) {
	for _, h := range hashes {
		e.hist.Increment(h)
	}
	e.counted += int64(len(hashes))
	if e.counted >= ageReadsPerKey*int64(max(e.keysHeld, 1024)) {
		e.hist.Halve()
		e.counted = 0
	}
}
