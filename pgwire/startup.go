package pgwire

import (
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir"
)

// PostgreSQL's codes in the first message of a connection.
const (
	codeSSLRequest    = 80877103
	codeGSSENCRequest = 80877104
	codeCancelRequest = 80877102
	// maxStartupBytes is PostgreSQL's MAX_STARTUP_PACKET_LENGTH; it bounds the
	// authentication messages too.
	maxStartupBytes = 10000
)

// errClosedQuietly ends a connection that was answered in full (a cancel request, a
// refused login).
var errClosedQuietly = errors.New("connection closed")

// readExact reads one message of the connection phase: exactly its bytes and no more, so
// that nothing a client sends after an SSLRequest is read before TLS starts, and so that
// the command phase's buffer starts at a message's first byte. typed says it has a type
// byte (every message but the first).
func readExact(r io.Reader, typed bool) (typ byte, body []byte, err error) {
	var hdr [5]byte
	h := hdr[1:]
	if typed {
		h = hdr[:]
	}
	if _, err := io.ReadFull(r, h); err != nil {
		return 0, nil, err
	}
	typ = hdr[0]
	n := int(int32(binary.BigEndian.Uint32(hdr[1:])))
	if n < 4 || n-4 > maxStartupBytes {
		return 0, nil, newPGError(stateProtocol, "invalid length of startup packet")
	}
	body = make([]byte, n-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return typ, body, nil
}

// startup runs the connection phase: SSLRequest and GSSENCRequest, a CancelRequest, the
// StartupMessage, authentication, and the parameters a client learns before its first
// query. It returns the connection to use from then on (TLS above the socket, or the
// socket).
func (c *conn) startup() (net.Conn, error) {
	cur := c.nc
	tlsDone := false
	for {
		_, body, err := readExact(cur, false)
		if err != nil {
			return nil, err
		}
		if len(body) < 4 {
			return nil, c.fatal(cur, newPGError(stateProtocol, "invalid length of startup packet"))
		}
		code := binary.BigEndian.Uint32(body)
		switch code {
		case codeSSLRequest:
			if tlsDone || len(body) != 4 {
				return nil, c.fatal(cur, newPGError(stateProtocol, "unexpected SSLRequest"))
			}
			if c.s.cfg.TLS == nil {
				if _, err := cur.Write([]byte{'N'}); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := cur.Write([]byte{'S'}); err != nil {
				return nil, err
			}
			tc := tls.Server(c.nc, c.s.cfg.TLS)
			if err := tc.Handshake(); err != nil {
				return nil, fmt.Errorf("TLS handshake: %w", err)
			}
			cur, tlsDone = tc, true
		case codeGSSENCRequest:
			// GSSAPI encryption is not offered: 'N', and the client goes on in the clear
			// or with TLS.
			if _, err := cur.Write([]byte{'N'}); err != nil {
				return nil, err
			}
		case codeCancelRequest:
			var m pgproto3.CancelRequest
			if err := m.Decode(body); err != nil {
				return nil, errClosedQuietly
			}
			if len(m.SecretKey) == 4 {
				c.s.cancelRequest(int32(m.ProcessID), binary.BigEndian.Uint32(m.SecretKey))
			}
			return nil, errClosedQuietly
		default:
			if code>>16 != 3 {
				return nil, c.fatal(cur, newPGError(stateFeature, "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", code>>16, code&0xffff))
			}
			minor := code & 0xffff
			if minor != 0 {
				// Read a newer minor version's message as 3.0's: same layout.
				binary.BigEndian.PutUint32(body, pgproto3.ProtocolVersion30)
			}
			var m pgproto3.StartupMessage
			if err := m.Decode(body); err != nil {
				return nil, c.fatal(cur, newPGError(stateProtocol, "invalid startup packet layout: %v", err))
			}
			return cur, c.login(cur, &m, minor)
		}
	}
}

// login authenticates the user a StartupMessage names and sends what a client learns
// before its first query.
func (c *conn) login(cur net.Conn, m *pgproto3.StartupMessage, minor uint32) error {
	var out []byte
	var unrecognized []string
	for k := range m.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unrecognized = append(unrecognized, k)
		}
	}
	if minor != 0 || len(unrecognized) > 0 {
		out, _ = (&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unrecognized}).Encode(out)
	}
	user := m.Parameters["user"]
	if user == "" {
		return c.fatal(cur, newPGError(stateInvalidAuth, "no PostgreSQL user name specified in startup packet"))
	}
	if m.Parameters["replication"] != "" && m.Parameters["replication"] != "false" && m.Parameters["replication"] != "off" {
		return c.fatal(cur, newPGError(stateFeature, "Weir does not serve replication connections"))
	}
	if c.s.metrics.connected.Add(1) > int64(c.s.cfg.MaxConnections) {
		c.s.metrics.connected.Add(-1)
		c.s.metrics.rejected.Add(1)
		return c.fatal(cur, newPGError(stateTooManyConns, "sorry, too many clients already"))
	}
	c.counted = true
	if err := c.authenticate(cur, user, out); err != nil {
		return err
	}
	out = out[:0]
	c.user = user
	c.settings = newSessionSettings(c.s.cfg.ServerVersion, user, c.s.cfg.MaxConnections)
	db := m.Parameters["database"]
	if c.px != nil {
		c.proxyStartup(m.Parameters) // the upstream judges the database and the settings
	}
	switch {
	case c.px != nil:
		c.db = db
	case db == "" || db == user || db == "postgres":
		c.db = weir.DatabaseName
	default:
		spelled, ok := c.s.e.DatabaseSpelling(db)
		if !ok {
			return c.fatal(cur, newPGError(stateUndefinedDB, "database %q does not exist", db))
		}
		c.db = spelled
	}
	for k, v := range m.Parameters {
		switch k {
		case "user", "database", "replication", "options":
			continue
		}
		if strings.HasPrefix(k, "_pq_.") {
			continue
		}
		if _, err := c.settings.set(k, v, false, false); err != nil && c.px == nil {
			return c.fatal(cur, err)
		}
	}
	if opts := m.Parameters["options"]; opts != "" {
		if err := c.applyOptions(opts); err != nil && c.px == nil {
			return c.fatal(cur, err)
		}
	}
	out, _ = (&pgproto3.AuthenticationOk{}).Encode(out)
	for i := range settings {
		if settings[i].report {
			out, _ = (&pgproto3.ParameterStatus{Name: settings[i].name, Value: c.settings.values[i]}).Encode(out)
		}
	}
	var secret [4]byte
	binary.BigEndian.PutUint32(secret[:], c.secret)
	out, _ = (&pgproto3.BackendKeyData{ProcessID: uint32(c.pid), SecretKey: secret[:]}).Encode(out)
	out, _ = (&pgproto3.ReadyForQuery{TxStatus: 'I'}).Encode(out)
	_, err := cur.Write(out)
	return err
}

