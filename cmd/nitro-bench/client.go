package main

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// client is one browser's socket, as the bench drives it.
type client struct {
	ws     *websocket.Conn
	pickle string
}

var pickleRE = regexp.MustCompile(`bin\('btn'\),bin\('([A-Za-z0-9_-]+)'\)`)

func dial(addr, path string) (*client, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	ws, _, err := d.Dial("ws://"+addr+"/ws"+path, nil)
	if err != nil {
		return nil, err
	}
	return &client{ws: ws}, nil
}

// init sends N2O, and keeps the pickle of the page's button.
func (c *client) init() error {
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte("N2O,")); err != nil {
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
	m := pickleRE.FindSubmatch(t.At(1).Bytes())
	if m == nil {
		return errors.New("init reply wires no postback")
	}
	c.pickle = string(m[1])
	return nil
}

// postbackFrame is what the browser sends when the button is clicked:
// about 300 bytes, as in the floor measurement.
func (c *client) postbackFrame(msg string) []byte {
	return bert.Encode(bert.Tuple(bert.Atom("pickle"), bert.BinString("btn"), bert.BinString(c.pickle),
		bert.List(
			bert.Tuple(bert.Tuple(bert.BinString("btn"), bert.BinString("detail")), bert.Nil()),
			bert.Tuple(bert.Atom("msg"), bert.BinString(msg)),
		)))
}
