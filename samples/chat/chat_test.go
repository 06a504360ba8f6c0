package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// mustApp starts the sample on a temporary data directory (or dir, if
// given) with a test key ring, served in process.
func mustApp(tb testing.TB, dir string) (*App, *nitrotest.Server) {
	tb.Helper()
	if dir == "" {
		dir = tb.TempDir()
	}
	app, err := newAppWith(dir, nitro.Config{Keys: nitrotest.NewKeyRing(tb)}, defaults)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { app.Store.Close() }) // after the server closes
	return app, nitrotest.Serve(tb, app.Server, app.Handler)
}

// mustLogin logs user into room on the login page and returns the client,
// which holds the session's token.
func mustLogin(tb testing.TB, s *nitrotest.Server, user, room string) *nitrotest.Client {
	tb.Helper()
	c := s.Dial("/login")
	c.Init()
	p, ok := c.Pickle("loginButton")
	if !ok {
		tb.Fatal("no postback wired on #loginButton")
	}
	c.Postback("loginButton", p, nitrotest.Source("user", user), nitrotest.Source("pass", room))
	io := c.NextIO()
	if io.Data.Is("Token", 2) { // the new session's token, first, and how to store it
		io = c.NextIO()
	}
	if want := `window.location.assign("/room?room=`; !strings.Contains(io.JS, want) {
		tb.Fatalf("login replied %q, want a redirect to the room", io.JS)
	}
	return c
}

// mustEnter logs user in and opens the room's page; it returns the page's
// client and its init reply.
func mustEnter(tb testing.TB, s *nitrotest.Server, user, room string) (*nitrotest.Client, nitrotest.IO) {
	tb.Helper()
	lc := mustLogin(tb, s, user, room)
	c := s.Dial("/room?room="+room, nitrotest.WithToken(lc.Token()))
	io := c.Init()
	if !strings.Contains(io.JS, `id=\"history\"`) {
		tb.Fatalf("the room's init reply has no history: %q", io.JS)
	}
	return c, io
}

// waitJS reads io frames until one whose JavaScript holds want.
func waitJS(tb testing.TB, c *nitrotest.Client, want string) string {
	tb.Helper()
	deadline := time.Now().Add(nitrotest.Timeout)
	var seen []string
	for time.Now().Before(deadline) {
		f, err := c.TryRead(time.Until(deadline))
		if err != nil {
			break
		}
		io, ok := c.AsIO(f)
		if !ok {
			continue
		}
		if strings.Contains(io.JS, want) {
			return io.JS
		}
		seen = append(seen, io.JS)
	}
	tb.Fatalf("no reply held %q; got %q", want, seen)
	return ""
}

// say types text into #message and clicks #send.
func say(tb testing.TB, c *nitrotest.Client, text string) {
	tb.Helper()
	p, ok := c.Pickle("send")
	if !ok {
		tb.Fatal("no postback wired on #send")
	}
	c.Postback("send", p, nitrotest.Source("message", text))
}

func TestLoginPutsUserInSessionAndRedirects(t *testing.T) {
	_, s := mustApp(t, "")
	c, io := mustEnter(t, s, "ann", "kitchen")
	for _, want := range []string{`Logout ann`, `kitchen\u003c/h2\u003e`, `id=\"message\"`, `id=\"send\"`, `id=\"logout\"`, `id=\"upload-file\"`, `id=\"heading\"`} {
		if !strings.Contains(io.JS, want) {
			t.Errorf("the room's page lacks %s: %s", want, io.JS)
		}
	}
	// Logout clears the session and goes to the login page; the room
	// then sends the user there too.
	p, _ := c.Pickle("logout")
	c.Postback("logout", p)
	waitJS(t, c, `window.location.assign("/login")`)
	again := s.Dial("/room?room=kitchen", nitrotest.WithToken(c.Token()))
	if io := again.Init(); !strings.Contains(io.JS, `window.location.assign("/login")`) {
		t.Errorf("after logout the room replied %q, want a redirect to /login", io.JS)
	}
}

