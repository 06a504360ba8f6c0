package pages

import (
	"github.com/a-h/templ"
	"github.com/nitrogo/framework/nitro"
)

// redirectTo keeps on the page's Context where Main sent the browser.
var redirectTo = nitro.NewLocal[string]("pages.redirect")

// Redirect sends the browser to url instead of showing the page: called
// from Main, it makes a first paint answer 303 to url and a connected page
// change its location. It records the target on cx, so it takes effect
// wherever Main puts its result, returned or nested in other components;
// the result is nil, which renders nothing, so the usual form reads as the
// branch it is:
//
//	if !loggedIn {
//		return pages.Redirect(cx, "/login")
//	}
//
// Whatever else Main renders is not shown. In Event, use actions.Redirect.
func Redirect(cx *nitro.Context, url string) templ.Component {
	redirectTo.Set(cx, url)
	return nil
}

// renderMain runs the page's Main, and says where it redirected, if it
// did. A redirect left on cx by an earlier call is forgotten first, so a
// Context that lives on (a socket's, across inits) redirects only when
// Main asks it to again.
func renderMain(cx *nitro.Context, p Page) (body templ.Component, redirect string, ok bool) {
	redirectTo.Delete(cx)
	body = p.Main(cx)
	redirect, ok = redirectTo.Get(cx)
	return body, redirect, ok
}
