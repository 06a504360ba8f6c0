package ws_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
)

// smallBuffers accepts connections with a tiny send buffer, so that the
// server's writes are often partial.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(8192)
	}
	return c, err
}

// rawDial opens a WebSocket to url's host by hand, with a small receive
// buffer, and returns the connection after the handshake.
func rawDial(t *testing.T, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetReadBuffer(16384)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr)
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return c, br
}

// sendFrame writes one masked client frame.
func sendFrame(c net.Conn, op byte, payload []byte) error {
	b := []byte{0x80 | op, 0x80 | byte(len(payload)), 1, 2, 3, 4}
	for i, x := range payload {
		b = append(b, x^b[2+i%4])
	}
	_, err := c.Write(b)
	return err
}

// frame is one server frame, parsed strictly.
type frame struct {
	op      byte
	payload []byte
}

// readFrame reads one server frame and checks it against RFC 6455 §5.2 as
// a server must send it: final, no extension bits, a known opcode,
// unmasked, the shortest length form, a control frame of at most 125
// bytes. io.EOF only between frames.
func readFrame(r io.Reader) (frame, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:1]); err != nil {
		return frame{}, err // EOF here is a clean end
	}
	if _, err := io.ReadFull(r, h[1:]); err != nil {
		return frame{}, fmt.Errorf("frame cut after its first byte: %w", err)
	}
	op := h[0] & 0x0f
	switch {
	case h[0]&0x80 == 0:
		return frame{}, fmt.Errorf("not a final frame: % x", h)
	case h[0]&0x70 != 0:
		return frame{}, fmt.Errorf("reserved bits set: % x", h)
	case h[1]&0x80 != 0:
		return frame{}, fmt.Errorf("masked server frame: % x", h)
	case op != 1 && op != 2 && op != 8 && op != 9 && op != 10:
		return frame{}, fmt.Errorf("opcode %d", op)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return frame{}, fmt.Errorf("length cut: %w", err)
		}
		if n = uint64(binary.BigEndian.Uint16(b[:])); n < 126 {
			return frame{}, fmt.Errorf("length %d in the 16-bit form", n)
		}
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return frame{}, fmt.Errorf("length cut: %w", err)
		}
		if n = binary.BigEndian.Uint64(b[:]); n <= 0xffff || n > 1<<24 {
			return frame{}, fmt.Errorf("length %d in the 64-bit form", n)
		}
	}
	if op >= 8 && n > 125 {
		return frame{}, fmt.Errorf("control frame of %d bytes", n)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return frame{}, fmt.Errorf("payload of %d bytes cut: %w", n, err)
	}
	return frame{op, p}, nil
}

// TestWritesNeverInterleave: with a tiny send buffer and a slow reader,
// so that writes are often partial, pushes (written by the connection's
// worker), broadcasts (written from the publisher's goroutine without
// waiting), pings every millisecond, pongs to the client's pings, and the
// server's close fire at once; the client parses every byte as WebSocket
// frames: each frame is whole, pushes and broadcasts arrive in the order
// they were sent, and the close frame is the last.
func TestWritesNeverInterleave(t *testing.T) {
	const n = 300
	pad := strings.Repeat("x", 1500) // frames larger than what the buffer takes at once
	ready := make(chan struct{})
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			cx.Subscribe("t")
			close(ready)
		case nitro.Push:
			cx.Wire("p(" + e.Msg.Text() + ");//" + pad)
		}
	})
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), SendQueue: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ep := ws.New(srv, ws.Config{PingInterval: time.Millisecond, WriteTimeout: 30 * time.Second})
	hs := httptest.NewUnstartedServer(ep.Handler(page))
	hs.Listener = smallBuffers{hs.Listener}
	hs.Start()
	defer hs.Close()

	c, br := rawDial(t, hs.Listener.Addr().String(), "/ws/")
	defer c.Close()
	if err := sendFrame(c, 1, []byte("N2O,")); err != nil {
		t.Fatal(err)
	}
	<-ready

	var received atomic.Int64 // pushes and broadcasts the client has read
	var wg sync.WaitGroup
	wg.Go(func() { // pushes: each page runs Event and writes from its worker
		for i := range n {
			srv.Publish("t", bert.BinString(strconv.Itoa(i)))
		}
	})
	wg.Go(func() { // broadcasts: written from here when the page is idle
		for i := range n {
			srv.Broadcast("t", []byte("b("+strconv.Itoa(i)+");//"+pad))
			if i%10 == 0 {
				time.Sleep(200 * time.Microsecond)
			}
		}
	})
	wg.Go(func() { // the client's pings: the server answers with pongs
		for range 50 {
			if received.Load() >= n/4 || sendFrame(c, 9, []byte("hi")) != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	})

	var pushes, broadcasts, pings, pongs int
	var closed bool
	done := make(chan error, 1)
	go func() {
		slow := &slowReader{r: br}
		for {
			f, err := readFrame(slow)
			if err == io.EOF || closed && errors.Is(err, syscall.ECONNRESET) {
				// The end; a ping of the client's that met the closed
				// socket resets it, after the close frame.
				done <- nil
				return
			}
			if err != nil {
				done <- err
				return
			}
			if closed {
				done <- fmt.Errorf("a frame (op %d) after the close frame", f.op)
				return
			}
			switch f.op {
			case 8:
				if len(f.payload) < 2 || binary.BigEndian.Uint16(f.payload) != 1001 {
					done <- fmt.Errorf("close frame % x, want code 1001", f.payload)
					return
				}
				closed = true
			case 9:
				pings++
			case 10:
				pongs++
			case 1:
				done <- fmt.Errorf("unexpected text frame %q", f.payload)
				return
			case 2:
				term, err := bert.Decode(f.payload)
				if err != nil || !term.Is("io", 3) {
					done <- fmt.Errorf("binary frame not an io term: %v (%v)", term, err)
					return
				}
				js := term.At(1).Text()
				if js == "" {
					continue // the reply to init
				}
				var kind byte
				var i int
				if _, err := fmt.Sscanf(js, "%c(%d);", &kind, &i); err != nil {
					done <- fmt.Errorf("JavaScript %.40q...: %v", js, err)
					return
				}
				want := &pushes
				if kind == 'b' {
					want = &broadcasts
				}
				if i != *want {
					done <- fmt.Errorf("%c(%d) arrived when %c(%d) was due", kind, i, kind, *want)
					return
				}
				*want++
				received.Add(1)
			}
		}
	}()

	// Close while all of that is under way: a close frame behind whatever
	// is being written; what waits in the inbox is dropped.
	deadline := time.Now().Add(30 * time.Second)
	for received.Load() < n/2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
	srv.Close()
	wg.Wait()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after %d pushes, %d broadcasts, %d pings, %d pongs: %v", pushes, broadcasts, pings, pongs, err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the client did not reach the end: %d pushes, %d broadcasts", pushes, broadcasts)
	}
	if pushes+broadcasts < n/2 || !closed || pings == 0 || pongs == 0 {
		t.Errorf("got %d pushes, %d broadcasts, %d pings, %d pongs, close %v; want %d or more messages, some pings and pongs, a close",
			pushes, broadcasts, pings, pongs, closed, n/2)
	}
}

// slowReader reads at most 700 bytes at a time, pausing between reads:
// the server's writes keep finding a full buffer.
type slowReader struct {
	r     io.Reader
	reads int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.reads++; s.reads%4 == 0 {
		time.Sleep(50 * time.Microsecond)
	}
	return s.r.Read(p[:min(len(p), 700)])
}
