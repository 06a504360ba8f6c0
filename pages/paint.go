package pages

import (
	"bytes"
	"net/http"
	"slices"
	"sync"
)

var paintBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// paint serves a page's first paint: the whole document, rendered from
// Main, readable without JavaScript. The session comes from the
// session cookie, or starts here; the socket the client then opens
// carries the same cookie, so it joins the same session.
func (a *App) paint(w http.ResponseWriter, r *http.Request, path string, lp livePage) {
	r = a.withCSP(w, r) // first, so Main, Head and the layout all see the nonce
	sid, inForce, _ := a.Server.Authenticate(sessionCookie(r))
	a.setSessionCookie(w, r, inForce) // each time: a cookie set before it was HttpOnly becomes so
	cx := a.Server.NewContext(r, sid, path, lp)
	body, url, redirect := renderMain(cx, lp.page)
	if redirect {
		http.Redirect(w, r, url, http.StatusSeeOther)
		return
	}
	var title string
	if t, ok := lp.page.(Titled); ok {
		title = t.Title(cx)
	}
	var head = noHead
	if h, ok := lp.page.(Headed); ok {
		head = h.Head(cx)
	}
	buf := paintBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			paintBufs.Put(buf)
		}
	}()
	buf.Reset()
	// Rendered without the page's Context: a first paint wires nothing
	// (the socket's init renders Main again and wires it), so it seals no
	// pickles and gives elements no ids they do not have.
	if err := a.layout(title, head, body).Render(r.Context(), buf); err != nil {
		if r.Context().Err() != nil {
			return // the browser went away: nothing to answer, nothing wrong
		}
		cx.Logger().Error("pages: first paint failed", "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// No other site may frame the page (clickjacking), no browser may
	// guess another type for it, and other sites do not learn its address.
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.Write(buf.Bytes())
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// noHead is the head of a page that adds nothing to it.
var noHead = empty()
