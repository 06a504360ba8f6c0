package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro/bert"
)

// maxBigDigits bounds the decimal text of a big integer JSON reads:
// converting it costs more than linear time.
const maxBigDigits = 1000

// Parse reads a frame of JSON (see JSON).
func (jsonFormatter) Parse(data []byte, maxMemory int) (bert.Term, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	p := &jsonParser{d: d, mem: newBudget(maxMemory)}
	t, err := p.term(0)
	if err != nil {
		return bert.Term{}, err
	}
	if _, err := d.Token(); err != io.EOF {
		return bert.Term{}, syntax("text after the term")
	}
	return t, nil
}

type jsonParser struct {
	d   *json.Decoder
	mem *budget
}

func (p *jsonParser) token() (json.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, syntax("unexpected end")
		}
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if s, ok := tok.(string); ok {
		if err := p.mem.take(0, len(s)); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

// expect reads a delimiter or a key.
func (p *jsonParser) expect(want json.Token) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if tok != want {
		return syntax("expected %v, got %.20v", want, tok)
	}
	return nil
}

func (p *jsonParser) term(depth int) (bert.Term, error) {
	if depth > MaxDepth {
		return bert.Term{}, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	if err := p.mem.take(1, 0); err != nil {
		return bert.Term{}, err
	}
	if err := p.expect(json.Delim('{')); err != nil {
		return bert.Term{}, err
	}
	return p.object(depth)
}

// object reads an object after its '{': tagged, or N2O's named form.
func (p *jsonParser) object(depth int) (bert.Term, error) {
	key, err := p.token()
	if err != nil {
		return bert.Term{}, err
	}
	switch key {
	case "name":
		return p.named(depth)
	case "t":
	default:
		return bert.Term{}, syntax("an object starts with \"t\" or \"name\"")
	}
	tok, err := p.token()
	if err != nil {
		return bert.Term{}, err
	}
	n, _ := tok.(json.Number)
	tag, err := strconv.Atoi(string(n))
	if err != nil {
		return bert.Term{}, syntax("bad tag %.20v", tok)
	}
	if tag == 106 {
		return bert.Nil(), p.expect(json.Delim('}'))
	}
	if err := p.expect("v"); err != nil {
		return bert.Term{}, err
	}
	var t bert.Term
	switch tag {
	case 100, 115, 118, 119:
		tok, err := p.token()
		if err != nil {
			return bert.Term{}, err
		}
		s, ok := tok.(string)
		if !ok || !validAtom(s) {
			return bert.Term{}, syntax("bad atom")
		}
		t = bert.Atom(s)
	case 107, 109:
		b, err := p.bytes()
		if err != nil {
			return bert.Term{}, err
		}
		if t = bert.Bin(b); tag == 107 {
			t = bert.ByteList(b)
		}
	case 97, 98, 110, 111:
		tok, err := p.token()
		if err != nil {
			return bert.Term{}, err
		}
		if t, err = jsonInt(tok, tag >= 110); err != nil {
			return bert.Term{}, err
		}
	case 70:
		tok, err := p.token()
		if err != nil {
			return bert.Term{}, err
		}
		n, ok := tok.(json.Number)
		f, err := strconv.ParseFloat(string(n), 64)
		if !ok || err != nil {
			return bert.Term{}, syntax("bad float %.20v", tok)
		}
		t = bert.Float(f)
	case 104, 105, 108, 116:
		elems, err := p.array(depth, tag == 116)
		if err != nil {
			return bert.Term{}, err
		}
		switch tag {
		case 104, 105:
			t = bert.Tuple(elems...)
		case 116:
			t = bert.Map(elems...)
		default:
			tok, err := p.token()
			if err != nil {
				return bert.Term{}, err
			}
			if tok == "tail" {
				tail, err := p.term(depth + 1)
				if err != nil {
					return bert.Term{}, err
				}
				return bert.ImproperList(tail, elems...), p.expect(json.Delim('}'))
			}
			if tok != json.Delim('}') {
				return bert.Term{}, syntax("expected }")
			}
			return bert.List(elems...), nil
		}
	default:
		return bert.Term{}, syntax("unknown tag %d", tag)
	}
	return t, p.expect(json.Delim('}'))
}

// array reads the elements of a tuple or list, or a map's pairs
// {"k":..,"v":..} as keys and values in turn.
func (p *jsonParser) array(depth int, pairs bool) ([]bert.Term, error) {
	if err := p.expect(json.Delim('[')); err != nil {
		return nil, err
	}
	var elems []bert.Term
	for p.d.More() {
		if !pairs {
			e, err := p.term(depth + 1)
			if err != nil {
				return nil, err
			}
			elems = append(elems, e)
			continue
		}
		if err := p.expect(json.Delim('{')); err != nil {
			return nil, err
		}
		for _, key := range []string{"k", "v"} {
			if err := p.expect(key); err != nil {
				return nil, err
			}
			e, err := p.term(depth + 1)
			if err != nil {
				return nil, err
			}
			elems = append(elems, e)
		}
		if err := p.expect(json.Delim('}')); err != nil {
			return nil, err
		}
	}
	return elems, p.expect(json.Delim(']'))
}

// bytes reads a binary's "v": a UTF-8 string or an array of byte values.
func (p *jsonParser) bytes() ([]byte, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	if s, ok := tok.(string); ok {
		if !utf8.ValidString(s) {
			return nil, syntax("invalid UTF-8")
		}
		return []byte(s), nil
	}
	if tok != json.Delim('[') {
		return nil, syntax("bad binary")
	}
	var b []byte
	for p.d.More() {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		n, _ := tok.(json.Number)
		c, err := strconv.ParseUint(string(n), 10, 8)
		if err != nil {
			return nil, syntax("bad byte %.20v", tok)
		}
		if err := p.mem.take(0, 1); err != nil {
			return nil, err
		}
		b = append(b, byte(c))
	}
	return b, p.expect(json.Delim(']'))
}

// jsonInt reads an integer: a JSON number, or for a big one its decimal
// text.
func jsonInt(tok json.Token, big_ bool) (bert.Term, error) {
	var s string
	switch v := tok.(type) {
	case json.Number:
		s = string(v)
	case string:
		if !big_ {
			return bert.Term{}, syntax("bad integer")
		}
		s = v
	default:
		return bert.Term{}, syntax("bad integer")
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return bert.Int(i), nil
	}
	if isNum, isFloat := isNumber(s); !big_ || !isNum || isFloat || len(s) > maxBigDigits+1 {
		return bert.Term{}, syntax("bad integer %.20q", s)
	}
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return bert.Term{}, syntax("bad integer %.20q", s)
	}
	return bert.BigInt(x), nil
}

