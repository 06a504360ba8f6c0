package nitro_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
)

// wire is the JavaScript NITRO renders for a postback on element id: the
// shape nitrotest's client (and N2O's browser client) understands.
func wire(cx *nitro.Context, id string, postback bert.Term, sources ...string) {
	var src []string
	for _, s := range sources {
		src = append(src, fmt.Sprintf("tuple(atom('%s'),querySource('%s'))", s, s))
	}
	cx.Wire(fmt.Sprintf("{var x=qi('%s'); x && x.addEventListener('click',function(event){ws.send(enc(tuple(atom('pickle'),bin('%s'),bin('%s'),[tuple(tuple(bin('%s'),bin('detail')),[])%s])));});};",
		id, id, cx.Pickle(postback, id), id, strings.Join(append([]string{""}, src...), ",")))
}

// clock is a time source tests move.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// greeter is a page with one button whose postback greets the user.
var greeter = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch e := ev.(type) {
	case nitro.Init:
		cx.Wire("qi('who').innerText='ready';")
		wire(cx, "hello", bert.Tuple(bert.Atom("greet"), bert.Int(42)), "name", "agree", "born")
	case nitro.Postback:
		born, ok := cx.QDate("born")
		cx.Wire(fmt.Sprintf("alert(%q);", fmt.Sprintf("msg=%s name=%s agree=%s born=%v/%s",
			e.Msg, cx.QText("name"), cx.QText("agree"), ok, born.Format("2006-01-02"))))
	case nitro.Direct:
		cx.SetResult(bert.Tuple(bert.Atom("echo"), e.Msg))
	case nitro.Client:
		cx.Wire("console.log('client');")
		cx.SetResult(bert.Atom("ok"))
	}
})

func mustServer(tb testing.TB, cfg nitro.Config, pages map[string]nitro.Page, opts ...nitrotest.Option) *nitrotest.Server {
	tb.Helper()
	return nitrotest.NewServer(tb, cfg, pages, opts...)
}

