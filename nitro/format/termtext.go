package format

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro/bert"
)

// This file holds what the text formats share: numbers, quoted strings,
// and the bracketed term syntax of WAMP.

// appendNumber appends an integer or a finite float so that it parses
// back as the same kind: a float always has a '.' or an exponent.
func appendNumber(b []byte, t bert.Term) ([]byte, error) {
	switch t.Kind() {
	case bert.KindInt:
		i, _ := t.Int()
		return strconv.AppendInt(b, i, 10), nil
	case bert.KindFloat:
		f, _ := t.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return b, fmt.Errorf("%w: %v", ErrNotFinite, f)
		}
		n := len(b)
		b = strconv.AppendFloat(b, f, 'g', -1, 64)
		if _, isFloat := isNumber(string(b[n:])); !isFloat {
			b = append(b, ".0"...)
		}
		return b, nil
	}
	return b, fmt.Errorf("%w: %v", ErrUnsupported, t.Kind())
}

// parseNumber reads s, which isNumber accepted. An integer beyond 64 bits
// or a float beyond float64 is refused, not rounded.
func parseNumber(s string, isFloat bool) (bert.Term, error) {
	if isFloat {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bert.Term{}, syntax("number %.20q out of range", s)
		}
		return bert.Float(f), nil
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return bert.Term{}, syntax("number %.20q out of range", s)
	}
	return bert.Int(i), nil
}

// appendQuoted appends s between q quotes, escaping q, '\\' and control
// characters as JSON does; s must be valid UTF-8.
func appendQuoted(b []byte, s []byte, q byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, q)
	for _, c := range s {
		switch {
		case c == q || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, q)
}

// readQuoted reads a string quoted with data[0] from the start of data;
// it returns the text and the bytes read. The text must be valid UTF-8.
func readQuoted(data []byte) (text []byte, n int, err error) {
	q := data[0]
	var out []byte
	for i := 1; i < len(data); i++ {
		c := data[i]
		switch {
		case c == q:
			if !utf8.Valid(out) {
				return nil, 0, syntax("invalid UTF-8 in a string")
			}
			return out, i + 1, nil
		case c == '\\':
			i++
			if i >= len(data) {
				return nil, 0, syntax("unterminated string")
			}
			switch e := data[i]; e {
			case '"', '\'', '\\', '/':
				out = append(out, e)
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'u':
				if i+4 >= len(data) {
					return nil, 0, syntax("short \\u escape")
				}
				r, err := strconv.ParseUint(string(data[i+1:i+5]), 16, 16)
				if err != nil || (r >= 0xd800 && r < 0xe000) {
					return nil, 0, syntax("bad \\u escape")
				}
				out = utf8.AppendRune(out, rune(r))
				i += 4
			default:
				return nil, 0, syntax("bad escape \\%c", e)
			}
		case c < 0x20:
			return nil, 0, syntax("control character in a string")
		default:
			out = append(out, c)
		}
	}
	return nil, 0, syntax("unterminated string")
}

// bareAtom says whether an atom can be written without quotes: a
// lower-case letter, then letters, digits, '_' and '@', as in Erlang.
func bareAtom(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '@') {
			return false
		}
	}
	return true
}

// brackets is a bracketed term syntax: WAMP's is [tuple] and {list}.
type brackets struct{ tupleOpen, tupleClose, listOpen, listClose byte }

func (s brackets) appendTerm(b []byte, t bert.Term, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return b, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	switch t.Kind() {
	case bert.KindAtom:
		if name := t.Atom(); bareAtom(name) {
			return append(b, name...), nil
		}
		return appendQuoted(b, []byte(t.Atom()), '\''), nil
	case bert.KindBinary:
		if !utf8.Valid(t.Bytes()) {
			return b, fmt.Errorf("%w: a binary that is not UTF-8", ErrUnsupported)
		}
		return appendQuoted(b, t.Bytes(), '"'), nil
	case bert.KindInt, bert.KindFloat:
		return appendNumber(b, t)
	case bert.KindTuple, bert.KindList, bert.KindByteList:
		open, close := s.tupleOpen, s.tupleClose
		if t.Kind() != bert.KindTuple {
			if !t.IsProper() {
				return b, fmt.Errorf("%w: an improper list", ErrUnsupported)
			}
			open, close = s.listOpen, s.listClose
		}
		if t.Kind() == bert.KindByteList {
			t = t.ToList()
		}
		b = append(b, open)
		for i, e := range t.Elems() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = s.appendTerm(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, close), nil
	}
	return b, fmt.Errorf("%w: %v", ErrUnsupported, t.Kind())
}

// format appends t, leaving dst as it was on error.
func (s brackets) format(dst []byte, t bert.Term) ([]byte, error) {
	out, err := s.appendTerm(dst, t, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// bracketParser reads one term of a bracketed syntax.
type bracketParser struct {
	brackets
	data []byte
	pos  int
	mem  *budget
}

func (s brackets) parse(data []byte, maxMemory int) (bert.Term, error) {
	p := &bracketParser{brackets: s, data: data, mem: newBudget(maxMemory)}
	t, err := p.term(0)
	if err != nil {
		return bert.Term{}, err
	}
	if p.space(); p.pos != len(data) {
		return bert.Term{}, syntax("text after the term at byte %d", p.pos)
	}
	return t, nil
}

func (p *bracketParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *bracketParser) term(depth int) (bert.Term, error) {
	if depth > MaxDepth {
		return bert.Term{}, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	if err := p.mem.take(1, 0); err != nil {
		return bert.Term{}, err
	}
	p.space()
	if p.pos >= len(p.data) {
		return bert.Term{}, syntax("unexpected end")
	}
	c := p.data[p.pos]
	switch {
	case c == p.tupleOpen || c == p.listOpen:
		close := p.tupleClose
		if c == p.listOpen {
			close = p.listClose
		}
		p.pos++
		var elems []bert.Term
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == close {
			p.pos++
		} else {
			for {
				e, err := p.term(depth + 1)
				if err != nil {
					return bert.Term{}, err
				}
				elems = append(elems, e)
				p.space()
				if p.pos >= len(p.data) {
					return bert.Term{}, syntax("unexpected end")
				}
				if p.data[p.pos] == close {
					p.pos++
					break
				}
				if p.data[p.pos] != ',' {
					return bert.Term{}, syntax("expected ',' at byte %d", p.pos)
				}
				p.pos++
			}
		}
		if c == p.tupleOpen {
			return bert.Tuple(elems...), nil
		}
		return bert.List(elems...), nil
	case c == '"' || c == '\'':
		s, n, err := readQuoted(p.data[p.pos:])
		if err != nil {
			return bert.Term{}, err
		}
		p.pos += n
		if err := p.mem.take(0, len(s)); err != nil {
			return bert.Term{}, err
		}
		if c == '"' {
			return bert.Bin(s), nil
		}
		if !validAtom(string(s)) {
			return bert.Term{}, syntax("atom too long")
		}
		return bert.Atom(string(s)), nil
	}
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == p.tupleClose || c == p.listClose {
			break
		}
		p.pos++
	}
	word := string(p.data[start:p.pos])
	if isNum, isFloat := isNumber(word); isNum {
		return parseNumber(word, isFloat)
	}
	if !bareAtom(word) || len(word) > 255 {
		return bert.Term{}, syntax("unexpected %.20q at byte %d", word, start)
	}
	return bert.Atom(word), nil
}
