package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// chat measures a chat message's round trip through pub/sub: each client,
// alone in a room of its own, sends a message and waits until its own copy
// is pushed back, as the sender's page shows it. Against the built-in
// server the room has no store (the core alone); against the chat sample
// (-sample, or -url of its login page) each message is also stored.
func chat(args []string, out io.Writer) error {
	o := newOptions("chat", "closed-loop chat messages: send, wait for your own copy pushed back (each client in a room of its own)", 100, 10*time.Second).withSample().withMax()
	if err := o.parse(args); err != nil {
		return err
	}
	srv, err := o.start(o.clients + setupParallel)
	if err != nil {
		return err
	}
	defer srv.stop()
	run := runID()
	b := newBrowser(o.timeout)
	cs, _, err := b.connect(srv, o.clients, func(i int) (*client, error) {
		return joinRoom(b, o, srv, "bench-"+strconv.Itoa(i), run+"-"+strconv.Itoa(i))
	})
	if err != nil {
		return err
	}
	defer closeAll(cs)
	l, err := closedLoop(o, srv, cs, func(c *client, i, seq int) error {
		tag := messageTag(run, i, seq)
		frame, err := c.say(benchMessage + " " + tag)
		if err != nil {
			return err
		}
		if err := c.ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
			return err
		}
		return c.await([]byte(tag))
	})
	if err != nil {
		return err
	}
	r := newResult(o, srv, "message", "send to own copy pushed back")
	if srv.builtin {
		r.Server = "built-in room without a store"
	}
	r.measured(l.a, l.b, l.events, l.lat)
	return r.print(out, o.json)
}

// joinRoom opens room as user: on the built-in server its room page
// (/room?room=), anywhere else by logging in on the sample's login page
// (-url, or /login of the sample the tool started).
func joinRoom(b *browser, o *options, srv *child, user, room string) (*client, error) {
	if srv.builtin {
		return b.visit(&url.URL{Host: srv.addr, Path: "/room", RawQuery: "room=" + url.QueryEscape(room)}, false, "btn")
	}
	login := o.target
	if login == nil {
		login = &url.URL{Scheme: "http", Host: srv.addr, Path: "/login"}
	}
	return b.enter(login, user, room)
}

// runID tells this run's rooms and messages from those of earlier runs
// on the same server (whose history a room shows on entry).
func runID() string {
	var b [4]byte
	rand.Read(b[:])
	return "nb" + hex.EncodeToString(b[:])
}

// messageTag is what marks client i's message seq: plain letters, digits
// and dashes, which no escaping changes, and a closing "e" so that no tag
// is the prefix of another.
func messageTag(run string, i, seq int) string {
	return fmt.Sprintf("%s-%d-%d-e", run, i, seq)
}
