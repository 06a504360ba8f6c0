package tcp

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nitrogo/framework/nitro"
)

// conn is one connection serving a page: its nitro.Transport. Its reader
// goroutine cuts messages and hands them to the loop; every write goes
// through mu, so messages go out whole and in order.
type conn struct {
	s  *Server
	nc net.Conn
	c  *nitro.Conn
	r  reader

	batch   *[]byte     // framed and not yet flushed; the loop's worker only
	pending atomic.Bool // batch holds bytes: Shutdown waits for them

	mu       sync.Mutex // guards the write side
	deadline int64      // the write deadline on the socket, Unix nanoseconds
	werr     error      // the first write error

	closeOnce sync.Once
	closed    atomic.Bool
	draining  atomic.Bool   // Shutdown stopped the reader
	stopped   chan struct{} // closed when a draining reader has stopped
	released  chan struct{} // closed by Close: a stopped reader may end
	slow      bool          // closed as too slow; worker only
}

var _ nitro.Transport = (*conn)(nil)

// open starts serving page on nc.
func (s *Server) open(nc net.Conn, page nitro.Page) {
	t := &conn{s: s, nc: nc, stopped: make(chan struct{}), released: make(chan struct{})}
	t.r = reader{r: nc, framing: s.cfg.Framing, max: s.cfg.MaxMessage}
	s.mu.Lock()
	if s.down {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.conns[t] = struct{}{}
	s.mu.Unlock()
	c, err := s.srv.Open(t, page, s.cfg.Path, "", "")
	if err != nil {
		s.forget(t)
		nc.Close()
		return
	}
	t.c = c
	go t.readLoop()
}

func (s *Server) forget(t *conn) {
	s.mu.Lock()
	delete(s.conns, t)
	s.mu.Unlock()
}

// initLine is the init a Lines connection is given as it opens.
var initLine = []byte("N2O,")

func (t *conn) readLoop() {
	text := t.s.cfg.Framing == Lines
	var err error
	if text {
		err = t.c.Receive(true, initLine)
	}
	idle := t.s.cfg.IdleTimeout
	var deadline int64
	for err == nil {
		if idle > 0 && !t.draining.Load() {
			// Moving a deadline costs a timer update: only once half of
			// it has passed.
			if now := time.Now().UnixNano(); deadline-now < int64(idle/2) {
				deadline = now + int64(idle)
				t.nc.SetReadDeadline(time.Unix(0, deadline))
				if t.draining.Load() { // drain's deadline may have come first
					t.nc.SetReadDeadline(time.Unix(1, 0))
				}
			}
		}
		var msg []byte
		if msg, err = t.r.next(); err != nil {
			break
		}
		err = t.c.Receive(text, msg)
	}
	if t.draining.Load() {
		close(t.stopped)
		<-t.released // Shutdown closes once what was read is answered
		err = nil
	}
	t.s.forget(t)
	t.c.Close(t.why(err))
}

// why logs and returns why reading ended: nil for a clean end.
func (t *conn) why(err error) error {
	switch {
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, nitro.ErrClosed):
		return nil
	case t.closed.Load() && errors.Is(err, net.ErrClosed):
		return nil // closed on this side, which said why
	case errors.Is(err, ErrTooLong):
		t.s.log.Warn("tcp: closing a connection: message over MaxMessage", "peer", t.nc.RemoteAddr().String(), "max", t.s.cfg.MaxMessage)
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.s.log.Info("tcp: closing an idle connection", "peer", t.nc.RemoteAddr().String(), "idle", t.s.cfg.IdleTimeout)
	}
	return err
}

// drain stops the reader: what it read is handled, nothing more is read.
func (t *conn) drain() {
	t.draining.Store(true)
	t.nc.SetReadDeadline(time.Unix(1, 0))
}

// drained reports whether a draining connection has handled what it
// read and written the replies. What the loop has not handled is the
// server's InboundBytes: with other transports busy, Shutdown waits
// for theirs too.
func (t *conn) drained() bool {
	select {
	case <-t.stopped:
	default:
		return t.closed.Load()
	}
	return t.s.srv.Stats().InboundBytes == 0 && !t.pending.Load()
}

// Queue implements nitro.Transport.
func (t *conn) Queue(text bool, payload []byte) {
	if t.s.cfg.Framing == Lines {
		if payload = lineOf(text, payload); len(payload) == 0 {
			return
		}
	}
	if t.slow {
		return
	}
	if t.batch == nil {
		t.batch = bufPool.Get().(*[]byte)
		*t.batch = (*t.batch)[:0]
	}
	*t.batch = appendFrame(*t.batch, t.s.cfg.Framing, payload)
	if len(*t.batch) > t.s.cfg.SendQueueBytes {
		t.slow = true
		release(&t.batch)
		t.s.log.Warn("tcp: closing a connection too far behind", "peer", t.nc.RemoteAddr().String(), "queued", t.s.cfg.SendQueueBytes)
		t.Close(nitro.CloseNow, "")
		return
	}
	t.pending.Store(true)
}

// Flush implements nitro.Transport. A flush that must not wait gives up
// at once: a write to a socket waits.
func (t *conn) Flush(wait bool) (bool, error) {
	if t.batch == nil {
		return true, nil
	}
	if !wait {
		return false, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.pending.Store(false)
	defer release(&t.batch)
	if t.werr != nil {
		return true, t.werr
	}
	if now := time.Now().UnixNano(); t.deadline-now < int64(t.s.cfg.WriteTimeout/2) {
		t.deadline = now + int64(t.s.cfg.WriteTimeout)
		t.nc.SetWriteDeadline(time.Unix(0, t.deadline))
	}
	if _, err := t.nc.Write(*t.batch); err != nil {
		t.werr = err
	}
	return true, t.werr
}

// Close implements nitro.Transport. Neither framing has a close message:
// the socket closes, which ends the reader.
func (t *conn) Close(code int, reason string) {
	t.closeOnce.Do(func() {
		t.closed.Store(true)
		t.nc.Close()
		close(t.released)
	})
}

// Name is the transport's name in the server's Stats: "tcp".
func (t *conn) Name() string { return "tcp" }

// Peer implements nitro.Transport: a TCP peer has an address, no headers.
func (t *conn) Peer() nitro.Peer { return nitro.Peer{Addr: t.nc.RemoteAddr().String()} }

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func release(b **[]byte) {
	if *b != nil && cap(**b) <= 64<<10 {
		bufPool.Put(*b)
	}
	*b = nil
}
