package replication

import (
	"strconv"

	"github.com/jackc/pglogrepl"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/weirdb/weir/replication/internal/replstate"
)

// StatusRows renders Status as SHOW STATUS rows.
func (r *Replicator) StatusRows() [][2]string {
	s := r.Status()
	return replstate.Rows(s.Common, [][2]string{
		{"Weir_replication_applied_lsn", pglogrepl.LSN(s.Applied).String()},
		{"Weir_replication_durable_lsn", pglogrepl.LSN(s.Durable).String()},
		{"Weir_replication_upstream_lsn", pglogrepl.LSN(s.ServerEnd).String()},
		{"Weir_replication_lag_bytes", strconv.FormatUint(s.LagBytes, 10)},
	}, nil)
}

// Register adds the replicator's metrics to reg.
func (r *Replicator) Register(reg prometheus.Registerer) error {
	common := func() replstate.Common { return r.Status().Common }
	return replstate.Register(reg, common, "a lost slot or a schema change",
		replstate.Gauge(r.Status, "weir_replication_applied_lsn", "Upstream WAL position the mirror reflects.", func(s Status) float64 { return float64(s.Applied) }),
		replstate.Gauge(r.Status, "weir_replication_durable_lsn", "Upstream WAL position stored and confirmed to the upstream.", func(s Status) float64 { return float64(s.Durable) }),
		replstate.Gauge(r.Status, "weir_replication_lag_bytes", "Upstream WAL bytes not yet applied.", func(s Status) float64 { return float64(s.LagBytes) }),
	)
}
