package connloop

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Poller runs the requests of many connections on one goroutine (see the package
// documentation, "One wakeup for many connections").
type Poller struct {
	epfd int

	mu    sync.Mutex
	conns map[int32]*Conn // by the poller's descriptor of their socket, while attached

	events [128]syscall.EpollEvent
	batch  []*Conn // the connections of one wakeup

	// ring makes the reads and the writes of a wakeup in one system call each; nil where
	// the kernel has no io_uring, or with UseRing(false).
	ring    *ring
	submits int          // io_uring_enter calls made, for tests
	ctls    atomic.Int64 // epoll_ctl calls made, for tests
	handed  atomic.Bool  // a connection went back to its goroutine in this wakeup

	stop atomic.Bool
	done chan struct{}
}

var (
	sharedOnce   sync.Once
	sharedPoller *Poller
)

// Shared returns the process's poller, started on first use; nil where there is none (off
// Linux, or when it cannot be made). Its goroutine keeps a processor of the runtime while
// it waits (see run), so starting it raises GOMAXPROCS by one: the rest of the process
// keeps the processors it had.
//
// Counting the poller's processor within GOMAXPROCS instead saved 7.5–9% of server CPU per
// operation of the vote workload on two cores (fewer idle processors, whose threads the
// runtime wakes through a futex when a goroutine is readied), but it left the engine one
// processor of two while the poller waited: the work of a write, a fill or a backfill, and
// every goroutine the network poller readied, waited for the one processor, or for the
// poller's next yield, and the read p99 at 16 clients rose from 1.7-2.4 ms to 2.1-2.9 ms.
func Shared() *Poller {
	sharedOnce.Do(func() {
		p, err := newPoller(ringOn.Load())
		if err == nil {
			runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
			sharedPoller = p
			go p.run()
		}
	})
	return sharedPoller
}

func newPoller(useRing bool) (*Poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("connloop: epoll_create1: %w", err)
	}
	p := &Poller{epfd: epfd, conns: map[int32]*Conn{}, done: make(chan struct{})}
	if useRing {
		p.ring, _ = newRing(uint32(len(p.events))) // without one, a system call per read and write
	}
	return p, nil
}

// ringOn says whether the process's poller batches its system calls in an io_uring.
var ringOn atomic.Bool

func init() { ringOn.Store(true) }

// UseRing says whether the poller, once started, makes each wakeup's reads and writes in
// one io_uring_enter each (the default, where the kernel allows it) or one system call
// each; call it before the first connection uses the poller.
func UseRing(on bool) { ringOn.Store(on) }

// waitFor bounds one wait for readiness, in milliseconds (see run).
const waitFor = 10

// run waits for the connections' readiness and serves them, until close. It waits as
// redis-server does, in an epoll_wait of its own that blocks the thread, where the sockets
// it serves are alone (see attach): one system call per wakeup, and one thread woken.
//
// The call is a raw one: the goroutine keeps its processor and its thread while it waits.
// As an ordinary blocking call, the runtime's monitor handed the processor away during the
// wait and the goroutine came back on another thread, woken through a futex, every wakeup
// (0.36-0.42 context switches per request against redis-server's 0.21-0.25). The runtime
// still stops the goroutine when it must (a collection stopping the world): its preemption
// signal ends the wait (EINTR), and the goroutine yields. Where that signal is off
// (GODEBUG=asyncpreemptoff=1) a wait ends after waitFor anyway, and the goroutine yields
// then too, so a stop of the world waits that long at most.
func (p *Poller) run() {
	defer close(p.done)
	for !p.stop.Load() {
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(p.epfd),
			uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), waitFor, 0, 0)
		if errno != 0 || n == 0 {
			runtime.Gosched()
			continue
		}
		p.serveEvents(int(n))
	}
}

// close stops a poller that no connection uses (tests make their own).
func (p *Poller) close() {
	p.stop.Store(true)
	<-p.done
	if p.ring != nil {
		p.ring.close()
	}
	_ = syscall.Close(p.epfd)
}

// serveEvents serves the connections an epoll_wait reported. One released meanwhile may
// have left its descriptor to another, whose socket is then read for nothing; input left
// unread, and an end of stream that came with the last request, are reported again by the
// next epoll_wait (level-triggered).
func (p *Poller) serveEvents(n int) {
	batch := p.batch[:0]
	p.mu.Lock()
	for _, ev := range p.events[:n] {
		if c := p.conns[ev.Fd]; c != nil {
			batch = append(batch, c)
		}
	}
	p.mu.Unlock()
	p.batch = batch
	p.handed.Store(false)
	p.serveBatch(batch)
	clear(batch)
	if p.handed.Load() {
		// The goroutines handed a connection are runnable on this processor, which the
		// next wait keeps: let them run on it now rather than wait for another thread to be
		// woken and take them.
		runtime.Gosched()
	}
}

