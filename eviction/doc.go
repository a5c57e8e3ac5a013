// Package eviction keeps the engine's caches under its memory limit: it accounts the bytes
// of every partial reader and partial operator state and of the caches' graphs, counts how
// often each reader key is read, and in rounds turns the keys read least often into holes
// and drops the ad-hoc caches read least recently.
//
// # What an eviction does
//
// Evicting a reader key removes its entry: the key becomes a hole, and the next read of it
// fills it again by an upquery (package upquery). It also sends an eviction notice up the
// key's replay paths (dataflow.Domain.ReleaseUpstream): the reader gives back the hold it
// had on the key at each partial state above it. A partial state whose key has no holds
// left drops it in turn and passes the notice further up. So evicting a reader key frees
// its share of the operator state too, and from then on writes for that key stop at the
// highest partial state, where the key is now a hole: a cold key costs no work downstream.
// Notices travel against the edges, beside the mailboxes rather than in them (a blocking
// send upstream could deadlock with one downstream), and a notice still in flight while the
// key is filled again is harmless: holds are counted, and the new piece takes a new one.
// Base tables and full state are never evicted.
//
// A reader with interval holes (a view whose only conditions are ranges) is evicted by
// interval: each filled interval is a victim (operators.Victim.IsRange) weighing the
// reader's bytes per interval, ranked by its key's read count; evicting it removes its
// rows and makes it a hole, which the next read over it fills again. No notice goes up:
// the states above such a reader are full.

// # How victims are chosen, and why LFU
//
// Every read of a partial reader, hit or miss, is counted in a count-min sketch (Sketch:
// four rows of 8-bit saturating counters) rather than beside the entry: a hit then writes
// no shared memory (readers hand their reads over in per-processor batches), and a key's
// count outlives its eviction. That memory is the point. Over Zipf-distributed reads a key
// of middling popularity, evicted once, comes back with its history; an LRU, or an LFU
// that forgets evicted keys, would take it for a cold key and evict it again at the next
// round, and a burst of keys read once would push out keys read thousands of times. LFU
// with memory measured better than sampled LRU on the vote workload, and keeps a small hot
// set against a scan. The counts halve every 128 reads per key held, so popularity can move
// on.
//
// A round (Round: every 50 ms, after every 64 fills, or on demand) sums the bytes the limit
// counts: readers, partial operator state and the sketch itself. Over the limit it ranks
// reader keys against a copy of the sketch, so counting never waits for a round; it builds
// a histogram of bytes by score, finds the threshold score whose keys cover the excess
// without sorting, and evicts the keys below it and enough at it, down to 98% of the limit.
// The reader bytes to free are scaled by the ratio of all partial bytes to reader bytes,
// since the notices free operator state in proportion.
//
// A round evicts a reader's victims in chunks of EvictChunk keys, one call on the reader's
// domain each: the domain does nothing else while it evicts, and a fill or a write queued
// behind a round waits for one chunk, not for every key the round evicts (which grows with
// the limit: at half the vote view's state of a million keys, tens of thousands).
//
// Rounds run beside the readers, and on a machine whose CPUs are busy a stream of misses
// can fill faster than rounds evict. So a read about to fill a hole first calls Admit:
// while partial state alone is over the limit by more than a thirty-second of it, the
// reader evicts keys itself, as a round would, before its fill goes ahead, so the reads
// that make the fills pay for the eviction they need. Evicting keys has a lock of its own
// (a round takes it for its second phase): a reader over the limit waits for keys being
// evicted, then evicts what is still over, but never waits for a round dropping ad-hoc
// caches, which waits itself for reads under way to finish. Admit never drops ad-hoc
// caches (a read must not drop the cache it reads); rounds do that.
//
// # Ad-hoc caches
//
// Every SELECT shape a client sends may become a cache of its own (an ad-hoc cache), and
// what its graph costs (nodes, operator structures, reader, plan; the full state of its
// operators) counts toward the limit beside partial state (Caches; the estimates in
// graph.go are calibrated against the heap). A round drops the ad-hoc caches read least
// recently (a coarse clock, Now, that reads stamp their cache with) when their graphs hold
// more than AdHocShare of the limit, and when evicting every key could not bring memory
// under it; named caches are never dropped. Installing a shape allocates several times
// what the cache keeps, so a flood of shapes is garbage for the collector: GoMemoryLimit
// keeps the Go runtime's soft limit in step with the memory limit for a process that runs
// one engine.
//
// # What eviction borrows
//
// The limit bounds the heap, and a garbage collection counts as live whatever is allocated
// while it marks: copies made beside the state count with it. So what churn allocates
// beside the state is kept to a fraction of it. Keyed operator state and partial readers
// split their maps into sixteen shards once they hold 8192 keys, and rebuild one shard at a
// time after deletions, in turn (a whole map's rebuild put 4–8% of the limit on top of it,
// and shards that each waited for their own deletions, which rise together under evenly
// hashed keys, all rebuilt in the same round or two), and a
// round keeps its candidates and its victims compact (40 bytes, not a 120-byte
// operators.Victim), sizing the victims' list once: a round in chunks holds it until its
// last chunk. Passes keep that scratch from one to the next (roundScratch), so a steady
// round allocates nothing: allocated afresh, it was garbage that a collection running
// beside the rounds counted live, 10% of the limit at 200k keys. What the scratch keeps
// counts toward the limit with the sketch, up to a thirty-second of it (ScratchShare).
//
// It must never evict from full state, block a domain, or take a lock a read holds: rounds
// run beside the domains and evict through them (dataflow.Domain.Call).
package eviction
