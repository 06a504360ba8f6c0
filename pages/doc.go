// Package pages serves pages written in Go: a Page renders itself with
// Main (elements and templ components) and handles what happens on it
// with Event. An App mounts pages on a chi router:
//
//	srv, _ := nitro.New(nitro.Config{Keys: ring})
//	app := pages.New(srv)
//	r := chi.NewRouter()
//	r.Use(middleware.Logger) // any net/http or chi middleware applies
//	app.Mount(r, "/counter", &Counter{})
//	http.ListenAndServe(":8000", r)
//
// or on any other router, such as http.ServeMux: Handler serves a page's
// first paint and its socket, mounted at the page's path and at "/ws" and
// the path, and Static the browser client's script:
//
//	mux := http.NewServeMux()
//	counter := app.Handler(&Counter{})
//	mux.Handle("/counter", counter)
//	mux.Handle("/ws/counter", counter)
//	mux.Handle(app.Static())
//
// # The life of a page
//
// A GET of the page's path renders Main into a whole document (Document,
// or the App's Layout): the first paint, complete without JavaScript, in
// the session of the browser's session cookie (started there if it
// has none). The browser client then opens the page's socket at /ws and
// the path, in the same session; on every connect and reconnect Main is
// rendered again into #nitro-root, wiring its postbacks, and Event gets
// nitro.Init. So a reconnect, after a network drop or a server restart,
// shows the server's current page and duplicates nothing.
//
// The session cookie (CookieName) is HttpOnly: scripts neither read nor
// write it. When a page rotates its session (nitro.Context.RotateSession,
// the rule at login and logout), its client posts the new token to the
// page's address, which stores it as the cookie; actions.Redirect waits
// for that, so the next page paints in the new session. Mount routes that
// POST; with Handler, route every method of the path to it.
//
// Main sends the browser elsewhere by calling Redirect(cx, url): a 303
// for a first paint, a change of location for a connected page. The call
// records the target on the Context, so it holds wherever Main puts its
// (empty) result; what Main renders besides is not shown.
//
// # Postbacks
//
// A page's Event gets a nitro.Postback with the term its element was
// built with. A Switch (Postbacks, On) sends each postback to a method of
// the page for its Go type, found by the record's tag and converted with
// bert.FromTerm; Event handles the rest:
//
//	type Login struct {
//		_ struct{} `bert:"login"`
//	}
//
//	var events = pages.Postbacks(pages.On((*Page).login))
//
//	func (p *Page) login(cx *nitro.Context, _ Login) { ... }
//
//	func (p *Page) Event(cx *nitro.Context, ev any) {
//		if events.Handle(p, cx, ev) {
//			return
//		}
//		...
//	}
//
// Elements are built with the typed value (Postback: Login{}), or with a
// bare atom for a record without fields (Postback: bert.Atom("login")).
//
// # Sockets and uploads
//
// The sockets are nitro/ws's, with its defaults; set App.Sockets to
// configure them (origins, limits, timeouts):
//
//	app.Sockets = ws.New(srv, ws.Config{Origins: []string{"https://example.com"}})
//
// A page takes uploads if the server's chain has the upload protocol
// (nitro/ftp) and the page says yes (ftp.Gate's AcceptUploads).
//
// # Content Security Policy
//
// Every first paint has a nonce of its own (128 random bits) and a
// Content-Security-Policy that lets scripts run by that nonce only:
// DefaultCSP, with neither 'unsafe-eval' nor 'unsafe-inline' for scripts.
// The default layout puts the nonce on the client's script, and the client
// runs the JavaScript the server sends in script elements that carry it.
// The nonce is in the request's context (templ.WithNonce), so templ's own
// scripts carry it, and a Layout, a Head or Main puts it on a script of
// its own with templ.GetNonce(ctx) (cx, in Main and Head, is such a
// context):
//
//	<script src="/app.js" nonce={ templ.GetNonce(ctx) }></script>
//
// Set App.CSP to change the policy (a page whose socket is on another
// host needs it in connect-src), or to send none:
//
//	app.CSP = func(nonce string) string { return pages.DefaultCSP(nonce) + "; upgrade-insecure-requests" }
//	app.CSP = func(string) string { return "" } // no policy
//
// # Validation
//
// Rules declared on input elements (elements.Rule) are checked by the
// browser before a postback is sent, and sealed into the postback's
// pickle: before Event sees a Postback its values are checked again
// against those rules, and a postback that fails them never reaches the
// page; the browser is told which fields failed and why.
package pages
