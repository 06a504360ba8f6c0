package static

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

var update = flag.Bool("update", false, "rewrite testdata/bert_vectors.json from nitro/bert")

const vectorsFile = "testdata/bert_vectors.json"

// vector is one BERT test vector for n2o.js (n2o_test.mjs). Hex is what
// the Go encoder writes. JS, when set, is a JavaScript expression of
// n2o.js's constructors that must encode to exactly Hex. In, when set,
// is another encoding of the term (Erlang's own, or a form only decoders
// meet) that n2o.js must decode to a term that encodes to Hex. Every Hex
// must decode and encode back to itself. An encoding longer than
// maxHexBytes is given by its SHA256 and Size instead of its Hex.
type vector struct {
	Name   string `json:"name"`
	JS     string `json:"js,omitempty"`
	In     string `json:"in,omitempty"`
	Hex    string `json:"hex,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int    `json:"size,omitempty"`
}

const maxHexBytes = 4096

func bigPow2(n uint, neg bool) bert.Term {
	x := new(big.Int).Lsh(big.NewInt(1), n)
	if neg {
		x.Neg(x)
	}
	return bert.BigInt(x)
}

// encodeVectors are terms n2o.js builds, as JavaScript and as Go.
var encodeVectors = []struct {
	name, js string
	term     bert.Term
}{
	{"int 0", "number(0)", bert.Int(0)},
	{"int 255", "number(255)", bert.Int(255)},
	{"int 256", "number(256)", bert.Int(256)},
	{"int -1", "number(-1)", bert.Int(-1)},
	{"int32 min", "number(-2147483648)", bert.Int(math.MinInt32)},
	{"int32 max", "number(2147483647)", bert.Int(math.MaxInt32)},
	{"2^31", "number(2147483648)", bert.Int(1 << 31)},
	{"-2^31-1", "number(-2147483649)", bert.Int(-1<<31 - 1)},
	{"-2^27-1, which N2O's client gets wrong", "number(-134217729)", bert.Int(-134217729)},
	{"2^40", "number(2**40)", bert.Int(1 << 40)},
	{"-2^40", "number(-(2**40))", bert.Int(-1 << 40)},
	{"timestamp in ms", "number(1700000000123)", bert.Int(1700000000123)},
	{"max safe integer", "number(Number.MAX_SAFE_INTEGER)", bert.Int(1<<53 - 1)},
	{"min safe integer", "number(Number.MIN_SAFE_INTEGER)", bert.Int(-(1<<53 - 1))},
	{"2^64", "number(2**64)", bigPow2(64, false)},
	{"-2^64", "number(-(2**64))", bigPow2(64, true)},
	{"2^200", "number(2**200)", bigPow2(200, false)},
	{"number of a fraction is a float", "number(0.1)", bert.Float(0.1)},
	{"number of a numeric string", "number('300')", bert.Int(300)},
	{"float", "float(1.5)", bert.Float(1.5)},
	{"float of an integer", "float(2)", bert.Float(2)},
	{"tiny negative float", "float(-2.5e-300)", bert.Float(-2.5e-300)},
	{"negative zero", "float(-0)", bert.Float(math.Copysign(0, -1))},
	{"huge float", "float(1.7976931348623157e308)", bert.Float(math.MaxFloat64)},
	{"atom", "atom('ok')", bert.Atom("ok")},
	{"empty atom", "atom('')", bert.Atom("")},
	{"Cyrillic atom", "atom('привет')", bert.Atom("привет")},
	{"emoji atom", "atom('👍')", bert.Atom("👍")},
	{"atom of 255 bytes", "atom('a'.repeat(255))", bert.Atom(strings.Repeat("a", 255))},
	{"atom of 256 bytes", "atom('a'.repeat(256))", bert.Atom(strings.Repeat("a", 256))},
	{"atom of 128 two-byte letters", "atom('я'.repeat(128))", bert.Atom(strings.Repeat("я", 128))},
	{"binary", "bin('hello')", bert.BinString("hello")},
	{"empty binary", "bin('')", bert.BinString("")},
	{"emoji binary", "bin('😀 👩‍👩‍👧 🇺🇦')", bert.BinString("😀 👩‍👩‍👧 🇺🇦")},
	{"Cyrillic binary", "bin('Привет, мир')", bert.BinString("Привет, мир")},
	{"binary of bytes", "bin(new Uint8Array([0, 1, 2, 255]))", bert.Bin([]byte{0, 1, 2, 255})},
	{"binary of an ArrayBuffer", "bin(new Uint8Array([200, 201]).buffer)", bert.Bin([]byte{200, 201})},
	{"binary of true", "bin(true)", bert.BinString("true")},
	{"binary of a number", "bin(42)", bert.BinString("42")},
	{"binary of 100000 bytes", "bin('x'.repeat(100000))", bert.BinString(strings.Repeat("x", 100000))},
	{"byte list", "string('héllo')", bert.ByteList([]byte("héllo"))},
	{"empty byte list is []", "string('')", bert.Nil()},
	{"byte list past 65535 bytes", "string('y'.repeat(65536))", bert.ByteList(bytes.Repeat([]byte("y"), 65536))},
	{"nil", "nil()", bert.Nil()},
	{"empty list", "list()", bert.Nil()},
	{"empty array", "[]", bert.Nil()},
	{"list", "list(number(1), atom('a'), bin('b'))", bert.List(bert.Int(1), bert.Atom("a"), bert.BinString("b"))},
	{"nested arrays", "[number(1), [number(2), []]]", bert.List(bert.Int(1), bert.List(bert.Int(2), bert.Nil()))},
	{"improper list", "({t: 108, v: [number(1), number(2)], tail: atom('t')})", bert.ImproperList(bert.Atom("t"), bert.Int(1), bert.Int(2))},
	{"empty tuple", "tuple()", bert.Tuple()},
	{"nested tuples", "tuple(tuple(tuple(atom('deep'))), list(tuple(number(1), float(2.5))))",
		bert.Tuple(bert.Tuple(bert.Tuple(bert.Atom("deep"))), bert.List(bert.Tuple(bert.Int(1), bert.Float(2.5))))},
	{"tuple of 300", "tuple(...Array.from({length: 300}, (_, i) => number(i)))", func() bert.Term {
		elems := make([]bert.Term, 300)
		for i := range elems {
			elems[i] = bert.Int(int64(i))
		}
		return bert.Tuple(elems...)
	}()},
	{"map", "map({k: atom('a'), v: number(1)}, {k: bin('b'), v: list(number(2))})",
		bert.Map(bert.Atom("a"), bert.Int(1), bert.BinString("b"), bert.List(bert.Int(2)))},
	{"empty map", "map()", bert.Map()},
	{"bit binary", "({t: 77, v: new Uint8Array([255, 224]), bits: 3})", bert.BitBinary([]byte{0xff, 0xe0}, 3)},
	{"plain values", "tuple('text', 42, -7, 0.5, true, null, undefined, {})",
		bert.Tuple(bert.BinString("text"), bert.Int(42), bert.Int(-7), bert.Float(0.5), bert.Atom("true"), bert.Nil(), bert.Nil(), bert.Nil())},
	{"init frame", "tuple(atom('init'), bin('tok'))", bert.Tuple(bert.Atom("init"), bert.BinString("tok"))},
	{"io frame with a token", `tuple(atom('io'), bin("qi('x').textContent='Привет 😀';"), tuple(atom('Token'), bin('tok-123')))`,
		bert.Tuple(bert.Atom("io"), bert.BinString("qi('x').textContent='Привет 😀';"), bert.Tuple(bert.Atom("Token"), bert.BinString("tok-123")))},
	{"io frame, empty", "tuple(atom('io'), bin(''), bin(''))", bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Bin(nil))},
	{"io frame with an error", "tuple(atom('io'), bin(''), tuple(atom('error'), bin('EV expected')))",
		bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Tuple(bert.Atom("error"), bert.BinString("EV expected")))},
	{"pickle frame", "tuple(atom('pickle'),bin('btn'),bin('PiCkLe-_09'),[tuple(tuple(bin('btn'),bin('detail')),[]),tuple(atom('msg'),bin('hi 😀')),tuple(atom('agree'),bin('true')),tuple(atom('when'),tuple(number(2024),number(2),number(29)))])",
		bert.Tuple(bert.Atom("pickle"), bert.BinString("btn"), bert.BinString("PiCkLe-_09"), bert.List(
			bert.Tuple(bert.Tuple(bert.BinString("btn"), bert.BinString("detail")), bert.Nil()),
			bert.Tuple(bert.Atom("msg"), bert.BinString("hi 😀")),
			bert.Tuple(bert.Atom("agree"), bert.BinString("true")),
			bert.Tuple(bert.Atom("when"), bert.Tuple(bert.Int(2024), bert.Int(2), bert.Int(29)))))},
	{"direct frame", "tuple(atom('direct'), tuple(atom('chat'), bin('hello')))",
		bert.Tuple(bert.Atom("direct"), bert.Tuple(bert.Atom("chat"), bert.BinString("hello")))},
	{"ftp init frame", "tuple(atom('ftp'), bin('id-1'), bin('sid'), bin('отчёт.pdf'), bin(''), number(600000), number(0), number(1), bin(''), bin('init'), list())",
		bert.Tuple(bert.Atom("ftp"), bert.BinString("id-1"), bert.BinString("sid"), bert.BinString("отчёт.pdf"), bert.Bin(nil),
			bert.Int(600000), bert.Int(0), bert.Int(1), bert.Bin(nil), bert.BinString("init"), bert.Nil())},
	{"ftp send frame with sha256", "tuple(atom('ftp'), bin('id-1'), bin('sid'), bin('a.bin'), bin(''), number(600000), number(262144), number(262144), bin(new Uint8Array([1, 2, 3])), bin('send'), [tuple(atom('sha256'), bin('00ff'))])",
		bert.Tuple(bert.Atom("ftp"), bert.BinString("id-1"), bert.BinString("sid"), bert.BinString("a.bin"), bert.Bin(nil),
			bert.Int(600000), bert.Int(262144), bert.Int(262144), bert.Bin([]byte{1, 2, 3}), bert.BinString("send"),
			bert.List(bert.Tuple(bert.Atom("sha256"), bert.BinString("00ff"))))},
	{"ftpack error frame", "tuple(atom('ftpack'), bin('id-1'), bin(''), bin('a.bin'), bin(''), number(5), number(0), number(0), bin(''), bin('error'), [tuple(atom('reason'), bin('upload too large'))])",
		bert.Tuple(bert.Atom("ftpack"), bert.BinString("id-1"), bert.Bin(nil), bert.BinString("a.bin"), bert.Bin(nil),
			bert.Int(5), bert.Int(0), bert.Int(0), bert.Bin(nil), bert.BinString("error"),
			bert.List(bert.Tuple(bert.Atom("reason"), bert.BinString("upload too large"))))},
}

// decodeVectors are encodings n2o.js never writes but must read, as hex.
var decodeVectors = []struct{ name, in string }{
	{"ATOM_EXT", "836400026f6b"},
	{"SMALL_ATOM_EXT", "837302686f"},
	{"Latin-1 ATOM_EXT", "83640004636166e9"},
	{"FLOAT_EXT", "8363" + hex.EncodeToString(append([]byte("1.50000000000000000000e+00"), make([]byte, 5)...))},
	{"SMALL_BIG of a small integer", "836e010005"},
	{"LARGE_BIG of a small integer", "836f0000000101ff"},
	{"LARGE_TUPLE of two", "83690000000261016102"},
	{"STRING_EXT", "836b00036869ff"},
	{"binary, not UTF-8", "836d00000003c328ff"},
	{"improper list of a binary tail", "836c00000001610a6d0000000178"},
	{"map of atom keys", "8374000000016400016b6d00000001ff"},
}

// otpVectors reads the vectors made by Erlang/OTP (nitro/bert's
// conformance data).
func otpVectors(tb testing.TB) []vector {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "nitro", "bert", "testdata", "etf", "valid.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var otp []struct{ Name, Hex, Hex_utf8_atoms string }
	if err := json.Unmarshal(data, &otp); err != nil {
		tb.Fatal(err)
	}
	var vs []vector
	for _, o := range otp {
		for i, in := range []string{o.Hex, o.Hex_utf8_atoms} {
			if i == 1 && in == o.Hex {
				continue
			}
			name := "OTP " + o.Name
			if i == 1 {
				name += ", UTF-8 atoms"
			}
			if v, ok := canonical(tb, name, in); ok {
				vs = append(vs, v)
			}
		}
	}
	return vs
}

// canonical is the vector of input in: the Go encoding of what it
// decodes to. ok is false for a term JavaScript cannot hold exactly (an
// integer no float64 can hold).
func canonical(tb testing.TB, name, in string) (v vector, ok bool) {
	tb.Helper()
	b, err := hex.DecodeString(in)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	t, err := bert.Decode(b)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	out := hex.EncodeToString(bert.Encode(t))
	if out == in {
		in = ""
	}
	return vector{Name: name, In: in, Hex: out}, exactInJS(t)
}

// exactInJS reports whether every integer of t is a float64.
func exactInJS(t bert.Term) bool {
	switch t.Kind() {
	case bert.KindInt, bert.KindBigInt:
		_, acc := new(big.Float).SetInt(t.Big()).Float64()
		return acc == big.Exact
	case bert.KindList, bert.KindTuple, bert.KindMap:
		for _, e := range t.Elems() {
			if !exactInJS(e) {
				return false
			}
		}
	}
	return true
}

func makeVectors(tb testing.TB) []byte {
	tb.Helper()
	var vs []vector
	for _, v := range encodeVectors {
		b := bert.Encode(v.term)
		if len(b) <= maxHexBytes {
			vs = append(vs, vector{Name: v.name, JS: v.js, Hex: hex.EncodeToString(b)})
			continue
		}
		sum := sha256.Sum256(b)
		vs = append(vs, vector{Name: v.name, JS: v.js, SHA256: hex.EncodeToString(sum[:]), Size: len(b)})
	}
	for _, v := range decodeVectors {
		got, ok := canonical(tb, v.name, v.in)
		if !ok {
			tb.Fatalf("%s: not exact in JavaScript", v.name)
		}
		vs = append(vs, got)
	}
	vs = append(vs, otpVectors(tb)...)
	out, err := json.MarshalIndent(struct {
		About   string   `json:"about"`
		Vectors []vector `json:"vectors"`
	}{
		About: "BERT vectors for n2o.js, made by the Go encoder (nitro/bert). Made by static/bert_vectors_test.go: " +
			"go test ./static -run TestBERTVectors -update. Read by static/n2o_test.mjs.",
		Vectors: vs,
	}, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	return append(out, '\n')
}

// TestBERTVectors checks that testdata/bert_vectors.json is what the Go
// encoder makes now, so that n2o_test.mjs holds n2o.js to it byte for byte.
func TestBERTVectors(t *testing.T) {
	want := makeVectors(t)
	if *update {
		if err := os.WriteFile(vectorsFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatalf("%v: run go test ./static -run TestBERTVectors -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./static -run TestBERTVectors -update", vectorsFile)
	}
}
