package assets

import (
	"context"
	"html"
	"io"
)

// A Tag is a piece of HTML that loads an asset. It renders as a
// templ.Component does (the same Render method), so it goes in templ
// templates (@web.Link("app.css")) and among elements; String gives the
// HTML for other templates.
type Tag struct{ html string }

// Render writes the tag to w.
func (t Tag) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, t.html)
	return err
}

// String returns the tag's HTML.
func (t Tag) String() string { return t.html }

// Link returns the stylesheet link of the named asset:
// <link rel="stylesheet" href="/assets/app.3f9a1c2e.css">.
func (s *Set) Link(name string) Tag {
	return Tag{`<link rel="stylesheet" href="` + html.EscapeString(s.Path(name)) + `">`}
}

// Script returns the deferred script element of the named asset, with the
// page's CSP nonce when nonce is not empty (templ.GetNonce(ctx) in a
// Nitro page, whose policy runs no script without it):
// <script src="/assets/app.9b8c7d6e.js" nonce="..." defer></script>.
func (s *Set) Script(name, nonce string) Tag {
	n := ""
	if nonce != "" {
		n = ` nonce="` + html.EscapeString(nonce) + `"`
	}
	return Tag{`<script src="` + html.EscapeString(s.Path(name)) + `"` + n + ` defer></script>`}
}
