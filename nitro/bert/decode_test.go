package bert

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"runtime"
	"testing"
)

// frame returns the version byte 131 followed by the given parts, each a
// byte (as an int or a rune), a []byte or a string.
func frame(parts ...any) []byte {
	b := []byte{131}
	for _, p := range parts {
		switch p := p.(type) {
		case int:
			b = append(b, byte(p))
		case rune:
			b = append(b, byte(p))
		case []byte:
			b = append(b, p...)
		case string:
			b = append(b, p...)
		default:
			panic("frame: bad part")
		}
	}
	return b
}

// floatText is the 31 bytes of FLOAT_EXT: text, NUL padded.
func floatText(s string) []byte {
	b := make([]byte, 31)
	copy(b, s)
	return b
}

// nested returns n tuples nested in each other around an integer:
// {{...{0}...}}, n levels deep.
func nested(n int) []byte {
	b := []byte{131}
	for range n {
		b = append(b, 104, 1)
	}
	return append(b, 97, 0)
}

// nestedMaps returns n maps nested in each other under the key a around an
// integer: #{a => #{a => ... #{a => 0}}}, n levels deep.
func nestedMaps(n int) []byte {
	b := []byte{131}
	for range n {
		b = append(b, 116, 0, 0, 0, 1, 119, 1, 'a')
	}
	return append(b, 97, 0)
}

// nestedLists returns n one-element lists nested in each other around an
// integer: [[...[0]...]], n levels deep.
func nestedLists(n int) []byte {
	b := []byte{131}
	for range n {
		b = append(b, 108, 0, 0, 0, 1)
	}
	b = append(b, 97, 0)
	for range n {
		b = append(b, 106)
	}
	return b
}

func bigFromString(tb testing.TB, s string) Term {
	tb.Helper()
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		tb.Fatalf("bad integer %q", s)
	}
	return BigInt(x)
}

