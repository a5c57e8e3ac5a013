package eviction

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// Evictor keeps an engine's partial state under its memory limit. It knows every partial
// node (Track), counts the reads of partial readers' keys (CountRead), and in rounds
// (Round: every RoundInterval, after every FillsPerRound fills, or when asked) evicts the
// reader keys read least often, which sends eviction notices up the keys' replay paths.
type Evictor struct {
	rt    *dataflow.Runtime
	limit int64
	// onError receives the errors of rounds run in the background (a domain that failed,
	// a round that timed out), which have no caller to return them to.
	onError func(error)
	timeout time.Duration

	// mu guards the partial nodes: readers, and operator states inside the graph.
	mu      sync.RWMutex
	readers map[*dataflow.Node]*operators.Reader
	states  map[*dataflow.Node]dataflow.PartialState

	// roundMu serializes rounds. keys (a lock a waiter can give up on) serializes the
	// eviction of keys, by a round's
	// second phase or by Admit, and guards what they keep between them: the copy of the
	// sketch they rank keys against and the last threshold score. The two are apart
	// because a round's first phase, dropping ad-hoc caches, stops the engine's writes and
	// so waits for reads under way, while a reader over the limit waits in Admit for keys
	// to be evicted: evicting keys never waits for a read, so a reader may wait for it.
	roundMu       sync.Mutex
	keys          chan struct{}
	ranked        *Sketch
	lastThreshold int
	// scratch is what passes work in, kept from one to the next (the keys lock guards
	// it); scratchBytes is its memory, which the limit counts beside the sketch.
	scratch      roundScratch
	scratchBytes atomic.Int64
	// sketchMu guards the sketch, the reads counted since it last halved and the keys
	// held at the last round.
	sketchMu    sync.Mutex
	sketch      *Sketch
	counted     int64
	keysHeld    int
	sketchBytes atomic.Int64 // the sketch and ranked: memory the limit counts

	readStripes [8]readStripe
	readPool    sync.Pool // empty read batches
	readLog     chan *[]uint64

	// caches, when set, are the engine's caches: their graphs count toward the limit, and
	// ad-hoc ones may be dropped (see Caches). clock is the coarse clock reads stamp
	// caches with (Now); dropped counts the ad-hoc caches dropped.
	caches  Caches
	clock   atomic.Int64
	dropped atomic.Int64

	// chunk is the most keys one domain call evicts (EvictChunk; tests make it smaller).
	chunk int

	fills atomic.Int64
	nudge chan struct{}
	stop  chan struct{}
	wg    sync.WaitGroup
}

// RoundInterval is how often memory is checked.
const RoundInterval = 50 * time.Millisecond

// FillsPerRound is how many fills pass between memory checks besides the timer's, so a
// burst of misses cannot outrun the timer.
const FillsPerRound = 64

// New returns an evictor for the partial state in rt's domains. limit is the bytes partial
// state may hold (zero or negative: no limit; reads are then not counted). A background
// round gives up after timeout and reports its error to onError (nil: dropped).
func New(rt *dataflow.Runtime, limit int64, timeout time.Duration, onError func(error)) *Evictor {
	ev := &Evictor{rt: rt, limit: limit, timeout: timeout, onError: onError, chunk: EvictChunk,
		readers: map[*dataflow.Node]*operators.Reader{}, states: map[*dataflow.Node]dataflow.PartialState{},
		sketch: NewSketch(0), readLog: make(chan *[]uint64, 64), keys: make(chan struct{}, 1), nudge: make(chan struct{}, 1), stop: make(chan struct{})}
	ev.sketchBytes.Store(2 * ev.sketch.Bytes())
	ev.tick()
	ev.readPool.New = func() any {
		b := make([]uint64, 0, readBatch)
		return &b
	}
	return ev
}

// Start runs the background rounds and the counting of reads until Stop.
func (ev *Evictor) Start() {
	ev.wg.Add(2)
	go ev.roundLoop()
	go ev.countLoop()
}

