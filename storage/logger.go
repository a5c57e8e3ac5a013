package storage

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"go.uber.org/zap"
)

// pebbleLogger routes pebble's log lines into Weir's zap logger. Without it pebble writes to
// the standard library logger, which prints to stderr behind the operator's back.
type pebbleLogger struct {
	z *zap.Logger
}

var _ pebble.Logger = pebbleLogger{}

func (l pebbleLogger) Infof(format string, args ...any) {
	l.z.Info(fmt.Sprintf(format, args...))
}

func (l pebbleLogger) Errorf(format string, args ...any) {
	l.z.Error(fmt.Sprintf(format, args...))
}

// Fatalf must not return: pebble calls it when its commit pipeline is broken and continuing
// would acknowledge writes that are not in the log. zap's Fatal logs, syncs and exits, which
// is what pebble's own default logger does.
func (l pebbleLogger) Fatalf(format string, args ...any) {
	l.z.Fatal(fmt.Sprintf(format, args...))
}
