package upquery

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirdb/weir/dataflow"
	"github.com/weirdb/weir/operators"
)

// Client sends the upqueries of an engine's partial readers and bounds how many are in
// flight: each takes a fill slot when it is sent and the fill it ends in gives the slot back
// (every upquery ends in exactly one fill at its reader, even an empty one: the pieces of
// its paths meet on the way, and a redundant one is still delivered). Reads that miss past
// the bound wait for a slot, or, for Target.Start, leave the key for a later read.
type Client struct {
	rt     *dataflow.Runtime
	slots  chan struct{}
	onFill func()
}

// NewClient returns a client of rt's domains with maxInFlight fill slots. onFill, when not
// nil, runs after every fill in the reader's domain: it must not block.
func NewClient(rt *dataflow.Runtime, maxInFlight int, onFill func()) *Client {
	return &Client{rt: rt, slots: make(chan struct{}, max(maxInFlight, 1)), onFill: onFill}
}

// InFlight is the number of upqueries sent and not yet filled.
func (c *Client) InFlight() int { return len(c.slots) }

// Target is the fill side of one partial reader: its replay tree, the keys being filled
// (concurrent misses on one key share one upquery) and the statistics of its fills.
type Target struct {
	c      *Client
	reader *operators.Reader
	path   *dataflow.Replay
	// source is the domain of the first replay source, home the reader's: a fill cannot
	// complete once either has failed.
	source, home *dataflow.Domain

	mu      sync.Mutex
	filling map[string]chan struct{} // encoded key -> closed when it is filled
	// retired is set in the reader's domain once the reader has left the graph (see
	// ReleaseAll): fills then install nothing.
	retired bool
	// ranged: the reader keeps interval holes and its keys are range-upquery keys
	// (operators.RangeKey; see NewRangeTarget).
	ranged bool

	upqueries, fillNanos, fillsTimed atomic.Int64
}

// NewTarget builds the fill tree of a partial reader node (see BuildReplay) whose key
// columns are keyCols.
func (c *Client) NewTarget(ctx context.Context, node *dataflow.Node, keyCols []int) (*Target, error) {
	reader, ok := node.Op.(*operators.Reader)
	if !ok || !reader.Partial() {
		return nil, fmt.Errorf("upquery: node %d is not a partial reader", node.ID)
	}
	t := &Target{c: c, reader: reader, home: c.rt.Domains[node.Domain], filling: map[string]chan struct{}{}}
	path, err := BuildReplay(ctx, c.rt, node, keyCols, t.fill)
	if err != nil {
		return nil, err
	}
	if len(path.Leaves) == 0 {
		return nil, fmt.Errorf("upquery: reader node %d has no replay source", node.ID)
	}
	t.path = path
	t.source = c.rt.Domains[path.Leaves[0].Source.Domain]
	return t, nil
}

// Replay is the reader's fill tree.
func (t *Target) Replay() *dataflow.Replay { return t.path }

// fill is the replay's end at the reader, run in its domain: the key becomes present, the
// upquery's slot is given back and the readers waiting for the key wake.
func (t *Target) fill(key dataflow.Row, rows dataflow.Batch) (redundant bool) {
	k := dataflow.EncodeKey(key)
	if t.retired {
		// The reader left the graph: the key would never be released, so the piece is
		// not needed (its holds go back) and its waiters wake to find the view dropped.
		redundant = true
	} else if t.ranged {
		redundant = t.reader.FillRange(key, rows)
	} else {
		redundant = t.reader.FillEncoded(k, key, rows)
	}
	<-t.c.slots
	t.mu.Lock()
	if ch, ok := t.filling[k]; ok {
		close(ch)
		delete(t.filling, k)
	}
	t.mu.Unlock()
	if t.c.onFill != nil {
		t.c.onFill()
	}
	return redundant
}

// retire makes later fills install nothing and wakes the reads waiting for a fill. It runs
// in the reader's domain.
func (t *Target) retire() {
	t.retired = true
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, ch := range t.filling {
		close(ch)
		delete(t.filling, k)
	}
}

