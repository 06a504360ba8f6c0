package format

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// XML writes a message as an element named by its first element, an
// atom, holding one element per field: {io, <<"console.log('hello')">>,
// 1} is <io><eval>console.log('hello')</eval><data>1</data></io>. The
// fields of io are named eval and data, as in N2O; those of any other
// message v. A field holds
//
//   - an integer or a finite float as its text; a UTF-8 binary as its
//     escaped text, with t="bin" when the text would read as a number;
//   - an atom as its name with t="atom";
//   - a tuple led by an atom as a nested element as above;
//   - any other tuple with t="tuple", a list with t="list", each holding
//     one <v> field per element.
//
// Element names are an ASCII letter, then letters, digits and '_'. Maps,
// bit binaries, improper lists, big integers and text XML cannot hold
// (control characters) are refused.
//
// Parse reads the same shape, ignoring field names, whitespace between
// elements and comments. It is strict: only XML's five predefined
// entities and character references are known, a DOCTYPE or any other
// directive is refused (so no external entity is fetched and no entity
// expanded), nesting is bounded by MaxDepth and memory by its budget.
var XML nitro.Formatter = xmlFormatter{}

type xmlFormatter struct{}

// xmlFields names the fields of the messages N2O names.
var xmlFields = map[string][]string{"io": {"eval", "data"}}

func xmlName(name string) bool {
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return !strings.HasPrefix(strings.ToLower(name), "xml")
}

// xmlMessage says whether t is written as an element of its own.
func xmlMessage(t bert.Term) bool {
	return t.Kind() == bert.KindTuple && t.Len() > 0 && t.At(0).Kind() == bert.KindAtom && xmlName(t.At(0).Atom())
}

func (xmlFormatter) Format(dst []byte, t bert.Term) ([]byte, error) {
	if !xmlMessage(t) {
		return dst, fmt.Errorf("%w: XML holds a tuple led by an atom", ErrUnsupported)
	}
	b, err := appendXMLMessage(dst, t, 0)
	if err != nil {
		return dst, err
	}
	return b, nil
}

func appendXMLMessage(b []byte, t bert.Term, depth int) ([]byte, error) {
	name := t.At(0).Atom()
	b = append(append(append(b, '<'), name...), '>')
	names := xmlFields[name]
	for i, e := range t.Elems()[1:] {
		field := "v"
		if i < len(names) {
			field = names[i]
		}
		var err error
		if b, err = appendXMLField(b, field, e, depth+1); err != nil {
			return b, err
		}
	}
	return append(append(append(b, "</"...), name...), '>'), nil
}

func appendXMLField(b []byte, field string, t bert.Term, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return b, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	b = append(append(b, '<'), field...)
	var err error
	switch t.Kind() {
	case bert.KindInt, bert.KindFloat:
		b = append(b, '>')
		b, err = appendNumber(b, t)
	case bert.KindBinary:
		if isNum, _ := isNumber(string(t.Bytes())); isNum {
			b = append(b, ` t="bin"`...)
		}
		b = append(b, '>')
		b, err = appendXMLText(b, t.Bytes())
	case bert.KindAtom:
		b = append(b, ` t="atom">`...)
		b, err = appendXMLText(b, []byte(t.Atom()))
	case bert.KindTuple, bert.KindList, bert.KindByteList:
		if xmlMessage(t) {
			b, err = appendXMLMessage(append(b, '>'), t, depth)
			break
		}
		if t.Kind() == bert.KindTuple {
			b = append(b, ` t="tuple">`...)
		} else if t.IsProper() {
			b = append(b, ` t="list">`...)
			t = t.ToList()
		} else {
			return b, fmt.Errorf("%w: an improper list", ErrUnsupported)
		}
		for _, e := range t.Elems() {
			if b, err = appendXMLField(b, "v", e, depth+1); err != nil {
				return b, err
			}
		}
	default:
		return b, fmt.Errorf("%w: %v in XML", ErrUnsupported, t.Kind())
	}
	if err != nil {
		return b, err
	}
	return append(append(append(b, "</"...), field...), '>'), nil
}

// appendXMLText escapes s as XML text; s must be UTF-8 that XML can hold.
func appendXMLText(b []byte, s []byte) ([]byte, error) {
	for _, r := range string(s) {
		if r == utf8.RuneError || !isXMLChar(r) {
			return b, fmt.Errorf("%w: text XML cannot hold", ErrUnsupported)
		}
	}
	for _, c := range s { // quotes stay as they are, as in N2O's example
		switch c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\r': // else read back as '\n'
			b = append(b, "&#xD;"...)
		default:
			b = append(b, c)
		}
	}
	return b, nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// xmlParser reads the tokens of one frame.
