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
var JSON nitro.Formatter = nitro.FormatterFunc(func(dst []byte, t bert.Term) ([]byte, error) {
	if err := finite(t); err != nil {
		return dst, err
	}
	return appendJSON(dst, t), nil
})

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
