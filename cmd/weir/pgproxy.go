package main

import (
	"fmt"
	"strings"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/pgwire"
)

// pgProxyConfig is the PostgreSQL listener's proxy mode for an upstream PostgreSQL
// (--upstream postgres://…), nil for any other upstream or none.
func pgProxyConfig(cfg *serveConfig, e *weir.Engine) (*pgwire.ProxyConfig, error) {
	if !strings.HasPrefix(cfg.Upstream, "postgres://") && !strings.HasPrefix(cfg.Upstream, "postgresql://") {
		return nil, nil
	}
	up, err := pgwire.ParseUpstreamURL(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	p := &pgwire.ProxyConfig{Upstream: up, AutoCache: cfg.AutoCache, MaxShapes: cfg.ProxyMaxShapes}
	switch cfg.ProxyCredentials {
	case "upstream":
	case "client":
		p.ClientCredentials = true
	default:
		return nil, fmt.Errorf("--proxy-credentials %q: want upstream or client", cfg.ProxyCredentials)
	}
	if m := e.Mirror(); m != nil {
		p.Positions = m
	}
	return p, nil
}
