package pages

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/a-h/templ"
)

// DefaultCSP is the Content-Security-Policy of a first paint when the
// App's CSP is nil. Scripts run only by the response's nonce: the
// client's script carries it, and the client runs the server's JavaScript
// in script elements that carry it too, so the page needs neither
// 'unsafe-eval' nor 'unsafe-inline' for scripts; 'strict-dynamic' lets a
// script the nonce trusts load others. Styles may be inline (<style> in
// the layout and in Head, style attributes); 'self' in connect-src
// covers the page's WebSocket to its own host.
func DefaultCSP(nonce string) string {
	return "default-src 'self'; script-src 'nonce-" + nonce + "' 'strict-dynamic'; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
}

// withCSP gives the first paint of r a nonce of its own, in the request's
// context (so in the page's Context, and in the context its components
// render with) and in the App's policy, which it sets on w.
func (a *App) withCSP(w http.ResponseWriter, r *http.Request) *http.Request {
	nonce := newNonce()
	policy := a.CSP
	if policy == nil {
		policy = DefaultCSP
	}
	if p := policy(nonce); p != "" {
		w.Header().Set("Content-Security-Policy", p)
	}
	return r.WithContext(templ.WithNonce(r.Context(), nonce))
}

// newNonce returns 128 random bits in base64: as unguessable as CSP asks.
func newNonce() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand: it crashes the program instead)
	return base64.StdEncoding.EncodeToString(b[:])
}
