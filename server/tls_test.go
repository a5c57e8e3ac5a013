package server_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/internal/testcert"
	"github.com/weirdb/weir/server"
)

// TestTLS connects over TLS with both auth methods, then reads and writes; a client that
// insists on TLS against a server without it is refused.
func TestTLS(t *testing.T) {
	cert, pool := testcert.SelfSigned(t)
	if err := mysql.RegisterTLSConfig("weir-test", &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{server.AuthNative, server.AuthCachingSHA2} {
		t.Run(method, func(t *testing.T) {
			_, _, addr := startServer(t, server.Config{
				Users:      map[string]string{"app": "s3cret"},
				AuthMethod: method,
				TLS:        &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
			})
			db, err := sql.Open("mysql", fmt.Sprintf("app:s3cret@tcp(%s)/weir?tls=weir-test", addr))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			for _, q := range []string{"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'secret')"} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s over TLS: %v", q, err)
				}
			}
			var v string
			if err := db.QueryRowContext(ctx, "SELECT v FROM t WHERE id = ?", 1).Scan(&v); err != nil || v != "secret" {
				t.Fatalf("read over TLS: %q, %v", v, err)
			}
			var ssl string
			if err := db.QueryRowContext(ctx, "SELECT @@have_ssl").Scan(&ssl); err != nil || ssl != "YES" {
				t.Fatalf("@@have_ssl: %q, %v", ssl, err)
			}
			// Without TLS, the same server still serves clients that do not ask for it.
			plain, _ := sql.Open("mysql", fmt.Sprintf("app:s3cret@tcp(%s)/weir", addr))
			defer plain.Close()
			if err := plain.PingContext(ctx); err != nil {
				t.Fatalf("plain connection to a TLS-capable server: %v", err)
			}
		})
	}
	_, _, addr := startServer(t, server.Config{})
	db, _ := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir?tls=weir-test", addr))
	defer db.Close()
	if err := db.Ping(); err == nil {
		t.Fatal("a client requiring TLS connected to a server without it")
	}
}

// TestTLSPreparedErrorsKeepTheirNumbers: over TLS too, errors of prepared statements reach
// the client with their MySQL numbers.
func TestTLSPreparedErrorsKeepTheirNumbers(t *testing.T) {
	cert, pool := testcert.SelfSigned(t)
	if err := mysql.RegisterTLSConfig("weir-test-prepared", &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	_, _, addr := startServer(t, server.Config{TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(%s)/weir?tls=weir-test-prepared&interpolateParams=false", addr))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (?)", 1); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (?)", 1)
	wantCode(t, err, 1062, "a duplicate key through a prepared INSERT over TLS")
}
