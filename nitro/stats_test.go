package nitro_test

import (
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// named is a memTransport with a name, which says when it is closed.
type named struct {
	*memTransport
	name   string
	closed chan int // the codes of Close
}

func newNamed(t testing.TB, name string) *named {
	return &named{memTransport: newMemTransport(t), name: name, closed: make(chan int, 4)}
}

func (n *named) Name() string                  { return n.name }
func (n *named) Close(code int, reason string) { n.closed <- code }

// echo takes the text frame of its word and answers it, or not.
type echo struct {
	word  string
	quiet bool // takes it without a reply
}

func (e echo) Name() string { return "echo" }

func (e echo) Serve(_ *nitro.Context, msg any) (nitro.Reply, bool) {
	if msg != nitro.Text(e.word) {
		return nitro.Reply{}, false
	}
	if e.quiet {
		return nitro.Reply{}, true
	}
	return nitro.TextReply(e.word), true
}

func mustStatsServer(t *testing.T, cfg nitro.Config) *nitro.Server {
	t.Helper()
	cfg.Keys = nitrotest.NewKeyRing(t)
	srv, err := nitro.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func TestStatsByProtocol(t *testing.T) {
	quiet := nitro.ProtocolFunc(func(_ *nitro.Context, msg any) (nitro.Reply, bool) { return nitro.Reply{}, msg == nitro.Text("QUIET") })
	chain := []nitro.Protocol{nitro.Heart, nitro.Nitro, echo{word: "ECHO"}, quiet, echo{word: "AGAIN", quiet: true}}
	srv := mustStatsServer(t, nitro.Config{Protocols: chain, InitTimeout: -1})
	m := newMemTransport(t)
	c, err := srv.Open(m, nitro.PageFunc(func(*nitro.Context, any) {}), "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(nil)
	sent := []string{"PING", "PING", "N2O,", "ECHO", "QUIET", "AGAIN", "WHAT?"}
	for _, msg := range sent {
		c.Receive(true, []byte(msg))
	}
	waitFor(t, func() bool { return srv.Stats().Messages == int64(len(sent)) })
	want := []nitro.ProtocolStats{
		{Name: "heart", In: 2, Out: 2},
		{Name: "nitro", In: 1, Out: 1},
		{Name: "echo", In: 1, Out: 1},
		{Name: "#3", In: 1},           // no name: its index
		{Name: "#4", In: 1},           // "echo" is taken
		{Name: "none", In: 1, Out: 1}, // NOP
	}
	if got := srv.Stats().Protocols; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}

func TestStatsByTransport(t *testing.T) {
	srv := mustStatsServer(t, nitro.Config{InitTimeout: -1})
	page := nitro.PageFunc(func(*nitro.Context, any) {})
	var conns []*nitro.Conn
	for _, tr := range []nitro.Transport{newNamed(t, "mem"), newNamed(t, "mem"), newMemTransport(t)} {
		c, err := srv.Open(tr, page, "/", "", "")
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	conns[0].Close(nil)
	want := []nitro.TransportStats{{Name: "mem", Connections: 1, Opened: 2}, {Name: "other", Connections: 1, Opened: 1}}
	if got := srv.Stats().Transports; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, c := range conns[1:] {
		c.Close(nil)
	}
	want = []nitro.TransportStats{{Name: "mem", Opened: 2}, {Name: "other", Opened: 1}}
	if got := srv.Stats().Transports; !reflect.DeepEqual(got, want) {
		t.Errorf("after closing all: got %+v, want %+v", got, want)
	}
}

func TestStatsCloses(t *testing.T) {
	// wait returns once the loop has closed the transport of n.
	wait := func(t *testing.T, n *named) {
		select {
		case <-n.closed:
		case <-time.After(nitrotest.Timeout):
			t.Fatal("the transport was not closed")
		}
	}
	read := errors.New("read: connection reset")
	tests := []struct {
		name string
		cfg  nitro.Config
		end  func(t *testing.T, srv *nitro.Server, c *nitro.Conn, n *named, release chan struct{})
		want nitro.CloseStats
	}{
		{"goodbye", nitro.Config{}, func(t *testing.T, _ *nitro.Server, c *nitro.Conn, _ *named, _ chan struct{}) {
			c.Close(nil)
		}, nitro.CloseStats{Normal: 1}},
		{"read error", nitro.Config{}, func(t *testing.T, _ *nitro.Server, c *nitro.Conn, _ *named, _ chan struct{}) {
			c.Close(read)
		}, nitro.CloseStats{Error: 1}},
		{"too far behind", nitro.Config{SendQueue: 1}, func(t *testing.T, _ *nitro.Server, c *nitro.Conn, n *named, release chan struct{}) {
			for range 3 { // the page holds the first; one waits; the third is one too many
				c.Deliver("t", bert.Nil())
			}
			wait(t, n)
			close(release)
			c.Close(read) // the reader's error, once the socket is closed
		}, nitro.CloseStats{Slow: 1}},
		{"no init", nitro.Config{InitTimeout: time.Millisecond}, func(t *testing.T, _ *nitro.Server, c *nitro.Conn, n *named, _ chan struct{}) {
			wait(t, n)
			c.Close(read)
		}, nitro.CloseStats{NoInit: 1}},
		{"shutdown", nitro.Config{}, func(t *testing.T, srv *nitro.Server, c *nitro.Conn, n *named, _ chan struct{}) {
			srv.Close()
			wait(t, n)
			c.Close(nil)
		}, nitro.CloseStats{Shutdown: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.InitTimeout == 0 {
				tt.cfg.InitTimeout = -1
			}
			srv := mustStatsServer(t, tt.cfg)
			release := make(chan struct{})
			page := nitro.PageFunc(func(_ *nitro.Context, ev any) {
				if _, ok := ev.(nitro.Push); ok {
					<-release
				}
			})
			n := newNamed(t, "mem")
			c, err := srv.Open(n, page, "/", "", "")
			if err != nil {
				t.Fatal(err)
			}
			tt.end(t, srv, c, n, release)
			if got := srv.Stats().Closes; got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOnHandled(t *testing.T) {
	srv := mustStatsServer(t, nitro.Config{InitTimeout: -1})
	heard := make(chan nitro.Handled, 8)
	srv.OnHandled(func(h nitro.Handled) { heard <- h })
	m := newMemTransport(t)
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			time.Sleep(time.Millisecond)
		}
	})
	c, err := srv.Open(m, page, "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(nil)
	tests := []struct {
		frame    []byte
		text     bool
		protocol int
		name     string
		atLeast  time.Duration
	}{
		{[]byte("PING"), true, 0, "heart", 0},
		{bert.Encode(bert.Tuple(bert.Atom("direct"), bert.Atom("x"))), false, 1, "nitro", time.Millisecond},
		{[]byte("WHAT?"), true, 2, "none", 0},
	}
	for _, tt := range tests {
		c.Receive(tt.text, tt.frame)
		select {
		case h := <-heard:
			if h.Protocol != tt.protocol || h.Name != tt.name || h.Took < tt.atLeast || h.Took <= 0 {
				t.Errorf("%q: got %+v, want protocol %d (%s), took at least %v", tt.frame, h, tt.protocol, tt.name, tt.atLeast)
			}
		case <-time.After(nitrotest.Timeout):
			t.Fatalf("%q: OnHandled not called", tt.frame)
		}
	}
	srv.OnHandled(nil)
	c.Receive(true, []byte("PING"))
	for range len(tests) + 1 { // the last is the PONG's: its message was handled
		select {
		case <-m.batches:
		case <-time.After(nitrotest.Timeout):
			t.Fatal("no reply")
		}
	}
	select {
	case h := <-heard:
		t.Errorf("OnHandled(nil) still calls: %+v", h)
	default:
	}
}

func TestStatsInboundBytes(t *testing.T) {
	srv := mustStatsServer(t, nitro.Config{InitTimeout: -1})
	release := make(chan struct{})
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			<-release
		}
	})
	c, err := srv.Open(newMemTransport(t), page, "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(nil)
	frame := bert.Encode(bert.Tuple(bert.Atom("direct"), bert.BinString(string(make([]byte, 1000)))))
	c.Receive(false, frame)
	c.Receive(false, frame) // waits behind the first, which the page holds
	if got := srv.Stats().InboundBytes; got < int64(2*len(frame)) {
		t.Errorf("while the page holds them: got %d, want at least %d", got, 2*len(frame))
	}
	close(release)
	waitFor(t, func() bool { return srv.Stats().InboundBytes == 0 })
}

// BenchmarkRoundTripObserved is BenchmarkRoundTrip with an OnHandled
// function: what timing each message costs.
func BenchmarkRoundTripObserved(b *testing.B) {
	var took atomic.Int64
	benchRoundTrip(b, func(srv *nitro.Server) {
		srv.OnHandled(func(h nitro.Handled) { took.Add(int64(h.Took)) })
	})
}