// Stop ends the background work and waits for it.
func (ev *Evictor) Stop() {
	select {
	case <-ev.stop:
	default:
		close(ev.stop)
	}
	ev.wg.Wait()
}

// Limit is the memory limit in bytes (zero or negative: none).
func (ev *Evictor) Limit() int64 { return ev.limit }

// Counting reports whether reads must be counted (CountRead): only under a limit.
func (ev *Evictor) Counting() bool { return ev.limit > 0 }

// Track adds a partial node (a partial reader or a partial operator state) to what the
// limit bounds and eviction ranks. Other nodes are ignored.
func (ev *Evictor) Track(n *dataflow.Node) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	switch op := n.Op.(type) {
	case *operators.Reader:
		if op.Partial() {
			ev.readers[n] = op
		}
	case dataflow.PartialState:
		if op.Partial() {
			ev.states[n] = op
		}
	}
}

// Untrack removes a node that left the graph.
func (ev *Evictor) Untrack(n *dataflow.Node) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	delete(ev.readers, n)
	delete(ev.states, n)
}

// States returns the partial operator states (not readers), in node order.
func (ev *Evictor) States() []*dataflow.Node {
	ev.mu.RLock()
	nodes := make([]*dataflow.Node, 0, len(ev.states))
	for n := range ev.states {
		nodes = append(nodes, n)
	}
	ev.mu.RUnlock()
	slices.SortFunc(nodes, func(a, b *dataflow.Node) int { return int(a.ID - b.ID) })
	return nodes
}

// StateStats describes one partial operator state inside the graph.
type StateStats struct {
	Node  string // the operator, e.g. "agg[$0](count(*))"
	Keys  int    // present keys
	Bytes int64  // approximate memory of the present keys
}

// StateStats reports what each partial operator state holds, counting its keys in its
// domain.
func (ev *Evictor) StateStats(ctx context.Context) ([]StateStats, error) {
	nodes := ev.States()
	out := make([]StateStats, len(nodes))
	for i, n := range nodes {
		ps := n.Op.(dataflow.PartialState)
		out[i] = StateStats{Node: n.Op.Describe(), Bytes: ps.StateBytes()}
		keys := 0
		if err := ev.rt.Domains[n.Domain].Call(ctx, func() { ps.PresentKeys(func(string) { keys++ }) }); err != nil {
			return nil, err
		}
		out[i].Keys = keys
	}
	return out, nil
}

// partialReader is a tracked reader with what a round needs of it.
type partialReader struct {
	node   *dataflow.Node
	reader *operators.Reader
	domain *dataflow.Domain
}

func (ev *Evictor) partialReaders() []partialReader {
	ev.mu.RLock()
	defer ev.mu.RUnlock()
	out := make([]partialReader, 0, len(ev.readers))
	for n, r := range ev.readers {
		out = append(out, partialReader{n, r, ev.rt.Domains[n.Domain]})
	}
	// Map order is random; rounds over the same state must choose the same victims.
	slices.SortFunc(out, func(a, b partialReader) int { return int(a.node.ID - b.node.ID) })
	return out
}

// stateBytes is the bytes the partial operator states hold.
func (ev *Evictor) stateBytes() int64 {
	ev.mu.RLock()
	defer ev.mu.RUnlock()
	var total int64
	for _, ps := range ev.states {
		total += ps.StateBytes()
	}
	return total
}

// InUse is the figure the limit bounds: the bytes partial state holds (readers, partial
// operator state and the read history) and the caches' graphs (see Caches). Base tables
// and the full state of named caches are not in it: they cannot be evicted or dropped.
func (ev *Evictor) InUse() int64 { return ev.partialBytes() + ev.graphBytes() }

// partialBytes is what evicting keys can free: partial readers and operator state, and the
// read history kept for them.
func (ev *Evictor) partialBytes() int64 {
	total := ev.stateBytes() + ev.sketchBytes.Load() + ev.scratchBytes.Load()
	ev.mu.RLock()
	for _, r := range ev.readers {
		total += r.Bytes()
	}
	ev.mu.RUnlock()
	return total
}

