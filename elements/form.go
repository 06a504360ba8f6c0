package elements

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// Form is a <form>. With a Postback, submitting the form (a submit
// button, Enter in a field) sends it, with the values of the Source
// fields, instead of loading a page; the browser first checks the fields'
// constraints (Rule). Enter submits from any text field of the form
// (Textbox, Password, Email, Number, Date; not a Textarea, where it is a
// newline), whatever buttons the form has, once a press, and not while
// an input method composes text; a field with an Enter postback of its
// own sends that instead. The postback is wired after the form's Body is
// rendered, so the rules of the inputs inside the form are sealed with it.
// Action is sanitised as Link's Href.
type Form struct {
	Attrs
	Action string
	Method string
	Body   []templ.Component

	Postback any             // sent on submit; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of the fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the form's HTML to w, and wires its postback in a page
// Context.
func (e Form) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Form) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("form")
	e.head(o, id)
	if e.Action != "" {
		o.url("action", e.Action)
	}
	o.attrIf("method", e.Method)
	e.tail(o)
	o.raw(">")
	o.body("", e.Body)
	o.close("form")
	if o.wire(id, onSubmit, e.Postback, e.Source, e.Rules, false) {
		o.submitOnEnter(id)
	}
}

// Fieldset groups fields under a Legend: <fieldset><legend>.
type Fieldset struct {
	Attrs
	Legend string // omitted when empty
	Body   []templ.Component
}

// Render writes the fieldset's HTML to w.
func (e Fieldset) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Fieldset) render(o *out) {
	o.open("fieldset")
	e.head(o, e.ID)
	e.tail(o)
	o.raw(">")
	if e.Legend != "" {
		o.raw("<legend>")
		o.text(e.Legend)
		o.raw("</legend>")
	}
	o.body("", e.Body)
	o.close("fieldset")
}

// Label is a <label> for the field whose id is For.
type Label struct {
	Attrs
	For  string
	Text string
	Body []templ.Component
}

// Render writes the label's HTML to w.
func (e Label) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Label) render(o *out) {
	o.open("label")
	e.head(o, e.ID)
	o.attrIf("for", e.For)
	e.tail(o)
	o.raw(">")
	o.body(e.Text, e.Body)
	o.close("label")
}

// Button is a <button type="button">: it never submits a form by itself.
// With a Postback, a click sends it with the values of the Source fields,
// once the browser has checked their constraints.
type Button struct {
	Attrs
	Text     string
	Body     []templ.Component
	Disabled bool

	Postback any             // sent on click; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of the fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the button's HTML to w, and wires its postback in a page
// Context.
func (e Button) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Button) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("button")
	e.head(o, id)
	o.raw(` type="button"`)
	o.flag("disabled", e.Disabled)
	e.tail(o)
	o.raw(">")
	o.body(e.Text, e.Body)
	o.close("button")
	o.wire(id, onClick, e.Postback, e.Source, e.Rules, false)
}
