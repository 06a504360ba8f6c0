package nitrotest

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// Timeout is how long a Client waits for a frame before it fails the test.
var Timeout = 5 * time.Second

// Client is a browser's socket, in process: it speaks the real wire
// protocol to a page, remembers its session token and the postbacks the
// page wired, and reads what the server sends.
type Client struct {
	tb     testing.TB
	ws     *websocket.Conn
	frames chan Frame
	done   chan struct{}
	err    error // why the socket closed, once done is closed

	mu      sync.Mutex
	token   string
	pickles map[string]string // element id -> pickle, from the JS received
}

// Frame is one frame the server sent.
type Frame struct {
	Text bool
	Data []byte
	Term bert.Term // the decoded term of a BERT binary frame
	Err  error     // why Data did not decode, for a binary frame
}

// IO is a decoded {io, JS, Data} frame.
type IO struct {
	JS   string
	Data bert.Term
}

// DialOption changes how a Client dials.
type DialOption func(*dialConfig)

type dialConfig struct {
	header http.Header
	token  string
	noRead bool
}

// NoRead dials a client that never reads: a stalled browser. Only its
// sending methods work.
func NoRead() DialOption {
	return func(c *dialConfig) { c.noRead = true }
}

// WithToken dials with a session token, as the browser's X-Auth-Token
// cookie, and sends it with Init.
func WithToken(token string) DialOption {
	return func(c *dialConfig) { c.token = token }
}

// WithHeader adds a request header, such as Origin.
func WithHeader(key, value string) DialOption {
	return func(c *dialConfig) { c.header.Add(key, value) }
}

// Dial opens a socket to the page at path (with its query, if any).
func (s *Server) Dial(path string, opts ...DialOption) *Client {
	s.tb.Helper()
	c, resp, err := s.TryDial(path, opts...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		s.tb.Fatalf("dial %s: %v (HTTP %d)", path, err, status)
	}
	return c
}

// TryDial is Dial that returns the error instead of failing the test.
func (s *Server) TryDial(path string, opts ...DialOption) (*Client, *http.Response, error) {
	cfg := dialConfig{header: http.Header{}}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.token != "" {
		cfg.header.Add("Cookie", "X-Auth-Token="+cfg.token)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(s.URL(path), cfg.header)
	if err != nil {
		return nil, resp, err
	}
	c := &Client{tb: s.tb, ws: ws, frames: make(chan Frame, 4096), done: make(chan struct{}), token: cfg.token, pickles: map[string]string{}}
	if !cfg.noRead {
		go c.readLoop()
	}
	s.tb.Cleanup(func() { c.Close() })
	return c, resp, nil
}

func (c *Client) readLoop() {
	defer close(c.done)
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			c.err = err
			return
		}
		f := Frame{Text: mt == websocket.TextMessage, Data: data}
		if !f.Text && len(data) > 0 {
			f.Term, f.Err = bert.Decode(data)
		}
		c.frames <- f
	}
}

// Token returns the session token the client holds.
func (c *Client) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SendText sends a text frame.
func (c *Client) SendText(s string) {
	c.tb.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.tb.Fatalf("send text: %v", err)
	}
}

// SendBinary sends a binary frame of exactly b.
func (c *Client) SendBinary(b []byte) {
	c.tb.Helper()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		c.tb.Fatalf("send binary: %v", err)
	}
}

// Send sends t as a BERT frame.
func (c *Client) Send(t bert.Term) { c.tb.Helper(); c.SendBinary(bert.Encode(t)) }

// Read returns the next frame, failing the test if none comes in Timeout.
func (c *Client) Read() Frame {
	c.tb.Helper()
	f, err := c.TryRead(Timeout)
	if err != nil {
		c.tb.Fatalf("read: %v", err)
	}
	return f
}

// ErrTimeout reports that no frame came in time.
var ErrTimeout = errors.New("nitrotest: no frame in time")

// TryRead returns the next frame, or ErrTimeout, or the error that closed
// the socket.
func (c *Client) TryRead(timeout time.Duration) (Frame, error) {
	select {
	case f := <-c.frames:
		return f, nil
	default:
	}
	select {
	case f := <-c.frames:
		return f, nil
	case <-c.done:
		select {
		case f := <-c.frames:
			return f, nil
		default:
		}
		return Frame{}, c.err
	case <-time.After(timeout):
		return Frame{}, ErrTimeout
	}
}

// Closed waits for the server to close the socket and returns why, or
// ErrTimeout.
func (c *Client) Closed(timeout time.Duration) error {
	select {
	case <-c.done:
		return c.err
	case <-time.After(timeout):
		return ErrTimeout
	}
}

// ReadIO reads the next frame and decodes it as {io, JS, Data}; it fails
// the test on anything else. It remembers the postbacks the JS wires.
func (c *Client) ReadIO() IO {
	c.tb.Helper()
	f := c.Read()
	io, ok := c.AsIO(f)
	if !ok {
		c.tb.Fatalf("want an io frame, got %s", f)
	}
	return io
}

