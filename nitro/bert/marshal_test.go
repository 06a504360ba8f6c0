package bert_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

// evRecord is N2O's #ev{}: {ev, Module, Msg, Trigger, Name}.
type evRecord struct {
	_       struct{} `bert:"ev"`
	Module  bert.Term
	Msg     any
	Trigger string
	Name    bert.Term
}

// clickRecord is a postback: {click, Id, Count}.
type clickRecord struct {
	_     struct{} `bert:"click"`
	ID    string
	Count int
}

// pageRecord nests records, pointers, lists and maps.
type pageRecord struct {
	_       struct{} `bert:"page"`
	Title   string
	Click   clickRecord
	Next    *clickRecord
	Clicks  []clickRecord
	Attrs   map[string]int
	Skipped string `bert:"-"`
	hidden  int
}

// colour marshals itself as an atom: red, green, blue.
type colour int

var colourNames = []string{"red", "green", "blue"}

func (c colour) MarshalBERT() (bert.Term, error) {
	if c < 0 || int(c) >= len(colourNames) {
		return bert.Term{}, errColour
	}
	return bert.Atom(colourNames[c]), nil
}

func (c *colour) UnmarshalBERT(t bert.Term) error {
	for i, name := range colourNames {
		if t.IsAtom(name) {
			*c = colour(i)
			return nil
		}
	}
	return errColour
}

var errColour = errors.New("no such colour")

// stamp has its MarshalBERT on the pointer: ToTerm calls it only where the
// value is addressable.
type stamp struct{ N int }

func (s *stamp) MarshalBERT() (bert.Term, error) {
	return bert.Tuple(bert.Atom("stamp"), bert.Int(int64(s.N))), nil
}

type paintRecord struct {
	_      struct{} `bert:"paint"`
	Colour colour
	Stamp  stamp
}

// nodeRecord refers to itself.
type nodeRecord struct {
	_    struct{} `bert:"node"`
	Next *nodeRecord
}

// nestedList is a list of itself: [[[]]].
type nestedList []nestedList

// selfPointer is a pointer to itself.
type selfPointer *selfPointer

type pairOf[T any] struct{ A, B T }

func atoms(names ...string) []bert.Term {
	ts := make([]bert.Term, len(names))
	for i, n := range names {
		ts[i] = bert.Atom(n)
	}
	return ts
}

func mustToTerm(tb testing.TB, v any) bert.Term {
	tb.Helper()
	t, err := bert.ToTerm(v)
	if err != nil {
		tb.Fatalf("ToTerm(%#v): %v", v, err)
	}
	return t
}

