package natsbus_test

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/natsbus"
	"github.com/nitrogo/framework/nitro/ws"
)

// Two nodes share topics through a NATS server, here one embedded in the
// process: what node A publishes reaches the subscribers on node B.
func ExampleNew() {
	ns, _ := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	go ns.Start()
	ns.ReadyForConnections(5 * time.Second)
	defer ns.Shutdown()

	ncA, _ := nats.Connect(ns.ClientURL())
	defer ncA.Close()
	ncB, _ := nats.Connect(ns.ClientURL())
	defer ncB.Close()
	a, _ := natsbus.New(ncA, natsbus.Options{})
	defer a.Close()
	b, _ := natsbus.New(ncB, natsbus.Options{})
	defer b.Close()

	got := make(chan string, 1)
	show := nitro.SubscriberFunc(func(topic string, msg bert.Term) error {
		got <- topic + ": " + msg.String()
		return nil
	})
	b.Subscribe("room/lobby", &show) // a pointer: subscribers are compared
	a.Publish("room/lobby", bert.Tuple(bert.Atom("said"), bert.BinString("hi")))
	fmt.Println(<-got)
	fmt.Println("B received", b.Stats().Received)
	// Output:
	// room/lobby: {said,<<"hi">>}
	// B received 1
}

// A node's nitro server takes the bus in its Config. Every node of the
// application runs this, with the same keys and the same NATS server (or
// cluster); a page's Publish and Broadcast then reach the pages of every
// node.
func Example_server() {
	ks, err := keys.Parse(os.Getenv("NITRO_KEYS"))
	if err != nil {
		log.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(ks...)
	if err != nil {
		log.Fatal(err)
	}
	nc, err := nats.Connect(os.Getenv("NATS_URL")) // empty: nats://127.0.0.1:4222
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	bus, err := natsbus.New(nc, natsbus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer bus.Close()
	srv, err := nitro.New(nitro.Config{Bus: bus, Keys: ring})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	lobby := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			cx.Subscribe("lobby")
		case nitro.Direct:
			cx.Publish("lobby", e.Msg) // to the lobby's pages on every node
		case nitro.Push:
			cx.Wire("console.log('a message in the lobby');")
		}
	})
	http.Handle("/ws/lobby", ws.New(srv, ws.Config{}).Handler(lobby))
	log.Fatal(http.ListenAndServe("localhost:8000", nil))
}

func ExampleSubject() {
	fmt.Println(natsbus.Subject("nitro", "room/lobby"))
	fmt.Println(natsbus.Subject("nitro", "a.*"))
	fmt.Println(natsbus.Subject("nitro", ""))
	// Output:
	// nitro.cm9vbS9sb2JieQ
	// nitro.YS4q
	// nitro.~
}
