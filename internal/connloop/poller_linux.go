package connloop

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// Poller runs the requests of many connections on one goroutine (see the package
// documentation, "One wakeup for many connections").
type Poller struct {
	epfd int
	file *os.File // epfd, waited for in Go's network poller

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
	// Non-blocking, so that os.NewFile waits for it in the runtime's poller: an epoll
	// descriptor is readable while it has events to report.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("connloop: epoll descriptor: %w", err)
	}
	return &Poller{epfd: epfd, file: os.NewFile(uintptr(epfd), "connloop-epoll"), conns: map[int32]*Conn{}}, nil
}

// run waits for the connections' readiness for the process's whole life, inside one
// RawConn.Read (a new one would clear a readiness signalled before it).
func (p *Poller) run() {
	rc, err := p.file.SyscallConn()
	if err != nil {
		return
	}
	for {
		_ = rc.Read(func(uintptr) bool { p.serveReady(); return false })
	}
}

// serveReady serves every connection with input until none has any.
func (p *Poller) serveReady() {
	for {
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(p.epfd),
			uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 || n == 0 {
			return
		}
		again := int(n) == len(p.events)
		for _, ev := range p.events[:n] {
			p.mu.Lock()
			c := p.conns[ev.Fd]
			p.mu.Unlock()
			// A connection released meanwhile, whose descriptor another may have taken
			// already: look again rather than miss the other's input.
			if c == nil || c.serveReady() {
				again = true
			}
			if ev.Events&(syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
				// The end of stream that came with the last request: the next epoll_wait
				// reports it again (level-triggered), and the read then finds it.
				again = true
			}
		}
		// A connection registered level-triggered that still has input is reported by
		// the next epoll_wait, but does not make the descriptor readable again: look.
		if !again {
			return
		}
	}
}

// attach hands c, whose socket has no input waiting, to the poller; false when it cannot
// (the connection is served on its goroutine then).
func (p *Poller) attach(c *Conn) bool {
	fd := -1
	if err := c.rc.Control(func(d uintptr) { fd = int(d) }); err != nil || fd < 0 {
		return false
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.woken.Load() || c.closed {
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
		return false
	}
	c.attached = true
	return true
}

// detach takes c back from the poller and hands it to its goroutine, which ends with err
// (nil: it serves on). c.pmu is held.
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
	c.back <- err
}

// serveReady reads c's input and runs it on the poller's goroutine; more says the read
// filled the buffer, so more input may be waiting, or that c was released meanwhile.
func (c *Conn) serveReady() (more bool) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if !c.attached {
		return true
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
		return false
	}
	room := c.room()
	n, err := rawRead(uintptr(c.pfd), room)
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		return err == syscall.EINTR
	case err != nil:
		p.detach(c, err)
		return false
	case n == 0:
		p.detach(c, io.EOF)
		return false
	}
	c.busy()
	c.tail += n
	c.polled = true
	err = c.run()
	c.polled = false
	blocked := errors.Is(err, ErrBlocking)
	if err != nil && !blocked {
		p.detach(c, err)
		return false
	}
	c.writePolled()
	c.stalled = false
	if blocked || len(c.Out) > 0 {
		// A request that may wait, or replies the socket would not take: the goroutine
		// runs the one and writes the other, blocking as it may.
		p.detach(c, nil)
		return false
	}
	if c.woken.Load() {
		p.detach(c, ErrWoken)
		return false
	}
	c.idle()
	return n == len(room)
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

// release takes c back from the poller, if it has it, for Wake and Close.
func (c *Conn) release(err error) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.poll != nil {
		c.poll.detach(c, err)
	}
}
