package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/replication"
	"github.com/weirdb/weir/replication/binlog"
)

// upstreamFollower keeps a mirroring engine equal to its upstream: PostgreSQL's logical
// replication (package replication) or a MySQL/MariaDB binary log (package binlog).
type upstreamFollower interface {
	Run(ctx context.Context) error
	Ready() <-chan struct{}
	Register(reg prometheus.Registerer) error
	StatusRows() [][2]string
}

// newUpstreamFollower picks the follower by the --upstream URL's scheme: mysql:// and
// mariadb:// follow the binary log, anything else is PostgreSQL's.
func newUpstreamFollower(e *weir.Engine, cfg *serveConfig, log *zap.Logger, progress io.Writer) (upstreamFollower, error) {
	var tables []string
	for _, t := range strings.Split(cfg.Tables, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tables = append(tables, t)
		}
	}
	if binlog.IsURL(cfg.Upstream) {
		if cfg.ServerID > math.MaxUint32 {
			return nil, fmt.Errorf("--server-id %d: a server id is at most %d", cfg.ServerID, uint32(math.MaxUint32))
		}
		return binlog.New(e, binlog.Config{URL: cfg.Upstream, Tables: tables, ServerID: uint32(cfg.ServerID), Logger: log.Named("binlog"), Progress: progress})
	}
	return replication.New(e, replication.Config{URL: cfg.Upstream, Tables: tables, Slot: cfg.Slot, Publication: cfg.Publication, Logger: log.Named("replication"), Progress: progress})
}
