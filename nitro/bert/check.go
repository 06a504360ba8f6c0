package bert

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// ErrUnencodable reports a term that Erlang could not read: Check and
// the formatters that call it wrap it with what and where.
var ErrUnencodable = errors.New("bert: a term Erlang cannot read")

// Check reports whether Erlang can read t: every atom is valid UTF-8 of
// at most 255 characters, every float is finite (Erlang has no NaN or
// infinity), and no map holds a key twice. Decoded terms always pass;
// a term built by hand may not, and encoding it would send the peer
// something it refuses. Append does not check: call Check first where a
// term comes from code that could get it wrong.
func Check(t Term) error {
	switch t.kind {
	case KindAtom:
		if !utf8.Valid(t.data()) {
			return fmt.Errorf("%w: an atom that is not UTF-8", ErrUnencodable)
		}
		if n := utf8.RuneCount(t.data()); n > maxAtomChars {
			return fmt.Errorf("%w: an atom of %d characters (at most %d)", ErrUnencodable, n, maxAtomChars)
		}
	case KindFloat:
		if f := math.Float64frombits(uint64(t.n)); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: the float %v", ErrUnencodable, f)
		}
	case KindTuple, KindList:
		for i := range t.elems() {
			if err := Check(t.elems()[i]); err != nil {
				return err
			}
		}
	case KindMap:
		for i := range t.elems() {
			if err := Check(t.elems()[i]); err != nil {
				return err
			}
		}
		return checkKeys(t)
	}
	return nil
}

// checkKeys refuses a map with a key twice: pairwise for a small map, by
// each key's encoding for a large one, so a large map costs no more than
// its encoding.
func checkKeys(t Term) error {
	n := t.Len()
	if n <= 8 {
		for i := range n {
			ki, _ := t.Pair(i)
			for j := range i {
				if kj, _ := t.Pair(j); ki.Equal(kj) {
					return fmt.Errorf("%w: the map key %v twice", ErrUnencodable, ki)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, n)
	var buf []byte
	for i := range n {
		k, _ := t.Pair(i)
		buf = appendTerm(buf[:0], k)
		if _, dup := seen[string(buf)]; dup {
			return fmt.Errorf("%w: the map key %v twice", ErrUnencodable, k)
		}
		seen[string(buf)] = struct{}{}
	}
	return nil
}