// serveBatch reads the input of every connection of batch, runs it and writes the replies,
// with one io_uring_enter for the reads and one for the writes where it can (see the
// package documentation, "One system call for many sockets"). Input a read left in the
// socket is reported again by the next epoll_wait.
func (p *Poller) serveBatch(batch []*Conn) {
	for _, c := range batch {
		c.pmu.Lock()
	}
	defer func() {
		for _, c := range batch {
			c.pmu.Unlock()
		}
	}()
	// The reads.
	reading := 0
	for i, c := range batch {
		c.readInto = nil
		c.step = stepSkip
		if !c.attached {
			if c.working {
				// Input, or a hangup, while its goroutine has it (see detach): out of the
				// set until rearm, or each wait would report it again at once.
				p.unregister(c)
			}
			continue
		}
		if c.woken.Load() {
			p.detach(c, ErrWoken)
			continue
		}
		c.step = stepRead
		c.readInto = c.room()
		if len(batch) > 1 && p.queue(c, i, false, c.readInto) {
			reading++
			continue
		}
		c.result = rawResult(rawRead(uintptr(c.pfd), c.readInto))
	}
	if reading > 0 {
		p.submit(batch)
	}
	// The requests.
	writing := 0
	for _, c := range batch {
		if c.step != stepRead {
			continue
		}
		c.step = stepSkip
		n := int(c.result)
		switch {
		case c.result == -int32(syscall.EAGAIN) || c.result == -int32(syscall.EINTR):
			continue
		case c.result < 0:
			p.detach(c, syscall.Errno(-c.result))
			continue
		case n == 0:
			p.detach(c, io.EOF)
			continue
		}
		c.readInto = nil
		c.busy()
		c.tail += n
		c.blocked = false
		if err := c.runPolled(); err != nil {
			if errors.Is(err, ErrBlocking) {
				c.blocked = true
			} else {
				p.detach(c, err)
				continue
			}
		}
		c.step = stepWrite
		c.result = 0
		if !c.stalled && c.written < len(c.Out) {
			writing++
		}
	}
	p.writeBatch(batch, writing)
	// What the writes left.
	for _, c := range batch {
		if c.step != stepWrite {
			continue
		}
		c.step = stepSkip
		if c.result > 0 {
			c.written += int(c.result)
		}
		// A write the socket took in part, or not at all, is the goroutine's to finish
		// (see writePolled); one it took whole may be followed by more of a large reply.
		if c.result > 0 && c.written < len(c.Out) {
			c.writePolled()
		}
		if c.written == len(c.Out) {
			c.resetOut()
		}
		c.stalled = false
		if c.blocked || len(c.Out) > 0 {
			// A request that may wait, or replies the socket would not take: the goroutine
			// runs the one and writes the other, blocking as it may.
			p.detach(c, nil)
			continue
		}
		if c.woken.Load() {
			p.detach(c, ErrWoken)
			continue
		}
		c.idle()
	}
}

// writeBatch writes the replies of the connections of batch that have some (writing of
// them), through the ring when there are several.
func (p *Poller) writeBatch(batch []*Conn, writing int) {
	queued := 0
	for i, c := range batch {
		if c.step != stepWrite || c.stalled || c.written == len(c.Out) {
			continue
		}
		out := c.Out[c.written:]
		if writing > 1 && p.queue(c, i, true, out) {
			queued++
			continue
		}
		c.result = rawResult(rawWrite(uintptr(c.pfd), out))
	}
	if queued > 0 {
		p.submit(batch)
	}
}

// notDone is the result of a call queued in the ring and not yet made.
const notDone = math.MinInt32

// queue queues c's read into b, or its write of b, in the ring, for submit to make; false
// when there is no ring or it is full (the caller makes the call itself). i is c's place in
// the batch.
func (p *Poller) queue(c *Conn, i int, write bool, b []byte) bool {
	if p.ring == nil || p.ring.prepare(write, c.pfd, b, uint64(i)) != nil {
		return false
	}
	c.result = notDone
	return true
}

// submit makes the ring's queued calls and gives each connection of batch its result. A
// ring that fails is not used again: the calls it did not make are made one by one.
func (p *Poller) submit(batch []*Conn) {
	p.submits++
	err := p.ring.submit(func(i uint64, res int32) { batch[i].result = res })
	if err == nil {
		return
	}
	p.ring.close()
	p.ring = nil
	for _, c := range batch {
		switch {
		case c.result != notDone:
		case c.step == stepRead:
			c.result = rawResult(rawRead(uintptr(c.pfd), c.readInto))
		case c.step == stepWrite:
			c.result = rawResult(rawWrite(uintptr(c.pfd), c.Out[c.written:]))
		}
	}
}

