// Package actions is how a page changes what the browser shows: each
// action queues JavaScript on the page's *nitro.Context, and all the
// actions of one message leave together as the JavaScript of one io reply,
// which the browser evaluates (NITRO's actions and nitro: API).
//
// A page's Event calls them as it handles an event:
//
//	func (chat) Event(cx *nitro.Context, ev any) {
//		switch e := ev.(type) {
//		case nitro.Init:
//			actions.Event{Target: "send", Postback: bert.Atom("send"), Source: []string{"message"}}.Wire(cx)
//		case nitro.Postback:
//			if e.Msg.IsAtom("send") {
//				actions.InsertBottom(cx, "history", templ.Raw("<p>"+templ.EscapeString(cx.QText("message"))+"</p>"))
//				actions.SetProp(cx, actions.ID("message"), "value", "")
//				actions.Focus(cx, "message")
//			}
//		}
//	}
//
// # Actions
//
// DOM (dom.go): Update (replace an element), UpdateText, InsertTop,
// InsertBottom, InsertBefore, InsertAfter, Clear, Remove. The ones that
// take a templ.Component render it with the Context as its
// context.Context, and queue the JavaScript that rendering queued (the
// postbacks of the elements inside) after the change of the page, so that
// it finds the new elements.
//
// Navigation and dialogs (dialog.go): Redirect, Alert, Confirm (a
// postback if the user confirms), Focus, FocusSelect.
//
// Style and attributes (style.go): Show, Hide, Display, SetAttr,
// RemoveAttr, Style, SetStyle, AddClass, RemoveClass.
//
// Any property or method (jq.go): SetProp and Call on a Target (ID, Sel,
// or All for every element a CSS selector matches), with values encoded
// as JSON.
//
// Postbacks (event.go): Event wires a postback to an element.
//
// Raw JavaScript (wire.go): Wire, Script.
//
// An action on an element that is not in the page does nothing: every
// lookup is guarded, {var x=qi("id");if(x){...}}, so one missing element
// does not stop the rest of the reply.
//
// # Escaping
//
// Every string an action splices into JavaScript (text, HTML, ids,
// selectors, attribute names, URLs, pickles) goes through Quote, which
// makes a double-quoted JSON string literal with the quotes, backslash,
// control characters, U+2028, U+2029, <, >, & and the backtick escaped.
// No text can end the literal, close a </script> or start a template
// substitution; the actions never emit template literals. Values of
// SetProp and Call are JSON with the same escapes. The JavaScript that
// Wire, Script and Event.Validation take is code, not text: those are the
// places where escaping is the caller's, with Quote.
//
// Rendered HTML is as safe as the component that renders it: templ
// escapes text, templ.Raw does not.
//
// # Concurrency
//
// Actions use the Context of the message being handled, which one
// goroutine uses at a time (see nitro.Context). To change a page from
// elsewhere, publish to a topic it subscribed to, and act in its Push.
package actions
