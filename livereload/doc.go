// Package livereload makes the browser follow a server under development:
// it reloads every open tab after a rebuild, swaps stylesheets in place
// after a CSS-only change, and shows a build error as an overlay until the
// next good build clears it.
//
// It is the browser-facing half of a development tool and knows nothing
// of the server it serves: any net/http server, or a proxy in front of
// one, can use it. It uses the standard library only.
//
// # Use
//
// Mount the Hub, inject its script into HTML responses, and tell it what
// happened:
//
//	hub := livereload.New()
//	mux := http.NewServeMux()
//	mux.Handle(hub.Path(), hub)      // the event stream
//	mux.Handle(hub.Path()+".js", hub) // the script
//	mux.Handle("/", livereload.Inject(app, hub.ScriptTag()))
//	// ... after a rebuild:
//	hub.Reload()
//
// A page whose Content-Security-Policy allows scripts by nonce runs no
// script without it: Inject gives the tag the response's nonce
// (NonceTag), and a proxy that injects the tag itself should too.
//
// # Wire protocol
//
// The script opens an EventSource on Path and listens for four events:
// "reload" (reload the page), "css" (re-fetch every <link rel=stylesheet>
// with a cache-busting query), "error" (data: a BuildError as JSON; show
// the overlay) and "clear" (hide it). A client that connects while an
// error is shown receives it at once, so the overlay survives a reload.
//
// # Concurrency
//
// A Hub is safe for concurrent use. Each connected browser has a small
// buffered queue; a browser that does not keep up misses events rather
// than slowing the others (it reconnects and gets the current error).
package livereload
