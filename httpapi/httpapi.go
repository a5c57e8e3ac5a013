package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/weirdb/weir"
)

// Config wires the handler into the server around it.
type Config struct {
	// Registry receives the engine's metrics and the Go and process collectors, and is what
	// /metrics serves. Other parts of the server register their own metrics on it. nil means
	// a new registry of the handler's own; the global default registry is never used.
	Registry *prometheus.Registry
	// Logger receives failed reads (server errors at error level, the rest at debug) and
	// errors gathering metrics. nil means no logging.
	Logger *zap.Logger
}

// New returns the HTTP handler for e: GET /healthz, GET /metrics and GET /v1/views/{name}.
// It registers its collectors on cfg.Registry; a Go or process collector already there is
// kept.
func New(e *weir.Engine, cfg Config) http.Handler {
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	h := &handler{e: e, log: cfg.Logger}

	if err := cfg.Registry.Register(newEngineCollector(e)); err != nil {
		// Only a second handler on one registry gets here: its engine's figures would clash
		// with the first's, so /metrics keeps reporting the first.
		cfg.Logger.Error("engine metrics not registered", zap.Error(err))
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		newGCPauseCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := cfg.Registry.Register(c); err != nil && !isAlreadyRegistered(err) {
			cfg.Logger.Error("runtime metrics not registered", zap.Error(err))
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{
		ErrorLog: zap.NewStdLog(cfg.Logger.Named("metrics")),
		// One failing collector (another package's) must not take the engine's figures
		// down with it.
		ErrorHandling: promhttp.ContinueOnError,
	}))
	mux.HandleFunc("GET /v1/views/{name}", h.view)
	return mux
}

func isAlreadyRegistered(err error) bool {
	var are prometheus.AlreadyRegisteredError
	return errors.As(err, &are)
}

type handler struct {
	e   *weir.Engine
	log *zap.Logger
}

// healthz answers 200 while the engine is open, so a load balancer stops sending reads as
// soon as it is closed.
func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if engineClosed(r.Context(), h.e) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("engine closed\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// engineClosed reports whether e has been closed.
func engineClosed(_ context.Context, e *weir.Engine) bool { return e.Closed() }
