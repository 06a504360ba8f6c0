package format

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// JSON sends terms as N2O's n2o_json does, mirroring the JavaScript
// term model of bert.js: every term is {"t": Tag, "v": Value}, so
// {io, <<"js">>, <<>>} is
// {"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"js"},{"t":109,"v":""}]}.
// A binary that is not UTF-8 gives "v" as an array of byte values, an
// integer beyond 53 bits its decimal text (tag 110), and [] is
// {"t":106}. The frame is binary, as in N2O; its first byte '{' tells
// it from BERT's 131.
// JSON has no NaN or infinity: a term holding one is refused.
//
// Parse reads the form Format writes: an object whose first key is "t",
// the BERT tag, then "v" (and "tail" for an improper list). Atoms are
// tags 100, 115, 118 and 119; binaries 109 and byte lists 107, as a
// string or an array of byte values; integers 97, 98 and 110 (111 too),
// as a number or, for 110 and 111, a decimal string of at most 1000
// digits; floats 70, finite; tuples 104 (105 too), lists 108 and [] 106;
// maps 116. Bit binaries (77) are refused: the form does not keep their
// bit count.
//
// It also reads N2O's named form, what a client writes with
// JSON.stringify: an object whose first key is "name" is the tuple of the
// name as an atom and the values of the other keys in their order, so
// {"name":"io","eval":"console.log('hello')","data":1} is
// {io, <<"console.log('hello')">>, 1}. Its values are plain JSON: a
// string is a binary, a number an integer within 64 bits (or, with a '.'
// or an exponent, a finite float), an array a list, true, false and null
// the atoms of those names, and an object a tagged or named term.
var JSON nitro.Formatter = jsonFormatter{}

type jsonFormatter struct{}

func (jsonFormatter) Format(dst []byte, t bert.Term) ([]byte, error) {
	if err := finite(t); err != nil {
		return dst, err
	}
	return appendJSON(dst, t), nil
}

// ErrNotFinite is what JSON says of a term holding NaN or an infinity.
var ErrNotFinite = errors.New("format: JSON has no NaN or infinity")

// finite refuses a term that holds NaN or an infinity.
func finite(t bert.Term) error {
	switch t.Kind() {
	case bert.KindFloat:
		if f, _ := t.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: %v", ErrNotFinite, f)
		}
	case bert.KindTuple, bert.KindList:
		for _, e := range t.Elems() {
			if err := finite(e); err != nil {
				return err
			}
		}
		if !t.IsProper() && t.Kind() == bert.KindList {
			return finite(t.Tail())
		}
	case bert.KindMap:
		for i := range t.Len() {
			k, v := t.Pair(i)
			if err := finite(k); err != nil {
				return err
			}
			if err := finite(v); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendJSON(b []byte, t bert.Term) []byte {
	switch t.Kind() {
	case bert.KindAtom:
		return append(appendJSONString(append(b, `{"t":100,"v":`...), t.Atom(), nil), '}')
	case bert.KindBinary, bert.KindByteList, bert.KindBitBinary:
		tag := `{"t":109,"v":`
		if t.Kind() == bert.KindByteList {
			tag = `{"t":107,"v":`
		} else if t.Kind() == bert.KindBitBinary {
			tag = `{"t":77,"v":`
		}
		b = append(b, tag...)
		if data := t.Bytes(); utf8.Valid(data) && t.Kind() != bert.KindBitBinary {
			b = appendJSONString(b, "", data)
		} else {
			b = append(b, '[')
			for i, c := range data {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, int64(c), 10)
			}
			b = append(b, ']')
		}
		return append(b, '}')
	case bert.KindInt:
		i, _ := t.Int()
		switch {
		case i >= 0 && i <= 255:
			b = append(b, `{"t":97,"v":`...)
		case i >= -1<<31 && i < 1<<31:
			b = append(b, `{"t":98,"v":`...)
		case i > -1<<53 && i < 1<<53:
			b = append(b, `{"t":110,"v":`...)
		default:
			return append(strconv.AppendInt(append(b, `{"t":110,"v":"`...), i, 10), `"}`...)
		}
		return append(strconv.AppendInt(b, i, 10), '}')
	case bert.KindBigInt:
		return append(append(append(b, `{"t":110,"v":"`...), t.Big().String()...), `"}`...)
	case bert.KindFloat:
		f, _ := t.Float()
		return append(strconv.AppendFloat(append(b, `{"t":70,"v":`...), f, 'g', -1, 64), '}')
	case bert.KindTuple:
		return append(appendJSONSeq(append(b, `{"t":104,"v":[`...), t.Elems()), "]}"...)
	case bert.KindList:
		if t.IsNil() {
			return append(b, `{"t":106}`...)
		}
		b = appendJSONSeq(append(b, `{"t":108,"v":[`...), t.Elems())
		if !t.IsProper() {
			b = appendJSON(append(b, `],"tail":`...), t.Tail())
			return append(b, '}')
		}
		return append(b, "]}"...)
	case bert.KindMap:
		b = append(b, `{"t":116,"v":[`...)
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			k, v := t.Pair(i)
			b = appendJSON(append(b, `{"k":`...), k)
			b = appendJSON(append(b, `,"v":`...), v)
			b = append(b, '}')
		}
		return append(b, "]}"...)
	}
	return append(b, "null"...)
}

func appendJSONSeq(b []byte, elems []bert.Term) []byte {
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSON(b, e)
	}
	return b
}

// appendJSONString appends s (or, when s is empty, data) as a JSON string.
// U+2028 and U+2029 are escaped too, so the text is also safe as a
// JavaScript literal.
func appendJSONString(b []byte, s string, data []byte) []byte {
	if s == "" {
		s = string(data)
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r == 0x2028 || r == 0x2029 || r == '<' || r == '>' || r == '&':
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