// applyOptions applies the startup packet's options (PGOPTIONS): `-c name=value` and
// `--name=value` settings.
func (c *conn) applyOptions(opts string) *pgError {
	fields := strings.Fields(opts)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		var kv string
		switch {
		case f == "-c" && i+1 < len(fields):
			i++
			kv = fields[i]
		case strings.HasPrefix(f, "-c"):
			kv = f[2:]
		case strings.HasPrefix(f, "--"):
			kv = f[2:]
		default:
			return newPGError(stateProtocol, "invalid command-line argument for server process: %s", f)
		}
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return newPGError(stateSyntax, "-c %s requires a value", kv)
		}
		if _, err := c.settings.set(strings.ReplaceAll(name, "-", "_"), value, false, false); err != nil {
			return err
		}
	}
	return nil
}

// authenticate proves the user: trust for a user without a password, else SCRAM-SHA-256
// or md5 as configured. pre holds messages to send before the first request.
func (c *conn) authenticate(cur net.Conn, user string, pre []byte) error {
	password, known := c.s.cfg.Users[user]
	if known && password == "" {
		if len(pre) > 0 {
			_, err := cur.Write(pre)
			return err
		}
		return nil
	}
	failed := func() error {
		c.s.metrics.authFails.Add(1)
		return c.fatal(cur, newPGError(stateInvalidPassword, "password authentication failed for user %q", user))
	}
	switch c.s.cfg.AuthMethod {
	case AuthMD5:
		var salt [4]byte
		copy(salt[:], randomBytes(4))
		out, _ := (&pgproto3.AuthenticationMD5Password{Salt: salt}).Encode(pre)
		if _, err := cur.Write(out); err != nil {
			return err
		}
		body, err := c.readPassword(cur)
		if err != nil {
			return err
		}
		var pm pgproto3.PasswordMessage
		if err := pm.Decode(body); err != nil {
			return c.fatal(cur, newPGError(stateProtocol, "invalid password packet"))
		}
		want := md5Password(user, password, salt)
		if !known || subtle.ConstantTimeCompare([]byte(pm.Password), []byte(want)) != 1 {
			return failed()
		}
		return nil
	default:
		secret := c.s.scram[user]
		if !known || secret == nil {
			// An unknown user goes through the exchange against a secret no password
			// matches, as PostgreSQL does, so a client cannot tell which users exist.
			secret = c.s.mockSCRAM()
		}
		out, _ := (&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}}).Encode(pre)
		if _, err := cur.Write(out); err != nil {
			return err
		}
		body, err := c.readPassword(cur)
		if err != nil {
			return err
		}
		var first pgproto3.SASLInitialResponse
		if err := first.Decode(body); err != nil {
			return c.fatal(cur, newPGError(stateProtocol, "malformed SASL message"))
		}
		if first.AuthMechanism != "SCRAM-SHA-256" {
			return c.fatal(cur, newPGError(stateProtocol, "client selected an invalid SASL authentication mechanism"))
		}
		x := scramExchange{secret: secret}
		serverFirst, err := x.first(string(first.Data))
		if err != nil {
			return c.fatal(cur, scramError(err))
		}
		out, _ = (&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)}).Encode(nil)
		if _, err := cur.Write(out); err != nil {
			return err
		}
		if body, err = c.readPassword(cur); err != nil {
			return err
		}
		var final pgproto3.SASLResponse
		if err := final.Decode(body); err != nil {
			return c.fatal(cur, newPGError(stateProtocol, "malformed SASL message"))
		}
		serverFinal, ok, err := x.final(string(final.Data))
		if err != nil {
			return c.fatal(cur, scramError(err))
		}
		if !ok || !known {
			return failed()
		}
		out, _ = (&pgproto3.AuthenticationSASLFinal{Data: []byte(serverFinal)}).Encode(nil)
		_, err = cur.Write(out)
		return err
	}
}

func scramError(err error) *pgError {
	var pe *pgError
	if errors.As(err, &pe) {
		return pe
	}
	return newPGError(stateProtocol, "malformed SCRAM message: %v", err)
}

// readPassword reads a client's 'p' message during authentication.
func (c *conn) readPassword(cur net.Conn) ([]byte, error) {
	typ, body, err := readExact(cur, true)
	if err != nil {
		return nil, err
	}
	if typ != 'p' {
		return nil, c.fatal(cur, newPGError(stateProtocol, "expected password response, got message type %d", typ))
	}
	return body, nil
}

// fatal sends a FATAL ErrorResponse and ends the connection phase.
func (c *conn) fatal(cur net.Conn, e *pgError) error {
	e.severity = "FATAL"
	out, _ := toPG(e).Encode(nil)
	_, _ = cur.Write(out)
	return errClosedQuietly
}
