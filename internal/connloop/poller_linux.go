package connloop

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Poller runs the requests of many connections on one goroutine (see the package
// documentation, "One wakeup for many connections").
type Poller struct {
	epfd int

	mu    sync.Mutex
	conns map[int32]*Conn // by descriptor, while attached

	events [128]syscall.EpollEvent
}

var (
	sharedOnce   sync.Once
	sharedPoller *Poller
)

// Shared returns the process's poller, started on first use; nil where there is none (off
// Linux, or when it cannot be made).
func Shared() *Poller {
	sharedOnce.Do(func() {
		p, err := newPoller()
		if err == nil {
			sharedPoller = p
			go p.run()
		}
	})
	return sharedPoller
}

func newPoller() (*Poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("connloop: epoll_create1: %w", err)
	}
	return &Poller{epfd: epfd, conns: map[int32]*Conn{}}, nil
}

// run waits for the connections' readiness in a blocking epoll_wait of its own, for the
// process's whole life: the sockets it serves are in no other epoll set, so a wakeup costs
// that one system call (the goroutine's thread leaves its processor to others while it
// waits, as for any blocking system call).
func (p *Poller) run() {
	for {
		n, err := syscall.EpollWait(p.epfd, p.events[:], -1)
		if err != nil {
			// EINTR; nothing else can happen to a valid epoll descriptor and buffer.
			continue
		}
		p.serveEvents(n)
	}
}

func (p *Poller) serveEvents(n int) {
	for _, ev := range p.events[:n] {
		p.mu.Lock()
		c := p.conns[ev.Fd]
		p.mu.Unlock()
		// A connection released meanwhile may have left its descriptor to another,
		// whose socket is then read once for nothing. Input left unread, and an end of
		// stream that came with the last request, are reported again by the next
		// epoll_wait (level-triggered).
		if c != nil {
			c.serveReady()
		}
	}
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
			syscall.Close(fd)
		}
		return false
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.woken.Load() || c.closed {
		syscall.Close(fd)
		return false
	}
	c.pfd = fd
	p.mu.Lock()
	p.conns[int32(fd)] = c
	p.mu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		p.mu.Lock()
		delete(p.conns, int32(fd))
		p.mu.Unlock()
		syscall.Close(fd)
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

// detach takes c back from the poller and hands it to its goroutine, which ends with err
// (nil: it serves on), with a new net.Conn of the poller's descriptor; a closed connection
// gets none, and its socket is closed. c.pmu is held.
func (p *Poller) detach(c *Conn, err error) {
	if !c.attached {
		return
	}
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, c.pfd, nil)
	p.mu.Lock()
	if p.conns[int32(c.pfd)] == c {
		delete(p.conns, int32(c.pfd))
	}
	p.mu.Unlock()
	c.attached = false
	fd := c.pfd
	c.pfd = -1
	if c.closed {
		syscall.Close(fd)
		c.back <- err
		return
	}
	nc, ncErr := fileConn(fd)
	if ncErr != nil {
		if err == nil {
			err = ncErr
		}
		c.back <- err
		return
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
	c.back <- err
}

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

// serveReady reads c's input and runs it on the poller's goroutine.
func (c *Conn) serveReady() {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if !c.attached {
		return
	}
	p := c.poll
	defer func() {
		if r := recover(); r != nil {
			c.polled = false
			c.panicked = r
			p.detach(c, errPanicked)
		}
	}()
	if c.woken.Load() {
		p.detach(c, ErrWoken)
		return
	}
	room := c.room()
	n, err := rawRead(uintptr(c.pfd), room)
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		return
	case err != nil:
		p.detach(c, err)
		return
	case n == 0:
		p.detach(c, io.EOF)
		return
	}
	c.busy()
	c.tail += n
	c.polled = true
	err = c.run()
	c.polled = false
	blocked := errors.Is(err, ErrBlocking)
	if err != nil && !blocked {
		p.detach(c, err)
		return
	}
	c.writePolled()
	c.stalled = false
	if blocked || len(c.Out) > 0 {
		// A request that may wait, or replies the socket would not take: the goroutine
		// runs the one and writes the other, blocking as it may.
		p.detach(c, nil)
		return
	}
	if c.woken.Load() {
		p.detach(c, ErrWoken)
		return
	}
	c.idle()
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
