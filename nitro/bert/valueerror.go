package bert

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// ErrUnsupported is the cause of a MarshalError or UnmarshalError for a Go
// type that has no term: a channel, a function, a complex number.
var ErrUnsupported = errors.New("bert: unsupported Go type")

// A MarshalError says which part of a Go value could not become a term.
type MarshalError struct {
	Path string       // where in the value: ev.Msg, [2], ev.Opts[size]; "" for the value itself
	Type reflect.Type // the Go type there
	Err  error        // ErrUnsupported, ErrDepth, or what a MarshalBERT method returned
}

func (e *MarshalError) Error() string {
	return "bert: cannot marshal " + errWhere(e.Path, e.Type) + ": " + strings.TrimPrefix(e.Err.Error(), "bert: ")
}

func (e *MarshalError) Unwrap() error { return e.Err }

func errWhere(path string, t reflect.Type) string {
	name := "nil"
	if t != nil {
		name = t.String()
	}
	if path == "" {
		return name
	}
	return path + " (" + name + ")"
}

func marshalTooDeep(v reflect.Value) error {
	return &MarshalError{Type: v.Type(), Err: fmt.Errorf("%w (over %d levels; a cycle?)", ErrDepth, valueMaxDepth)}
}

// ErrMismatch is the cause of an UnmarshalError for a term that does not
// fit the Go value: a tuple for an int, a record of another tag or arity,
// an integer that overflows.
var ErrMismatch = errors.New("bert: term does not fit the Go value")

// An UnmarshalError says which term did not fit which part of a Go value:
//
//	bert: cannot unmarshal {foo,1} into ev.Msg (int): want integer
type UnmarshalError struct {
	Path string       // where in the value: ev.Msg, [2], ev.Opts[<<"size">>]; "" for the value itself
	Type reflect.Type // the Go type there
	Got  Term         // the term that did not fit (from Unmarshal: a copy, cut down to what Error shows)
	Want string       // what would have fitted, for people: "integer", "record tag ev, got foo"
	Err  error        // ErrMismatch, ErrDepth, ErrUnsupported, or what an UnmarshalBERT method returned
}

func (e *UnmarshalError) Error() string {
	var b strings.Builder
	b.WriteString("bert: cannot unmarshal ")
	b.WriteString(sketchTerm(e.Got))
	b.WriteString(" into ")
	b.WriteString(errWhere(e.Path, e.Type))
	b.WriteString(": ")
	if e.Want != "" {
		b.WriteString("want ")
		b.WriteString(e.Want)
	}
	if e.Err != nil && e.Err != ErrMismatch {
		if e.Want != "" {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "bert: "))
	}
	return b.String()
}

func (e *UnmarshalError) Unwrap() error { return e.Err }

func mismatchError(t Term, v reflect.Value, st fromState, want string) error {
	if st.clone {
		t = pruneTerm(t, sketchDepth)
	}
	return &UnmarshalError{Type: v.Type(), Got: t, Want: want, Err: ErrMismatch}
}

func unmarshalTooDeep(t Term, v reflect.Value, st fromState) error {
	err := mismatchError(t, v, st, "").(*UnmarshalError)
	err.Err = fmt.Errorf("%w (over %d levels)", ErrDepth, valueMaxDepth)
	return err
}