func TestLoginPageIDs(t *testing.T) {
	_, s := mustApp(t, "")
	c := s.Dial("/login")
	io := c.Init()
	for _, id := range []string{"user", "pass", "loginButton"} {
		if !strings.Contains(io.JS, `id=\"`+id+`\"`) {
			t.Errorf("the login page has no #%s", id)
		}
	}
}

func TestRoomWithoutLoginGoesToLogin(t *testing.T) {
	_, s := mustApp(t, "")
	c := s.Dial("/room?room=kitchen")
	if io := c.Init(); !strings.Contains(io.JS, `window.location.assign("/login")`) {
		t.Errorf("the room replied %q, want a redirect to /login", io.JS)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.HTTP.URL + "/room?room=kitchen")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("GET /room: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestMessageReachesEveryoneInRoomSenderIncluded(t *testing.T) {
	_, s := mustApp(t, "")
	a, _ := mustEnter(t, s, "ann", "kitchen")
	b, _ := mustEnter(t, s, "bob", "kitchen")
	other, _ := mustEnter(t, s, "cid", "garden")
	say(t, a, "hello kitchen")
	waitJS(t, a, "hello kitchen")
	waitJS(t, b, "hello kitchen")
	if f, err := other.TryRead(100 * time.Millisecond); err == nil {
		if io, ok := other.AsIO(f); ok && strings.Contains(io.JS, "hello kitchen") {
			t.Error("a message of the kitchen reached the garden")
		}
	}
}

func TestHistoryOnEntry(t *testing.T) {
	_, s := mustApp(t, "")
	a, _ := mustEnter(t, s, "ann", "kitchen")
	say(t, a, "first")
	waitJS(t, a, "first")
	say(t, a, "second")
	waitJS(t, a, "second")
	_, io := mustEnter(t, s, "bob", "kitchen")
	i, j := strings.Index(io.JS, "first"), strings.Index(io.JS, "second")
	if i < 0 || j < i {
		t.Errorf("bob's page shows no history, or not in order: %q", io.JS)
	}
}

func TestHistorySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	app, s := mustApp(t, dir)
	a, _ := mustEnter(t, s, "ann", "kitchen")
	say(t, a, "still here")
	waitJS(t, a, "still here")
	s.Close()
	if err := app.Store.Close(); err != nil {
		t.Fatal(err)
	}
	_, s2 := mustApp(t, dir)
	if _, io := mustEnter(t, s2, "bob", "kitchen"); !strings.Contains(io.JS, "still here") {
		t.Errorf("after a restart the history is %q", io.JS)
	}
}

func TestUploadIsAnnouncedWithALink(t *testing.T) {
	app, s := mustApp(t, "")
	a, _ := mustEnter(t, s, "ann", "kitchen")
	b, _ := mustEnter(t, s, "bob", "kitchen")
	res := b.Upload("notes <1>.txt", []byte("some notes"))
	if !res.Done {
		t.Fatalf("upload not done: %+v", res.Last)
	}
	js := waitJS(t, a, "/files/")
	// The stored name is sanitised: no < or >.
	if !strings.Contains(js, `href=\"/files/notes%20_1_.txt\"`) || !strings.Contains(js, "bob") {
		t.Errorf("the announcement is %q", js)
	}
	// The link serves the file, as an attachment that is never sniffed.
	resp, err := http.Get(s.HTTP.URL + "/files/notes%20_1_.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("GET the file: %d %v", resp.StatusCode, resp.Header)
	}
	msgs, _ := app.Store.History("kitchen", 10)
	if len(msgs) != 1 || msgs[0].File != "notes _1_.txt" || msgs[0].User != "bob" {
		t.Errorf("the history holds %+v", msgs)
	}
}

