package nitro_test

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// directFrame is a {direct, <<...>>} frame of about n bytes.
func directFrame(n int) []byte {
	return bert.Encode(bert.Tuple(bert.Atom("direct"), bert.Bin(bytes.Repeat([]byte{'x'}, n))))
}

// blockedPage holds its first Direct until release closes.
func blockedPage(release chan struct{}) nitro.Page {
	return nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			<-release
		}
	})
}

// feed calls Receive with frame n times from a goroutine of its own, and
// counts the calls that returned.
func feed(c *nitro.Conn, frame []byte, n int) *atomic.Int64 {
	var done atomic.Int64
	go func() {
		for range n {
			c.Receive(false, frame)
			done.Add(1)
		}
	}()
	return &done
}

// settle waits until v stops moving, and returns it.
func settle(v *atomic.Int64) int64 {
	for {
		before := v.Load()
		time.Sleep(100 * time.Millisecond)
		if v.Load() == before {
			return before
		}
	}
}

// TestInboxBytes: while a page is busy, its connection's reader may get
// InboxBytes ahead, then waits (back-pressure) until the page catches up;
// nothing is dropped.
func TestInboxBytes(t *testing.T) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), InboxBytes: 300 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	release := make(chan struct{})
	free := sync.OnceFunc(func() { close(release) })
	m := newMemTransport(t)
	c, err := srv.Open(m, blockedPage(release), "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(nil)
	defer free() // before Close, which waits for the page
	done := feed(c, directFrame(100<<10), 10)
	// The first frame is taken by the busy page; two more fit in 300 KiB.
	if got := settle(done); got < 2 || got > 4 {
		t.Fatalf("%d frames read while the page was busy, want 3 or so: the reader should wait", got)
	}
	free()
	for range 10 {
		m.next(t)
	}
	if got := done.Load(); got != 10 {
		t.Errorf("%d frames read after the page caught up, want 10", got)
	}
}

// TestInboundBytes: over all connections, the server holds at most about
// InboundBytes read and unhandled; past it every reader waits.
func TestInboundBytes(t *testing.T) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), InboundBytes: 500 << 10, InboxBytes: 10 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	release := make(chan struct{})
	free := sync.OnceFunc(func() { close(release) })
	var counts []*atomic.Int64
	var ms []*memTransport
	for range 2 {
		m := newMemTransport(t)
		c, err := srv.Open(m, blockedPage(release), "/", "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(nil)
		counts = append(counts, feed(c, directFrame(100<<10), 10))
		ms = append(ms, m)
	}
	defer free() // before the Closes, which wait for the pages
	settle(counts[0])
	if got := settle(counts[0]) + settle(counts[1]); got < 4 || got > 7 {
		t.Fatalf("%d frames read over both connections while their pages were busy, want about 5", got)
	}
	free()
	for _, m := range ms {
		for range 10 {
			m.next(t)
		}
	}
}
