package binlog

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/weirdb/weir/replication/internal/replstate"
)

// StatusRows renders Status as SHOW STATUS rows.
func (r *Replicator) StatusRows() [][2]string {
	s := r.Status()
	base := r.binlogBase()
	return replstate.Rows(s.Common, [][2]string{
		{"Weir_replication_applied_position", PositionString(base, s.Applied)},
		{"Weir_replication_durable_position", PositionString(base, s.Durable)},
		{"Weir_replication_upstream_position", PositionString(base, s.ServerEnd)},
		{"Weir_replication_applied_gtid", s.GTID},
	}, [][2]string{
		{"Weir_replication_ddl", strconv.FormatInt(s.DDL, 10)},
		{"Weir_replication_ddl_in_place", strconv.FormatInt(s.InPlace, 10)},
	})
}

// Register adds the replicator's metrics to reg. The names are those of package
// replication where the meaning is the same; positions are binlog positions in the
// encoding of the mirror's position (file number × 2³² + offset).
func (r *Replicator) Register(reg prometheus.Registerer) error {
	common := func() replstate.Common { return r.Status().Common }
	return replstate.Register(reg, common, "a purged binlog or a schema change",
		replstate.Gauge(r.Status, "weir_replication_applied_binlog_position", "Upstream binlog position the mirror reflects (file number × 2^32 + offset).", func(s Status) float64 { return float64(s.Applied) }),
		replstate.Gauge(r.Status, "weir_replication_durable_binlog_position", "Upstream binlog position stored in Weir (file number × 2^32 + offset).", func(s Status) float64 { return float64(s.Durable) }),
		replstate.Counter(r.Status, "weir_replication_ddl_total", "Upstream DDL statements on mirrored tables.", func(s Status) float64 { return float64(s.DDL) }),
		replstate.Counter(r.Status, "weir_replication_ddl_in_place_total", "Upstream DDL statements followed without a fresh copy.", func(s Status) float64 { return float64(s.InPlace) }),
	)
}
