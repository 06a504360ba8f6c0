package bert

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
)

// Marshaler is implemented by types that turn themselves into a term.
// ToTerm calls MarshalBERT on a value whose type has the method, and on an
// addressable value (a field reached through a pointer, a slice element)
// whose pointer type has it.
type Marshaler interface {
	MarshalBERT() (Term, error)
}

var (
	termRType     = reflect.TypeFor[Term]()
	bigIntRType   = reflect.TypeFor[big.Int]()
	marshalerType = reflect.TypeFor[Marshaler]()
	atomUndefined = Atom("undefined")
)

// ToTerm returns the term of a Go value:
//
//   - a Term is itself, and so is a non-nil *Term;
//   - a string or []byte is a binary, sharing the memory of v (a nil
//     []byte is <<>>);
//   - a bool is the atom true or false;
//   - an integer of any size (also big.Int) is an integer; a float is a float;
//   - a slice or array is a proper list (a nil slice is []);
//   - a map is a map, its pairs sorted by key so the encoding is stable;
//   - a struct is a record: {Tag, Field1, Field2, ...}, see below;
//   - a nil pointer or nil interface is the atom undefined;
//   - a type with a MarshalBERT method is what the method returns.
//
// # Records
//
// A struct is a tuple of its exported fields, in order, after an atom that
// tags it. The tag is the type's name in snake_case (type FtpAck gives
// ftp_ack), or is named by a blank field:
//
//	type Ev struct {
//		_        struct{} `bert:"ev"`
//		Module   Term
//		Msg      any
//		Trigger  string
//		Name     Term
//		internal int    // unexported: skipped
//		Cache    []byte `bert:"-"` // skipped
//	}
//
// A struct of an unnamed type with no blank-field tag is an untagged tuple.
// Embedded structs are fields like any other: they are not flattened.
//
// Channels, functions and complex numbers have no term: ToTerm returns a
// *MarshalError wrapping ErrUnsupported. So it does for a value nested more
// than 512 levels deep (ErrDepth), such as a pointer cycle.
//
// ToTerm and FromTerm are safe for concurrent use. Each Go type is examined
// once, on first use, and what they need to know of it is kept for the life
// of the program.
func ToTerm(v any) (Term, error) {
	switch v := v.(type) {
	case nil:
		return atomUndefined, nil
	case Term:
		return v, nil
	case *Term:
		if v == nil {
			return atomUndefined, nil
		}
		return *v, nil
	case string:
		return BinString(v), nil
	}
	rv := reflect.ValueOf(v)
	t, err := codecFor(rv.Type()).enc(rv, 0)
	if err != nil {
		return Term{}, errRootPath(err, rv.Type())
	}
	return t, nil
}

// Marshal returns the encoding of v's term (see ToTerm), version byte first.
func Marshal(v any) ([]byte, error) {
	t, err := ToTerm(v)
	if err != nil {
		return nil, err
	}
	return Encode(t), nil
}

func (b *codecBuilder) encoder(t reflect.Type, c *typeCodec) toTermFunc {
	if t == termRType {
		return marshalTerm
	}
	if t.Kind() != reflect.Interface && t.Implements(marshalerType) {
		return marshalMarshaler
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType) {
		plain := b.plainEncoder(t, c)
		return func(v reflect.Value, depth int) (Term, error) {
			if v.CanAddr() {
				return marshalMarshaler(v.Addr(), depth)
			}
			return plain(v, depth)
		}
	}
	return b.plainEncoder(t, c)
}

func (b *codecBuilder) plainEncoder(t reflect.Type, c *typeCodec) toTermFunc {
	if t == bigIntRType {
		return marshalBigInt
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(v reflect.Value, _ int) (Term, error) { return Bool(v.Bool()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value, _ int) (Term, error) { return Int(v.Int()), nil }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return marshalUint
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value, _ int) (Term, error) { return Float(v.Float()), nil }
	case reflect.String:
		return func(v reflect.Value, _ int) (Term, error) { return BinString(v.String()), nil }
	case reflect.Slice:
		if isBinarySlice(t) {
			return func(v reflect.Value, _ int) (Term, error) { return Bin(v.Bytes()), nil }
		}
		return b.listEncoder(t)
	case reflect.Array:
		return b.listEncoder(t)
	case reflect.Map:
		return b.mapEncoder(t)
	case reflect.Struct:
		return structEncoder(c.rec)
	case reflect.Pointer:
		elem := b.codec(t.Elem())
		return func(v reflect.Value, depth int) (Term, error) {
			if v.IsNil() {
				return atomUndefined, nil
			}
			if depth >= valueMaxDepth {
				return Term{}, marshalTooDeep(v)
			}
			return elem.enc(v.Elem(), depth+1)
		}
	case reflect.Interface:
		return marshalInterface
	}
	return func(v reflect.Value, _ int) (Term, error) {
		return Term{}, &MarshalError{Type: v.Type(), Err: ErrUnsupported}
	}
}

// isBinarySlice reports whether a slice type is a byte slice that is a binary:
// its elements are bytes with no methods of their own to marshal them.
func isBinarySlice(t reflect.Type) bool {
	e := t.Elem()
	return e.Kind() == reflect.Uint8 && !e.Implements(marshalerType) && !reflect.PointerTo(e).Implements(marshalerType) &&
		!reflect.PointerTo(e).Implements(unmarshalerType)
}

