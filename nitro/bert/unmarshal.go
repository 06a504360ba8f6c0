package bert

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
)

// Unmarshaler is implemented by types that set themselves from a term.
// FromTerm calls UnmarshalBERT on the address of a value whose pointer
// type has the method.
type Unmarshaler interface {
	UnmarshalBERT(Term) error
}

var unmarshalerType = reflect.TypeFor[Unmarshaler]()

// FromTerm sets the value v points to from t, the reverse of ToTerm, and
// lenient where that is safe:
//
//   - a string takes a binary, a byte list, an atom, or [] (Erlang's "");
//   - a []byte takes a binary or a byte list (copied), or a list of bytes;
//   - a bool takes the atom true or false;
//   - an integer takes an integer that fits it;
//   - a float takes a float or an integer;
//   - a slice takes a proper list, or a byte list (each byte an element);
//     with no elements (or bytes) it is nil, as ToTerm gives [] for nil;
//   - an array takes a list or tuple of exactly its length (a byte array
//     also a binary of its length);
//   - a map takes a map, and is replaced by a new one;
//   - a struct takes the record ToTerm would give: a tuple of the right
//     arity whose first element is the record's tag;
//   - a pointer is set to a new value, or to nil for undefined or [];
//   - an interface{} (any), and a Term, take the term itself; another
//     interface takes the term if Term implements it, nil for undefined,
//     or else sets what a pointer it holds points to;
//   - a type whose pointer has an UnmarshalBERT method calls it.
//
// A map whose keys may hold a Term (an interface or Term key) is refused
// with ErrUnsupported: Terms compare by identity, not by value.
//
// Fields of a struct skipped by ToTerm are left as they are. The values set
// share no memory with t, except through terms kept whole (Term and any).
//
// A term that does not fit gives a *UnmarshalError wrapping ErrMismatch,
// naming the record fields and list indexes on the way to it. A term nested
// more than 512 levels deep gives one wrapping ErrDepth.
func FromTerm(t Term, v any) error {
	return fromTerm(t, v, false)
}

// Unmarshal decodes a frame (see Decode) and sets the value v points to
// from its term (see FromTerm). Terms kept whole in v (Term and any) are
// copied, so v does not refer to data.
func Unmarshal(data []byte, v any) error {
	t, err := Decode(data)
	if err != nil {
		return err
	}
	return fromTerm(t, v, true)
}

func fromTerm(t Term, v any, clone bool) error {
	if p, ok := v.(*Term); ok && p != nil {
		if clone {
			t = t.Clone()
		}
		*p = t
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("bert: cannot unmarshal into %s: want a non-nil pointer", errWhere("", reflect.TypeOf(v)))
	}
	if err := codecFor(rv.Type().Elem()).dec(t, rv.Elem(), fromState{clone: clone}); err != nil {
		return errRootPath(err, rv.Type().Elem())
	}
	return nil
}

func (b *codecBuilder) decoder(t reflect.Type, c *typeCodec) fromTermFunc {
	if t == termRType {
		return unmarshalTerm
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
		return unmarshalUnmarshaler
	}
	if t == bigIntRType {
		return unmarshalBigInt
	}
	switch t.Kind() {
	case reflect.Bool:
		return unmarshalBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return unmarshalInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return unmarshalUint
	case reflect.Float32, reflect.Float64:
		return unmarshalFloat
	case reflect.String:
		return unmarshalString
	case reflect.Slice:
		return b.sliceDecoder(t)
	case reflect.Array:
		return b.arrayDecoder(t)
	case reflect.Map:
		return b.mapDecoder(t)
	case reflect.Struct:
		return structDecoder(c.rec)
	case reflect.Pointer:
		return b.pointerDecoder(t)
	case reflect.Interface:
		return unmarshalInterface
	}
	return func(t Term, v reflect.Value, st fromState) error {
		err := mismatchError(t, v, st, "").(*UnmarshalError)
		err.Err = ErrUnsupported
		return err
	}
}

func unmarshalTerm(t Term, v reflect.Value, st fromState) error {
	if st.clone {
		t = t.Clone()
	}
	*v.Addr().Interface().(*Term) = t
	return nil
}

func unmarshalUnmarshaler(t Term, v reflect.Value, st fromState) error {
	if st.clone {
		t = t.Clone()
	}
	if err := v.Addr().Interface().(Unmarshaler).UnmarshalBERT(t); err != nil {
		return &UnmarshalError{Type: v.Type(), Got: t, Err: err}
	}
	return nil
}

func unmarshalBool(t Term, v reflect.Value, st fromState) error {
	switch {
	case t.IsAtom("true"):
		v.SetBool(true)
	case t.IsAtom("false"):
		v.SetBool(false)
	default:
		return mismatchError(t, v, st, "atom true or false")
	}
	return nil
}

