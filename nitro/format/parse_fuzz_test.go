package format_test

import (
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
)

// fuzzParse checks a parser on any frame: it never panics, keeps to its
// budget, and a term it gives formats and parses back as itself.
func fuzzParse(f *testing.F, fm nitro.Formatter, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if b, err := fm.Format(nil, hello); err == nil {
		f.Add(b)
	}
	p := fm.(nitro.Parser)
	f.Fuzz(func(t *testing.T, data []byte) {
		term, err := p.Parse(data, 64<<10)
		if err != nil {
			return
		}
		out, err := fm.Format(nil, term)
		if err != nil {
			return // parsed, yet not writable: a duplicate map key, say
		}
		back, err := p.Parse(out, 1<<20)
		if err != nil || !bert.Equal(back, term) {
			t.Fatalf("%v formats as %q, which parses as %v, %v", term, out, back, err)
		}
	})
}

func FuzzParseWAMP(f *testing.F) {
	fuzzParse(f, format.WAMP, `[a,'b c',"d\u00e9",{1,2.5e3},[]]`, `{}`, `[[[[]]]]`)
}

func FuzzParseTEXT(f *testing.F) {
	fuzzParse(f, format.TEXT, "IO :a \"b c\" -1.5 [x,{}]\n", "PING\n")
}

func FuzzParseXML(f *testing.F) {
	fuzzParse(f, format.XML, `<a><v t="list"><v t="atom">x</v><v t="bin">1</v></v><v><b/></v></a>`,
		`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, `<?xml version="1.0"?><a><!-- c --><v>&amp;&#65;</v></a>`)
}

func FuzzParseJSON(f *testing.F) {
	fuzzParse(f, format.JSON, `{"t":116,"v":[{"k":{"t":106},"v":{"t":108,"v":[{"t":97,"v":1}],"tail":{"t":100,"v":"t"}}}]}`,
		`{"t":110,"v":"-123456789012345678901234567890"}`, `{"t":109,"v":[255,0]}`,
		`{"name":"io","eval":"x","data":[1,2.5,true,null,{"name":"a"}]}`)
}