// Filled counts a fill and starts a round every FillsPerRound fills. It never blocks: it
// runs in the reader's domain.
func (ev *Evictor) Filled() {
	if ev.fills.Add(1)%FillsPerRound == 0 {
		select {
		case ev.nudge <- struct{}{}:
		default:
		}
	}
}

// AdmitWait bounds how long Admit waits for keys being evicted by another: the read
// timeout over AdmitWait. A fill that waited that long goes ahead without evicting, since a
// read must not fail because eviction is slow (a round evicting a million keys on CPUs
// busy with other work can take seconds); rounds still bring memory down behind it.
const AdmitWait = 4

// lockKeys takes the keys lock, waiting at most wait (0: until ctx is done).
func (ev *Evictor) lockKeys(ctx context.Context, wait time.Duration) bool {
	select {
	case ev.keys <- struct{}{}:
		return true
	default:
	}
	var expired <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		expired = t.C
	}
	select {
	case ev.keys <- struct{}{}:
		return true
	case <-expired:
		return false
	case <-ctx.Done():
		return false
	}
}

// AdmitSlack is how far over the limit partial state may be before Admit evicts: a
// thirty-second of the limit. Evictions bring it to 98% of the limit, so a reader filling
// holes evicts once per 5% of the limit it fills; a sixteenth left the live heap up to
// 6% over the limit on fills alone, most of the 10% the memory bound allows.
const AdmitSlack = 32

// Admit runs before a read fills a hole. While partial state alone is over the limit by
// more than a sixteenth of it, the reader evicts keys itself, as a round would, before
// its fill goes ahead. Rounds run beside the readers, so on a machine whose CPUs are busy
// a stream of misses could fill far faster than rounds evict, and the bound would hold
// only on average; the reader that causes the fills pays for the eviction they need.
//
// A round evicting keys already is waited for (the keys lock), up to AdmitWait, then the
// reader evicts what is still over: skipping the eviction while a round ran let a reader fill freely for as long
// as the round took, and with the CPUs busy the live heap reached 1.3 times the limit. A
// round dropping ad-hoc caches is never waited for: it waits itself for the engine's writes
// to stop, which a read of a quiesced engine holds. Only keys are evicted here: dropping
// ad-hoc caches (for memory that evicting keys cannot free, their graphs) is left to
// rounds, since a read must not drop the cache it is reading.
func (ev *Evictor) Admit(ctx context.Context) error {
	if ev.limit <= 0 || ev.partialBytes() <= ev.limit+ev.limit/AdmitSlack {
		return nil
	}
	evictCtx, cancel := context.WithTimeout(ctx, ev.timeout)
	defer cancel()
	_, err := ev.evictKeys(evictCtx)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil // slow eviction is no reason to fail the read; rounds go on
	}
	return err
}

// evictKeys makes key-only passes (round without dropping caches) while partial state is
// over the limit by more than Admit's slack, a pass frees something, and fewer than four
// have run. Each pass measures under the keys lock, so a reader that waited for another's
// eviction finds the memory it freed and evicts nothing more.
func (ev *Evictor) evictKeys(ctx context.Context) (int64, error) {
	var total int64
	for range 4 {
		if ev.partialBytes() <= ev.limit+ev.limit/AdmitSlack {
			return total, nil
		}
		freed, err := ev.round(ctx, false, ev.timeout/AdmitWait)
		total += freed
		if err != nil || freed == 0 {
			return total, err
		}
	}
	return total, nil
}

// roundLoop runs rounds on the timer and when fills nudge it.
func (ev *Evictor) roundLoop() {
	defer ev.wg.Done()
	t := time.NewTicker(RoundInterval)
	defer t.Stop()
	for {
		select {
		case <-ev.stop:
			return
		case <-ev.nudge:
		case <-t.C:
		}
		ev.tick()
		if ev.limit <= 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), ev.timeout)
		_, err := ev.Round(ctx)
		cancel()
		if err != nil && ev.onError != nil {
			select {
			case <-ev.stop: // a round cut short by Close is not news
			default:
				ev.onError(fmt.Errorf("eviction round: %w", err))
			}
		}
	}
}

