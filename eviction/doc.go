// Package freq counts how often keys are read, in little memory, for eviction.
//
// Eviction ranks cached keys by how often they were read. Counting beside each cached entry
// would cost a read an extra cache miss and an atomic write, and would forget a key's count
// when the key is evicted: a key of middling popularity, evicted once, would then look as
// cold as a key read a single time, and be evicted again at the next round. Over a
// Zipf-distributed key space that churn costs several points of hit rate against an LFU
// with perfect memory.
//
// A Sketch is a count-min sketch: four rows of saturating 8-bit counters indexed by
// independent hashes of the key. Every read, hit or miss, increments the key's counters;
// the count is the smallest of them. Collisions can only overstate a count, and taking the
// minimum over four rows and incrementing only the smallest counters keep that rare. The
// counts outlive eviction, so a key filled again is ranked by its whole history. Halve,
// run periodically, makes old reads fade, so a key that was hot long ago does not stay
// favoured forever.
//
// A Sketch is not safe for concurrent use: the engine's evictor owns it, and readers hand it
// their reads in batches.
package eviction