func TestInitTokens(t *testing.T) {
	clk := newClock()
	srv := mustServer(t, nitro.Config{Now: clk.Now, TokenTTL: time.Hour}, map[string]nitro.Page{"/": greeter})

	first := srv.Dial("/")
	io := first.Init()
	if !io.Data.Is("Token", 2) {
		t.Fatalf("init reply data: got %v, want {'Token', T}", io.Data)
	}
	valid := first.Token()
	if valid == "" || !strings.Contains(io.JS, "ready") {
		t.Fatalf("init: token %q, js %q", valid, io.JS)
	}

	forged := []byte(valid)
	forged[len(forged)/2] ^= 1
	if forged[len(forged)/2] == '-' || forged[len(forged)/2] == '_' {
		forged[len(forged)/2] = 'A'
	}

	tests := []struct {
		name     string
		token    string
		sameSess bool
	}{
		{"empty", "", false},
		{"valid", valid, true},
		{"forged", string(forged), false},
		{"garbage", "not a token", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.Dial("/", nitrotest.WithToken(tt.token))
			c.Init()
			got := c.Token()
			if got == "" {
				t.Fatal("init gave no token")
			}
			if (got == valid) != tt.sameSess {
				t.Errorf("token in force %q, sent %q: same session = %v, want %v", got, tt.token, got == valid, tt.sameSess)
			}
			// Init is idempotent: sent again, it keeps the session.
			again := c.Init()
			if again.Data.At(1).Text() != got {
				t.Errorf("second init changed the token: got %q, want %q", again.Data.At(1).Text(), got)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		clk.Add(2 * time.Hour)
		c := srv.Dial("/", nitrotest.WithToken(valid))
		c.Init()
		if c.Token() == valid {
			t.Errorf("an expired token was kept")
		}
	})
}

func TestHeartbeat(t *testing.T) {
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": greeter})
	c := srv.Dial("/")
	c.Ping()
	c.SendText("")
	if f := c.Read(); !f.Text || len(f.Data) != 0 {
		t.Errorf("empty text: got %s, want an empty text frame", f)
	}
	c.SendText("hello")
	if f := c.Read(); f.Text || len(f.Data) != 0 {
		t.Errorf("unknown text: got %s, want NOP", f)
	}
	c.Ping()
}

func TestPostbackRoundTrip(t *testing.T) {
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": greeter})
	c := srv.Dial("/")
	c.Init()
	io := c.Click("hello",
		nitrotest.Source("name", "Zoë 🎉"),
		nitrotest.Source("agree", "true"),
		bert.Tuple(bert.Atom("born"), bert.Tuple(bert.Int(1990), bert.Int(7), bert.Int(14))),
	)
	want := `alert("msg={greet,42} name=Zoë 🎉 agree=true born=true/1990-07-14");`
	if io.JS != want {
		t.Errorf("postback reply JS:\n got %s\nwant %s", io.JS, want)
	}
	if !io.Data.Equal(bert.Bin(nil)) {
		t.Errorf("postback reply data: got %v, want <<>>", io.Data)
	}

	io = c.Direct(bert.Atom("ping"))
	if !io.Data.Equal(bert.Tuple(bert.Atom("direct"), bert.Tuple(bert.Atom("echo"), bert.Atom("ping")))) {
		t.Errorf("direct reply data: got %v", io.Data)
	}
	io = c.Message(bert.Int(7))
	if !io.Data.IsAtom("ok") || io.JS != "console.log('client');" {
		t.Errorf("client reply: got %q %v", io.JS, io.Data)
	}
}

func TestPicklesRefused(t *testing.T) {
	clk := newClock()
	rec := nitrotest.Record(greeter)
	srv := mustServer(t, nitro.Config{Now: clk.Now, PickleTTL: time.Hour}, map[string]nitro.Page{"/": rec, "/other": greeter})

	alice := srv.Dial("/")
	alice.Init()
	good, _ := alice.Pickle("hello")

	bob := srv.Dial("/")
	bob.Init()

	elsewhere := srv.Dial("/other", nitrotest.WithToken(alice.Token()))
	elsewhere.Init()
	otherPage, _ := elsewhere.Pickle("hello")

	flipped := []byte(good)
	flipped[10] = map[bool]byte{true: 'B', false: 'A'}[flipped[10] == 'A']

	tests := []struct {
		name   string
		client *nitrotest.Client
		pickle string
		reason string
	}{
		{"forged", alice, string(flipped), "EV expected"},
		{"garbage", alice, "%%%", "EV expected"},
		{"another session's", bob, good, "EV expected"},
		{"another page's", alice, otherPage, "EV expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Events())
			tt.client.Postback("hello", tt.pickle)
			io := tt.client.NextIO()
			if io.JS != "" || !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString(tt.reason))) {
				t.Errorf("got {io, %q, %v}, want {io, <<>>, {error, %q}}", io.JS, io.Data, tt.reason)
			}
			if n := len(rec.Events()); n != before {
				t.Errorf("the page saw %d events from a refused pickle", n-before)
			}
			tt.client.Ping() // the connection lives on
		})
	}

	// The connection keeps the last pickle it opened: a second click of
	// the same button opens without AES, and must still expire.
	t.Run("good twice", func(t *testing.T) {
		before := len(rec.Events())
		for range 2 {
			alice.Postback("hello", good)
			if io := alice.NextIO(); !strings.Contains(io.JS, "msg={greet,42}") {
				t.Fatalf("got %q, want the greeting", io.JS)
			}
		}
		if n := len(rec.Events()) - before; n != 2 {
			t.Errorf("the page saw %d postbacks, want 2", n)
		}
	})
	t.Run("expired", func(t *testing.T) {
		clk.Add(2 * time.Hour)
		alice.Postback("hello", good)
		io := alice.NextIO()
		if !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("EV expired"))) {
			t.Errorf("got %v, want {error, <<\"EV expired\">>}", io.Data)
		}
		alice.Ping()
	})
	if got := srv.Stats().BadPickles; got != 5 {
		t.Errorf("BadPickles = %d, want 5", got)
	}
}

