package nitrotest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ws"
)

// Server is a nitro Server on an httptest.Server: each page is served at
// "/ws" + its path, as a browser's client dials it.
type Server struct {
	*nitro.Server
	HTTP *httptest.Server
	tb   testing.TB
}

// Option changes the server NewServer starts.
type Option func(*ws.Config)

// WithWS configures the WebSocket endpoint (origins, limits, timeouts).
func WithWS(cfg ws.Config) Option { return func(c *ws.Config) { *c = cfg } }

// NewServer starts a Server for pages (keyed by path, such as "/chat"),
// on a WebSocket endpoint (nitro/ws). Without cfg.Keys it makes a fresh
// key ring. It closes when the test ends.
func NewServer(tb testing.TB, cfg nitro.Config, pages map[string]nitro.Page, opts ...Option) *Server {
	tb.Helper()
	if cfg.Keys == nil {
		cfg.Keys = NewKeyRing(tb)
	}
	srv, err := nitro.New(cfg)
	if err != nil {
		tb.Fatalf("nitro.New: %v", err)
	}
	var wcfg ws.Config
	for _, o := range opts {
		o(&wcfg)
	}
	sockets := ws.New(srv, wcfg)
	mux := http.NewServeMux()
	for path, page := range pages {
		mux.Handle("/ws"+path, sockets.Handler(page))
	}
	s := &Server{Server: srv, HTTP: httptest.NewServer(mux), tb: tb}
	tb.Cleanup(s.Close)
	return s
}

// Serve starts an httptest server for h, a handler that serves srv's
// sockets (a router with pages mounted, say), and closes both when the
// test ends. Dial then reaches h's routes.
func Serve(tb testing.TB, srv *nitro.Server, h http.Handler) *Server {
	tb.Helper()
	s := &Server{Server: srv, HTTP: httptest.NewServer(h), tb: tb}
	tb.Cleanup(s.Close)
	return s
}

// Close closes the pages' connections, then the HTTP server.
func (s *Server) Close() {
	s.Server.Close()
	s.HTTP.Close()
}

// URL returns the socket URL of the page at path (which may carry a query).
func (s *Server) URL(path string) string {
	return "ws" + strings.TrimPrefix(s.HTTP.URL, "http") + "/ws" + path
}

// NewKeyRing returns a key ring with one fresh key.
func NewKeyRing(tb testing.TB) *nitro.KeyRing {
	tb.Helper()
	k, err := nitro.GenerateKey(1)
	if err != nil {
		tb.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(k)
	if err != nil {
		tb.Fatal(err)
	}
	return ring
}

// Recorder is a page that records the events it gets, for tests that look
// at what a page was told. Wrap a page with Record.
type Recorder struct {
	nitro.Page
	mu     sync.Mutex
	events []any
	notify chan struct{}
}

// Record wraps page so its events are recorded.
func Record(page nitro.Page) *Recorder {
	return &Recorder{Page: page, notify: make(chan struct{}, 1)}
}

// Event records ev, then passes it to the wrapped page.
func (r *Recorder) Event(cx *nitro.Context, ev any) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	if r.Page != nil {
		r.Page.Event(cx, ev)
	}
}

// Events returns the events recorded so far.
func (r *Recorder) Events() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.events...)
}
