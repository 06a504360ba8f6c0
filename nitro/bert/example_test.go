package bert_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/nitrogo/framework/nitro/bert"
)

// A postback from N2O's browser client: {pickle, Id, Pickle, Linked}, where
// Linked is a proplist of the values of the element's sources.
func ExampleDecode() {
	frame, _ := hex.DecodeString("" +
		"8368046400067069636b6c656d0000000473656e646d0000000d62363475726c2d70" +
		"69636b6c656c00000003680268026d0000000473656e646d0000000664657461696c" +
		"6a68026400076d6573736167656d0000000868692074686572656802640004757365" +
		"726d00000005616c6963656a")

	t, err := bert.Decode(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	if !t.Is("pickle", 4) {
		fmt.Println("not a postback")
		return
	}
	id, pickle, linked := t.At(1), t.At(2), t.At(3)
	fmt.Println("source:", id.Text())
	fmt.Println("pickle:", pickle.Text())
	if msg, ok := linked.Get(bert.Atom("message")); ok {
		fmt.Println("message:", msg.Text())
	}
	if _, ok := linked.Get(bert.Atom("missing")); !ok {
		fmt.Println("no field missing")
	}
	// Output:
	// source: send
	// pickle: b64url-pickle
	// message: hi there
	// no field missing
}

// A Decoder with limits of its own refuses what goes beyond them.
func ExampleDecoder() {
	d := bert.Decoder{MaxDepth: 2}
	deep := bert.Encode(bert.Tuple(bert.Tuple(bert.Tuple(bert.Atom("ok")))))
	_, err := d.Decode(deep)
	fmt.Println(errors.Is(err, bert.ErrDepth))

	var de *bert.DecodeError
	_, err = d.Decode([]byte{131, 97})
	fmt.Println(errors.As(err, &de), errors.Is(err, bert.ErrTruncated))
	// Output:
	// true
	// true true
}

// Replies reuse one buffer: Append writes each frame after buf[:0].
func ExampleAppend() {
	buf := make([]byte, 0, 256)
	for _, js := range []string{"alert(1);", "qi('x').innerText='hi';"} {
		buf = bert.Append(buf[:0], bert.Tuple(bert.Atom("io"), bert.BinString(js), bert.Bin(nil)))
		fmt.Printf("%x\n", buf)
	}
	// Output:
	// 8368037702696f6d00000009616c6572742831293b6d00000000
	// 8368037702696f6d00000017716928277827292e696e6e6572546578743d276869273b6d00000000
}

func ExampleEncode() {
	fmt.Printf("% x\n", bert.Encode(bert.Tuple(bert.Atom("init"), bert.Bin(nil))))
	// Output:
	// 83 68 02 77 04 69 6e 69 74 6d 00 00 00 00
}

func ExampleTerm_String() {
	fmt.Println(bert.Tuple(bert.Atom("io"), bert.BinString("alert(1);"), bert.Bin(nil)))
	fmt.Println(bert.Tuple(bert.Atom("Token"), bert.Bin([]byte{0, 1, 255})))
	fmt.Println(bert.ImproperList(bert.Atom("b"), bert.Atom("a")))
	fmt.Println(bert.List(bert.Int(1), bert.Float(2), bert.ByteList([]byte("text"))))
	fmt.Println(bert.Map(bert.Atom("n"), bert.Int(-7)))
	// Output:
	// {io,<<"alert(1);">>,<<>>}
	// {'Token',<<0,1,255>>}
	// [a|b]
	// [1,2.0,"text"]
	// #{n => -7}
}

// Erlang's "hi" is a list of small integers, whether it came as STRING_EXT
// or LIST_EXT; a binary is another kind of term.
func ExampleEqual() {
	hi := bert.ByteList([]byte("hi"))
	fmt.Println(bert.Equal(hi, bert.List(bert.Int('h'), bert.Int('i'))))
	fmt.Println(bert.Equal(hi, bert.BinString("hi")))
	fmt.Println(bert.Equal(bert.Int(1), bert.Float(1)))
	// Output:
	// true
	// false
	// false
}
