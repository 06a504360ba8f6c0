package actions

import (
	"errors"
	"strings"

	"github.com/nitrogo/framework/nitro"
)

// Show shows the element id that Hide hid, or that was rendered with the
// hidden attribute: it clears both, so the element is displayed as its
// style sheet says.
//
//	{var x=qi("id");if(x){x.hidden=false;x.style.display="";}}
//
// NITRO's show/1 sets display to block, which breaks inline and flex
// elements; for an element that a style sheet hides, use Display.
func Show(cx *nitro.Context, id string) {
	on(cx, ID(id), func(b []byte) []byte { return append(b, `x.hidden=false;x.style.display="";`...) })
}

// Hide hides the element id:
//
//	{var x=qi("id");if(x){x.style.display="none";}}
func Hide(cx *nitro.Context, id string) { Display(cx, id, "none") }

// Display sets the CSS display of the element id ("block", "flex", "none", ...):
//
//	{var x=qi("id");if(x){x.style.display="flex";}}
func Display(cx *nitro.Context, id, value string) {
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.style.display="...)
		b = AppendQuote(b, value)
		return append(b, ';')
	})
}

// Errors of SetAttr.
var (
	// ErrAttrName reports an attribute name that is not a name: the
	// browser would throw, and the rest of the reply would not run.
	ErrAttrName = errors.New("actions: invalid attribute name")
	// ErrHandlerAttr reports an event handler attribute (onclick, ...),
	// whose value would run as JavaScript. Use Event, or Wire.
	ErrHandlerAttr = errors.New("actions: SetAttr of an event handler attribute")
)

// SetAttr sets the attribute name of the element id to value:
//
//	{var x=qi("id");if(x){x.setAttribute("title","...");}}
//
// It refuses, with an error and nothing queued, a name that is not an
// attribute name (ErrAttrName) and the event handler attributes
// on... (ErrHandlerAttr). A URL-valued attribute (href, src) is set to
// value as it is: check a URL from user input first.
func SetAttr(cx *nitro.Context, id, name, value string) error {
	if !validAttrName(name) {
		return ErrAttrName
	}
	if len(name) >= 2 && strings.EqualFold(name[:2], "on") {
		return ErrHandlerAttr
	}
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.setAttribute("...)
		b = AppendQuote(b, name)
		b = append(b, ',')
		b = AppendQuote(b, value)
		return append(b, ");"...)
	})
	return nil
}

// validAttrName reports whether name is an ASCII XML name, which every
// browser's setAttribute accepts.
func validAttrName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// RemoveAttr removes the attribute name of the element id:
//
//	{var x=qi("id");if(x){x.removeAttribute("disabled");}}
func RemoveAttr(cx *nitro.Context, id, name string) {
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.removeAttribute("...)
		b = AppendQuote(b, name)
		return append(b, ");"...)
	})
}

// Style sets the whole inline style of the element id (NITRO's
// nitro:style/2), replacing what it had:
//
//	{var x=qi("id");if(x){x.style.cssText="color:red";}}
func Style(cx *nitro.Context, id, css string) {
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.style.cssText="...)
		b = AppendQuote(b, css)
		return append(b, ';')
	})
}

// SetStyle sets one CSS property of the element id (NITRO's
// nitro:style/3); an empty value removes it. prop is named as in CSS
// ("background-color"); a camelCase name ("backgroundColor") is converted,
// a custom property ("--gap") is kept as it is.
//
//	{var x=qi("id");if(x){x.style.setProperty("background-color","red");}}
func SetStyle(cx *nitro.Context, id, prop, value string) {
	prop = cssName(prop)
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.style.setProperty("...)
		b = AppendQuote(b, prop)
		b = append(b, ',')
		b = AppendQuote(b, value)
		return append(b, ");"...)
	})
}

// cssName turns a camelCase property name into CSS's kebab-case.
func cssName(prop string) string {
	if strings.HasPrefix(prop, "--") || strings.IndexFunc(prop, func(r rune) bool { return 'A' <= r && r <= 'Z' }) < 0 {
		return prop
	}
	var b strings.Builder
	for _, r := range prop {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('-')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AddClass adds classes, separated by spaces, to the element id:
//
//	{var x=qi("id");if(x){x.classList.add("active","big");}}
//
// No class queues nothing.
func AddClass(cx *nitro.Context, id, classes string) { classList(cx, id, "add", classes) }

// RemoveClass removes classes, separated by spaces, from the element id:
//
//	{var x=qi("id");if(x){x.classList.remove("active");}}
func RemoveClass(cx *nitro.Context, id, classes string) { classList(cx, id, "remove", classes) }

// classList calls x.classList.method with each class: one by one, as
// classList throws on a token with a space.
func classList(cx *nitro.Context, id, method, classes string) {
	names := strings.Fields(classes)
	if len(names) == 0 {
		return
	}
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.classList."...)
		b = append(b, method...)
		b = append(b, '(')
		for i, n := range names {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendQuote(b, n)
		}
		return append(b, ");"...)
	})
}
