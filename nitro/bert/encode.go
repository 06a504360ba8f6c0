package bert

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Append appends the encoding of t, version byte first, to dst, and
// returns the extended buffer. It writes text as BINARY, atoms as
// SMALL_ATOM_UTF8 or ATOM_UTF8, integers in their smallest form and floats
// as NEW_FLOAT, and never compresses. Pass a reused buffer's [:0] to encode
// without allocating.
//
// Append panics on an atom longer than 65535 bytes, which no Erlang node
// accepts and no decoded term holds.
func Append(dst []byte, t Term) []byte {
	return appendTerm(append(dst, tagVersion), t)
}

// Encode returns the encoding of t, version byte first.
func Encode(t Term) []byte { return Append(make([]byte, 0, Size(t)), t) }

// Size returns the length of t's encoding, version byte included.
func Size(t Term) int { return 1 + size(t) }

func appendTerm(b []byte, t Term) []byte {
	switch t.kind {
	case KindList:
		if int(t.n) == 0 {
			return append(b, tagNil)
		}
		n := int(t.n) - int(t.bits)
		b = binary.BigEndian.AppendUint32(append(b, tagList), uint32(n))
		for i := range t.elems()[:n] {
			b = appendTerm(b, t.elems()[i])
		}
		if t.bits == 1 {
			return appendTerm(b, t.elems()[n])
		}
		return append(b, tagNil)
	case KindAtom:
		n := int(t.n)
		if n <= math.MaxUint8 {
			b = append(b, tagSmallAtomU8, byte(n))
		} else if n <= math.MaxUint16 {
			b = binary.BigEndian.AppendUint16(append(b, tagAtomUTF8), uint16(n))
		} else {
			panic("bert: atom longer than 65535 bytes")
		}
		return append(b, t.data()...)
	case KindBinary:
		b = binary.BigEndian.AppendUint32(append(b, tagBinary), uint32(int(t.n)))
		return append(b, t.data()...)
	case KindByteList:
		if t.n == 0 {
			return append(b, tagNil) // "" is []
		}
		if int(t.n) <= math.MaxUint16 {
			b = binary.BigEndian.AppendUint16(append(b, tagString), uint16(int(t.n)))
			return append(b, t.data()...)
		}
		// Too long for STRING_EXT: a list of small integers, as Erlang writes it.
		b = binary.BigEndian.AppendUint32(append(b, tagList), uint32(int(t.n)))
		for _, c := range t.data() {
			b = append(b, tagSmallInt, c)
		}
		return append(b, tagNil)
	case KindTuple:
		if n := int(t.n); n <= math.MaxUint8 {
			b = append(b, tagSmallTuple, byte(n))
		} else {
			b = binary.BigEndian.AppendUint32(append(b, tagLargeTuple), uint32(n))
		}
		for i := range t.elems() {
			b = appendTerm(b, t.elems()[i])
		}
		return b
	case KindMap:
		b = binary.BigEndian.AppendUint32(append(b, tagMap), uint32(int(t.n)/2))
		for i := range t.elems() {
			b = appendTerm(b, t.elems()[i])
		}
		return b
	case KindInt:
		return appendInt(b, t.n)
	case KindBigInt:
		if n := int(t.n); n <= math.MaxUint8 {
			b = append(b, tagSmallBig, byte(n))
		} else {
			b = binary.BigEndian.AppendUint32(append(b, tagLargeBig), uint32(n))
		}
		return append(append(b, t.bits), t.data()...)
	case KindFloat:
		return binary.BigEndian.AppendUint64(append(b, tagNewFloat), uint64(t.n))
	case KindBitBinary:
		b = binary.BigEndian.AppendUint32(append(b, tagBitBinary), uint32(int(t.n)))
		return append(append(b, t.bits), t.data()...)
	}
	panic("bert: invalid term kind")
}

func appendInt(b []byte, i int64) []byte {
	switch {
	case i >= 0 && i <= math.MaxUint8:
		return append(b, tagSmallInt, byte(i))
	case i >= math.MinInt32 && i <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(b, tagInt), uint32(i))
	}
	sign, u := byte(0), uint64(i)
	if i < 0 {
		sign, u = 1, -u
	}
	n := (64 - bits.LeadingZeros64(u) + 7) / 8
	b = append(b, tagSmallBig, byte(n), sign)
	for ; n > 0; n-- {
		b = append(b, byte(u))
		u >>= 8
	}
	return b
}

// size is the encoded length of t without the version byte.
func size(t Term) int {
	switch t.kind {
	case KindList:
		if int(t.n) == 0 {
			return 1
		}
		n := 5
		for i := range t.elems() {
			n += size(t.elems()[i])
		}
		if t.bits == 0 {
			n++
		}
		return n
	case KindAtom:
		if int(t.n) <= math.MaxUint8 {
			return 2 + int(t.n)
		}
		return 3 + int(t.n)
	case KindBinary:
		return 5 + int(t.n)
	case KindByteList:
		if t.n == 0 {
			return 1
		}
		if int(t.n) <= math.MaxUint16 {
			return 3 + int(t.n)
		}
		return 6 + 2*int(t.n)
	case KindTuple, KindMap:
		n := 2
		if t.kind == KindMap || int(t.n) > math.MaxUint8 {
			n = 5
		}
		for i := range t.elems() {
			n += size(t.elems()[i])
		}
		return n
	case KindInt:
		switch i := t.n; {
		case i >= 0 && i <= math.MaxUint8:
			return 2
		case i >= math.MinInt32 && i <= math.MaxInt32:
			return 5
		default:
			u := uint64(i)
			if i < 0 {
				u = -u
			}
			return 3 + (64-bits.LeadingZeros64(u)+7)/8
		}
	case KindBigInt:
		if int(t.n) <= math.MaxUint8 {
			return 3 + int(t.n)
		}
		return 6 + int(t.n)
	case KindFloat:
		return 9
	case KindBitBinary:
		return 6 + int(t.n)
	}
	return 0
}
