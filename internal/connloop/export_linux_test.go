//go:build linux

package connloop

import (
	"runtime"
	"syscall"
)

// Ring modes of a test's poller.
const (
	RingOff    = iota // a system call per read and write
	RingOn            // an io_uring_enter per wakeup's reads, and one for its writes
	RingBroken        // a ring whose first io_uring_enter fails
)

// NewPollerForTest starts a poller of the test's own; stop ends it (no connection may be
// on it then) and reports the io_uring_enter calls it made, and whether it still had its
// ring.
func NewPollerForTest(mode int) (p *Poller, stop func() (submits int, batching bool)) {
	p, err := newPoller(mode != RingOff)
	if err != nil {
		panic(err)
	}
	if mode != RingOff && p.ring == nil {
		panic("no io_uring on this kernel")
	}
	if mode == RingBroken {
		_ = syscall.Close(p.ring.fd)
		p.ring.fd = -1
	}
	old := runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	go p.run()
	return p, func() (int, bool) {
		p.close()
		batching := p.ring != nil
		runtime.GOMAXPROCS(old)
		return p.submits, batching
	}
}

// EpollCtls is the count of epoll_ctl calls p made.
func (p *Poller) EpollCtls() int64 { return p.ctls.Load() }

// Registered says whether c's socket is in its poller's epoll set.
func (c *Conn) Registered() bool {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.registered
}
