package replstate

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.uber.org/zap"
)

func TestRunSessionsRetriesUntilFatal(t *testing.T) {
	var c Counters
	cut := errors.New("connection reset")
	schema := errors.New("table t has no primary key")
	calls := 0
	err := RunSessions(context.Background(), &c, zap.NewNop(), "replication", func(context.Context) error {
		calls++
		c.Connected.Store(true)
		if calls < 3 {
			return fmt.Errorf("stream: %w", cut)
		}
		return Fatal{Err: schema}
	})
	if !errors.Is(err, schema) {
		t.Fatalf("RunSessions = %v, want the fatal error's cause", err)
	}
	var f Fatal
	if errors.As(err, &f) {
		t.Error("the returned error is still marked fatal; callers get its cause")
	}
	if calls != 3 {
		t.Errorf("session ran %d times, want 3 (two retries, then the fatal error)", calls)
	}
	if c.Connected.Load() {
		t.Error("still marked connected after the session ended")
	}
	if got := c.Common(nil, 0).LastError; got != "stream: connection reset" {
		t.Errorf("last error %q, want the transient one", got)
	}
}

func TestRunSessionsReturnsNilWhenCancelled(t *testing.T) {
	var c Counters
	ctx, cancel := context.WithCancel(context.Background())
	err := RunSessions(ctx, &c, zap.NewNop(), "replication", func(context.Context) error {
		cancel()
		return errors.New("read: use of closed connection")
	})
	if err != nil {
		t.Fatalf("RunSessions after cancel = %v, want nil", err)
	}
}
