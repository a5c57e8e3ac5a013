package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/pgwire"
)

// The protocols the consistency benchmark's readers can read Weir over
// (ConsistencyConfig.Protocol).
const (
	ProtocolMySQL    = "mysql"
	ProtocolPostgres = "postgres"
)

// checkConsistencyProtocol refuses a protocol the readers cannot use.
func checkConsistencyProtocol(cfg ConsistencyConfig) error {
	switch cfg.Protocol {
	case "", ProtocolMySQL:
		return nil
	case ProtocolPostgres:
		if cfg.Inproc {
			return errors.New("bench: consistency: readers in process use no protocol: drop the protocol or Inproc")
		}
		return nil
	}
	return fmt.Errorf("bench: consistency: protocol %q: want mysql or postgres", cfg.Protocol)
}

// readWeirOverPostgres serves e on Weir's PostgreSQL protocol listener (pgwire, the
// PostgreSQL dialect, as `weir serve --pg-listen` does) on a loopback port and returns a
// reader of one counter through a pgx pool of the given size: pgx prepares the query once
// per connection and then binds and executes it, as applications' PostgreSQL drivers do.
func readWeirOverPostgres(ctx context.Context, e *weir.Engine, readers int) (read func(context.Context, int) (int64, error), stop func(), err error) {
	srv, err := pgwire.New(e, pgwire.Config{MaxConnections: readers + 16})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stopServer := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-served
	}
	pc, err := pgxpool.ParseConfig("postgres://root@" + ln.Addr().String() + "/weir?sslmode=disable")
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	pc.MaxConns = int32(readers)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	read = func(ctx context.Context, id int) (int64, error) {
		var v int64
		err := pool.QueryRow(ctx, "SELECT value FROM weir_counters WHERE id = $1", id).Scan(&v)
		return v, err
	}
	return read, func() { pool.Close(); stopServer() }, nil
}
