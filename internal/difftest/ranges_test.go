package difftest

import (
	"strings"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// Interval holes under differential testing. A generated view whose only conditions are
// ranges keeps the intervals it was read over (see operators.Reader.SetIntervalHoles): the
// harness's tiny memory limit evicts them whole in every round, and evictRead below makes
// the interval of one lookup a hole between reads, so later lookups fill only parts of
// their intervals, next to filled neighbours that writes kept current. Every lookup is
// still compared with the reference. The concurrent case evicts read intervals while other
// readers fill overlapping ones and writers write.

// intervalView reports whether v keeps interval holes: a partial view whose only
// conditions are ranges.
func intervalView(v *weir.View) bool {
	q := v.Plan()
	return len(q.Ranges) > 0 && len(q.KeyCols) == 0 && v.Stats().Partial
}

// evictRead makes the keys (for a view with interval holes, the interval) a lookup with
// args reads into holes, recording the step for the reproducing scenario.
func (h *harness) evictRead(lv *liveView, args []dataflow.Value, stats *caseStats) {
	h.t.Helper()
	h.script.Steps = append(h.script.Steps, Step{Kind: StepEvict, Name: lv.name, Args: args})
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	if err := lv.view.Evict(h.ctx, anyArgs...); err != nil {
		h.fail(nil, "evict %s (%s): %v", lv.name, formatArgs(args), err)
	}
	if intervalView(lv.view) {
		stats.count(&stats.intervalEvictions)
	}
	if intervalStateView(lv.view) {
		stats.count(&stats.intervalStateEvictions)
	}
	if orView(lv.view) {
		stats.count(&stats.orEvictions)
	}
	if lv.subKeyed {
		stats.count(&stats.subKeyedEvictions)
	}
}

// subKeyedView reports whether v keeps a state partial by some of what it groups by (an
// aggregate grouped by more than the key, a DISTINCT), which EXPLAIN says ("partial" by
// the key's columns).
func subKeyedView(v *weir.View) bool {
	for _, s := range v.Explain() {
		if s.State == "partial" && strings.HasPrefix(s.Why, "by ") && !strings.HasPrefix(s.Why, "by intervals ") {
			return true
		}
	}
	return false
}

// intervalStateView reports whether v keeps interval holes with a state above its reader
// partial by intervals too (an aggregate grouped by the range column), which EXPLAIN says
// ("partial" by intervals of the column).
func intervalStateView(v *weir.View) bool {
	if !intervalView(v) {
		return false
	}
	for _, s := range v.Explain() {
		if s.State == "partial" && strings.HasPrefix(s.Why, "by intervals ") {
			return true
		}
	}
	return false
}

// orView reports whether v has a parameter under OR and partial readers for its branches,
// whose keys an eviction makes holes in each branch.
func orView(v *weir.View) bool { return v.Plan().Or != nil && v.Stats().Partial }

// countIntervalView counts an accepted view that keeps interval holes.
func (s *caseStats) countIntervalView(v *weir.View) {
	if intervalView(v) {
		s.count(&s.intervalViews)
	}
	if intervalStateView(v) {
		s.count(&s.intervalStateViews)
	}
}

// countCombinedView counts a view whose reads combine an aggregate's groups across the keys
// of an IN list (planner.Query.Combine), or filter the branches of a parameter under OR.
func (s *caseStats) countCombinedView(v *weir.View) {
	if v.Plan().Combine != nil {
		s.count(&s.combinedViews)
	}
	if v.Plan().Or != nil {
		s.count(&s.orViews)
	}
	if orView(v) {
		s.count(&s.partialOrViews)
	}
	if subKeyedView(v) {
		s.count(&s.subKeyedViews)
	}
	if v.Plan().Or != nil && v.Plan().Combine != nil {
		s.count(&s.orAggViews)
	}
	if c := v.Plan().Combine; c != nil {
		for _, a := range c.Aggs {
			if a.Collect {
				if v.Plan().Or != nil {
					s.count(&s.collectedOrViews)
				} else {
					s.count(&s.collectedViews)
				}
				break
			}
		}
	}
}
