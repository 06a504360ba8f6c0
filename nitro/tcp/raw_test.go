package tcp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/tcp"
)

func mustServeRaw(tb testing.TB, cfg tcp.Config, h tcp.Handler) (string, *tcp.Server) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ts := tcp.New(nil, cfg)
	done := make(chan error, 1)
	go func() { done <- ts.ServeRaw(ln, h) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := ts.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, tcp.ErrServerClosed) {
			tb.Errorf("ServeRaw returned %v, want ErrServerClosed", err)
		}
	})
	return ln.Addr().String(), ts
}

// echo echoes lines; "boom" panics. It records how each connection ended.
type echo struct {
	mu     sync.Mutex
	closed []error
}

func (e *echo) Handle(c *tcp.RawConn, state any, ev tcp.Event) (any, error) {
	switch ev.Kind {
	case tcp.Connect:
		return 0, nil
	case tcp.Data:
		if bytes.Equal(ev.Data, []byte("boom")) {
			panic("boom")
		}
		return state.(int) + 1, c.Send(ev.Data)
	case tcp.Close:
		e.mu.Lock()
		e.closed = append(e.closed, ev.Err)
		e.mu.Unlock()
	}
	return state, nil
}

func TestRawPanicClosesOnlyItsConnection(t *testing.T) {
	h := &echo{}
	addr, _ := mustServeRaw(t, tcp.Config{}, h)
	a, b, c := mustDial(t, addr), mustDial(t, addr), mustDial(t, addr)
	for _, cl := range []*client{a, b, c} {
		cl.send("hi")
		cl.expect("hi")
	}
	b.send("boom")
	b.expectEOF()
	for _, cl := range []*client{a, c, mustDial(t, addr)} {
		cl.send("still here")
		cl.expect("still here")
	}
	// The Close event may come after the peer saw EOF: wait for it.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		h.mu.Lock()
		n := len(h.closed)
		h.mu.Unlock()
		if n > 0 {
			break
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var pe *tcp.PanicError
	if len(h.closed) != 1 || !errors.As(h.closed[0], &pe) {
		t.Errorf("closes: got %v, want one PanicError", h.closed)
	}
}

func TestRawLimits(t *testing.T) {
	tests := []struct {
		name string
		cfg  tcp.Config
		run  func(c *client)
	}{
		{"line over MaxMessage", tcp.Config{MaxMessage: 4}, func(c *client) {
			c.send("ok")
			c.expect("ok")
			c.send("not ok")
			c.expectEOF()
		}},
		{"idle", tcp.Config{IdleTimeout: 50 * time.Millisecond}, func(c *client) {
			c.expectEOF()
		}},
		{"frames", tcp.Config{Framing: tcp.LengthPrefix}, func(c *client) {
			c.c.Write([]byte("\x00\x00\x00\x03abc"))
			got := make([]byte, 7)
			if _, err := io.ReadFull(c.r, got); err != nil || string(got) != "\x00\x00\x00\x03abc" {
				c.tb.Fatalf("got %q, %v", got, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := mustServeRaw(t, tt.cfg, &echo{})
			tt.run(mustDial(t, addr))
		})
	}
}