func TestBadFrames(t *testing.T) {
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": greeter}, nitrotest.WithWS(ws.Config{ReadLimit: 4096}))
	c := srv.Dial("/")
	c.Init()

	c.SendBinary(nil)
	if f := c.Read(); f.Text || len(f.Data) != 0 {
		t.Errorf("empty binary: got %s, want NOP", f)
	}
	c.SendBinary([]byte{131, 104, 9, 1})
	if io := c.NextIO(); !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("bad frame"))) {
		t.Errorf("malformed BERT: got %v", io.Data)
	}
	c.Send(bert.Tuple(bert.Atom("unknown"), bert.BinString("x")))
	if f := c.Read(); f.Text || len(f.Data) != 0 {
		t.Errorf("unknown term: got %s, want NOP", f)
	}
	c.Ping()
	if got := srv.Stats().BadFrames; got != 1 {
		t.Errorf("BadFrames = %d, want 1", got)
	}

	// A frame over the limit closes the connection with 1009, and only it.
	other := srv.Dial("/")
	other.Init()
	c.SendBinary(bert.Encode(bert.Bin(make([]byte, 5000))))
	err := c.Closed(nitrotest.Timeout)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("oversized frame: closed with %v, want close 1009", err)
	}
	other.Ping()
}

func TestCustomProtocolInFront(t *testing.T) {
	// N2O's "custom init": a protocol of the application's own answers
	// some messages before the shipped chain sees them.
	custom := nitro.ProtocolFunc(func(cx *nitro.Context, msg any) (nitro.Reply, bool) {
		if m, ok := msg.(bert.Term); ok && m.Is("version", 1) {
			return nitro.TermReply(bert.Tuple(bert.Atom("version"), bert.BinString("1.0"))), true
		}
		if msg == nitro.Text("PING") {
			return nitro.TextReply("PONG from custom"), true
		}
		return nitro.Reply{}, false
	})
	protocols := append([]nitro.Protocol{custom}, nitro.DefaultProtocols()...)
	srv := mustServer(t, nitro.Config{Protocols: protocols}, map[string]nitro.Page{"/": greeter})
	c := srv.Dial("/")
	c.Send(bert.Tuple(bert.Atom("version")))
	if f := c.Read(); !f.Term.Equal(bert.Tuple(bert.Atom("version"), bert.BinString("1.0"))) {
		t.Errorf("custom message: got %s", f)
	}
	c.SendText("PING")
	if f := c.Read(); string(f.Data) != "PONG from custom" {
		t.Errorf("custom PING: got %s", f)
	}
	if io := c.Init(); !io.Data.Is("Token", 2) {
		t.Errorf("the rest of the chain: init gave %v", io.Data)
	}
}

func TestHandlerPanic(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			wire(cx, "boom", bert.Atom("boom"))
		case nitro.Postback:
			cx.Wire("partial();")
			panic("the page failed: " + e.Msg.String())
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Init()
	io := c.Click("boom")
	if strings.Contains(io.JS, "page failed") || strings.Contains(io.JS, "partial") || !strings.Contains(io.JS, "server error") {
		t.Errorf("panic reply JS %q: want a safe message only", io.JS)
	}
	if !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("server error"))) {
		t.Errorf("panic reply data: got %v", io.Data)
	}
	c.Ping()
	if srv.Stats().Panics != 1 {
		t.Errorf("Panics = %d, want 1", srv.Stats().Panics)
	}
}