// join registers interest in the fill of an encoded key. The first caller gets first =
// true and must send the upquery (or cancel); every caller waits on done.
func (t *Target) join(key string) (done <-chan struct{}, first bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ch, ok := t.filling[key]; ok {
		return ch, false
	}
	ch := make(chan struct{})
	t.filling[key] = ch
	return ch, true
}

// cancel withdraws a fill that was not sent, waking its waiters to try again.
func (t *Target) cancel(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ch, ok := t.filling[key]; ok {
		close(ch)
		delete(t.filling, key)
	}
}

// send takes a fill slot and sends the upquery for key. It is the one place a slot is
// taken; fill gives it back, or send itself when the upquery could not be sent. With wait
// false it gives up at once when every slot is busy. When it returns without sending, the
// key's fill is withdrawn.
func (t *Target) send(ctx context.Context, key dataflow.Row, enc string, wait bool) (sent bool, err error) {
	if wait {
		select {
		case t.c.slots <- struct{}{}:
		case <-ctx.Done():
			t.cancel(enc)
			return false, ctx.Err()
		}
	} else {
		select {
		case t.c.slots <- struct{}{}:
		default:
			t.cancel(enc)
			return false, nil
		}
	}
	if err := t.c.rt.Upquery(t.path, key); err != nil {
		<-t.c.slots
		t.cancel(enc)
		return false, err
	}
	t.upqueries.Add(1)
	return true, nil
}

// Await fills key, a hole of the reader, and waits until the fill has reached the reader,
// sharing the upquery of a concurrent call for the same key. It gives up when ctx ends,
// when timeout fires (dataflow.ErrReadTimeout) or when a domain the fill needs has failed.
// The caller reads the key again after: a fill can be undone by the time it looks (the key
// evicted again), and then it calls Await again.
func (t *Target) Await(ctx context.Context, key dataflow.Row, timeout <-chan time.Time) error {
	enc := dataflow.EncodeKey(key)
	done, first := t.join(enc)
	var sentAt time.Time
	if first && t.held(key, enc) {
		t.cancel(enc)
		return nil
	}
	if first {
		if _, err := t.send(ctx, key, enc, true); err != nil {
			return err
		}
		sentAt = time.Now()
	}
	select {
	case <-done:
		if first {
			t.fillNanos.Add(int64(time.Since(sentAt)))
			t.fillsTimed.Add(1)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-timeout:
		return fmt.Errorf("%w: fill of a missing key did not complete", dataflow.ErrReadTimeout)
	case <-t.c.rt.Done():
		return dataflow.ErrClosed
	case <-t.source.Dead():
		return t.source.Err()
	case <-t.home.Dead():
		return t.home.Err()
	}
}

// Start sends the upquery for key, a hole of the reader, unless its fill is already under
// way or every fill slot is busy (a later read tries again). It never blocks.
func (t *Target) Start(key dataflow.Row) error {
	enc := dataflow.EncodeKey(key)
	if _, first := t.join(enc); first {
		if t.held(key, enc) {
			t.cancel(enc)
			return nil
		}
		_, err := t.send(context.Background(), key, enc, false)
		return err
	}
	return nil
}

// held reports whether the reader holds key already. A read saw the key missing before it
// joined the key's fill; a fill that completed in between installed the key before it
// left the filling set, so a first joiner that finds the key held has nothing to send.
func (t *Target) held(key dataflow.Row, enc string) bool {
	if t.ranged {
		return t.reader.RangeFilled(key)
	}
	return t.reader.PresentEncoded(enc, key)
}

// Upqueries counts the upqueries sent (misses on a key already being filled share one).
func (t *Target) Upqueries() int64 { return t.upqueries.Load() }

// FillLatency is the mean time from upquery to filled key of the fills a read waited for.
func (t *Target) FillLatency() time.Duration {
	if n := t.fillsTimed.Load(); n > 0 {
		return time.Duration(t.fillNanos.Load() / n)
	}
	return 0
}
