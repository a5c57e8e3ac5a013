package storage

import (
	"github.com/cockroachdb/pebble/v2"
	dto "github.com/prometheus/client_model/go"
)

// Metrics is a snapshot of the store's counters.
type Metrics struct {
	// Commits counts batches committed since Open.
	Commits uint64
	// Fsyncs counts fsyncs of the write-ahead log since Open, as pebble's log writer records
	// them. Commits/Fsyncs is the group-commit factor.
	Fsyncs uint64
	// DiskBytes is the space the store takes on disk: tables, logs and pebble's own files.
	DiskBytes uint64
	// WALBytes counts bytes written to the write-ahead log since Open.
	WALBytes uint64
}

// Metrics returns the store's counters. It returns zeros after Close.
func (s *Store) Metrics() Metrics {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Metrics{}
	}
	pm := s.db.Metrics()
	return Metrics{
		Commits:   s.commits.Load(),
		Fsyncs:    walFsyncs(pm),
		DiskBytes: pm.DiskSpaceUsage(),
		WALBytes:  pm.WAL.BytesWritten,
	}
}

// walFsyncs reads the number of log fsyncs off pebble's fsync latency histogram: every fsync
// of the log is observed there once, so its sample count is the fsync count.
func walFsyncs(pm *pebble.Metrics) uint64 {
	h := pm.LogWriter.FsyncLatency
	if h == nil {
		return 0
	}
	var m dto.Metric
	if err := h.Write(&m); err != nil || m.Histogram == nil {
		return 0
	}
	return m.Histogram.GetSampleCount()
}
