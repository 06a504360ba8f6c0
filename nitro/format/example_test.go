package format_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
)

// The JSON formatter writes terms as N2O's n2o_json does.
func ExampleJSON() {
	reply := bert.Tuple(bert.Atom("io"), bert.BinString("alert('hi');"), bert.Bin(nil))
	b, err := format.JSON.Format(nil, reply)
	fmt.Println(string(b), err)
	// Output: {"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"alert('hi');"},{"t":109,"v":""}]} <nil>
}

// JSON has no NaN: a term holding one is refused, and nothing is written.
func ExampleJSON_notFinite() {
	b, err := format.JSON.Format(nil, bert.Tuple(bert.Atom("temp"), bert.Float(math.NaN())))
	fmt.Println(len(b), errors.Is(err, format.ErrNotFinite))
	// Output: 0 true
}

// The text formatters write N2O's example message so.
func Example() {
	hello := bert.Tuple(bert.Atom("io"), bert.BinString("console.log('hello')"), bert.Int(1))
	for _, name := range []string{"wamp", "text", "xml"} {
		f, _ := format.Named(name)
		b, _ := f.Format(nil, hello)
		fmt.Printf("%q\n", b)
	}
	// Output:
	// "[io,\"console.log('hello')\",1]"
	// "IO console.log('hello') 1\n"
	// "<io><eval>console.log('hello')</eval><data>1</data></io>"
}

// TEXT quotes a binary that could be read as something else, and marks
// atoms with ':'; nested terms are written as WAMP writes them.
func ExampleTEXT() {
	b, _ := format.TEXT.Format(nil, bert.Tuple(bert.Atom("io"), bert.BinString("a b"), bert.BinString("1"),
		bert.Atom("ok"), bert.Float(2), bert.Tuple(bert.Atom("error"), bert.BinString("x"))))
	fmt.Printf("%q\n", b)
	// Output: "IO \"a b\" \"1\" :ok 2.0 [error,\"x\"]\n"
}

// Each formatter but BERT reads frames too (nitro.Parser), within a
// memory budget in bytes.
func ExampleWAMP() {
	t, err := format.WAMP.(nitro.Parser).Parse([]byte(`[direct, {1, 2.5}, 'Hi there', "text"]`), 64<<10)
	fmt.Println(t, err)
	// Output: {direct,[1,2.5],'Hi there',<<"text">>} <nil>
}

// XML reads strictly: a DOCTYPE, and so any entity it would declare, is
// refused.
func ExampleXML() {
	_, err := format.XML.(nitro.Parser).Parse([]byte(`<!DOCTYPE io [<!ENTITY x "y">]><io><eval>&x;</eval></io>`), 64<<10)
	fmt.Println(errors.Is(err, format.ErrSyntax))
	// Output: true
}
