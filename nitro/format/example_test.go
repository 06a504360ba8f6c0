package format_test

import (
	"fmt"

	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
)

// The JSON formatter writes terms as N2O's n2o_json does.
func ExampleJSON() {
	reply := bert.Tuple(bert.Atom("io"), bert.BinString("alert('hi');"), bert.Bin(nil))
	fmt.Println(string(format.JSON.Format(nil, reply)))
	// Output: {"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"alert('hi');"},{"t":109,"v":""}]}
}
