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
	a.socketsOnce.Do(func() {
		if a.Sockets == nil {
			a.Sockets = ws.New(a.Server, ws.Config{})
		}
	})
	a.Sockets.Serve(w, r, lp)
}

// isUpgrade reports whether r asks for the page's socket rather than its
// first paint.
func isUpgrade(r *http.Request) bool { return ws.IsUpgrade(r) }
