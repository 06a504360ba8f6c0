package nitro_test

import (
	"fmt"
	"net/http"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// A page that counts clicks, served on a socket at /ws/counter.
func ExampleServer_Handler() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	clicks := 0
	counter := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev.(type) {
		case nitro.Init:
			// Wire a postback on #plus (package actions does this for you).
			p := cx.Pickle(bert.Atom("plus"), "plus")
			cx.Wire("qi('plus').onclick=function(){ws.send(enc(tuple(atom('pickle'),bin('plus'),bin('" + p + "'),[])))};")
		case nitro.Postback:
			clicks++
			cx.Wire(fmt.Sprintf("qi('count').textContent='%d';", clicks))
		}
	})
	mux := http.NewServeMux()
	mux.Handle("/ws/counter", srv.Handler(counter))
	fmt.Println("routes ready")
	// Output: routes ready
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
	// Output: 4 protocols
}

// The JSON formatter writes terms as N2O's n2o_json does.
func ExampleJSON() {
	reply := bert.Tuple(bert.Atom("io"), bert.BinString("alert('hi');"), bert.Bin(nil))
	fmt.Println(string(nitro.JSON.Format(nil, reply)))
	// Output: {"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"alert('hi');"},{"t":109,"v":""}]}
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
