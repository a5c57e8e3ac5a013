package server_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	gmysql "github.com/go-mysql-org/go-mysql/mysql"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/weirdb/weir/server"
)

// TestManyConnections runs 256 connections at once, half through the text protocol
// (interpolateParams=true) and half through prepared statements, each inserting votes and
// reading them back by count and through a join. Every read must see at least the votes its
// own connection had acknowledged (reads wait for acknowledged writes) and at most the votes
// sent so far; once every writer is done, each article's count over the wire is exactly the
// number of votes inserted for it.
func TestManyConnections(t *testing.T) {
	const (
		conns    = 256
		articles = 16
		rounds   = 6 // per connection: insert a vote, count, join
	)
	_, _, addr := startServer(t, server.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dbs := [2]*sql.DB{openDB(t, addr, "interpolateParams=true"), openDB(t, addr, "interpolateParams=false")}
	for _, db := range dbs {
		// Every connection is held at once: the pool must neither cap nor recycle them.
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
	}
	for _, q := range []string{
		"CREATE TABLE article (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL)",
		"CREATE TABLE vote (article_id INT NOT NULL, user_id INT NOT NULL)",
	} {
		if _, err := dbs[0].ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for a := 1; a <= articles; a++ {
		if _, err := dbs[0].ExecContext(ctx, "INSERT INTO article VALUES (?, ?)", a, fmt.Sprintf("article %d", a)); err != nil {
			t.Fatal(err)
		}
	}

	// Open every connection before any starts working, so all of them are served at once.
	cs := make([]*sql.Conn, conns)
	for i := range cs {
		c, err := dbs[i%2].Conn(ctx)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		cs[i] = c
	}
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	if n := threadsConnected(t, cs[0]); n < conns {
		t.Fatalf("Threads_connected %d with %d connections open", n, conns)
	}

	// sent[a] counts the votes for article a written so far, counted before each is sent:
	// an upper bound of what any read may see. mine[i][a] counts the votes connection i had
	// acknowledged: a lower bound of what its next read must see.
	var sent [articles + 1]atomic.Int64
	mine := make([][articles + 1]int64, conns)
	const countQ = "SELECT COUNT(*) FROM vote WHERE article_id = ?"
	const joinQ = "SELECT a.title, COUNT(v.user_id) FROM article a JOIN vote v ON v.article_id = a.id WHERE a.id = ? GROUP BY a.id, a.title"
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			for r := range rounds {
				a := 1 + (i*7+r*5)%articles
				sent[a].Add(1)
				if _, err := c.ExecContext(ctx, "INSERT INTO vote (article_id, user_id) VALUES (?, ?)", a, i*rounds+r); err != nil {
					t.Errorf("connection %d: insert: %v", i, err)
					return
				}
				mine[i][a]++
				var n int64
				if err := c.QueryRowContext(ctx, countQ, a).Scan(&n); err != nil {
					t.Errorf("connection %d: count: %v", i, err)
					return
				}
				if hi := sent[a].Load(); n < mine[i][a] || n > hi {
					t.Errorf("connection %d: article %d has %d votes; want between %d (its own) and %d (sent)", i, a, n, mine[i][a], hi)
					return
				}
				var title string
				if err := c.QueryRowContext(ctx, joinQ, a).Scan(&title, &n); err != nil {
					t.Errorf("connection %d: join: %v", i, err)
					return
				}
				if hi := sent[a].Load(); title != fmt.Sprintf("article %d", a) || n < mine[i][a] || n > hi {
					t.Errorf("connection %d: join for article %d: %q, %d votes; want between %d and %d", i, a, title, n, mine[i][a], hi)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d connections × %d rounds in %v", conns, rounds, time.Since(start).Round(time.Millisecond))
	if t.Failed() {
		return
	}

	// All writers are done: every count is exact, through both protocols.
	total := int64(0)
	for a := 1; a <= articles; a++ {
		want := int64(0)
		for i := range mine {
			want += mine[i][a]
		}
		total += want
		if s := sent[a].Load(); s != want {
			t.Fatalf("article %d: %d votes sent, %d acknowledged", a, s, want)
		}
		for _, c := range cs[:2] {
			var n int64
			if err := c.QueryRowContext(ctx, countQ, a).Scan(&n); err != nil || n != want {
				t.Errorf("article %d: COUNT(*) = %d, %v; want %d", a, n, err, want)
			}
			var title string
			if err := c.QueryRowContext(ctx, joinQ, a).Scan(&title, &n); want > 0 && (err != nil || n != want) {
				t.Errorf("article %d: join count %d, %v; want %d", a, n, err, want)
			}
		}
	}
	if total != conns*rounds {
		t.Fatalf("%d votes acknowledged, want %d", total, conns*rounds)
	}
}

// threadsConnected reads SHOW STATUS's Threads_connected: the connections the server is
// serving.
func threadsConnected(t testing.TB, c *sql.Conn) int {
	t.Helper()
	var name string
	var n int
	if err := c.QueryRowContext(context.Background(), "SHOW STATUS LIKE 'Threads_connected'").Scan(&name, &n); err != nil {
		t.Fatalf("SHOW STATUS: %v", err)
	}
	return n
}

// waitThreadsConnected retries SHOW STATUS until the server serves want connections: a
// connection's goroutine ends just after the client sees its socket closed. It fails the
// test if the count does not come down within the deadline (a connection goroutine leaked).
func waitThreadsConnected(t *testing.T, c *sql.Conn, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := threadsConnected(t, c)
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Threads_connected is %d, want %d: a connection was not released", n, want)
		}
	}
}

// keepWorking writes and reads on a connection of its own until the returned stop is called,
// failing the test if a statement fails or reads back a wrong count: it is the client that
// other clients' misbehaviour must not disturb.
func keepWorking(t *testing.T, db *sql.DB, table string) (stop func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY, n INT)"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	var rounds atomic.Int64
	round := func(i int) error {
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+table+" VALUES (?, ?)", i, i); err != nil {
			return fmt.Errorf("insert %d: %w", i, err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			return fmt.Errorf("count after insert %d: %w", i, err)
		}
		if n != i {
			return fmt.Errorf("count %d after %d inserts", n, i)
		}
		rounds.Store(int64(i))
		return nil
	}
	go func() {
		defer close(finished)
		for i := 1; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if err := round(i); err != nil {
				t.Errorf("the healthy connection failed: %v", err)
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		defer conn.Close()
		if !t.Failed() {
			// One more round after the others are gone.
			if err := round(int(rounds.Load()) + 1); err != nil {
				t.Errorf("the healthy connection failed at the end: %v", err)
			}
		}
		t.Logf("the healthy connection ran %d rounds", rounds.Load())
	}
}

// TestDisconnectMidResult sends queries with large results and closes the connection
// without reading them (right after the query, once the result has started arriving, and
// with a reset instead of a close). The server must give up on those connections alone: a
// connection working meanwhile is unaffected, every connection is released, and the
// server shuts down cleanly (startServer's cleanup).
func TestDisconnectMidResult(t *testing.T) {
	_, _, addr := startServer(t, server.Config{})
	ctx := context.Background()
	db := openDB(t, addr, "")
	const rows = 3000
	if _, err := db.ExecContext(ctx, "CREATE TABLE big (id INT PRIMARY KEY, grp INT, s TEXT)"); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 600)
	for lo := 0; lo < rows; lo += 1000 {
		var b strings.Builder
		b.WriteString("INSERT INTO big VALUES ")
		for i := lo; i < lo+1000; i++ {
			if i > lo {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d, 1, '%05d%s')", i, i, pad)
		}
		if _, err := db.ExecContext(ctx, b.String()); err != nil {
			t.Fatal(err)
		}
	}
	const bigQ = "SELECT id, s FROM big WHERE grp = 1"
	// The result the clients below abandon: every row, about 2 MB, so the server is often
	// still writing when a client goes (its write fails) and otherwise finds the client gone
	// at its next read; either way the connection must end.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM big WHERE grp = 1").Scan(&n); err != nil || n != rows {
		t.Fatalf("rows %d, %v; want %d", n, err, rows)
	}
	status, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer status.Close()
	stop := keepWorking(t, db, "healthy")
	baseline := threadsConnected(t, status)

	for _, how := range []string{"close at once", "close mid-result", "reset mid-result"} {
		for range 2 {
			c, err := client.Connect(addr, "root", "", "weir")
			if err != nil {
				t.Fatal(err)
			}
			nc := c.Conn.Conn
			c.ResetSequence()
			if err := c.WritePacket(append(make([]byte, 4), append([]byte{gmysql.COM_QUERY}, bigQ...)...)); err != nil {
				t.Fatal(err)
			}
			if how != "close at once" {
				// The server is writing the result: wait for its first bytes.
				nc.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := io.ReadFull(nc, make([]byte, 4)); err != nil {
					t.Fatalf("%s: no result: %v", how, err)
				}
			}
			if how == "reset mid-result" {
				nc.(*net.TCPConn).SetLinger(0)
			}
			nc.Close()
		}
	}
	waitThreadsConnected(t, status, baseline)
	stop()

	// A full read of the same result on a connection that stays.
	rs, err := db.QueryContext(ctx, bigQ)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for rs.Next() {
		got++
	}
	if err := rs.Err(); err != nil || got != rows {
		t.Fatalf("read %d rows, %v; want %d", got, err, rows)
	}
	rs.Close()
}

