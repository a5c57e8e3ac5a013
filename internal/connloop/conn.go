package connloop

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Conn is one connection's command loop.
type Conn struct {
	nc  net.Conn        // the client's connection: the TCP socket, or TLS above it
	raw net.Conn        // the TCP connection below nc, which Close closes
	rc  syscall.RawConn // nc's descriptor, for serveRaw; nil to read through nc
	fd  int             // the descriptor while serveRaw runs, for writes; -1 otherwise

	// in holds input: in[head:tail] is not yet run.
	in         []byte
	head, tail int
	// need is what the request at head needs in all, set by NeedMore (0: unknown).
	need int

	// Out holds replies not yet written: a runner appends to it.
	Out []byte

	// Run runs every whole request in Input, consuming each, and calls NeedMore when the
	// next has not all arrived. It returns ErrQuit to end the connection once its replies
	// are written.
	Run func(c *Conn) error
	// Idle is called before the connection waits for the client, Busy when input arrives
	// (a graceful shutdown closes idle connections). Either may be nil.
	Idle, Busy func()

	// deadline is when the client must have sent its next input (zero: never); probeAt is
	// the read deadline armed to probe for an end of stream (see serveRaw).
	deadline, probeAt time.Time
	woken             atomic.Bool

	// poll, when set, serves the connection's requests whenever its socket is idle (see
	// Poller); back is how it hands the connection back to its goroutine: nil to serve on,
	// or the error that ends it. pmu is held by whoever runs the connection's requests
	// there and by release; attached, registered, pfd, closed and panicked are under it.
	// registered says pfd is in the poller's epoll set: from attach on, through
	// hand-overs, until the connection leaves the poller or sends while handed over (see
	// Poller.detach).
	poll       *Poller
	back       chan error
	pmu        sync.Mutex
	attached   bool
	registered bool
	pfd        int
	closed     bool
	panicked   any
	// polled is true while a runner runs on the poller's goroutine (see Polled).
	polled bool
	// written counts the bytes at the start of Out the poller wrote of a reply the socket
	// did not take all of; stalled says the socket took no more (see writePolled).
	written int
	stalled bool
	// step, result, readInto and blocked are the poller's, for one wakeup (see
	// Poller.serveBatch): what is next for the connection, the last read's or write's
	// result (a count, or minus an errno), the room read into, and whether a request was
	// left for the goroutine.
	step     uint8
	result   int32
	readInto []byte
	blocked  bool
	// working is true while the connection's goroutine runs what the poller handed it
	// (see serveHandedOver), on the poller's descriptor of the socket (pfd), its net.Conn
	// closed; under pmu.
	working bool
}

// The steps of a connection on the poller in one wakeup.
const (
	stepSkip  = iota // nothing more this wakeup
	stepRead         // its input is being read
	stepWrite        // its replies are being written
)

// Buffer sizes.
const (
	// ReadBuffer is the input buffer a connection keeps; a larger request grows it for as
	// long as it is being read.
	ReadBuffer = 16 << 10
	// FlushAt: replies past this size are written as they are built (see Added), so a
	// large result costs a bounded buffer.
	FlushAt = 64 << 10
)

// ErrQuit is what a runner returns to end the connection after its replies.
var ErrQuit = errors.New("connloop: client quit")

// ErrWoken is what Serve returns after Wake.
var ErrWoken = errors.New("connloop: woken")

// ErrBlocking is what a runner returns, on the poller (Polled), for a request it cannot
// answer without waiting: the request is left in Input, unconsumed, and with nothing of its
// reply in Out; the connection's goroutine runs it again.
var ErrBlocking = errors.New("connloop: the request may wait")

// errPanicked hands back a connection whose runner panicked on the poller: its goroutine
// panics again with the same value, where the server's recovery is.
var errPanicked = errors.New("connloop: runner panicked")

// errIdle ends serveRaw when the socket is empty and the connection goes to its poller.
var errIdle = errors.New("connloop: idle")

