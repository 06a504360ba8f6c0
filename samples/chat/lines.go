package main

import (
	"strings"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/samples/login"
)

// The rooms over lines (-tcp): a person at netcat, or a program, chats
// with the browsers, in linedancer's commands:
//
//	NAME ann        who you are (the login page's name)
//	JOIN kitchen    which room: its new messages arrive as "ann: hello"
//	SAY hello       post, as the message box does
//	LEAVE
//
// A message is posted once, by whoever took it (a browser's page or a
// line connection), stored, then sent to both: to the browsers as the
// JavaScript that shows it (topic), to the line connections as the term
// {post, User, Text} (linesTopic). Two topics, because a broadcast's
// JavaScript is written to every subscriber as it is, and a line client
// would get it as a line; and no page re-posts what it receives, so
// nothing comes back twice.

// linesTopic is where a room's messages go out as terms. Its prefix is
// not topic's: no room name makes one the other.
func linesTopic(room string) string { return "lines/" + room }

// postTerm is a message on linesTopic: {post, User, Text}, linedancer's
// shape. An upload's text names the file.
func postTerm(m Message) bert.Term {
	text := m.Text
	if m.File != "" {
		text += " " + m.File
	}
	return bert.Tuple(bert.Atom("post"), bert.BinString(m.User), bert.BinString(text))
}

// Lines is the page of a line connection (nitro/tcp, Lines framing) in
// Room's rooms. Its session is the connection's: NAME sets its user, JOIN
// its room, as the login page does for a browser.
type Lines struct{ Room *Room }

var _ nitro.Page = (*Lines)(nil)

// Event answers one command line, or shows a post of the room joined.
func (l *Lines) Event(cx *nitro.Context, ev any) {
	switch ev := ev.(type) {
	case nitro.Init:
		cx.Wire("welcome: NAME name, JOIN room, SAY text, LEAVE")
	case nitro.Text:
		cmd, arg, _ := strings.Cut(strings.TrimSpace(string(ev)), " ")
		l.command(cx, strings.ToUpper(cmd), strings.TrimSpace(arg))
	case nitro.Push:
		if ev.Msg.Is("post", 3) {
			cx.Wire(ev.Msg.At(1).Text() + ": " + ev.Msg.At(2).Text())
		}
	}
}

func (l *Lines) command(cx *nitro.Context, cmd, arg string) {
	r, _ := cx.Session(login.RoomKey)
	joined, _ := r.(string)
	switch cmd {
	case "NAME":
		user := login.CleanUser(arg)
		if user == "" {
			cx.Wire("error: NAME wants a name of up to 40 characters")
			return
		}
		cx.SetUser(user)
		cx.Wire("you are " + user)
	case "JOIN":
		room := login.CleanRoom(arg)
		if room == "" {
			cx.Wire("error: JOIN which room?")
			return
		}
		if joined != "" {
			cx.Unsubscribe(linesTopic(joined))
		}
		if err := cx.Subscribe(linesTopic(room)); err != nil {
			cx.Logger().Error("chat: joining the room over lines", "room", room, "err", err)
			cx.Wire("error: could not join " + room)
			return
		}
		cx.SetSession(login.RoomKey, room)
		cx.Wire("joined " + room)
	case "SAY":
		l.say(cx, joined, arg)
	case "LEAVE":
		if joined != "" {
			cx.Unsubscribe(linesTopic(joined))
			cx.SetSession(login.RoomKey, nil)
			cx.Wire("left " + joined)
		}
	case "":
	default:
		cx.Wire("error: unknown command " + cmd)
	}
}

// say posts text in room as the connection's user, with the checks of
// the message box (Room.say), answered in lines.
func (l *Lines) say(cx *nitro.Context, room, text string) {
	user := cx.User()
	switch {
	case user == "":
		cx.Wire("error: NAME yourself first")
	case room == "":
		cx.Wire("error: JOIN a room first")
	case text == "":
	case utf8.RuneCountInString(text) > maxMessage:
		cx.Wire("error: that message is too long")
	case l.Room.Messages != nil && !l.Room.Messages.Allow(cx.SessionID()):
		cx.Wire("error: you are sending messages too fast")
	default:
		if err := l.Room.post(cx, room, Message{User: user, Text: text}); err != nil {
			cx.Wire("error: your message could not be saved")
		}
	}
}
