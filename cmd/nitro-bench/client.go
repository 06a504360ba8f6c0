package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// browser is what the tool's clients share: the HTTP client of first
// paints and the WebSocket dialer, both dialing through one sourceDialer.
type browser struct {
	http    *http.Client
	ws      websocket.Dialer
	timeout time.Duration // the longest wait for any one reply
}

func newBrowser(timeout time.Duration) *browser {
	d := newSourceDialer()
	return &browser{
		http: &http.Client{
			Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: setupParallel, IdleConnTimeout: 30 * time.Second},
			Timeout:   timeout,
			// A redirect is the page's answer (to the login page, say), not
			// a page to follow: the caller checks the status.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ws:      websocket.Dialer{NetDialContext: d.DialContext, HandshakeTimeout: timeout, ReadBufferSize: 1024, WriteBufferSize: 1024},
		timeout: timeout,
	}
}

// paint GETs the page at u as a browser's first paint does, in the session
// of token, and returns the token in force (the X-Auth-Token cookie the
// server sets, or the same one).
func (b *browser) paint(u *url.URL, token string) (string, error) {
	req, err := http.NewRequest("GET", u.String(), nil)
	if err != nil {
		return "", err
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "X-Auth-Token", Value: token})
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s %s", u.RequestURI(), resp.Status, resp.Header.Get("Location"))
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "X-Auth-Token" {
			token = ck.Value
		}
	}
	return token, nil
}

// open opens the socket of the page at u in the session of token, as the
// page's script does after the first paint: the token goes as the cookie
// on the handshake, and again in the init frame.
func (b *browser) open(u *url.URL, token string) (*client, error) {
	h := http.Header{}
	if token != "" {
		h.Set("Cookie", "X-Auth-Token="+token)
	}
	ws, resp, err := b.ws.Dial(wsURL(u), h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("%s: %w (%s)", wsURL(u), err, resp.Status)
		}
		return nil, err
	}
	return &client{ws: ws, token: token, timeout: b.timeout, wired: map[string]wired{}}, nil
}

// client is one browser's socket, as the bench drives it. One goroutine
// at a time reads it, and one writes it.
type client struct {
	ws      *websocket.Conn
	token   string           // the session token in force
	wired   map[string]wired // the postbacks the page wired, by element id
	trigger string           // the element whose postback the client fires
	timeout time.Duration
}

// wired is a postback as the page's JavaScript sends it: its pickle and
// the ids of the fields whose values go with it.
type wired struct {
	pickle  string
	sources []string
}

// The postbacks a page wires, as N2O's client sends them (docs/protocol.md):
//
//	ws.send(enc(tuple(atom('pickle'),bin(ID),bin(PICKLE),[tuple(tuple(bin(ID),bin('detail')),[]),tuple(atom(SRC),querySource(SRC)),...])));
//
// with strings in double quotes (package actions, JSON escapes) or single
// quotes (N2O's Erlang, backslash escapes).
const jsString = `("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`

var (
	postbackRE = regexp.MustCompile(`atom\('pickle'\),bin\(` + jsString + `\),bin\(` + jsString + `\),\[(.*?)\]\)\)\)`)
	sourceRE   = regexp.MustCompile(`atom\(` + jsString + `\),querySource\(`)
	redirectRE = regexp.MustCompile(`location\.(?:assign|replace)\(` + jsString + `\)|location\.href=` + jsString)
)

// scrape keeps the postbacks wired in js.
func (c *client) scrape(js []byte) {
	if !bytes.Contains(js, []byte("pickle")) {
		return
	}
	for _, m := range postbackRE.FindAllSubmatch(js, -1) {
		w := wired{pickle: unquoteJS(string(m[2]))}
		for _, s := range sourceRE.FindAllSubmatch(m[3], -1) {
			w.sources = append(w.sources, unquoteJS(string(s[1])))
		}
		c.wired[unquoteJS(string(m[1]))] = w
	}
}

