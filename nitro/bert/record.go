package bert

import (
	"reflect"
	"strings"
	"sync"
	"unicode"
)

// valueMaxDepth bounds how deeply ToTerm and FromTerm descend into a Go value:
// each struct, slice, array, map, pointer and interface is one level. It
// stops self-referencing values (a pointer cycle) and hostile terms aimed
// at self-referencing types.
const valueMaxDepth = 512

type (
	toTermFunc   func(v reflect.Value, depth int) (Term, error)
	fromTermFunc func(t Term, v reflect.Value, st fromState) error
)

// fromState is what a fromTermFunc needs besides the term and the value.
type fromState struct {
	depth int
	clone bool // the term shares a caller's buffer: copy what is kept (Term, any)
}

func (st fromState) next() fromState { st.depth++; return st }

// A typeCodec is the compiled encoder and decoder of one Go type.
type typeCodec struct {
	enc toTermFunc
	dec fromTermFunc
	rec *recordInfo // for struct types
}

// typeCodecs caches a *typeCodec per reflect.Type. A codec is stored only
// once it is complete, so readers never lock.
var (
	typeCodecs   sync.Map
	typeCodecsMu sync.Mutex // serialises building, so a recursive type is built once
)

func codecFor(t reflect.Type) *typeCodec {
	if c, ok := typeCodecs.Load(t); ok {
		return c.(*typeCodec)
	}
	typeCodecsMu.Lock()
	defer typeCodecsMu.Unlock()
	b := codecBuilder{pending: make(map[reflect.Type]*typeCodec)}
	c := b.codec(t)
	for t, c := range b.pending {
		typeCodecs.Store(t, c)
	}
	return c
}

// A codecBuilder builds the codecs of a type and of the types it refers to. The
// codec of a type being built is pending: a recursive type refers to its
// own pending codec, whose functions are filled in before it is published.
type codecBuilder struct {
	pending map[reflect.Type]*typeCodec
}

func (b *codecBuilder) codec(t reflect.Type) *typeCodec {
	if c, ok := typeCodecs.Load(t); ok {
		return c.(*typeCodec)
	}
	if c, ok := b.pending[t]; ok {
		return c
	}
	c := new(typeCodec)
	b.pending[t] = c
	if t.Kind() == reflect.Struct && t != termRType && t != bigIntRType {
		c.rec = b.record(t)
	}
	c.enc = b.encoder(t, c)
	c.dec = b.decoder(t, c)
	return c
}

// A recordInfo is how a struct type maps to a tuple: {tag, Field1, Field2, ...}.
type recordInfo struct {
	tag     string // "" for an unnamed struct with no tag: a plain tuple
	tagTerm Term
	fields  []recordField
}

type recordField struct {
	name  string // the Go field name, for error paths
	index int
	codec *typeCodec
}

// arity is the size of the record's tuple.
func (r *recordInfo) arity() int {
	if r.tag == "" {
		return len(r.fields)
	}
	return len(r.fields) + 1
}

func (b *codecBuilder) record(t reflect.Type) *recordInfo {
	r := &recordInfo{tag: snakeCase(t.Name())}
	named := false
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("bert")
		if f.Name == "_" {
			if tag != "" && tag != "-" && !named {
				r.tag, named = tag, true // the first blank field's tag names the record
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		r.fields = append(r.fields, recordField{name: f.Name, index: i, codec: b.codec(f.Type)})
	}
	if r.tag != "" {
		r.tagTerm = Atom(r.tag)
	}
	return r
}

// snakeCase gives the record tag of a type name: Ev is ev, FtpAck is
// ftp_ack, HTTPServer is http_server. A generic type's arguments are
// dropped: Pair[int] is pair.
func snakeCase(name string) string {
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
					b.WriteByte('_')
				}
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
