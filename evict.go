package weir

import (
	"cmp"
	"context"
	"slices"
	"syscall"

	"github.com/weirdb/weir/dataflow"
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

// MemoryInUse is the bytes partial state holds (readers and partial operator state), the
// figure MemoryLimit bounds. Base tables and full operator state are not in it: they cannot
// be evicted.
func (e *Engine) MemoryInUse() int64 {
	total := e.partialStateBytes()
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

// Evict brings partial state back under the memory limit (to 90% of it, so eviction does
// not run on every tick), evicting the reader keys read least often across all readers
// (each key's score is a logarithmic count of sampled reads, halved every round),
// and returns the bytes freed at the readers. It runs by itself every 50ms; calling it
// forces a round.
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
	readers := e.partialReaders()
	var readerBytes int64
	for _, p := range readers {
		readerBytes += p.reader.Bytes()
	}
	total := readerBytes + e.partialStateBytes()
	excess := total - limit*9/10
	if total <= limit || excess <= 0 || readerBytes == 0 {
		return 0, nil
	}
	excess = max(excess*readerBytes/total, 1)
	// Approximate LFU with aging: find the score below which the least-read keys add up
	// to the excess and evict keys scoring no more than it. Scores halve each time as many
	// keys were filled as are held, so counts fade at the pace the cache turns over.
	type use struct{ score, bytes int64 }
	var uses []use
	for _, p := range readers {
		p.reader.Scores(func(score, bytes int64) { uses = append(uses, use{score, bytes}) })
	}
	slices.SortFunc(uses, func(a, b use) int { return cmp.Compare(a.score, b.score) })
	threshold, acc := int64(-1), int64(0)
	for _, u := range uses {
		threshold, acc = u.score, acc+u.bytes
		if acc >= excess {
			break
		}
	}
	if fills := e.fills.Load(); fills-e.agedAt.Load() >= int64(len(uses)) {
		e.agedAt.Store(fills)
		defer func() {
			for _, p := range readers {
				p.reader.Age()
			}
		}()
	}
	var freed int64
	for _, p := range readers {
		if freed >= excess {
			break
		}
		var got int64
		evicted := func(key string) { p.domain.ReleaseUpstream(p.node, key) }
		if err := p.domain.Call(ctx, func() { got = p.reader.Evict(threshold, excess-freed, evicted) }); err != nil {
			return freed, err
		}
		freed += got
	}
	return freed, nil
}
