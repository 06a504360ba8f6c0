package bert_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

// addSeeds adds every vector's bytes to the seed corpus; go test adds the
// files under testdata/fuzz/<FuzzName> itself.
func addSeeds(f *testing.F) {
	f.Helper()
	for _, v := range mustValid(f) {
		f.Add(mustHex(f, v.Hex))
		f.Add(mustHex(f, v.HexUTF8Atoms))
	}
	for _, v := range mustCompressed(f) {
		f.Add(mustHex(f, v.Hex))
	}
	for _, v := range mustInvalid(f) {
		f.Add(mustHex(f, v.Hex))
	}
}

// FuzzDecode checks that Decode never panics, fails only with a DecodeError,
// and that whatever it accepts encodes to a frame that decodes to the same
// term and encodes again to the same bytes.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		term, err := bert.Decode(data)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		enc := bert.Encode(term)
		term2, err := bert.Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%v)) of %x: %v", term, enc, err)
		}
		if !bert.Equal(term, term2) {
			t.Fatalf("Decode(Encode(t)): got %v, want %v", term2, term)
		}
		if enc2 := bert.Encode(term2); !bytes.Equal(enc2, enc) {
			t.Fatalf("Encode(Decode(Encode(t))): got %x, want %x", enc2, enc)
		}
	})
}

// FuzzLimits checks a Decoder with tight limits: it never panics, and
// what it accepts the default Decoder accepts too, as the same term.
func FuzzLimits(f *testing.F) {
	addSeeds(f)
	strict := bert.Decoder{MaxDepth: 4, MaxInflated: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		term, err := strict.Decode(data)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		loose, err := bert.Decode(data)
		if err != nil {
			t.Fatalf("Decoder%+v accepts %x as %v, but Decode fails: %v", strict, data, term, err)
		}
		if !bert.Equal(term, loose) {
			t.Fatalf("Decode: got %v, want %v as Decoder%+v gives", loose, term, strict)
		}
		if _, err := (bert.Decoder{MaxInflated: -1}).Decode(data); err != nil && !errors.Is(err, bert.ErrCompressed) {
			t.Fatalf("Decoder{MaxInflated: -1}: got %v, want success or %v", err, bert.ErrCompressed)
		}
	})
}