func TestDecodeEdgeCases(t *testing.T) {
	// 2^64 with a most significant zero byte, as a sloppy encoder writes it.
	two64 := bigFromString(t, "18446744073709551616")
	tests := []struct {
		name string
		in   []byte
		want Term
		kind Kind
	}{
		// Atoms. N2O's client writes UTF-8 under ATOM_EXT; Erlang's
		// ATOM_EXT is Latin-1 (vector atom_unicode).
		{"atom_ext_utf8", frame(100, 0, 2, 0xc3, 0x9c), Atom("Ü"), KindAtom},
		{"atom_ext_utf8_n2o", frame(100, 0, 6, "h\u00e9llo"), Atom("héllo"), KindAtom},
		{"atom_ext_latin1", frame(100, 0, 7, 0xdc, 'n', 0xef, 'c', 0xf6, 'd', 0xe9), Atom("Ünïcödé"), KindAtom},
		{"atom_ext_latin1_one_byte", frame(100, 0, 1, 0xff), Atom("ÿ"), KindAtom},
		{"small_atom_ext_latin1", frame(115, 2, 'o', 0xe9), Atom("oé"), KindAtom},
		{"small_atom_ext_utf8", frame(115, 3, 'o', 0xc3, 0xa9), Atom("oé"), KindAtom},
		{"atom_utf8_ext", frame(118, 0, 2, 0xc3, 0x9c), Atom("Ü"), KindAtom},
		{"small_atom_utf8_ext", frame(119, 2, 0xc3, 0x9c), Atom("Ü"), KindAtom},

		// Bit binaries: bits 8 is a whole last byte.
		{"bitbin_bits_8", frame(77, 0, 0, 0, 2, 8, 1, 0xff), Bin([]byte{1, 0xff}), KindBinary},
		{"bitbin_bits_1", frame(77, 0, 0, 0, 1, 1, 0x80), BitBinary([]byte{0x80}, 1), KindBitBinary},
		{"bitbin_empty", frame(77, 0, 0, 0, 0, 0), Bin(nil), KindBinary}, // binary_to_term accepts it
		// The unused low bits of the last byte are not part of the term:
		// binary_to_term(<<131,77,0,0,0,1,3,255>>) =:= <<7:3>>.
		{"bitbin_low_bits_ignored", frame(77, 0, 0, 0, 1, 3, 0xff), BitBinary([]byte{0xe0}, 3), KindBitBinary},

		// FLOAT_EXT: "%.20e" text, NUL padded to 31 bytes.
		{"float_ext", frame(99, floatText("1.50000000000000000000e+00")), Float(1.5), KindFloat},
		{"float_ext_neg", frame(99, floatText("-2.25000000000000000000e+02")), Float(-225), KindFloat},
		{"float_ext_zero", frame(99, floatText("0.00000000000000000000e+00")), Float(0), KindFloat},
		{"float_ext_pi", frame(99, floatText("3.14159265358979311600e+00")), Float(math.Pi), KindFloat},

		// Bigs: leading (most significant) zero bytes normalise, and a big
		// that fits in an int64 is an Int.
		{"small_big_one", frame(110, 1, 0, 1), Int(1), KindInt},
		{"small_big_leading_zeros", frame(110, 4, 0, 1, 0, 0, 0), Int(1), KindInt},
		{"small_big_zero_digits", frame(110, 0, 0), Int(0), KindInt},
		{"small_big_neg_zero_no_digits", frame(110, 0, 1), Int(0), KindInt},
		{"large_big_small_value", frame(111, 0, 0, 0, 2, 1, 5, 0), Int(-5), KindInt},
		{"small_big_max_int64", frame(110, 8, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), Int(math.MaxInt64), KindInt},
		{"small_big_min_int64", frame(110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0x80), Int(math.MinInt64), KindInt},
		{"small_big_2_63", frame(110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x80), bigFromString(t, "9223372036854775808"), KindBigInt},
		{"small_big_neg_2_63_minus1", frame(110, 8, 1, 1, 0, 0, 0, 0, 0, 0, 0x80), bigFromString(t, "-9223372036854775809"), KindBigInt},
		{"small_big_2_64_leading_zero", frame(110, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0), two64, KindBigInt},
		{"large_big_2_64_leading_zeros", frame(111, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), two64, KindBigInt},

		// N2O's client: number(1.5) and number(-1.5) write SMALL_BIG with
		// one zero digit; number(-2^28) writes a wrong but valid SMALL_BIG
		// that Erlang reads as -4026531840.
		{"n2o_number_fraction", frame(110, 1, 0, 0), Int(0), KindInt},
		{"n2o_number_neg_fraction", frame(110, 1, 1, 0), Int(0), KindInt},
		{"n2o_number_below_2_27", frame(110, 4, 1, 0, 0, 0, 0xf0), Int(-4026531840), KindInt},

		// A list's tail that is itself a list joins it, as in Erlang:
		// [1|[2]] is [1,2] and [1|"ab"] is [1,97,98].
		{"list_tail_list", frame(108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 106), List(Int(1), Int(2)), KindList},
		{"list_tail_string", frame(108, 0, 0, 0, 1, 97, 1, 107, 0, 2, "ab"), List(Int(1), Int(97), Int(98)), KindList},
		{"list_tail_nil", frame(108, 0, 0, 0, 1, 97, 1, 106), List(Int(1)), KindList},
		// LIST_EXT of no elements is its tail: [1|[|[]]] is [1].
		{"list_tail_empty_list_ext", frame(108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 0, 106), List(Int(1)), KindList},
		{"list_tail_empty_string_ext", frame(108, 0, 0, 0, 1, 97, 1, 107, 0, 0), List(Int(1)), KindList},
		{"list_ext_empty", frame(108, 0, 0, 0, 0, 106), Nil(), KindList},
		{"list_tail_atom", frame(108, 0, 0, 0, 1, 97, 1, 119, 1, "b"), ImproperList(Atom("b"), Int(1)), KindList},

		// STRING_EXT is a byte list, equal to its list of integers.
		{"string_ext", frame(107, 0, 3, 1, 2, 3), List(Int(1), Int(2), Int(3)), KindByteList},
		{"string_ext_empty", frame(107, 0, 0), Nil(), KindByteList},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode(%x): %v", tt.in, err)
			}
			if !Equal(got, tt.want) {
				t.Errorf("Decode(%x): got %v, want %v", tt.in, got, tt.want)
			}
			// [] may come back as a list or as an empty byte list.
			if got.Kind() != tt.kind && !(Equal(got, Nil()) && tt.want.IsNil()) {
				t.Errorf("Decode(%x): got kind %v, want %v", tt.in, got.Kind(), tt.kind)
			}
			// Normalised terms encode as Erlang encodes them.
			if enc, want := Encode(got), Encode(tt.want); !bytes.Equal(enc, want) && tt.kind != KindByteList {
				t.Errorf("Encode(Decode(%x)): got %x, want %x", tt.in, enc, want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"trailing_byte", frame(97, 1, 0), ErrTrailing},
		{"trailing_term", frame(106, 106), ErrTrailing},
		{"trailing_version", frame(97, 1, 131), ErrTrailing},
		{"no_version", []byte{97, 1}, ErrVersion},

		{"atom_utf8_ext_bad_utf8", frame(118, 0, 1, 0x80), ErrInvalid},
		{"small_atom_utf8_ext_bad_utf8", frame(119, 2, 0xff, 0xfe), ErrInvalid},
		{"small_atom_utf8_ext_truncated_rune", frame(119, 1, 0xc3), ErrInvalid},
		{"small_atom_utf8_ext_surrogate", frame(119, 3, 0xed, 0xa0, 0x80), ErrInvalid},

		{"bitbin_bits_0", frame(77, 0, 0, 0, 1, 0, 0x20), ErrInvalid},
		{"bitbin_bits_9", frame(77, 0, 0, 0, 1, 9, 0x20), ErrInvalid},
		{"bitbin_bits_255", frame(77, 0, 0, 0, 1, 255, 0x20), ErrInvalid},
		{"bitbin_empty_bits_3", frame(77, 0, 0, 0, 0, 3), ErrInvalid},

		{"float_ext_not_a_number", frame(99, floatText("not a float")), ErrInvalid},
		// binary_to_term refuses floats that are not finite.
		{"new_float_nan", frame(70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0), ErrInvalid},
		{"new_float_inf", frame(70, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0), ErrInvalid},
		{"new_float_neg_inf", frame(70, 0xff, 0xf0, 0, 0, 0, 0, 0, 0), ErrInvalid},

		// binary_to_term refuses a map with a key twice.
		{"map_duplicate_key", frame(116, 0, 0, 0, 2, 119, 1, 'a', 97, 1, 119, 1, 'a', 97, 2), ErrInvalid},
		{"map_duplicate_key_equal_ints", frame(116, 0, 0, 0, 2, 97, 1, 97, 1, 98, 0, 0, 0, 1, 97, 2), ErrInvalid},

		{"list_count_past_end", frame(108, 0, 0, 1, 0, 106), ErrTruncated},
		{"list_no_tail", frame(108, 0, 0, 0, 1, 97, 1), ErrTruncated},
		{"large_big_count_past_end", frame(111, 0, 0, 1, 0, 0, 1), ErrTruncated},
		{"new_float_short", frame(70, 0, 0, 0), ErrTruncated},
		{"tag_only", frame(104), ErrTruncated},
		{"unknown_tag_0", frame(0), ErrTag},
		{"pid_tag", frame(88, 119, 1, 'a', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), ErrTag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode(%x): got %v, want %v", tt.in, got, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Decode(%x): got %v, want %v", tt.in, err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("Decode(%x): got %T, want *DecodeError", tt.in, err)
			}
		})
	}
}

