package tcp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// Handler is a raw protocol, linedancer's shape: one Handler serves a
// listener, and runs each connection as a state machine over its events.
// Handle gets the state it returned last (nil at Connect) and returns the
// next; an error closes the connection. The events of one connection come
// one at a time, from its own goroutine; different connections run in
// parallel.
type Handler interface {
	Handle(c *RawConn, state any, ev Event) (next any, err error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(c *RawConn, state any, ev Event) (any, error)

// Handle calls f.
func (f HandlerFunc) Handle(c *RawConn, state any, ev Event) (any, error) { return f(c, state, ev) }

var _ Handler = HandlerFunc(nil)

// Event is what happened on a connection.
type Event struct {
	Kind EventKind
	// Data is the message that arrived (Data): a line without its "\n",
	// or a frame without its prefix. It is only valid during the call.
	Data []byte
	// Err is why the connection closed (Close): nil for a clean end.
	Err error
}

// EventKind says which event an Event is.
type EventKind uint8

const (
	Connect EventKind = iota // the peer connected
	Data                     // a message arrived
	Close                    // the connection closed: release the state; nothing can be sent
)

func (k EventKind) String() string {
	return [...]string{"connect", "data", "close"}[k]
}

// PanicError is the Err of the Close event after the handler panicked.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("tcp: handler panicked: %v", e.Value) }

// RawConn is a connection a Handler serves. Send and Close are safe for
// concurrent use: a handler may hand the RawConn to other goroutines.
type RawConn struct {
	s  *Server
	nc net.Conn
	r  reader

	mu  sync.Mutex // serialises writes
	out []byte
}

// Send writes msg to the peer, framed as the listener frames: a line
// gets its "\n" (unless it ends with one), a frame its length prefix.
func (c *RawConn) Send(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = appendFrame(c.out[:0], c.s.cfg.Framing, msg)
	c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	_, err := c.nc.Write(c.out)
	if cap(c.out) > 64<<10 {
		c.out = nil
	}
	return err
}

// Close closes the connection; the handler then gets Close.
func (c *RawConn) Close() error { return c.nc.Close() }

// RemoteAddr is the peer's address.
func (c *RawConn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// ServeRaw accepts connections on ln and serves each with h, with the
// zero Config's framing (Lines) and limits, until ln fails.
func ServeRaw(ln net.Listener, h Handler) error { return New(nil, Config{}).ServeRaw(ln, h) }

// ServeRaw accepts connections on ln and serves each with h, until ln
// fails or Shutdown. A handler that panics is recovered: its connection
// closes with the reason logged, and the listener and the other
// connections live on.
func (s *Server) ServeRaw(ln net.Listener, h Handler) error {
	return s.accept(ln, func(nc net.Conn) {
		c := &RawConn{s: s, nc: nc, r: reader{r: nc, framing: s.cfg.Framing, max: s.cfg.MaxMessage}}
		s.mu.Lock()
		if s.down {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.raws[c] = struct{}{}
		s.mu.Unlock()
		go c.run(h)
	})
}

func (c *RawConn) run(h Handler) {
	state, err := c.call(h, nil, Event{Kind: Connect})
	idle := c.s.cfg.IdleTimeout
	for err == nil {
		if idle > 0 {
			c.nc.SetReadDeadline(time.Now().Add(idle))
			if c.s.closing() {
				c.nc.SetReadDeadline(time.Unix(1, 0))
			}
		}
		var msg []byte
		if msg, err = c.r.next(); err != nil {
			break
		}
		state, err = c.call(h, state, Event{Kind: Data, Data: msg})
	}
	c.nc.Close()
	err = c.why(err)
	c.call(h, state, Event{Kind: Close, Err: err})
	c.s.mu.Lock()
	delete(c.s.raws, c)
	c.s.mu.Unlock()
}

// call runs the handler on one event, recovering its panic.
func (c *RawConn) call(h Handler, state any, ev Event) (next any, err error) {
	defer func() {
		if v := recover(); v != nil {
			c.s.log.Error("tcp: handler panicked; closing its connection", "panic", fmt.Sprint(v), "event", ev.Kind.String(),
				"peer", c.nc.RemoteAddr().String(), "stack", string(debug.Stack()))
			next, err = state, &PanicError{Value: v}
		}
	}()
	return h.Handle(c, state, ev)
}

// why logs and returns why a raw connection ended: nil for a clean end.
func (c *RawConn) why(err error) error {
	peer := c.nc.RemoteAddr().String()
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		if c.s.closing() {
			return nil
		}
		c.s.log.Info("tcp: closing an idle connection", "peer", peer, "idle", c.s.cfg.IdleTimeout)
	case errors.Is(err, ErrTooLong):
		c.s.log.Warn("tcp: closing a connection: message over MaxMessage", "peer", peer, "max", c.s.cfg.MaxMessage)
	default:
		c.s.log.Info("tcp: connection closed", "peer", peer, "err", err)
	}
	return err
}