func marshalTerm(v reflect.Value, _ int) (Term, error) {
	if v.CanAddr() {
		return *v.Addr().Interface().(*Term), nil
	}
	return v.Interface().(Term), nil
}

func marshalMarshaler(v reflect.Value, _ int) (Term, error) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return atomUndefined, nil
	}
	t, err := v.Interface().(Marshaler).MarshalBERT()
	if err != nil {
		return Term{}, &MarshalError{Type: v.Type(), Err: err}
	}
	return t, nil
}

func marshalUint(v reflect.Value, _ int) (Term, error) {
	u := v.Uint()
	if u > math.MaxInt64 {
		return BigInt(new(big.Int).SetUint64(u)), nil
	}
	return Int(int64(u)), nil
}

func marshalBigInt(v reflect.Value, _ int) (Term, error) {
	if v.CanAddr() {
		return BigInt(v.Addr().Interface().(*big.Int)), nil
	}
	x := v.Interface().(big.Int)
	return BigInt(&x), nil
}

func marshalInterface(v reflect.Value, depth int) (Term, error) {
	if v.IsNil() {
		return atomUndefined, nil
	}
	if depth >= valueMaxDepth {
		return Term{}, marshalTooDeep(v)
	}
	e := v.Elem()
	return codecFor(e.Type()).enc(e, depth+1)
}

func (b *codecBuilder) listEncoder(t reflect.Type) toTermFunc {
	elem := b.codec(t.Elem())
	return func(v reflect.Value, depth int) (Term, error) {
		n := v.Len()
		if n == 0 {
			return Nil(), nil
		}
		if depth >= valueMaxDepth {
			return Term{}, marshalTooDeep(v)
		}
		elems := make([]Term, n)
		for i := range n {
			e, err := elem.enc(v.Index(i), depth+1)
			if err != nil {
				return Term{}, errPrependPath(err, fmt.Sprintf("[%d]", i))
			}
			elems[i] = e
		}
		return List(elems...), nil
	}
}

func structEncoder(rec *recordInfo) toTermFunc {
	return func(v reflect.Value, depth int) (Term, error) {
		if depth >= valueMaxDepth {
			return Term{}, marshalTooDeep(v)
		}
		elems := make([]Term, rec.arity())
		off := 0
		if rec.tag != "" {
			elems[0], off = rec.tagTerm, 1
		}
		for i, f := range rec.fields {
			e, err := f.codec.enc(v.Field(f.index), depth+1)
			if err != nil {
				return Term{}, errPrependPath(err, "."+f.name)
			}
			elems[off+i] = e
		}
		return Tuple(elems...), nil
	}
}

type mapPair struct {
	key, value Term
	order      string // what the pair sorts by, unless both keys are integers
}

func (b *codecBuilder) mapEncoder(t reflect.Type) toTermFunc {
	key, value := b.codec(t.Key()), b.codec(t.Elem())
	kt := t.Key()
	plainKey := !kt.Implements(marshalerType) && !reflect.PointerTo(kt).Implements(marshalerType)
	byString := plainKey && kt.Kind() == reflect.String
	byInt := plainKey && kt.Kind() >= reflect.Int && kt.Kind() <= reflect.Uintptr
	return func(v reflect.Value, depth int) (Term, error) {
		if v.Len() == 0 {
			return Map(), nil
		}
		if depth >= valueMaxDepth {
			return Term{}, marshalTooDeep(v)
		}
		pairs := make([]mapPair, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			k, err := key.enc(it.Key(), depth+1)
			if err != nil {
				return Term{}, errPrependPath(err, "["+fmt.Sprint(it.Key())+"]")
			}
			val, err := value.enc(it.Value(), depth+1)
			if err != nil {
				return Term{}, errPrependPath(err, "["+fmt.Sprint(it.Key())+"]")
			}
			p := mapPair{key: k, value: val}
			switch {
			case byString:
				p.order = it.Key().String()
			case !byInt:
				p.order = k.String()
			}
			pairs = append(pairs, p)
		}
		if byInt {
			slices.SortFunc(pairs, func(a, b mapPair) int { return compareIntTerms(a.key, b.key) })
		} else {
			slices.SortFunc(pairs, func(a, b mapPair) int { return strings.Compare(a.order, b.order) })
		}
		kv := make([]Term, 0, 2*len(pairs))
		for i, p := range pairs {
			if !byString && !byInt && i > 0 && p.order == pairs[i-1].order && Equal(p.key, pairs[i-1].key) {
				return Term{}, &MarshalError{Type: v.Type(), Err: fmt.Errorf("two keys are the term %s", sketchTerm(p.key))}
			}
			kv = append(kv, p.key, p.value)
		}
		return Map(kv...), nil
	}
}

// compareIntTerms orders integer terms by value.
func compareIntTerms(a, b Term) int {
	x, aok := a.Int()
	y, bok := b.Int()
	if aok && bok {
		return cmp.Compare(x, y)
	}
	return a.Big().Cmp(b.Big())
}