// integerTerm returns the value of an integer term as a big.Int when it is not
// an int64 (a big integer, or an unnormalised small one).
func integerTerm(t Term) (i int64, x *big.Int, ok bool) {
	switch t.Kind() {
	case KindInt:
		i, _ := t.Int()
		return i, nil, true
	case KindBigInt:
		x = t.Big()
		if x.IsInt64() {
			return x.Int64(), nil, true
		}
		return 0, x, true
	}
	return 0, nil, false
}

func unmarshalInt(t Term, v reflect.Value, st fromState) error {
	i, x, ok := integerTerm(t)
	if !ok {
		return mismatchError(t, v, st, "integer")
	}
	if x != nil || v.OverflowInt(i) {
		return mismatchError(t, v, st, "integer in range of "+v.Kind().String())
	}
	v.SetInt(i)
	return nil
}

func unmarshalUint(t Term, v reflect.Value, st fromState) error {
	i, x, ok := integerTerm(t)
	if !ok {
		return mismatchError(t, v, st, "integer")
	}
	var u uint64
	switch {
	case x == nil && i >= 0:
		u = uint64(i)
	case x != nil && x.IsUint64():
		u = x.Uint64()
	case x == nil || x.Sign() < 0:
		return mismatchError(t, v, st, "non-negative integer")
	default:
		return mismatchError(t, v, st, "integer in range of "+v.Kind().String())
	}
	if v.OverflowUint(u) {
		return mismatchError(t, v, st, "integer in range of "+v.Kind().String())
	}
	v.SetUint(u)
	return nil
}

func unmarshalFloat(t Term, v reflect.Value, st fromState) error {
	var f float64
	switch t.Kind() {
	case KindFloat:
		f, _ = t.Float()
	case KindInt:
		i, _ := t.Int()
		f = float64(i)
	case KindBigInt:
		f, _ = new(big.Float).SetInt(t.Big()).Float64()
		if math.IsInf(f, 0) {
			return mismatchError(t, v, st, "number in range of "+v.Kind().String())
		}
	default:
		return mismatchError(t, v, st, "float")
	}
	if v.OverflowFloat(f) {
		return mismatchError(t, v, st, "float in range of "+v.Kind().String())
	}
	v.SetFloat(f)
	return nil
}

func unmarshalString(t Term, v reflect.Value, st fromState) error {
	switch t.Kind() {
	case KindBinary, KindByteList:
		v.SetString(string(t.Bytes()))
	case KindAtom:
		v.SetString(t.Atom()) // atom names are immutable strings, never the input
	default:
		if !t.IsNil() {
			return mismatchError(t, v, st, "binary, byte list or atom")
		}
		v.SetString("")
	}
	return nil
}

// sliceHintBytes bounds the bytes a slice is given before its elements decode,
// so a long list of small terms cannot make a huge allocation that fails
// on its first element.
const sliceHintBytes = 64 << 10

func (b *codecBuilder) sliceDecoder(t reflect.Type) fromTermFunc {
	elem := b.codec(t.Elem())
	bytes := isBinarySlice(t)
	size := int(t.Elem().Size())
	return func(tm Term, v reflect.Value, st fromState) error {
		if bytes && (tm.Kind() == KindBinary || tm.Kind() == KindByteList) {
			v.SetBytes(cloneBytesOrNil(tm.Bytes()))
			return nil
		}
		if !tm.IsProper() {
			if tm.Kind() == KindList {
				return mismatchError(tm, v, st, "proper list")
			}
			return mismatchError(tm, v, st, "list")
		}
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(tm, v, st)
		}
		n := tm.Len()
		if n == 0 {
			v.SetZero()
			return nil
		}
		hint := n
		if size > 0 && hint > sliceHintBytes/size {
			hint = max(1, sliceHintBytes/size)
		}
		s := reflect.MakeSlice(t, 0, hint)
		out := reflect.New(t).Elem()
		out.Set(s)
		for i := range n {
			if out.Len() == out.Cap() {
				out.Grow(1)
			}
			out.SetLen(i + 1)
			if err := elem.dec(tm.At(i), out.Index(i), st.next()); err != nil {
				return errPrependPath(err, "["+strconv.Itoa(i)+"]")
			}
		}
		v.Set(out)
		return nil
	}
}

// cloneBytesOrNil copies b, giving nil for no bytes.
func cloneBytesOrNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

