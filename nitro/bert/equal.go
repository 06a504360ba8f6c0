package bert

import (
	"bytes"
	"cmp"
	"slices"
)

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
		if a.n != b.n {
			return false
		}
		if a.n <= 16 {
			for i := 0; i+1 < int(a.n); i += 2 {
				v, ok := b.Get(a.elems()[i])
				if !ok || !Equal(a.elems()[i+1], v) {
					return false
				}
			}
			return true
		}
		return mapsEqual(a.elems(), b.elems())
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

// hasRepeatedKey reports whether two keys of a map's elements (k0, v0,
// k1, v1, ...) are Equal: Erlang refuses such a map. Small maps compare
// pairwise; larger ones sort a hash of each key first, so a hostile map of
// 200,000 keys costs n log n, not n².
func hasRepeatedKey(elems []Term) bool {
	n := len(elems) / 2
	if n <= 8 {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if Equal(elems[2*i], elems[2*j]) {
					return true
				}
			}
		}
		return false
	}
	type keyed struct {
		h uint64
		i int
	}
	ks := make([]keyed, n)
	for i := range ks {
		ks[i] = keyed{hashTerm(14695981039346656037, elems[2*i]), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.h, b.h) })
	for i := 1; i < n; i++ {
		for j := i - 1; j >= 0 && ks[j].h == ks[i].h; j-- {
			if Equal(elems[2*ks[i].i], elems[2*ks[j].i]) {
				return true
			}
		}
	}
	return false
}

// mapsEqual compares two large maps' pairs as sets, by sorted key hashes:
// n log n where looking each key up would be n².
func mapsEqual(a, b []Term) bool {
	type keyed struct {
		h uint64
		i int
	}
	index := func(elems []Term) []keyed {
		ks := make([]keyed, len(elems)/2)
		for i := range ks {
			ks[i] = keyed{hashTerm(14695981039346656037, elems[2*i]), i}
		}
		slices.SortFunc(ks, func(x, y keyed) int { return cmp.Compare(x.h, y.h) })
		return ks
	}
	ka, kb := index(a), index(b)
	for i, x := range ka {
		if x.h != kb[i].h {
			return false
		}
		// Among the keys of this hash in b, one must be x's key with x's value.
		found := false
		for j := i; j >= 0 && kb[j].h == x.h && !found; j-- {
			found = Equal(a[2*x.i], b[2*kb[j].i]) && Equal(a[2*x.i+1], b[2*kb[j].i+1])
		}
		for j := i + 1; j < len(kb) && kb[j].h == x.h && !found; j++ {
			found = Equal(a[2*x.i], b[2*kb[j].i]) && Equal(a[2*x.i+1], b[2*kb[j].i+1])
		}
		if !found {
			return false
		}
	}
	return true
}

// hashTerm folds t into h so that Equal terms hash alike: a byte list
// hashes as the list of integers it stands for.
func hashTerm(h uint64, t Term) uint64 {
	mix := func(h, v uint64) uint64 { return (h ^ v) * 1099511628211 }
	switch t.kind {
	case KindByteList:
		h = mix(h, uint64(KindList))
		for _, c := range t.data() {
			h = mix(mix(h, uint64(KindInt)), uint64(c))
		}
		return h
	case KindInt, KindFloat:
		return mix(mix(h, uint64(t.kind)), uint64(t.n))
	case KindAtom, KindBinary, KindBitBinary, KindBigInt:
		h = mix(mix(h, uint64(t.kind)), uint64(t.bits))
		for _, c := range t.data() {
			h = mix(h, uint64(c))
		}
		return h
	case KindTuple, KindList, KindMap:
		h = mix(mix(h, uint64(t.kind)), uint64(t.bits))
		if t.kind == KindMap {
			// Pairs have no order: combine their hashes commutatively.
			var sum uint64
			for i := 0; i+1 < int(t.n); i += 2 {
				sum += hashTerm(hashTerm(7, t.elems()[i]), t.elems()[i+1])
			}
			return mix(h, sum)
		}
		for _, e := range t.elems() {
			h = hashTerm(h, e)
		}
		return h
	}
	return h
}
