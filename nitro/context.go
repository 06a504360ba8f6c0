package nitro

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// Context is the state of one live page: one connection (N2O's #cx),
// whatever transport carries it. The connection's protocol chain and the page's Event get it with
// every message. It is a context.Context that is done when the connection
// closes, so it can be passed to anything that takes one (a templ
// component's Render, a database call), and FromContext finds it again.
//
// A Context is used by one goroutine at a time: the connection runs its
// messages one after another. Keep it out of other goroutines; send them
// a message instead (Server.Publish, Supervisor.Send).
type Context struct {
	context.Context
	srv  *Server
	conn *Conn         // nil outside a connection (first paint over HTTP)
	req  *http.Request // the first paint's request; nil in a connection

	sid, token string
	path       string
	rawQuery   string
	query      url.Values // rawQuery parsed, on first use
	page       Page
	formatter  Formatter

	linked bert.Term // the current postback's source values
	js     []byte    // the JavaScript queued for the reply (N2O's actions)
	jsBuf  *[]byte   // the pooled buffer js was taken from, if any
	result bert.Term // the result of a direct or client message

	ioTuple [3]bert.Term // the elements of the reply being built
	ids     uint32       // the last id NewID gave
	values  []keyed      // what packages keep on the Context (Key)

	opened openedPickle // the last pickle opened (openPickle)

	broadcast bool // rendering for Broadcast: no session, no postbacks
	refused   bool // a postback was asked for on a broadcast's Context
}

// openedPickle is a pickle that opened, with what it held.
type openedPickle struct {
	pickle []byte
	sid    string
	expiry int64 // Unix seconds
	ev     bert.Term
}

type ctxKey struct{}

// FromContext returns the page Context that ctx is or carries.
func FromContext(ctx context.Context) (*Context, bool) {
	cx, ok := ctx.Value(ctxKey{}).(*Context)
	return cx, ok
}

// Value returns the Context itself for FromContext, and otherwise asks the
// context it wraps.
func (cx *Context) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return cx
	}
	return cx.Context.Value(key)
}

// NewContext returns a Context for work done outside a connection, such as
// the first paint of a page over HTTP: it can seal pickles and read the
// session, and collects JavaScript that the caller sends on (in the page's
// HTML). path is the page's path; the query and the peer are r's.
func (s *Server) NewContext(r *http.Request, sid, path string, page Page) *Context {
	return &Context{Context: r.Context(), srv: s, req: r, sid: sid, path: path, rawQuery: r.URL.RawQuery, page: page, formatter: BERT}
}

// Live reports whether the Context is a connection's: JavaScript queued
// on it reaches the browser. A first paint's Context is not live: what
// its rendering would wire is wired again when the socket connects, so
// renderers may skip it.
func (cx *Context) Live() bool { return cx.conn != nil || cx.broadcast }

// Server returns the server the page runs in.
func (cx *Context) Server() *Server { return cx.srv }

// SessionID returns the session's id ("" before the session is known).
func (cx *Context) SessionID() string { return cx.sid }

// Token returns the session token in force: what the browser holds.
func (cx *Context) Token() string { return cx.token }

// Peer returns the address and request headers of the page's browser or
// client (N2O's wf:peer), on every transport.
func (cx *Context) Peer() Peer {
	switch {
	case cx.conn != nil:
		return cx.conn.t.Peer()
	case cx.req != nil:
		return Peer{Addr: cx.req.RemoteAddr, Header: cx.req.Header}
	}
	return Peer{}
}

// Path returns the page's path, without the /ws prefix of the socket.
func (cx *Context) Path() string { return cx.path }

// Query returns the page's query parameters.
//
// It is parsed once per Context and shared: treat it as read-only.
func (cx *Context) Query() url.Values {
	if cx.query == nil {
		cx.query, _ = url.ParseQuery(cx.rawQuery)
	}
	return cx.query
}

// Page returns the page the connection serves.
func (cx *Context) Page() Page { return cx.page }

// Logger returns the page's logger, with the session and path attached.
func (cx *Context) Logger() *slog.Logger {
	return cx.srv.log.With("sid", cx.sid, "path", cx.path)
}

