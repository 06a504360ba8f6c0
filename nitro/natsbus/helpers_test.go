package natsbus_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/natsbus"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// timeout bounds every wait of these tests.
const timeout = 5 * time.Second

// mustNATS starts a NATS server in the test process, on a free loopback
// port (or on port, to restart one), with no disk and no log. It shuts
// down when the test ends.
func mustNATS(tb testing.TB, port int) *server.Server {
	tb.Helper()
	if port == 0 {
		port = -1
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		tb.Fatalf("nats server: %v", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(timeout) {
		tb.Fatal("nats server not ready")
	}
	tb.Cleanup(ns.Shutdown)
	return ns
}

// mustConn connects to url, reconnecting quickly and for ever, with an
// error handler that says nothing (nats.go's default prints a broken pipe
// when a test stops the server); it closes when the test ends.
func mustConn(tb testing.TB, url string, opts ...nats.Option) *nats.Conn {
	tb.Helper()
	opts = append([]nats.Option{
		nats.ReconnectWait(20 * time.Millisecond), nats.ReconnectJitter(0, 0), nats.MaxReconnects(-1),
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {}),
	}, opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		tb.Fatalf("nats.Connect: %v", err)
	}
	tb.Cleanup(nc.Close)
	return nc
}

// mustBus makes a Bus on nc that logs into log (nil: nowhere); it closes
// when the test ends.
func mustBus(tb testing.TB, nc *nats.Conn, opts natsbus.Options) *natsbus.Bus {
	tb.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	b, err := natsbus.New(nc, opts)
	if err != nil {
		tb.Fatalf("natsbus.New: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// mustSubscribe subscribes s to topic on b.
func mustSubscribe(tb testing.TB, b nitro.Bus, topic string, s nitro.Subscriber) {
	tb.Helper()
	if err := b.Subscribe(topic, s); err != nil {
		tb.Fatalf("Subscribe(%q): %v", topic, err)
	}
}

// mustPublish publishes msg on topic through b.
func mustPublish(tb testing.TB, b nitro.Bus, topic string, msg bert.Term) {
	tb.Helper()
	if err := b.Publish(topic, msg); err != nil {
		tb.Fatalf("Publish(%q): %v", topic, err)
	}
}

// collector is a Subscriber that keeps what it is given, in order.
type collector struct{ ch chan delivery }

type delivery struct {
	topic string
	msg   bert.Term
}

func newCollector() *collector { return &collector{ch: make(chan delivery, 4096)} }

func (c *collector) Deliver(topic string, msg bert.Term) error {
	select {
	case c.ch <- delivery{topic, msg}:
		return nil
	default:
		return nitro.ErrSlowSubscriber
	}
}

// next returns the next delivery as "topic: msg".
// await reads deliveries until one reads want, for at most d.
func (c *collector) await(want string, d time.Duration) bool {
	deadline := time.After(d)
	for {
		select {
		case m := <-c.ch:
			if m.topic+": "+m.msg.String() == want {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func (c *collector) next(tb testing.TB) string {
	tb.Helper()
	select {
	case d := <-c.ch:
		return d.topic + ": " + d.msg.String()
	case <-time.After(timeout):
		tb.Fatal("no delivery in time")
		return ""
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not in time", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// logBuffer is a slog handler's output, safe to read while the bus logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// lines returns the lines logged so far that contain s.
func (l *logBuffer) lines(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for line := range strings.Lines(l.buf.String()) {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// node is one process of a cluster: a nitro server whose bus is a
// natsbus.Bus on a NATS connection of its own.
type node struct {
	nc  *nats.Conn
	bus *natsbus.Bus
	srv *nitrotest.Server
}

func mustNode(tb testing.TB, url string) *node {
	tb.Helper()
	nc := mustConn(tb, url)
	bus := mustBus(tb, nc, natsbus.Options{})
	srv := nitrotest.NewServer(tb, nitro.Config{Bus: bus}, map[string]nitro.Page{"/room": room})
	return &node{nc: nc, bus: bus, srv: srv}
}

// room is a page driven by direct messages: {join, Topic}, {leave, Topic},
// {say, Topic, Msg} publishes Msg, {shout, Topic, JS} broadcasts JS. A
// push is shown as the JavaScript push(Topic, Msg).
var room = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch e := ev.(type) {
	case nitro.Direct:
		var err error
		switch topic := e.Msg.At(1).Text(); {
		case e.Msg.Is("join", 2):
			err = cx.Subscribe(topic)
		case e.Msg.Is("leave", 2):
			err = cx.Unsubscribe(topic)
		case e.Msg.Is("say", 3):
			err = cx.Publish(topic, e.Msg.At(2))
		case e.Msg.Is("shout", 3):
			js := e.Msg.At(2).Text()
			err = cx.Broadcast(topic, func(bc *nitro.Context) { bc.Wire(js) })
		}
		if err != nil {
			cx.SetResult(bert.BinString(err.Error()))
			return
		}
		cx.SetResult(bert.Atom("ok"))
	case nitro.Push:
		cx.Wire("push(" + e.Topic + ", " + e.Msg.String() + ");")
	}
})

// browser is a client of the room page that keeps the JavaScript it was
// sent (pushes and broadcasts) apart from the replies to its direct
// messages, which may come between them.
type browser struct {
	*nitrotest.Client
	shown []string
}

// open dials the room page on n and inits it.
func (n *node) open(tb testing.TB) *browser {
	tb.Helper()
	c := n.srv.Dial("/room")
	c.Init()
	return &browser{Client: c}
}

// do sends the direct message {verb, Topic, args...} and fails the test
// unless the page answers ok.
func (b *browser) do(tb testing.TB, verb, topic string, args ...bert.Term) {
	tb.Helper()
	b.Send(bert.Tuple(bert.Atom("direct"), bert.Tuple(append([]bert.Term{bert.Atom(verb), bert.BinString(topic)}, args...)...)))
	for {
		io := b.NextIO()
		if io.JS != "" {
			b.shown = append(b.shown, io.JS)
			continue
		}
		if !io.Data.At(1).IsAtom("ok") {
			tb.Fatalf("%s %q: got %v, want ok", verb, topic, io.Data)
		}
		return
	}
}

// next returns the next n pieces of JavaScript the page was sent.
func (b *browser) next(tb testing.TB, n int) []string {
	tb.Helper()
	for len(b.shown) < n {
		if io := b.NextIO(); io.JS != "" {
			b.shown = append(b.shown, io.JS)
		}
	}
	got := b.shown[:n:n]
	b.shown = b.shown[n:]
	return got
}