func (b *codecBuilder) arrayDecoder(t reflect.Type) fromTermFunc {
	elem := b.codec(t.Elem())
	n := t.Len()
	want := fmt.Sprintf("list or tuple of %d elements", n)
	bytes := t.Elem().Kind() == reflect.Uint8 && isBinarySlice(reflect.SliceOf(t.Elem()))
	if bytes {
		want = fmt.Sprintf("binary, list or tuple of %d elements", n)
	}
	return func(tm Term, v reflect.Value, st fromState) error {
		if bytes && tm.Kind() == KindBinary && tm.Len() == n {
			reflect.Copy(v, reflect.ValueOf(tm.Bytes()))
			return nil
		}
		if !(tm.IsProper() || tm.Kind() == KindTuple) || tm.Len() != n {
			return mismatchError(tm, v, st, want)
		}
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(tm, v, st)
		}
		for i := range n {
			if err := elem.dec(tm.At(i), v.Index(i), st.next()); err != nil {
				return errPrependPath(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return nil
	}
}

func (b *codecBuilder) mapDecoder(t reflect.Type) fromTermFunc {
	key, value := b.codec(t.Key()), b.codec(t.Elem())
	termKeys := holdsTerm(t.Key())
	return func(tm Term, v reflect.Value, st fromState) error {
		if tm.Kind() != KindMap {
			return mismatchError(tm, v, st, "map")
		}
		if termKeys {
			err := mismatchError(tm, v, st, "").(*UnmarshalError)
			err.Err = fmt.Errorf("%w: map keys that hold a Term compare by identity", ErrUnsupported)
			return err
		}
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(tm, v, st)
		}
		n := tm.Len()
		m := reflect.MakeMapWithSize(t, min(n, 256))
		k, val := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for i := range n {
			kt, vt := tm.Pair(i)
			k.SetZero()
			if err := key.dec(kt, k, st.next()); err != nil {
				return errPrependPath(err, "["+sketchTerm(kt)+"]")
			}
			val.SetZero()
			if err := value.dec(vt, val, st.next()); err != nil {
				return errPrependPath(err, "["+sketchTerm(kt)+"]")
			}
			m.SetMapIndex(k, val)
		}
		v.Set(m)
		return nil
	}
}

// holdsTerm reports whether a value of type t may hold a Term (in an
// interface, or as one). Terms compare by identity, not by value, so such
// a value is no use as a map key.
func holdsTerm(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Array:
		return holdsTerm(t.Elem())
	case reflect.Struct:
		if t == termRType {
			return true
		}
		for i := range t.NumField() {
			if holdsTerm(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

func structDecoder(rec *recordInfo) fromTermFunc {
	var want string
	if rec.tag == "" {
		want = fmt.Sprintf("tuple of arity %d", rec.arity())
	} else {
		want = fmt.Sprintf("record %s (a tuple of arity %d)", sketchTerm(rec.tagTerm), rec.arity())
	}
	return func(t Term, v reflect.Value, st fromState) error {
		if t.Kind() != KindTuple {
			return mismatchError(t, v, st, want)
		}
		elems := t.Elems()
		off := 0
		if rec.tag != "" {
			if len(elems) == 0 || !elems[0].IsAtom(rec.tag) {
				got := "an empty tuple"
				if len(elems) > 0 {
					got = sketchTerm(elems[0])
				}
				return mismatchError(t, v, st, "record tag "+sketchTerm(rec.tagTerm)+", got "+got)
			}
			off = 1
		}
		if len(elems) != rec.arity() {
			what := "tuple"
			if rec.tag != "" {
				what = "record " + sketchTerm(rec.tagTerm)
			}
			return mismatchError(t, v, st, fmt.Sprintf("%s of arity %d, got arity %d", what, rec.arity(), len(elems)))
		}
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(t, v, st)
		}
		for i, f := range rec.fields {
			if err := f.codec.dec(elems[off+i], v.Field(f.index), st.next()); err != nil {
				return errPrependPath(err, "."+f.name)
			}
		}
		return nil
	}
}

func (b *codecBuilder) pointerDecoder(t reflect.Type) fromTermFunc {
	elem := b.codec(t.Elem())
	return func(tm Term, v reflect.Value, st fromState) error {
		if tm.IsAtom("undefined") || tm.IsNil() {
			v.SetZero()
			return nil
		}
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(tm, v, st)
		}
		p := reflect.New(t.Elem())
		if err := elem.dec(tm, p.Elem(), st.next()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
}

func unmarshalInterface(t Term, v reflect.Value, st fromState) error {
	if v.NumMethod() == 0 || termRType.Implements(v.Type()) {
		if st.clone {
			t = t.Clone()
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	if t.IsAtom("undefined") {
		v.SetZero()
		return nil
	}
	// An interface holding a non-nil pointer: decode into what it points to.
	if e := v.Elem(); e.IsValid() && e.Kind() == reflect.Pointer && !e.IsNil() {
		if st.depth >= valueMaxDepth {
			return unmarshalTooDeep(t, v, st)
		}
		return codecFor(e.Type().Elem()).dec(t, e.Elem(), st.next())
	}
	err := mismatchError(t, v, st, "").(*UnmarshalError)
	err.Err = ErrUnsupported
	return err
}

func unmarshalBigInt(t Term, v reflect.Value, st fromState) error {
	x := t.Big()
	if x == nil {
		return mismatchError(t, v, st, "integer")
	}
	v.Addr().Interface().(*big.Int).Set(x)
	return nil
}
