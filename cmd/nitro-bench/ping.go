package main

import (
	"errors"
	"io"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// ping measures the heart protocol: closed loops of text PING answered by
// text PONG (docs/protocol.md), the cheapest message a connection carries: a
// floor under every other figure of the same server.
func ping(args []string, out io.Writer) error {
	o := newOptions("ping", "closed-loop PING -> PONG round trips on open pages (the heart protocol)", 100, 10*time.Second).withMax()
	floor := o.fs.Bool("floor", false, "ping the bare gorilla/websocket server instead of a nitro page")
	if err := o.parse(args); err != nil {
		return err
	}
	if *floor && o.target != nil {
		return errors.New("-floor is the built-in bare server: not with -url")
	}
	srv, err := o.start(o.clients)
	if err != nil {
		return err
	}
	defer srv.stop()
	b := newBrowser(o.timeout)
	page := o.target
	if page == nil {
		page = &url.URL{Scheme: "http", Host: srv.addr, Path: "/bench"}
	}
	cs, _, err := b.connect(srv, o.clients, func(int) (*client, error) {
		if *floor {
			return b.open(&url.URL{Host: srv.addr, Path: "/floor"}, "")
		}
		// An open page has had its init: the server holds it as a
		// browser's.
		return b.visit(page, o.target != nil, "-")
	})
	if err != nil {
		return err
	}
	defer closeAll(cs)
	pingFrame := []byte("PING")
	l, err := closedLoop(o, srv, cs, func(c *client, _, _ int) error {
		if err := c.ws.WriteMessage(websocket.TextMessage, pingFrame); err != nil {
			return err
		}
		c.ws.SetReadDeadline(time.Now().Add(c.timeout))
		for {
			mt, data, err := c.ws.ReadMessage()
			if err != nil {
				return err
			}
			if mt == websocket.TextMessage && string(data) == "PONG" {
				return nil
			}
		}
	})
	if err != nil {
		return err
	}
	r := newResult(o, srv, "ping", "PING to PONG")
	if *floor {
		r.Server = "built-in floor (bare gorilla)"
	}
	r.measured(l.a, l.b, l.events, l.lat)
	return r.print(out, o.json)
}
