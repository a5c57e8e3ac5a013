package pgwire

import (
	"errors"
	"os"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"go.uber.org/zap"
)

// idleRelay reads a LISTENing session's upstream connection while the client is idle, so
// that a NotificationResponse (and a NoticeResponse or ParameterStatus) reaches the client
// when the upstream sends it, as PostgreSQL delivers it, rather than with the reply to the
// client's next message. Clients that wait for notifications without sending anything
// (pgx's WaitForNotification, psycopg2's poll, psql's prompt) depend on it.
//
// It runs only between the connection loop's Idle and Busy: the connection's goroutine is
// then waiting for the client and neither reads the upstream nor writes to the client, so
// the relay owns both until Busy stops it and waits for it. Anything else the upstream sends
// while the session is idle (the FATAL error of a terminated backend, the end of the
// connection) is held for the next reply, which handles it as if it had read it itself.
type idleRelay struct {
	// stopping is set before the relay's read is interrupted, so that the relay tells the
	// interruption from a failure of the upstream.
	stopping atomic.Bool
	done     chan struct{}
}

// startIdleRelay starts reading the upstream while the client is idle, for a session that
// listens for notifications and owes nothing to the client.
func (c *conn) startIdleRelay() {
	px := c.px
	if px == nil || !px.listening || px.idle != nil || px.up == nil || px.held != nil || px.heldErr != nil ||
		len(px.pending) > 0 || len(px.out) > 0 || px.copyIn {
		return
	}
	r := &idleRelay{done: make(chan struct{})}
	px.idle = r
	go c.runIdleRelay(r)
}

// stopIdleRelay stops the relay, if it runs, and waits for it: the connection's goroutine
// reads the upstream and writes to the client itself from then on.
func (c *conn) stopIdleRelay() {
	px := c.px
	if px == nil || px.idle == nil {
		return
	}
	r := px.idle
	px.idle = nil
	r.stopping.Store(true)
	up := px.up
	_ = up.SetReadDeadline(time.Unix(1, 0))
	<-r.done
	_ = up.SetReadDeadline(time.Time{})
}

// runIdleRelay relays the upstream's asynchronous messages until it is stopped or the
// upstream sends something else.
func (c *conn) runIdleRelay(r *idleRelay) {
	defer close(r.done)
	px := c.px
	var out []byte
	for {
		msg, err := px.fe.Receive()
		if err != nil {
			// A read cut short keeps what it read (pgproto3 resumes a partial message), so
			// the next reply reads on from where the relay stopped.
			if r.stopping.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
				return
			}
			px.heldErr = err
			return
		}
		switch m := msg.(type) {
		case *pgproto3.NotificationResponse, *pgproto3.NoticeResponse:
		case *pgproto3.ParameterStatus:
			px.reported[m.Name] = m.Value
		default:
			px.held = msg
			return
		}
		out, err = msg.Encode(out[:0])
		if err != nil {
			c.log.Warn("encoding an upstream message for the client", zap.Error(err))
			continue
		}
		if _, err := c.nc.Write(out); err != nil {
			// The client is gone: the connection's goroutine sees it on its next read.
			return
		}
	}
}

// receiveUp returns the upstream's next message: one the idle relay held, else one read.
func (c *conn) receiveUp() (pgproto3.BackendMessage, error) {
	px := c.px
	if err := px.heldErr; err != nil {
		px.heldErr = nil
		return nil, err
	}
	if msg := px.held; msg != nil {
		px.held = nil
		return msg, nil
	}
	return px.fe.Receive()
}

// noteListen marks the session as listening once a statement it passes upstream may be a
// LISTEN: from then on its upstream is read while it is idle. (UNLISTEN does not clear it:
// a relay with nothing to relay costs a goroutine parked on a read.)
func (px *proxySession) noteListen(first string) {
	if first == "listen" {
		px.listening = true
	}
}
