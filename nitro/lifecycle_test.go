package nitro_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// runner is a protocol with background work: it counts its runs.
type runner struct {
	started chan struct{}
	stopped chan struct{}
}

func (r *runner) Serve(*nitro.Context, any) (nitro.Reply, bool) { return nitro.Reply{}, false }
func (r *runner) Run(ctx context.Context) {
	close(r.started)
	<-ctx.Done()
	close(r.stopped)
}

// TestNewStartsNothing: New starts no goroutine; Run starts the clock,
// the sweepers and the chain's Runners, and stops them all on return.
func TestNewStartsNothing(t *testing.T) {
	r := &runner{started: make(chan struct{}), stopped: make(chan struct{})}
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), Protocols: []nitro.Protocol{nitro.Heart, r}})
	if err != nil {
		t.Fatal(err)
	}
	t0 := srv.Now()
	time.Sleep(150 * time.Millisecond) // three ticks of a running clock
	if n := serverGoroutines(); n != 0 {
		t.Errorf("New started %d goroutines of the server's", n)
	}
	if !srv.Now().Equal(t0) {
		t.Error("the clock ticks before the server runs")
	}
	select {
	case <-r.started:
		t.Fatal("New ran the chain's Runner")
	default:
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	select {
	case <-r.started:
	case <-time.After(nitrotest.Timeout):
		t.Fatal("Run did not start the Runner")
	}
	time.Sleep(150 * time.Millisecond)
	if srv.Now().Equal(t0) {
		t.Error("the clock does not tick while the server runs")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	select {
	case <-r.stopped:
	default:
		t.Error("Run returned before the Runner stopped")
	}
	if !srv.Closed() {
		t.Error("the server is not closed after Run returned")
	}
	if n := serverGoroutines(); n != 0 {
		t.Errorf("%d goroutines of the server's outlive Run", n)
	}
}

// serverGoroutines counts the goroutines running the server's background
// work.
func serverGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "nitro.(*Server).start")
}

// TestOneClock: Config.Now is the clock of tokens, sessions and the
// cache alike.
func TestOneClock(t *testing.T) {
	clk := newClock()
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), Now: clk.Now, TokenTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sid, token, _ := srv.Authenticate("")
	srv.Sessions().Set(sid, "k", "v")
	srv.Cache.Set("c", 1, time.Minute)
	clk.Add(2 * time.Hour)
	if got, _, fresh := srv.Authenticate(token); got == sid || !fresh {
		t.Error("a token past its TTL on the server's clock still opens")
	}
	if _, ok := srv.Sessions().Get(sid, "k"); ok {
		t.Error("a session past its TTL on the server's clock is still there")
	}
	if _, ok := srv.Cache.Get("c"); ok {
		t.Error("a cache entry past its TTL on the server's clock is still there")
	}
}

// TestPublishRefusesBroadcastTag: a page that republishes what a client
// sent cannot be made to broadcast the client's JavaScript.
func TestPublishRefusesBroadcastTag(t *testing.T) {
	var pushes int
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			cx.Subscribe("room")
		case nitro.Direct:
			err := cx.Publish("room", e.Msg) // what the client sent, as is
			cx.SetResult(bert.Atom(map[bool]string{true: "refused", false: "sent"}[errors.Is(err, nitro.ErrReservedTag)]))
		case nitro.Push:
			pushes++
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Init()
	if io := c.Direct(bert.Tuple(bert.Atom("nitro_js"), bert.BinString("alert('pwned')"))); !io.Data.Equal(bert.Tuple(bert.Atom("direct"), bert.Atom("refused"))) {
		t.Errorf("got %v, want {direct, refused}", io.Data)
	}
	c.Ping()
	if pushes != 0 {
		t.Errorf("%d pushes reached the page", pushes)
	}
}

var counter = nitro.NewLocal[int]("test.counter")

