package nitro

import (
	"encoding/binary"
	"fmt"
	"net"
)

// frames collects a connection's outgoing WebSocket data frames so that
// several go out in one write(2).
//
// Gorilla writes every message with a system call of its own, and on a
// loopback or a LAN the system call is most of what a reply costs (the
// kernel delivers the segment and wakes the reader on the way). When a
// worker finds more messages waiting in the inbox (a postback whose
// handler published to its own page, a burst of pub/sub pushes), their
// replies are built here and written together. Server frames are not
// masked, and compression is not negotiated, so a frame is a 2 to 10 byte
// header and the payload.
//
// Only the worker appends and writes data frames; gorilla still writes the
// control frames (ping, pong, close) itself. Both write to the same
// net.Conn, whose Write is atomic with respect to other writers (the
// runtime holds the descriptor's write lock for a whole call, and
// crypto/tls holds its own), so frames never interleave.
type frames struct {
	buf *[]byte // from framePool while frames are pending; nil otherwise
}

// frameHeader is the longest header of a server frame: FIN and opcode,
// the 127 length marker, and a 64-bit length.
const frameHeader = 10

// pending reports the bytes waiting to be written.
func (f *frames) pending() int {
	if f.buf == nil {
		return 0
	}
	return len(*f.buf)
}

// add appends one frame with opcode op (1 text, 2 binary) whose payload
// encode appends to its argument. If encode panics (bert.Append does on an
// atom over 65535 bytes, which only a page's own code can build), nothing
// is added and the panic comes back as an error.
func (f *frames) add(op byte, encode func([]byte) []byte) (err error) {
	if f.buf == nil {
		f.buf = framePool.Get().(*[]byte)
		*f.buf = (*f.buf)[:0]
	}
	b := *f.buf
	start := len(b)
	defer func() {
		if v := recover(); v != nil {
			*f.buf = (*f.buf)[:start]
			err = fmt.Errorf("nitro: the reply cannot be encoded: %v", v)
		}
	}()
	// Leave room for the longest header, encode, then slide the payload
	// back behind the header its length needs: a copy of the payload,
	// which costs less than knowing the length beforehand.
	b = append(b, make([]byte, frameHeader)...)
	b = encode(b)
	n := len(b) - start - frameHeader
	var h [frameHeader]byte
	h[0] = 0x80 | op
	hl := 2
	switch {
	case n < 126:
		h[1] = byte(n)
	case n <= 0xffff:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
		hl = 4
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
		hl = 10
	}
	copy(b[start:], h[:hl])
	copy(b[start+hl:], b[start+frameHeader:])
	*f.buf = b[:start+hl+n]
	return nil
}

// flush writes what is pending to w, and gives the buffer back.
func (f *frames) flush(w net.Conn) error {
	if f.buf == nil {
		return nil
	}
	var err error
	if len(*f.buf) > 0 {
		_, err = w.Write(*f.buf)
	}
	if cap(*f.buf) <= 64<<10 {
		framePool.Put(f.buf)
	}
	f.buf = nil
	return err
}

// bytes returns what is pending.
func (f *frames) bytes() []byte {
	if f.buf == nil {
		return nil
	}
	return *f.buf
}

// consume drops the first n pending bytes, written by other means.
func (f *frames) consume(n int) {
	if f.buf == nil || n <= 0 {
		return
	}
	b := *f.buf
	rest := copy(b, b[n:])
	*f.buf = b[:rest]
	if rest == 0 {
		f.discard()
	}
}

// discard drops what is pending, and gives the buffer back.
func (f *frames) discard() {
	if f.buf != nil && cap(*f.buf) <= 64<<10 {
		framePool.Put(f.buf)
	}
	f.buf = nil
}
