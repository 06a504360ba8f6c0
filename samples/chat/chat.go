package main

import (
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/limit"
	"github.com/nitrogo/framework/pages"
	"github.com/nitrogo/framework/samples/login"
)

// Room is the chat page, N2O's sample index page: the room's history,
// who is in it, a message box, an upload. Messages reach everyone in the
// room through pub/sub, the sender included: the sender's own page shows
// its message only when it comes back, after the message is on disk.
//
// Every page of a room shows a message the same way, so a message is
// rendered once and broadcast as JavaScript (nitro.Context.Broadcast):
// the pages write it out without running their Event.
type Room struct {
	Store    Store
	Presence *Presence
	// LoginPath is where a visitor who is not logged in is sent.
	LoginPath string
	// FilesPath is the URL prefix of uploaded files ("/files/").
	FilesPath string
	// HistoryLen is how many messages a page shows on entry.
	HistoryLen int
	// Messages limits how fast a session may post; nil limits nothing.
	Messages *limit.PerSession
}

// maxMessage bounds a message, in characters.
const maxMessage = 2000

// The room's postbacks: its chat and logout buttons.
type (
	Chat struct {
		_ struct{} `bert:"chat"` // the message is the source "message"
	}
	Logout struct {
		_ struct{} `bert:"logout"`
	}
)

// roomEvents sends each postback of a room to its method.
var roomEvents = pages.Postbacks(
	pages.On((*Room).chat),
	pages.On((*Room).logout),
)

var _ pages.Page = (*Room)(nil)

func topic(room string) string { return "room/" + room }

// room returns the page's user and room: the user from the session, the
// room from the query (?room=) or else the session; ok is false for a
// visitor who has not logged in.
func (p *Room) room(cx *nitro.Context) (user, room string, ok bool) {
	if user = cx.User(); user == "" {
		return "", "", false
	}
	room = login.CleanRoom(cx.Query().Get("room"))
	if room == "" {
		r, _ := cx.Session(login.RoomKey)
		room, _ = r.(string)
	}
	if room == "" {
		room = login.DefaultRoom
	}
	return user, room, true
}

// Title implements pages.Titled.
// AcceptUploads takes uploads from logged-in users only.
func (p *Room) AcceptUploads(cx *nitro.Context) bool {
	_, _, ok := p.room(cx)
	return ok
}

func (p *Room) Title(cx *nitro.Context) string {
	if _, room, ok := p.room(cx); ok {
		return room + " · Nitro chat"
	}
	return "Nitro chat"
}

// Head implements pages.Headed.
func (p *Room) Head(cx *nitro.Context) templ.Component { return login.Style }

// Main renders the room with its history, so the first paint, without
// JavaScript, shows it.
func (p *Room) Main(cx *nitro.Context) templ.Component {
	user, room, ok := p.room(cx)
	if !ok {
		return pages.Redirect(cx, p.LoginPath)
	}
	msgs, err := p.Store.History(room, p.HistoryLen)
	if err != nil {
		cx.Logger().Error("chat: reading the history", "room", room, "err", err)
	}
	items := make([]templ.Component, len(msgs))
	for i, m := range msgs {
		items[i] = p.item(m)
	}
	return elements.Panel{Attrs: elements.Attrs{Class: "chat"}, Body: []templ.Component{
		elements.Heading{Attrs: elements.Attrs{ID: "heading"}, Level: 2, Text: room},
		elements.Button{Attrs: elements.Attrs{ID: "logout"}, Text: "Logout " + user, Postback: Logout{}},
		elements.Panel{Attrs: elements.Attrs{Class: "people"}, Body: []templ.Component{
			elements.Span{Text: "In the room:"},
			p.memberList(p.Presence.Members(room)),
		}},
		elements.List{Attrs: elements.Attrs{ID: "history"}, Body: items},
		elements.Panel{Attrs: elements.Attrs{Class: "say"}, Body: []templ.Component{
			elements.Textbox{Attrs: elements.Attrs{ID: "message"}, Placeholder: "Say something",
				MaxLength: maxMessage},
			elements.Button{Attrs: elements.Attrs{ID: "send"}, Text: "Chat", Postback: Chat{}, Source: []string{"message"}},
		}},
		elements.Upload{Attrs: elements.Attrs{ID: "upload"}, StartText: "Send file"},
	}}
}

