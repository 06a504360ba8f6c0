package elements

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// container renders <tag attrs>text body</tag>.
func (o *out) container(tag string, a *Attrs, text string, body []templ.Component) {
	o.open(tag)
	a.head(o, a.ID)
	a.tail(o)
	o.raw(">")
	o.body(text, body)
	o.close(tag)
}

// void renders <tag attrs>, an element without content.
func (o *out) void(tag string, a *Attrs) {
	o.open(tag)
	a.head(o, a.ID)
	a.tail(o)
	o.raw(">")
}

// Panel is a <div>: Text (escaped), then Body.
type Panel struct {
	Attrs
	Text string
	Body []templ.Component
}

// Render writes the panel's HTML to w.
func (e Panel) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Panel) render(o *out) { o.container("div", &e.Attrs, e.Text, e.Body) }

// Span is a <span>: Text (escaped), then Body.
type Span struct {
	Attrs
	Text string
	Body []templ.Component
}

// Render writes the span's HTML to w.
func (e Span) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Span) render(o *out) { o.container("span", &e.Attrs, e.Text, e.Body) }

// P is a paragraph, <p>: Text (escaped), then Body.
type P struct {
	Attrs
	Text string
	Body []templ.Component
}

// Render writes the paragraph's HTML to w.
func (e P) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e P) render(o *out) { o.container("p", &e.Attrs, e.Text, e.Body) }

// Heading is a heading, <h1> to <h6> by Level; a Level out of 1..6 is
// taken as the nearest.
type Heading struct {
	Attrs
	Level int
	Text  string
	Body  []templ.Component
}

var headingTags = [...]string{"h1", "h2", "h3", "h4", "h5", "h6"}

// Render writes the heading's HTML to w.
func (e Heading) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Heading) render(o *out) {
	o.container(headingTags[min(max(e.Level, 1), 6)-1], &e.Attrs, e.Text, e.Body)
}

// Link is an <a>. Href is sanitised as templ sanitises URLs: a scheme
// other than http, https, mailto, tel, ftp and ftps (javascript:, data:)
// renders as about:invalid#TemplFailedSanitizationURL. With a Postback, a
// click sends it (and the values of the Source fields) instead of
// following the link; a Link with a Postback and no Href gets href="#".
type Link struct {
	Attrs
	Href   string
	Target string // target, e.g. "_blank"
	Rel    string // rel, e.g. "noopener"
	Text   string
	Body   []templ.Component

	Postback any             // a bert.Term, or a Go value bert.ToTerm converts; nil: none
	Source   []string        // ids of the fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the link's HTML to w, and wires its postback in a page
// Context.
func (e Link) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Link) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("a")
	e.head(o, id)
	switch {
	case e.Href != "":
		o.url("href", e.Href)
	case e.Postback != nil:
		o.raw(` href="#"`)
	}
	o.attrIf("target", e.Target)
	o.attrIf("rel", e.Rel)
	e.tail(o)
	o.raw(">")
	o.body(e.Text, e.Body)
	o.close("a")
	o.wire(id, onClick, e.Postback, e.Source, e.Rules, false)
}

// List is a list of Li: <ul>, or <ol> when Numbered.
type List struct {
	Attrs
	Numbered bool
	Body     []templ.Component // usually Li
}

// Render writes the list's HTML to w.
func (e List) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e List) render(o *out) {
	tag := "ul"
	if e.Numbered {
		tag = "ol"
	}
	o.container(tag, &e.Attrs, "", e.Body)
}

// Li is an item of a List, <li>: Text (escaped), then Body.
type Li struct {
	Attrs
	Text string
	Body []templ.Component
}

// Render writes the item's HTML to w.
func (e Li) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Li) render(o *out) { o.container("li", &e.Attrs, e.Text, e.Body) }

// Image is an <img>. Src is sanitised as Link's Href, except that data:
// URLs of images (data:image/...) are kept. Alt is always rendered: an
// empty Alt marks a decorative image. Zero Width and Height are omitted.
type Image struct {
	Attrs
	Src, Alt      string
	Width, Height int
}

// Render writes the image's HTML to w.
func (e Image) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Image) render(o *out) {
	o.open("img")
	e.head(o, e.ID)
	if isDataImage(e.Src) {
		o.attr("src", e.Src)
	} else {
		o.url("src", e.Src)
	}
	o.attr("alt", e.Alt)
	o.intAttr("width", e.Width)
	o.intAttr("height", e.Height)
	e.tail(o)
	o.raw(">")
}

func isDataImage(s string) bool {
	const p = "data:image/"
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// Br is a line break, <br>.
type Br struct{ Attrs }

// Render writes <br> to w.
func (e Br) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Br) render(o *out) { o.void("br", &e.Attrs) }

// Hr is a thematic break, <hr>.
type Hr struct{ Attrs }

// Render writes <hr> to w.
func (e Hr) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Hr) render(o *out) { o.void("hr", &e.Attrs) }

// Literal is text without a tag: Text, HTML-escaped.
//
// DANGER: with Raw set, Text is written as it is, unescaped: it is HTML,
// and any <script> or on* attribute in it runs in the page. Set Raw only
// for HTML your program wrote or sanitised itself, never for anything a
// user, a database or another service supplied.
type Literal struct {
	Text string
	Raw  bool // Text is trusted HTML: written unescaped. See the type's doc.
}

// Render writes the text to w, escaped unless Raw.
func (e Literal) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Literal) render(o *out) {
	if e.Raw {
		o.raw(e.Text)
		return
	}
	o.text(e.Text)
}