func TestFilesRefusesHiddenAndNested(t *testing.T) {
	_, s := mustApp(t, "")
	for _, p := range []string{"/files/.partial/x", "/files/..%2fchat.db", "/files/.done", "/files/", "/files/missing.txt"} {
		resp, err := http.Get(s.HTTP.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestPresenceUpdatesLive(t *testing.T) {
	_, s := mustApp(t, "")
	a, _ := mustEnter(t, s, "ann", "kitchen")
	b, io := mustEnter(t, s, "bob", "kitchen")
	if !strings.Contains(io.JS, memberID("ann")) || !strings.Contains(io.JS, memberID("bob")) {
		t.Errorf("bob's page does not list ann and bob: %q", io.JS)
	}
	waitJS(t, a, memberID("bob")) // bob joined
	b.Close()
	waitJS(t, a, `qi("`+memberID("bob")+`");if(x){x.remove();}`) // bob left
}

func TestHostileMessageIsEscaped(t *testing.T) {
	_, s := mustApp(t, "")
	a, _ := mustEnter(t, s, "ann", "kitchen")
	const hostile = "`${alert(1)}` </script><img src=x onerror=alert(2)> '\" \u2028 end"
	say(t, a, hostile)
	js := waitJS(t, a, "onerror")
	for _, bad := range []string{"<img", `\u003cimg`, "</script>", "\u2028", "`${"} {
		if strings.Contains(js, bad) {
			t.Errorf("the push carries %q raw: %s", bad, js)
		}
	}
	if !strings.Contains(js, "lt;img src=x onerror=alert(2)") {
		t.Errorf("the push does not carry the text escaped: %s", js)
	}
}

// TestUploadsOnlyInTheRoom: the login page's socket, or a room's before
// login, takes no uploads: only a logged-in user in a room stores files.
func TestUploadsOnlyInTheRoom(t *testing.T) {
	_, s := mustApp(t, t.TempDir())
	login := s.Dial("/login")
	login.Init()
	if res := login.Upload("evil.html", []byte("<script>")); res.Done || res.Last.Reason != "this page takes no uploads" {
		t.Errorf("the login page took an upload: %+v", res.Last)
	}
	stranger := s.Dial("/room?room=kitchen")
	stranger.Init()
	if res := stranger.Upload("evil.html", []byte("<script>")); res.Done {
		t.Errorf("a room took an upload before login: %+v", res.Last)
	}
	c, _ := mustEnter(t, s, "alice", "kitchen")
	if res := c.Upload("notes.txt", []byte("hello")); !res.Done {
		t.Errorf("a logged-in user's upload failed: %+v", res.Last)
	}
}

// TestHTTPServerTimeouts: the sample's HTTP server bounds the time a
// client may take over its headers and its request, and may keep a
// connection idle (net/http, without them, waits for ever).
func TestHTTPServerTimeouts(t *testing.T) {
	hs := httpServer("", http.NotFoundHandler())
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Errorf("timeouts: header %v, read %v, idle %v; want all set", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.IdleTimeout)
	}
}

// TestMessagesRateLimited: a session that posts faster than the sample
// allows is told so in the page, and what it sends past the burst is
// neither stored nor sent to the room.
func TestMessagesRateLimited(t *testing.T) {
	app, s := mustApp(t, "")
	c, _ := mustEnter(t, s, "flood", "hall")
	for i := range 3 * messageBurst {
		say(t, c, fmt.Sprintf("spam %d", i))
	}
	alerts := 0
	for {
		f, err := c.TryRead(500 * time.Millisecond)
		if err != nil {
			break
		}
		if io, ok := c.AsIO(f); ok && strings.Contains(io.JS, "too fast") {
			alerts++
		}
	}
	stored, err := app.Store.History("hall", 1000)
	if err != nil {
		t.Fatal(err)
	}
	// The burst, and what the rate refills while the messages arrive.
	if len(stored) < messageBurst || len(stored) > messageBurst+messageRate {
		t.Errorf("%d messages stored of %d sent, want about the burst, %d", len(stored), 3*messageBurst, messageBurst)
	}
	if alerts == 0 || alerts+len(stored) != 3*messageBurst {
		t.Errorf("%d refusals said in the page and %d stored, want them to add up to the %d sent", alerts, len(stored), 3*messageBurst)
	}
}