// unquoteJS reads a quoted JavaScript string: a double-quoted one is JSON
// (actions.Quote writes \u escapes), a single-quoted one has backslash
// escapes.
func unquoteJS(q string) string {
	if q[0] == '"' {
		var s string
		if json.Unmarshal([]byte(q), &s) == nil {
			return s
		}
	}
	q = q[1 : len(q)-1]
	if !strings.Contains(q, `\`) {
		return q
	}
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '\\' && i+1 < len(q) {
			i++
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// redirect returns where js sends the browser, "" if nowhere.
func redirect(js []byte) string {
	m := redirectRE.FindSubmatch(js)
	switch {
	case m == nil:
		return ""
	case len(m[1]) > 0:
		return unquoteJS(string(m[1]))
	}
	return unquoteJS(string(m[2]))
}

// init sends N2O's init frame and reads the page's init reply, keeping
// the token and the postbacks it carries. It returns the reply's JS.
func (c *client) init() ([]byte, error) {
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte("N2O,"+c.token)); err != nil {
		return nil, err
	}
	c.ws.SetReadDeadline(time.Now().Add(c.timeout))
	defer c.ws.SetReadDeadline(time.Time{})
	for {
		// Pushes may come first; the reply is the io that carries the
		// token.
		js, data, err := c.readIO()
		if err != nil {
			return nil, fmt.Errorf("init: %w", err)
		}
		if data.Is("Token", 2) || data.Is("Auth", 2) {
			c.token = data.At(1).Text()
			return js, nil
		}
	}
}

// choose picks the postback the client fires: trigger's, or the first
// that js wires when trigger is "".
func (c *client) choose(trigger string, js []byte) error {
	if trigger == "" {
		m := postbackRE.FindSubmatch(js)
		if m == nil {
			return fmt.Errorf("the page wires no postback")
		}
		trigger = unquoteJS(string(m[1]))
	}
	if _, ok := c.wired[trigger]; !ok {
		return fmt.Errorf("the page wires no postback on #%s", trigger)
	}
	c.trigger = trigger
	return nil
}

// visit opens the page at u as a browser does and inits it: the first
// paint (when paint), the socket, N2O's init. trigger chooses the
// postback the client fires (see choose); "-" chooses none.
func (b *browser) visit(u *url.URL, paint bool, trigger string) (*client, error) {
	var token string
	if paint {
		var err error
		if token, err = b.paint(u, ""); err != nil {
			return nil, err
		}
	}
	c, err := b.open(u, token)
	if err != nil {
		return nil, err
	}
	js, err := c.init()
	if err == nil && trigger != "-" {
		err = c.choose(trigger, js)
	}
	if err != nil {
		c.ws.Close()
		return nil, err
	}
	return c, nil
}

// readIO reads frames until an io frame, and returns its JS and data.
func (c *client) readIO() ([]byte, bert.Term, error) {
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return nil, bert.Term{}, err
		}
		if mt != websocket.BinaryMessage || len(data) == 0 {
			continue
		}
		t, err := bert.Decode(data)
		if err != nil {
			return nil, bert.Term{}, err
		}
		if t.Is("io", 3) {
			js := t.At(1).Bytes()
			c.scrape(js)
			if d := t.At(2); d.Is("Token", 2) || d.Is("Auth", 2) {
				c.token = d.At(1).Text() // kept, as the browser's client keeps it
			}
			return js, t.At(2), nil
		}
	}
}

// postback is the frame the page's script sends when the element is
// clicked: its pickle, and each of its sources with the value given
// (values[""] for a source not in values).
func (c *client) postback(trigger string, values map[string]string) ([]byte, error) {
	w, ok := c.wired[trigger]
	if !ok {
		return nil, fmt.Errorf("the page wires no postback on #%s", trigger)
	}
	linked := make([]bert.Term, 0, 1+len(w.sources))
	linked = append(linked, bert.Tuple(bert.Tuple(bert.BinString(trigger), bert.BinString("detail")), bert.Nil()))
	for _, s := range w.sources {
		v, ok := values[s]
		if !ok {
			v = values[""]
		}
		linked = append(linked, bert.Tuple(bert.Atom(s), bert.BinString(v)))
	}
	return bert.Encode(bert.Tuple(bert.Atom("pickle"), bert.BinString(trigger), bert.BinString(w.pickle), bert.List(linked...))), nil
}

// say is the postback of the client's trigger with text in its sources:
// the message box of a chat.
func (c *client) say(text string) ([]byte, error) {
	return c.postback(c.trigger, map[string]string{"": text})
}

// await reads frames until one carries tag, for at most the timeout.
func (c *client) await(tag []byte) error {
	c.ws.SetReadDeadline(time.Now().Add(c.timeout))
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return err
		}
		if bytes.Contains(data, tag) {
			return nil
		}
	}
}

// drain reads the socket until it closes, as an open page does: the
// server's pings are answered, pushes are read and dropped.
func (c *client) drain() {
	c.ws.SetReadDeadline(time.Time{})
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			return
		}
	}
}

// close says goodbye as a browser closing the tab does, then hangs up.
func (c *client) close() {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
	c.ws.Close()
}
