package actions

import (
	"errors"
	"net/url"
	"strings"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// ErrUnsafeURL reports a Redirect to a URL that is neither relative nor
// http or https, such as a javascript: URL, which would run as code.
var ErrUnsafeURL = errors.New("actions: redirect to a URL that is not relative, http or https")

// Redirect sends the browser to another address (NITRO's
// nitro:redirect/1), once the session a rotation is storing as the
// cookie (window.nitroSession, see pages) is stored, so that the next
// page's first paint is of that session:
//
//	(window.nitroSession||{then:function(f){f()}}).then(function(){window.location.assign("/login")});
//
// It refuses, with ErrUnsafeURL and nothing queued, a URL that is not
// relative, http or https: a javascript: or data: URL from user input
// would run as code. Wire the JavaScript yourself to go to others.
func Redirect(cx *nitro.Context, to string) error {
	to = strings.TrimSpace(to)
	u, err := url.Parse(to)
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return ErrUnsafeURL
	}
	cx.AppendJS(func(b []byte) []byte {
		// Without a session being stored, it leaves at once.
		b = append(b, "(window.nitroSession||{then:function(f){f()}}).then(function(){window.location.assign("...)
		b = AppendQuote(b, to)
		return append(b, ")});"...)
	})
	return nil
}

// Alert shows text in the browser's alert box (NITRO's #alert{}):
//
//	alert("text");
func Alert(cx *nitro.Context, text string) {
	cx.AppendJS(func(b []byte) []byte {
		b = append(b, "alert("...)
		b = AppendQuote(b, text)
		return append(b, ");"...)
	})
}

// ConfirmTrigger is the trigger id of the postback Confirm sends: the
// Trigger of its nitro.Postback.
const ConfirmTrigger = "confirm"

// Confirm asks the user text in the browser's confirm box and, if the user
// confirms, sends postback to the page as a nitro.Postback with trigger
// ConfirmTrigger (NITRO's #confirm{}):
//
//	if(confirm("Delete?")){ws.send(enc(tuple(atom('pickle'),bin("confirm"),bin("PICKLE"),[tuple(tuple(bin("confirm"),bin('detail')),[])])));}
//
// The postback is sealed in a pickle (cx.Pickle), so only this page of
// this session can send it. A refusal sends nothing.
func Confirm(cx *nitro.Context, text string, postback bert.Term) {
	pickle := cx.Pickle(postback, ConfirmTrigger)
	cx.AppendJS(func(b []byte) []byte {
		b = append(b, "if(confirm("...)
		b = AppendQuote(b, text)
		b = append(b, ")){"...)
		b = appendSend(b, ConfirmTrigger, pickle, nil)
		return append(b, '}')
	})
}

// Focus moves the keyboard focus to the element id:
//
//	{var x=qi("id");if(x){x.focus();}}
func Focus(cx *nitro.Context, id string) {
	on(cx, ID(id), func(b []byte) []byte { return append(b, "x.focus();"...) })
}

// FocusSelect focuses the element id and selects its text, if it has any
// to select (an input or a textarea), so typing replaces it:
//
//	{var x=qi("id");if(x){x.focus();if(x.select)x.select();}}
func FocusSelect(cx *nitro.Context, id string) {
	on(cx, ID(id), func(b []byte) []byte { return append(b, "x.focus();if(x.select)x.select();"...) })
}
