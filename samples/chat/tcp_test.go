package main

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/nitrotest"
)

// lineClient is a person at netcat on the rooms over lines (-tcp).
type lineClient struct {
	tb testing.TB
	nc net.Conn
	r  *bufio.Reader
}

// mustServeLines serves app's rooms over lines on a free port and dials
// it.
func mustServeLines(tb testing.TB, app *App) *lineClient {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go app.ServeLines(ln)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		app.lines.Shutdown(ctx)
	})
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { nc.Close() })
	return &lineClient{tb: tb, nc: nc, r: bufio.NewReader(nc)}
}

func (c *lineClient) send(line string) {
	c.tb.Helper()
	if _, err := c.nc.Write([]byte(line + "\n")); err != nil {
		c.tb.Fatal(err)
	}
}

// next reads the next line: the line client gets nothing else between.
func (c *lineClient) next() string {
	c.tb.Helper()
	c.nc.SetReadDeadline(time.Now().Add(nitrotest.Timeout))
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.tb.Fatalf("no line: %v", err)
	}
	return strings.TrimSuffix(line, "\n")
}

func (c *lineClient) expect(want string) {
	c.tb.Helper()
	if got := c.next(); got != want {
		c.tb.Fatalf("the line client read %q, want %q", got, want)
	}
}

// TestLinesChatWithBrowsers: a line client in a room gets what a browser
// posts there, as "user: text" and nothing of the browsers' JavaScript,
// and what it says reaches the browsers' pages and the history, once.
func TestLinesChatWithBrowsers(t *testing.T) {
	app, s := mustApp(t, "")
	lc := mustServeLines(t, app)
	lc.expect("welcome: NAME name, JOIN room, SAY text, LEAVE")
	lc.send("SAY too soon")
	lc.expect("error: NAME yourself first")
	lc.send("NAME cid")
	lc.expect("you are cid")
	lc.send("JOIN kitchen")
	lc.expect("joined kitchen")
	ann, _ := mustEnter(t, s, "ann", "kitchen")
	other, _ := mustEnter(t, s, "bob", "garden")

	say(t, ann, "hello from the browser")
	waitJS(t, ann, "hello from the browser")
	lc.expect("ann: hello from the browser")

	lc.send("SAY hello from the line")
	lc.expect("cid: hello from the line") // the sender too, once it is stored
	waitJS(t, ann, "hello from the line")
	if f, err := other.TryRead(100 * time.Millisecond); err == nil {
		if io, ok := other.AsIO(f); ok && strings.Contains(io.JS, "hello from the line") {
			t.Error("a line client's message of the kitchen reached the garden")
		}
	}
	msgs, err := app.Store.History("kitchen", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.User+": "+m.Text)
	}
	if want := []string{"ann: hello from the browser", "cid: hello from the line"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("history %q, want %q", got, want)
	}

	lc.send("LEAVE")
	lc.expect("left kitchen")
	say(t, ann, "after you left")
	waitJS(t, ann, "after you left")
	lc.send("BOGUS")
	lc.expect("error: unknown command BOGUS") // and not "ann: after you left"
}
