package nitro_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/format"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// broadcaster is a room: Init joins "room" and wires a button; the
// button's postback broadcasts the text of its Msg, publishes a push
// after it and broadcasts again, so that order can be checked; the
// direct message {bad} asks for a broadcast carrying a postback.
type broadcaster struct{ pushes atomic.Int64 }

func (b *broadcaster) Event(cx *nitro.Context, ev any) {
	switch e := ev.(type) {
	case nitro.Init:
		if err := cx.Subscribe("room"); err != nil {
			panic(err)
		}
		wire(cx, "say", bert.Atom("say"))
	case nitro.Postback:
		cx.Broadcast("room", func(bc *nitro.Context) { bc.Wire("one(" + bc.NewID() + ");") })
		cx.Publish("room", bert.Atom("two"))
		cx.Broadcast("room", func(bc *nitro.Context) { bc.Wire("three();") })
		cx.Wire("said();")
	case nitro.Push:
		b.pushes.Add(1)
		cx.Wire("push(" + e.Msg.Atom() + ");")
	case nitro.Direct:
		err := cx.Broadcast("room", func(bc *nitro.Context) {
			bc.Wire("before();")
			bc.Wire(bc.Pickle(bert.Atom("x"), "btn"))
		})
		cx.SetResult(bert.Atom(map[bool]string{true: "refused", false: "sent"}[errors.Is(err, nitro.ErrBroadcastPostback)]))
	}
}

func TestBroadcast(t *testing.T) {
	page := &broadcaster{}
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	a, b := srv.Dial("/"), srv.Dial("/")
	a.Init()
	b.Init()

	// The sender: its reply, then the room's three messages, in order.
	got := []string{a.Click("say").JS}
	for len(got) < 4 {
		got = append(got, a.ReadIO().JS)
	}
	want := []string{"said();", "one(nitro-b1);", "push(two);", "three();"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sender got %q, want %q", got, want)
	}
	got = got[:0]
	for len(got) < 3 {
		got = append(got, b.ReadIO().JS)
	}
	if strings.Join(got, " ") != strings.Join(want[1:], " ") {
		t.Errorf("other page got %q, want %q", got, want[1:])
	}
	// Only the Publish ran the pages' Event.
	if n := page.pushes.Load(); n != 2 {
		t.Errorf("Event saw %d pushes, want 2 (one per page: broadcasts do not run it)", n)
	}

	// A broadcast that seals a postback is refused, and nothing is sent.
	if io := a.Direct(bert.Atom("bad")); !io.Data.At(1).IsAtom("refused") {
		t.Fatalf("broadcast with a postback: got %v, want refused", io.Data)
	}
	a.Click("say") // reads the reply
	if js := b.ReadIO().JS; js != "one(nitro-b2);" {
		t.Errorf("after the refused broadcast, b got %q first, want the next broadcast", js)
	}
}

func TestBroadcastJSON(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			cx.Subscribe("news")
			cx.SetFormatter(format.JSON)
		}
	})
	srv := mustServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Send(bert.Tuple(bert.Atom("direct"), bert.Atom("json")))
	c.Read() // the direct's reply, already JSON
	if err := srv.Broadcast("news", []byte("go();")); err != nil {
		t.Fatal(err)
	}
	f := c.Read()
	want := `{"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"go();"},{"t":109,"v":""}]}`
	if f.Text || string(f.Data) != want {
		t.Errorf("broadcast to a JSON page:\n got %s\nwant %s", f.Data, want)
	}
}

// TestBroadcastStalledSubscriber: broadcasts are written from the
// publisher's goroutine to idle pages; one page that never reads must
// neither block the publisher nor hold the others back, and is closed
// as too far behind.
func TestBroadcastStalledSubscriber(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Init); ok {
			cx.Subscribe("room")
		}
	})
	srv := mustServer(t, nitro.Config{SendQueue: 16}, map[string]nitro.Page{"/": page})
	a, b := srv.Dial("/"), srv.Dial("/")
	a.Init()
	b.Init()
	stalled := srv.Dial("/", nitrotest.NoRead())
	stalled.SendText("N2O,")
	waitFor(t, func() bool { return srv.Stats().Messages >= 3 })

	big := strings.Repeat("x", 64<<10)
	const n = 400 // 400 × 64 KiB: far more than socket buffers hold
	var slowest time.Duration
	for i := range n {
		js := []byte("m(" + strconv.Itoa(i) + ");" + big)
		t0 := time.Now()
		if err := srv.Broadcast("room", js); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(t0))
		for _, c := range []*nitrotest.Client{a, b} {
			if io := c.NextIO(); !strings.HasPrefix(io.JS, "m("+strconv.Itoa(i)+");") {
				t.Fatalf("broadcast %d: got %.20q", i, io.JS)
			}
		}
	}
	if slowest > time.Second {
		t.Errorf("a Broadcast took %v: the stalled page blocked the publisher", slowest)
	}
	waitFor(t, func() bool { return srv.Stats().SlowClosed == 1 })
	waitFor(t, func() bool { return srv.Stats().Connections == 2 })
}

// TestBroadcastConcurrentSenders: pages click and broadcast at the same
// time, so that broadcasts meet idle and busy connections in every order;
// every page gets every broadcast once, each sender's in the order sent.
func TestBroadcastConcurrentSenders(t *testing.T) {
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev.(type) {
		case nitro.Init:
			cx.Subscribe("room")
			wire(cx, "say", bert.Atom("say"), "n")
		case nitro.Postback:
			n := cx.QText("n")
			cx.Broadcast("room", func(bc *nitro.Context) { bc.Wire("b(" + n + ");") })
		}
	})
	srv := mustServer(t, nitro.Config{SendQueue: 4096}, map[string]nitro.Page{"/": page})
	const clients, each = 8, 40
	cs := make([]*nitrotest.Client, clients)
	for i := range cs {
		cs[i] = srv.Dial("/")
		cs[i].Init()
	}
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, _ := c.Pickle("say")
			for k := range each {
				c.Postback("say", p, nitrotest.Source("n", strconv.Itoa(i*1000+k)))
			}
		}()
	}
	wg.Wait()
	for i, c := range cs {
		last := map[int]int{} // sender → its last number seen
		for got := 0; got < clients*each; {
			io := c.NextIO()
			if io.JS == "" {
				continue // a postback's empty reply
			}
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(io.JS, "b("), ");"))
			if err != nil {
				t.Fatalf("client %d: unexpected %q", i, io.JS)
			}
			if prev, ok := last[n/1000]; ok && n <= prev {
				t.Fatalf("client %d: broadcast %d after %d", i, n, prev)
			}
			last[n/1000] = n
			got++
		}
	}
}