// EvictKey turns one present key (encoded, dataflow.EncodeKey) of a partial reader into a
// hole, as a round would, and sends the eviction notice up its replay paths.
func (ev *Evictor) EvictKey(ctx context.Context, n *dataflow.Node, key string) error {
	reader, ok := n.Op.(*operators.Reader)
	if !ok || !reader.Partial() {
		return nil
	}
	d := ev.rt.Domains[n.Domain]
	return d.Call(ctx, func() {
		// A reader that left the graph gave back the holds of its keys when it retired.
		if !n.Retired() && reader.EvictKey(key) {
			d.ReleaseUpstream(n, key)
		}
	})
}

// EvictRange turns the values of iv in one key (encoded, dataflow.EncodeKey; "" for a
// reader without equality keys) of a reader with interval holes into a hole, as a round
// would. No notice goes up: the states above a range reader are full.
func (ev *Evictor) EvictRange(ctx context.Context, n *dataflow.Node, key string, iv operators.Interval) error {
	reader, ok := n.Op.(*operators.Reader)
	if !ok || !reader.IntervalHoles() {
		return nil
	}
	return ev.rt.Domains[n.Domain].Call(ctx, func() {
		if !n.Retired() {
			reader.EvictRange(key, iv)
		}
	})
}

// Round brings memory back under the limit, evicting the reader keys read least often
// across all readers and dropping the ad-hoc caches read least recently, and returns the
// bytes evicting keys freed at the readers. It runs by itself every RoundInterval and after
// every FillsPerRound fills; calling it forces a round.
//
// Ad-hoc caches are dropped whenever their graphs hold more than AdHocShare of the limit,
// and over the limit when evicting every key could not cover the excess (see Caches and
// dropNeeds).
//
// The policy is LFU with memory (see Sketch): every read, hit or miss, is counted in
// a count-min sketch that outlives eviction, so a key of middling popularity that comes back
// is ranked by its whole history rather than mistaken for a cold one. Readers hand their
// reads to the evictor in batches (CountRead), so a hit costs no write to shared memory. A
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
//
// Victims weigh their reader's average bytes per key. The filled intervals of a reader
// with interval holes vary far more in size than keys do (one may hold most of the rows),
// so a round whose evictions left memory over the limit goes again, a few times at most.
func (ev *Evictor) Round(ctx context.Context) (int64, error) {
	ev.tick()
	if ev.limit <= 0 {
		return 0, nil
	}
	ev.roundMu.Lock()
	defer ev.roundMu.Unlock()
	return ev.rounds(ctx)
}

// rounds makes passes (round) until memory is under the limit, a pass frees nothing, or
// four passes have run. roundMu is held.
func (ev *Evictor) rounds(ctx context.Context) (int64, error) {
	var total int64
	for range 4 {
		freed, err := ev.round(ctx, true, 0)
		total += freed
		if err != nil || freed == 0 || ev.InUse() <= ev.limit {
			return total, err
		}
	}
	return total, nil
}