// sketchTerm prints a term for an error message: shallow and short, whatever
// the size of the term.
func sketchTerm(t Term) string {
	var b strings.Builder
	sketchTermTo(&b, t, sketchDepth)
	s := b.String()
	if len(s) <= 80 {
		return s
	}
	cut := 77
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// How much of a term an error shows.
const (
	sketchDepth = 3  // nested tuples, lists and maps
	sketchElems = 8  // elements of each
	sketchBytes = 32 // bytes of a binary
)

func sketchTermTo(b *strings.Builder, t Term, depth int) {
	switch t.Kind() {
	case KindTuple, KindList, KindMap:
		open, end := "{", "}"
		switch t.Kind() {
		case KindList:
			open, end = "[", "]"
		case KindMap:
			open = "#{"
		}
		b.WriteString(open)
		n := t.Len()
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			if depth <= 0 || i == sketchElems {
				b.WriteString("...")
				break
			}
			if t.Kind() == KindMap {
				k, v := t.Pair(i)
				sketchTermTo(b, k, depth-1)
				b.WriteString(" => ")
				sketchTermTo(b, v, depth-1)
			} else {
				sketchTermTo(b, t.At(i), depth-1)
			}
		}
		if !t.IsProper() && t.Kind() == KindList {
			b.WriteByte('|')
			sketchTermTo(b, t.Tail(), depth-1)
		}
		b.WriteString(end)
	case KindBinary:
		if data := t.Bytes(); len(data) > sketchBytes {
			s := Bin(data[:sketchBytes]).String()
			b.WriteString(strings.TrimSuffix(s, ">>"))
			b.WriteString(",...>>")
			return
		}
		b.WriteString(t.String())
	case KindByteList:
		if data := t.Bytes(); len(data) > sketchBytes {
			b.WriteString(ByteList(data[:sketchBytes]).String())
			b.WriteString("...")
			return
		}
		b.WriteString(t.String())
	case KindBitBinary:
		if t.Len() > sketchBytes {
			b.WriteString("<<...>>")
			return
		}
		b.WriteString(t.String())
	case KindBigInt:
		if x := t.Big(); x.BitLen() > 8*sketchBytes {
			fmt.Fprintf(b, "(an integer of %d bits)", x.BitLen())
			return
		}
		b.WriteString(t.String())
	default:
		b.WriteString(t.String())
	}
}

// pruneTerm copies of t what sketchTerm shows of it, for an error that
// must not keep the caller's buffer: what lies deeper or further becomes
// the atom '...', and a long binary is cut (just past what is shown, so
// that it still shows as cut). It copies little whatever the size of t.
func pruneTerm(t Term, depth int) Term {
	switch t.Kind() {
	case KindTuple, KindList, KindMap:
		n := t.Len()
		if n == 0 {
			return t
		}
		more := depth <= 0 || n > sketchElems
		shown := min(n, sketchElems)
		if depth <= 0 {
			shown = 0
		}
		if t.Kind() == KindMap {
			kv := make([]Term, 0, 2*shown+2)
			for i := range shown {
				k, v := t.Pair(i)
				kv = append(kv, pruneTerm(k, depth-1), pruneTerm(v, depth-1))
			}
			if more {
				kv = append(kv, ellipsisAtom, ellipsisAtom)
			}
			return Map(kv...)
		}
		elems := make([]Term, 0, shown+1)
		for i := range shown {
			elems = append(elems, pruneTerm(t.At(i), depth-1))
		}
		if more {
			elems = append(elems, ellipsisAtom)
		}
		if t.Kind() == KindTuple {
			return Tuple(elems...)
		}
		if !t.IsProper() && !more {
			return ImproperList(pruneTerm(t.Tail(), depth-1), elems...)
		}
		return List(elems...)
	case KindBinary, KindByteList, KindBitBinary:
		if t.Len() > sketchBytes && t.Kind() != KindBitBinary {
			cut := append([]byte(nil), t.Bytes()[:sketchBytes+1]...)
			if t.Kind() == KindByteList {
				return ByteList(cut)
			}
			return Bin(cut)
		}
	}
	return t.Clone()
}

var ellipsisAtom = Atom("...")

// errRootName is the first part of an error path: the tag of the record a
// value is, through pointers, or "".
func errRootName(t reflect.Type) string {
	for range 8 {
		if t.Kind() != reflect.Pointer {
			break
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	if rec := codecFor(t).rec; rec != nil {
		return rec.tag
	}
	return ""
}

// maxErrPath bounds the length of an error path (a cycle would make it long).
const maxErrPath = 200

// errPrependPath puts seg in front of the path of a MarshalError or
// UnmarshalError, as the error unwinds out of a struct, list or map.
func errPrependPath(err error, seg string) error {
	switch e := err.(type) {
	case *MarshalError:
		e.Path = errJoinPath(seg, e.Path)
	case *UnmarshalError:
		e.Path = errJoinPath(seg, e.Path)
	}
	return err
}

func errJoinPath(seg, path string) string {
	p := seg + path
	if len(p) <= maxErrPath {
		return p
	}
	cut := maxErrPath - 3
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return p[:cut] + "..."
}

// errRootPath completes the path of an error that reached the top of ToTerm
// or FromTerm, for a value of type t.
func errRootPath(err error, t reflect.Type) error {
	var p *string
	switch e := err.(type) {
	case *MarshalError:
		p = &e.Path
	case *UnmarshalError:
		p = &e.Path
	default:
		return err
	}
	*p = errJoinPath(errRootName(t), *p)
	*p = strings.TrimPrefix(*p, ".")
	return err
}