// TestGarbage sends what no client should: random bytes in place of a handshake response,
// malformed packets after a valid handshake, and unknown commands. Each may at worst close
// its own connection (a bad packet that gets an error reply leaves its connection working);
// a connection working meanwhile is unaffected, and every connection is released.
func TestGarbage(t *testing.T) {
	panics := &panicRecorder{}
	_, _, addr := startServer(t, server.Config{Logger: zap.New(panics)})
	ctx := context.Background()
	db := openDB(t, addr, "")
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	status, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer status.Close()
	stop := keepWorking(t, db, "healthy")
	baseline := threadsConnected(t, status)
	rng := rand.New(rand.NewPCG(1, 2))

	t.Run("random bytes for a handshake response", func(t *testing.T) {
		for i := range 24 {
			garbage := make([]byte, 1+rng.IntN(300))
			for j := range garbage {
				garbage[j] = byte(rng.Uint32())
			}
			if i%2 == 1 {
				// Framed as a packet, so the payload reaches the handshake parser.
				garbage = append([]byte{byte(len(garbage)), byte(len(garbage) >> 8), 0, 1}, garbage...)
			}
			nc := dialHandshake(t, addr)
			if _, err := nc.Write(garbage); err != nil {
				t.Fatal(err)
			}
			// Whatever the server made of it, once the client stops sending it must let
			// the connection go.
			nc.(*net.TCPConn).CloseWrite()
			expectClosed(t, nc, fmt.Sprintf("garbage %d", i))
			nc.Close()
		}
	})

	t.Run("handshake response with truncated attributes", func(t *testing.T) {
		for _, attrs := range [][]byte{{0xfc}, {0xfe, 1}, {0x05, 0x03, 'k'}, {0x02, 0xfd, 0x01}} {
			nc := dialHandshake(t, addr)
			payload := handshakeResponse("root", attrs)
			if _, err := nc.Write(append(packetHeader(len(payload), 1), payload...)); err != nil {
				t.Fatal(err)
			}
			nc.(*net.TCPConn).CloseWrite()
			expectClosed(t, nc, fmt.Sprintf("attributes %x", attrs))
			nc.Close()
		}
	})

	t.Run("wrong sequence number", func(t *testing.T) {
		c := connectRaw(t, addr)
		c.Sequence = 7
		if err := c.WritePacket(append(make([]byte, 4), append([]byte{gmysql.COM_QUERY}, "SELECT 1"...)...)); err != nil {
			t.Fatal(err)
		}
		expectClosed(t, c.Conn.Conn, "a command with sequence number 7")
	})

	t.Run("unknown statement id", func(t *testing.T) {
		c := connectRaw(t, addr)
		reply := command(t, c, []byte{gmysql.COM_STMT_EXECUTE, 0xef, 0xbe, 0xad, 0xde, 0, 1, 0, 0, 0})
		wantErrPacket(t, reply, gmysql.ER_UNKNOWN_STMT_HANDLER)
		if err := c.Ping(); err != nil {
			t.Fatalf("ping after an unknown statement id: %v", err)
		}
	})

	t.Run("truncated COM_STMT_EXECUTE", func(t *testing.T) {
		c := connectRaw(t, addr)
		st, err := c.Prepare("SELECT s FROM t WHERE id = ? AND s = ?")
		if err != nil {
			t.Fatal(err)
		}
		id := binary.LittleEndian.AppendUint32(nil, st.ID)
		head := append(append([]byte{gmysql.COM_STMT_EXECUTE}, id...), 0, 1, 0, 0, 0) // flags, iterations
		types := []byte{gmysql.MYSQL_TYPE_LONGLONG, 0, gmysql.MYSQL_TYPE_VAR_STRING, 0}
		for _, p := range []struct {
			what   string
			packet []byte
		}{
			{"id only", append([]byte{gmysql.COM_STMT_EXECUTE}, id...)},
			{"no null bitmap", head},
			{"no types", append(append([]byte{}, head...), 0, 1)},
			{"half the types", append(append([]byte{}, head...), 0, 1, gmysql.MYSQL_TYPE_LONGLONG, 0)},
			{"no values", append(append(append([]byte{}, head...), 0, 1), types...)},
			{"half an integer", append(append(append(append([]byte{}, head...), 0, 1), types...), 1, 0, 0)},
			{"string length past the end", append(append(append(append([]byte{}, head...), 0, 1), types...), 1, 0, 0, 0, 0, 0, 0, 0, 0x20, 'a')},
			{"2-byte string length cut", append(append(append(append([]byte{}, head...), 0, 1), types...), 1, 0, 0, 0, 0, 0, 0, 0, 0xfc)},
			{"8-byte string length cut", append(append(append(append([]byte{}, head...), 0, 1), types...), 1, 0, 0, 0, 0, 0, 0, 0, 0xfe, 1, 2)},
			{"unknown type", append(append(append([]byte{}, head...), 0, 1), 0xf0, 0, 0xf0, 0, 1, 2, 3)},
		} {
			if c == nil {
				c = connectRaw(t, addr)
				if st, err = c.Prepare("SELECT s FROM t WHERE id = ? AND s = ?"); err != nil {
					t.Fatal(err)
				}
				copy(p.packet[1:5], binary.LittleEndian.AppendUint32(nil, st.ID))
			}
			if !answeredOrClosed(t, c, p.packet, p.what) {
				c = nil // closed: the next packet needs a new connection
			}
		}
	})

	t.Run("empty packet", func(t *testing.T) {
		c := connectRaw(t, addr)
		answeredOrClosed(t, c, nil, "an empty command packet")
	})

	t.Run("header announcing more than is sent", func(t *testing.T) {
		for _, n := range []int{1000, 1 << 20, 0xffffff} {
			c := connectRaw(t, addr)
			nc := c.Conn.Conn
			if _, err := nc.Write(append(packetHeader(n, 0), gmysql.COM_QUERY, 'S', 'E', 'L')); err != nil {
				t.Fatal(err)
			}
			nc.(*net.TCPConn).CloseWrite()
			expectClosed(t, nc, fmt.Sprintf("a packet of %d bytes cut short", n))
		}
	})

	t.Run("unknown commands", func(t *testing.T) {
		c := connectRaw(t, addr)
		for _, cmd := range []byte{0x00, gmysql.COM_CHANGE_USER, gmysql.COM_BINLOG_DUMP, gmysql.COM_REGISTER_SLAVE, gmysql.COM_BINLOG_DUMP_GTID, 0x20, 0x7f, 0xfe, 0xff} {
			reply := command(t, c, []byte{cmd, 1, 2, 3})
			wantErrPacket(t, reply, 1047)
			if err := c.Ping(); err != nil {
				t.Fatalf("ping after command %#x: %v", cmd, err)
			}
		}
	})

	waitThreadsConnected(t, status, baseline)
	stop()
	// The panics go-mysql's parsers raised on this input were recovered, and closed their
	// own connections only; a panic in Weir's code would be a bug of its own.
	for _, p := range panics.all() {
		if panicInWeir(p) {
			t.Errorf("a panic in Weir's code:\n%s", p)
		} else {
			t.Logf("recovered a panic in go-mysql at %s", panicSite(p))
		}
	}
}

