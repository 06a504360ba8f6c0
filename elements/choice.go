package elements

import (
	"context"
	"io"
	"slices"

	"github.com/a-h/templ"
)

// Checkbox is a checkbox inside a label with its text: <label
// for=ID><input type="checkbox">Text Body</label>. The browser client
// sends its value as <<"true">> or <<"false">>. Of its Validate rule,
// only Required (it must be checked) and Message apply. With a Postback,
// a change sends it, with the checkbox's own value (its id is a source)
// and the values of the Source fields.
type Checkbox struct {
	Attrs    // on the <input>
	Name     string
	Value    string
	Checked  bool
	Disabled bool
	Text     string
	Body     []templ.Component
	Validate Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the checkbox's HTML to w, and wires its postback in a
// page Context.
func (e Checkbox) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Checkbox) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("label")
	o.attrIf("for", id)
	o.raw(">")
	o.checkInput(&e.Attrs, id, "checkbox", e.Name, e.Value, e.Checked, e.Disabled, e.Validate)
	o.body(e.Text, e.Body)
	o.raw("</label>")
	o.register(id, kindCheck, e.Validate)
	o.wire(id, onChange, e.Postback, e.Source, e.Rules, true)
}

// checkInput renders the <input> of a checkbox or a radio button.
func (o *out) checkInput(a *Attrs, id, typ, name, value string, checked, disabled bool, r Rule) {
	o.open("input")
	a.head(o, id)
	o.attr("type", typ)
	o.attrIf("name", name)
	o.attrIf("value", value)
	o.flag("checked", checked)
	o.flag("disabled", disabled)
	o.ruleAttrs(r, kindCheck)
	a.tail(o)
	o.raw(">")
}

// Radio is a radio button, <input type="radio">, one of the group that
// shares its Name; with Text or Body it sits in a label with them, as a
// Checkbox.
//
// A postback should send the group, not the button: a source named as
// the group's Name (with no element of that id) gives the Value of the
// group's checked button, or <<>>. So with a Postback, a change sends the
// group's value under Name (the button's own id when it has no Name), with
// the values of the Source fields. A Validate rule with Required (one of
// the group must be checked) is likewise the group's: declare it on one
// button of the group, and name the group as a source.
type Radio struct {
	Attrs    // on the <input>
	Name     string
	Value    string
	Checked  bool
	Disabled bool
	Text     string
	Body     []templ.Component
	Validate Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the radio button's HTML to w, and wires its postback in a
// page Context.
func (e Radio) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Radio) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	labelled := e.Text != "" || len(e.Body) > 0
	if labelled {
		o.open("label")
		o.attrIf("for", id)
		o.raw(">")
	}
	o.checkInput(&e.Attrs, id, "radio", e.Name, e.Value, e.Checked, e.Disabled, e.Validate)
	if labelled {
		o.body(e.Text, e.Body)
		o.raw("</label>")
	}
	// A group's rule is declared on one of its buttons: the others must
	// not erase it.
	if !e.Validate.zero() {
		if e.Name != "" {
			o.register(e.Name, kindText, e.Validate)
		} else {
			o.register(id, kindCheck, e.Validate)
		}
	}
	if e.Postback == nil {
		return
	}
	self := e.Name
	if self == "" {
		self = id
	}
	src := e.Source
	if !slices.Contains(src, self) {
		src = append(append(make([]string, 0, len(src)+1), self), src...)
	}
	o.wire(id, onChange, e.Postback, src, e.Rules, false)
}

// Option is one choice of a Dropdown: <option value=Value>Label.
type Option struct {
	Label    string
	Value    string
	Selected bool
	Disabled bool
}

// Dropdown is a choice among Options, <select>. The browser client sends
// the selected option's Value (N2O's client sends the values "true" and
// "false" as atoms; the server reads them as text). With Validate.Required,
// the selected value may not be empty: give the first option an empty
// Value ("Choose…"). With a Postback, a change sends it, with the
// dropdown's own value (its id is a source) and the values of the Source
// fields.
type Dropdown struct {
	Attrs
	Name     string
	Options  []Option
	Disabled bool
	Validate Rule

	Postback any             // sent on change; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of other fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the dropdown's HTML to w, and wires its postback in a
// page Context.
func (e Dropdown) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Dropdown) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("select")
	e.head(o, id)
	o.attrIf("name", e.Name)
	o.flag("disabled", e.Disabled)
	o.flag("required", e.Validate.Required)
	o.attrIf("data-msg", e.Validate.Message)
	e.tail(o)
	o.raw(">")
	for i := range e.Options {
		op := &e.Options[i]
		o.raw(`<option`)
		o.attr("value", op.Value)
		o.flag("selected", op.Selected)
		o.flag("disabled", op.Disabled)
		o.raw(">")
		o.text(op.Label)
		o.raw("</option>")
	}
	o.close("select")
	o.register(id, kindText, e.Validate)
	o.wire(id, onChange, e.Postback, e.Source, e.Rules, true)
}