func TestToTerm(t *testing.T) {
	tm := bert.Tuple(bert.Atom("a"), bert.Int(1))
	u64max := new(big.Int).SetUint64(math.MaxUint64)
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	type Named string
	type Raw []byte
	type Ev struct{ A int }
	type FtpAck struct{}
	type HTTPServer struct{}
	type IO struct{}
	type Utf8Text struct{}
	type Embedded struct {
		Ev
		N int
	}
	undefined := bert.Atom("undefined")
	tests := []struct {
		name string
		in   any
		want bert.Term
	}{
		{"nil", nil, undefined},
		{"term", tm, tm},
		{"*term", &tm, tm},
		{"nil *term", (*bert.Term)(nil), undefined},
		{"string", "héllo", bert.BinString("héllo")},
		{"named string", Named("x"), bert.BinString("x")},
		{"empty string", "", bert.Bin(nil)},
		{"bytes", []byte{1, 2, 3}, bert.Bin([]byte{1, 2, 3})},
		{"named bytes", Raw("raw"), bert.BinString("raw")},
		{"nil bytes", []byte(nil), bert.Bin(nil)},
		{"true", true, bert.Atom("true")},
		{"false", false, bert.Atom("false")},
		{"int", 42, bert.Int(42)},
		{"int8", int8(-128), bert.Int(-128)},
		{"int64 min", int64(math.MinInt64), bert.Int(math.MinInt64)},
		{"uint8", uint8(255), bert.Int(255)},
		{"uint64 in int64", uint64(math.MaxInt64), bert.Int(math.MaxInt64)},
		{"uint64 max", uint64(math.MaxUint64), bert.BigInt(u64max)},
		{"uintptr", uintptr(7), bert.Int(7)},
		{"*big.Int", huge, bert.BigInt(huge)},
		{"big.Int", *big.NewInt(5), bert.Int(5)},
		{"nil *big.Int", (*big.Int)(nil), undefined},
		{"float64", 1.5, bert.Float(1.5)},
		{"float32", float32(0.25), bert.Float(0.25)},
		{"slice", []int{1, 2}, bert.List(bert.Int(1), bert.Int(2))},
		{"nil slice", []int(nil), bert.Nil()},
		{"empty slice", []string{}, bert.Nil()},
		{"strings", []string{"a", "b"}, bert.List(bert.BinString("a"), bert.BinString("b"))},
		{"array", [2]bool{true, false}, bert.List(atoms("true", "false")...)},
		{"byte array", [2]byte{1, 2}, bert.List(bert.Int(1), bert.Int(2))},
		{"terms", []bert.Term{bert.Atom("x"), bert.Nil()}, bert.List(bert.Atom("x"), bert.Nil())},
		{"anys", []any{1, "a", nil, []int{}}, bert.List(bert.Int(1), bert.BinString("a"), undefined, bert.Nil())},
		{"map", map[string]int{"a": 1}, bert.Map(bert.BinString("a"), bert.Int(1))},
		{"nil map", map[string]int(nil), bert.Map()},
		{"nil pointer", (*int)(nil), undefined},
		{"pointer", ptr(7), bert.Int(7)},
		{"pointer to pointer", ptr(ptr("s")), bert.BinString("s")},
		{"tag from type name", Ev{A: 1}, bert.Tuple(bert.Atom("ev"), bert.Int(1))},
		{"snake case", FtpAck{}, bert.Tuple(bert.Atom("ftp_ack"))},
		{"snake case initialism", HTTPServer{}, bert.Tuple(bert.Atom("http_server"))},
		{"all capitals", IO{}, bert.Tuple(bert.Atom("io"))},
		{"digits", Utf8Text{}, bert.Tuple(bert.Atom("utf8_text"))},
		{"generic", pairOf[int]{1, 2}, bert.Tuple(bert.Atom("pair_of"), bert.Int(1), bert.Int(2))},
		{"unnamed struct is a plain tuple", struct{ A, B int }{1, 2}, bert.Tuple(bert.Int(1), bert.Int(2))},
		{"unnamed struct with a tag", struct {
			_ struct{} `bert:"ok"`
			A int
		}{A: 1}, bert.Tuple(bert.Atom("ok"), bert.Int(1))},
		{"embedded struct is a field", Embedded{Ev{1}, 2}, bert.Tuple(bert.Atom("embedded"), bert.Tuple(bert.Atom("ev"), bert.Int(1)), bert.Int(2))},
		{"blank tag", clickRecord{ID: "b1", Count: 2}, bert.Tuple(bert.Atom("click"), bert.BinString("b1"), bert.Int(2))},
		{"pointer to record", &clickRecord{ID: "b1"}, bert.Tuple(bert.Atom("click"), bert.BinString("b1"), bert.Int(0))},
		{"ev", evRecord{Module: bert.Atom("page"), Msg: clickRecord{ID: "b"}, Trigger: "b", Name: bert.Atom("event")},
			bert.Tuple(bert.Atom("ev"), bert.Atom("page"), bert.Tuple(bert.Atom("click"), bert.BinString("b"), bert.Int(0)), bert.BinString("b"), bert.Atom("event"))},
		{"zero ev", evRecord{}, bert.Tuple(bert.Atom("ev"), bert.Nil(), undefined, bert.Bin(nil), bert.Nil())},
		{"nested records", pageRecord{
			Title:   "t",
			Click:   clickRecord{ID: "a", Count: 1},
			Clicks:  []clickRecord{{ID: "b"}},
			Attrs:   map[string]int{"k": 1},
			Skipped: "no",
			hidden:  1,
		}, bert.Tuple(bert.Atom("page"), bert.BinString("t"),
			bert.Tuple(bert.Atom("click"), bert.BinString("a"), bert.Int(1)),
			undefined,
			bert.List(bert.Tuple(bert.Atom("click"), bert.BinString("b"), bert.Int(0))),
			bert.Map(bert.BinString("k"), bert.Int(1)))},
		{"marshaler", colour(1), bert.Atom("green")},
		{"marshalers in a record", &paintRecord{Colour: 2, Stamp: stamp{N: 3}},
			bert.Tuple(bert.Atom("paint"), bert.Atom("blue"), bert.Tuple(bert.Atom("stamp"), bert.Int(3)))},
		{"pointer marshaler on an unaddressable value", paintRecord{Stamp: stamp{N: 3}},
			bert.Tuple(bert.Atom("paint"), bert.Atom("red"), bert.Tuple(bert.Atom("stamp"), bert.Int(3)))},
		{"nil pointer marshaler", (*stamp)(nil), undefined},
		{"marshalers in a slice", []colour{0, 2}, bert.List(bert.Atom("red"), bert.Atom("blue"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bert.ToTerm(tt.in)
			if err != nil {
				t.Fatalf("ToTerm: %v", err)
			}
			if !bert.Equal(got, tt.want) || got.Kind() != tt.want.Kind() {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestToTermMapOrder(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"string keys", map[string]int{"b": 2, "a": 1, "c": 3, "": 0}, `#{<<>> => 0,<<"a">> => 1,<<"b">> => 2,<<"c">> => 3}`},
		{"int keys by value", map[int]bool{10: true, 9: false, -1: true}, `#{-1 => true,9 => false,10 => true}`},
		{"uint64 keys beyond int64", map[uint64]int{math.MaxUint64: 1, 1: 2}, `#{1 => 2,18446744073709551615 => 1}`},
		{"record keys", map[clickRecord]int{{ID: "b"}: 2, {ID: "a"}: 1}, `#{{click,<<"a">>,0} => 1,{click,<<"b">>,0} => 2}`},
		{"any keys", map[any]int{"a": 1, 2: 2, true: 3}, `#{2 => 2,<<"a">> => 1,true => 3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map iteration order varies: the output must not
				if got := mustToTerm(t, tt.in).String(); got != tt.want {
					t.Fatalf("got %s, want %s", got, tt.want)
				}
			}
		})
	}
}

func TestToTermErrors(t *testing.T) {
	cycle := &nodeRecord{}
	cycle.Next = cycle
	var self selfPointer
	self = &self
	var loop any
	loop = &loop
	tests := []struct {
		name    string
		in      any
		wantErr error
		wantMsg string // the whole message, when not ""
	}{
		{"chan", make(chan int), bert.ErrUnsupported, "bert: cannot marshal chan int: unsupported Go type"},
		{"func", func() {}, bert.ErrUnsupported, "bert: cannot marshal func(): unsupported Go type"},
		{"complex", complex(1, 2), bert.ErrUnsupported, "bert: cannot marshal complex128: unsupported Go type"},
		{"in a record", evRecord{Msg: []any{1, make(chan int)}}, bert.ErrUnsupported,
			"bert: cannot marshal ev.Msg[1] (chan int): unsupported Go type"},
		{"in a map", map[string]any{"k": func() {}}, bert.ErrUnsupported, "bert: cannot marshal [k] (func()): unsupported Go type"},
		{"marshaler error", paintRecord{Colour: 7}, errColour, "bert: cannot marshal paint.Colour (bert_test.colour): no such colour"},
		{"pointer cycle", cycle, bert.ErrDepth, ""},
		{"self pointer", self, bert.ErrDepth, ""},
		{"interface cycle", loop, bert.ErrDepth, ""},
		{"duplicate keys", map[any]int{1: 1, int8(1): 2}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bert.ToTerm(tt.in)
			var me *bert.MarshalError
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a *MarshalError", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want it to wrap %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("got %q, want %q", err, tt.wantMsg)
			}
			if len(me.Path) > 250 {
				t.Errorf("got a path of %d bytes, want it bounded", len(me.Path))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestFromTerm(t *testing.T) {
	u64max := new(big.Int).SetUint64(math.MaxUint64)
	type Named string
	type Raw []byte
	type Small int8
	tests := []struct {
		name string
		in   bert.Term
		into any // a pointer to a zero value
		want any // what it points to afterwards
	}{
		{"string from binary", bert.BinString("héllo"), new(string), "héllo"},
		{"string from byte list", bert.ByteList([]byte("abc")), new(string), "abc"},
		{"string from atom", bert.Atom("ok"), new(string), "ok"},
		{"string from []", bert.Nil(), new(string), ""},
		{"named string", bert.BinString("x"), new(Named), Named("x")},
		{"bytes from binary", bert.Bin([]byte{1, 2}), new([]byte), []byte{1, 2}},
		{"bytes from byte list", bert.ByteList([]byte{3}), new([]byte), []byte{3}},
		{"bytes from list", bert.List(bert.Int(4), bert.Int(255)), new([]byte), []byte{4, 255}},
		{"empty bytes are nil", bert.Bin(nil), new([]byte), []byte(nil)},
		{"named bytes", bert.BinString("r"), new(Raw), Raw("r")},
		{"true", bert.Atom("true"), new(bool), true},
		{"false", bert.Atom("false"), new(bool), false},
		{"int", bert.Int(-7), new(int), -7},
		{"int8 max", bert.Int(127), new(int8), int8(127)},
		{"int8 min", bert.Int(-128), new(int8), int8(-128)},
		{"named int", bert.Int(3), new(Small), Small(3)},
		{"int64 min", bert.Int(math.MinInt64), new(int64), int64(math.MinInt64)},
		{"uint8 max", bert.Int(255), new(uint8), uint8(255)},
		{"uint64 max", bert.BigInt(u64max), new(uint64), uint64(math.MaxUint64)},
		{"uintptr", bert.Int(1), new(uintptr), uintptr(1)},
		{"float", bert.Float(2.5), new(float64), 2.5},
		{"float from integer", bert.Int(3), new(float64), 3.0},
		{"float from big integer", bert.BigInt(u64max), new(float64), float64(math.MaxUint64)},
		{"float32", bert.Float(0.5), new(float32), float32(0.5)},
		{"*big.Int", bert.BigInt(u64max), new(*big.Int), u64max},
		{"big.Int", bert.Int(-3), new(big.Int), *big.NewInt(-3)},
		{"slice", bert.List(bert.Int(1), bert.Int(2)), new([]int), []int{1, 2}},
		{"slice from [] is nil", bert.Nil(), new([]int), []int(nil)},
		{"slice from byte list", bert.ByteList([]byte("ab")), new([]int), []int{97, 98}},
		{"strings", bert.List(bert.BinString("a"), bert.Atom("b")), new([]string), []string{"a", "b"}},
		{"array from list", bert.List(bert.Int(1), bert.Int(2)), new([2]int), [2]int{1, 2}},
		{"array from tuple", bert.Tuple(bert.Int(1), bert.Int(2)), new([2]int), [2]int{1, 2}},
		{"byte array from binary", bert.Bin([]byte{9, 8}), new([2]byte), [2]byte{9, 8}},
		{"byte array from byte list", bert.ByteList([]byte{9, 8}), new([2]byte), [2]byte{9, 8}},
		{"map", bert.Map(bert.BinString("a"), bert.Int(1), bert.Atom("b"), bert.Int(2)), new(map[string]int), map[string]int{"a": 1, "b": 2}},
		{"empty map", bert.Map(), new(map[string]int), map[string]int{}},
		{"map of records", bert.Map(bert.Int(1), bert.Tuple(bert.Atom("click"), bert.BinString("x"), bert.Int(1))),
			new(map[int]clickRecord), map[int]clickRecord{1: {ID: "x", Count: 1}}},
		{"pointer", bert.Int(5), new(*int), ptr(5)},
		{"pointer from undefined", bert.Atom("undefined"), new(*int), (*int)(nil)},
		{"pointer from []", bert.Nil(), new(*clickRecord), (*clickRecord)(nil)},
		{"record", bert.Tuple(bert.Atom("click"), bert.BinString("b1"), bert.Int(2)), new(clickRecord), clickRecord{ID: "b1", Count: 2}},
		{"unnamed struct", bert.Tuple(bert.Int(1), bert.BinString("x")), new(struct {
			A int
			B string
		}), struct {
			A int
			B string
		}{1, "x"}},
		{"nested records", bert.Tuple(bert.Atom("page"), bert.BinString("t"),
			bert.Tuple(bert.Atom("click"), bert.BinString("a"), bert.Int(1)),
			bert.Tuple(bert.Atom("click"), bert.BinString("n"), bert.Int(2)),
			bert.List(bert.Tuple(bert.Atom("click"), bert.BinString("b"), bert.Int(0))),
			bert.Map(bert.BinString("k"), bert.Int(1))),
			new(pageRecord),
			pageRecord{Title: "t", Click: clickRecord{ID: "a", Count: 1}, Next: &clickRecord{ID: "n", Count: 2},
				Clicks: []clickRecord{{ID: "b"}}, Attrs: map[string]int{"k": 1}}},
		{"unmarshaler", bert.Atom("blue"), new(colour), colour(2)},
		{"unmarshalers in a record", bert.Tuple(bert.Atom("paint"), bert.Atom("green"), bert.Tuple(bert.Atom("stamp"), bert.Int(4))),
			new(paintRecord), paintRecord{Colour: 1, Stamp: stamp{N: 4}}},
		{"unmarshalers in a slice", bert.List(bert.Atom("blue"), bert.Atom("red")), new([]colour), []colour{2, 0}},
		{"pointer to unmarshaler", bert.Atom("green"), new(*colour), ptr(colour(1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := bert.FromTerm(tt.in, tt.into); err != nil {
				t.Fatalf("FromTerm(%v): %v", tt.in, err)
			}
			if got := reflect.ValueOf(tt.into).Elem().Interface(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestFromTermKeepsTerms(t *testing.T) {
	msg := bert.Tuple(bert.Atom("click"), bert.Int(1))
	in := bert.Tuple(bert.Atom("ev"), bert.Atom("page"), msg, bert.BinString("b"), bert.Atom("event"))
	var ev evRecord
	if err := bert.FromTerm(in, &ev); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want bert.Term
	}{
		{"Term field", ev.Module, bert.Atom("page")},
		{"any field holds the Term", ev.Msg.(bert.Term), msg},
		{"Term field name", ev.Name, bert.Atom("event")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bert.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	var whole bert.Term
	if err := bert.FromTerm(in, &whole); err != nil || !bert.Equal(whole, in) {
		t.Errorf("got %v, %v, want %v", whole, err, in)
	}
	var anys []any
	if err := bert.FromTerm(bert.List(bert.Int(1), bert.Atom("a")), &anys); err != nil || len(anys) != 2 || !bert.Equal(anys[1].(bert.Term), bert.Atom("a")) {
		t.Errorf("got %v, %v, want [1 a]", anys, err)
	}
}

func TestFromTermCopiesBytes(t *testing.T) {
	buf := []byte("abc")
	var v struct {
		B []byte
		S string
	}
	if err := bert.FromTerm(bert.Tuple(bert.Bin(buf), bert.Bin(buf)), &v); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	if string(v.B) != "abc" || v.S != "abc" {
		t.Errorf("got %q and %q, want both %q: the value shares the term's bytes", v.B, v.S, "abc")
	}
}

func TestFromTermLeavesSkippedFields(t *testing.T) {
	p := pageRecord{Skipped: "kept"}
	in := mustToTerm(t, pageRecord{Title: "t"})
	if err := bert.FromTerm(in, &p); err != nil {
		t.Fatal(err)
	}
	if p.Skipped != "kept" || p.Title != "t" {
		t.Errorf("got %+v, want Title t and Skipped kept", p)
	}
}

func TestFromTermErrors(t *testing.T) {
	ev := func(msg bert.Term) bert.Term {
		return bert.Tuple(bert.Atom("ev"), bert.Atom("page"), msg, bert.Bin(nil), bert.Atom("event"))
	}
	type msgInt struct {
		_       struct{} `bert:"ev"`
		Module  bert.Term
		Msg     int
		Trigger string
		Name    bert.Term
	}
	bigNum, _ := new(big.Int).SetString("18446744073709551616", 10) // 2^64
	tests := []struct {
		name    string
		in      bert.Term
		into    any
		wantErr error  // ErrMismatch when nil
		want    string // the whole message
	}{
		{"field of the wrong kind", ev(bert.Tuple(bert.Atom("foo"), bert.Int(1))), new(msgInt), nil,
			"bert: cannot unmarshal {foo,1} into ev.Msg (int): want integer"},
		{"record tag", bert.Tuple(bert.Atom("evt"), bert.Int(1)), new(msgInt), nil,
			"bert: cannot unmarshal {evt,1} into ev (bert_test.msgInt): want record tag ev, got evt"},
		{"record tag not an atom", bert.Tuple(bert.BinString("ev")), new(msgInt), nil,
			`bert: cannot unmarshal {<<"ev">>} into ev (bert_test.msgInt): want record tag ev, got <<"ev">>`},
		{"empty tuple", bert.Tuple(), new(msgInt), nil,
			"bert: cannot unmarshal {} into ev (bert_test.msgInt): want record tag ev, got an empty tuple"},
		{"record arity", bert.Tuple(bert.Atom("ev"), bert.Atom("page"), bert.Int(1)), new(msgInt), nil,
			"bert: cannot unmarshal {ev,page,1} into ev (bert_test.msgInt): want record ev of arity 5, got arity 3"},
		{"record from a list", bert.List(bert.Atom("ev")), new(msgInt), nil,
			"bert: cannot unmarshal [ev] into ev (bert_test.msgInt): want record ev (a tuple of arity 5)"},
		{"nested record", bert.Tuple(bert.Atom("page"), bert.BinString("t"), bert.Tuple(bert.Atom("click"), bert.BinString("a")),
			bert.Nil(), bert.Nil(), bert.Map()), new(pageRecord), nil,
			`bert: cannot unmarshal {click,<<"a">>} into page.Click (bert_test.clickRecord): want record click of arity 3, got arity 2`},
		{"in a list in a record", bert.Tuple(bert.Atom("page"), bert.BinString("t"), bert.Tuple(bert.Atom("click"), bert.BinString("a"), bert.Int(1)),
			bert.Nil(), bert.List(bert.Tuple(bert.Atom("click"), bert.BinString("b"), bert.Float(1))), bert.Map()), new(pageRecord), nil,
			"bert: cannot unmarshal 1.0 into page.Clicks[0].Count (int): want integer"},
		{"through a pointer", bert.Tuple(bert.Atom("page"), bert.BinString("t"), bert.Tuple(bert.Atom("click"), bert.BinString("a"), bert.Int(1)),
			bert.Tuple(bert.Atom("click"), bert.Int(1), bert.Int(1)), bert.Nil(), bert.Map()), new(pageRecord), nil,
			"bert: cannot unmarshal 1 into page.Next.ID (string): want binary, byte list or atom"},
		{"map value", bert.Map(bert.BinString("a"), bert.Atom("x")), new(map[string]int), nil,
			`bert: cannot unmarshal x into [<<"a">>] (int): want integer`},
		{"map key", bert.Map(bert.Atom("a"), bert.Int(1)), new(map[int]int), nil,
			"bert: cannot unmarshal a into [a] (int): want integer"},
		{"not a map", bert.Nil(), new(map[int]int), nil,
			"bert: cannot unmarshal [] into map[int]int: want map"},
		{"list index", bert.List(bert.Int(1), bert.Atom("foo")), new([]int), nil,
			"bert: cannot unmarshal foo into [1] (int): want integer"},
		{"improper list", bert.ImproperList(bert.Int(2), bert.Int(1)), new([]int), nil,
			"bert: cannot unmarshal [1|2] into []int: want proper list"},
		{"array length", bert.List(bert.Int(1)), new([2]int), nil,
			"bert: cannot unmarshal [1] into [2]int: want list or tuple of 2 elements"},
		{"byte array length", bert.BinString("abc"), new([2]byte), nil,
			`bert: cannot unmarshal <<"abc">> into [2]uint8: want binary, list or tuple of 2 elements`},
		{"bool", bert.BinString("true"), new(bool), nil,
			`bert: cannot unmarshal <<"true">> into bool: want atom true or false`},
		{"string from integer", bert.Int(1), new(string), nil,
			"bert: cannot unmarshal 1 into string: want binary, byte list or atom"},
		{"bytes from atom", bert.Atom("a"), new([]byte), nil,
			"bert: cannot unmarshal a into []uint8: want list"},
		{"int from float", bert.Float(1), new(int), nil, "bert: cannot unmarshal 1.0 into int: want integer"},
		{"int8 overflow", bert.Int(128), new(int8), nil, "bert: cannot unmarshal 128 into int8: want integer in range of int8"},
		{"int8 underflow", bert.Int(-129), new(int8), nil, "bert: cannot unmarshal -129 into int8: want integer in range of int8"},
		{"int64 overflow", bert.BigInt(bigNum), new(int64), nil,
			"bert: cannot unmarshal 18446744073709551616 into int64: want integer in range of int64"},
		{"uint negative", bert.Int(-1), new(uint), nil, "bert: cannot unmarshal -1 into uint: want non-negative integer"},
		{"uint negative big", bert.BigInt(new(big.Int).Neg(bigNum)), new(uint64), nil,
			"bert: cannot unmarshal -18446744073709551616 into uint64: want non-negative integer"},
		{"uint8 overflow", bert.Int(256), new(uint8), nil, "bert: cannot unmarshal 256 into uint8: want integer in range of uint8"},
		{"uint64 overflow", bert.BigInt(bigNum), new(uint64), nil,
			"bert: cannot unmarshal 18446744073709551616 into uint64: want integer in range of uint64"},
		{"float32 overflow", bert.Float(1e300), new(float32), nil,
			"bert: cannot unmarshal 1e+300 into float32: want float in range of float32"},
		{"float from atom", bert.Atom("pi"), new(float64), nil, "bert: cannot unmarshal pi into float64: want float"},
		{"big.Int from float", bert.Float(1), new(big.Int), nil, "bert: cannot unmarshal 1.0 into big.Int: want integer"},
		{"unmarshaler", bert.Atom("mauve"), new(paintRecord), nil, ""},
		{"unmarshaler error", bert.Tuple(bert.Atom("paint"), bert.Atom("mauve"), bert.Tuple(bert.Atom("stamp"), bert.Int(1))), new(paintRecord), errColour,
			"bert: cannot unmarshal mauve into paint.Colour (bert_test.colour): no such colour"},
		{"chan", bert.Int(1), new(chan int), bert.ErrUnsupported, "bert: cannot unmarshal 1 into chan int: unsupported Go type"},
		{"interface with methods", bert.Int(1), new(error), bert.ErrUnsupported, "bert: cannot unmarshal 1 into error: unsupported Go type"},
		{"interface key", bert.Map(bert.Int(1), bert.Int(2)), new(map[any]int), bert.ErrUnsupported,
			"bert: cannot unmarshal #{1 => 2} into map[interface {}]int: unsupported Go type: map keys that hold a Term compare by identity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bert.FromTerm(tt.in, tt.into)
			var ue *bert.UnmarshalError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want an *UnmarshalError", err)
			}
			wantErr := tt.wantErr
			if wantErr == nil {
				wantErr = bert.ErrMismatch
			}
			if !errors.Is(err, wantErr) {
				t.Errorf("got %v, want it to wrap %v", err, wantErr)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("got  %q,\nwant %q", err, tt.want)
			}
		})
	}
}

func TestFromTermNeedsPointer(t *testing.T) {
	var n int
	tests := []struct {
		name string
		into any
	}{
		{"nil", nil},
		{"value", n},
		{"nil pointer", (*int)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := bert.FromTerm(bert.Int(1), tt.into); err == nil {
				t.Errorf("got nil, want an error")
			}
		})
	}
}

// deep returns wrap applied n times to leaf.
func deep(n int, leaf bert.Term, wrap func(bert.Term) bert.Term) bert.Term {
	t := leaf
	for range n {
		t = wrap(t)
	}
	return t
}

func TestFromTermDepth(t *testing.T) {
	const n = 5000
	nodes := deep(n, bert.Atom("undefined"), func(t bert.Term) bert.Term { return bert.Tuple(bert.Atom("node"), t) })
	lists := deep(n, bert.Nil(), func(t bert.Term) bert.Term { return bert.List(t) })
	hugeBin := bert.Bin(bytes.Repeat([]byte("x"), 1<<20))
	tests := []struct {
		name    string
		in      bert.Term
		into    any
		wantErr error
	}{
		{"records", nodes, new(nodeRecord), bert.ErrDepth},
		{"lists", lists, new(nestedList), bert.ErrDepth},
		{"self pointer", bert.Int(1), new(selfPointer), bert.ErrDepth},
		{"huge term in the message", bert.List(hugeBin, hugeBin), new(int), bert.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bert.FromTerm(tt.in, tt.into)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if len(err.Error()) > 500 {
				t.Errorf("got a message of %d bytes, want it bounded: %.100s...", len(err.Error()), err)
			}
		})
	}
	// Within the bound, the same types decode.
	var node nodeRecord
	if err := bert.FromTerm(deep(100, bert.Atom("undefined"), func(t bert.Term) bert.Term { return bert.Tuple(bert.Atom("node"), t) }), &node); err != nil {
		t.Errorf("got %v, want a 100-deep chain to decode", err)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   any // a pointer
	}{
		{"record", &clickRecord{ID: "b", Count: -3}},
		{"nested", &pageRecord{Title: "t", Next: &clickRecord{ID: "n"}, Clicks: []clickRecord{{ID: "x"}, {ID: "y", Count: 1}}, Attrs: map[string]int{"a": 1}}},
		{"marshalers", &paintRecord{Colour: 2, Stamp: stamp{N: 1}}},
		{"ints", &struct {
			A int8
			B uint16
			C int64
			D uint64
			E float32
			F []float64
		}{-1, 65535, math.MinInt64, math.MaxUint64, 0.5, []float64{1.25}}},
		{"map of slices", &map[string][]string{"a": {"x"}, "b": nil}},
		{"array", &[3]string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := mustToTerm(t, tt.in)
			out := reflect.New(reflect.TypeOf(tt.in).Elem())
			if err := bert.FromTerm(term, out.Interface()); err != nil {
				t.Fatalf("FromTerm(%v): %v", term, err)
			}
			if got := out.Interface(); !reflect.DeepEqual(got, tt.in) {
				t.Errorf("got %+v, want %+v", got, tt.in)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want []byte
	}{
		{"record", clickRecord{ID: "b", Count: 1},
			[]byte{131, 104, 3, 119, 5, 'c', 'l', 'i', 'c', 'k', 109, 0, 0, 0, 1, 'b', 97, 1}},
		{"nil", nil, []byte{131, 119, 9, 'u', 'n', 'd', 'e', 'f', 'i', 'n', 'e', 'd'}},
		{"list", []bool{true}, []byte{131, 108, 0, 0, 0, 1, 119, 4, 't', 'r', 'u', 'e', 106}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bert.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := bert.Marshal(make(chan int)); !errors.Is(err, bert.ErrUnsupported) {
		t.Errorf("got %v, want %v", err, bert.ErrUnsupported)
	}
}

func TestUnmarshal(t *testing.T) {
	in := evRecord{Module: bert.Atom("page"), Msg: bert.Tuple(bert.Atom("click"), bert.BinString("b1")), Trigger: "b1", Name: bert.Atom("event")}
	data, err := bert.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out evRecord
	if err := bert.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0 // what Unmarshal kept must not share data
	}
	tests := []struct {
		name      string
		got, want bert.Term
	}{
		{"Module", out.Module, in.Module},
		{"Msg", out.Msg.(bert.Term), in.Msg.(bert.Term)},
		{"Trigger", bert.BinString(out.Trigger), bert.BinString(in.Trigger)},
		{"Name", out.Name, in.Name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bert.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}

	if err := bert.Unmarshal([]byte{1, 2}, &out); !errors.Is(err, bert.ErrVersion) {
		t.Errorf("got %v, want %v", err, bert.ErrVersion)
	}
	data, _ = bert.Marshal(clickRecord{ID: "x"})
	var wrong evRecord
	err = bert.Unmarshal(data, &wrong)
	for i := range data {
		data[i] = 0
	}
	const want = `bert: cannot unmarshal {click,<<"x">>,0} into ev (bert_test.evRecord): want record tag ev, got click`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestCodecCacheConcurrent(t *testing.T) {
	type tree struct {
		_    struct{} `bert:"tree"`
		Kids []tree
		Up   *tree
		Tags map[string]tree
	}
	in := tree{Kids: []tree{{}, {Up: &tree{}}}, Tags: map[string]tree{"a": {}}}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			term, err := bert.ToTerm(in)
			if err != nil {
				errs <- err
				return
			}
			var out tree
			if err := bert.FromTerm(term, &out); err != nil {
				errs <- err
				return
			}
			if again, err := bert.ToTerm(out); err != nil || again.String() != term.String() {
				errs <- fmt.Errorf("round trip: got %v, want %v", again, term)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestUnmarshalErrorPathBounded(t *testing.T) {
	const n = 400
	in := deep(n, bert.Int(1), func(t bert.Term) bert.Term { return bert.Tuple(bert.Atom("node"), t) })
	err := bert.FromTerm(in, new(nodeRecord))
	var ue *bert.UnmarshalError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want an *UnmarshalError", err)
	}
	if !strings.HasPrefix(ue.Path, "node.Next.Next") || !strings.HasSuffix(ue.Path, "...") || len(ue.Path) > 250 {
		t.Errorf("got path %q, want node.Next.Next... cut short", ue.Path)
	}
}

// benchEv is the postback of an N2O page: {ev, page, {click, <<"b1">>, 1}, <<"trigger">>, event}.
func benchEv() evRecord {
	return evRecord{Module: bert.Atom("page"), Msg: clickRecord{ID: "b1", Count: 1}, Trigger: "trigger", Name: bert.Atom("event")}
}

func BenchmarkMarshalRecord(b *testing.B) {
	ev := benchEv()
	b.Run("ToTerm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bert.ToTerm(&ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bert.Marshal(&ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchTarget is benchEv with its postback typed.
type benchTarget struct {
	_       struct{} `bert:"ev"`
	Module  bert.Term
	Msg     clickRecord
	Trigger string
	Name    bert.Term
}

func BenchmarkUnmarshalRecord(b *testing.B) {
	term := mustToTerm(b, benchEv())
	data := bert.Encode(term)
	b.Run("FromTerm", func(b *testing.B) {
		b.ReportAllocs()
		var ev benchTarget
		for b.Loop() {
			if err := bert.FromTerm(term, &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		var ev benchTarget
		for b.Loop() {
			if err := bert.Unmarshal(data, &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzUnmarshal feeds hostile frames to Unmarshal with targets of many
// shapes: it must return an error or a value, never panic or hang.
func FuzzUnmarshal(f *testing.F) {
	seeds := []any{
		benchEv(),
		pageRecord{Title: "t", Next: &clickRecord{ID: "n"}, Clicks: []clickRecord{{ID: "x"}}, Attrs: map[string]int{"a": 1}},
		paintRecord{Colour: 1},
		[]any{1, "a", 2.5, []int{1}, map[string]bool{"t": true}},
		[3]int{1, 2, 3},
		nestedList{{}, {{}}},
	}
	for _, s := range seeds {
		data, err := bert.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []any{
			new(evRecord), new(benchTarget), new(pageRecord), new(paintRecord), new(nodeRecord), new(nestedList),
			new(selfPointer), new([]any), new(map[string][]int), new([3]int), new([2]byte), new(*big.Int),
			new(uint8), new(float32), new(string), new([]byte), new(bert.Term), new(map[int]clickRecord),
		}
		for _, into := range targets {
			if err := bert.Unmarshal(data, into); err != nil {
				_ = err.Error()
				continue
			}
			if _, err := bert.ToTerm(into); err != nil && !errors.Is(err, bert.ErrDepth) {
				t.Errorf("ToTerm(%T) after Unmarshal: %v", into, err)
			}
		}
	})
}

func TestUnmarshalErrorKeepsLittle(t *testing.T) {
	elems := make([]bert.Term, 100000)
	for i := range elems {
		elems[i] = bert.List(bert.BinString(strings.Repeat("x", 100)))
	}
	data := bert.Encode(bert.List(elems...))
	var n int
	err := bert.Unmarshal(data, &n)
	var ue *bert.UnmarshalError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want an *UnmarshalError", err)
	}
	const want = `bert: cannot unmarshal [[<<"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",...>>],[<<"xxxxxxxxxxxxxxxxxxxxxxxxxxx... into int: want integer`
	if err.Error() != want {
		t.Errorf("got  %q,\nwant %q", err, want)
	}
	if got := ue.Got.Len(); got > 9 {
		t.Errorf("got a Got of %d elements, want a copy cut down to what the message shows", got)
	}
	if got := len(ue.Got.At(0).At(0).Bytes()); got > 33 {
		t.Errorf("got a binary of %d bytes in Got, want it cut", got)
	}

	// FromTerm keeps the term itself: it is the caller's.
	in := bert.List(elems...)
	err = bert.FromTerm(in, &n)
	if !errors.As(err, &ue) || !bert.Equal(ue.Got, in) {
		t.Errorf("got %v, want Got to be the term given", err)
	}
}

func TestFromTermInterfaces(t *testing.T) {
	var s fmt.Stringer // Term implements it: it takes the term
	if err := bert.FromTerm(bert.Atom("ok"), &s); err != nil || s.String() != "ok" {
		t.Errorf("got %v, %v, want ok", s, err)
	}
	var m bert.Marshaler = &stamp{} // holds a pointer: what it points to is set
	if err := bert.FromTerm(bert.Tuple(bert.Atom("stamp"), bert.Int(5)), &m); err != nil || m.(*stamp).N != 5 {
		t.Errorf("got %+v, %v, want &{N:5}", m, err)
	}
	if err := bert.FromTerm(bert.Atom("undefined"), &m); err != nil || m != nil {
		t.Errorf("got %v, %v, want nil", m, err)
	}
}