type xmlParser struct {
	d   *xml.Decoder
	mem *budget
}

func (xmlFormatter) Parse(data []byte, maxMemory int) (bert.Term, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = nil // the five predefined only
	p := &xmlParser{d: d, mem: newBudget(maxMemory)}
	var root bert.Term
	seen := false
	for {
		tok, err := p.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bert.Term{}, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if seen {
				return bert.Term{}, syntax("more than one root element")
			}
			if root, err = p.message(tok, 0); err != nil {
				return bert.Term{}, err
			}
			seen = true
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return bert.Term{}, syntax("text outside the root element")
			}
		}
	}
	if !seen {
		return bert.Term{}, syntax("no element")
	}
	return root, nil
}

// token reads the next token, refusing directives (DOCTYPE and its
// entities) and processing instructions other than the XML declaration;
// comments are skipped.
func (p *xmlParser) token() (xml.Token, error) {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if err == io.EOF {
				return nil, err
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, syntax("%s", se.Msg)
			}
			return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
		}
		switch tok := tok.(type) {
		case xml.Directive:
			return nil, syntax("directives (DOCTYPE) are refused")
		case xml.ProcInst:
			if tok.Target != "xml" {
				return nil, syntax("processing instructions are refused")
			}
			continue
		case xml.Comment:
			continue
		case xml.CharData:
			if err := p.mem.take(0, len(tok)); err != nil {
				return nil, err
			}
		}
		return tok, nil
	}
}

// message reads a tuple led by the atom naming start.
func (p *xmlParser) message(start xml.StartElement, depth int) (bert.Term, error) {
	if !xmlName(start.Name.Local) || start.Name.Space != "" {
		return bert.Term{}, syntax("bad element name %.20q", start.Name.Local)
	}
	if err := p.mem.take(2, 0); err != nil {
		return bert.Term{}, err
	}
	elems := []bert.Term{bert.Atom(start.Name.Local)}
	for {
		tok, err := p.token()
		if err != nil {
			return bert.Term{}, eof(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			v, err := p.field(tok, depth+1)
			if err != nil {
				return bert.Term{}, err
			}
			elems = append(elems, v)
		case xml.EndElement:
			return bert.Tuple(elems...), nil
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return bert.Term{}, syntax("text between fields of <%s>", start.Name.Local)
			}
		}
	}
}

func eof(err error) error {
	if err == io.EOF {
		return syntax("unexpected end")
	}
	return err
}

// field reads the value a field element holds.
func (p *xmlParser) field(start xml.StartElement, depth int) (bert.Term, error) {
	if depth > MaxDepth {
		return bert.Term{}, fmt.Errorf("%w: nested over %d", ErrTooBig, MaxDepth)
	}
	if err := p.mem.take(1, 0); err != nil {
		return bert.Term{}, err
	}
	kind := ""
	for _, a := range start.Attr {
		if a.Name.Local == "t" && a.Name.Space == "" {
			kind = a.Value
		}
	}
	switch kind {
	case "", "bin", "atom", "tuple", "list":
	default:
		return bert.Term{}, syntax("unknown t=%.20q", kind)
	}
	var text []byte
	var elems []bert.Term
	var nested *bert.Term
	for {
		tok, err := p.token()
		if err != nil {
			return bert.Term{}, eof(err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text = append(text, tok...)
		case xml.StartElement:
			switch {
			case kind == "tuple" || kind == "list":
				v, err := p.field(tok, depth+1)
				if err != nil {
					return bert.Term{}, err
				}
				elems = append(elems, v)
			case kind == "" && nested == nil:
				v, err := p.message(tok, depth)
				if err != nil {
					return bert.Term{}, err
				}
				nested = &v
			default:
				return bert.Term{}, syntax("unexpected element <%.20s>", tok.Name.Local)
			}
		case xml.EndElement:
			if kind == "tuple" || kind == "list" || nested != nil {
				if len(bytes.TrimSpace(text)) > 0 {
					return bert.Term{}, syntax("text beside elements in <%s>", start.Name.Local)
				}
			}
			switch {
			case kind == "tuple":
				return bert.Tuple(elems...), nil
			case kind == "list":
				return bert.List(elems...), nil
			case nested != nil:
				return *nested, nil
			case kind == "atom":
				if !validAtom(string(text)) {
					return bert.Term{}, syntax("atom too long")
				}
				return bert.Atom(string(text)), nil
			case kind == "":
				if isNum, isFloat := isNumber(string(text)); isNum {
					return parseNumber(string(text), isFloat)
				}
			}
			return bert.Bin(text), nil
		}
	}
}
