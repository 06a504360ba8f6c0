package bert

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns t as Erlang prints it, near enough to read in a log or a
// test failure: {io,<<"alert(1);">>,<<>>}. Binaries that are printable
// UTF-8 print as <<"text">>, others as bytes.
func (t Term) String() string {
	var b strings.Builder
	t.print(&b)
	return b.String()
}

func (t Term) print(b *strings.Builder) {
	switch t.kind {
	case KindAtom:
		printAtom(b, t.Atom())
	case KindInt:
		b.WriteString(strconv.FormatInt(t.n, 10))
	case KindBigInt:
		b.WriteString(t.Big().String())
	case KindFloat:
		f, _ := t.Float()
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		b.WriteString(s)
	case KindBinary:
		b.WriteString("<<")
		printBytes(b, t.data())
		b.WriteString(">>")
	case KindBitBinary:
		b.WriteString("<<")
		for i, c := range t.data() {
			if i > 0 {
				b.WriteByte(',')
			}
			if i == int(t.n)-1 {
				b.WriteString(strconv.Itoa(int(c) >> (8 - t.bits)))
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(int(t.bits)))
			} else {
				b.WriteString(strconv.Itoa(int(c)))
			}
		}
		b.WriteString(">>")
	case KindByteList:
		if isPrintable(t.data()) {
			b.WriteString(strconv.Quote(string(t.data())))
			return
		}
		t.ToList().print(b)
	case KindTuple:
		b.WriteByte('{')
		printSeq(b, t.elems())
		b.WriteByte('}')
	case KindList:
		b.WriteByte('[')
		printSeq(b, t.Elems())
		if t.bits == 1 {
			b.WriteByte('|')
			t.Tail().print(b)
		}
		b.WriteByte(']')
	case KindMap:
		b.WriteString("#{")
		for i := 0; i+1 < int(t.n); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			t.elems()[i].print(b)
			b.WriteString(" => ")
			t.elems()[i+1].print(b)
		}
		b.WriteByte('}')
	}
}

func printSeq(b *strings.Builder, elems []Term) {
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		e.print(b)
	}
}

func printBytes(b *strings.Builder, data []byte) {
	if len(data) == 0 {
		return
	}
	if isPrintable(data) {
		b.WriteString(strconv.Quote(string(data)))
		return
	}
	for i, c := range data {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(c)))
	}
}

func isPrintable(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// printAtom quotes an atom unless it is a plain lower-case word.
func printAtom(b *strings.Builder, name string) {
	plain := name != "" && name[0] >= 'a' && name[0] <= 'z'
	for i := 0; plain && i < len(name); i++ {
		c := name[i]
		plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '@'
	}
	if plain {
		b.WriteString(name)
		return
	}
	b.WriteByte('\'')
	for _, r := range name {
		switch r {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
}
