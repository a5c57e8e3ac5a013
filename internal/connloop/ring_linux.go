package connloop

import (
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// ring is an io_uring used as a batch of system calls (see the package documentation, "One
// system call for many sockets"): the poller queues the reads and the writes of every
// connection a wakeup serves, and one io_uring_enter does them all. Every operation is
// issued with MSG_DONTWAIT, so the kernel does it while the call runs, as read(2) or
// write(2) on the non-blocking socket would, and answers EAGAIN rather than waiting: when
// the call returns, every operation is done and its buffer the caller's again. Nothing runs
// in the kernel after it (no poll armed, no task work, no worker thread), which is what
// lets any of the runtime's threads make the call.
//
// Only the poller's goroutine uses a ring; it is not safe for concurrent use.
type ring struct {
	fd int

	sqHead, sqTail, sqMask *uint32
	sqArray                []uint32
	sqes                   []ringSQE
	cqHead, cqTail, cqMask *uint32
	cqes                   []ringCQE

	// queued counts the operations prepared and not yet submitted.
	queued uint32

	rings, sqeMem []byte // the mappings, for close
}

// The kernel's ABI (include/uapi/linux/io_uring.h).
const (
	sysIOUringSetup = 425
	sysIOUringEnter = 426

	ringOffSQRing = 0
	ringOffSQEs   = 0x10000000

	ringFeatSingleMmap = 1 << 0
	ringFeatNoDrop     = 1 << 1

	ringSetupSubmitAll = 1 << 7

	ringEnterGetEvents = 1 << 0

	ringOpSend = 26
	ringOpRecv = 27

	msgDontWait = 0x40
)

type ringSQOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type ringCQOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type ringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFD uint32
	resv                                                                   [3]uint32
	sqOff                                                                  ringSQOffsets
	cqOff                                                                  ringCQOffsets
}

// ringSQE is struct io_uring_sqe as a send or a recv uses it.
type ringSQE struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	msgFlags uint32
	userData uint64
	bufIndex uint16
	persona  uint16
	fileIdx  int32
	addr3    uint64
	pad      uint64
}

type ringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

var (
	_ [64 - unsafe.Sizeof(ringSQE{})]struct{}
	_ [unsafe.Sizeof(ringSQE{}) - 64]struct{}
	_ [16 - unsafe.Sizeof(ringCQE{})]struct{}
	_ [120 - unsafe.Sizeof(ringParams{})]struct{}
	_ [unsafe.Sizeof(ringParams{}) - 120]struct{}
)

// errRingFull is what prepare returns when as many operations are queued as the ring holds.
var errRingFull = errors.New("connloop: ring full")

// newRing makes a ring for up to entries operations per call; an error where the kernel has
// no io_uring, or has it turned off (io_uring_disabled, a seccomp filter).
func newRing(entries uint32) (*ring, error) {
	p := ringParams{flags: ringSetupSubmitAll}
	fd, _, errno := syscall.RawSyscall(sysIOUringSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno == syscall.EINVAL {
		p = ringParams{} // a kernel before 5.18
		fd, _, errno = syscall.RawSyscall(sysIOUringSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	}
	if errno != 0 {
		return nil, fmt.Errorf("connloop: io_uring_setup: %w", errno)
	}
	r := &ring{fd: int(fd)}
	if p.features&ringFeatSingleMmap == 0 || p.features&ringFeatNoDrop == 0 {
		r.close()
		return nil, fmt.Errorf("connloop: io_uring without single mmap and no-drop (a kernel before 5.5)")
	}
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(ringCQE{})))
	rings, err := syscall.Mmap(r.fd, ringOffSQRing, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("connloop: io_uring rings: %w", err)
	}
	r.rings = rings
	sqeMem, err := syscall.Mmap(r.fd, ringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(ringSQE{})), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("connloop: io_uring entries: %w", err)
	}
	r.sqeMem = sqeMem
	at := func(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&rings[off])) }
	r.sqHead, r.sqTail, r.sqMask = at(p.sqOff.head), at(p.sqOff.tail), at(p.sqOff.ringMask)
	r.sqArray = unsafe.Slice(at(p.sqOff.array), p.sqEntries)
	r.sqes = unsafe.Slice((*ringSQE)(unsafe.Pointer(&sqeMem[0])), p.sqEntries)
	r.cqHead, r.cqTail, r.cqMask = at(p.cqOff.head), at(p.cqOff.tail), at(p.cqOff.ringMask)
	r.cqes = unsafe.Slice((*ringCQE)(unsafe.Pointer(&rings[p.cqOff.cqes])), p.cqEntries)
	return r, nil
}

func (r *ring) close() {
	if r.sqeMem != nil {
		_ = syscall.Munmap(r.sqeMem)
	}
	if r.rings != nil {
		_ = syscall.Munmap(r.rings)
	}
	_ = syscall.Close(r.fd)
}

// prepare queues a recv (read) or a send (write) of b on the socket fd; res of submit's
// callback is then what read(2) or write(2) would have returned, or minus an errno. b must
// be in the heap (Go's collector does not move heap memory) and held by the caller until
// submit returns.
func (r *ring) prepare(write bool, fd int, b []byte, userData uint64) error {
	if int(r.queued) == len(r.sqes) {
		return errRingFull
	}
	tail := *r.sqTail + r.queued // only this goroutine moves the tail
	i := tail & *r.sqMask
	op := uint8(ringOpRecv)
	if write {
		op = ringOpSend
	}
	var addr uintptr
	if len(b) > 0 {
		addr = uintptr(unsafe.Pointer(&b[0]))
	}
	r.sqes[i] = ringSQE{opcode: op, fd: int32(fd), addr: uint64(addr), len: uint32(len(b)), msgFlags: msgDontWait, userData: userData}
	r.sqArray[i] = i
	r.queued++
	return nil
}

// submit does every queued operation in one io_uring_enter and calls done with each one's
// userData and result.
func (r *ring) submit(done func(userData uint64, res int32)) error {
	n := r.queued
	if n == 0 {
		return nil
	}
	r.queued = 0
	atomic.StoreUint32(r.sqTail, *r.sqTail+n)
	for submitted := uintptr(0); submitted < uintptr(n); {
		// A kernel without IORING_SETUP_SUBMIT_ALL stops at an operation that fails to
		// start (its error is its completion): the call is made again for the rest.
		m, _, errno := syscall.RawSyscall6(sysIOUringEnter, uintptr(r.fd), uintptr(n)-submitted, 0, 0, 0, 0)
		switch {
		case errno == syscall.EINTR:
		case errno != 0:
			return fmt.Errorf("connloop: io_uring_enter: %w", errno)
		case m == 0:
			return fmt.Errorf("connloop: io_uring_enter submitted none of %d operations", uintptr(n)-submitted)
		default:
			submitted += m
		}
	}
	for reaped := uint32(0); reaped < n; {
		head := *r.cqHead
		tail := atomic.LoadUint32(r.cqTail)
		if head == tail {
			// Not done while the call ran, which MSG_DONTWAIT should rule out: wait for it,
			// as a call that may block.
			_, _, errno := syscall.Syscall6(sysIOUringEnter, uintptr(r.fd), 0, uintptr(n-reaped), ringEnterGetEvents, 0, 0)
			if errno != 0 && errno != syscall.EINTR {
				return fmt.Errorf("connloop: io_uring_enter: %w", errno)
			}
			continue
		}
		for ; head != tail; head++ {
			cqe := &r.cqes[head&*r.cqMask]
			done(cqe.userData, cqe.res)
			reaped++
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return nil
}
