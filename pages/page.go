package pages

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
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

// App serves pages: their first paint over HTTP and their sockets, on a
// chi router, with the browser client's script.
type App struct {
	// Server runs the pages' sockets and holds their sessions.
	Server *nitro.Server
	// Layout wraps a page's body in a whole HTML document. Nil means
	// Document, which loads the client and holds the page in #nitro-root.
	Layout func(title string, head, body templ.Component) templ.Component

	mu      sync.Mutex
	statics map[chi.Router]bool
}

// New returns an App serving pages on srv.
func New(srv *nitro.Server) *App { return &App{Server: srv} }

// Mount serves p at path on r: GET path paints it, and GET /ws+path is its
// socket (as N2O's client dials it; an upgrade request to path itself is
// served the socket too). Middleware on r applies to both. Mount also serves the browser
// client's script on r, once.
func (a *App) Mount(r chi.Router, path string, p Page) {
	a.mountStatic(r)
	lp := livePage{app: a, page: p}
	r.Get(path, func(w http.ResponseWriter, req *http.Request) {
		if websocket.IsWebSocketUpgrade(req) { // a client that dials the page's own path
			a.Server.ServeWS(w, req, lp)
			return
		}
		a.paint(w, req, path, lp)
	})
	r.Get("/ws"+path, func(w http.ResponseWriter, req *http.Request) { a.Server.ServeWS(w, req, lp) })
}

func (a *App) mountStatic(r chi.Router) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.statics == nil {
		a.statics = map[chi.Router]bool{}
	}
	if !a.statics[r] {
		a.statics[r] = true
		r.Handle(static.Path(), static.Handler())
	}
}

func (a *App) layout(title string, head, body templ.Component) templ.Component {
	if a.Layout != nil {
		return a.Layout(title, head, body)
	}
	return Document(title, head, body)
}

// Redirect is what Main returns to send the browser elsewhere: a 303 for a
// first paint, a change of location for a connected page.
func Redirect(url string) templ.Component { return redirect(url) }

type redirect string

func (redirect) Render(ctx context.Context, w io.Writer) error { return nil }