// AsIO decodes f as {io, JS, Data}, remembering the postbacks the JS wires.
func (c *Client) AsIO(f Frame) (IO, bool) {
	if f.Text || f.Err != nil || !f.Term.Is("io", 3) {
		return IO{}, false
	}
	io := IO{JS: string(f.Term.At(1).Bytes()), Data: f.Term.At(2)}
	c.scrape(io)
	return io, true
}

func (f Frame) String() string {
	switch {
	case f.Text:
		return "text " + strconvQuote(string(f.Data))
	case len(f.Data) == 0:
		return "NOP (empty binary)"
	case f.Err != nil:
		return "undecodable binary: " + f.Err.Error()
	}
	return "binary " + f.Term.String()
}

func strconvQuote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

// pickleJS finds the postbacks in generated JS, as N2O's client sends them:
// tuple(atom('pickle'),bin('ID'),bin('PICKLE'),... with the id and pickle
// in single quotes (N2O) or double quotes (package actions).
var pickleJS = regexp.MustCompile(`atom\('pickle'\),bin\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\),bin\(['"]([A-Za-z0-9_-]+)['"]\)`)

func (c *Client) scrape(io IO) {
	if d := io.Data; d.Kind() == bert.KindTuple && d.Len() == 2 && (d.At(0).IsAtom("Token") || d.At(0).IsAtom("Auth")) {
		c.mu.Lock()
		c.token = d.At(1).Text()
		c.mu.Unlock()
	}
	for _, m := range pickleJS.FindAllStringSubmatch(io.JS, -1) {
		c.mu.Lock()
		c.pickles[unquoteJS(m[1])] = m[2]
		c.mu.Unlock()
	}
}

// unquoteJS reads a quoted id: a double-quoted one is JSON (actions.Quote
// writes \u escapes), a single-quoted one has backslash escapes.
func unquoteJS(q string) string {
	if q[0] == '"' {
		var s string
		if json.Unmarshal([]byte(q), &s) == nil {
			return s
		}
	}
	return unescapeJS(q[1 : len(q)-1])
}

func unescapeJS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Init sends the init text frame ("N2O," and the token held) and returns
// the page's init reply; the client keeps the token it carries.
func (c *Client) Init() IO {
	c.tb.Helper()
	c.SendText("N2O," + c.Token())
	return c.NextIO()
}

// NextIO reads frames until an io frame, skipping PONGs.
func (c *Client) NextIO() IO {
	c.tb.Helper()
	for {
		f := c.Read()
		if f.Text && string(f.Data) == "PONG" {
			continue
		}
		io, ok := c.AsIO(f)
		if !ok {
			c.tb.Fatalf("want an io frame, got %s", f)
		}
		return io
	}
}

// Pickle returns the pickle of the postback wired on element id, from the
// JavaScript received so far.
func (c *Client) Pickle(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pickles[id]
	return p, ok
}

// Postback sends the postback frame {pickle, Id, Pickle, Linked}, Linked
// holding the detail entry and then sources, each a {Key, Value} tuple.
func (c *Client) Postback(id, pickle string, sources ...bert.Term) {
	c.tb.Helper()
	linked := append([]bert.Term{bert.Tuple(bert.Tuple(bert.BinString(id), bert.BinString("detail")), bert.Nil())}, sources...)
	c.Send(bert.Tuple(bert.Atom("pickle"), bert.BinString(id), bert.BinString(pickle), bert.List(linked...)))
}

// Click fires the postback wired on element id, as the browser would, and
// returns the reply. sources are {Key, Value} tuples; Source builds one.
func (c *Client) Click(id string, sources ...bert.Term) IO {
	c.tb.Helper()
	p, ok := c.Pickle(id)
	if !ok {
		c.tb.Fatalf("no postback wired on #%s", id)
	}
	c.Postback(id, p, sources...)
	return c.NextIO()
}

// Source is a source field's value as the browser sends it: {key, <<value>>},
// the key an atom.
func Source(key, value string) bert.Term {
	return bert.Tuple(bert.Atom(key), bert.BinString(value))
}

// Direct sends {direct, t} and returns the reply.
func (c *Client) Direct(t bert.Term) IO {
	c.tb.Helper()
	c.Send(bert.Tuple(bert.Atom("direct"), t))
	return c.NextIO()
}

// Message sends {client, t} and returns the reply.
func (c *Client) Message(t bert.Term) IO {
	c.tb.Helper()
	c.Send(bert.Tuple(bert.Atom("client"), t))
	return c.NextIO()
}

// Ping sends PING and waits for PONG.
func (c *Client) Ping() {
	c.tb.Helper()
	c.SendText("PING")
	if f := c.Read(); !f.Text || string(f.Data) != "PONG" {
		c.tb.Fatalf("PING: want text PONG, got %s", f)
	}
}

// Close closes the socket.
func (c *Client) Close() {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.ws.Close()
}

// Conn returns the client's socket, for tests of misbehaving clients.
func (c *Client) Conn() *websocket.Conn { return c.ws }
