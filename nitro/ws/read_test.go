package ws_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
)

// sizer answers {direct, Bin} with {direct, byte_size(Bin)}.
var sizer = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	if d, ok := ev.(nitro.Direct); ok {
		cx.SetResult(bert.Int(int64(len(d.Msg.Bytes()))))
	}
})

func direct(n int) []byte {
	return bert.Encode(bert.Tuple(bert.Atom("direct"), bert.BinString(strings.Repeat("x", n))))
}

// startLarge writes the first part of a direct message of n bytes and
// leaves it unfinished; finish sends the rest.
func startLarge(t *testing.T, c *nitrotest.Client, n int) (finish func()) {
	t.Helper()
	w, err := c.Conn().NextWriter(websocket.BinaryMessage)
	if err != nil {
		t.Fatal(err)
	}
	msg := direct(n)
	if _, err := w.Write(msg[:n/2]); err != nil { // past the client's 4 KiB buffer: a frame goes
		t.Fatal(err)
	}
	return func() {
		if _, err := w.Write(msg[n/2:]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func wantSize(t *testing.T, c *nitrotest.Client, n int) {
	t.Helper()
	if io := c.NextIO(); !io.Data.Equal(bert.Tuple(bert.Atom("direct"), bert.Int(int64(n)))) {
		t.Fatalf("got %v, want {direct, %d}", io.Data, n)
	}
}

// TestReadBudget: past its first 4 KiB, a message is read only with a
// slot of the endpoint's ReadBudget, so what sockets have read and the
// loop has not counted is bounded whatever their number. Small messages
// need no slot.
func TestReadBudget(t *testing.T) {
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": sizer},
		nitrotest.WithWS(ws.Config{ReadLimit: 64 << 10, ReadBudget: 64 << 10})) // one slot
	a, b, small := srv.Dial("/"), srv.Dial("/"), srv.Dial("/")
	for _, c := range []*nitrotest.Client{a, b, small} {
		c.Init()
	}
	finishA := startLarge(t, a, 20<<10) // holds the slot, unfinished
	time.Sleep(100 * time.Millisecond)
	b.SendBinary(direct(20 << 10)) // whole, but must wait for the slot
	small.SendBinary(direct(10))
	wantSize(t, small, 10)
	if f, err := b.TryRead(300 * time.Millisecond); err == nil {
		t.Fatalf("a large message was read while another held the only slot: %v", f)
	}
	finishA()
	wantSize(t, a, 20<<10)
	wantSize(t, b, 20<<10)
}

// TestLargeMessageInTime: a large message holds a slot, so it must
// arrive within ReadTimeout, even from a peer that keeps answering
// pings (which would otherwise keep the socket alive).
func TestLargeMessageInTime(t *testing.T) {
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": sizer},
		nitrotest.WithWS(ws.Config{ReadTimeout: 400 * time.Millisecond, PingInterval: 50 * time.Millisecond}))
	c := srv.Dial("/")
	c.Init()
	startLarge(t, c, 20<<10)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // pongs without being asked, as a stalling peer may
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				c.Conn().WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
			}
		}
	}()
	if err := c.Closed(3 * time.Second); errors.Is(err, nitrotest.ErrTimeout) {
		t.Error("a large message left unfinished held its socket, and its slot, open")
	}
}
