package server

import (
	"fmt"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts what the server does; SHOW STATUS reads the counters, and Prometheus too
// when a registry is configured.
type metrics struct {
	connected  atomic.Int64
	accepted   atomic.Int64
	statements atomic.Int64
	errors     atomic.Int64
}

func newMetrics() *metrics { return &metrics{} }

// statement counts one statement and whether it failed.
func (m *metrics) statement(err error) {
	m.statements.Add(1)
	if err != nil {
		m.errors.Add(1)
	}
}

func (m *metrics) register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "weir_mysql_connections", Help: "MySQL protocol connections open now.",
		}, func() float64 { return float64(m.connected.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_mysql_connections_total", Help: "MySQL protocol connections accepted.",
		}, func() float64 { return float64(m.accepted.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_mysql_statements_total", Help: "Statements run over the MySQL protocol (text queries and prepared statement executions).",
		}, func() float64 { return float64(m.statements.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_mysql_statement_errors_total", Help: "Statements that returned an error to the client.",
		}, func() float64 { return float64(m.errors.Load()) }),
	} {
		if err := r.Register(c); err != nil {
			return fmt.Errorf("weir: server metrics: %w", err)
		}
	}
	return nil
}
