// Package connloop serves one connection of a request-response protocol (MySQL's, Redis's)
// at the cost of one read and one write system call per request, which is what a read
// served from memory costs most: on a machine where system calls are dear, a generic
// net.Conn loop spent more CPU on the empty read, scheduler hand-offs and per-packet writes
// than on the lookup it served.
//
// It owns the connection's buffers and its system calls, never what the bytes mean: a
// protocol's runner takes whole requests from Input, appends replies to Out, and says how
// many bytes the next request needs when it has not all arrived. Replies are written once
// every request read so far has been answered, so requests a client pipelines share one
// write; a reply that outgrows FlushAt is written as it is built.
//
// # One read per request
//
// Go's network poller is edge-triggered: the usual loop reads until a read finds nothing
// (EAGAIN) and only then waits, so each request costs a read that returns nothing. A read
// that returns less than the room it was given has emptied the socket, so Conn waits for the
// next readiness straight away. It must do so inside one syscall.RawConn.Read for the
// connection's whole life, because starting a RawConn.Read clears a readiness signalled
// before it: a new one per request could wait forever for a request that had already
// arrived. A short read proves the socket had no more data, not that the client had not also
// closed its side, and an end of stream that arrived with the last request brings no
// readiness of its own; so while waiting without the empty read a read deadline stands at
// most ProbeEvery ahead, and when it passes the read is made after all (an idle connection
// costs one read a second, and a half-closed one is seen within that time).
//
// Reads and writes of the non-blocking socket are raw system calls: they never block, and
// the scheduler's bookkeeping for a call that might (which let the runtime's monitor hand
// the processor to another thread, woken through a futex, when a call was slow) was a
// visible share of a short read's CPU. A write the socket does not take at once goes
// through net.Conn, which waits for it to drain.
//
// Connections that are not plain TCP sockets (TLS), and every connection where sockets are
// not file descriptors (Windows), are served through net.Conn's Read and Write with the
// same buffering.
//
// # One wakeup for many connections
//
// With a goroutine per connection, each request that arrives wakes its goroutine, and on a
// machine of few cores the runtime's threads take turns sleeping and waking to run them:
// more sleeps, futex wakes and epoll_waits per request than Redis, whose one thread takes
// every ready connection from one epoll_wait. A Poller (Linux) does what Redis does: the
// connections given to it (UsePoller) are registered, level-triggered, in an epoll set of
// its own, and its goroutine waits in an epoll_wait of its own that blocks its thread. Each
// wakeup reads, runs and answers every connection with input.
//
// Two things make that wait Redis's. The sockets must be in no other epoll set, or each
// request would also wake a thread of the runtime for nothing: the poller serves a
// duplicate of each socket's descriptor, and the connection's net.Conn is closed (which is
// what takes a socket out of the runtime's set) for as long as the poller has it. And the
// wait is a raw system call, so the goroutine keeps its thread and its processor: as an
// ordinary blocking call, the runtime's monitor handed the processor away during the wait,
// and the goroutine came back on another thread, woken through a futex, on every wakeup.
// The runtime still stops the goroutine when it must: its preemption signal ends the wait.
// Since the poller holds a processor while it waits, the shared poller raises GOMAXPROCS
// by one.
//
// A runner on the poller (Polled) must not wait: a request that might (a read that misses,
// a write, anything slow) is ErrBlocking, left unconsumed, and the connection goes back to
// its goroutine. The goroutine runs that request, writes the replies to the poller's
// descriptor and gives the connection back at once; it never reads the socket, so a
// client that mixes writes with its reads has its reads answered on the poller all the
// same. The socket stays in the poller's set meanwhile, so a hand-over costs a goroutine's
// wakeup and no epoll_ctl call, unless the client sends while it is handed over (it
// pipelines, or hangs up): the poller takes it out of the set then, and the goroutine puts
// it back. A connection ends, is woken (Wake) or closed (Close) wherever it is; one with a
// deadline (SetDeadline) is served through a new net.Conn of the socket, on its goroutine.
//
// # One system call for many sockets
//
// A wakeup serves several connections, and on a machine where a system call costs a
// microsecond (a VM; a null system call measured 1.0 µs here) the read and the write of
// each were most of what a request cost beyond the kernel's own work. The poller makes
// them through an io_uring used as a batch of system calls: the reads of every connection
// of a wakeup in one io_uring_enter, then their writes in another. Each operation is
// issued with MSG_DONTWAIT, so the kernel does it while the call runs, as read(2) and
// write(2) on a non-blocking socket would, and answers EAGAIN rather than waiting; nothing
// is left running in the kernel after the call. Where the kernel has no io_uring (before
// 5.6, turned off by io_uring_disabled or a seccomp filter), or a call fails, the poller
// makes a system call per read and write.
package connloop
