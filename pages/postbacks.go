package pages

import (
	"fmt"
	"strings"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// A Switch sends each postback to the handler of its type, so that a page
// declares one method per postback instead of comparing terms by hand.
// P is what the handlers are called on, the page; with method expressions
// the Switch is made once, for every page of the type:
//
//	type Login struct {
//		_ struct{} `bert:"login"` // the record's tag
//	}
//
//	var events = pages.Postbacks(
//		pages.On((*Page).login),
//		pages.On((*Page).chat),
//	)
//
//	func (p *Page) login(cx *nitro.Context, m Login) { ... }
//	func (p *Page) chat(cx *nitro.Context, m Chat)   { ... }
//
//	func (p *Page) Event(cx *nitro.Context, ev any) {
//		if events.Handle(p, cx, ev) {
//			return
//		}
//		... // nitro.Init, nitro.Push, ...
//	}
//
// An element sends such a postback when built with the value itself
// (Postback: Login{}: elements convert it with bert.ToTerm).
//
// A postback is matched by its record tag, then converted once with
// bert.FromTerm. A bare atom (Postback: bert.Atom("login")) matches the
// record type of that tag if it has no fields, so elements built either
// way reach the same handler. A Switch is read-only once made: one serves
// every page and connection at once.
type Switch[P any] struct {
	cases []Case[P] // a page has a handful: a scan beats a map's hash
}

// A Case is one handler of a Switch, made by On.
type Case[P any] struct {
	tag  string // the record tag of its type
	bare bool   // its type has no fields: a bare atom of tag matches too
	call func(p P, cx *nitro.Context, msg bert.Term) error
	typ  string // for messages
}

// On makes the Case of postbacks of type T, a record: a struct, whose tag
// is its type's name in snake_case or its blank field's `bert:"tag"` (see
// bert.ToTerm). The tag is found here, once. On panics if T's zero value
// does not convert to a tagged record: that is a mistake in the page's
// code, found when the page is set up.
func On[P, T any](f func(p P, cx *nitro.Context, m T)) Case[P] {
	var zero T
	typ := fmt.Sprintf("%T", zero)
	t, err := bert.ToTerm(zero)
	if err != nil {
		panic(fmt.Sprintf("pages: On: a postback of type %s: %v", typ, err))
	}
	if t.Kind() != bert.KindTuple || t.Len() == 0 || t.At(0).Atom() == "" {
		panic(fmt.Sprintf("pages: On: a postback of type %s converts to %v, not to a tagged record {tag, ...}", typ, t))
	}
	return Case[P]{
		tag:  strings.Clone(t.At(0).Atom()),
		bare: t.Len() == 1,
		typ:  typ,
		call: func(p P, cx *nitro.Context, msg bert.Term) error {
			var m T
			if msg.Kind() != bert.KindAtom { // a bare atom is the fieldless record itself
				if err := bert.FromTerm(msg, &m); err != nil {
					return err
				}
			}
			f(p, cx, m)
			return nil
		},
	}
}

// Postbacks returns the Switch of cases. It panics if two cases have the
// same tag: which one a postback reaches would be a guess.
func Postbacks[P any](cases ...Case[P]) *Switch[P] {
	s := &Switch[P]{cases: make([]Case[P], 0, len(cases))}
	for _, c := range cases {
		if c.call == nil {
			panic("pages: Postbacks: a Case not made by On")
		}
		for _, prev := range s.cases {
			if prev.tag == c.tag {
				panic(fmt.Sprintf("pages: Postbacks: %s and %s both have the record tag %q", prev.typ, c.typ, c.tag))
			}
		}
		s.cases = append(s.cases, c)
	}
	return s
}

// Handle calls the handler of ev on p if ev is a nitro.Postback of one of
// the Switch's types, and reports whether it did. Any other event, a
// postback of another tag, and one of a known tag that does not fit its
// type are not handled; the last is logged, as its element sends what
// its handler cannot read.
func (s *Switch[P]) Handle(p P, cx *nitro.Context, ev any) bool {
	pb, ok := ev.(nitro.Postback)
	if !ok || s == nil {
		return false
	}
	msg := pb.Msg
	var tag string
	switch msg.Kind() {
	case bert.KindAtom:
		tag = msg.Atom()
	case bert.KindTuple:
		if msg.Len() == 0 {
			return false
		}
		tag = msg.At(0).Atom()
	default:
		return false
	}
	var c *Case[P]
	for i := range s.cases {
		if s.cases[i].tag == tag {
			c = &s.cases[i]
			break
		}
	}
	if c == nil || msg.Kind() == bert.KindAtom && !c.bare {
		return false
	}
	if err := c.call(p, cx, msg); err != nil {
		if cx != nil {
			cx.Logger().Warn("pages: a postback does not fit its handler's type", "type", c.typ, "trigger", pb.Trigger, "err", err)
		}
		return false
	}
	return true
}
