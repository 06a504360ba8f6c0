package format_test

import (
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// TestSwitch: a client switches formatter mid-connection; the answer
// comes in the old one, and from the next message on both ways use the
// new one. An unknown name is refused in the formatter in use.
func TestSwitch(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if d, ok := ev.(nitro.Direct); ok {
			if d.Msg.IsAtom("text") { // the server switches on its own
				cx.SetFormatter(format.TEXT)
			}
			cx.SetResult(d.Msg)
		}
	})
	cfg := nitro.Config{Protocols: append([]nitro.Protocol{format.Switch}, nitro.DefaultProtocols()...)}
	srv := nitrotest.NewServer(t, cfg, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	defer c.Close()

	// send writes msg in f (BERT when nil) and reads the reply in g.
	send := func(f, g nitro.Formatter, msg bert.Term) bert.Term {
		t.Helper()
		if f == nil {
			c.Send(msg)
		} else {
			b, err := f.Format(nil, msg)
			if err != nil {
				t.Fatal(err)
			}
			c.SendBinary(b)
		}
		data := c.Read().Data
		var got bert.Term
		var err error
		if g == nil {
			got, err = bert.Decode(data)
		} else {
			got, err = g.(nitro.Parser).Parse(data, 1<<20)
		}
		if err != nil {
			t.Fatalf("reply %q to %v: %v", data, msg, err)
		}
		return got
	}
	direct := bert.Tuple(bert.Atom("direct"), bert.Atom("ping"))
	want := bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Tuple(bert.Atom("direct"), bert.Atom("ping")))
	badFrame := bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Tuple(bert.Atom("error"), bert.BinString("bad frame")))
	check := func(got, want bert.Term) {
		t.Helper()
		if !bert.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	check(send(nil, nil, direct), want)
	check(send(nil, nil, bert.Tuple(bert.Atom("format"), bert.BinString("json"))),
		bert.Tuple(bert.Atom("format"), bert.Atom("json")))
	check(send(format.JSON, format.JSON, direct), want)
	check(send(format.JSON, format.JSON, bert.Tuple(bert.Atom("format"), bert.Atom("wamp"))),
		bert.Tuple(bert.Atom("format"), bert.Atom("wamp")))
	check(send(format.WAMP, format.WAMP, direct), want)
	check(send(format.WAMP, format.WAMP, bert.Tuple(bert.Atom("format"), bert.Atom("yaml"))),
		bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Tuple(bert.Atom("error"), bert.BinString("unknown format"))))
	check(send(format.WAMP, format.WAMP, direct), want)
	// A frame over the connection's budget (a guest's: 512 KiB of terms)
	// is refused by the formatter's parser.
	c.SendBinary([]byte("[" + strings.Repeat("{},", 40000) + "{}]"))
	if got, err := format.WAMP.(nitro.Parser).Parse(c.Read().Data, 1<<20); err != nil || !bert.Equal(got, badFrame) {
		t.Fatalf("over budget: got %v, %v; want %v", got, err, badFrame)
	}
	// The server switches: its reply and what follows are in TEXT.
	check(send(format.WAMP, format.TEXT, bert.Tuple(bert.Atom("direct"), bert.Atom("text"))),
		bert.Tuple(bert.Atom("io"), bert.Bin(nil), bert.Tuple(bert.Atom("direct"), bert.Atom("text"))))
	check(send(format.TEXT, format.TEXT, bert.Tuple(bert.Atom("format"), bert.Atom("bert"))),
		bert.Tuple(bert.Atom("format"), bert.Atom("bert")))
	check(send(nil, nil, direct), want)
}
