package dataflow

import (
	"fmt"
	"strings"
)

// Driving a runtime by hand. Run is a thin loop around a deterministic step: take what is in
// the mailbox, handle it, apply the releases other domains sent, flush. A runtime that was
// never started can be driven one message at a time through Next and Step, so a test can
// choose the exact interleaving of updates, replay pieces and eviction releases across
// domains (the orderings that only happen by chance under load) and check the state after
// each message. Within one mailbox the order stays FIFO: a driver picks which domain moves,
// never which of its messages.

// Next takes the oldest message from the domain's mailbox without waiting; ok is false when
// the mailbox is empty.
func (d *Domain) Next() (m Message, ok bool) {
	select {
	case m = <-d.inbox:
		return m, true
	default:
		return Message{}, false
	}
}

// Step handles one message as the driver loop would, then the releases other domains sent,
// then puts what the step produced into the peers' mailboxes. It must not be used on a
// started runtime.
func (d *Domain) Step(m Message) {
	d.handleAll([]Message{m})
	d.handleReleases()
	d.send(d.Flush())
}

// Post queues f to run on the domain in order with its other messages, without waiting for
// it (Call waits).
func (d *Domain) Post(f func()) {
	d.inbox <- Message{kind: msgCall, call: f}
}

// String renders a message for traces, naming nodes n<ID>.
func (m Message) String() string {
	return m.Format(func(n *Node) string { return fmt.Sprintf("n%d", n.ID) })
}

// Format renders a message for traces, naming nodes with name.
func (m Message) Format(name func(*Node) string) string {
	switch m.kind {
	case msgUpdate:
		return fmt.Sprintf("update %s/%d %s", name(m.node), m.slot, FormatBatch(m.batch))
	case msgProgress:
		return fmt.Sprintf("progress %d from d%d", m.token, m.from)
	case msgInput:
		return "write"
	case msgCall:
		return "call"
	case msgUpquery:
		leaf := m.replay.Leaves[m.leaf]
		return fmt.Sprintf("upquery #%d key=%s at %s", m.req, m.key, name(leaf.Source))
	case msgReplay:
		h := m.replay.Leaves[m.leaf].Hops[m.hop]
		return fmt.Sprintf("replay #%d key=%s to %s/%d %s", m.req, m.key, name(h.Node), h.Slot, FormatBatch(m.batch))
	case msgWake:
		return "wake"
	}
	return fmt.Sprintf("message(%d)", m.kind)
}

// FormatBatch renders a batch as +[row] and -[row] records.
func FormatBatch(b Batch) string {
	if len(b) == 0 {
		return "{}"
	}
	var s strings.Builder
	s.WriteByte('{')
	for i, r := range b {
		if i > 0 {
			s.WriteString(", ")
		}
		if r.Neg {
			s.WriteByte('-')
		} else {
			s.WriteByte('+')
		}
		s.WriteString(r.Row.String())
	}
	s.WriteByte('}')
	return s.String()
}