// Formatter returns the formatter of the connection's replies.
func (cx *Context) Formatter() Formatter { return cx.formatter }

// SetFormatter switches the connection's formatter: the reply being
// built is written in it, and the peer's next messages are read in it
// when it is a Parser (package nitro/format's Switch answers a client's
// {format, Name} in the old one first).
func (cx *Context) SetFormatter(f Formatter) {
	if f != nil {
		cx.formatter = f
	}
}

// Q returns the value of the postback's source field key (N2O's
// nitro:q/1), or [] if the postback carried none. Sources are keyed by
// atoms (or binaries) in the postback; key matches either.
func (cx *Context) Q(key string) bert.Term {
	if v, ok := cx.linked.Get(bert.Atom(key)); ok {
		return v
	}
	v, _ := cx.linked.Get(bert.BinString(key))
	return v
}

// QText returns the source field key as text: a text input's value, a
// checkbox's "true" or "false".
func (cx *Context) QText(key string) string { return cx.Q(key).Text() }

// QDate returns a date input's value, sent by the browser as
// {Year, Month, Day}.
func (cx *Context) QDate(key string) (time.Time, bool) {
	v := cx.Q(key)
	if v.Kind() != bert.KindTuple || v.Len() != 3 {
		return time.Time{}, false
	}
	y, ok1 := v.At(0).Int()
	m, ok2 := v.At(1).Int()
	d, ok3 := v.At(2).Int()
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	return time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC), true
}

// Linked returns all the postback's source values: a list of {Key, Value}.
func (cx *Context) Linked() bert.Term { return cx.linked }

// Wire queues JavaScript for the reply to the current message. Actions
// (package actions) are built on it.
func (cx *Context) Wire(js string) { cx.js = append(cx.js, js...) }

// WireBytes queues JavaScript for the reply, as Wire.
func (cx *Context) WireBytes(js []byte) { cx.js = append(cx.js, js...) }

// AppendJS lets a caller write JavaScript straight into the reply's
// buffer: fn gets the buffer and returns it extended.
func (cx *Context) AppendJS(fn func([]byte) []byte) { cx.js = fn(cx.js) }

// TakeJS returns the JavaScript queued so far and empties the queue: for
// renderers that put it somewhere else, such as a first paint's <script>.
// The caller owns the bytes.
func (cx *Context) TakeJS() []byte {
	js := cx.js
	cx.js = nil
	cx.jsBuf = nil
	return js
}

// releaseJS gives the JavaScript buffer back to the pool once the reply is
// written, so an idle connection holds none.
func (cx *Context) releaseJS() {
	if cx.jsBuf != nil {
		*cx.jsBuf = cx.js[:0]
		if cap(cx.js) <= 64<<10 {
			bufPool.Put(cx.jsBuf)
		}
		cx.jsBuf = nil
	}
	cx.js = nil
}

// Capture runs fn with an empty JavaScript queue and returns what fn
// queued, leaving the queue as it was. Actions that render elements use it
// (NITRO's semantics): the JavaScript that rendering wires, such as
// postbacks, must run after the HTML it wires is in the page.
func (cx *Context) Capture(fn func()) []byte {
	saved, savedBuf := cx.js, cx.jsBuf
	cx.js, cx.jsBuf = nil, nil
	fn()
	got := cx.js
	cx.js, cx.jsBuf = saved, savedBuf
	return got
}

// NewID returns an element id unique within the page's Context
// ("nitro-1", "nitro-2", ...), for elements that need one and were given
// none.
func (cx *Context) NewID() string {
	if cx.broadcast {
		return cx.srv.broadcastID()
	}
	cx.ids++
	return "nitro-" + strconv.FormatUint(uint64(cx.ids), 10)
}

// SetResult sets the result returned to the browser for a direct or client
// message (N2O: what event/1 returned).
func (cx *Context) SetResult(t bert.Term) { cx.result = t }

// Session returns a value of the page's session (N2O's n2o:session/1).
func (cx *Context) Session(key string) (any, bool) {
	if cx.sid == "" {
		return nil, false
	}
	return cx.srv.sessions.Get(cx.sid, key)
}

