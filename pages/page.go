package pages

import (
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ws"
	"github.com/nitrogo/framework/static"
)

// Page is a page module, as in N2O: Main renders the page, Event handles
// what happens on it. Main runs for the first paint over HTTP and again
// on every connect and reconnect of the page's socket, so that what the
// browser shows is always what Main renders now; Event gets the socket's
// events (nitro.Init after each render, nitro.Postback, nitro.Push, ...).
type Page interface {
	Main(cx *nitro.Context) templ.Component
	Event(cx *nitro.Context, ev any)
}

// Titled is a Page with a title for its <title>.
type Titled interface {
	Title(cx *nitro.Context) string
}

// Headed is a Page with more for its <head> (stylesheets, meta tags).
type Headed interface {
	Head(cx *nitro.Context) templ.Component
}

// Funcs adapts two functions to Page. A nil Event ignores events.
type Funcs struct {
	MainFunc  func(cx *nitro.Context) templ.Component
	EventFunc func(cx *nitro.Context, ev any)
}

// Main calls MainFunc.
func (f Funcs) Main(cx *nitro.Context) templ.Component { return f.MainFunc(cx) }

// Event calls EventFunc, if any.
func (f Funcs) Event(cx *nitro.Context, ev any) {
	if f.EventFunc != nil {
		f.EventFunc(cx, ev)
	}
}

var _ Page = Funcs{}

// App serves pages: their first paint over HTTP and their sockets, with
// the browser client's script, on any net/http router (Handler, Static)
// or, most conveniently, on a chi router (Mount).
type App struct {
	// Server runs the pages' sockets and holds their sessions.
	Server *nitro.Server
	// Layout wraps a page's body in a whole HTML document. Nil means
	// Document, which loads the client and holds the page in #nitro-root.
	Layout func(title string, head, body templ.Component) templ.Component
	// Sockets serves the pages' sockets. Nil means a WebSocket endpoint
	// (nitro/ws) with its default configuration, made on first use.
	Sockets *ws.Endpoint
	// CSP makes the Content-Security-Policy of a first paint from its
	// nonce (see Content Security Policy in the package doc). Nil means
	// DefaultCSP; a func that returns "" sends none.
	CSP func(nonce string) string

	socketsOnce sync.Once
	rotateOnce  sync.Once
	mu          sync.Mutex
	statics     map[chi.Router]bool
}

// New returns an App serving pages on srv.
func New(srv *nitro.Server) *App { return &App{Server: srv} }

// Handler serves p on any router: a WebSocket upgrade request opens the
// page's socket, a GET or HEAD paints it, a POST with the SessionHeader
// stores a rotated session as the HttpOnly cookie (the client does after
// Context.RotateSession), anything else is refused (405).
// One handler serves both because the browser client dials the socket at
// "/ws" and the page's path (as N2O's does), so the page is mounted twice:
//
//	h := app.Handler(p)
//	mux.Handle("/x", h)
//	mux.Handle("/ws/x", h)
//
// The page's path (Context.Path, and what its pickles are sealed for) is
// the request's URL path, less a leading "/ws" for a socket, so both
// routes serve the same page. The client's script is served apart, by
// Static.
func (a *App) Handler(p Page) http.Handler {
	lp := livePage{app: a, page: p}
	a.rotateOnce.Do(func() { a.Server.OnRotate(onRotate) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isUpgrade(r) {
			a.serveSocket(w, r, lp)
			return
		}
		if !a.allowedHost(w, r) {
			return
		}
		if r.Method == http.MethodPost && r.Header.Get(SessionHeader) != "" {
			a.storeSession(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "pages: a page answers GET", http.StatusMethodNotAllowed)
			return
		}
		a.paint(w, r, r.URL.Path, lp)
	})
}

// Static returns where the browser client's script is served and its
// handler, for a router other than chi: mux.Handle(app.Static()). Every
// page's document loads the script from path.
func (a *App) Static() (path string, h http.Handler) { return static.Path(), static.Handler() }

// Mount serves p at path on r with Handler: GET path paints it, and GET
// /ws+path is its socket (an upgrade request to path itself is served the
// socket too); a POST to path stores a rotated session. Middleware on r
// applies to all. Mount also serves the browser client's script on r,
// once however many pages it mounts.
func (a *App) Mount(r chi.Router, path string, p Page) {
	a.mountStatic(r)
	h := a.Handler(p)
	r.Method(http.MethodGet, path, h)
	r.Method(http.MethodHead, path, h) // a HEAD is a GET without the body, as Handler serves it
	r.Method(http.MethodPost, path, h)
	r.Method(http.MethodGet, "/ws"+path, h)
}

func (a *App) mountStatic(r chi.Router) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.statics == nil {
		a.statics = map[chi.Router]bool{}
	}
	if !a.statics[r] {
		a.statics[r] = true
		r.Handle(a.Static())
	}
}

func (a *App) layout(title string, head, body templ.Component) templ.Component {
	if a.Layout != nil {
		return a.Layout(title, head, body)
	}
	return Document(title, head, body)
}