// Event handles the room's socket.
func (p *Room) Event(cx *nitro.Context, ev any) {
	if roomEvents.Handle(p, cx, ev) {
		return
	}
	switch e := ev.(type) {
	case nitro.Init:
		user, room, ok := p.room(cx)
		if !ok {
			return // Main redirected
		}
		if err := cx.Subscribe(topic(room)); err != nil {
			cx.Logger().Error("chat: joining the room", "room", room, "err", err)
			return
		}
		users, arrived := p.Presence.Join(cx, room, user)
		if arrived {
			p.broadcast(cx, room, func(bc *nitro.Context) {
				actions.Remove(bc, memberID(user))
				actions.InsertBottom(bc, "members", memberItem(user))
			})
		}
		actions.Update(cx, "members", p.memberList(users))
		actions.Focus(cx, "message")
	case ftp.Uploaded:
		user, room, ok := p.room(cx)
		if !ok {
			return
		}
		actions.UpdateText(cx, "upload-status", "sent")
		p.post(cx, room, Message{User: user, Text: "uploaded", File: e.Name})
	case nitro.Exit:
		if room, gone := p.Presence.Leave(cx); gone != "" {
			p.broadcast(cx, room, func(bc *nitro.Context) { actions.Remove(bc, memberID(gone)) })
		}
	}
}

// chat posts what the user typed in the message box.
func (p *Room) chat(cx *nitro.Context, _ Chat) { p.say(cx, cx.QText("message")) }

// logout ends the session and sends the browser to the login page. The
// session rotates: its token and pickles of before act as nobody.
func (p *Room) logout(cx *nitro.Context, _ Logout) {
	cx.RotateSession()
	actions.Redirect(cx, p.LoginPath)
}

// say posts a message the user typed.
func (p *Room) say(cx *nitro.Context, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	if utf8.RuneCountInString(text) > maxMessage {
		actions.Alert(cx, "That message is too long.")
		return
	}
	user, room, ok := p.room(cx)
	if !ok {
		actions.Redirect(cx, p.LoginPath)
		return
	}
	if p.Messages != nil && !p.Messages.Allow(cx.SessionID()) {
		actions.Alert(cx, "You are sending messages too fast: wait a moment, then send again.")
		return // the text stays in the box
	}
	if p.post(cx, room, Message{User: user, Text: text}) {
		actions.SetProp(cx, actions.ID("message"), "value", "")
	}
}

// post stores m in room and then sends it to the room: what anyone sees,
// the sender included, is on disk.
func (p *Room) post(cx *nitro.Context, room string, m Message) bool {
	m.Time = time.Now().UnixMilli()
	m, err := p.Store.Append(room, m)
	if err != nil {
		cx.Logger().Error("chat: storing a message", "room", room, "err", err)
		actions.Alert(cx, "Your message could not be saved; please try again.")
		return false
	}
	p.broadcast(cx, room, func(bc *nitro.Context) { actions.InsertBottom(bc, "history", p.item(m)) })
	return true
}

// broadcast sends to every page of room what render shows.
func (p *Room) broadcast(cx *nitro.Context, room string, render func(bc *nitro.Context)) {
	if err := cx.Broadcast(topic(room), render); err != nil {
		cx.Logger().Error("chat: broadcasting", "room", room, "err", err)
	}
}

// item renders one message of the history: its time, its author, and its
// text or the link to the file it announces, all escaped. (Elements are
// values that render straight to the writer: a templ template of the same
// markup made 9 allocations to their 7.)
func (p *Room) item(m Message) templ.Component {
	body := []templ.Component{
		elements.Span{Attrs: elements.Attrs{Class: "time"}, Text: clock(m.Time)},
		elements.Span{Attrs: elements.Attrs{Class: "author"}, Text: m.User},
	}
	if m.File != "" {
		body = append(body,
			elements.Span{Attrs: elements.Attrs{Class: "text"}, Text: m.Text + " "},
			elements.Link{Href: p.FilesPath + url.PathEscape(m.File), Text: m.File, Target: "_blank", Rel: "noopener"})
	} else {
		body = append(body, elements.Span{Attrs: elements.Attrs{Class: "text"}, Text: m.Text})
	}
	return elements.Li{Body: body}
}

// clock is a message's time as the history shows it: hours and minutes,
// UTC.
func clock(ms int64) string { return time.UnixMilli(ms).UTC().Format("15:04") }

func (p *Room) memberList(users []string) templ.Component {
	items := make([]templ.Component, len(users))
	for i, u := range users {
		items[i] = memberItem(u)
	}
	return elements.List{Attrs: elements.Attrs{ID: "members"}, Body: items}
}

// memberID is the id of a user's item in the member list: the user name
// in hex, so that any name makes a plain id.
func memberID(user string) string { return "member-" + hex.EncodeToString([]byte(user)) }

func memberItem(user string) templ.Component {
	return elements.Li{Attrs: elements.Attrs{ID: memberID(user)}, Text: user}
}