// TestLocalAndProtocolAPI: a protocol of the application's own keeps
// per-connection state in a Local, runs the page with Event, sends what
// the page queued ahead of its answer with Flush, and cleans up in
// OnClose.
func TestLocalAndProtocolAPI(t *testing.T) {
	closed := make(chan int, 1)
	tally := nitro.ProtocolFunc(func(cx *nitro.Context, msg any) (nitro.Reply, bool) {
		m, ok := msg.(bert.Term)
		if !ok || !m.Is("tally", 1) {
			return nitro.Reply{}, false
		}
		n, first := counter.Get(cx)
		if !first {
			cx.OnClose(func() { v, _ := counter.Get(cx); closed <- v })
		}
		counter.Set(cx, n+1)
		cx.Event(nitro.Direct{Msg: bert.Int(int64(n + 1))})
		cx.Flush()
		return nitro.TermReply(bert.Tuple(bert.Atom("tallied"), bert.Int(int64(n+1)))), true
	})
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if d, ok := ev.(nitro.Direct); ok {
			i, _ := d.Msg.Int()
			cx.Wire("seen(" + string(rune('0'+i)) + ");")
		}
	})
	srv := mustServer(t, nitro.Config{Protocols: append([]nitro.Protocol{tally}, nitro.DefaultProtocols()...)},
		map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Init()
	for i := 1; i <= 2; i++ {
		c.Send(bert.Tuple(bert.Atom("tally")))
		if io := c.NextIO(); io.JS != "seen("+string(rune('0'+i))+");" {
			t.Fatalf("tally %d: flushed %q", i, io.JS)
		}
		if f := c.Read(); !f.Term.Equal(bert.Tuple(bert.Atom("tallied"), bert.Int(int64(i)))) {
			t.Fatalf("tally %d: answered %v", i, f.Term)
		}
	}
	c.Close()
	select {
	case n := <-closed:
		if n != 2 {
			t.Errorf("OnClose saw %d, want 2", n)
		}
	case <-time.After(nitrotest.Timeout):
		t.Fatal("OnClose did not run")
	}
}

// TestTermMemory: a frame whose term would take more memory than
// Config.TermMemory once decoded is a bad frame; the connection lives on.
func TestTermMemory(t *testing.T) {
	srv := mustServer(t, nitro.Config{TermMemory: 1 << 20}, map[string]nitro.Page{"/": greeter})
	c := srv.Dial("/")
	c.Init()
	// {direct, [[], [], ...]}: 200,000 empty lists, 200 KB of input, 4.8 MB decoded.
	frame := []byte{131, 104, 2, 100, 0, 6, 'd', 'i', 'r', 'e', 'c', 't', 108, 0, 3, 13, 64}
	frame = append(frame, bytes.Repeat([]byte{106}, 200000)...)
	frame = append(frame, 106)
	c.SendBinary(frame)
	if io := c.NextIO(); !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("bad frame"))) {
		got := io.Data.String()
		t.Errorf("got %.60s..., want {error, bad frame}", got)
	}
	if got := srv.Stats().BadFrames; got != 1 {
		t.Errorf("BadFrames = %d, want 1", got)
	}
	c.Ping()
}

// TestRotateSession: login and logout rotate the session. The token held
// before login never acts as the user; after logout neither the token nor
// the pickles of before act as anyone.
func TestRotateSession(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			wire(cx, "login", bert.Atom("login"))
		case nitro.Postback:
			switch {
			case e.Msg.IsAtom("login"):
				cx.RotateSession()
				cx.SetSession("user", "joe")
				wire(cx, "logout", bert.Atom("logout"))
			case e.Msg.IsAtom("logout"):
				cx.RotateSession()
				wire(cx, "login", bert.Atom("login"))
			}
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	user := func(token string) any {
		sid, _, fresh := srv.Authenticate(token)
		if fresh {
			return "no session"
		}
		u, _ := srv.Sessions().Get(sid, "user")
		return u
	}
	c := srv.Dial("/")
	c.Init()
	before := c.Token()
	loginPickle, _ := c.Pickle("login")

	if io := c.Click("login"); io.JS != "" || io.Data.At(0).Atom() != "Token" {
		t.Fatalf("login: first got %v, want the new token alone", io)
	}
	c.NextIO() // the postback's reply, which wires logout
	during := c.Token()
	if during == before {
		t.Fatal("login kept the token")
	}
	c.Ping()
	if got := user(during); got != "joe" {
		t.Errorf("the new token's user: %v, want joe", got)
	}
	if got := user(before); got == "joe" {
		t.Error("the token held before login acts as the user")
	}
	c.Postback("login", loginPickle) // a pickle of before login
	if io := c.NextIO(); !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("EV expected"))) {
		t.Errorf("a pickle of before login: got %v, want {error, EV expected}", io.Data)
	}

	c.Click("logout")
	c.NextIO()
	after := c.Token()
	c.Ping()
	if after == during || after == before {
		t.Fatal("logout kept a token")
	}
	if got := user(during); got == "joe" {
		t.Error("the token of before logout still acts as the user")
	}
	if got := user(after); got == "joe" {
		t.Error("the token after logout acts as the user")
	}
}
