package bert

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestEncodeForms(t *testing.T) {
	atom300 := strings.Repeat("é", 150) // 300 bytes, 150 characters
	atom255 := strings.Repeat("b", 255)
	atom256 := strings.Repeat("ç", 128) // 256 bytes, 128 characters

	// 2^2048: 257 bytes of magnitude, LARGE_BIG; 2^2039: 255 bytes, SMALL_BIG.
	big2048 := BigInt(new(big.Int).Lsh(big.NewInt(1), 2048))
	mag2048 := append(make([]byte, 256), 1)
	big2039 := BigInt(new(big.Int).Lsh(big.NewInt(-1), 2039))
	mag2039 := append(make([]byte, 254), 0x80)

	long := bytes.Repeat([]byte{'x'}, 65536)
	longList := []byte{108, 0, 1, 0, 0}
	for range long {
		longList = append(longList, 97, 'x')
	}
	longList = append(longList, 106)
	maxString := bytes.Repeat([]byte{'y'}, 65535)

	elems300 := make([]Term, 300)
	tuple300 := []byte{105, 0, 0, 1, 44}
	for i := range elems300 {
		elems300[i] = Atom("a")
		tuple300 = append(tuple300, 119, 1, 'a')
	}
	elems255 := elems300[:255]
	tuple255 := append([]byte{104, 255}, tuple300[5:5+3*255]...)

	tests := []struct {
		name string
		in   Term
		want []byte // without the version byte
	}{
		{"int_0", Int(0), []byte{97, 0}},
		{"int_255", Int(255), []byte{97, 255}},
		{"int_256", Int(256), []byte{98, 0, 0, 1, 0}},
		{"int_neg1", Int(-1), []byte{98, 255, 255, 255, 255}},
		{"int_min32", Int(math.MinInt32), []byte{98, 0x80, 0, 0, 0}},
		{"int_max32", Int(math.MaxInt32), []byte{98, 0x7f, 0xff, 0xff, 0xff}},
		{"int_max32_plus1", Int(math.MaxInt32 + 1), []byte{110, 4, 0, 0, 0, 0, 0x80}},
		{"int_min32_minus1", Int(math.MinInt32 - 1), []byte{110, 4, 1, 1, 0, 0, 0x80}},
		{"int_max64", Int(math.MaxInt64), []byte{110, 8, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{"int_min64", Int(math.MinInt64), []byte{110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0x80}},
		{"bigint_fits_int", BigInt(big.NewInt(7)), []byte{97, 7}},
		{"bigint_2_64", BigInt(new(big.Int).Lsh(big.NewInt(1), 64)), []byte{110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"bigint_255_bytes", big2039, append([]byte{110, 255, 1}, mag2039...)},
		{"bigint_257_bytes", big2048, append([]byte{111, 0, 0, 1, 1, 0}, mag2048...)},

		{"float", Float(1.5), []byte{70, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}},
		{"float_neg_zero", Float(math.Copysign(0, -1)), []byte{70, 0x80, 0, 0, 0, 0, 0, 0, 0}},

		{"bin", Bin([]byte{0, 1, 255}), []byte{109, 0, 0, 0, 3, 0, 1, 255}},
		{"bin_nil", Bin(nil), []byte{109, 0, 0, 0, 0}},
		{"bin_string", BinString("hi"), []byte{109, 0, 0, 0, 2, 'h', 'i'}},
		{"bitbin", BitBinary([]byte{1, 0xa0}, 3), []byte{77, 0, 0, 0, 2, 3, 1, 0xa0}},
		{"bitbin_bits_8", BitBinary([]byte{1}, 8), []byte{109, 0, 0, 0, 1, 1}},
		// <<7:3>> given with its unused low bits set: Erlang writes them 0,
		// and Decode clears them, so writing them breaks the round trip.
		{"bitbin_unused_bits_set", BitBinary([]byte{0xff}, 3), []byte{77, 0, 0, 0, 1, 3, 0xe0}},

		{"atom", Atom("ok"), []byte{119, 2, 'o', 'k'}},
		{"atom_empty", Atom(""), []byte{119, 0}},
		{"atom_utf8", Atom("Ü"), []byte{119, 2, 0xc3, 0x9c}},
		{"atom_255", Atom(atom255), append([]byte{119, 255}, atom255...)},
		{"atom_256", Atom(atom256), append([]byte{118, 1, 0}, atom256...)},
		{"atom_300", Atom(atom300), append([]byte{118, 1, 44}, atom300...)},
		{"bool", Bool(true), []byte{119, 4, 't', 'r', 'u', 'e'}},

		{"nil", Nil(), []byte{106}},
		{"zero_term", Term{}, []byte{106}},
		{"list_empty", List(), []byte{106}},
		{"byte_list_empty", ByteList(nil), []byte{106}},
		{"byte_list", ByteList([]byte("hi")), []byte{107, 0, 2, 'h', 'i'}},
		{"byte_list_65535", ByteList(maxString), append([]byte{107, 0xff, 0xff}, maxString...)},
		{"byte_list_65536", ByteList(long), longList},
		{"list", List(Int(1), Atom("a")), []byte{108, 0, 0, 0, 2, 97, 1, 119, 1, 'a', 106}},
		{"list_improper", ImproperList(Atom("b"), Atom("a")), []byte{108, 0, 0, 0, 1, 119, 1, 'a', 119, 1, 'b'}},
		{"list_improper_bin_tail", ImproperList(Bin(nil), Int(1), Int(2)), []byte{108, 0, 0, 0, 2, 97, 1, 97, 2, 109, 0, 0, 0, 0}},
		// [a|[b]] is [a,b], and [a|"bc"] is [a,98,99]: Erlang writes them
		// as one list, and Decode joins them, so anything else breaks the
		// round trip.
		{"list_tail_list", ImproperList(List(Atom("b")), Atom("a")), []byte{108, 0, 0, 0, 2, 119, 1, 'a', 119, 1, 'b', 106}},
		{"list_tail_byte_list", ImproperList(ByteList([]byte("bc")), Atom("a")), []byte{108, 0, 0, 0, 3, 119, 1, 'a', 97, 'b', 97, 'c', 106}},

		{"tuple_empty", Tuple(), []byte{104, 0}},
		{"tuple", Tuple(Atom("a"), Int(1)), []byte{104, 2, 119, 1, 'a', 97, 1}},
		{"tuple_255", Tuple(elems255...), tuple255},
		{"tuple_300", Tuple(elems300...), tuple300},

		{"map_empty", Map(), []byte{116, 0, 0, 0, 0}},
		{"map", Map(Atom("a"), Int(1)), []byte{116, 0, 0, 0, 1, 119, 1, 'a', 97, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := append([]byte{131}, tt.want...)
			got := Encode(tt.in)
			if !bytes.Equal(got, want) {
				t.Errorf("got %.80x, want %.80x", got, want)
			}
			back, err := Decode(got)
			if err != nil {
				t.Fatalf("Decode(Encode(%.80v)): %v", tt.in, err)
			}
			if !Equal(back, tt.in) {
				t.Errorf("Decode(Encode(t)): got %.80v, want %.80v", back, tt.in)
			}
		})
	}
}

func TestAppend(t *testing.T) {
	term := Tuple(Atom("io"), BinString("x"), Bin(nil))
	enc := Encode(term)

	tests := []struct {
		name string
		dst  []byte
	}{
		{"nil", nil},
		{"empty_with_room", make([]byte, 0, 64)},
		{"prefix", []byte("prefix")},
		{"prefix_with_room", append(make([]byte, 0, 256), "prefix"...)},
		{"frame", Encode(Atom("first"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]byte(nil), tt.dst...)
			got := Append(tt.dst, term)
			want := append(append([]byte(nil), before...), enc...)
			if !bytes.Equal(got, want) {
				t.Errorf("got %x, want %x", got, want)
			}
			if !bytes.Equal(tt.dst, before) {
				t.Errorf("dst changed: got %x, want %x", tt.dst, before)
			}
		})
	}
}

// TestAppendReuse reuses one buffer for frames of different sizes.
func TestAppendReuse(t *testing.T) {
	buf := make([]byte, 0, 8)
	for _, js := range []string{"long enough to grow the buffer", "", "short"} {
		term := Tuple(Atom("io"), BinString(js), Bin(nil))
		buf = Append(buf[:0], term)
		if want := Encode(term); !bytes.Equal(buf, want) {
			t.Errorf("got %x, want %x", buf, want)
		}
	}
}