func TestDecodeTrailingOffset(t *testing.T) {
	_, err := Decode(frame(97, 1, 0, 0))
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrTrailing) {
		t.Fatalf("got %v, want %v", err, ErrTrailing)
	}
	if de.Offset != 3 {
		t.Errorf("got offset %d, want 3 (where the extra bytes begin)", de.Offset)
	}
}

func TestDecodeMaxDepth(t *testing.T) {
	tests := []struct {
		name     string
		maxDepth int
		in       []byte
		wantErr  bool
	}{
		{"tuples_at_limit", 5, nested(5), false},
		{"tuples_over_limit", 5, nested(6), true},
		{"tuples_limit_1", 1, nested(1), false},
		{"tuples_limit_1_over", 1, nested(2), true},
		{"maps_at_limit", 5, nestedMaps(5), false},
		{"maps_over_limit", 5, nestedMaps(6), true},
		{"lists_at_limit", 5, nestedLists(5), false},
		{"lists_over_limit", 5, nestedLists(6), true},
		{"default_at_limit", 0, nested(512), false},
		{"default_over_limit", 0, nested(513), true},
		{"default_lists_far_over", 0, nestedLists(10000), true},
		{"scalar_limit_1", 1, frame(97, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decoder{MaxDepth: tt.maxDepth}
			got, err := d.Decode(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrDepth) {
					t.Errorf("got %v, %v, want %v", got, err, ErrDepth)
				}
				return
			}
			if err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

// allocated returns the bytes that f allocates, the fewest of a few runs.
func allocated(f func()) uint64 {
	var least uint64 = math.MaxUint64
	var before, after runtime.MemStats
	for range 3 {
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// A list whose tail is a list, whose tail is a list, and so on, ending in
// a long STRING_EXT: [1|[1|...[1|"xxx..."]]]. Joining each tail to its list
// must not copy the rest of the list at every level.
func TestDecodeTailChainAlloc(t *testing.T) {
	tests := []struct {
		name          string
		levels, chars int
	}{
		{"short_string", 50, 16},
		{"long_string", 50, 4096},
		{"deep", 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte{131}
			for range tt.levels {
				in = append(in, 108, 0, 0, 0, 1, 97, 1)
			}
			in = append(in, 107, byte(tt.chars>>8), byte(tt.chars))
			in = append(in, bytes.Repeat([]byte{'x'}, tt.chars)...)

			got, err := Decode(in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if want := tt.levels + tt.chars; got.Len() != want || !got.IsProper() {
				t.Fatalf("Decode: got a list of %d, proper %v, want a proper list of %d", got.Len(), got.IsProper(), want)
			}
			limit := 64*uint64(len(in)) + 4096
			if n := allocated(func() { _, _ = Decode(in) }); n > limit {
				t.Errorf("allocated %d bytes for %d bytes of input, want at most %d", n, len(in), limit)
			}
		})
	}
}

// Decoded atoms are cached across frames, but a flood of distinct long
// atoms must not keep megabytes alive once the frames are gone. The
// longest atom Erlang allows is 255 characters: 1020 bytes of UTF-8.
func TestDecodeAtomCacheRetention(t *testing.T) {
	const atoms, size = 4096, 1008
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	in := frame(118, size>>8, size&0xff, bytes.Repeat([]byte("\U0001F389"), size/4))
	for i := range atoms {
		// A distinct name: vary bytes at both ends and in the middle.
		in[4], in[5], in[6], in[7] = byte('a'+i%26), byte('a'+i/26%26), byte('a'+i/676%26), byte('a'+i%7)
		if _, err := Decode(in); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	const limit = 1 << 20
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > limit {
		t.Errorf("after decoding %d distinct %d-byte atoms the live heap grew by %d bytes, want at most %d", atoms, size, grew, limit)
	}
}

// TestLargeMapEqual: Equal compares large maps by sorted key hashes, so a
// 1 MiB frame's worth of pairs takes a blink rather than n² comparisons
// (the fuzzer found the n² version stalling on such a frame).
func TestLargeMapEqual(t *testing.T) {
	const n = 100_000
	kv := make([]Term, 0, 2*n)
	for i := range n {
		kv = append(kv, Int(int64(i)), BinString("v"))
	}
	m := Map(kv...)
	d, err := Decode(Encode(m))
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(m, d) || !Equal(d, m) {
		t.Fatal("a map is not Equal to its own decoding")
	}
	kv[2*n-1] = BinString("w")
	if Equal(m, d) {
		t.Fatal("maps that differ in one value compare Equal")
	}
}
