//go:build !linux

package connloop

// Poller is Linux's (epoll); elsewhere every connection is served on its goroutine.
type Poller struct{}

// Shared returns nil: there is no poller off Linux.
func Shared() *Poller { return nil }

func (p *Poller) attach(*Conn) bool { return false }

func (c *Conn) writePolled() {}

func (c *Conn) release(error) bool { return false }

// UseRing does nothing off Linux, where there is no poller.
func UseRing(bool) {}

func (p *Poller) rearm(*Conn) error { return errOffPoller }

func (p *Poller) offPoller(*Conn) error { return errOffPoller }

func (c *Conn) endWork() {}

func (c *Conn) flushHandedOver() error { return errOffPoller }

func shutdown(int) {}
