package binlog

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// StatusRows renders Status as SHOW STATUS rows.
func (r *Replicator) StatusRows() [][2]string {
	s := r.Status()
	b := func(v bool) string {
		if v {
			return "ON"
		}
		return "OFF"
	}
	return [][2]string{
		{"Weir_replication_connected", b(s.Connected)},
		{"Weir_replication_snapshotting", b(s.Snapshotting)},
		{"Weir_replication_snapshot_rows", strconv.FormatInt(s.SnapshotRows, 10)},
		{"Weir_replication_snapshot_rows_estimate", strconv.FormatInt(s.SnapshotTotal, 10)},
		{"Weir_replication_snapshots", strconv.FormatInt(s.Snapshots, 10)},
		{"Weir_replication_applied_position", PositionString(r.binlogBase(), s.Applied)},
		{"Weir_replication_durable_position", PositionString(r.binlogBase(), s.Durable)},
		{"Weir_replication_upstream_position", PositionString(r.binlogBase(), s.ServerEnd)},
		{"Weir_replication_applied_gtid", s.GTID},
		{"Weir_replication_lag_seconds", strconv.FormatFloat(s.LagSeconds, 'f', 3, 64)},
		{"Weir_replication_transactions", strconv.FormatInt(s.Transactions, 10)},
		{"Weir_replication_changes", strconv.FormatInt(s.Changes, 10)},
		{"Weir_replication_ddl", strconv.FormatInt(s.DDL, 10)},
		{"Weir_replication_ddl_in_place", strconv.FormatInt(s.InPlace, 10)},
		{"Weir_replication_last_error", s.LastError},
	}
}

// Register adds the replicator's metrics to reg. The names are those of package
// replication where the meaning is the same; positions are binlog positions in the
// encoding of the mirror's position (file number × 2³² + offset).
func (r *Replicator) Register(reg prometheus.Registerer) error {
	gauge := func(name, help string, f func(Status) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(r.Status()) })
	}
	counter := func(name, help string, f func(Status) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(r.Status()) })
	}
	for _, c := range []prometheus.Collector{
		gauge("weir_replication_connected", "1 while changes stream from the upstream.", func(s Status) float64 { return bool01(s.Connected) }),
		gauge("weir_replication_snapshot_rows", "Rows copied by the current or last copy.", func(s Status) float64 { return float64(s.SnapshotRows) }),
		gauge("weir_replication_snapshot_rows_estimate", "The upstream's estimate of the rows the copy takes.", func(s Status) float64 { return float64(s.SnapshotTotal) }),
		gauge("weir_replication_snapshotting", "1 while a copy runs.", func(s Status) float64 { return bool01(s.Snapshotting) }),
		counter("weir_replication_snapshots_total", "Copies of the upstream taken (the first, and any after a purged binlog or a schema change).", func(s Status) float64 { return float64(s.Snapshots) }),
		gauge("weir_replication_applied_binlog_position", "Upstream binlog position the mirror reflects (file number × 2^32 + offset).", func(s Status) float64 { return float64(s.Applied) }),
		gauge("weir_replication_durable_binlog_position", "Upstream binlog position stored in Weir (file number × 2^32 + offset).", func(s Status) float64 { return float64(s.Durable) }),
		gauge("weir_replication_lag_seconds", "Age of the newest applied upstream commit while behind; 0 when caught up.", func(s Status) float64 { return s.LagSeconds }),
		counter("weir_replication_transactions_total", "Upstream transactions applied.", func(s Status) float64 { return float64(s.Transactions) }),
		counter("weir_replication_changes_total", "Upstream row changes applied.", func(s Status) float64 { return float64(s.Changes) }),
		counter("weir_replication_ddl_total", "Upstream DDL statements on mirrored tables.", func(s Status) float64 { return float64(s.DDL) }),
		counter("weir_replication_ddl_in_place_total", "Upstream DDL statements followed without a fresh copy.", func(s Status) float64 { return float64(s.InPlace) }),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
