package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// client is one browser's socket, as the bench drives it.
type client struct {
	ws      *websocket.Conn
	token   string // the session token, from the first paint's cookie
	trigger string // the element whose postback the client fires
	pickle  string
}

// pickleRE finds the postbacks that a page's JavaScript wires, as N2O's
// client sends them: tuple(atom('pickle'),bin(ID),bin(PICKLE),...
var pickleRE = regexp.MustCompile(`atom\('pickle'\),bin\(['"]((?:[^'"\\]|\\.)*)['"]\),bin\(['"]([A-Za-z0-9_-]+)['"]\)`)

// dialPage opens a page as a browser does: a GET of the page (its cookie
// is the session), then the socket at /ws and the page's path.
func dialPage(rawURL, trigger string) (*client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if err := loopbackOnly(u.Host); err != nil {
		return nil, err
	}
	resp, err := http.Get(rawURL)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	c := &client{trigger: trigger}
	for _, ck := range resp.Cookies() {
		if ck.Name == "X-Auth-Token" {
			c.token = ck.Value
		}
	}
	h := http.Header{}
	if c.token != "" {
		h.Set("Cookie", "X-Auth-Token="+c.token)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	ws, _, err := d.Dial("ws://"+u.Host+"/ws"+u.Path+"?"+u.RawQuery, h)
	if err != nil {
		return nil, err
	}
	c.ws = ws
	return c, nil
}

func dial(addr, path string) (*client, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	ws, _, err := d.Dial("ws://"+addr+"/ws"+path, nil)
	if err != nil {
		return nil, err
	}
	return &client{ws: ws, trigger: "btn"}, nil
}

// init sends N2O, and keeps the pickle of the postback on the client's
// trigger: the first wired, when the trigger is "".
func (c *client) init() error {
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte("N2O,"+c.token)); err != nil {
		return err
	}
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		return err
	}
	t, err := bert.Decode(data)
	if err != nil || !t.Is("io", 3) {
		return fmt.Errorf("init reply %v: %v", t, err)
	}
	for _, m := range pickleRE.FindAllSubmatch(t.At(1).Bytes(), -1) {
		if c.trigger == "" || string(m[1]) == c.trigger {
			c.trigger, c.pickle = string(m[1]), string(m[2])
			return nil
		}
	}
	return fmt.Errorf("init reply wires no postback on %q", c.trigger)
}

// postbackFrame is what the browser sends when the button is clicked:
// about 300 bytes, as in the floor measurement.
func (c *client) postbackFrame(msg string) []byte {
	return bert.Encode(bert.Tuple(bert.Atom("pickle"), bert.BinString(c.trigger), bert.BinString(c.pickle),
		bert.List(
			bert.Tuple(bert.Tuple(bert.BinString(c.trigger), bert.BinString("detail")), bert.Nil()),
			bert.Tuple(bert.Atom("msg"), bert.BinString(msg)),
		)))
}
