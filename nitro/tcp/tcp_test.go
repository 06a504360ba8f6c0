package tcp_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/tcp"
)

// mustServe serves page on a loopback listener with cfg and returns its
// address and the servers, closed when the test ends.
func mustServe(tb testing.TB, cfg tcp.Config, page nitro.Page) (string, *tcp.Server, *nitro.Server) {
	tb.Helper()
	ks, err := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
	if err != nil {
		tb.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(ks...)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := nitro.New(nitro.Config{Keys: ring, Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ts := tcp.New(srv, cfg)
	done := make(chan error, 1)
	go func() { done <- ts.Serve(ln, page) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts.Shutdown(ctx)
		if err := <-done; !errors.Is(err, tcp.ErrServerClosed) {
			tb.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
		srv.Close()
	})
	return ln.Addr().String(), ts, srv
}

type client struct {
	tb testing.TB
	c  net.Conn
	r  *bufio.Reader
}

func mustDial(tb testing.TB, addr string) *client {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{tb: tb, c: c, r: bufio.NewReader(c)}
}

func (c *client) send(lines ...string) {
	c.tb.Helper()
	if _, err := io.WriteString(c.c, strings.Join(lines, "\n")+"\n"); err != nil {
		c.tb.Fatal(err)
	}
}

func (c *client) expect(want string) {
	c.tb.Helper()
	got, err := c.r.ReadString('\n')
	if err != nil {
		c.tb.Fatalf("reading %q: %v (got %q)", want, err, got)
	}
	if got = strings.TrimSuffix(got, "\n"); got != want {
		c.tb.Fatalf("got %q, want %q", got, want)
	}
}

// expectEOF reads until the server closes the connection.
func (c *client) expectEOF() {
	c.tb.Helper()
	rest, err := io.ReadAll(c.r)
	if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		c.tb.Fatalf("got %v after %q, want the connection closed", err, rest)
	}
}

func isReset(err error) bool { return strings.Contains(err.Error(), "connection reset") }

// room is a chat over lines: JOIN name, SAY text; others' posts arrive as
// "name: text".
var room = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch ev := ev.(type) {
	case nitro.Text:
		cmd, arg, _ := strings.Cut(string(ev), " ")
		switch cmd {
		case "JOIN":
			cx.Subscribe("room/" + arg)
			cx.SetSession("room", arg)
			cx.Wire("joined " + arg)
		case "SAY":
			r, _ := cx.Session("room")
			name, _ := r.(string)
			cx.Publish("room/"+name, bert.BinString(arg))
		case "PANIC":
			panic("asked to")
		case "SLOW":
			time.Sleep(100 * time.Millisecond)
			cx.Wire("done")
		default:
			cx.Wire("echo " + string(ev))
		}
	case nitro.Push:
		cx.Wire("said " + ev.Msg.Text())
	}
})

func TestLinesRoom(t *testing.T) {
	addr, _, _ := mustServe(t, tcp.Config{}, room)
	a, b := mustDial(t, addr), mustDial(t, addr)
	a.send("hello")
	a.expect("echo hello")
	a.send("JOIN lobby")
	a.expect("joined lobby")
	b.send("JOIN lobby")
	b.expect("joined lobby")
	b.send("SAY hi all")
	a.expect("said hi all")
	b.expect("said hi all")
	a.send("PING")
	a.expect("PONG")
}

// bertConn speaks LengthPrefix.
func sendTerm(tb testing.TB, c net.Conn, t bert.Term) {
	tb.Helper()
	b := bert.Encode(t)
	if _, err := c.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)); err != nil {
		tb.Fatal(err)
	}
}

func readTerm(tb testing.TB, r io.Reader) bert.Term {
	tb.Helper()
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(r, b); err != nil {
		tb.Fatal(err)
	}
	t, err := bert.Decode(b)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestLengthPrefix(t *testing.T) {
	addr, _, _ := mustServe(t, tcp.Config{Framing: tcp.LengthPrefix}, nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev := ev.(type) {
		case nitro.Init:
			cx.Wire("welcome")
		case bert.Term:
			cx.Wire("got " + ev.String())
		}
	}))
	c := mustDial(t, addr)
	sendTerm(t, c.c, bert.Tuple(bert.Atom("init"), bert.Bin(nil)))
	init := readTerm(t, c.r)
	if !init.Is("io", 3) || init.At(1).Text() != "welcome" || !init.At(2).Is("Token", 2) {
		t.Fatalf("init: got %v", init)
	}
	sendTerm(t, c.c, bert.Tuple(bert.Atom("say"), bert.Int(1)))
	if got := readTerm(t, c.r); got.At(1).Text() != "got {say,1}" {
		t.Fatalf("got %v, want {io, <<\"got {say,1}\">>, _}", got)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		cfg  tcp.Config
		run  func(c *client)
	}{
		{"line over MaxMessage", tcp.Config{MaxMessage: 8}, func(c *client) {
			c.send("short")
			c.expect("echo short")
			c.send("much too long a line")
			c.expectEOF()
		}},
		{"idle", tcp.Config{IdleTimeout: 50 * time.Millisecond}, func(c *client) {
			c.expectEOF()
		}},
		{"busy is not idle", tcp.Config{IdleTimeout: 200 * time.Millisecond}, func(c *client) {
			for range 6 {
				time.Sleep(50 * time.Millisecond)
				c.send("x")
				c.expect("echo x")
			}
		}},
		{"panic per message", tcp.Config{}, func(c *client) {
			c.send("PANIC")
			c.expect("error: server error")
			c.send("after")
			c.expect("echo after")
		}},
		{"send queue", tcp.Config{SendQueueBytes: 64}, func(c *client) {
			c.send("fits")
			c.expect("echo fits")
			c.send(strings.Repeat("y", 100))
			c.expectEOF()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _, _ := mustServe(t, tt.cfg, room)
			tt.run(mustDial(t, addr))
		})
	}
}

func TestShutdownDrains(t *testing.T) {
	addr, ts, srv := mustServe(t, tcp.Config{}, room)
	c := mustDial(t, addr)
	c.send("hello")
	c.expect("echo hello")
	c.send("SLOW")
	for srv.Stats().InboundBytes == 0 { // SLOW is in the loop
		time.Sleep(time.Millisecond)
	}
	if err := ts.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after Shutdown")
	}
	c.expect("done")
	c.expectEOF()
	if n := srv.Stats().Connections; n != 0 {
		t.Errorf("%d connections open after Shutdown, want 0", n)
	}
}

func TestShutdownDeadline(t *testing.T) {
	addr, ts, _ := mustServe(t, tcp.Config{}, nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Text); ok {
			time.Sleep(time.Second)
		}
	}))
	c := mustDial(t, addr)
	c.send("stuck")
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := ts.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("Shutdown took %v past its deadline of 50ms", took)
	}
	c.expectEOF()
}
