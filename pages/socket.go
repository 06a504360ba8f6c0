package pages

import (
	"net/http"

	"github.com/nitrogo/framework/nitro/ws"
)

// The socket's transport, kept to this file so that it can be swapped in
// one place: nothing else in pages knows how a socket is served.

// serveSocket serves lp's socket on the upgrade request r. The page's
// path (Context.Path, and what its pickles are sealed for) is r.URL.Path
// less a leading "/ws", so that a page's socket at /ws+path and its first
// paint at path seal for the same page.
func (a *App) serveSocket(w http.ResponseWriter, r *http.Request, lp livePage) {
	a.sockets().Serve(w, r, lp)
}

// sockets is the App's socket endpoint, made on first use.
func (a *App) sockets() *ws.Endpoint {
	a.socketsOnce.Do(func() {
		if a.Sockets == nil {
			a.Sockets = ws.New(a.Server, ws.Config{})
		}
	})
	return a.Sockets
}

// allowedHost answers 403 to a request for a host the server does not
// answer to, as the sockets do (ws.Config.Hosts): a page of another name
// that resolves here (DNS rebinding) reads nothing.
func (a *App) allowedHost(w http.ResponseWriter, r *http.Request) bool {
	if a.sockets().AllowedHost(r) {
		return true
	}
	http.Error(w, "pages: this server does not answer to the host "+r.Host+": add it to ws.Config.Hosts", http.StatusForbidden)
	return false
}

// isUpgrade reports whether r asks for the page's socket rather than its
// first paint.
func isUpgrade(r *http.Request) bool { return ws.IsUpgrade(r) }
