package tcp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// readAll cuts every message from in, fed a byte at a time when slow.
func readAll(in []byte, f Framing, max int, slow bool) ([]string, error) {
	var src io.Reader = bytes.NewReader(in)
	if slow {
		src = iotest.OneByteReader(src)
	}
	r := reader{r: src, framing: f, max: max}
	var got []string
	for {
		msg, err := r.next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return got, err
		}
		got = append(got, string(msg))
		if len(r.buf) > max+6 && len(r.buf) > minRead {
			return got, errors.New("buffer past its bound")
		}
	}
}

func prefixed(msgs ...string) []byte {
	var b []byte
	for _, m := range msgs {
		b = appendFrame(b, LengthPrefix, []byte(m))
	}
	return b
}

func TestReader(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 2000))
	tests := []struct {
		name    string
		framing Framing
		max     int
		in      []byte
		want    []string
		err     error
	}{
		{"lines", Lines, 100, []byte("a\nbb\n\nccc\n"), []string{"a", "bb", "", "ccc"}, nil},
		{"crlf", Lines, 100, []byte("a\r\nb\r\n"), []string{"a", "b"}, nil},
		{"unfinished line", Lines, 100, []byte("a\nb"), []string{"a"}, io.ErrUnexpectedEOF},
		{"line at the limit", Lines, 3, []byte("abc\nabc\r\n"), []string{"abc", "abc"}, nil},
		{"line over the limit", Lines, 3, []byte("ab\nabcd\n"), []string{"ab"}, ErrTooLong},
		{"endless line", Lines, 100, []byte(long), nil, ErrTooLong},
		{"long lines", Lines, 4096, []byte(long + "\n" + long + "\n"), []string{long, long}, nil},
		{"frames", LengthPrefix, 100, prefixed("a", "", "bert"), []string{"a", "", "bert"}, nil},
		{"frame at the limit", LengthPrefix, 4, prefixed("abcd"), []string{"abcd"}, nil},
		{"frame over the limit", LengthPrefix, 4, prefixed("ab", "abcde"), []string{"ab"}, ErrTooLong},
		{"huge prefix", LengthPrefix, 1 << 20, []byte{0xff, 0xff, 0xff, 0xff}, nil, ErrTooLong},
		{"cut frame", LengthPrefix, 100, prefixed("abc")[:5], nil, io.ErrUnexpectedEOF},
		{"cut prefix", LengthPrefix, 100, []byte{0, 0}, nil, io.ErrUnexpectedEOF},
		{"long frames", LengthPrefix, 4096, prefixed(long, long), []string{long, long}, nil},
	}
	for _, tt := range tests {
		for _, slow := range []bool{false, true} {
			got, err := readAll(tt.in, tt.framing, tt.max, slow)
			if !errors.Is(err, tt.err) {
				t.Errorf("%s (slow %v): got error %v, want %v", tt.name, slow, err, tt.err)
			}
			if !equal(got, tt.want) {
				t.Errorf("%s (slow %v): got %q, want %q", tt.name, slow, got, tt.want)
			}
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAppendFrame(t *testing.T) {
	tests := []struct {
		framing Framing
		msg     string
		want    string
	}{
		{Lines, "hi", "hi\n"},
		{Lines, "hi\n", "hi\n"},
		{Lines, "", "\n"},
		{LengthPrefix, "hi", "\x00\x00\x00\x02hi"},
		{LengthPrefix, "", "\x00\x00\x00\x00"},
	}
	for _, tt := range tests {
		if got := string(appendFrame(nil, tt.framing, []byte(tt.msg))); got != tt.want {
			t.Errorf("%v %q: got %q, want %q", tt.framing, tt.msg, got, tt.want)
		}
	}
}

// fuzzReader checks that reading never panics, keeps its buffer within
// the bound, and gives back, reframed, what it read.
func fuzzReader(t *testing.T, f Framing, in []byte) {
	const max = 64
	for _, slow := range []bool{false, true} {
		got, err := readAll(in, f, max, slow)
		if err != nil && !errors.Is(err, ErrTooLong) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("slow %v: %v", slow, err)
		}
		var again []byte
		for _, m := range got {
			if len(m) > max {
				t.Fatalf("a message of %d bytes, over %d", len(m), max)
			}
			again = appendFrame(again, f, []byte(m))
		}
		if f == LengthPrefix && !bytes.HasPrefix(in, again) {
			t.Fatalf("read %q from %q", got, in)
		}
	}
}

func FuzzLines(f *testing.F) {
	for _, s := range []string{"", "a\n", "a\r\nb\n", "\n\n", string(bytes.Repeat([]byte("y"), 70)) + "\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { fuzzReader(t, Lines, in) })
}

func FuzzLengthPrefix(f *testing.F) {
	f.Add(prefixed("a", "", "bc"))
	f.Add([]byte{0, 0, 0, 65})
	f.Add(binary.BigEndian.AppendUint32(nil, 1<<31))
	f.Fuzz(func(t *testing.T, in []byte) { fuzzReader(t, LengthPrefix, in) })
}

func TestLineOf(t *testing.T) {
	tests := []struct {
		name string
		text bool
		msg  string
		want string
	}{
		{"text", true, "PONG", "PONG"},
		{"nop", false, "", ""},
		{"io reply", false, "\x83h\x03w\x02iom\x00\x00\x00\x02him\x00\x00\x00\x00", "hi"},
		{"error", false, "\x83h\x03w\x02iom\x00\x00\x00\x01xh\x02w\x05errorm\x00\x00\x00\x03bad", "error: bad"},
		{"cut", false, "\x83h\x03w\x02iom\x00\x00\x00\x09hi", "\x83h\x03w\x02iom\x00\x00\x00\x09hi"},
		{"json", false, `{"io":1}`, `{"io":1}`},
	}
	for _, tt := range tests {
		if got := string(lineOf(tt.text, []byte(tt.msg))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestReaderShrinks: a large message's buffer is not kept by an idle
// connection.
func TestReaderShrinks(t *testing.T) {
	long := bytes.Repeat([]byte("z"), 10000)
	r := reader{r: bytes.NewReader(append(long, '\n')), framing: Lines, max: 1 << 20}
	msg, err := r.next()
	if err != nil || len(msg) != len(long) {
		t.Fatalf("got %d bytes, %v", len(msg), err)
	}
	if len(r.buf) > maxIdleBuf {
		t.Errorf("the reader holds %d bytes idle, want at most %d", len(r.buf), maxIdleBuf)
	}
}
