package actions

import (
	"strings"

	"github.com/nitrogo/framework/nitro"
)

// A Target names the elements an action applies to (NITRO's jq targets):
// an element by id, the first element a CSS selector matches, or all of
// them. An action on a target that matches nothing does nothing.
type Target struct {
	kind targetKind
	s    string
}

type targetKind uint8

const (
	byID targetKind = iota
	bySel
	byAll
)

// ID targets the element with the given id: qi(id).
func ID(id string) Target { return Target{byID, id} }

// Sel targets the first element that the CSS selector matches: qs(css).
func Sel(css string) Target { return Target{bySel, css} }

// All targets every element that the CSS selector matches, in document
// order: the action applies to each element of qa(css).
func All(css string) Target { return Target{byAll, css} }

// open starts the JavaScript that runs the code that follows with x bound
// to each element of the target, if any: {var x=qi("id");if(x){ ... for
// one element, Array.prototype.forEach.call(qa("sel"),function(x){ ...
// for all.
func (t Target) open(b []byte) []byte {
	switch t.kind {
	case byAll:
		b = append(b, "Array.prototype.forEach.call(qa("...)
		b = AppendQuote(b, t.s)
		return append(b, "),function(x){"...)
	case bySel:
		b = append(b, "{var x=qs("...)
	default:
		b = append(b, "{var x=qi("...)
	}
	b = AppendQuote(b, t.s)
	return append(b, ");if(x){"...)
}

// close ends what open started.
func (t Target) close(b []byte) []byte {
	if t.kind == byAll {
		return append(b, "});"...)
	}
	return append(b, "}}"...)
}

// on queues the JavaScript that body appends, run with x bound to each
// element of t.
func on(cx *nitro.Context, t Target, body func(b []byte) []byte) {
	cx.AppendJS(func(b []byte) []byte {
		return t.close(body(t.open(b)))
	})
}

// appendPath appends a property path as quoted subscripts:
// "style.color" → ["style"]["color"].
func appendPath(b []byte, path string) []byte {
	for {
		seg, rest, more := strings.Cut(path, ".")
		b = append(b, '[')
		b = AppendQuote(b, seg)
		b = append(b, ']')
		if !more {
			return b
		}
		path = rest
	}
}

// SetProp sets a property of the target's elements to value, encoded as
// JSON (NITRO's #jq{property=P, right=V}):
//
//	SetProp(cx, ID("name"), "value", "")          {var x=qi("name");if(x){x["value"]="";}}
//	SetProp(cx, All("input"), "disabled", true)   Array.prototype.forEach.call(qa("input"),function(x){x["disabled"]=true;});
//
// prop may be a dotted path ("style.color", "dataset.count"). A value that
// encoding/json cannot encode is an error, and nothing is queued.
func SetProp(cx *nitro.Context, t Target, prop string, value any) error {
	v, err := appendJSON(nil, value)
	if err != nil {
		return err
	}
	on(cx, t, func(b []byte) []byte {
		b = append(b, 'x')
		b = appendPath(b, prop)
		b = append(b, '=')
		b = append(b, v...)
		return append(b, ';')
	})
	return nil
}

// Call calls a method of the target's elements with args, each encoded as
// JSON (NITRO's #jq{method=[M], args=A}):
//
//	Call(cx, ID("name"), "setCustomValidity", "Required")   {var x=qi("name");if(x){x["setCustomValidity"]("Required");}}
//
// method may be a dotted path ("classList.toggle"). An argument that
// encoding/json cannot encode is an error, and nothing is queued.
func Call(cx *nitro.Context, t Target, method string, args ...any) error {
	var a []byte
	for i, arg := range args {
		if i > 0 {
			a = append(a, ',')
		}
		var err error
		if a, err = appendJSON(a, arg); err != nil {
			return err
		}
	}
	on(cx, t, func(b []byte) []byte {
		b = append(b, 'x')
		b = appendPath(b, method)
		b = append(b, '(')
		b = append(b, a...)
		return append(b, ");"...)
	})
	return nil
}
