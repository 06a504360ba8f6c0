package pages

import (
	"io"
	"net/http"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
)

// CookieName is the session cookie, named as N2O's. It is HttpOnly: no
// script reads it (an injected one cannot steal the session) and none
// can overwrite it (N2O's own client writes it empty when it starts).
const CookieName = "X-Auth-Token"

// SessionHeader marks the request by which a page's client stores a
// rotated session as its cookie: a form of another site cannot send a
// header, and a script of another origin cannot without a preflight,
// which a page never allows.
const SessionHeader = "X-Nitro-Session"

// sessionCookie is r's session token, or "".
func sessionCookie(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// setSessionCookie makes token the browser's session: HttpOnly,
// SameSite=Lax (a link from another site keeps the session, its forms
// do not post with it), and Secure over TLS, ended here or by a trusted
// proxy (ws.Config.TrustedProxies).
func (a *App) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/",
		HttpOnly: true, Secure: a.sockets().Scheme(r) == "https", SameSite: http.SameSiteLaxMode})
}

// storeSession answers a page's client that stores the token of a
// rotated session (see onRotate): a valid token becomes the cookie.
func (a *App) storeSession(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		http.Error(w, "pages: a session is stored only by the site's own pages", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1024))
	if err != nil {
		http.Error(w, "pages: a session token is at most 1 KiB", http.StatusRequestEntityTooLarge)
		return
	}
	_, token, fresh := a.Server.Authenticate(string(body))
	if fresh {
		http.Error(w, "pages: not a valid session token: reload the page", http.StatusBadRequest)
		return
	}
	a.setSessionCookie(w, r, token)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// onRotate is what a rotated session's client runs: it posts the new
// token to the page's own address, whose answer sets the cookie, and
// leaves the request in window.nitroSession so that actions.Redirect
// waits for it: the next page's first paint must carry the new cookie.
// It is plain JavaScript, so any N2O client that runs a reply's
// JavaScript stores the session.
func onRotate(cx *nitro.Context) {
	cx.AppendJS(func(b []byte) []byte {
		b = append(b, "window.nitroSession=fetch("...)
		b = actions.AppendQuote(b, cx.Path())
		b = append(b, ",{method:'POST',headers:{'"+SessionHeader+"':'1'},credentials:'same-origin',body:"...)
		b = actions.AppendQuote(b, cx.Token())
		return append(b, "}).then(function(r){if(!r.ok)throw r.status}).catch(function(e){console.error('nitro: the session was not stored:',e)});"...)
	})
}
