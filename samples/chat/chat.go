package main

import (
	"context"
	"encoding/hex"
	"io"
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

// The room's postbacks: its chat button (and Enter in the message box)
// and its logout button.
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

// Head implements pages.Headed: the samples' style, and the viewer's own
// messages set apart.
func (p *Room) Head(cx *nitro.Context) templ.Component {
	if user := cx.User(); user != "" {
		return &mine{by: byClass(user)}
	}
	return login.Style
}

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
	authors := map[string]string{} // a few authors write most of a history
	for i, m := range msgs {
		by, ok := authors[m.User]
		if !ok {
			by = byClass(m.User)
			authors[m.User] = by
		}
		items[i] = p.item(m, by)
	}
	return elements.Panel{Attrs: elements.Attrs{Class: "chat"}, Body: []templ.Component{
		elements.Panel{Attrs: elements.Attrs{Class: "bar"}, Body: []templ.Component{
			elements.Heading{Attrs: elements.Attrs{ID: "heading"}, Level: 2, Text: room},
			elements.Button{Attrs: elements.Attrs{ID: "logout", Class: "quiet"}, Text: "Logout " + user, Postback: Logout{}},
		}},
		elements.Panel{Attrs: elements.Attrs{Class: "people"}, Body: []templ.Component{
			elements.Span{Text: "In the room"},
			p.memberList(p.Presence.Members(room)),
		}},
		elements.List{Attrs: elements.Attrs{ID: "history", Aria: historyAria}, Body: items},
		elements.Panel{Attrs: elements.Attrs{Class: "say"}, Body: []templ.Component{
			elements.Label{Attrs: elements.Attrs{Class: "sr-only"}, For: "message", Text: "Message"},
			elements.Textbox{Attrs: elements.Attrs{ID: "message"}, Placeholder: "Say something",
				MaxLength: maxMessage, Enter: Chat{}}, // Enter sends, as the button does
			elements.Button{Attrs: elements.Attrs{ID: "send"}, Text: "Chat", Postback: Chat{}, Source: []string{"message"}},
		}},
		elements.Panel{Attrs: elements.Attrs{Class: "share"}, Body: []templ.Component{
			elements.Label{For: "upload-file", Text: "Share a file"},
			elements.Upload{Attrs: elements.Attrs{ID: "upload", Class: "upload"}, StartText: "Send file"},
		}},
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
		actions.Script(cx, toNewest)
		actions.Focus(cx, "message")
	case ftp.Uploaded:
		user, room, ok := p.room(cx)
		if !ok {
			return
		}
		actions.UpdateText(cx, "upload-status", "sent")
		if err := p.post(cx, room, Message{User: user, Text: "uploaded", File: e.Name}); err != nil {
			actions.Alert(cx, "Your message could not be saved; please try again.")
		}
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
	if err := p.post(cx, room, Message{User: user, Text: text}); err != nil {
		actions.Alert(cx, "Your message could not be saved; please try again.")
		return
	}
	actions.SetProp(cx, actions.ID("message"), "value", "")
}

// post stores m in room and then sends it to the room: what anyone sees,
// the sender included, is on disk. The browsers get it rendered, the
// line connections as a term (Lines).
func (p *Room) post(cx *nitro.Context, room string, m Message) error {
	m.Time = time.Now().UnixMilli()
	m, err := p.Store.Append(room, m)
	if err != nil {
		cx.Logger().Error("chat: storing a message", "room", room, "err", err)
		return err
	}
	p.broadcast(cx, room, func(bc *nitro.Context) {
		actions.Script(bc, atNewest)
		actions.InsertBottom(bc, "history", p.item(m, byClass(m.User)))
		actions.Script(bc, keepNewest)
	})
	if err := cx.Publish(linesTopic(room), postTerm(m)); err != nil {
		cx.Logger().Error("chat: publishing to the line clients", "room", room, "err", err)
	}
	return nil
}

// The history keeps its newest message in sight: it is scrolled to the
// bottom on entry, and again as a message arrives, unless its reader had
// scrolled up to read older ones.
const (
	toNewest   = `{var h=qi("history");if(h)h.scrollTop=h.scrollHeight;}`
	atNewest   = `var h=qi("history"),newest=h&&h.scrollHeight-h.scrollTop-h.clientHeight<80;`
	keepNewest = `if(newest)h.scrollTop=h.scrollHeight;`
)

// broadcast sends to every page of room what render shows.
func (p *Room) broadcast(cx *nitro.Context, room string, render func(bc *nitro.Context)) {
	if err := cx.Broadcast(topic(room), render); err != nil {
		cx.Logger().Error("chat: broadcasting", "room", room, "err", err)
	}
}

// historyAria names the history for screen readers, which read out the
// messages that arrive.
var historyAria = map[string]string{"label": "Messages", "live": "polite"}

// item renders one message of the history, a bubble: its author and its
// time, then its text, or the link to the file it announces, all escaped.
// The time is the browser's to show in its own time zone (elements.Time).
// by is the bubble's class, its author's name (byClass), which the
// author's own page styles apart (mine). (Elements are values that render
// straight to the writer, with fewer allocations than a templ template of
// the same markup.)
func (p *Room) item(m Message, by string) templ.Component {
	text := elements.Span{Attrs: elements.Attrs{Class: "text"}, Text: m.Text}
	if m.File != "" {
		text.Text += " "
		text.Body = []templ.Component{
			elements.Link{Href: p.FilesPath + url.PathEscape(m.File), Text: m.File, Target: "_blank", Rel: "noopener"}}
	}
	return elements.Li{Attrs: elements.Attrs{Class: by}, Body: []templ.Component{
		elements.Span{Attrs: elements.Attrs{Class: "author"}, Text: m.User},
		elements.Time{At: time.UnixMilli(m.Time), Local: elements.LocalAuto},
		text,
	}}
}

// byClass is the class of user's bubbles: "by-" and the name in hex, so
// that any name makes a plain class.
func byClass(user string) string { return "by-" + hex.EncodeToString([]byte(user)) }

// mine is the room's head: the samples' style, and the bubbles of the
// page's viewer, of class by (byClass), set apart: only their page knows
// whose they are.
type mine struct{ by string }

func (m *mine) Render(ctx context.Context, w io.Writer) error {
	if err := login.Style.Render(ctx, w); err != nil {
		return err
	}
	for _, s := range []string{`<style>#history li.`, m.by, `{align-self:flex-end;background:var(--mine)}</style>`} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}

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
