// Package login is the login page of Nitro's sample, after N2O's: a user
// name and a room (N2O's "pass" box is the room's name). Logging in puts
// the user and the room in the session and sends the browser to the room.
//
//	r := chi.NewRouter()
//	app := pages.New(srv)
//	app.Mount(r, "/login", login.New("/room"))
//	r.Handle(login.AssetsPrefix+"*", login.Assets()) // the stylesheet and icon of Style
//
// The page's ids are N2O's: user, pass, loginButton.
package login

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/pages"
)

// RoomKey is the session key of the user's room; the user's name is the
// session's user (Context.User).
const RoomKey = "room"

// DefaultRoom is the room of a user who named none.
const DefaultRoom = "lobby"

// Limits on what a user types, in characters.
const (
	MaxUser = 40
	MaxRoom = 40
)

// Page is the login page. RoomPath is where a logged-in user goes, with
// ?room= the room's name.
type Page struct {
	RoomPath string
}

// New returns the login page, sending users to roomPath.
func New(roomPath string) *Page { return &Page{RoomPath: roomPath} }

var _ pages.Page = (*Page)(nil)

// Login is the postback of the login button, and of Enter in the form.
type Login struct {
	_ struct{} `bert:"login"`
}

// events sends each postback of the page to its method.
var events = pages.Postbacks(pages.On((*Page).login))

// Title implements pages.Titled.
func (p *Page) Title(cx *nitro.Context) string { return "Login · Nitro chat" }

// Head implements pages.Headed.
func (p *Page) Head(cx *nitro.Context) templ.Component { return Style }

// Main renders the form.
func (p *Page) Main(cx *nitro.Context) templ.Component {
	return elements.Panel{Attrs: elements.Attrs{Class: "login"}, Body: []templ.Component{
		elements.Heading{Level: 2, Text: "Nitro chat"},
		elements.P{Attrs: elements.Attrs{Class: "hint"}, Text: "Pick a name, and the room to join."},
		// Enter in either box submits the form.
		elements.Form{Postback: Login{}, Source: []string{"user", "pass"}, Body: []templ.Component{
			elements.Label{For: "user", Text: "Name"},
			elements.Textbox{Attrs: elements.Attrs{ID: "user"}, Placeholder: "Your name", MaxLength: MaxUser,
				Validate: elements.Rule{Required: true, MaxLen: MaxUser, Message: "a name, of up to 40 characters"}},
			elements.Label{For: "pass", Text: "Room"},
			elements.Textbox{Attrs: elements.Attrs{ID: "pass"}, Placeholder: DefaultRoom, MaxLength: MaxRoom,
				Validate: elements.Rule{MaxLen: MaxRoom}},
			elements.Button{Attrs: elements.Attrs{ID: "loginButton"}, Text: "Login", Postback: Login{},
				Source: []string{"user", "pass"}},
		}},
	}}
}

// Event focuses the name box, and passes postbacks to their methods.
func (p *Page) Event(cx *nitro.Context, ev any) {
	if events.Handle(p, cx, ev) {
		return
	}
	if _, ok := ev.(nitro.Init); ok {
		actions.Focus(cx, "user")
	}
}

// login logs the user in: the name and the room go in the session, and
// the browser to the room.
func (p *Page) login(cx *nitro.Context, _ Login) {
	user := CleanUser(cx.QText("user"))
	if user == "" {
		actions.Alert(cx, "Please give a name.")
		return
	}
	room := CleanRoom(cx.QText("pass"))
	if room == "" {
		room = DefaultRoom
	}
	cx.RotateSession() // a new session for who logs in: a token from before never acts as them
	cx.SetUser(user)
	cx.SetSession(RoomKey, room)
	actions.Redirect(cx, p.RoomPath+"?room="+url.QueryEscape(room))
}

// CleanUser returns a user name as the page keeps it: white space made
// spaces, other control characters dropped, trimmed, and "" if longer
// than MaxUser.
func CleanUser(s string) string { return clean(s, MaxUser) }

// CleanRoom returns a room name as CleanUser does a user name, "" if
// longer than MaxRoom.
func CleanRoom(s string) string { return clean(s, MaxRoom) }

func clean(s string, max int) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, s))
	if utf8.RuneCountInString(s) > max {
		return ""
	}
	return s
}
