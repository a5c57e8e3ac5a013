// Package servertest runs a Weir engine behind its MySQL server for tests: on a free
// loopback port, shut down and checked when the test ends.
package servertest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/server"
)

// Start opens an engine with opts, serves it with cfg on a free loopback port until the test
// ends, and returns the engine, the server and its address. At cleanup the server must shut
// down within ten seconds and Serve must have returned without error.
func Start(t testing.TB, opts weir.Options, cfg server.Config) (*weir.Engine, *server.Server, string) {
	t.Helper()
	e, err := weir.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(e, cfg)
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("close engine: %v", err)
		}
	})
	return e, srv, ln.Addr().String()
}
