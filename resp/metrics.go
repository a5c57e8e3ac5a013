package resp

import (
	"fmt"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts what the listener does. Connections add their command counts once per
// batch of commands read together, not once per command: the counters are shared by every
// core.
type metrics struct {
	connected atomic.Int64
	accepted  atomic.Int64
	rejected  atomic.Int64
	panics    atomic.Int64
	commands  [numKinds]atomic.Int64
	errors    atomic.Int64
}

// kind is the class of a command, the label of weir_resp_commands_total.
type kind uint8

const (
	kindGet kind = iota
	kindMGet
	kindGetAfter
	kindAuth
	kindWrite
	kindUnknown
	kindOther
	numKinds
)

var kindNames = [numKinds]string{"get", "mget", "getafter", "auth", "write", "unknown", "other"}

// counts is a connection's tally since it last flushed into metrics.
type counts struct {
	commands [numKinds]int64
	errors   int64
}

func (m *metrics) flush(c *counts) {
	for k, n := range c.commands {
		if n != 0 {
			m.commands[k].Add(n)
			c.commands[k] = 0
		}
	}
	if c.errors != 0 {
		m.errors.Add(c.errors)
		c.errors = 0
	}
}

func (m *metrics) register(r prometheus.Registerer) error {
	cs := []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "weir_resp_connections", Help: "Redis protocol connections open now.",
		}, func() float64 { return float64(m.connected.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_resp_connections_total", Help: "Redis protocol connections accepted.",
		}, func() float64 { return float64(m.accepted.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_resp_rejected_connections_total", Help: "Redis protocol connections refused because MaxConnections were open.",
		}, func() float64 { return float64(m.rejected.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_resp_command_errors_total", Help: "Redis protocol commands answered with an error (an MGET key answered nil counts too).",
		}, func() float64 { return float64(m.errors.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "weir_resp_panics_total", Help: "Redis protocol connections closed by an internal error.",
		}, func() float64 { return float64(m.panics.Load()) }),
	}
	for k := range numKinds {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "weir_resp_commands_total",
			Help:        "Redis protocol commands received, by kind: get, mget, getafter (WEIR.GETAFTER and WEIR.MGETAFTER), auth (AUTH and HELLO), write (refused), unknown, other.",
			ConstLabels: prometheus.Labels{"command": kindNames[k]},
		}, func() float64 { return float64(m.commands[k].Load()) }))
	}
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			return fmt.Errorf("weir: RESP metrics: %w", err)
		}
	}
	return nil
}
