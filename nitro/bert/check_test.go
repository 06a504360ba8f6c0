package bert_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

func TestCheck(t *testing.T) {
	bigMap := func(dup bool) bert.Term {
		var kv []bert.Term
		for i := range 20 {
			kv = append(kv, bert.Int(int64(i)), bert.Atom("v"))
		}
		if dup {
			kv = append(kv, bert.Int(7), bert.Atom("again"))
		}
		return bert.Map(kv...)
	}
	tests := []struct {
		name string
		t    bert.Term
		ok   bool
	}{
		{"io reply", bert.Tuple(bert.Atom("io"), bert.BinString("alert(1);"), bert.Bin(nil)), true},
		{"255 characters", bert.Atom(strings.Repeat("é", 255)), true},
		{"256 characters", bert.Atom(strings.Repeat("a", 256)), false},
		{"not UTF-8", bert.Atom("a\xffb"), false},
		{"a float", bert.Float(1.5), true},
		{"NaN", bert.Float(math.NaN()), false},
		{"+Inf in a list", bert.List(bert.Int(1), bert.Float(math.Inf(1))), false},
		{"-Inf in a map value", bert.Map(bert.Atom("k"), bert.Float(math.Inf(-1))), false},
		{"bad atom in an improper tail", bert.ImproperList(bert.Atom("\xff"), bert.Int(1)), false},
		{"small map", bert.Map(bert.Atom("a"), bert.Int(1), bert.Atom("b"), bert.Int(1)), true},
		{"small map, a key twice", bert.Map(bert.Atom("a"), bert.Int(1), bert.Atom("a"), bert.Int(2)), false},
		{"large map", bigMap(false), true},
		{"large map, a key twice", bigMap(true), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bert.Check(tt.t)
			if (err == nil) != tt.ok {
				t.Fatalf("Check = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, bert.ErrUnencodable) {
				t.Errorf("Check = %v, want it to wrap ErrUnencodable", err)
			}
		})
	}
}

// What decodes passes, but for a map key given twice, which the decoder
// takes as it comes (the last one wins when the map is read).
func FuzzCheckDecoded(f *testing.F) {
	f.Add(bert.Encode(bert.Tuple(bert.Atom("io"), bert.Float(2.5), bert.Map(bert.Atom("k"), bert.Nil()))))
	f.Fuzz(func(t *testing.T, data []byte) {
		term, err := bert.Decode(data)
		if err != nil {
			return
		}
		if err := bert.Check(term); err != nil && !strings.Contains(err.Error(), "twice") {
			t.Fatalf("decoded %v, and Check says %v", term, err)
		}
	})
}