// SetSession sets a value of the page's session; nil deletes it.
func (cx *Context) SetSession(key string, value any) {
	if cx.sid != "" {
		cx.srv.sessions.Set(cx.sid, key, value)
	}
}

// userKey is where a session keeps its user, as N2O's n2o:user/1 does.
const userKey = "user"

// User returns who the session belongs to (N2O's n2o:user/0): what
// SetUser set, or "" for a guest.
func (cx *Context) User() string {
	u, _ := cx.Session(userKey)
	s, _ := u.(string)
	return s
}

// SetUser records who the session belongs to, after RotateSession at
// login. A connection whose session has a user may send larger messages
// (Config.TermMemory, against GuestTermMemory for a guest).
func (cx *Context) SetUser(name string) {
	if name == "" {
		cx.SetSession(userKey, nil)
	} else {
		cx.SetSession(userKey, name)
	}
	if cx.conn != nil {
		cx.conn.trust(name != "" && cx.sid != "")
	}
}

// RotateSession ends the page's session and starts a new one, with a new
// id and token, and drops the old one's values, its user too. On a
// connection the client gets the new token at once (an {io, JS,
// {'Token', T}} ahead of the reply, with the JavaScript of
// Server.OnRotate), and the page's pickles of before no longer open.
//
// It is the rule for login and logout. At login, call it before putting
// the user in the session: a token known before (one an attacker planted
// in the browser: session fixation) then never acts as the user. At
// logout, call it instead of ClearSession: the token and the pickles of
// before act as nobody, not as the next user of that browser.
func (cx *Context) RotateSession() {
	if cx.sid != "" {
		cx.srv.sessions.Clear(cx.sid)
	}
	cx.sid = NewSID()
	cx.token = cx.srv.tokens.Issue(cx.sid)
	if cx.conn != nil {
		cx.conn.trust(false)
		cx.Flush() // what the page queued before goes out first
		if fn := cx.srv.onRotate.Load(); fn != nil {
			(*fn)(cx)
		}
		cx.conn.reply(cx.IO(bert.Tuple(atomToken, bert.BinString(cx.token))))
		cx.js = cx.js[:0]
	}
}

// ClearSession drops every value of the session, keeping its id: use
// RotateSession for a logout.
func (cx *Context) ClearSession() {
	if cx.sid != "" {
		cx.srv.sessions.Clear(cx.sid)
	}
	if cx.conn != nil {
		cx.conn.trust(false)
	}
}

// Subscribe joins the connection to topic: what is published there reaches
// the page's Event as a Push (N2O's n2o:reg/1). Joining twice is joining
// once. It does nothing outside a connection.
func (cx *Context) Subscribe(topic string) error {
	if cx.conn == nil {
		return nil
	}
	return cx.conn.subscribe(topic)
}

// Unsubscribe takes the connection off topic (N2O's n2o:unreg/1).
func (cx *Context) Unsubscribe(topic string) error {
	if cx.conn == nil {
		return nil
	}
	return cx.conn.unsubscribe(topic)
}

// Publish sends msg to every connection subscribed to topic, this one
// included (N2O's n2o:send/2). msg is a bert.Term, or a Go value that
// bert.ToTerm converts. It never waits for a subscriber.
func (cx *Context) Publish(topic string, msg any) error {
	return cx.srv.Publish(topic, msg)
}

// OnClose registers fn to run when the connection closes, before the
// page's Exit: a service's cleanup (nitro/proc stops the page's
// processes). It returns ErrClosed outside a connection or once it closed.
func (cx *Context) OnClose(fn func()) error {
	if cx.conn == nil {
		return ErrClosed
	}
	return cx.conn.addOnClose(fn)
}

// Self returns a Subscriber that feeds the connection: what is delivered to
// it reaches the page's Event as a Push, as a publication does. Processes
// use it to report back to their page. It is nil outside a connection.
func (cx *Context) Self() Subscriber {
	if cx.conn == nil {
		return nil
	}
	return cx.conn
}
