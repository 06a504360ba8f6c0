package tcp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// Framing is how a listener cuts its byte stream into messages.
type Framing uint8

const (
	// Lines: one message per line, ended by "\n" (a "\r" before it is
	// dropped), as a person types them into netcat. Every message read
	// is a text message; every message written ends with "\n".
	Lines Framing = iota
	// LengthPrefix: each message is preceded by its length as 4 bytes,
	// big-endian (BERT-RPC's packet framing). Every message read is a
	// binary one: a BERT term, for the loop.
	LengthPrefix
)

// String names the framing, as logs show it.
func (f Framing) String() string {
	if f == LengthPrefix {
		return "length-prefix"
	}
	return "lines"
}

// ErrTooLong is what reading says of a line or a frame over the
// listener's MaxMessage: the connection is closed, as no message after
// it can be found.
var ErrTooLong = errors.New("tcp: message over the size limit")

// reader cuts messages out of a stream. buf[start:end] is read and not
// yet returned; it grows as a message needs, to max and a few bytes, so
// what a peer makes a connection hold is bounded by MaxMessage.
type reader struct {
	r          io.Reader
	framing    Framing
	max        int
	buf        []byte
	start, end int
}

// minRead is a reader's first buffer: an idle connection holds this,
// or up to maxIdleBuf once it has grown.
const (
	minRead    = 512
	maxIdleBuf = 4 << 10
)

// next returns the next message, in a slice of its own (the loop keeps
// it). At the end of the stream it returns io.EOF; a stream that ends
// inside a message gives io.ErrUnexpectedEOF.
func (r *reader) next() ([]byte, error) {
	for {
		if msg, ok, err := r.cut(); ok || err != nil {
			if r.start == r.end && len(r.buf) > maxIdleBuf {
				r.buf, r.start, r.end = nil, 0, 0 // a large message's buffer is not kept idle
			}
			return msg, err
		}
		if err := r.fill(); err != nil {
			if err == io.EOF && r.end > r.start {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// cut returns a whole message from what is buffered, if there is one.
func (r *reader) cut() (msg []byte, ok bool, err error) {
	b := r.buf[r.start:r.end]
	switch r.framing {
	case LengthPrefix:
		if len(b) < 4 {
			return nil, false, nil
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(r.max) {
			return nil, false, ErrTooLong
		}
		if len(b)-4 < int(n) {
			r.want(4 + int(n))
			return nil, false, nil
		}
		r.start += 4 + int(n)
		return append([]byte(nil), b[4:4+n]...), true, nil
	default:
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(b) > r.max+1 { // room for a "\r" before the "\n" to come
				return nil, false, ErrTooLong
			}
			r.want(len(b) + 1)
			return nil, false, nil
		}
		r.start += i + 1
		line := b[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) > r.max {
			return nil, false, ErrTooLong
		}
		return append([]byte(nil), line...), true, nil
	}
}

// want makes room for n bytes from start.
func (r *reader) want(n int) {
	if r.start > 0 && r.start == r.end {
		r.start, r.end = 0, 0
	}
	if n <= len(r.buf)-r.start {
		return
	}
	if n <= len(r.buf) {
		// Room at the front: slide down.
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
		return
	}
	size := max(2*len(r.buf), minRead)
	limit := r.max + 6 // a frame's prefix, or a line's "\r\n", and one to see past
	size = min(max(size, n), limit)
	nb := make([]byte, size)
	r.end = copy(nb, r.buf[r.start:r.end])
	r.buf, r.start = nb, 0
}

// fill reads once more into the buffer.
func (r *reader) fill() error {
	if r.buf == nil {
		r.buf = make([]byte, minRead)
	}
	if r.start == r.end {
		r.start, r.end = 0, 0
	}
	if r.end == len(r.buf) {
		r.want(r.end - r.start + 1)
	}
	n, err := r.r.Read(r.buf[r.end:])
	r.end += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// appendFrame appends one message framed for the wire.
func appendFrame(b []byte, f Framing, msg []byte) []byte {
	if f == LengthPrefix {
		b = binary.BigEndian.AppendUint32(b, uint32(len(msg)))
		return append(b, msg...)
	}
	b = append(b, msg...)
	if len(msg) == 0 || msg[len(msg)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}
