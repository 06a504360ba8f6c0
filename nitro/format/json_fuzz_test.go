package format_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
)

// FuzzJSON: any term the decoder gives formats as valid JSON, or is
// refused; the JSON never holds NaN or an infinity.
func FuzzJSON(f *testing.F) {
	for _, t := range []bert.Term{
		bert.Tuple(bert.Atom("io"), bert.BinString("alert('<hi>');"), bert.Bin(nil)),
		bert.List(bert.Int(1), bert.Int(-1<<40), bert.Float(2.5), bert.Bin([]byte{0xff, 0})),
		bert.Map(bert.Atom("k"), bert.ImproperList(bert.Atom("t"), bert.Int(1))),
		bert.Tuple(bert.Float(math.MaxFloat64), bert.BinString("\u2028")),
	} {
		f.Add(bert.Encode(t))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		term, err := bert.Decode(data)
		if err != nil {
			return
		}
		out, err := format.JSON.Format(nil, term)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%v formats as invalid JSON: %s", term, out)
		}
	})
}
