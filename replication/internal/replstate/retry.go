package replstate

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
)

// Fatal marks errors a reconnect cannot cure: the configuration, or the upstream's
// settings or schema, must change first.
type Fatal struct{ Err error }

func (f Fatal) Error() string { return f.Err.Error() }
func (f Fatal) Unwrap() error { return f.Err }

// Retry backoff: doubled after each failure up to the cap, and back to the start once a
// session has lasted long enough to count as healthy again.
const (
	firstBackoff   = 100 * time.Millisecond
	maxBackoff     = 5 * time.Second
	healthySession = 10 * time.Second
)

// RunSessions runs session until ctx ends (returning nil) or session fails with a Fatal
// error (returning the error it wraps). Any other failure is recorded as the counters'
// last error, logged under what ("replication", "binlog replication"), and retried after
// a backoff; session is expected to resume after the last transaction applied.
func RunSessions(ctx context.Context, c *Counters, log *zap.Logger, what string, session func(context.Context) error) error {
	backoff := firstBackoff
	for {
		start := time.Now()
		err := session(ctx)
		c.Connected.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		var f Fatal
		if errors.As(err, &f) {
			log.Error(what+" stopped", zap.Error(err))
			return f.Err
		}
		c.SetLastError(err.Error())
		if time.Since(start) > healthySession {
			backoff = firstBackoff
		}
		log.Warn(what+" interrupted; reconnecting", zap.Error(err), zap.Duration("after", backoff))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}
