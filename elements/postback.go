package elements

import (
	"fmt"
	"slices"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro/bert"
)

// The browser events postbacks are wired to.
const (
	onClick  = "click"
	onChange = "change"
	onSubmit = "submit"
	onKey    = "keydown"
)

// elementID returns the id an element renders with: its own, or, for an
// element with a postback rendered in a page Context, a new one from the
// Context (postbacks are wired by id).
func (o *out) elementID(id string, postback any) string {
	if id == "" && postback != nil {
		if cx := o.nitro(); cx != nil {
			return cx.NewID()
		}
	}
	return id
}

// wire wires the postback of element id to event typ, when the render has
// a page Context, and reports whether it did. The postback is sealed with
// the rules of its sources: those declared in rules, else those of inputs
// rendered before it in the same Context. With self, the element's own id
// is a source too (inputs whose postback reports their change).
func (o *out) wire(id, typ string, postback any, source []string, rules map[string]Rule, self bool) bool {
	return o.wireEvent(actions.Event{Target: id, Type: typ, Source: source}, postback, rules, self)
}

// wireEvent is wire for an event of any shape (a Key): ev, of Target,
// Type and Source, is wired with postback, sealed as wire seals it.
func (o *out) wireEvent(ev actions.Event, postback any, rules map[string]Rule, self bool) bool {
	id, source := ev.Target, ev.Source
	if postback == nil || id == "" || o.err != nil {
		return false
	}
	cx := o.nitro()
	if cx == nil {
		return false
	}
	term, ok := postback.(bert.Term)
	if !ok {
		var err error
		if term, err = bert.ToTerm(postback); err != nil {
			o.fail(fmt.Errorf("elements: postback of #%s: %w", id, err))
			return false
		}
	}
	src := source
	if self && !slices.Contains(source, id) {
		src = make([]string, 0, len(source)+1)
		src = append(append(src, id), source...)
	}

	var idsArr [8]string
	var checksArr [8]check
	ids, checks := idsArr[:0], checksArr[:0]
	reg := o.registry(false)
	for _, s := range src {
		var c check
		found := false
		if reg != nil {
			c, found = reg.get(s)
		}
		if r, ok := rules[s]; ok {
			kind := kindText
			if found {
				kind = c.kind
			}
			c, found = newCheck(kind, r), true
		}
		if found {
			ids = append(ids, s)
			checks = append(checks, c)
		}
	}
	ev.Postback, ev.Source = wrap(term, ids, checks), src
	ev.Wire(cx)
	return true
}
