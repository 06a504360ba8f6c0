package nitro_test

import (
	"fmt"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

func ExampleCache() {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	c := nitro.Cache[string, int]{Now: func() time.Time { return now }}
	c.Set("visits", 41, time.Minute)
	c.Set("forever", 1, 0)

	v, ok := c.Get("visits")
	fmt.Println(v, ok)

	now = now.Add(2 * time.Minute)
	_, ok = c.Get("visits")
	fmt.Println(ok, c.Len())
	// Output:
	// 41 true
	// false 1
}

func ExampleMemoryStore() {
	store := &nitro.MemoryStore{TTL: 15 * time.Minute}
	store.Set("sid-1", "user", "joe")

	user, ok := store.Get("sid-1", "user")
	fmt.Println(user, ok)

	store.Clear("sid-1") // logout
	_, ok = store.Get("sid-1", "user")
	fmt.Println(ok)
	// Output:
	// joe true
	// false
}

// conn stands for a connection: Deliver queues without blocking.
type conn struct{ send chan bert.Term }

func (c *conn) Deliver(topic string, msg bert.Term) error {
	select {
	case c.send <- msg:
		return nil
	default:
		return nitro.ErrSlowSubscriber
	}
}

func ExampleMemoryBus() {
	var bus nitro.MemoryBus
	alice := &conn{send: make(chan bert.Term, 8)}
	bob := &conn{send: make(chan bert.Term, 8)}
	bus.Subscribe("room/lobby", alice)
	bus.Subscribe("room/lobby", bob)

	bus.Publish("room/lobby", bert.Tuple(bert.Atom("chat"), bert.BinString("hello")))
	fmt.Println(<-alice.send, <-bob.send)

	bus.UnsubscribeAll(bob) // bob's connection closed
	bus.Publish("room/lobby", bert.Atom("bye"))
	fmt.Println(<-alice.send, len(bob.send))
	fmt.Printf("%+v\n", bus.Stats())
	// Output:
	// {chat,<<"hello">>} {chat,<<"hello">>}
	// bye 0
	// {Published:2 Delivered:3 Dropped:0}
}
