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
	reader *operators.Reader
	domain *dataflow.Domain
}

func (e *Engine) partialReaders() []partialReader {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]partialReader, 0, len(e.paths))
	for n := range e.paths {
		out = append(out, partialReader{n.Op.(*operators.Reader), e.rt.Domains[n.Domain]})
	}
	return out
}

// MemoryInUse is the bytes partial readers hold, the figure MemoryLimit bounds.
func (e *Engine) MemoryInUse() int64 {
	var total int64
	for _, p := range e.partialReaders() {
		total += p.reader.Bytes()
	}
	return total
}

// Evict brings partial readers back under the memory limit (to 90% of it, so eviction does
// not run on every tick), evicting the keys read least recently across all of them, and
// returns the bytes freed. It runs by itself every 50ms; calling it forces a round.
func (e *Engine) Evict(ctx context.Context) (int64, error) {
	limit := e.opts.MemoryLimit
	if limit <= 0 {
		return 0, nil
	}
	readers := e.partialReaders()
	var total int64
	for _, p := range readers {
		total += p.reader.Bytes()
	}
	excess := total - limit*9/10
	if total <= limit || excess <= 0 {
		return 0, nil
	}
	// Approximate LRU: find the last-read tick below which the oldest keys add up to the
	// excess, then evict keys no newer than it.
	type use struct{ tick, bytes int64 }
	var uses []use
	for _, p := range readers {
		p.reader.UseTicks(func(tick, bytes int64) { uses = append(uses, use{tick, bytes}) })
	}
	slices.SortFunc(uses, func(a, b use) int { return cmp.Compare(a.tick, b.tick) })
	threshold, acc := int64(-1), int64(0)
	for _, u := range uses {
		threshold, acc = u.tick, acc+u.bytes
		if acc >= excess {
			break
		}
	}
	var freed int64
	for _, p := range readers {
		if freed >= excess {
			break
		}
		var got int64
		if err := p.domain.Call(ctx, func() { got = p.reader.Evict(threshold, excess-freed) }); err != nil {
			return freed, err
		}
		freed += got
	}
	return freed, nil
}