// panicFrames lists the functions of a recorded panic's stack between the panic and the
// connection loop, innermost first, leaving out the runtime's and the recovering function.
func panicFrames(p string) []string {
	_, stack, _ := strings.Cut(p, "\nstack: ")
	var out []string
	for _, line := range strings.Split(stack, "\n") {
		if strings.Contains(line, "(*Server).serveConn") && !strings.Contains(line, "serveConn.func") {
			break
		}
		if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "runtime.") ||
			strings.Contains(line, "serveConn.func") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// panicSite is the function a recorded panic was raised in.
func panicSite(p string) string {
	if f := panicFrames(p); len(f) > 0 {
		return f[0]
	}
	return "(unknown)"
}

// panicInWeir reports whether a recorded panic went through Weir's code (its session,
// engine or result encoding) rather than only through go-mysql's packet parsing under the
// connection loop.
func panicInWeir(p string) bool {
	for _, f := range panicFrames(p) {
		if strings.Contains(f, "github.com/weirdb/weir") {
			return true
		}
	}
	return false
}

// dialHandshake opens a TCP connection and reads the server's initial handshake packet.
func dialHandshake(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := readPacket(nc); err != nil {
		nc.Close()
		t.Fatalf("initial handshake: %v", err)
	}
	return nc
}

// connectRaw logs in with go-mysql's client, whose packets a test then writes by hand; its
// socket has a deadline, so a server that stops answering fails the test instead of
// hanging it.
func connectRaw(t testing.TB, addr string) *client.Conn {
	t.Helper()
	c, err := client.Connect(addr, "root", "", "weir")
	if err != nil {
		t.Fatal(err)
	}
	c.Conn.Conn.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// command writes one command packet and reads the first packet of its reply.
func command(t *testing.T, c *client.Conn, payload []byte) []byte {
	t.Helper()
	c.ResetSequence()
	if err := c.WritePacket(append(make([]byte, 4), payload...)); err != nil {
		t.Fatal(err)
	}
	reply, err := c.ReadPacket()
	if err != nil {
		t.Fatalf("no reply to command %#x: %v", payload[0], err)
	}
	return reply
}

// answeredOrClosed writes a malformed command packet: the server must either answer it with
// an error, the connection still working afterwards (true), or close the connection (false).
func answeredOrClosed(t *testing.T, c *client.Conn, payload []byte, what string) bool {
	t.Helper()
	c.ResetSequence()
	if err := c.WritePacket(append(make([]byte, 4), payload...)); err != nil {
		t.Fatal(err)
	}
	reply, err := c.ReadPacket()
	if err != nil {
		if isTimeout(err) {
			t.Fatalf("%s: the server neither answered nor closed the connection", what)
		}
		expectClosed(t, c.Conn.Conn, what)
		return false
	}
	if len(reply) == 0 || reply[0] != gmysql.ERR_HEADER {
		t.Fatalf("%s: reply %x, want an error packet", what, reply)
	}
	if err := c.Ping(); err != nil {
		t.Fatalf("%s: answered with an error, but the connection then failed: %v", what, err)
	}
	return true
}

// wantErrPacket checks that a reply is an error packet with the given MySQL error number.
func wantErrPacket(t *testing.T, reply []byte, code uint16) {
	t.Helper()
	if len(reply) < 3 || reply[0] != gmysql.ERR_HEADER {
		t.Fatalf("reply %x, want error %d", reply, code)
	}
	if got := binary.LittleEndian.Uint16(reply[1:3]); got != code {
		t.Fatalf("error %d (%s), want %d", got, reply[3:], code)
	}
}

// expectClosed reads until the server closes the connection; bytes it sends first (an
// error packet) are fine.
func expectClosed(t *testing.T, nc net.Conn, what string) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, nc)
	if isTimeout(err) {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// readPacket reads one MySQL packet: its sequence number and payload.
func readPacket(r io.Reader) (byte, []byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	payload := make([]byte, int(h[0])|int(h[1])<<8|int(h[2])<<16)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return h[3], payload, nil
}

func packetHeader(n int, seq byte) []byte {
	return []byte{byte(n), byte(n >> 8), byte(n >> 16), seq}
}

// handshakeResponse is a HandshakeResponse41 for user, without a password, that announces
// connection attributes and sends attrs as them.
func handshakeResponse(user string, attrs []byte) []byte {
	caps := uint32(gmysql.CLIENT_PROTOCOL_41 | gmysql.CLIENT_SECURE_CONNECTION | gmysql.CLIENT_PLUGIN_AUTH | gmysql.CLIENT_CONNECT_ATTRS)
	b := binary.LittleEndian.AppendUint32(nil, caps)
	b = binary.LittleEndian.AppendUint32(b, 1<<24) // max packet
	b = append(b, gmysql.DEFAULT_COLLATION_ID)
	b = append(b, make([]byte, 23)...)
	b = append(b, user...)
	b = append(b, 0)
	b = append(b, 0) // no auth data
	b = append(b, server.AuthNative...)
	b = append(b, 0)
	return append(b, attrs...)
}

// panicRecorder is a zap core that keeps the panics the server recovers from (logged at
// error level with "panic" in the message), so a test can fail on them or report them.
type panicRecorder struct {
	mu     sync.Mutex
	panics []string
}

func (p *panicRecorder) Enabled(l zapcore.Level) bool      { return l >= zapcore.ErrorLevel }
func (p *panicRecorder) With([]zapcore.Field) zapcore.Core { return p }
func (p *panicRecorder) Sync() error                       { return nil }

func (p *panicRecorder) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if p.Enabled(e.Level) && strings.Contains(strings.ToLower(e.Message), "panic") {
		return ce.AddCore(e, p)
	}
	return ce
}

func (p *panicRecorder) Write(e zapcore.Entry, fields []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range fields {
		f.AddTo(enc)
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, k := range []string{"panic", "stack"} {
		if v, ok := enc.Fields[k]; ok {
			fmt.Fprintf(&b, "\n%s: %v", k, v)
		}
	}
	p.mu.Lock()
	p.panics = append(p.panics, b.String())
	p.mu.Unlock()
	return nil
}

// all returns the panics recorded so far.
func (p *panicRecorder) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.panics...)
}

// take returns the panics recorded so far and forgets them.
func (p *panicRecorder) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.panics
	p.panics = nil
	return out
}
