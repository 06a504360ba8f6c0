package main

import (
	"strings"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/tcp"
)

// Echo sends each line back: linedancer's example, a handler with no
// state of its own.
var Echo = tcp.HandlerFunc(func(c *tcp.RawConn, state any, ev tcp.Event) (any, error) {
	if ev.Kind == tcp.Data {
		return state, c.Send(ev.Data)
	}
	return state, nil
})

// topic is a room's, as the chat sample names it.
func topic(room string) string { return "room/" + room }

// post is what goes out on a room's topic: {post, Name, Text}.
func post(name, text string) bert.Term {
	return bert.Tuple(bert.Atom("post"), bert.BinString(name), bert.BinString(text))
}

// Chat is a chat room over lines. Commands: JOIN room, NAME name,
// SAY text, LEAVE; others' posts arrive as "name: text".
var Chat = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch ev := ev.(type) {
	case nitro.Init:
		cx.Wire("welcome: JOIN room, NAME name, SAY text, LEAVE")
	case nitro.Text:
		cmd, arg, _ := strings.Cut(strings.TrimSpace(string(ev)), " ")
		arg = strings.TrimSpace(arg)
		room, _ := cx.Session("room")
		r, _ := room.(string)
		switch strings.ToUpper(cmd) {
		case "JOIN":
			if arg == "" {
				cx.Wire("error: JOIN which room?")
				return
			}
			if r != "" {
				cx.Unsubscribe(topic(r))
			}
			cx.Subscribe(topic(arg))
			cx.SetSession("room", arg)
			cx.Wire("joined " + arg)
		case "NAME":
			cx.SetSession("name", arg)
			cx.Wire("you are " + arg)
		case "SAY":
			if r == "" {
				cx.Wire("error: JOIN a room first")
				return
			}
			n, _ := cx.Session("name")
			name, _ := n.(string)
			if name == "" {
				name = cx.Peer().Addr
			}
			cx.Publish(topic(r), post(name, arg))
		case "LEAVE":
			if r != "" {
				cx.Unsubscribe(topic(r))
				cx.SetSession("room", "")
				cx.Wire("left " + r)
			}
		case "":
		default:
			cx.Wire("error: unknown command " + cmd)
		}
	case nitro.Push:
		if ev.Msg.Is("post", 3) {
			cx.Wire(ev.Msg.At(1).Text() + ": " + ev.Msg.At(2).Text())
		}
	}
})