// rawResult is a system call's result as a ring gives it: the count, or minus the errno.
func rawResult(n int, err error) int32 {
	if err != nil {
		if errno, ok := err.(syscall.Errno); ok {
			return -int32(errno)
		}
		return -int32(syscall.EIO)
	}
	return int32(n)
}

// runPolled runs c's requests on the poller's goroutine; a runner that panics hands c back
// to its goroutine, which panics again where the server recovers.
func (c *Conn) runPolled() (err error) {
	defer func() {
		c.polled = false
		if r := recover(); r != nil {
			c.panicked = r
			err = errPanicked
		}
	}()
	c.polled = true
	return c.run()
}

// attach hands c, whose socket has no input waiting, to the poller; false when it cannot
// (the connection is served on its goroutine then).
//
// The poller serves a duplicate of the socket's descriptor, and c's net.Conn is closed:
// closing it is what takes the socket out of the runtime's epoll set, where every request
// would otherwise wake a thread of the runtime for nothing. detach makes a new net.Conn of
// the duplicate. No byte is lost on the way: input stays in the socket until the one who
// has it reads it, and replies are in Out.
func (p *Poller) attach(c *Conn) bool {
	fd := -1
	var dupErr error
	if err := c.rc.Control(func(d uintptr) { fd, dupErr = dupCloexec(int(d)) }); err != nil || dupErr != nil {
		if fd >= 0 {
			_ = syscall.Close(fd)
		}
		return false
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.woken.Load() || c.closed {
		_ = syscall.Close(fd)
		return false
	}
	c.pfd = fd
	if err := p.register(c); err != nil {
		_ = syscall.Close(fd)
		c.pfd = -1
		return false
	}
	// The duplicate keeps the socket open: this closes the descriptor only.
	_ = c.raw.Close()
	c.attached = true
	return true
}

// dupCloexec duplicates fd, close-on-exec as Go's own descriptors are.
func dupCloexec(fd int) (int, error) {
	for {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return -1, fmt.Errorf("connloop: duplicating a socket: %w", errno)
		}
		return int(r), nil
	}
}

// detach takes c back from the poller and hands it to its goroutine: with err nil, to run
// what may wait on the poller's descriptor of the socket and give it back (see
// serveHandedOver); with an error, to end with it, with a new net.Conn of the socket (for a
// last word to the client), or none and the socket closed if the connection was closed.
// c.pmu is held.
//
// A connection handed over stays in the epoll set: taking it out and putting it back were
// two epoll_ctl calls per hand-over, for a client that, waiting for its reply, sends
// nothing meanwhile. If it does send (it pipelines, or hangs up), the poller takes it out
// then (see serveBatch) and rearm puts it back.
func (p *Poller) detach(c *Conn, err error) {
	if !c.attached {
		return
	}
	c.attached = false
	p.handed.Store(true)
	switch {
	case c.closed:
		p.unregister(c)
		_ = syscall.Close(c.pfd)
		c.pfd = -1
	case err == nil:
		c.working = true
	default:
		if ncErr := c.toNetConn(); ncErr != nil {
			err = ncErr
		}
	}
	c.back <- err
}

// register puts c's descriptor of its socket in the poller's epoll set (level-triggered)
// and in its map; c.pmu is held.
func (p *Poller) register(c *Conn) error {
	p.mu.Lock()
	p.conns[int32(c.pfd)] = c
	p.mu.Unlock()
	p.ctls.Add(1)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.pfd)}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, c.pfd, &ev); err != nil {
		p.mu.Lock()
		delete(p.conns, int32(c.pfd))
		p.mu.Unlock()
		return fmt.Errorf("connloop: epoll_ctl: %w", err)
	}
	c.registered = true
	return nil
}

// unregister takes c's descriptor out of the poller's epoll set and map, if it is there;
// c.pmu is held. It must come before the descriptor is closed or made a net.Conn of: the
// set holds the socket, not the descriptor, and a socket that outlives the descriptor
// (net.FileConn makes a duplicate) would go on being reported under a number the process
// may give to another connection.
func (p *Poller) unregister(c *Conn) {
	if !c.registered {
		return
	}
	c.registered = false
	p.ctls.Add(1)
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, c.pfd, nil)
	p.mu.Lock()
	if p.conns[int32(c.pfd)] == c {
		delete(p.conns, int32(c.pfd))
	}
	p.mu.Unlock()
}