// round is one pass of Round, which drops ad-hoc caches when dropCaches is set (roundMu
// is held then), and evicts keys under the keys lock, waiting for it at most lockWait
// (0: as long as ctx allows); a pass that does not get it evicts nothing.
func (ev *Evictor) round(ctx context.Context, dropCaches bool, lockWait time.Duration) (int64, error) {
	limit := ev.limit
	readers, readerBytes, stateBytes, keys, total := ev.measure()
	if !dropCaches {
		// Evicting keys only (Admit): the graphs' memory is for rounds to bring down by
		// dropping caches, and counting it here would evict keys for it.
		total -= ev.graphBytes()
	}
	excess := total - limit/50*49
	if ev.caches != nil && dropCaches {
		over := int64(0)
		if total > limit {
			over = excess
		}
		graph, all := dropNeeds(limit, ev.caches.AdHocBytes(), readerBytes+stateBytes, over)
		if graph > 0 || all > 0 {
			if err := ev.dropAdHoc(ctx, graph, all); err != nil {
				return 0, err
			}
			readers, readerBytes, stateBytes, keys, total = ev.measure()
			excess = total - limit/50*49
		}
	}
	if total <= limit || excess <= 0 || readerBytes == 0 {
		ev.sizeSketch(keys)
		return 0, nil
	}
	if !ev.lockKeys(ctx, lockWait) {
		return 0, nil
	}
	defer func() {
		ev.scratchBytes.Store(ev.scratch.release(ev.limit / ScratchShare))
		<-ev.keys
	}()
	// A reader in Admit, or a round, may have evicted while this pass waited for the lock.
	readers, readerBytes, stateBytes, keys, total = ev.measure()
	if !dropCaches {
		total -= ev.graphBytes()
	}
	excess = total - limit/50*49
	if total <= limit || readerBytes == 0 {
		return 0, nil
	}
	// Evicting reader keys frees the operator state of those keys too, in proportion; the
	// sketch stays.
	excess = max(excess*readerBytes/(readerBytes+stateBytes), 1)
	ev.flushReads()
	ev.sketchMu.Lock()
	ev.ranked = ev.sketch.Snapshot(ev.ranked)
	ev.sketchMu.Unlock()
	victims, _ := ev.chooseVictims(readers, keys, excess)
	// Size the sketch for the keys that fit under the limit, not for those held during an
	// overshoot: fills run ahead of rounds, and a sketch never shrinks. The readers' key
	// counts, not the scan's: a lock-free scan may see a key twice while a map grows.
	ev.sizeSketch(int(int64(keys) * limit / max(total, 1)))
	var freed int64
	// One chunk's victims at a time take the operators.Victim form EvictKeys wants: held
	// whole for a round that evicts in chunks, 120 bytes each, they were 6% of the limit on
	// top of it when a garbage collection ran beside the round.
	chunk, longest := ev.scratch.chunk[:0], 0
	defer func() { ev.scratch.chunk = chunk[:longest] }()
	for i, p := range readers {
		// A domain handles nothing else while it evicts: the fills and writes queued
		// behind a round wait for the chunk under way, not for the whole round (which at
		// half the vote view's million keys evicts tens of thousands).
		vs := &victims[i]
		for from := 0; from < len(vs.keys); {
			to := min(len(vs.keys), from+ev.chunk)
			chunk = vs.appendVictims(chunk[:0], from, to)
			longest = max(longest, len(chunk))
			from = to
			got, err := ev.evictChunk(ctx, p, chunk)
			freed += got
			if err != nil {
				return freed, err
			}
		}
	}
	return freed, nil
}

// victimList is one reader's victims in a round, compact until they are evicted (see
// candidate).
type victimList struct {
	keys   []candidate
	ranges []operators.Interval // the intervals of range victims (candidate.rng)
}

func (l *victimList) add(key operators.Victim) {
	c := candidate{str: key.Str, int: key.Int, isInt: key.IsInt}
	if key.IsRange {
		l.ranges = append(l.ranges, key.Range)
		c.rng = int32(len(l.ranges))
	}
	l.keys = append(l.keys, c)
}

// appendVictims appends victims from to to (indexes into keys) to dst.
func (l *victimList) appendVictims(dst []operators.Victim, from, to int) []operators.Victim {
	for _, c := range l.keys[from:to] {
		v := operators.Victim{Str: c.str, Int: c.int, IsInt: c.isInt}
		if c.rng > 0 {
			v.Range, v.IsRange = l.ranges[c.rng-1], true
		}
		dst = append(dst, v)
	}
	return dst
}

