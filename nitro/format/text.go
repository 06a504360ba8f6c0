package format

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// TEXT writes a message as one line: {io, <<"console.log('hello')">>, 1}
// is "IO console.log('hello') 1\n". The term must be a tuple whose first
// element is an atom of lower-case letters, digits and '_' (starting
// with a letter), written in upper case; the other elements follow, each
// after one space:
//
//   - an integer within 64 bits, or a finite float (with a '.' or an
//     exponent), as its decimal text;
//   - an atom as ':' and its name, which must be non-empty and hold no
//     space, control character, '"' or '\';
//   - a UTF-8 binary as it is when it is non-empty, holds no space,
//     control character, '"' or '\', does not start with ':', '[' or '{'
//     and does not read as a number; otherwise between double quotes,
//     escaped as in JSON;
//   - a tuple or a list as WAMP writes it: [tuple], {list}.
//
// The line ends with "\n", the only newline in it. Maps, big integers
// and binaries that are not UTF-8 are refused. Parse reads exactly this
// grammar, lower-casing the first word; a WAMP argument may hold spaces.
var TEXT nitro.Formatter = textFormatter{}

type textFormatter struct{}

func (textFormatter) Format(dst []byte, t bert.Term) ([]byte, error) {
	if t.Kind() != bert.KindTuple || t.Len() == 0 || !textHead(t.At(0)) {
		return dst, fmt.Errorf("%w: TEXT holds a tuple led by a lower-case atom", ErrUnsupported)
	}
	b := append(dst, strings.ToUpper(t.At(0).Atom())...)
	for _, e := range t.Elems()[1:] {
		b = append(b, ' ')
		var err error
		switch e.Kind() {
		case bert.KindInt, bert.KindFloat:
			b, err = appendNumber(b, e)
		case bert.KindAtom:
			if !textWord(e.Atom()) {
				return dst, fmt.Errorf("%w: atom %q in TEXT", ErrUnsupported, e.Atom())
			}
			b = append(append(b, ':'), e.Atom()...)
		case bert.KindBinary:
			data := e.Bytes()
			if !utf8.Valid(data) {
				return dst, fmt.Errorf("%w: a binary that is not UTF-8", ErrUnsupported)
			}
			if isNum, _ := isNumber(string(data)); textWord(string(data)) && !isNum &&
				data[0] != ':' && data[0] != '[' && data[0] != '{' {
				b = append(b, data...)
			} else {
				b = appendQuoted(b, data, '"')
			}
		case bert.KindTuple, bert.KindList, bert.KindByteList:
			b, err = wampSyntax.appendTerm(b, e, 1)
		default:
			err = fmt.Errorf("%w: %v in TEXT", ErrUnsupported, e.Kind())
		}
		if err != nil {
			return dst, err
		}
	}
	return append(b, '\n'), nil
}

// textHead says whether t can lead a TEXT line.
func textHead(t bert.Term) bool {
	name := t.Atom()
	if t.Kind() != bert.KindAtom || name == "" || name[0] < 'a' || name[0] > 'z' || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// textWord says whether s can be written bare: non-empty, valid UTF-8,
// without spaces, control characters, '"' or '\'.
func textWord(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (textFormatter) Parse(data []byte, maxMemory int) (bert.Term, error) {
	mem := newBudget(maxMemory)
	line, ok := bytes.CutSuffix(data, []byte("\n"))
	if !ok || bytes.IndexByte(line, '\n') >= 0 {
		return bert.Term{}, syntax("TEXT is one line ending in a newline")
	}
	i := bytes.IndexByte(line, ' ')
	if i < 0 {
		i = len(line)
	}
	head := bert.Atom(strings.ToLower(string(line[:i])))
	if !textHead(head) || strings.ToUpper(head.Atom()) != string(line[:i]) {
		return bert.Term{}, syntax("TEXT starts with an upper-case name")
	}
	elems := []bert.Term{head}
	if err := mem.take(2, 0); err != nil {
		return bert.Term{}, err
	}
	for pos := i; pos < len(line); {
		if line[pos] != ' ' || pos+1 == len(line) {
			return bert.Term{}, syntax("expected one space before an argument at byte %d", pos)
		}
		pos++
		if err := mem.take(1, 0); err != nil {
			return bert.Term{}, err
		}
		if line[pos] == '[' || line[pos] == '{' {
			p := &bracketParser{brackets: wampSyntax, data: line[pos:], mem: mem}
			t, err := p.term(1)
			if err != nil {
				return bert.Term{}, err
			}
			elems = append(elems, t)
			pos += p.pos
			continue
		}
		if line[pos] == '"' {
			s, n, err := readQuoted(line[pos:])
			if err != nil {
				return bert.Term{}, err
			}
			if err := mem.take(0, len(s)); err != nil {
				return bert.Term{}, err
			}
			elems = append(elems, bert.Bin(s))
			pos += n
			continue
		}
		end := bytes.IndexByte(line[pos:], ' ')
		if end < 0 {
			end = len(line)
		} else {
			end += pos
		}
		word := string(line[pos:end])
		pos = end
		if !textWord(word) {
			return bert.Term{}, syntax("bad argument %.20q", word)
		}
		if isNum, isFloat := isNumber(word); isNum {
			t, err := parseNumber(word, isFloat)
			if err != nil {
				return bert.Term{}, err
			}
			elems = append(elems, t)
			continue
		}
		if word[0] == ':' {
			if !textWord(word[1:]) || !validAtom(word[1:]) {
				return bert.Term{}, syntax("bad atom %.20q", word)
			}
			elems = append(elems, bert.Atom(word[1:]))
			continue
		}
		elems = append(elems, bert.BinString(word))
	}
	return bert.Tuple(elems...), nil
}
