package nitro_test

import (
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// FuzzPath sends any bytes, as a binary frame, down the whole path a
// browser's frame takes: decode, the chain, the page (one that echoes
// what it is given). Whatever the frame, it gets exactly one answer, no
// panic escapes, and the connection serves the next message.
func FuzzPath(f *testing.F) {
	for _, t := range []bert.Term{
		bert.Tuple(bert.Atom("direct"), bert.BinString("hi")),
		bert.Tuple(bert.Atom("client"), bert.Tuple(bert.Atom("x"), bert.Float(1.5))),
		bert.Tuple(bert.Atom("pickle"), bert.BinString("b"), bert.BinString("AAAA"), bert.Nil()),
		bert.Tuple(bert.Atom("init"), bert.BinString("")),
		bert.Tuple(bert.Atom("direct"), bert.Map(bert.Atom("k"), bert.Int(1))),
	} {
		f.Add(bert.Encode(t))
	}
	f.Add([]byte{131, 80, 0, 0, 0, 1})
	f.Add([]byte{})
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(f)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	echo := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Direct:
			cx.SetResult(e.Msg)
			cx.Wire("echo(" + e.Msg.String() + ");")
		case nitro.Client:
			cx.SetResult(e.Msg)
		}
	})
	f.Fuzz(func(t *testing.T, frame []byte) {
		m := newMemTransport(t)
		c, err := srv.Open(m, echo, "/", "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(nil)
		c.Receive(false, frame)
		select {
		case b := <-m.batches:
			if len(b) != 1 {
				t.Fatalf("%d answers to one frame, want 1", len(b))
			}
			if len(b[0]) > 0 { // an empty one is a NOP
				if _, err := bert.Decode(b[0]); err != nil {
					t.Fatalf("the answer is not BERT: %v", err)
				}
			}
		case <-time.After(nitrotest.Timeout):
			t.Fatal("no answer")
		}
		c.Receive(true, []byte("PING"))
		select {
		case b := <-m.batches:
			if len(b) != 1 || string(b[0]) != "PONG" {
				t.Fatalf("after the frame, PING got %q", b)
			}
		case <-time.After(nitrotest.Timeout):
			t.Fatal("after the frame, no answer to PING")
		}
	})
}