// named reads the rest of N2O's named form, after its "name" key.
func (p *jsonParser) named(depth int) (bert.Term, error) {
	tok, err := p.token()
	if err != nil {
		return bert.Term{}, err
	}
	name, ok := tok.(string)
	if !ok || !validAtom(name) {
		return bert.Term{}, syntax("bad name")
	}
	if err := p.mem.take(1, 0); err != nil {
		return bert.Term{}, err
	}
	elems := []bert.Term{bert.Atom(name)}
	for p.d.More() {
		if _, err := p.token(); err != nil { // the key: only its place counts
			return bert.Term{}, err
		}
		v, err := p.plain(depth + 1)
		if err != nil {
			return bert.Term{}, err
		}
		elems = append(elems, v)
	}
	return bert.Tuple(elems...), p.expect(json.Delim('}'))
}

// plain reads a plain JSON value of the named form.
func (p *jsonParser) plain(depth int) (bert.Term, error) {
	if depth > MaxDepth {
		return bert.Term{}, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	if err := p.mem.take(1, 0); err != nil {
		return bert.Term{}, err
	}
	tok, err := p.token()
	if err != nil {
		return bert.Term{}, err
	}
	switch v := tok.(type) {
	case string:
		return bert.BinString(v), nil
	case json.Number:
		isNum, isFloat := isNumber(string(v))
		if !isNum {
			return bert.Term{}, syntax("bad number %.20q", v)
		}
		return parseNumber(string(v), isFloat)
	case bool:
		return bert.Bool(v), nil
	case nil:
		return bert.Atom("null"), nil
	case json.Delim:
		if v == '{' {
			return p.object(depth)
		}
		if v != '[' {
			return bert.Term{}, syntax("unexpected %v", v)
		}
		var elems []bert.Term
		for p.d.More() {
			e, err := p.plain(depth + 1)
			if err != nil {
				return bert.Term{}, err
			}
			elems = append(elems, e)
		}
		return bert.List(elems...), p.expect(json.Delim(']'))
	}
	return bert.Term{}, syntax("unexpected %v", tok)
}
