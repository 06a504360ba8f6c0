package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// benchMessage is the text a postback carries: a chat line's length, so
// that the frame is about 300 bytes, as in the floor measurement.
const benchMessage = "hello from the bench, a message of typical length"

// postback measures closed-loop postback round trips: each client clicks,
// waits for the reply, and clicks again. The built-in page answers with
// about 1 KiB of JavaScript, the floor measurement's reply.
func postback(args []string, out io.Writer) error {
	o := newOptions("postback", "closed-loop postback round trips: click, wait for the reply, click again", 100, 10*time.Second).withMax()
	floor := o.fs.Bool("floor", false, "drive the bare gorilla/websocket server instead of a nitro page")
	click := o.fs.String("click", "", "with -url: the id of the element whose postback to fire (default: the first wired)")
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
	cs, _, err := b.connect(srv, o.clients, func(int) (*client, error) {
		switch {
		case o.target != nil:
			return b.visit(o.target, true, *click)
		case *floor:
			c, err := b.open(&url.URL{Host: srv.addr, Path: "/floor"}, "")
			if err == nil {
				// The same frame size as the page's postback.
				c.wired["btn"], c.trigger = wired{pickle: strings.Repeat("p", 190), sources: []string{"msg"}}, "btn"
			}
			return c, err
		}
		return b.visit(&url.URL{Host: srv.addr, Path: "/bench"}, false, "btn")
	})
	if err != nil {
		return err
	}
	defer closeAll(cs)
	frames := make([][]byte, len(cs))
	for i, c := range cs {
		if frames[i], err = c.say(benchMessage); err != nil {
			return err
		}
	}
	l, err := closedLoop(o, srv, cs, func(c *client, i, _ int) error {
		if err := c.ws.WriteMessage(websocket.BinaryMessage, frames[i]); err != nil {
			return err
		}
		c.ws.SetReadDeadline(time.Now().Add(c.timeout))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return err
		}
		switch {
		case o.target == nil && len(data) < 1000:
			return fmt.Errorf("a reply of %d bytes, want the page's 1 KiB", len(data))
		case o.target != nil:
			if t, err := bert.Decode(data); err != nil || !t.Is("io", 3) {
				return fmt.Errorf("unexpected reply %v (%v)", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r := newResult(o, srv, "round trip", "click to reply")
	if *floor {
		r.Server = "built-in floor (bare gorilla)"
	}
	r.measured(l.a, l.b, l.events, l.lat)
	return r.print(out, o.json)
}
