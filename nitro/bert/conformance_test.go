package bert_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// The vectors in testdata/etf were made by Erlang/OTP's term_to_binary (see
// testdata/etf/README.md), so they are the reference for the codec.

// validVector is one entry of valid.json.
type validVector struct {
	Name         string    `json:"name"`
	Hex          string    `json:"hex"`            // term_to_binary(T): atoms as ATOM_EXT
	HexUTF8Atoms string    `json:"hex_utf8_atoms"` // [{minor_version, 2}]: atoms as SMALL_ATOM_UTF8
	Term         string    `json:"term"`           // Erlang's printing of T
	Value        jsonValue `json:"value"`
}

// compressedVector is one entry of compressed.json.
type compressedVector struct {
	Name  string    `json:"name"`
	Hex   string    `json:"hex"`
	Value jsonValue `json:"value"`
}

// invalidVector is one entry of invalid.json.
type invalidVector struct {
	Name string `json:"name"`
	Hex  string `json:"hex"`
}

// jsonValue is a term in the typed JSON of the vectors: exactly one of its
// fields is set.
type jsonValue struct {
	Atom      *string        `json:"atom"`
	Int       *string        `json:"int"` // decimal text of any size
	Float     *float64       `json:"float"`
	FloatBits string         `json:"float_bits"` // the exact IEEE-754 bits, hex
	Bin       *string        `json:"bin"`        // hex
	BitBin    *string        `json:"bitbin"`     // hex
	Bits      int            `json:"bits_in_last_byte"`
	Tuple     *[]jsonValue   `json:"tuple"`
	List      *[]jsonValue   `json:"list"`
	Tail      *jsonValue     `json:"tail"` // only for improper lists
	Map       *[][]jsonValue `json:"map"`  // [key, value] pairs
}

// termOptions says how to build a Term from a jsonValue.
type termOptions struct {
	// byteLists builds a proper list of 1 to 65535 integers in 0..255 as a
	// bert.ByteList, as Erlang's encoder chooses STRING_EXT for it.
	byteLists bool
}

// term builds the Term that v describes.
func (v jsonValue) term(tb testing.TB, opt termOptions) bert.Term {
	tb.Helper()
	switch {
	case v.Atom != nil:
		return bert.Atom(*v.Atom)
	case v.Int != nil:
		x, ok := new(big.Int).SetString(*v.Int, 10)
		if !ok {
			tb.Fatalf("bad int %q in vector", *v.Int)
		}
		return bert.BigInt(x)
	case v.Float != nil:
		bits, err := strconv.ParseUint(v.FloatBits, 16, 64)
		if err != nil {
			tb.Fatalf("bad float_bits %q in vector: %v", v.FloatBits, err)
		}
		f := math.Float64frombits(bits)
		if f != *v.Float {
			tb.Fatalf("float_bits %s is %v, but float is %v", v.FloatBits, f, *v.Float)
		}
		return bert.Float(f)
	case v.Bin != nil:
		return bert.Bin(mustHex(tb, *v.Bin))
	case v.BitBin != nil:
		return bert.BitBinary(mustHex(tb, *v.BitBin), v.Bits)
	case v.Tuple != nil:
		return bert.Tuple(terms(tb, *v.Tuple, opt)...)
	case v.List != nil:
		elems := terms(tb, *v.List, opt)
		if v.Tail != nil {
			return bert.ImproperList(v.Tail.term(tb, opt), elems...)
		}
		if b, ok := byteList(elems); ok && opt.byteLists {
			return bert.ByteList(b)
		}
		return bert.List(elems...)
	case v.Map != nil:
		var kv []bert.Term
		for _, pair := range *v.Map {
			if len(pair) != 2 {
				tb.Fatalf("map pair of %d terms in vector", len(pair))
			}
			kv = append(kv, pair[0].term(tb, opt), pair[1].term(tb, opt))
		}
		return bert.Map(kv...)
	}
	tb.Fatalf("empty value in vector")
	return bert.Term{}
}

func terms(tb testing.TB, vs []jsonValue, opt termOptions) []bert.Term {
	tb.Helper()
	ts := make([]bert.Term, len(vs))
	for i, v := range vs {
		ts[i] = v.term(tb, opt)
	}
	return ts
}