// SetDeadline sets when the client must have sent more input (zero: never); past it, Serve
// returns os.ErrDeadlineExceeded. Call it before Serve or from the runner.
func (c *Conn) SetDeadline(t time.Time) {
	c.deadline = t
	c.probeAt = time.Time{}
	if !c.polled { // on the poller, the net.Conn is closed; detach sets the deadline
		_ = c.nc.SetReadDeadline(t)
	}
}

// Wake makes Serve return ErrWoken once the requests it is running are answered (at once
// when it is waiting for the client). It may be called from any goroutine.
func (c *Conn) Wake() {
	c.woken.Store(true)
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if !c.release(ErrWoken) && !c.working {
		// Working, the goroutine checks woken before it gives the connection back.
		_ = c.nc.SetReadDeadline(time.Unix(1, 0))
	}
}

// Close closes the connection from any goroutine: Serve returns (with an error) once the
// request it is running, if any, is answered. Use it, not the net.Conn's Close, on a
// connection that may be on a poller: the poller serves the socket through a descriptor of
// its own, and the connection's net.Conn is a new one after it was there.
func (c *Conn) Close() error {
	c.pmu.Lock()
	c.closed = true
	if c.release(net.ErrClosed) {
		c.pmu.Unlock()
		return nil
	}
	if c.working {
		// The goroutine may be writing to the descriptor: shut the socket down, which ends
		// such a write, and leave the descriptor for Serve to close as it returns.
		shutdown(c.pfd)
		c.pmu.Unlock()
		return nil
	}
	raw := c.raw
	c.pmu.Unlock()
	return raw.Close()
}

// NetConn is the connection's net.Conn as it is now (see Close): for writing to it after
// Serve returned.
func (c *Conn) NetConn() net.Conn {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.nc
}

// UsePoller makes the connection's requests run on p (nil: on its goroutine only) whenever
// its socket is idle, if it is a plain TCP socket. Call it before Serve. A runner then
// checks Polled and returns ErrBlocking for a request that may wait.
func (c *Conn) UsePoller(p *Poller) {
	if c.rc == nil || p == nil {
		return
	}
	c.poll = p
	c.back = make(chan error, 1)
}

// Polled reports whether the runner is running on the poller's goroutine, where it must
// not wait: for a request that might (a read that misses, a write, anything slow), it
// returns ErrBlocking.
func (c *Conn) Polled() bool { return c.polled }

