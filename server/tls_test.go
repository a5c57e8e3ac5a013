package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"fmt"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/weirdb/weir/server"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "weir test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

// TestTLS connects over TLS with both auth methods, then reads and writes; a client that
// insists on TLS against a server without it is refused.
func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
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
	cert, pool := selfSigned(t)
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
