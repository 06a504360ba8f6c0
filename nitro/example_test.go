package nitro_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// printer is a transport of its own: it says what the loop writes, and
// sends each message's text on a channel.
type printer struct{ out chan string }

func (p printer) Queue(text bool, payload []byte) {
	if text {
		p.out <- fmt.Sprintf("text %q", payload)
		return
	}
	t, err := bert.Decode(payload)
	p.out <- fmt.Sprint("binary ", t, err)
}
func (p printer) Flush(wait bool) (bool, error) { return true, nil }
func (p printer) Close(code int, reason string) {}
func (p printer) Peer() nitro.Peer              { return nitro.Peer{Addr: "pipe"} }

// The loop knows no transport: anything that can carry messages serves a
// page through Open, Receive and Close (nitro/ws does it for WebSockets).
func ExampleServer_Open() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if d, ok := ev.(nitro.Direct); ok {
			cx.Wire("hello(" + actions.Quote(d.Msg.Text()) + ");")
		}
	})
	p := printer{out: make(chan string, 4)}
	c, err := srv.Open(p, page, "/", "", "")
	if err != nil {
		panic(err)
	}
	c.Receive(true, []byte("PING"))
	c.Receive(false, bert.Encode(bert.Tuple(bert.Atom("direct"), bert.BinString("joe"))))
	fmt.Println(<-p.out)
	fmt.Println(<-p.out)
	c.Close(nil) // the transport's reader ended
	// Output:
	// text "PONG"
	// binary {io,<<"hello(\"joe\");">>,{direct,[]}} <nil>
}

// A protocol of the application's own, in front of the shipped chain: it
// answers {version} and leaves everything else to the rest.
func ExampleProtocolFunc() {
	version := nitro.ProtocolFunc(func(cx *nitro.Context, msg any) (nitro.Reply, bool) {
		if t, ok := msg.(bert.Term); ok && t.Is("version", 1) {
			return nitro.TermReply(bert.Tuple(bert.Atom("version"), bert.BinString("1.0"))), true
		}
		return nitro.Reply{}, false
	})
	chain := append([]nitro.Protocol{version}, nitro.DefaultProtocols()...)
	fmt.Println(len(chain), "protocols")
	// Output: 3 protocols
}

// A room where what one says every page shows: rendered once, written to
// every connection of the topic, the sender's included.
func ExampleContext_Broadcast() {
	room := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev.(type) {
		case nitro.Init:
			cx.Subscribe("room/lobby")
		case nitro.Postback:
			said := cx.QText("message")
			err := cx.Broadcast("room/lobby", func(bc *nitro.Context) {
				// bc takes actions and elements as a page's Context does
				// (actions.InsertBottom(bc, "history", item)), but seals
				// no postbacks: they belong to one session.
				bc.Wire("qi('history').insertAdjacentText('beforeend'," + actions.Quote(said) + ");")
			})
			if err != nil {
				cx.Logger().Error("broadcast", "err", err)
			}
		}
	})
	_ = room
	fmt.Println(nitro.ErrBroadcastPostback != nil)
	// Output: true
}

// A value of a package's own on each page's Context, typed.
func ExampleLocal() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	type cart struct{ items []string }
	carts := nitro.NewLocal[*cart]("shop.cart")

	cx := srv.NewContext(httptest.NewRequest("GET", "/shop", nil), "sid", "/shop", nil)
	_, ok := carts.Get(cx)
	fmt.Println(ok)
	carts.Set(cx, &cart{items: []string{"tea"}})
	c, ok := carts.Get(cx)
	fmt.Println(c.items, ok, carts)
	// Output:
	// false
	// [tea] true shop.cart
}
