package dataflow

// Emit sends a batch out of node n as if n's operator had just produced it: to its children
// in this domain at once, to those in other domains with the step's other output. It is
// for operators whose output changes without an input (a temporal filter advanced to a new
// instant) and must run on n's domain, inside a Call or Post, so the batch takes its place
// in the domain's one order of updates, replay pieces and evictions.
func (d *Domain) Emit(n *Node, b Batch) {
	if len(b) > 0 {
		d.emit(n, b)
	}
}
