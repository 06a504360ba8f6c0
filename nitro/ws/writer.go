package ws

import (
	"encoding/binary"
	"net"
	"sync"
	"syscall"
	"time"
)

// writer owns the write side of a socket: every byte the server sends,
// the handshake, data frames, pings, pongs and close frames, whoever
// sends it, is appended to out under mu and written from its front. So
// frames are always whole and in order, even when a write that must not
// wait (a broadcast from a publisher's goroutine) takes only part of
// them: the rest stays at the front of out, and whatever comes next is
// written after it.
//
// gorilla/websocket gets the writer as its net.Conn, and after the
// handshake writes through it only on its own errors; the transport
// answers pings and closes itself.
type writer struct {
	net.Conn
	rc      syscall.RawConn // for tryWrite; nil if the socket has none
	timeout time.Duration

	mu       sync.Mutex // guards what follows: held while writing
	out      *[]byte    // from bufPool while bytes wait; nil otherwise
	deadline int64      // the write deadline set on the socket, Unix nanoseconds
	err      error      // the first write error: the socket is dead
}

func (w *writer) init(nc net.Conn, timeout time.Duration) {
	w.Conn, w.timeout = nc, timeout
	if sc, ok := nc.(syscall.Conn); ok {
		w.rc, _ = sc.SyscallConn()
	}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Write sends p whole, after what waits: gorilla's handshake and its
// protocol-error close frames come this way.
func (w *writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.append(p)
	if err := w.writeOut(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// SetWriteDeadline does nothing: the writer keeps its own deadline.
func (w *writer) SetWriteDeadline(time.Time) error { return nil }

// append adds bytes to out. The caller holds mu.
func (w *writer) append(b []byte) {
	if w.out == nil {
		w.out = bufPool.Get().(*[]byte)
		*w.out = (*w.out)[:0]
	}
	*w.out = append(*w.out, b...)
}

// take adds a batch of frames to out, by handing over its buffer when
// out is empty. The caller holds mu.
func (w *writer) take(batch **[]byte) {
	switch {
	case *batch == nil:
	case w.out == nil:
		w.out, *batch = *batch, nil
	default:
		w.append(**batch)
		release(batch)
	}
}

// writeOut writes all of out, waiting as long as the timeout allows.
// The caller holds mu.
func (w *writer) writeOut() error {
	if w.err != nil {
		return w.err
	}
	if w.out == nil {
		return nil
	}
	if now := time.Now().UnixNano(); w.deadline-now < int64(w.timeout/2) {
		// Moving a deadline costs a timer update: only once half of it
		// has passed.
		w.deadline = now + int64(w.timeout)
		w.Conn.SetWriteDeadline(time.Unix(0, w.deadline))
	}
	_, err := w.Conn.Write(*w.out)
	release(&w.out)
	if err != nil {
		w.err = err
	}
	return err
}

// tryOut writes what of out the socket takes at once, and reports
// whether all of it went. The caller holds mu.
func (w *writer) tryOut() bool {
	if w.out == nil {
		return true
	}
	if w.err != nil {
		return false
	}
	n, ok := tryWrite(w.rc, *w.out)
	if !ok {
		return false // the blocking write will see what is wrong
	}
	b := *w.out
	if rest := copy(b, b[n:]); rest > 0 {
		*w.out = b[:rest]
		return false
	}
	release(&w.out)
	return true
}

// control writes a control frame after what waits. A peer that does not
// read holds it up to the write timeout.
func (w *writer) control(op byte, payload []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.out == nil {
		w.out = bufPool.Get().(*[]byte)
		*w.out = (*w.out)[:0]
	}
	*w.out = appendFrame(*w.out, op, payload)
	return w.writeOut()
}

// closeFrame writes a close frame after what waits, within a second: a
// writer blocked on a peer that does not read gives up by then too.
func (w *writer) closeFrame(payload []byte) {
	w.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deadline = time.Now().Add(time.Second).UnixNano()
	w.Conn.SetWriteDeadline(time.Unix(0, w.deadline))
	if w.err == nil {
		if w.out == nil {
			w.out = bufPool.Get().(*[]byte)
			*w.out = (*w.out)[:0]
		}
		*w.out = appendFrame(*w.out, opClose, payload)
		w.Conn.Write(*w.out) // not writeOut: it would move the deadline on
		release(&w.out)
	}
	w.err = net.ErrClosed // nothing may follow a close frame
}

func release(b **[]byte) {
	if *b != nil && cap(**b) <= 64<<10 {
		bufPool.Put(*b)
	}
	*b = nil
}

// WebSocket opcodes (RFC 6455 §5.2).
const (
	opText   = 1
	opBinary = 2
	opClose  = 8
	opPing   = 9
	opPong   = 10
)

// appendFrame appends one unmasked, final frame: server frames are not
// masked and compression is not negotiated, so a frame is a 2 to 10 byte
// header and the payload.
func appendFrame(b []byte, op byte, payload []byte) []byte {
	n := len(payload)
	switch {
	case n < 126:
		b = append(b, 0x80|op, byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|op, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|op, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}
