package storage

import (
	"fmt"
	"strings"
	"time"
)

// SyncMode says when a committed batch is forced to stable storage.
type SyncMode int

const (
	// SyncAlways fsyncs the write-ahead log before Commit returns: an acknowledged write
	// survives a power cut. Concurrent commits share one fsync. This is the default.
	SyncAlways SyncMode = iota
	// SyncInterval writes the log without waiting and fsyncs it every Interval from a
	// background loop: a process crash loses nothing, a power cut loses at most about one
	// interval of acknowledged writes.
	SyncInterval
	// SyncNever leaves flushing to the operating system: a process crash loses nothing, a
	// power cut may lose any amount of acknowledged writes. For tests and benchmarks.
	SyncNever
)

// DefaultSyncInterval is the interval Open uses for SyncInterval when Options.Interval is
// zero.
const DefaultSyncInterval = 100 * time.Millisecond

func (m SyncMode) String() string {
	switch m {
	case SyncAlways:
		return "always"
	case SyncInterval:
		return "interval"
	case SyncNever:
		return "never"
	}
	return fmt.Sprintf("SyncMode(%d)", int(m))
}

// ParseSync parses a sync policy as an operator writes it: "always", "never" or
// "interval=<duration>" (a Go duration such as 50ms or 1s). The duration is returned only for
// SyncInterval.
func ParseSync(s string) (SyncMode, time.Duration, error) {
	switch t := strings.TrimSpace(s); {
	case strings.EqualFold(t, "always"):
		return SyncAlways, 0, nil
	case strings.EqualFold(t, "never"):
		return SyncNever, 0, nil
	case strings.EqualFold(t, "interval"):
		return 0, 0, fmt.Errorf("storage: sync policy %q needs a duration, as in interval=100ms", s)
	case len(t) > len("interval=") && strings.EqualFold(t[:len("interval=")], "interval="):
		d, err := time.ParseDuration(t[len("interval="):])
		if err != nil {
			return 0, 0, fmt.Errorf("storage: sync policy %q: bad duration: %w", s, err)
		}
		if d <= 0 {
			return 0, 0, fmt.Errorf("storage: sync policy %q: the interval must be positive", s)
		}
		return SyncInterval, d, nil
	default:
		return 0, 0, fmt.Errorf("storage: unknown sync policy %q: use always, never or interval=<duration> (e.g. interval=100ms)", s)
	}
}