// TestUnencodableReply: a result the encoder refuses (an atom over 65535
// bytes, which only the page's own code can build) is answered with the
// safe error, and the connection lives on.
// TestUnencodableReply: a reply Erlang could not read (NaN, an atom of
// over 255 characters, a map key twice, an atom too long to encode at
// all) is refused by the formatter; the client gets the safe error and
// the connection lives on.
func TestUnencodableReply(t *testing.T) {
	tests := []struct {
		name   string
		result bert.Term
	}{
		{"NaN", bert.Float(math.NaN())},
		{"infinity in a tuple", bert.Tuple(bert.Atom("x"), bert.Float(math.Inf(-1)))},
		{"atom of 256 characters", bert.Atom(strings.Repeat("a", 256))},
		{"atom of 70,000 bytes", bert.Atom(strings.Repeat("a", 70000))},
		{"atom not UTF-8", bert.Atom("\xff")},
		{"map key twice", bert.Map(bert.Atom("k"), bert.Int(1), bert.Atom("k"), bert.Int(2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
				if _, ok := ev.(nitro.Direct); ok {
					cx.SetResult(tt.result)
				}
			})
			srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
			c := srv.Dial("/")
			io := c.Direct(bert.Atom("x"))
			if !io.Data.Equal(bert.Tuple(bert.Atom("error"), bert.BinString("server error"))) {
				t.Errorf("reply data: got %v, want {error, <<\"server error\">>}", io.Data)
			}
			if srv.Stats().Panics != 1 {
				t.Errorf("Panics = %d, want the refusal counted", srv.Stats().Panics)
			}
			c.Ping()
		})
	}
}

func TestExitEvent(t *testing.T) {
	rec := nitrotest.Record(greeter)
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": rec})
	c := srv.Dial("/")
	c.Init()
	c.Close()
	deadline := time.Now().Add(nitrotest.Timeout)
	for time.Now().Before(deadline) {
		evs := rec.Events()
		if e, ok := evs[len(evs)-1].(nitro.Exit); ok {
			if e.Err != nil {
				t.Errorf("clean close: Exit.Err = %v, want nil", e.Err)
			}
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no Exit event after close; events: %v", rec.Events())
}

func TestJSONFormatter(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if d, ok := ev.(nitro.Direct); ok && d.Msg.IsAtom("json") {
			cx.SetFormatter(format.JSON)
			cx.Wire("x=`a\"b`;")
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Send(bert.Tuple(bert.Atom("direct"), bert.Atom("json")))
	f := c.Read()
	want := `{"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"x=` + "`a\\\"b`" + `;"},{"t":104,"v":[{"t":100,"v":"direct"},{"t":106}]}]}`
	if f.Text || string(f.Data) != want {
		t.Errorf("JSON reply:\n got %s\nwant %s", f.Data, want)
	}
}

// TestPubSubStalledSubscriber: three connections on a topic, one of which
// stops reading. The other two get every message promptly, the publisher
// never waits, and the stalled one is closed as too far behind.
func TestPubSubStalledSubscriber(t *testing.T) {
	big := strings.Repeat("x", 64<<10)
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			if err := cx.Subscribe("room"); err != nil {
				panic(err)
			}
		case nitro.Push:
			cx.Wire("got('" + e.Msg.At(0).Text() + "');" + e.Msg.At(1).Text())
		}
	})
	srv := mustServer(t, nitro.Config{SendQueue: 16}, map[string]nitro.Page{"/": page})
	a, b := srv.Dial("/"), srv.Dial("/")
	a.Init()
	b.Init()
	stalled := srv.Dial("/", nitrotest.NoRead())
	stalled.SendText("N2O,")
	waitFor(t, func() bool { return srv.Stats().Messages >= 3 })

	const n = 400 // 400 × 64 KiB: far more than socket buffers hold
	start := time.Now()
	var slowest time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := srv.Publish("room", bert.Tuple(bert.BinString(fmt.Sprint(i)), bert.BinString(big))); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(t0); d > slowest {
			slowest = d
		}
		for _, c := range []*nitrotest.Client{a, b} {
			io := c.NextIO()
			if want := "got('" + fmt.Sprint(i) + "');"; !strings.HasPrefix(io.JS, want) {
				t.Fatalf("message %d: got %.30q, want prefix %q", i, io.JS, want)
			}
		}
	}
	t.Logf("%d publications to 3 subscribers (one stalled) in %v; slowest Publish %v", n, time.Since(start), slowest)
	if slowest > time.Second {
		t.Errorf("a Publish took %v: the stalled subscriber blocked the publisher", slowest)
	}
	// The stalled client never reads, so it cannot see its socket close;
	// the server's count says it was closed, at once.
	waitFor(t, func() bool { return srv.Stats().SlowClosed == 1 })
	if got := srv.Stats().Connections; got != 2 {
		t.Errorf("connections open: got %d, want 2", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(nitrotest.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
