package elements

import (
	"context"
	"io"
	"strings"

	"github.com/nitrogo/framework/actions"
)

// ruleAttrs renders the constraint attributes of r for a field of kind.
func (o *out) ruleAttrs(r Rule, kind fieldKind) {
	o.flag("required", r.Required)
	if kind != kindCheck {
		o.intAttr("minlength", r.MinLen)
		o.intAttr("maxlength", r.MaxLen)
		o.attrIf("pattern", r.Pattern)
		if kind != kindDate {
			o.floatAttr("min", r.Min)
			o.floatAttr("max", r.Max)
		}
	}
	o.attrIf("data-msg", r.Message)
}

// Textbox is a text field, <input type="text">. It is enabled unless
// Disabled (NITRO renders its textbox disabled by default: not so here).
//
// Validate is the field's rule, checked by the browser and, when the
// field is a source of a postback rendered later in the same page
// Context, by the server. With a Postback, a change of the field sends
// it, with the field's own value (its id is a source) and the values of
// the Source fields.
//
// With an Enter postback, the Enter key in the field sends it, as a click
// sends a Button's: with the same values, once the browser has checked
// their constraints. It is sent once a press (not again while the key is
// held, nor when Enter ends an input method's composition), and that
// Enter does nothing else: a Form around the field does not submit.
// Password and Email take it too.
type Textbox struct {
	Attrs
	Name        string
	Value       string
	Placeholder string
	MaxLength   int // maxlength; enforced by the server too (with Validate.MaxLen, the smaller wins)
	Disabled    bool
	ReadOnly    bool
	Validate    Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Enter    any             // sent on the Enter key, as Postback is on change
	Source   []string        // ids of other fields whose values the postbacks send
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Textbox) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Textbox) render(o *out) { e.input(o, "text", kindText, "") }

// input renders the field as <input type=typ> and registers its rule.
func (e *Textbox) input(o *out, typ string, kind fieldKind, step string) {
	postback := e.Postback
	if postback == nil {
		postback = e.Enter
	}
	id := o.elementID(e.ID, postback)
	r := e.Validate
	if e.MaxLength > 0 && (r.MaxLen <= 0 || e.MaxLength < r.MaxLen) {
		r.MaxLen = e.MaxLength
	}
	o.open("input")
	e.head(o, id)
	o.attr("type", typ)
	o.attrIf("name", e.Name)
	o.attrIf("value", e.Value)
	o.attrIf("placeholder", e.Placeholder)
	o.attrIf("step", step)
	o.ruleAttrs(r, kind)
	o.flag("disabled", e.Disabled)
	o.flag("readonly", e.ReadOnly)
	e.tail(o)
	o.raw(">")
	o.register(id, kind, r)
	o.wire(id, onChange, e.Postback, e.Source, e.Rules, true)
	o.wireEvent(actions.Event{Target: id, Type: onKey, Key: "Enter", Source: e.Source}, e.Enter, e.Rules, true)
}

// Password is a Textbox whose text the browser masks: <input
// type="password">. Its Value is rendered into the page as any other:
// leave it empty.
type Password Textbox

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Password) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Password) render(o *out) { (*Textbox)(&e).input(o, "password", kindText, "") }

// Email is a Textbox for an email address: <input type="email">. The
// server checks that a non-empty value is an email address (the HTML
// definition), whatever its Validate rule.
type Email Textbox

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Email) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Email) render(o *out) { (*Textbox)(&e).input(o, "email", kindEmail, "") }

// Number is a field for a number: <input type="number">. Validate.Min and
// Validate.Max bound it; the server checks that a non-empty value is a
// number (an HTML floating-point number) within them. Step (e.g. "0.01",
// "any") is the browser's: the server does not check it.
type Number struct {
	Attrs
	Name        string
	Value       string
	Placeholder string
	Step        string
	Disabled    bool
	ReadOnly    bool
	Validate    Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Number) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Number) render(o *out) {
	t := Textbox{Attrs: e.Attrs, Name: e.Name, Value: e.Value, Placeholder: e.Placeholder, Disabled: e.Disabled,
		ReadOnly: e.ReadOnly, Validate: e.Validate, Postback: e.Postback, Source: e.Source, Rules: e.Rules}
	t.input(o, "number", kindNumber, e.Step)
}

// Date is a date field, <input type="date">; Value is YYYY-MM-DD. The
// browser client sends its value as {Year, Month, Day} (nitro.Context's
// QDate reads it). Of its Validate rule, only Required (a date must be
// given) and Message apply.
type Date struct {
	Attrs
	Name     string
	Value    string
	Disabled bool
	ReadOnly bool
	Validate Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Date) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Date) render(o *out) {
	t := Textbox{Attrs: e.Attrs, Name: e.Name, Value: e.Value, Disabled: e.Disabled, ReadOnly: e.ReadOnly,
		Validate: Rule{Required: e.Validate.Required, Message: e.Validate.Message},
		Postback: e.Postback, Source: e.Source, Rules: e.Rules}
	t.input(o, "date", kindDate, "")
}

// Hidden is a value the page keeps for the postbacks that name it as a
// source: <input type="hidden">. The user cannot see it, but can change
// it: treat what comes back as any other input.
type Hidden struct {
	Attrs
	Name  string
	Value string
}

// Render writes the field's HTML to w.
func (e Hidden) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Hidden) render(o *out) {
	o.open("input")
	e.head(o, e.ID)
	o.raw(` type="hidden"`)
	o.attrIf("name", e.Name)
	o.attrIf("value", e.Value)
	e.tail(o)
	o.raw(">")
}

// Textarea is a text field of several lines, <textarea>, holding Value.
// Its Validate rule works as a Textbox's, except that browsers ignore
// pattern on a textarea: only the server checks Validate.Pattern.
type Textarea struct {
	Attrs
	Name        string
	Value       string
	Placeholder string
	Rows, Cols  int
	MaxLength   int // maxlength; enforced by the server too (with Validate.MaxLen, the smaller wins)
	Disabled    bool
	ReadOnly    bool
	Validate    Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the field's HTML to w, and wires its postback in a page
// Context.
func (e Textarea) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Textarea) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	r := e.Validate
	if e.MaxLength > 0 && (r.MaxLen <= 0 || e.MaxLength < r.MaxLen) {
		r.MaxLen = e.MaxLength
	}
	o.open("textarea")
	e.head(o, id)
	o.attrIf("name", e.Name)
	o.attrIf("placeholder", e.Placeholder)
	o.intAttr("rows", e.Rows)
	o.intAttr("cols", e.Cols)
	shown := r
	shown.Pattern = "" // not an attribute of textarea
	o.ruleAttrs(shown, kindText)
	o.flag("disabled", e.Disabled)
	o.flag("readonly", e.ReadOnly)
	e.tail(o)
	o.raw(">")
	// The HTML parser drops one newline right after <textarea>: add one
	// so that a Value starting with a newline keeps it.
	if strings.HasPrefix(e.Value, "\n") || strings.HasPrefix(e.Value, "\r") {
		o.raw("\n")
	}
	o.text(e.Value)
	o.close("textarea")
	o.register(id, kindText, r)
	o.wire(id, onChange, e.Postback, e.Source, e.Rules, true)
}
