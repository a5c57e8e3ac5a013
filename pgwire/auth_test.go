package pgwire

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weirdb/weir/internal/testcert"
)

// TestAuthentication logs in with SCRAM-SHA-256 and md5, and without a password for a user
// that has none; a wrong password and an unknown user get 28P01.
func TestAuthentication(t *testing.T) {
	users := map[string]string{"root": "", "alice": "s3cret pass"}
	for _, method := range []string{AuthSCRAM, AuthMD5} {
		t.Run(method, func(t *testing.T) {
			e := openEngine(t)
			s := startServer(t, e, Config{Users: users, AuthMethod: method})
			ctx := testCtx(t)
			conn := connect(t, dsn(s, "alice", "s3cret%20pass"))
			var one int
			if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("SELECT 1: %v %d", err, one)
			}
			if got := conn.PgConn().ParameterStatus("session_authorization"); got != "alice" {
				t.Fatalf("session_authorization %q", got)
			}
			connect(t, dsn(s, "root", ""))
			for _, bad := range []string{dsn(s, "alice", "wrong"), dsn(s, "mallory", "s3cret%20pass"), dsn(s, "alice", "")} {
				_, err := pgx.Connect(ctx, bad)
				if code := pgCode(err); code != "28P01" {
					t.Errorf("%s: %v (code %q), want 28P01", bad, err, code)
				}
			}
		})
	}
}

// TestTLS upgrades to TLS when the client asks, and answers 'N' without a certificate.
func TestTLS(t *testing.T) {
	cert, pool := testcert.SelfSigned(t)
	e := openEngine(t)
	s := startServer(t, e, Config{Users: map[string]string{"alice": "pw"}, TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	ctx := testCtx(t)
	cfg, err := pgx.ParseConfig(dsn(s, "alice", "pw") + "&sslmode=verify-full")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	cfg.Fallbacks = nil
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
		t.Fatalf("connection is %T, not TLS", conn.PgConn().Conn())
	}
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}

	plain := startServer(t, openEngine(t), Config{})
	if _, err := pgx.Connect(ctx, dsn(plain, "root", "")+"&sslmode=require"); err == nil {
		t.Fatal("sslmode=require connected to a server without TLS")
	}
	connect(t, dsn(plain, "root", "")+"&sslmode=prefer")
}

// TestStartupRefusals: a GSSENCRequest is answered 'N', an unknown protocol version and a
// replication connection are refused with FATAL errors, and an unknown database is 3D000.
func TestStartupRefusals(t *testing.T) {
	s := startServer(t, openEngine(t), Config{})
	ctx := testCtx(t)
	nc, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	msg := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), codeGSSENCRequest)
	if _, err := nc.Write(msg); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := nc.Read(b); err != nil || b[0] != 'N' {
		t.Fatalf("GSSENCRequest: %q %v", b, err)
	}
	// Protocol 2.0.
	msg = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 9), 2<<16)
	msg = append(msg, 0)
	if _, err := nc.Write(msg); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, 512)
	n, _ := nc.Read(reply)
	if n == 0 || reply[0] != 'E' || !bytes.Contains(reply[:n], []byte("0A000")) {
		t.Fatalf("protocol 2.0: %q", reply[:n])
	}
	if _, err := pgx.Connect(ctx, dsn(s, "root", "")+"&replication=database"); pgCode(err) != "0A000" {
		t.Fatalf("replication connection: %v", err)
	}
	a := s.Addr().(*net.TCPAddr)
	if _, err := pgx.Connect(ctx, "postgres://root@127.0.0.1:"+itoa(a.Port)+"/nosuchdb?sslmode=disable"); pgCode(err) != "3D000" {
		t.Fatalf("unknown database: %v", err)
	}
}
