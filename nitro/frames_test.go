package nitro

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

// writeCounter is a net.Conn that keeps what is written, and how many
// writes it took.
type writeCounter struct {
	net.Conn
	buf    bytes.Buffer
	writes int
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.writes++
	return w.buf.Write(p)
}

// parseFrame reads one server frame (RFC 6455 §5.2: unmasked) from b.
func parseFrame(t *testing.T, b []byte) (op byte, payload, rest []byte) {
	t.Helper()
	if len(b) < 2 || b[0]&0x80 == 0 || b[1]&0x80 != 0 {
		t.Fatalf("bad frame start % x", b[:min(len(b), 2)])
	}
	op = b[0] & 0x0f
	n, h := uint64(b[1]&0x7f), 2
	switch n {
	case 126:
		n, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
		if n < 126 {
			t.Fatalf("length %d in the 16-bit form", n)
		}
	case 127:
		n, h = binary.BigEndian.Uint64(b[2:]), 10
		if n <= 0xffff {
			t.Fatalf("length %d in the 64-bit form", n)
		}
	}
	if uint64(len(b)-h) < n {
		t.Fatalf("frame says %d bytes, %d follow", n, len(b)-h)
	}
	return op, b[h : h+int(n)], b[h+int(n):]
}

func TestFramesLengths(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 1000, 0xffff, 0x10000, 70000} {
		var f frames
		payload := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
		f.add(2, func(b []byte) []byte { return append(b, payload...) })
		w := &writeCounter{}
		if err := f.flush(w); err != nil {
			t.Fatal(err)
		}
		op, got, rest := parseFrame(t, w.buf.Bytes())
		if op != 2 || !bytes.Equal(got, payload) || len(rest) != 0 {
			t.Errorf("%d bytes: op %d, payload of %d bytes (equal: %v), %d left over", n, op, len(got), bytes.Equal(got, payload), len(rest))
		}
	}
}

// TestFramesOneWrite: frames added before a flush leave in one write, in
// order, and a flush with nothing pending writes nothing.
func TestFramesOneWrite(t *testing.T) {
	var f frames
	w := &writeCounter{}
	msgs := []string{"first", "second, a little longer", string(bytes.Repeat([]byte{'x'}, 300))}
	for i, m := range msgs {
		op := byte(2)
		if i == 1 {
			op = 1
		}
		f.add(op, func(b []byte) []byte { return append(b, m...) })
	}
	if f.pending() == 0 {
		t.Fatal("nothing pending after add")
	}
	if err := f.flush(w); err != nil {
		t.Fatal(err)
	}
	if err := f.flush(w); err != nil {
		t.Fatal(err)
	}
	if w.writes != 1 {
		t.Errorf("%d writes, want 1", w.writes)
	}
	rest := w.buf.Bytes()
	for i, m := range msgs {
		var op byte
		var got []byte
		op, got, rest = parseFrame(t, rest)
		if string(got) != m || (i == 1) != (op == 1) {
			t.Errorf("frame %d: op %d %q, want %q", i, op, got, m)
		}
	}
	if len(rest) != 0 {
		t.Errorf("%d bytes after the frames", len(rest))
	}
}
