package elements

import (
	"errors"
	"fmt"
	"slices"
)

// Attrs are the attributes every element has. Values are HTML-escaped.
// Data and Aria render as data-KEY and aria-KEY attributes in sorted key
// order, after the element's own attributes; a key may hold ASCII letters,
// digits, '-', '_' and '.', and any other key fails the render with
// ErrAttrName.
type Attrs struct {
	ID    string // id; elements with a postback get one from the page Context if empty
	Class string // class
	Style string // style
	Title string // title
	Data  map[string]string
	Aria  map[string]string
}

// ErrAttrName reports a Data or Aria key that is not a safe attribute name.
var ErrAttrName = errors.New("elements: invalid data or aria attribute name")

// head appends id (the element's id, which may have been given by the
// page Context), class, style and title.
func (a *Attrs) head(o *out, id string) {
	o.attrIf("id", id)
	o.attrIf("class", a.Class)
	o.attrIf("style", a.Style)
	o.attrIf("title", a.Title)
}

// tail appends the data-* and aria-* attributes.
func (a *Attrs) tail(o *out) {
	o.prefixed("data-", a.Data)
	o.prefixed("aria-", a.Aria)
}

// prefixed appends one attribute per pair of m, named prefix+key, in key
// order.
func (o *out) prefixed(prefix string, m map[string]string) {
	switch len(m) {
	case 0:
		return
	case 1:
		for k, v := range m {
			o.named(prefix, k, v)
		}
		return
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		o.named(prefix, k, m[k])
	}
}

func (o *out) named(prefix, key, value string) {
	if !validName(key) {
		o.fail(fmt.Errorf("%w: %q", ErrAttrName, prefix+key))
		return
	}
	o.buf = append(o.buf, ' ')
	o.buf = append(o.buf, prefix...)
	o.buf = append(o.buf, key...)
	o.buf = append(o.buf, `="`...)
	o.buf = appendEscaped(o.buf, value)
	o.buf = append(o.buf, '"')
}
