package nitro

import "github.com/nitrogo/framework/nitro/bert"

// Page is what a connection serves: N2O's page module. Its Event gets
// every event of the page, one at a time, with the page's Context, and
// answers by queuing JavaScript on it (package actions).
type Page interface {
	Event(cx *Context, ev any)
}

// PageFunc adapts a function to Page.
type PageFunc func(cx *Context, ev any)

// Event calls f.
func (f PageFunc) Event(cx *Context, ev any) { f(cx, ev) }

var _ Page = PageFunc(nil)

// The events a page gets. Event receives them as values: switch on the
// type.
type (
	// Init: the browser connected, or reconnected. Render the page's live
	// parts and wire its postbacks. It runs again after every reconnect,
	// so it must leave the page as it would on a first connect.
	Init struct{}

	// Postback: the user fired an element's postback. Msg is the postback
	// the element was built with; its source field values are on the
	// Context (Q, QText, QDate, Linked). Only a pickle that opens (sealed
	// by this server, for this session and this page, not expired)
	// produces a Postback.
	Postback struct {
		Msg     bert.Term
		Trigger string // the id of the element that fired
		Name    string // the event name sealed with it ("event")
	}

	// Direct: the browser sent {direct, Msg}. Unlike a Postback nothing
	// vouches for Msg: treat it as user input. SetResult sets the reply.
	Direct struct{ Msg bert.Term }

	// Client: the browser sent {client, Msg}. Unlike a Postback nothing
	// vouches for Msg: treat it as user input. SetResult sets the reply.
	Client struct{ Msg bert.Term }

	// Push: a message reached the connection from the server side: a
	// publication on a topic it subscribed to, or a delivery to
	// Context.Self. The JavaScript it queues is pushed to the browser.
	Push struct {
		Topic string
		Msg   bert.Term
	}

	// Exit: the connection closed. Nothing can be sent any more; release
	// what the page holds. Err says why, nil for a clean close.
	Exit struct{ Err error }
)
