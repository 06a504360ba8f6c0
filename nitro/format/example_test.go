package format_test

import (
	"errors"
	"fmt"
	"math"

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
