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
// its own, whose descriptor its one goroutine waits for in the runtime's poller, and each
// wakeup reads, runs and answers every connection with input. A runner on the poller
// (Polled) must not wait: a request that might (a read that misses, a write, anything
// slow) is ErrBlocking, left unconsumed, and the connection goes back to its goroutine,
// which writes what the socket did not take, runs the request, and serves the connection
// until its socket is empty; it then waits a while (SetStayTurns) on its goroutine before it
// returns to the poller, so that a client sending writes does not pay a hand-over for each.
// Wake and Close take a connection back from the poller at once; a connection with a
// deadline (SetDeadline) stays on its goroutine. One poller serves the process: a second,
// on a second core, brought back the turns of threads it saves. Its goroutine waits in the
// runtime's poller, and the sockets stay in the runtime's epoll set while it has them:
// taking them out (a duplicate descriptor, the net.Conn closed, the poller in a blocking
// epoll_wait of its own) saved the second epoll_wait of each wakeup but put the poller's
// thread to sleep and woke it on every one, and cost more CPU per request.
package connloop
