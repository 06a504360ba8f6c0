package main

import (
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
)

// n2oClientShim makes the page's client behave, with its session, as N2O
// 8.12.1's own browser client does: it writes an empty X-Auth-Token cookie
// when it starts, and keeps its token only in sessionStorage, never
// writing the cookie (our client's writes of it are dropped).
const n2oClientShim = `(function(){
	document.cookie = "X-Auth-Token=; path=/";
	var d = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
	Object.defineProperty(document, "cookie", {configurable: true,
		get: function(){ return d.get.call(document) },
		set: function(v){ if (!/^\s*X-Auth-Token=/.test(v)) d.set.call(document, v) }});
})()`

// TestBrowserN2OClientSession: with a client that wipes the cookie as
// N2O's does, the first paint, login, the redirect and the room's first
// paint all see the right session, because the session cookie is
// HttpOnly (no script overwrites it) and the server stores a rotated
// session as the cookie itself.
func TestBrowserN2OClientSession(t *testing.T) {
	b := browsertest.Start(t)
	hs := startChat(t)

	tab := b.NewTab(t)
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: n2oClientShim}); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, tab, hs.URL, "ann", "attic") // fails unless the room paints as ann
	if got := browsertest.Eval[string](t, tab, `qi("logout").textContent`); got != "Logout ann" {
		t.Errorf("the room shows %q", got)
	}
	if browsertest.Eval[bool](t, tab, `/X-Auth-Token=./.test(document.cookie)`) {
		t.Error("a script can read the session cookie")
	}

	// A reload paints the room again: the cookie is the logged-in session.
	browsertest.Do(t, tab, chromedp.Reload())
	browsertest.WaitFor(t, tab, `location.pathname === "/room"`)
	browsertest.WaitFor(t, tab, live)

	// Logout: the next page is the login page, and the room is closed.
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS("#logout")))
	browsertest.WaitFor(t, tab, `location.pathname === "/login"`)
	browsertest.Do(t, tab, chromedp.Navigate(hs.URL+"/room"))
	browsertest.WaitFor(t, tab, `location.pathname === "/login"`)
}
