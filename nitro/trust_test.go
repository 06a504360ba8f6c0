package nitro_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/internal/testlog"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// TestInitPrefersTheCookie: a socket whose handshake carried a valid
// session cookie stays in that session, whatever token its init names: a
// script can plant a token in the client's storage, not in an HttpOnly
// cookie. Without a cookie, or with an invalid one, init's token counts.
func TestInitPrefersTheCookie(t *testing.T) {
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": greeter})
	sidOf := func(token string) string {
		sid, _, fresh := srv.Authenticate(token)
		if fresh {
			t.Fatalf("token %.20s... names no session", token)
		}
		return sid
	}
	_, cookie, _ := srv.Authenticate("")
	_, planted, _ := srv.Authenticate("")
	tests := []struct {
		name, cookie, init, want string
	}{
		{"cookie and another token", cookie, planted, cookie},
		{"cookie, no token", cookie, "", cookie},
		{"no cookie", "", planted, planted},
		{"invalid cookie", "not-a-token", planted, planted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []nitrotest.DialOption
			if tt.cookie != "" {
				opts = append(opts, nitrotest.WithHeader("Cookie", "X-Auth-Token="+tt.cookie))
			}
			c := srv.Dial("/", opts...)
			c.SendText("N2O," + tt.init)
			io := c.NextIO()
			if !io.Data.Is("Token", 2) {
				t.Fatalf("init reply: %v", io.Data)
			}
			if got, want := sidOf(io.Data.At(1).Text()), sidOf(tt.want); got != want {
				t.Errorf("session %s, want %s", got, want)
			}
		})
	}
}

// TestGuestTermMemory: a connection whose session has no user may send a
// smaller term than one whose session has: what a client that never logs
// in can make the server decode is bounded by GuestTermMemory.
func TestGuestTermMemory(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if d, ok := ev.(nitro.Direct); ok && d.Msg.IsAtom("login") {
			cx.RotateSession()
			cx.SetUser("joe")
		}
	})
	srv := mustServer(t, nitro.Config{GuestTermMemory: 64 << 10, TermMemory: 1 << 20}, map[string]nitro.Page{"/": page})
	// {direct, [[], ...]}: 10,000 empty lists, about 240 KB decoded.
	frame := []byte{131, 104, 2, 100, 0, 6, 'd', 'i', 'r', 'e', 'c', 't', 108, 0, 0, 0x27, 0x10}
	frame = append(frame, bytes.Repeat([]byte{106}, 10000)...)
	frame = append(frame, 106)
	badFrame := bert.Tuple(bert.Atom("error"), bert.BinString("bad frame"))

	c := srv.Dial("/")
	c.Init()
	c.SendBinary(frame)
	if io := c.NextIO(); !io.Data.Equal(badFrame) {
		t.Errorf("a guest's large term: got %.60s, want {error, bad frame}", io.Data.String())
	}
	c.Send(bert.Tuple(bert.Atom("direct"), bert.Atom("login")))
	c.NextIO() // the new token
	c.NextIO() // the direct's reply
	c.SendBinary(frame)
	if io := c.NextIO(); io.Data.Equal(badFrame) {
		t.Error("a user's large term was refused")
	}

	// The user's next socket, in the same session, is trusted from init.
	again := srv.Dial("/", nitrotest.WithToken(c.Token()))
	again.Init()
	again.SendBinary(frame)
	if io := again.NextIO(); io.Data.Equal(badFrame) {
		t.Error("a user's large term on a new socket was refused")
	}
}

// TestOnRotate: what Server.OnRotate queues goes out with the new token,
// ahead of the event's reply, and knows the new token.
func TestOnRotate(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			cx.Wire("before();")
			cx.RotateSession()
			cx.Wire("after();")
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	srv.Server.OnRotate(func(cx *nitro.Context) { cx.Wire("store(" + cx.Token() + ");") })
	c := srv.Dial("/")
	c.Init()
	c.Send(bert.Tuple(bert.Atom("direct"), bert.Atom("login")))
	var got []string
	for len(got) < 3 {
		io := c.NextIO()
		got = append(got, io.JS)
		if io.Data.Is("Token", 2) && io.JS != "store("+io.Data.At(1).Text()+");" {
			t.Errorf("the token's io runs %q, want it stored", io.JS)
		}
	}
	if want := "before(); store( after();"; !strings.HasPrefix(strings.Join(got, " "), "before(); store(") || !strings.HasSuffix(got[2], "after();") {
		t.Errorf("got %q, want the order of %q", got, want)
	}
}

// TestBadFramesLogOnceASecond: what a peer can cause at will, a bad
// frame or a forged postback, logs a line a second at most, saying how
// many it stands for: a flood of them is not a flood of lines.
func TestBadFramesLogOnceASecond(t *testing.T) {
	var logs testlog.Buffer
	clk := newClock()
	srv := mustServer(t, nitro.Config{Now: clk.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, map[string]nitro.Page{"/": greeter})
	c := srv.Dial("/")
	c.Init()
	for range 20 {
		c.SendBinary([]byte{131, 255})
		c.Postback("x", "forged")
	}
	for range 40 {
		c.NextIO()
	}
	clk.Add(time.Second)
	c.SendBinary([]byte{131, 255})
	c.NextIO()
	out := logs.String()
	if got := strings.Count(out, "bad frame"); got != 2 || !strings.Contains(out, "bad=20") {
		t.Errorf("21 bad frames logged %d lines, want 2, the second standing for 20:\n%s", got, out)
	}
	if got := strings.Count(out, "postback refused"); got != 1 {
		t.Errorf("20 forged postbacks logged %d lines, want 1:\n%s", got, out)
	}
}
