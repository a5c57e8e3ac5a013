package pgwire

import (
	"fmt"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts what the listener does. Connections add their counts once per batch of
// messages read together, not once per message: the counters are shared by every core.
type metrics struct {
	connected atomic.Int64
	accepted  atomic.Int64
	rejected  atomic.Int64
	authFails atomic.Int64
	cancels   atomic.Int64
	panics    atomic.Int64
	messages  [numKinds]atomic.Int64
	errors    atomic.Int64
}

// kind is the class of a statement or message, the label of weir_pg_statements_total.
type kind uint8

const (
	kindQuery   kind = iota // a statement of a simple Query message
	kindExecute             // an Execute of the extended protocol
	kindParse
	kindBind
	kindSession // SET, SHOW and the other statements the session answers
	kindCatalog // a catalog question answered from Weir's catalog
	numKinds
)

var kindNames = [numKinds]string{"query", "execute", "parse", "bind", "session", "catalog"}

// counts is a connection's tally since it last flushed into metrics.
type counts struct {
	messages [numKinds]int64
	errors   int64
}

func (m *metrics) flush(c *counts) {
	for k, n := range c.messages {
		if n != 0 {
			m.messages[k].Add(n)
			c.messages[k] = 0
		}
	}
	if c.errors != 0 {
		m.errors.Add(c.errors)
		c.errors = 0
	}
}

func (m *metrics) register(r prometheus.Registerer) error {
	gauge := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	cs := []prometheus.Collector{
		gauge("weir_pg_connections", "PostgreSQL protocol connections open now.", &m.connected),
		counter("weir_pg_connections_total", "PostgreSQL protocol connections accepted (cancel requests included).", &m.accepted),
		counter("weir_pg_rejected_connections_total", "PostgreSQL protocol connections refused because MaxConnections were open.", &m.rejected),
		counter("weir_pg_auth_failures_total", "PostgreSQL protocol logins refused.", &m.authFails),
		counter("weir_pg_cancel_requests_total", "PostgreSQL protocol cancel requests that named a connection.", &m.cancels),
		counter("weir_pg_errors_total", "PostgreSQL protocol ErrorResponses sent.", &m.errors),
		counter("weir_pg_panics_total", "PostgreSQL protocol connections closed by an internal error.", &m.panics),
	}
	for k := range numKinds {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "weir_pg_statements_total",
			Help:        "PostgreSQL protocol work, by kind: query (a statement of a simple Query), execute, parse, bind, session (SET, SHOW, transaction control), catalog.",
			ConstLabels: prometheus.Labels{"kind": kindNames[k]},
		}, func() float64 { return float64(m.messages[k].Load()) }))
	}
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			return fmt.Errorf("weir: PostgreSQL protocol metrics: %w", err)
		}
	}
	return nil
}