// expired tells apart a read deadline that ends Serve (Wake, SetDeadline's) from a probe.
func (c *Conn) expired() error {
	if c.woken.Load() {
		return ErrWoken
	}
	if !c.deadline.IsZero() && !time.Now().Before(c.deadline) {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// probeEvery bounds how long a connection waits without having seen its socket empty.
var probeEvery atomic.Int64

func init() { probeEvery.Store(int64(time.Second)) }

// SetProbeEvery sets that bound and returns the previous one: tests that half-close many
// connections set it low.
func SetProbeEvery(d time.Duration) time.Duration {
	return time.Duration(probeEvery.Swap(int64(d)))
}

// New returns the loop of nc. raw is the TCP connection below it: when nc is raw itself
// (no TLS), the descriptor is read directly.
func New(nc, raw net.Conn) *Conn {
	c := &Conn{nc: nc, raw: raw, fd: -1, pfd: -1, in: make([]byte, ReadBuffer), Out: make([]byte, 0, 4<<10)}
	if nc == raw {
		c.rc = rawConn(raw)
	}
	return c
}

// Input is the input not yet consumed. It aliases the connection's buffer: valid until the
// runner returns.
func (c *Conn) Input() []byte { return c.in[c.head:c.tail] }

// Consume marks n bytes of Input as run.
func (c *Conn) Consume(n int) { c.head += n }

// NeedMore says that the request at the start of Input needs at least n bytes in all. The
// runner checks n against its protocol's bound first: the buffer grows to hold it (to at
// most twice that bound).
func (c *Conn) NeedMore(n int) { c.need = n }

// Serve runs requests until the client goes away, a runner fails or returns ErrQuit (nil
// then); what replies are buffered are written before it returns.
func (c *Conn) Serve() error {
	defer c.endWork()
	var err error
	if c.poll != nil {
		err = c.servePolled()
	} else if c.rc != nil {
		err = c.serveRaw()
	} else {
		err = c.serveConn()
	}
	if errors.Is(err, ErrQuit) {
		return c.Flush()
	}
	_ = c.Flush()
	return err
}

func (c *Conn) idle() {
	if c.Idle != nil {
		c.Idle()
	}
}

func (c *Conn) busy() {
	if c.Busy != nil {
		c.Busy()
	}
}

// servePolled serves the connection on its goroutine, through its net.Conn, until its
// socket is first empty, then on the poller, which hands it back for each request that may
// wait (see serveHandedOver).
func (c *Conn) servePolled() error {
	for {
		if err := c.Flush(); err != nil {
			return err
		}
		if c.head < c.tail {
			if err := c.run(); err != nil {
				return err
			}
		}
		err := c.serveRaw()
		if err != errIdle {
			return err
		}
		if !c.poll.attach(c) {
			c.poll = nil // served on its goroutine from now on
			if err := c.expired(); err != nil {
				return err
			}
			if c.closed {
				return net.ErrClosed
			}
			return c.serveRaw()
		}
		if err := c.serveHandedOver(); err != errOffPoller {
			return err
		}
	}
}

// errOffPoller ends serveHandedOver when the connection is to be served through a net.Conn
// again (a runner set a deadline, or the poller would not take it back).
var errOffPoller = errors.New("connloop: off the poller")

// serveHandedOver waits for what the poller hands back: the end of the connection, or a
// request that may wait (replies the socket would not take, too). It runs that on the
// goroutine, where it may wait, writes the replies to the poller's descriptor of the socket
// and gives the connection back to the poller at once. The goroutine never reads the
// socket: the poller does, so a hand-over costs a goroutine's wakeup (and no epoll_ctl call:
// see Poller.detach), where making a net.Conn of the socket again cost a dozen system calls.
func (c *Conn) serveHandedOver() error {
	for {
		err := <-c.back
		if p := c.panicked; p != nil {
			c.panicked = nil
			panic(p)
		}
		if err != nil {
			return err
		}
		if err := c.Flush(); err != nil {
			return err
		}
		if c.head < c.tail {
			if err := c.run(); err != nil {
				return err
			}
		}
		if !c.deadline.IsZero() {
			// A deadline is a net.Conn's to keep.
			if err := c.Flush(); err != nil {
				return err
			}
			if err := c.poll.offPoller(c); err != nil {
				return err
			}
			return errOffPoller
		}
		if err := c.poll.rearm(c); err != nil {
			return err
		}
	}
}

// serveConn reads through net.Conn: a read, then every whole request it completed.
func (c *Conn) serveConn() error {
	for {
		if err := c.Flush(); err != nil {
			return err
		}
		c.idle()
		n, err := c.nc.Read(c.room())
		if n > 0 {
			c.busy()
			c.tail += n
			if err := c.run(); err != nil {
				return err
			}
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if e := c.expired(); e != nil {
					return e
				}
				continue
			}
			return err
		}
	}
}

// serveRaw reads the socket's descriptor inside one RawConn.Read (see the package
// documentation): each call of the function reads, runs the whole requests read, and either
// reads again (the read filled its room, so more may be waiting) or writes the replies and
// returns false to wait for the socket's next readiness.
func (c *Conn) serveRaw() error {
	var failed error
	wait := func(skipped bool) bool {
		if failed = c.Flush(); failed != nil {
			return true
		}
		if c.woken.Load() {
			failed = ErrWoken
			return true
		}
		c.idle()
		if c.poll != nil && c.deadline.IsZero() {
			failed = errIdle // to the poller, which waits for the next request
			return true
		}
		if skipped {
			every := time.Duration(probeEvery.Load())
			if now := time.Now(); c.probeAt.Sub(now) < every/2 {
				c.probeAt = now.Add(every)
				if !c.deadline.IsZero() && c.deadline.Before(c.probeAt) {
					c.probeAt = c.deadline
				}
				_ = c.nc.SetReadDeadline(c.probeAt)
			}
		}
		return false
	}
	read := func(fd uintptr) bool {
		c.fd = int(fd)
		defer func() { c.fd = -1 }()
		for {
			room := c.room()
			n, err := rawRead(fd, room)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return wait(false)
			case err != nil:
				failed = err
				return true
			case n == 0:
				failed = io.EOF
				return true
			}
			c.busy()
			c.tail += n
			if failed = c.run(); failed != nil {
				return true
			}
			if n < len(room) {
				// The socket is empty: answer, then wait for the next request.
				return wait(true)
			}
		}
	}
	for {
		err := c.rc.Read(read)
		if failed != nil {
			return failed
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		if e := c.expired(); e != nil {
			return e
		}
		// The probe: read again (a new RawConn.Read reads before it waits).
		c.probeAt = time.Time{}
		_ = c.nc.SetReadDeadline(c.deadline)
	}
}

// run runs the requests read so far.
func (c *Conn) run() error {
	c.need = 0
	return c.Run(c)
}

// room makes space after the input not yet run and returns it: the unrun bytes move to
// the front, and the buffer grows to hold a request larger than it, or shrinks back after
// one.
func (c *Conn) room() []byte {
	if c.head == c.tail {
		c.head, c.tail = 0, 0
		if len(c.in) > ReadBuffer && c.need == 0 {
			c.in = make([]byte, ReadBuffer)
		}
	}
	if c.need > len(c.in) {
		// At least doubled: a runner that knows only a lower bound of what a request
		// needs must not make it grow a byte at a time.
		grown := make([]byte, max(c.need, 2*len(c.in)))
		c.tail = copy(grown, c.in[c.head:c.tail])
		c.head = 0
		c.in = grown
	} else if c.tail == len(c.in) || (c.need > 0 && c.head+c.need > len(c.in)) {
		c.tail = copy(c.in, c.in[c.head:c.tail])
		c.head = 0
	}
	if c.tail == len(c.in) { // a runner that did not say what it needs: never read into no room
		c.in = append(c.in, make([]byte, len(c.in))...)
	}
	return c.in[c.tail:]
}

// Added is called by a runner after appending to Out: past FlushAt the replies are written
// now.
func (c *Conn) Added() error {
	if len(c.Out) >= FlushAt {
		return c.Flush()
	}
	return nil
}

// Flush writes the replies built so far: straight to the socket inside serveRaw, and
// through net.Conn for what the socket does not take at once (which waits for it to drain)
// and everywhere else.
func (c *Conn) Flush() error {
	if len(c.Out) == c.written {
		return nil
	}
	if c.polled {
		c.writePolled() // what the socket does not take waits for the goroutine
		return nil
	}
	if c.working {
		return c.flushHandedOver()
	}
	out := c.Out[c.written:]
	if c.fd >= 0 {
		for len(out) > 0 {
			n, err := rawWrite(uintptr(c.fd), out)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || n == 0 {
				break // EAGAIN and the rest: net.Conn's Write waits or reports it
			}
			out = out[n:]
		}
	}
	var err error
	if len(out) > 0 {
		_, err = c.nc.Write(out)
	}
	c.resetOut()
	return err
}

// resetOut empties Out, giving back a buffer a large reply grew.
func (c *Conn) resetOut() {
	c.written = 0
	if cap(c.Out) > 4*FlushAt {
		c.Out = make([]byte, 0, 4<<10)
	} else {
		c.Out = c.Out[:0]
	}
}

// Accept waits for the next connection on ln. An error that says the process is out of a
// resource (descriptors, say) is retried after a pause that doubles from 5 ms up to a
// second, reported to retry, rather than spun on or made fatal. It returns nil, nil once
// closing reports that the listener was closed on purpose.
func Accept(ln net.Listener, closing func() bool, retry func(err error, after time.Duration)) (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err == nil {
			return c, nil
		}
		if closing() {
			return nil, nil
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			return nil, err
		}
		delay = min(max(2*delay, 5*time.Millisecond), time.Second)
		retry(err, delay)
		time.Sleep(delay)
	}
}
