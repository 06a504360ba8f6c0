package nitro

import (
	"errors"
	"strconv"
	"sync"

	"github.com/nitrogo/framework/nitro/bert"
)

// ErrBroadcastPostback is what Context.Broadcast returns when what it
// rendered seals a postback: a pickle is bound to one session, so a
// broadcast, which every page of a topic runs as is, cannot carry one.
var ErrBroadcastPostback = errors.New("nitro: a broadcast cannot carry postbacks (a pickle is sealed for one session): Publish a message and let each page render it in Event(Push)")

// broadcastTag tags JavaScript on the bus: {nitro_js, JS}.
const broadcastTag = "nitro_js"

var atomBroadcast = bert.Atom(broadcastTag)

// Broadcast sends JavaScript to every page subscribed to topic, as the
// reply {io, JS, <<>>}, without running their Event.
//
// Publish hands each page a Push to handle, so a message to a thousand
// pages is handled, rendered and encoded a thousand times; Broadcast
// renders once and every connection only writes the bytes (Phoenix calls
// this fastlane). Use it when every page shows the same thing, as a chat
// room does; use Publish when pages differ (per-user content, state kept
// in the page, postbacks). A page sees publications and broadcasts in the
// order they were sent: an idle connection is written to at once, from
// the publisher's goroutine, with a write that does not wait (a large
// topic is split across the processors); a busy one gets the broadcast
// in its inbox, behind what it has queued. On a bus shared by several
// nodes the JavaScript travels as the term {nitro_js, JS}.
func (s *Server) Broadcast(topic string, js []byte) error {
	return s.bus.Publish(topic, bert.Tuple(atomBroadcast, bert.Bin(js)))
}

// Broadcast renders once with render and sends the JavaScript it queued
// to every page subscribed to topic (see Server.Broadcast). render gets a
// Context of its own, with no session: actions and elements work on it as
// on a page's, but a postback cannot be sealed there, and Broadcast
// returns ErrBroadcastPostback rather than send one.
//
// bc is only valid during render: keep nothing of it.
func (cx *Context) Broadcast(topic string, render func(bc *Context)) error {
	bc := broadcastContexts.Get().(*Context)
	// The JavaScript leaves with the broadcast, so it is not pooled; a
	// first size that fits a typical action saves growing it step by step.
	*bc = Context{Context: cx.Context, srv: cx.srv, path: cx.path, formatter: cx.formatter, broadcast: true, js: make([]byte, 0, 512)}
	render(bc)
	js, refused := bc.js, bc.refused
	*bc = Context{}
	broadcastContexts.Put(bc)
	if refused {
		return ErrBroadcastPostback
	}
	if len(js) == 0 {
		return nil
	}
	return cx.srv.Broadcast(topic, js)
}

// broadcastContexts recycles the Contexts that broadcasts render with.
var broadcastContexts = sync.Pool{New: func() any { return new(Context) }}

// broadcastID returns an id for NewID on a broadcast's Context: unique in
// the server, so that it cannot meet an id of the pages it reaches.
func (s *Server) broadcastID() string {
	return "nitro-b" + strconv.FormatUint(s.stats.broadcastIDs.Add(1), 10)
}