// rearm writes the replies c's goroutine built and gives c back to the poller: the error
// that ends it instead if it was woken or closed meanwhile, errOffPoller if the poller
// cannot take it (it is then served through a net.Conn on its goroutine).
//
// The last write and the giving back are one step under c.pmu, which the poller takes
// before it serves a connection: a client that sends its next request as soon as it has
// the reply finds the connection the poller's, rather than handed over, which would take
// its socket out of the set (see detach) for the goroutine to put back.
func (p *Poller) rearm(c *Conn) error {
	for {
		c.pmu.Lock()
		switch {
		case c.closed:
			c.pmu.Unlock()
			return net.ErrClosed
		case c.woken.Load():
			c.pmu.Unlock()
			return ErrWoken
		}
		for c.written < len(c.Out) {
			n, err := rawWrite(uintptr(c.pfd), c.Out[c.written:])
			if err == syscall.EINTR {
				continue
			}
			if err != nil || n == 0 {
				break
			}
			c.written += n
		}
		if c.written < len(c.Out) {
			// The socket is full (or failed): wait for it without c.pmu, which a Close
			// takes to shut the socket down and end the wait.
			c.pmu.Unlock()
			if err := c.flushHandedOver(); err != nil {
				return err
			}
			continue
		}
		c.resetOut()
		if !c.registered {
			if err := p.register(c); err != nil {
				err = c.toNetConn()
				c.poll = nil
				c.pmu.Unlock()
				if err != nil {
					return err
				}
				return errOffPoller
			}
		}
		c.working = false
		c.attached = true
		c.pmu.Unlock()
		return nil
	}
}

// offPoller makes c, handed over, a connection served through a net.Conn again.
func (p *Poller) offPoller(c *Conn) error {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.toNetConn()
}

// toNetConn makes a new net.Conn of the poller's descriptor of c's socket, and gives it the
// read deadline c has; c.pmu is held.
func (c *Conn) toNetConn() error {
	c.poll.unregister(c)
	fd := c.pfd
	c.pfd, c.working = -1, false
	nc, err := fileConn(fd)
	if err != nil {
		return err
	}
	c.nc, c.raw, c.rc = nc, nc, rawConn(nc)
	if c.rc == nil {
		c.poll = nil
	}
	switch {
	case c.woken.Load():
		_ = nc.SetReadDeadline(time.Unix(1, 0))
	case !c.deadline.IsZero():
		_ = nc.SetReadDeadline(c.deadline)
	}
	return nil
}

// endWork closes the poller's descriptor of c's socket as Serve returns on a connection
// handed over.
func (c *Conn) endWork() {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.working {
		c.working = false
		c.poll.unregister(c)
		_ = syscall.Close(c.pfd)
		c.pfd = -1
	}
}

// flushHandedOver writes the replies to the poller's descriptor of the socket, waiting
// (poll(2), a blocking call) while the socket takes no more; a Close meanwhile shuts the
// socket down, which ends the wait.
func (c *Conn) flushHandedOver() error {
	for c.written < len(c.Out) {
		n, err := rawWrite(uintptr(c.pfd), c.Out[c.written:])
		switch {
		case err == nil:
			c.written += n
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			fds := []unix.PollFd{{Fd: int32(c.pfd), Events: unix.POLLOUT}}
			if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
				return fmt.Errorf("connloop: waiting to write: %w", err)
			}
		default:
			return err
		}
	}
	c.resetOut()
	return nil
}

// shutdown shuts the socket fd down both ways.
func shutdown(fd int) { _ = syscall.Shutdown(fd, syscall.SHUT_RDWR) }

// fileConn makes a net.Conn of fd, which it takes over (net.FileConn works on a duplicate
// of its own).
func fileConn(fd int) (net.Conn, error) {
	f := os.NewFile(uintptr(fd), "connloop-socket")
	defer f.Close()
	nc, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("connloop: socket back from the poller: %w", err)
	}
	return nc, nil
}

// writePolled writes what the socket takes of the replies without waiting; what it does not
// take stays in Out, after the written bytes counted by written, for the goroutine, and the
// poller tries no more writes of it (a large reply built in pieces is not copied again and
// again).
func (c *Conn) writePolled() {
	if c.stalled {
		return
	}
	for c.written < len(c.Out) {
		n, err := rawWrite(uintptr(c.pfd), c.Out[c.written:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n == 0 {
			c.stalled = true
			return
		}
		c.written += n
	}
	c.resetOut()
}

// release takes c back from the poller, if it has it, for Wake and Close; c.pmu is held.
func (c *Conn) release(err error) bool {
	if !c.attached {
		return false
	}
	c.poll.detach(c, err)
	return true
}
