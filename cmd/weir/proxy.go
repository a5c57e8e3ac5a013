package main

import (
	"fmt"
	"net/url"

	"github.com/weirdb/weir/server"
)

// proxyConfig is the MySQL listener's proxy mode for an upstream MySQL or MariaDB
// (--upstream mysql://…), nil for any other upstream or none.
func proxyConfig(cfg *serveConfig) (*server.ProxyConfig, error) {
	u, err := url.Parse(cfg.Upstream)
	if cfg.Upstream == "" || err != nil || (u.Scheme != "mysql" && u.Scheme != "mariadb") {
		return nil, nil
	}
	p, err := server.ParseUpstreamURL(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	switch cfg.ProxyCredentials {
	case "upstream":
	case "client":
		p.ClientCredentials = true
	default:
		return nil, fmt.Errorf("--proxy-credentials %q: want upstream or client", cfg.ProxyCredentials)
	}
	p.AutoCache = cfg.AutoCache
	p.MaxShapes = cfg.ProxyMaxShapes
	return &p, nil
}
