package conformance

import (
	"context"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/weirdb/weir"
)

// A scenario moves the clock with `SET timestamp = <seconds since the epoch>`, MariaDB's
// session clock: NOW() and the other clock functions then read that instant, in writes and
// in the time windows of queries (`created_at > NOW() - INTERVAL 1 HOUR`). On Weir's Go
// API the statement sets the engine's injected clock (Options.Clock) and advances every
// view to it (Engine.AdvanceClock), so both sides compare their results at one instant.
var setTimestamp = regexp.MustCompile(`(?is)^\s*SET\s+(?:@@(?:session\.)?)?timestamp\s*=\s*([0-9]+(?:\.[0-9]*)?)\s*;?\s*$`)

// Clock is the injected clock of a Weir engine a scenario runs on: the time.Now until a
// `SET timestamp` fixes it.
type Clock struct {
	mu  sync.Mutex
	at  time.Time
	set bool
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.set {
		return time.Now()
	}
	return c.at
}

func (c *Clock) setTo(t time.Time) {
	c.mu.Lock()
	c.at, c.set = t, true
	c.mu.Unlock()
}

// NewWeirTargetWithClock returns a Target over eng, whose Options.Clock is clock.Now: a
// scenario's `SET timestamp` moves it.
func NewWeirTargetWithClock(eng *weir.Engine, clock *Clock) Target {
	w := NewWeirTarget(eng).(*weirTarget)
	w.clock = clock
	return w
}

// setClock runs a `SET timestamp`; ok is false for any other statement.
func (w *weirTarget) setClock(ctx context.Context, query string) (ok bool, err error) {
	m := setTimestamp.FindStringSubmatch(query)
	if m == nil {
		return false, nil
	}
	if w.clock == nil {
		return true, &weir.Error{Code: 1235, SQLState: "42000", Msg: "this target's clock cannot be set (SET timestamp)"}
	}
	secs, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return true, err
	}
	w.clock.setTo(time.UnixMicro(int64(secs * 1e6)).UTC())
	return true, w.eng.AdvanceClock(ctx)
}

// SetsClock reports whether the scenario moves the clock with SET timestamp.
func (s *Scenario) SetsClock() bool {
	for _, st := range s.Steps {
		if st.Kind == StepExec && setTimestamp.MatchString(st.Exec.SQL) {
			return true
		}
	}
	return false
}
