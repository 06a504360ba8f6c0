package bert_test

import (
	"errors"
	"fmt"

	"github.com/nitrogo/framework/nitro/bert"
)

func ExampleToTerm() {
	// A struct is a record, tagged with its type's name in snake_case.
	type FtpAck struct {
		ID     string
		Offset int64
		Block  int
		Meta   map[string]any
		Next   *FtpAck
	}
	t, err := bert.ToTerm(FtpAck{ID: "f1", Offset: 1024, Block: 262144, Meta: map[string]any{"z": 1.5, "a": true}})
	fmt.Println(t, err)
	// Output: {ftp_ack,<<"f1">>,1024,262144,#{<<"a">> => true,<<"z">> => 1.5},undefined} <nil>
}

func ExampleFromTerm() {
	// A blank field names the record's tag.
	type Click struct {
		_     struct{} `bert:"click"`
		ID    string
		Count int
	}
	var c Click
	err := bert.FromTerm(bert.Tuple(bert.Atom("click"), bert.BinString("b1"), bert.Int(2)), &c)
	fmt.Println(c.ID, c.Count, err)

	// A term that does not fit says where and why.
	err = bert.FromTerm(bert.Tuple(bert.Atom("click"), bert.BinString("b1"), bert.Atom("two")), &c)
	fmt.Println(err)
	err = bert.FromTerm(bert.Tuple(bert.Atom("clack"), bert.BinString("b1"), bert.Int(2)), &c)
	fmt.Println(err)
	// Output:
	// b1 2 <nil>
	// bert: cannot unmarshal two into click.Count (int): want integer
	// bert: cannot unmarshal {clack,<<"b1">>,2} into click (bert_test.Click): want record tag click, got clack
}

func ExampleMarshal() {
	type Ev struct {
		Module  bert.Term
		Msg     any
		Trigger string
		Name    bert.Term
	}
	b, err := bert.Marshal(Ev{Module: bert.Atom("page"), Msg: 1, Trigger: "b", Name: bert.Atom("event")})
	fmt.Println(b, err)
	// Output: [131 104 5 119 2 101 118 119 4 112 97 103 101 97 1 109 0 0 0 1 98 119 5 101 118 101 110 116] <nil>
}

func ExampleUnmarshal() {
	type Ev struct {
		Module  bert.Term
		Msg     any // takes the term as it is
		Trigger string
		Name    bert.Term
	}
	frame := bert.Encode(bert.Tuple(bert.Atom("ev"), bert.Atom("page"),
		bert.Tuple(bert.Atom("click"), bert.Int(1)), bert.BinString("b1"), bert.Atom("event")))
	var ev Ev
	if err := bert.Unmarshal(frame, &ev); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Module, ev.Msg, ev.Trigger, ev.Name)

	var n uint8
	err := bert.Unmarshal(bert.Encode(bert.Int(300)), &n)
	var ue *bert.UnmarshalError
	fmt.Println(errors.Is(err, bert.ErrMismatch), errors.As(err, &ue), ue.Want)
	// Output:
	// page {click,1} b1 event
	// true true integer in range of uint8
}

// level is a log level that travels as an atom.
type level int

var levelNames = [...]string{"debug", "info", "warning"}

func (l level) MarshalBERT() (bert.Term, error) {
	if l < 0 || int(l) >= len(levelNames) {
		return bert.Term{}, fmt.Errorf("no level %d", int(l))
	}
	return bert.Atom(levelNames[l]), nil
}

func (l *level) UnmarshalBERT(t bert.Term) error {
	for i, name := range levelNames {
		if t.IsAtom(name) {
			*l = level(i)
			return nil
		}
	}
	return fmt.Errorf("no level %v", t)
}

func ExampleMarshaler() {
	t, _ := bert.ToTerm([]level{0, 2})
	fmt.Println(t)

	var ls []level
	err := bert.FromTerm(bert.List(bert.Atom("info"), bert.Atom("trace")), &ls)
	fmt.Println(err)
	// Output:
	// [debug,warning]
	// bert: cannot unmarshal trace into [1] (bert_test.level): no level trace
}