// byteList reports whether elems is what Erlang encodes as STRING_EXT, and
// its bytes.
func byteList(elems []bert.Term) ([]byte, bool) {
	if len(elems) == 0 || len(elems) > 65535 {
		return nil, false
	}
	b := make([]byte, len(elems))
	for i, e := range elems {
		n, ok := e.Int()
		if !ok || n < 0 || n > 255 {
			return nil, false
		}
		b[i] = byte(n)
	}
	return b, true
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex in vector: %v", err)
	}
	return b
}

// mustLoad reads the vectors in testdata/etf/name into v.
func mustLoad(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "etf", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func mustValid(tb testing.TB) []validVector {
	tb.Helper()
	var vs []validVector
	mustLoad(tb, "valid.json", &vs)
	if len(vs) == 0 {
		tb.Fatal("valid.json holds no vectors")
	}
	return vs
}

func mustCompressed(tb testing.TB) []compressedVector {
	tb.Helper()
	var vs []compressedVector
	mustLoad(tb, "compressed.json", &vs)
	if len(vs) == 0 {
		tb.Fatal("compressed.json holds no vectors")
	}
	return vs
}

func mustInvalid(tb testing.TB) []invalidVector {
	tb.Helper()
	var vs []invalidVector
	mustLoad(tb, "invalid.json", &vs)
	if len(vs) == 0 {
		tb.Fatal("invalid.json holds no vectors")
	}
	return vs
}

// sentinels are the errors a DecodeError may wrap.
var sentinels = []error{
	bert.ErrVersion, bert.ErrTruncated, bert.ErrTag, bert.ErrDepth,
	bert.ErrInvalid, bert.ErrTrailing, bert.ErrCompressed,
}

// checkDecodeError reports unless err is a *bert.DecodeError wrapping one of
// the sentinels.
func checkDecodeError(tb testing.TB, err error) {
	tb.Helper()
	var de *bert.DecodeError
	if !errors.As(err, &de) {
		tb.Errorf("got error %v (%T), want a *bert.DecodeError", err, err)
		return
	}
	for _, s := range sentinels {
		if de.Err == s && errors.Is(err, s) {
			return
		}
	}
	tb.Errorf("got DecodeError wrapping %v, want one of the bert.Err* sentinels", de.Err)
}

// hasMultiPairMap reports whether t holds a map of more than one pair, whose
// encoding depends on the order of its pairs.
func hasMultiPairMap(t bert.Term) bool {
	switch t.Kind() {
	case bert.KindMap:
		if t.Len() > 1 {
			return true
		}
		for i := range t.Len() {
			k, v := t.Pair(i)
			if hasMultiPairMap(k) || hasMultiPairMap(v) {
				return true
			}
		}
	case bert.KindTuple, bert.KindList:
		for _, e := range t.Elems() {
			if hasMultiPairMap(e) {
				return true
			}
		}
		if tail := t.Tail(); !tail.IsNil() {
			return hasMultiPairMap(tail)
		}
	}
	return false
}

func TestConformanceValid(t *testing.T) {
	for _, v := range mustValid(t) {
		t.Run(v.Name, func(t *testing.T) {
			want := v.Value.term(t, termOptions{})
			utf8Atoms := mustHex(t, v.HexUTF8Atoms)

			// Both of Erlang's encodings decode to the value, and
			// re-encode to Erlang's own bytes with UTF-8 atoms: the
			// decoder keeps STRING_EXT as a byte list and map pairs in
			// wire order, and the encoder makes Erlang's choices.
			for _, form := range []struct{ name, hex string }{
				{"hex", v.Hex},
				{"hex_utf8_atoms", v.HexUTF8Atoms},
			} {
				got, err := bert.Decode(mustHex(t, form.hex))
				if err != nil {
					t.Errorf("%s: Decode: %v", form.name, err)
					continue
				}
				if !bert.Equal(got, want) {
					t.Errorf("%s: Decode: got %v, want %v", form.name, got, want)
				}
				if enc := bert.Encode(got); !bytes.Equal(enc, utf8Atoms) {
					t.Errorf("%s: Encode(Decode(%s)): got %x, want %x", form.name, form.name, enc, utf8Atoms)
				}
			}

			// The value round-trips, and its encoding is stable.
			enc := bert.Encode(want)
			got, err := bert.Decode(enc)
			if err != nil {
				t.Fatalf("Decode(Encode(value)) of %x: %v", enc, err)
			}
			if !bert.Equal(got, want) {
				t.Errorf("Decode(Encode(value)): got %v, want %v", got, want)
			}
			if again := bert.Encode(got); !bytes.Equal(again, enc) {
				t.Errorf("Encode(Decode(Encode(value))): got %x, want %x", again, enc)
			}

			// Built as Erlang builds it (byte lists as STRING_EXT), the
			// value encodes to exactly Erlang's bytes with UTF-8 atoms,
			// unless a map's pairs may be in another order.
			erl := v.Value.term(t, termOptions{byteLists: true})
			if !bert.Equal(erl, want) {
				t.Fatalf("value with byte lists: got %v, want %v", erl, want)
			}
			if hasMultiPairMap(erl) {
				return
			}
			if enc := bert.Encode(erl); !bytes.Equal(enc, utf8Atoms) {
				t.Errorf("Encode(value): got %x, want %x", enc, utf8Atoms)
			}
		})
	}
}

// TestConformanceEncodeExact names the vectors whose exact bytes the house
// rules fix (docs/protocol.md, "BERT"), so that losing one of them is loud even
// if the table in TestConformanceValid changes.
func TestConformanceEncodeExact(t *testing.T) {
	// All but list_bytes, list_string and n2o_error (lists that Erlang
	// writes as STRING_EXT) and map_nested (two pairs in no set order).
	exact := []string{
		"small_int_0", "small_int_255", "int_256", "int_neg1", "int_min32", "int_max32",
		"big_2_31", "big_neg_2_31_minus1", "big_2_64", "big_neg_2_64", "big_2_300", "large_big_2_2100",
		"float_zero", "float_1_5", "float_neg", "float_big", "float_tiny", "float_pi",
		"atom_ok", "atom_true", "atom_false", "atom_empty", "atom_space", "atom_unicode", "atom_255",
		"bin_empty", "bin_hello", "bin_bytes", "bin_utf8", "bin_1000", "bitbin_3bits",
		"list_empty", "list_ints", "list_improper", "list_nested", "list_mixed", "list_300",
		"tuple_empty", "tuple_1", "tuple_300", "map_empty", "map_small", "date_tuple",
		"n2o_init", "n2o_pickle", "n2o_io_token", "n2o_io_empty", "n2o_direct", "n2o_client",
		"n2o_ftp_init", "n2o_ftpack",
	}
	byName := make(map[string]validVector)
	for _, v := range mustValid(t) {
		byName[v.Name] = v
	}
	for _, name := range exact {
		t.Run(name, func(t *testing.T) {
			v, ok := byName[name]
			if !ok {
				t.Fatalf("no vector %s in valid.json", name)
			}
			// Plain lists of integers, as a program builds them: none of
			// these vectors holds a list that Erlang writes as STRING_EXT.
			want := mustHex(t, v.HexUTF8Atoms)
			if got := bert.Encode(v.Value.term(t, termOptions{})); !bytes.Equal(got, want) {
				t.Errorf("got %x, want %x", got, want)
			}
		})
	}
}

func TestConformanceCompressed(t *testing.T) {
	for _, v := range mustCompressed(t) {
		t.Run(v.Name, func(t *testing.T) {
			data := mustHex(t, v.Hex)
			want := v.Value.term(t, termOptions{})

			// The zero Decoder inflates up to 1 MiB.
			got, err := bert.Decoder{}.Decode(data)
			switch {
			case err != nil:
				checkDecodeError(t, err)
				t.Errorf("Decoder{}: got error %v, want %v", err, want)
			case !bert.Equal(got, want):
				t.Errorf("Decoder{}: got %v, want %v", got, want)
			default:
				// What we encode is never compressed, and decodes back.
				enc := bert.Encode(got)
				if len(enc) > 1 && enc[1] == 80 {
					t.Errorf("Encode: got a compressed term %x", enc)
				}
				if again, err := bert.Decode(enc); err != nil || !bert.Equal(again, want) {
					t.Errorf("Decode(Encode(Decode)): got %v, %v, want %v", again, err, want)
				}
			}

			// A negative MaxInflated refuses compressed terms.
			_, err = bert.Decoder{MaxInflated: -1}.Decode(data)
			if !errors.Is(err, bert.ErrCompressed) {
				t.Errorf("Decoder{MaxInflated: -1}: got %v, want %v", err, bert.ErrCompressed)
			}
			checkDecodeError(t, err)

			// A limit below the inflated size refuses it too.
			_, err = bert.Decoder{MaxInflated: 16}.Decode(data)
			if err == nil {
				t.Errorf("Decoder{MaxInflated: 16}: got no error, want one")
			} else {
				checkDecodeError(t, err)
			}
		})
	}
}

// invalidWant names the error that some invalid vectors must give; the others
// may give any of the sentinels.
var invalidWant = map[string]error{
	"bad_version":          bert.ErrVersion,
	"unknown_tag":          bert.ErrTag,
	"truncated_int":        bert.ErrTruncated,
	"binary_len_past_end":  bert.ErrTruncated,
	"tuple_arity_past_end": bert.ErrTruncated,
	"atom_len_past_end":    bert.ErrTruncated,
	"string_len_past_end":  bert.ErrTruncated,
	"small_big_past_end":   bert.ErrTruncated,
	"float_past_end":       bert.ErrTruncated,
	"atom_bad_utf8":        bert.ErrInvalid,
	"bitbin_bad_bits":      bert.ErrInvalid,
	"deep_nesting_20000":   bert.ErrDepth,
}

// decodeTimeout bounds one decode of hostile input.
const decodeTimeout = 5 * time.Second

// decodeResult is what one decode of hostile input gave.
type decodeResult struct {
	term bert.Term
	err  error
}

// decodeBounded decodes data in a goroutine. It fails the test on a panic or
// if decoding takes longer than decodeTimeout, and reports whether decoding
// ended.
func decodeBounded(t *testing.T, d bert.Decoder, data []byte) (decodeResult, bool) {
	t.Helper()
	done := make(chan decodeResult, 1)
	panicked := make(chan any, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				panicked <- p
			}
		}()
		term, err := d.Decode(data)
		done <- decodeResult{term, err}
	}()
	select {
	case r := <-done:
		return r, true
	case p := <-panicked:
		t.Errorf("Decode of %.64x... panicked: %v", data, p)
	case <-time.After(decodeTimeout):
		t.Errorf("Decode of %.64x... still running after %v", data, decodeTimeout)
	}
	return decodeResult{}, false
}

// decodeAlloc returns the fewest bytes any of a few decodes of data
// allocated.
func decodeAlloc(d bert.Decoder, data []byte) uint64 {
	var least uint64 = math.MaxUint64
	var before, after runtime.MemStats
	for range 5 {
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _ = d.Decode(data)
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

func TestConformanceInvalid(t *testing.T) {
	for _, v := range mustInvalid(t) {
		t.Run(v.Name, func(t *testing.T) {
			data := mustHex(t, v.Hex)
			for _, d := range []bert.Decoder{{}, {MaxInflated: -1}} {
				name := fmt.Sprintf("%+v", d)
				r, ok := decodeBounded(t, d, data)
				if !ok {
					return
				}
				err := r.err
				if err == nil {
					t.Errorf("%s: got %v, want an error", name, r.term)
					continue
				}
				checkDecodeError(t, err)
				if want, ok := invalidWant[v.Name]; ok && !errors.Is(err, want) {
					t.Errorf("%s: got %v, want %v", name, err, want)
				}

				limit := 64*uint64(len(data)) + 4096
				if n := decodeAlloc(d, data); n > limit {
					t.Errorf("%s: allocated %d bytes for %d bytes of input, want at most %d", name, n, len(data), limit)
				}
			}
		})
	}
}
