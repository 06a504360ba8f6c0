package main

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// mustSample starts samples/chat as the tool does for -sample.
func mustSample(tb testing.TB) *child {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and starts samples/chat")
	}
	srv, err := startSample("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.stop)
	return srv
}

// TestSampleLogin logs two browsers into a room of the real chat sample
// and has one say something that the other sees pushed.
func TestSampleLogin(t *testing.T) {
	srv := mustSample(t)
	o := &options{target: mustTarget(t, "http://"+srv.addr+"/login")}
	b := newBrowser(5 * time.Second)
	room := runID()
	var cs []*client
	for i := range 2 {
		c, err := joinRoom(b, o, srv, "user"+strconv.Itoa(i), room)
		if err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
		defer c.close()
		if c.token == "" || c.trigger != roomSend || len(c.wired[roomSend].sources) == 0 {
			t.Fatalf("user %d in the room: token %q, trigger %q, wired %v", i, c.token, c.trigger, c.wired)
		}
		cs = append(cs, c)
	}
	if cs[0].token == cs[1].token {
		t.Error("two browsers share a session")
	}
	tag := messageTag(room, 0, 0)
	frame, err := cs[0].say("hello " + tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs[0].ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if err := c.await([]byte(tag)); err != nil {
			t.Errorf("user %d did not see the message: %v", i, err)
		}
	}

	// A login the page refuses (no name) is an error, not a hang.
	if _, err := b.enter(o.target, "", room); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("login without a name: %v, want refused", err)
	}

	// The modes against the same server, as -url and -pid give it.
	url, pid := "http://"+srv.addr+"/login", strconv.Itoa(srv.pid)
	r := mustRun(t, chat, "-url", url, "-pid", pid, "-clients", "3", "-duration", "500ms", "-warmup", "200ms")
	if r.Events == 0 || r.ServerPID != srv.pid || r.Server != url {
		t.Errorf("chat -url: %+v", r)
	}
	r = mustRun(t, broadcast, "-url", url, "-pid", pid, "-clients", "5", "-users", "2", "-rounds", "5", "-warmup", "0")
	if r.Events != 5 || r.Deliveries != 25 {
		t.Errorf("broadcast -url: %+v", r)
	}
}

// TestChatSample runs chat -sample: the tool builds and starts the
// sample itself.
func TestChatSample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts samples/chat")
	}
	r := mustRun(t, chat, "-sample", "-clients", "2", "-duration", "500ms", "-warmup", "200ms")
	if r.Events == 0 || r.Server != "chat sample" || r.ServerPID == 0 {
		t.Errorf("chat -sample: %+v", r)
	}
}

func mustTarget(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := parseTarget(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
