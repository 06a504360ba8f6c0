package actions

import (
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// An Event wires a postback to an element (NITRO's #event{}): when the
// event fires in the browser, the page gets a nitro.Postback carrying
// Postback, with the values of the Source fields (cx.Q, cx.QText).
// Elements with a postback use it; a page can too, for an element of its
// own markup.
type Event struct {
	Target   string    // the id of the element that fires
	Type     string    // the DOM event: "click", "change", "submit", ...; "" is "click", or "keydown" with a Key
	Postback bert.Term // what the page gets, sealed into the pickle
	// Key makes a key event fire for that key alone (KeyboardEvent.key,
	// such as "Enter"), once a press: not for other keys, a key held down
	// (repeat), a key an input method is composing with, or a key whose
	// default an earlier handler prevented. Its default action (Enter
	// submitting a form) is prevented, and the sources are checked only
	// then.
	Key string
	// Source lists the ids of the fields whose values go with the
	// postback, each keyed by its id as an atom ({message, Value}).
	Source []string
	// Validation is an optional JavaScript expression, trusted code, that
	// must be true for the postback to be sent. It runs in the handler:
	// event is the DOM event and this the element.
	Validation string
}

// Wire queues the JavaScript that wires e on its element, in the shape
// N2O's client sends (docs/protocol.md), for example for Target "send",
// Source ["message"]:
//
//	{var x=qi("send");if(x){var k="__nitro_click";if(x[k])x.removeEventListener("click",x[k]);
//	x[k]=function(event){event.preventDefault();if(validateSources(["message"],"send")){
//	ws.send(enc(tuple(atom('pickle'),bin("send"),bin("PICKLE"),[tuple(tuple(bin("send"),bin('detail')),[]),
//	tuple(atom("message"),querySource("message"))])));}};x.addEventListener("click",x[k]);}}
//
// (one line). The handler is kept on the element, so wiring it again, as a
// reconnect's Init does, replaces it rather than adding a second one that
// would send twice. A click or a submit has its default action (following
// a link, submitting a form) prevented, and so has a Key's press; other
// events keep theirs, so a key event still types. The postback is sealed
// with cx.Pickle for this page and session; it is sealed when Wire runs,
// so a reconnect wires a fresh one.
func (e Event) Wire(cx *nitro.Context) {
	typ := e.Type
	switch {
	case typ == "" && e.Key != "":
		typ = "keydown"
	case typ == "":
		typ = "click"
	}
	name := "__nitro_" + typ // a Key has a handler of its own
	if e.Key != "" {
		name += "_" + e.Key
	}
	pickle := cx.Pickle(e.Postback, e.Target)
	cx.AppendJS(func(b []byte) []byte {
		b = append(b, "{var x=qi("...)
		b = AppendQuote(b, e.Target)
		b = append(b, ");if(x){var k="...)
		b = AppendQuote(b, name)
		b = append(b, ";if(x[k])x.removeEventListener("...)
		b = AppendQuote(b, typ)
		b = append(b, ",x[k]);x[k]=function(event){"...)
		if e.Key != "" {
			// keyCode 229: Safari ends a composition before its keydown.
			b = append(b, "if(event.key!=="...)
			b = AppendQuote(b, e.Key)
			b = append(b, "||event.isComposing||event.keyCode===229||event.defaultPrevented)return;event.preventDefault();if(event.repeat)return;"...)
		} else if typ == "click" || typ == "submit" {
			b = append(b, "event.preventDefault();"...)
		}
		b = append(b, "if(validateSources(["...)
		for i, s := range e.Source {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendQuote(b, s)
		}
		b = append(b, "],"...)
		b = AppendQuote(b, e.Target)
		b = append(b, ')')
		if e.Validation != "" {
			b = append(b, "&&("...)
			b = append(b, e.Validation...)
			b = append(b, ')')
		}
		b = append(b, "){"...)
		b = appendSend(b, e.Target, pickle, e.Source)
		b = append(b, "}};x.addEventListener("...)
		b = AppendQuote(b, typ)
		return append(b, ",x[k]);}}"...)
	})
}

// appendSend appends the statement that sends a postback, as N2O's client
// does:
//
//	ws.send(enc(tuple(atom('pickle'),bin("ID"),bin("PICKLE"),[tuple(tuple(bin("ID"),bin('detail')),[]),tuple(atom("src"),querySource("src")),...])));
//
// nitrotest's client finds pickles by the tokens up to the pickle.
func appendSend(b []byte, trigger, pickle string, sources []string) []byte {
	b = append(b, "ws.send(enc(tuple(atom('pickle'),bin("...)
	b = AppendQuote(b, trigger)
	b = append(b, "),bin("...)
	b = AppendQuote(b, pickle)
	b = append(b, "),[tuple(tuple(bin("...)
	b = AppendQuote(b, trigger)
	b = append(b, "),bin('detail')),[])"...)
	for _, s := range sources {
		b = append(b, ",tuple(atom("...)
		b = AppendQuote(b, s)
		b = append(b, "),querySource("...)
		b = AppendQuote(b, s)
		b = append(b, "))"...)
	}
	return append(b, "])));"...)
}
