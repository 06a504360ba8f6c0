package nitro

import (
	"errors"
	"strings"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// Nitro is the protocol of pages (N2O's nitro_n2o). It answers:
//
//	text "N2O," Token, or {init, Token}  → {io, JS, {'Token', Token}}: Init
//	{pickle, Id, Pickle, Linked}         → {io, JS, <<>>}: Postback
//	{direct, Msg}                        → {io, JS, {direct, Result}}: Direct
//	{client, Msg}                        → {io, JS, Result}: Client
//	a Push from the server side          → {io, JS, <<>>}: Push
//	the connection's end                 → nothing: Exit
//
// where JS is what the page's Event queued. A pickle that does not open
// is answered {io, <<>>, {error, <<"EV expected">>}} and logged with why.
var Nitro Protocol = nitroProtocol{}

type nitroProtocol struct{}

// Name is its name in Stats: "nitro".
func (nitroProtocol) Name() string { return "nitro" }

func (nitroProtocol) Serve(cx *Context, msg any) (Reply, bool) {
	switch m := msg.(type) {
	case Text:
		if token, ok := strings.CutPrefix(string(m), "N2O,"); ok {
			return cx.init(token), true
		}
	case bert.Term:
		switch {
		case m.Is("pickle", 4):
			return cx.postback(m), true
		case m.Is("init", 2):
			return cx.init(m.At(1).Text()), true
		case m.Is("direct", 2):
			cx.result = bert.Nil()
			cx.Event(Direct{Msg: m.At(1)})
			return cx.IO(bert.Tuple(atomDirect, cx.result)), true
		case m.Is("client", 2):
			cx.result = bert.Nil()
			cx.Event(Client{Msg: m.At(1)})
			return cx.IO(cx.result), true
		}
	case Push:
		cx.Event(m)
		if len(cx.js) == 0 {
			return Reply{}, true
		}
		return cx.IO(bert.Bin(nil)), true
	case Exit: // nothing can be sent any more
		cx.Event(m)
		return Reply{}, true
	}
	return Reply{}, false
}

// init authenticates the session and runs the page's Init. It is sent on
// every connect and reconnect, so it must be idempotent: a valid token
// keeps its session, and the page renders its current state.
func (cx *Context) init(token string) Reply {
	if cx.conn != nil {
		cx.conn.inited()
	}
	if cx.token != "" {
		// A session the transport bound (a valid cookie, which scripts
		// cannot read or plant) wins over the one the client names.
		token = cx.token
	}
	sid, tok, _ := cx.srv.tokens.Authenticate(token)
	cx.sid, cx.token = sid, tok
	if cx.conn != nil {
		cx.conn.trust(cx.User() != "")
	}
	cx.Event(Init{})
	return cx.IO(bert.Tuple(atomToken, bert.BinString(tok)))
}

// Event runs the page's Event with ev and an empty JavaScript queue: the
// Nitro protocol does for its events, another protocol for its own (the
// upload protocol's progress, say). What the page queues is then the
// protocol's to send, with IO or Flush.
func (cx *Context) Event(ev any) {
	if cx.js == nil && cx.conn != nil {
		cx.jsBuf = bufPool.Get().(*[]byte)
		cx.js = (*cx.jsBuf)[:0]
	}
	cx.js = cx.js[:0]
	if cx.page != nil {
		cx.page.Event(cx, ev)
	}
}

// IO is the reply {io, JS, Data} with the JavaScript queued so far. Its
// tuple lives in the Context: a reply is sent before the next is built.
func (cx *Context) IO(data bert.Term) Reply { return cx.ioOf(cx.js, data) }

// Flush sends the JavaScript queued so far at once, as {io, JS, <<>>},
// ahead of the reply the protocol returns (N2O's wf:flush), and empties
// the queue. It does nothing outside a connection or with nothing queued.
func (cx *Context) Flush() {
	if cx.conn != nil && len(cx.js) > 0 {
		cx.conn.reply(cx.IO(bert.Bin(nil)))
		cx.js = cx.js[:0]
	}
}

// ioOf is the reply {io, JS, Data} with JavaScript js.
func (cx *Context) ioOf(js []byte, data bert.Term) Reply {
	cx.ioTuple = [3]bert.Term{atomIO, bert.Bin(js), data}
	return TermReply(bert.Tuple(cx.ioTuple[:]...))
}

// postback opens the pickle of {pickle, Id, Pickle, Linked} and runs the
// page's Postback.
func (cx *Context) postback(m bert.Term) Reply {
	ev, err := cx.openPickle(m.At(2).Bytes())
	if err != nil {
		cx.srv.stats.badPickles.Add(1)
		if n, ok := cx.srv.stats.pickleLog.Tick(cx.srv.Now()); ok {
			cx.srv.log.Warn("nitro: postback refused", "why", err, "trigger", m.At(1).Text(), "sid", cx.sid, "path", cx.path, "refused", n)
		}
		reason := "EV expected"
		if errors.Is(err, ErrPickleExpired) {
			reason = "EV expired"
		}
		cx.js = cx.js[:0]
		return TermReply(errorIO("", reason))
	}
	cx.linked = m.At(3)
	cx.Event(Postback{Msg: ev.At(2), Trigger: ev.At(3).Text(), Name: ev.At(4).Atom()})
	cx.linked = bert.Nil()
	return cx.IO(bert.Bin(nil))
}

// ErrPicklePage reports a genuine pickle of another page.
var ErrPicklePage = errors.New("nitro: pickle sealed for another page")

// openPickle opens a postback pickle: {ev, Page, Postback, Trigger, Name}
// sealed for this session and this page.
//
// The connection keeps the last pickle it opened: a page's buttons send
// the same pickle on every click, and opening it again (base64, AES-GCM,
// the decode) would give the same answer, the key ring being fixed for
// the server's life. The session, the expiry and the bytes are checked
// each time.
func (cx *Context) openPickle(pickle []byte) (bert.Term, error) {
	now := cx.srv.Now()
	if k := &cx.opened; k.sid == cx.sid && now.Unix() < k.expiry && string(k.pickle) == string(pickle) {
		return k.ev, nil
	}
	payload, expiry, err := cx.srv.keys.open(nil, cx.sid, pickle, now)
	if err != nil {
		return bert.Term{}, err
	}
	ev, err := bert.Decode(payload)
	if err != nil || !ev.Is("ev", 5) {
		return bert.Term{}, ErrPickleForged // sealed by us, so never: a key shared with something else
	}
	if ev.At(1).Text() != cx.path {
		return bert.Term{}, ErrPicklePage
	}
	if cx.conn != nil {
		cx.opened = openedPickle{pickle: append(cx.opened.pickle[:0], pickle...), sid: cx.sid, expiry: expiry, ev: ev}
	}
	return ev, nil
}

// Pickle seals a postback for this page and session: what an element's
// event handler sends back when the user fires it. postback is any term
// (package bert), trigger the id of the element that fires it.
func (cx *Context) Pickle(postback bert.Term, trigger string) string {
	if cx.broadcast {
		cx.refused = true // Broadcast refuses to send it
		return ""
	}
	ev := bert.Tuple(bert.Atom("ev"), bert.BinString(cx.path), postback, bert.BinString(trigger), bert.Atom("event"))
	var buf [256]byte
	payload := bert.Append(buf[:0], ev)
	ttl := cx.srv.cfg.PickleTTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	sid := cx.sid
	if sid == "" {
		// No session yet (nothing authenticated the page): seal for one
		// that never exists, so the pickle can never open. The empty sid
		// is reserved for tokens.
		cx.srv.log.Warn("nitro: postback sealed before the page has a session; it will not open", "path", cx.path, "trigger", trigger)
		sid = "\x00none"
	}
	return string(cx.srv.keys.Seal(nil, sid, payload, cx.srv.Now().Add(ttl)))
}

// toTerm converts a message for the bus: a bert.Term as is, any other Go
// value with bert.ToTerm.
func toTerm(msg any) (bert.Term, error) {
	if t, ok := msg.(bert.Term); ok {
		return t, nil
	}
	return bert.ToTerm(msg)
}