// EvictChunk is the most keys one call on a reader's domain evicts (see round): at the
// vote view's 4–5 µs of CPU per key (the reader's entry, the aggregate's and the join's
// state), a few milliseconds.
const EvictChunk = 1024

// evictChunk evicts victims, keys of one reader, in its domain, and returns the bytes it
// freed there.
func (ev *Evictor) evictChunk(ctx context.Context, p partialReader, victims []operators.Victim) (int64, error) {
	var got int64
	evicted := func(key string) { p.domain.ReleaseUpstream(p.node, key) }
	evict := func() {
		// A reader dropped since the round listed it gave back the holds of its keys
		// when it retired: releasing them again would take holds that are not its.
		if !p.node.Retired() {
			got = p.reader.EvictKeys(victims, evicted)
		}
	}
	if err := p.domain.Call(ctx, evict); err != nil {
		return 0, err
	}
	return got, nil
}

// measure sums what the limit counts: the partial readers and their bytes and keys, the
// partial operator states' bytes, and the total with the sketch and the caches' graphs.
func (ev *Evictor) measure() (readers []partialReader, readerBytes, stateBytes int64, keys int, total int64) {
	readers = ev.partialReaders()
	for _, p := range readers {
		readerBytes += p.reader.Bytes()
		keys += p.reader.Keys()
	}
	stateBytes = ev.stateBytes()
	total = readerBytes + stateBytes + ev.sketchBytes.Load() + ev.scratchBytes.Load() + ev.graphBytes()
	return readers, readerBytes, stateBytes, keys, total
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
// It ranks against ev.ranked, a copy of the sketch, so counting reads never waits for a
// round. The keys lock is held.
func (ev *Evictor) chooseVictims(readers []partialReader, keys int, excess int64) (victims []victimList, held int) {
	var bytesByScore [MaxCount + 1]int64
	sc := &ev.scratch
	keysByScore, weights := sc.perReader(len(readers))
	bound := int64(ev.lastThreshold + 1)
	cands := sc.cands[:0]
	ranges := sc.ranges[:0] // the intervals of range candidates
	defer func() { sc.cands, sc.ranges = cands, ranges }()
	maxCands := keys/4 + 16
	overflow := false
	var kept [MaxCount + 1]int64 // candidate bytes kept per score
	for i, p := range readers {
		weights[i] = max(p.reader.Bytes()/int64(max(p.reader.Keys(), 1)), 1)
		p.reader.Scores(ev.ranked.Count, func(score int64, key operators.Victim) {
			bytesByScore[score] += weights[i]
			keysByScore[i][score]++
			held++
			if score > bound || overflow || kept[score] >= excess {
				return
			}
			if len(cands) == maxCands {
				overflow = true
				return
			}
			kept[score] += weights[i]
			c := candidate{score: uint8(score), reader: int32(i), str: key.Str, int: key.Int, isInt: key.IsInt}
			if key.IsRange {
				ranges = append(ranges, key.Range)
				c.rng = int32(len(ranges))
			}
			cands = append(cands, c)
		})
	}
	threshold, below := 0, int64(0)
	for threshold < len(bytesByScore)-1 && below+bytesByScore[threshold] < excess {
		below += bytesByScore[threshold]
		threshold++
	}
	ev.lastThreshold = threshold
	atThreshold := excess - below // bytes to take from keys scoring exactly threshold
	victims = sc.victimLists(len(readers))
	for i := range readers {
		// Sized up front: growing by appends leaves the arrays it outgrew to a collection
		// that, running beside the round, counts them live.
		n := min(keysByScore[i][threshold], int(atThreshold/weights[i])+1)
		for score := range threshold {
			n += keysByScore[i][score]
		}
		if cap(victims[i].keys) < n {
			victims[i].keys = make([]candidate, 0, n)
		}
	}
	take := func(i int, score int64, key operators.Victim) {
		switch {
		case score < int64(threshold):
		case score == int64(threshold) && atThreshold > 0:
			atThreshold -= weights[i]
		default:
			return
		}
		victims[i].add(key)
	}
	if !overflow && int64(threshold) <= bound {
		for _, c := range cands {
			key := operators.Victim{Str: c.str, Int: c.int, IsInt: c.isInt}
			if c.rng > 0 {
				key.Range, key.IsRange = ranges[c.rng-1], true
			}
			take(int(c.reader), int64(c.score), key)
		}
	} else {
		for i, p := range readers {
			p.reader.Scores(ev.ranked.Count, func(score int64, key operators.Victim) { take(i, score, key) })
		}
	}
	return victims, held
}

// roundScratch is the memory a pass of eviction works in: its candidates, its victims and
// the chunk it hands a domain. A pass that allocated them afresh put them on the heap beside
// the cache, and a garbage collection running beside rounds counted every one of them live
// (allocated while it marked): with a collection taking a few rounds' time, 10% of the limit
// on top of the accounted state at 200k keys. Kept from pass to pass, a steady round
// allocates nothing, and what the scratch holds is counted with the sketch.
type roundScratch struct {
	cands       []candidate
	ranges      []operators.Interval
	victims     []victimList
	keysByScore [][MaxCount + 1]int
	weights     []int64
	chunk       []operators.Victim
}

// perReader returns zeroed per-reader histograms and weights for n readers.
func (s *roundScratch) perReader(n int) ([][MaxCount + 1]int, []int64) {
	if cap(s.keysByScore) < n {
		s.keysByScore, s.weights = make([][MaxCount + 1]int, n), make([]int64, n)
	}
	s.keysByScore, s.weights = s.keysByScore[:n], s.weights[:n]
	clear(s.keysByScore)
	clear(s.weights)
	return s.keysByScore, s.weights
}

// victimLists returns n empty victim lists, each keeping the arrays of the last pass.
func (s *roundScratch) victimLists(n int) []victimList {
	for len(s.victims) < n {
		s.victims = append(s.victims, victimList{})
	}
	s.victims = s.victims[:n]
	for i := range s.victims {
		s.victims[i].keys, s.victims[i].ranges = s.victims[i].keys[:0], s.victims[i].ranges[:0]
	}
	return s.victims
}

// ScratchShare bounds the scratch a round keeps to a share of the limit (1/ScratchShare):
// under a small limit the chunk alone (EvictChunk victims, 120 KiB) would be much of it.
const ScratchShare = 32

// release ends a pass: it drops the keys the scratch names (a string key must not stay
// reachable after its entry is evicted) and the arrays a pass used less than a quarter of
// (a burst of evictions must not leave its peak behind), and returns the bytes it keeps:
// none when they would be over most.
func (s *roundScratch) release(most int64) int64 {
	s.cands = trimScratch(s.cands)
	s.ranges = trimScratch(s.ranges)
	s.chunk = trimScratch(s.chunk)
	bytes := int64(cap(s.cands))*int64(unsafe.Sizeof(candidate{})) +
		int64(cap(s.ranges))*int64(unsafe.Sizeof(operators.Interval{})) +
		int64(cap(s.chunk))*int64(unsafe.Sizeof(operators.Victim{})) +
		int64(cap(s.keysByScore))*int64(unsafe.Sizeof([MaxCount + 1]int{}))
	for i := range s.victims {
		l := &s.victims[i]
		l.keys, l.ranges = trimScratch(l.keys), trimScratch(l.ranges)
		bytes += int64(cap(l.keys))*int64(unsafe.Sizeof(candidate{})) + int64(cap(l.ranges))*int64(unsafe.Sizeof(operators.Interval{}))
	}
	if bytes > most {
		*s = roundScratch{}
		return 0
	}
	return bytes
}

// trimScratch clears the used part of a scratch array and returns it empty, or nil when
// less than a quarter of it was used.
// Its length is what the pass used; everything up to its capacity is cleared, as an
// earlier use may have filled more of it.
func trimScratch[T any](xs []T) []T {
	used := len(xs)
	clear(xs[:cap(xs)])
	if used < cap(xs)/4 {
		return nil
	}
	return xs[:0]
}

// candidate is a key that may be evicted this round. It holds the victim's fields but an
// interval's: an operators.Victim weighs 120 bytes for the interval a range victim names,
// and a round keeps up to a quarter of the keys held as candidates, garbage that the heap
// holds beside the cache until the round ends (3–6% of the limit with whole victims).
type candidate struct {
	str    string
	int    uint64
	rng    int32 // 1 + the index of a range victim's interval in the round's list, or 0
	reader int32
	score  uint8
	isInt  bool
}

// sizeSketch records the keys held and, when they have outgrown the sketch, grows it (the
// counts carry over).
func (ev *Evictor) sizeSketch(keys int) {
	ev.sketchMu.Lock()
	defer ev.sketchMu.Unlock()
	ev.keysHeld = keys
	// Grow exactly when the sketch New(keys) would make is wider, so the width depends on
	// the most keys held, not on when the rounds happened to run.
	if WidthFor(keys) > ev.sketch.Width() {
		ev.sketch = ev.sketch.Grow(keys)
		ev.sketchBytes.Store(2 * ev.sketch.Bytes())
	}
}

// ageReadsPerKey is how many reads per key held the sketch counts between halvings.
const ageReadsPerKey = 128

// readBatch is how many reads a reader collects before handing them to the evictor.
const readBatch = 256

// CountRead records a read of the key with the given hash (operators.Reader.HashInt or
// HashKey) for the evictor. Reads collect in batches, one per stripe of a small array picked
// at random per read, so concurrent readers rarely touch the same cache line. A full batch
// goes to the counting goroutine; when its queue is full (it shares the CPUs with busy
// readers and may not run for a while), the reader that filled the batch counts it itself
// if the sketch is free, and drops it only when it is not, so under overload reads are
// sampled rather than queued. Dropping whole batches whenever the queue was full lost most
// reads on a busy machine, and with them 0.7 points of hit rate.
func (ev *Evictor) CountRead(hash uint64) {
	s := &ev.readStripes[rand.Uint32()%uint32(len(ev.readStripes))]
	s.mu.Lock()
	if s.buf == nil {
		s.buf = *ev.readPool.Get().(*[]uint64)
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
	case ev.readLog <- &full:
	default:
		if ev.sketchMu.TryLock() {
			ev.countReadsLocked(full)
			ev.sketchMu.Unlock()
		}
		full = full[:0]
		ev.readPool.Put(&full)
	}
}

// flushReads counts the reads still collecting in the stripes, so a round sees every read
// made before it, however few.
func (ev *Evictor) flushReads() {
	for i := range ev.readStripes {
		s := &ev.readStripes[i]
		s.mu.Lock()
		buf := s.buf
		s.buf = nil
		s.mu.Unlock()
		if buf != nil {
			ev.countReads(&buf)
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
func (ev *Evictor) countLoop() {
	defer ev.wg.Done()
	for {
		select {
		case <-ev.stop:
			return
		case bp := <-ev.readLog:
			ev.countReads(bp)
		}
	}
}

// countReads adds a batch of reads to the sketch.
func (ev *Evictor) countReads(bp *[]uint64) {
	ev.sketchMu.Lock()
	ev.countReadsLocked(*bp)
	ev.sketchMu.Unlock()
	*bp = (*bp)[:0]
	ev.readPool.Put(bp)
}

// countReadsLocked adds reads to the sketch and halves it when it is due. sketchMu is held.
func (ev *Evictor) countReadsLocked(hashes []uint64) {
	for _, h := range hashes {
		ev.sketch.Increment(h)
	}
	ev.counted += int64(len(hashes))
	if ev.counted >= ageReadsPerKey*int64(max(ev.keysHeld, 1024)) {
		ev.sketch.Halve()
		ev.counted = 0
	}
}

// fallbackLimit is the default memory limit where the machine's memory cannot be read.
const fallbackLimit = 1 << 30
