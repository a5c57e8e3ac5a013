package server

import "time"

// SetProbeEvery sets how long a connection waits without having seen its socket empty
// (see wire.serveRaw), for tests that half-close connections; it returns the previous value.
func SetProbeEvery(d time.Duration) time.Duration {
	old := probeEvery
	probeEvery = d
	return old
}
