package bert

import (
	"math"
	"math/big"
	"unsafe"
)

// Kind says which kind of Erlang term a Term holds.
type Kind uint8

// The kinds of term. The zero Term is the empty list [] (Erlang's NIL),
// so a record field left unset encodes as N2O's default value.
const (
	KindList      Kind = iota // [] or [H|T], proper or improper
	KindAtom                  // ok, 'Token'
	KindBinary                // <<"text">>
	KindByteList              // "text" as STRING_EXT: a list of bytes
	KindTuple                 // {a, b}
	KindMap                   // #{k => v}
	KindInt                   // an integer that fits in int64
	KindBigInt                // an integer beyond int64
	KindFloat                 // a float64
	KindBitBinary             // <<1:3>>, a binary whose last byte is not whole
)

var kindNames = [...]string{"list", "atom", "binary", "byte list", "tuple", "map", "integer", "big integer", "float", "bit binary"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Term is one Erlang term. It is a small value: copy it freely. Compare
// terms with Equal: == compares where their bytes are, not what they
// hold, so two equal binaries from different buffers differ by ==, and a
// Term is no map key. (A field to forbid == would cost the encoder half
// its speed: the compiler keeps structs of four fields in registers.)
//
// A Term produced by Decode shares memory with the decoded input for
// binaries and byte lists; treat the bytes it returns as read-only, and
// use Clone to keep a term beyond the life of its input buffer.
type Term struct {
	kind Kind
	// bits is a bit binary's count of bits used in its last byte (1..7),
	// 1 for an improper list (its tail is its last element), and 1 for a
	// negative big integer.
	bits uint8
	// ptr points at the bytes of an atom's name (a Go string's memory,
	// never written), a binary, a byte list or a big integer's magnitude
	// (little-endian, as on the wire, no leading zero bytes), or at the
	// elements of a tuple, a list or a map (k0, v0, k1, v1, ...). One
	// pointer and a length instead of two slices keep a Term at 24 bytes:
	// decoding allocates one Term per element.
	ptr unsafe.Pointer
	// n is the length of what ptr points at, an Int's value, or a Float's
	// IEEE-754 bits.
	n int64
}

func bytesTerm(k Kind, b []byte) Term {
	return Term{kind: k, ptr: unsafe.Pointer(unsafe.SliceData(b)), n: int64(len(b))}
}

func bitsTerm(k Kind, bits uint8, b []byte) Term {
	t := bytesTerm(k, b)
	t.bits = bits
	return t
}

func termsTerm(k Kind, bits uint8, elems []Term) Term {
	return Term{kind: k, bits: bits, ptr: unsafe.Pointer(unsafe.SliceData(elems)), n: int64(len(elems))}
}

// data returns the bytes of an atom, binary, byte list, bit binary or big
// integer. Call it for those kinds only.
func (t Term) data() []byte { return unsafe.Slice((*byte)(t.ptr), t.n) }

// elems returns the elements of a tuple, list or map. Call it for those
// kinds only.
func (t Term) elems() []Term { return unsafe.Slice((*Term)(t.ptr), t.n) }

// Nil returns the empty list []. It is the zero Term.
func Nil() Term { return Term{} }

// Atom returns the atom with the given name.
func Atom(name string) Term {
	return bytesTerm(KindAtom, unsafe.Slice(unsafe.StringData(name), len(name)))
}

// Bool returns the atom true or false.
func Bool(b bool) Term {
	if b {
		return Atom("true")
	}
	return Atom("false")
}

// Bin returns a binary holding b. The term refers to b without copying it.
func Bin(b []byte) Term { return bytesTerm(KindBinary, b) }

// BinString returns a binary holding the bytes of s, without copying them.
// This is how text goes on the wire.
func BinString(s string) Term {
	return bytesTerm(KindBinary, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// ByteList returns the byte list (STRING_EXT) holding b: Erlang's "text",
// equal to the list of small integers it stands for.
func ByteList(b []byte) Term { return bytesTerm(KindByteList, b) }

// BitBinary returns a bitstring of len(b)-1 whole bytes and bits (1..8)
// bits of its last byte, which are its most significant ones. With bits 8,
// or no bytes, it is an ordinary binary.
func BitBinary(b []byte, bits int) Term {
	if len(b) == 0 || bits >= 8 || bits <= 0 {
		return Bin(b)
	}
	if mask := byte(0xff) >> bits; b[len(b)-1]&mask != 0 {
		// The unused low bits are not part of the value: clear them, in a
		// copy, as Erlang writes them.
		b = append([]byte(nil), b...)
		b[len(b)-1] &^= mask
	}
	return bitsTerm(KindBitBinary, uint8(bits), b)
}

// Int returns an integer term.
func Int(i int64) Term { return Term{kind: KindInt, n: i} }

// BigInt returns an integer term of any size. An x that fits in an int64
// gives the same term as Int.
func BigInt(x *big.Int) Term {
	if x.IsInt64() {
		return Int(x.Int64())
	}
	be := x.Bytes() // big-endian magnitude
	for i, j := 0, len(be)-1; i < j; i, j = i+1, j-1 {
		be[i], be[j] = be[j], be[i]
	}
	t := bytesTerm(KindBigInt, be)
	if x.Sign() < 0 {
		t.bits = 1
	}
	return t
}

// Float returns a float term.
func Float(f float64) Term { return Term{kind: KindFloat, n: int64(math.Float64bits(f))} }

// Tuple returns the tuple {elems...}. It keeps elems without copying.
func Tuple(elems ...Term) Term { return termsTerm(KindTuple, 0, elems) }

// List returns the proper list [elems...]. It keeps elems without copying.
func List(elems ...Term) Term { return termsTerm(KindList, 0, elems) }

// ImproperList returns [e1, e2, ... | tail]. As in Erlang, a tail that is
// a list is joined on: [a | [b]] is the proper list [a, b].
func ImproperList(tail Term, elems ...Term) Term {
	switch {
	case len(elems) == 0:
		return tail // [|T] is T
	case tail.kind == KindList:
		all := make([]Term, 0, len(elems)+int(tail.n))
		return termsTerm(KindList, tail.bits, append(append(all, elems...), tail.elems()...))
	case tail.kind == KindByteList:
		all := make([]Term, 0, len(elems)+int(tail.n))
		all = append(all, elems...)
		for _, c := range tail.data() {
			all = append(all, Int(int64(c)))
		}
		return termsTerm(KindList, 0, all)
	}
	all := make([]Term, 0, len(elems)+1)
	all = append(append(all, elems...), tail)
	return termsTerm(KindList, 1, all)
}

// Map returns the map #{k0 => v0, k1 => v1, ...} from alternating keys and
// values. It panics if given an odd number of terms.
func Map(kv ...Term) Term {
	if len(kv)%2 != 0 {
		panic("bert: Map needs alternating keys and values")
	}
	return termsTerm(KindMap, 0, kv)
}

// Kind returns the kind of t.
func (t Term) Kind() Kind { return t.kind }

// IsNil reports whether t is the empty list [].
func (t Term) IsNil() bool { return t.kind == KindList && int(t.n) == 0 }

// IsAtom reports whether t is the atom name.
func (t Term) IsAtom(name string) bool { return t.kind == KindAtom && string(t.data()) == name }

// Is reports whether t is a tuple of the given arity whose first element is
// the atom tag: the shape of an Erlang record such as {pickle, Id, P, L}.
func (t Term) Is(tag string, arity int) bool {
	return t.kind == KindTuple && int(t.n) == arity && arity > 0 && t.elems()[0].IsAtom(tag)
}

// Atom returns the name of an atom, or "" for any other term.
func (t Term) Atom() string {
	if t.kind != KindAtom {
		return ""
	}
	return unsafe.String((*byte)(t.ptr), t.n)
}

// Bytes returns the bytes of a binary, byte list or bit binary, and nil for
// any other term. The slice is shared: do not modify it.
func (t Term) Bytes() []byte {
	switch t.kind {
	case KindBinary, KindByteList, KindBitBinary:
		return t.data()
	}
	return nil
}

// Text returns the text of a binary, byte list or atom, and "" for any other
// term. It copies the bytes of binaries and byte lists.
func (t Term) Text() string {
	switch t.kind {
	case KindAtom:
		return t.Atom()
	case KindBinary, KindByteList:
		return string(t.data())
	}
	return ""
}

// Bits returns how many bits of the last byte a bit binary uses (1..7), and
// 8 for a binary.
func (t Term) Bits() int {
	if t.kind == KindBitBinary {
		return int(t.bits)
	}
	return 8
}

// Int returns the value of an integer that fits in an int64.
func (t Term) Int() (int64, bool) {
	return t.n, t.kind == KindInt
}

// Big returns the value of any integer term, or nil for other terms.
func (t Term) Big() *big.Int {
	switch t.kind {
	case KindInt:
		return big.NewInt(t.n)
	case KindBigInt:
		be := make([]byte, int(t.n))
		for i, b := range t.data() {
			be[len(be)-1-i] = b
		}
		x := new(big.Int).SetBytes(be)
		if t.bits == 1 {
			x.Neg(x)
		}
		return x
	}
	return nil
}

// Float returns the value of a float term.
func (t Term) Float() (float64, bool) {
	return math.Float64frombits(uint64(t.n)), t.kind == KindFloat
}

// Len returns the number of elements of a tuple or list (not counting an
// improper tail), the number of pairs of a map, the length of a byte list or
// the number of bytes of a binary, and 0 for other terms.
func (t Term) Len() int {
	switch t.kind {
	case KindTuple:
		return int(t.n)
	case KindList:
		return int(t.n) - int(t.bits)
	case KindMap:
		return int(t.n) / 2
	case KindBinary, KindByteList, KindBitBinary:
		return int(t.n)
	}
	return 0
}

// At returns element i of a tuple or list, or of a byte list as an integer.
// Out of range, or for other terms, it returns [].
func (t Term) At(i int) Term {
	switch t.kind {
	case KindTuple, KindList:
		if i >= 0 && i < t.Len() {
			return t.elems()[i]
		}
	case KindByteList:
		if i >= 0 && i < int(t.n) {
			return Int(int64(t.data()[i]))
		}
	}
	return Term{}
}

// Elems returns the elements of a tuple or of a list (without an improper
// tail). The slice is shared: do not modify it. Byte lists give nil: use At,
// Bytes, or ToList.
func (t Term) Elems() []Term {
	switch t.kind {
	case KindTuple:
		return t.elems()
	case KindList:
		return t.elems()[:int(t.n)-int(t.bits)]
	}
	return nil
}

// Tail returns the tail of an improper list, and [] for any other term.
func (t Term) Tail() Term {
	if t.kind == KindList && t.bits == 1 {
		return t.elems()[int(t.n)-1]
	}
	return Term{}
}

// IsProper reports whether t is a proper list: [] or a list ending in [].
// Byte lists are proper lists.
func (t Term) IsProper() bool {
	return (t.kind == KindList && t.bits == 0) || t.kind == KindByteList
}

// ToList returns a byte list as the list of integers it stands for, and any
// other term unchanged.
func (t Term) ToList() Term {
	if t.kind != KindByteList {
		return t
	}
	elems := make([]Term, int(t.n))
	for i, b := range t.data() {
		elems[i] = Int(int64(b))
	}
	return List(elems...)
}

// Pair returns the key and value of pair i of a map.
func (t Term) Pair(i int) (key, value Term) {
	if t.kind != KindMap || i < 0 || 2*i+1 >= int(t.n) {
		return Term{}, Term{}
	}
	return t.elems()[2*i], t.elems()[2*i+1]
}

// Get returns the value under key in a map, or the second element of the
// first {Key, Value} tuple whose key equals key in a list (a proplist, such
// as a postback's linked source values).
func (t Term) Get(key Term) (Term, bool) {
	switch t.kind {
	case KindMap:
		for i := 0; i+1 < int(t.n); i += 2 {
			if Equal(t.elems()[i], key) {
				return t.elems()[i+1], true
			}
		}
	case KindList:
		for _, e := range t.Elems() {
			if e.kind == KindTuple && int(e.n) == 2 && Equal(e.elems()[0], key) {
				return e.elems()[1], true
			}
		}
	}
	return Term{}, false
}

// Clone returns a deep copy of t that shares no memory with its source.
func (t Term) Clone() Term {
	switch t.kind {
	case KindBinary, KindByteList, KindBitBinary, KindBigInt:
		if t.n > 0 {
			return bitsTerm(t.kind, t.bits, append([]byte(nil), t.data()...))
		}
	case KindTuple, KindList, KindMap:
		if t.n > 0 {
			elems := make([]Term, t.n)
			for i, e := range t.elems() {
				elems[i] = e.Clone()
			}
			return termsTerm(t.kind, t.bits, elems)
		}
	}
	return t
}
