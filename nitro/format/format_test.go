package format_test

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
)

// hello is the message of N2O's formatter examples.
var hello = bert.Tuple(bert.Atom("io"), bert.BinString("console.log('hello')"), bert.Int(1))

// parsers are the formatters that also read frames.
var parsers = map[string]nitro.Formatter{
	"JSON": format.JSON, "TEXT": format.TEXT, "WAMP": format.WAMP, "XML": format.XML,
}

// TestGolden holds the exact bytes of N2O's five examples.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    nitro.Formatter
		want string
	}{
		{"BERT", nitro.BERT, "\x83h\x03w\x02iom\x00\x00\x00\x14console.log('hello')a\x01"},
		{"WAMP", format.WAMP, `[io,"console.log('hello')",1]`},
		{"JSON", format.JSON, `{"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"console.log('hello')"},{"t":97,"v":1}]}`},
		{"TEXT", format.TEXT, "IO console.log('hello') 1\n"},
		{"XML", format.XML, `<io><eval>console.log('hello')</eval><data>1</data></io>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Format([]byte("prefix"), hello)
			if err != nil || string(got) != "prefix"+tt.want {
				t.Fatalf("Format = %q, %v; want %q", got, err, "prefix"+tt.want)
			}
			var back bert.Term
			if p, ok := tt.f.(nitro.Parser); ok {
				back, err = p.Parse([]byte(tt.want), 1<<20)
			} else {
				back, err = bert.Decode([]byte(tt.want))
			}
			if err != nil || !bert.Equal(back, hello) {
				t.Fatalf("Parse = %v, %v; want %v", back, err, hello)
			}
		})
	}
}

// TestRoundTrip: what a formatter writes, it reads back as the same term.
func TestRoundTrip(t *testing.T) {
	big1, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	all := []bert.Term{
		hello,
		bert.Tuple(bert.Atom("io"), bert.BinString(""), bert.Bin(nil)),
		bert.Tuple(bert.Atom("io"), bert.BinString("two words\nand \"quotes\" \\ \t<&>'"), bert.Tuple(bert.Atom("error"), bert.BinString("bad"))),
		bert.Tuple(bert.Atom("direct"), bert.Atom("plus"), bert.Atom("Upper"), bert.Atom("ünï")),
		bert.Tuple(bert.Atom("n"), bert.Int(-1<<63), bert.Int(1<<63-1), bert.Float(2.5), bert.Float(3), bert.Float(-1e300), bert.Float(1e-300)),
		bert.Tuple(bert.Atom("looks"), bert.BinString("1"), bert.BinString("-2.5e3"), bert.BinString(":a"), bert.BinString("[x"), bert.BinString("{y"), bert.BinString("日本")),
		bert.Tuple(bert.Atom("nest"), bert.List(bert.Int(1), bert.List(), bert.Tuple()), bert.Tuple(bert.Int(1), bert.Atom("a")), bert.List()),
		bert.Tuple(bert.Atom("cr"), bert.BinString("a\r\nb")),
		bert.Tuple(bert.Atom("msg"), bert.Tuple(bert.Atom("inner"), bert.BinString("x"), bert.Tuple(bert.Atom("deeper"), bert.Int(2)))),
	}
	notText := []bert.Term{
		bert.Tuple(bert.Atom("io"), bert.Atom("two words"), bert.Atom("it's")),
		bert.Tuple(bert.Atom("io"), bert.Atom(""), bert.Atom("")),
	}
	jsonOnly := []bert.Term{
		bert.Tuple(bert.Atom("big"), bert.BigInt(big1), bert.Bin([]byte{0xff, 0}), bert.ByteList([]byte("abc"))),
		bert.Map(bert.Atom("k"), bert.ImproperList(bert.Atom("t"), bert.Int(1))),
		bert.Atom("bare"),
	}
	for name, f := range parsers {
		terms := all
		if name != "TEXT" {
			terms = append(append([]bert.Term{}, all...), notText...)
		}
		if name == "JSON" {
			terms = append(terms, jsonOnly...)
		}
		for _, term := range terms {
			b, err := f.Format(nil, term)
			if err != nil {
				t.Errorf("%s: Format(%v): %v", name, term, err)
				continue
			}
			back, err := f.(nitro.Parser).Parse(b, 1<<20)
			if err != nil || !bert.Equal(back, term) {
				t.Errorf("%s: Parse(%q) = %v, %v; want %v", name, b, back, err, term)
			}
		}
	}
}

// TestRefused: a term a format cannot hold is refused, and dst is kept.
func TestRefused(t *testing.T) {
	for _, tt := range []struct {
		f    nitro.Formatter
		term bert.Term
	}{
		{format.TEXT, bert.Atom("io")},
		{format.TEXT, bert.Tuple(bert.Atom("IO"))},
		{format.TEXT, bert.Tuple(bert.Atom("io"), bert.Bin([]byte{0xff}))},
		{format.TEXT, bert.Tuple(bert.Atom("io"), bert.Float(math.NaN()))},
		{format.TEXT, bert.Tuple(bert.Atom("io"), bert.Atom("two words"))},
		{format.WAMP, bert.Map()},
		{format.WAMP, bert.Tuple(bert.Float(math.Inf(1)))},
		{format.WAMP, bert.ImproperList(bert.Int(1), bert.Int(2))},
		{format.XML, bert.List()},
		{format.XML, bert.Tuple(bert.Atom("io"), bert.BinString("\x01"))},
		{format.XML, bert.Tuple(bert.Atom("io"), bert.Map())},
		{format.JSON, bert.Float(math.NaN())},
	} {
		b, err := tt.f.Format([]byte("x"), tt.term)
		if err == nil || string(b) != "x" {
			t.Errorf("%T Format(%v) = %q, %v; want an error and dst kept", tt.f, tt.term, b, err)
		}
	}
}

// TestHostile: hostile frames get an error, never a crash or a huge term.
func TestHostile(t *testing.T) {
	deep := func(open, close string) string { return strings.Repeat(open, 1000) + strings.Repeat(close, 1000) }
	for _, tt := range []struct {
		name, in string
	}{
		{"XML", `<!DOCTYPE io [<!ENTITY a "aaaaaaaaaa">]><io><eval>&a;</eval></io>`},
		{"XML", `<!DOCTYPE io SYSTEM "file:///etc/passwd"><io><eval>x</eval></io>`},
		{"XML", `<io><eval>&a;</eval></io>`},
		{"XML", `<?xml-stylesheet href="x"?><io/>`},
		{"XML", "<io><eval>\xff</eval></io>"},
		{"XML", `<io><data>99999999999999999999999</data></io>`},
		{"XML", `<io><data>1e999</data></io>`},
		{"XML", `<io><data t="what">1</data></io>`},
		{"XML", `<io><eval>a</io>`},
		{"XML", `<io/><io/>`},
		{"XML", "<io>" + deep("<v>", "</v>") + "</io>"},
		{"XML", "<io>" + deep(`<v t="list">`, "</v>") + "</io>"},
		{"WAMP", deep("[", "]")},
		{"WAMP", `[io,NaN]`},
		{"WAMP", `[io,1e999]`},
		{"WAMP", `[io,99999999999999999999]`},
		{"WAMP", "[io,\"\xff\"]"},
		{"WAMP", `[io,"\ud800"]`},
		{"WAMP", `[io,1] x`},
		{"WAMP", `[io,`},
		{"TEXT", "IO 1"},
		{"TEXT", "io 1\n"},
		{"TEXT", "IO  1\n"},
		{"TEXT", "IO 1\n2\n"},
		{"TEXT", "IO 1e999\n"},
		{"TEXT", "IO 99999999999999999999\n"},
		{"TEXT", "IO \xff\n"},
		{"TEXT", "IO \"a\n"},
		{"TEXT", "IO " + deep("[", "]") + "\n"},
		{"JSON", deep(`{"t":104,"v":[`, "]}")},
		{"JSON", `{"t":70,"v":NaN}`},
		{"JSON", `{"t":70,"v":1e999}`},
		{"JSON", `{"t":97,"v":99999999999999999999}`},
		{"JSON", `{"t":110,"v":"` + strings.Repeat("9", 100000) + `"}`},
		{"JSON", `{"t":77,"v":"x"}`},
		{"JSON", `{"t":100,"v":"` + strings.Repeat("a", 256) + `"}`},
		{"JSON", `{"t":104,"v":[]} {}`},
		{"JSON", `{"v":1,"t":97}`},
	} {
		if term, err := parsers[tt.name].(nitro.Parser).Parse([]byte(tt.in), 1<<20); err == nil {
			t.Errorf("%s Parse(%.60q) = %v; want an error", tt.name, tt.in, term)
		}
	}
}

// TestBudget: a frame whose term would exceed the memory allowed is
// refused before it is built.
func TestBudget(t *testing.T) {
	many := func(open, elem, sep, close string) []byte {
		return []byte(open + strings.TrimSuffix(strings.Repeat(elem+sep, 10000), sep) + close)
	}
	for name, in := range map[string][]byte{
		"WAMP": many("[", "1", ",", "]"),
		"TEXT": append(many("IO ", "1", " ", ""), '\n'),
		"XML":  many("<io>", "<v>1</v>", "", "</io>"),
		"JSON": many(`{"t":104,"v":[`, `{"t":97,"v":1}`, ",", "]}"),
	} {
		p := parsers[name].(nitro.Parser)
		if _, err := p.Parse(in, 1<<20); err != nil {
			t.Errorf("%s within budget: %v", name, err)
		}
		if _, err := p.Parse(in, 64<<10); !errors.Is(err, format.ErrTooBig) {
			t.Errorf("%s over budget: %v; want ErrTooBig", name, err)
		}
	}
}

// TestParseAllocs: memory grows with the frame, not beyond: a 1 MiB frame
// of empty lists parses in a bounded number of allocations.
func TestParseAllocs(t *testing.T) {
	in := append([]byte("["), bytes.Repeat([]byte("{},"), 1<<18)...)
	in[len(in)-1] = ']'
	n := testing.AllocsPerRun(1, func() {
		if _, err := format.WAMP.(nitro.Parser).Parse(in, 16<<20); err != nil {
			t.Fatal(err)
		}
	})
	if n > 100 {
		t.Errorf("%v allocations for a 1 MiB frame", n)
	}
}

// TestJSONNamed: JSON reads N2O's named form, as a client writes it with
// JSON.stringify.
func TestJSONNamed(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bert.Term
	}{
		{`{"name":"io","eval":"console.log('hello')","data":1}`, hello},
		{`{"name":"direct","msg":{"name":"plus","by":2.5,"of":[1,"a",true,false,null]}}`,
			bert.Tuple(bert.Atom("direct"), bert.Tuple(bert.Atom("plus"), bert.Float(2.5),
				bert.List(bert.Int(1), bert.BinString("a"), bert.Atom("true"), bert.Atom("false"), bert.Atom("null"))))},
		{`{"name":"n","tagged":{"t":100,"v":"ok"},"e":1e3}`, bert.Tuple(bert.Atom("n"), bert.Atom("ok"), bert.Float(1000))},
	} {
		got, err := format.JSON.(nitro.Parser).Parse([]byte(tt.in), 1<<20)
		if err != nil || !bert.Equal(got, tt.want) {
			t.Errorf("Parse(%s) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		`{"name":1}`,
		`{"name":"io","x":1e999}`,
		`{"name":"io","x":99999999999999999999}`,
		`{"name":"io","x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`,
		`{"other":"io"}`,
	} {
		if got, err := format.JSON.(nitro.Parser).Parse([]byte(in), 1<<20); err == nil {
			t.Errorf("Parse(%.60s) = %v; want an error", in, got)
		}
	}
}
