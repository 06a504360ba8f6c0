package bert

import "bytes"

// Equal reports whether a and b are the same Erlang term (Erlang's =:=).
// A byte list equals the list of small integers it stands for, integers
// compare by value whatever their encoding, floats compare by their bits,
// and maps compare as sets of pairs.
func Equal(a, b Term) bool {
	if a.kind == KindByteList && b.kind == KindList {
		return byteListEqualsList(a.data(), b)
	}
	if b.kind == KindByteList && a.kind == KindList {
		return byteListEqualsList(b.data(), a)
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindAtom, KindBinary, KindByteList:
		return bytes.Equal(a.data(), b.data())
	case KindBitBinary:
		return a.bits == b.bits && bytes.Equal(a.data(), b.data())
	case KindInt, KindFloat:
		return a.n == b.n
	case KindBigInt:
		return a.bits == b.bits && bytes.Equal(a.data(), b.data())
	case KindTuple, KindList:
		if a.bits != b.bits || int(a.n) != int(b.n) {
			return false
		}
		for i := range a.elems() {
			if !Equal(a.elems()[i], b.elems()[i]) {
				return false
			}
		}
		return true
	case KindMap:
		if int(a.n) != int(b.n) {
			return false
		}
		for i := 0; i+1 < int(a.n); i += 2 {
			v, ok := b.Get(a.elems()[i])
			if !ok || !Equal(a.elems()[i+1], v) {
				return false
			}
		}
		return true
	}
	return false
}

func byteListEqualsList(bs []byte, l Term) bool {
	if l.bits != 0 || int(l.n) != len(bs) {
		return false
	}
	for i, e := range l.elems() {
		if e.kind != KindInt || e.n != int64(bs[i]) {
			return false
		}
	}
	return true
}

// Equal reports whether t and u are the same term (see the function Equal).
func (t Term) Equal(u Term) bool { return Equal(t, u) }
