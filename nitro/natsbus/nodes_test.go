package natsbus_test

import (
	"net"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nitrogo/framework/nitro/bert"
)

// TestNodesPublish: a page on node A publishes; the pages on A (the
// publisher too) and on B each get every message exactly once, in order.
func TestNodesPublish(t *testing.T) {
	ns := mustNATS(t, 0)
	a, b := mustNode(t, ns.ClientURL()), mustNode(t, ns.ClientURL())
	a1, a2, b1 := a.open(t), a.open(t), b.open(t)
	for _, p := range []*browser{a1, a2, b1} {
		p.do(t, "join", "room/lobby")
	}

	a1.do(t, "say", "room/lobby", bert.Atom("one"))
	a1.do(t, "say", "room/lobby", bert.Atom("two"))
	b1.do(t, "say", "room/lobby", bert.Atom("three"))
	want := []string{"push(room/lobby, one);", "push(room/lobby, two);"}
	for name, p := range map[string]*browser{"a1": a1, "a2": a2, "b1": b1} {
		got := p.next(t, 3)
		// one and two come from A in order; three, from B, may come
		// anywhere among them: NATS orders each publisher's messages.
		if i := slices.Index(got, "push(room/lobby, three);"); i < 0 {
			t.Errorf("%s got %q: no three", name, got)
		} else if got = slices.Delete(got, i, i+1); !slices.Equal(got, want) {
			t.Errorf("%s got %q from A, want %q", name, got, want)
		}
	}
	// Exactly once: the next thing each page is sent is the next message.
	a1.do(t, "say", "room/lobby", bert.Atom("four"))
	for name, p := range map[string]*browser{"a1": a1, "a2": a2, "b1": b1} {
		if got := p.next(t, 1)[0]; got != "push(room/lobby, four);" {
			t.Errorf("%s: after three messages got %q, want four (a duplicate?)", name, got)
		}
	}
	// The counters are added after the deliveries: wait for them.
	waitFor(t, "A's stats: 3 published, 4 received, 1 topic, 8 delivered", func() bool {
		s := a.bus.Stats()
		return s.Published == 3 && s.Received == 4 && s.Topics == 1 && s.Local.Delivered == 8
	})
	waitFor(t, "B's stats: 1 published, 4 received, 4 delivered", func() bool {
		s := b.bus.Stats()
		return s.Published == 1 && s.Received == 4 && s.Local.Delivered == 4
	})
}

// TestNodesBroadcast: a Broadcast on node A travels as {nitro_js, JS} and
// is written to the pages on both nodes, once, without running their
// Event.
func TestNodesBroadcast(t *testing.T) {
	ns := mustNATS(t, 0)
	a, b := mustNode(t, ns.ClientURL()), mustNode(t, ns.ClientURL())
	a1, a2, b1, b2 := a.open(t), a.open(t), b.open(t), b.open(t)
	for _, p := range []*browser{a1, a2, b1, b2} {
		p.do(t, "join", "news")
	}
	a1.do(t, "shout", "news", bert.BinString("hello();"))
	if err := a.srv.Broadcast("news", []byte("bye();")); err != nil {
		t.Fatal(err)
	}
	b2.do(t, "say", "news", bert.Atom("last"))
	for name, p := range map[string]*browser{"a1": a1, "a2": a2, "b1": b1, "b2": b2} {
		got := p.next(t, 3)
		if i := slices.Index(got, "push(news, last);"); i >= 0 {
			got = slices.Delete(got, i, i+1)
		} else {
			t.Errorf("%s: no push from B in %q", name, got)
			continue
		}
		if want := []string{"hello();", "bye();"}; !slices.Equal(got, want) {
			t.Errorf("%s got %q, want %q", name, got, want)
		}
	}
}

// TestNodesLeave: a topic's NATS subscription lives while the node has a
// page on the topic, whether pages leave it or close.
func TestNodesLeave(t *testing.T) {
	ns := mustNATS(t, 0)
	a := mustNode(t, ns.ClientURL())
	base := ns.NumSubscriptions() // nats.go's own, such as its request inbox

	subs := func() uint32 {
		t.Helper()
		if err := a.nc.Flush(); err != nil { // the server has what A sent
			t.Fatal(err)
		}
		return ns.NumSubscriptions() - base
	}
	p1, p2 := a.open(t), a.open(t)
	p1.do(t, "join", "room")
	p2.do(t, "join", "room")
	p2.do(t, "join", "room") // again: no effect
	if n := subs(); n != 1 {
		t.Fatalf("two pages on one topic: %d NATS subscriptions, want 1", n)
	}
	p1.do(t, "leave", "room")
	if n := subs(); n != 1 {
		t.Fatalf("one page left of two: %d NATS subscriptions, want 1", n)
	}
	p2.Close() // a closing page leaves its topics
	waitFor(t, "the last page's topic to go", func() bool { return a.bus.Stats().Topics == 0 })
	if n := subs(); n != 0 {
		t.Fatalf("no page left: %d NATS subscriptions, want 0", n)
	}
	p1.do(t, "join", "room")
	if n := subs(); n != 1 {
		t.Fatalf("joined again: %d NATS subscriptions, want 1", n)
	}
	p1.do(t, "say", "room", bert.Atom("back"))
	if got := p1.next(t, 1)[0]; got != "push(room, back);" {
		t.Errorf("after joining again got %q", got)
	}
}

// TestNodesServerRestart: the NATS server goes away and comes back on its
// port. A publication made meanwhile is buffered by nats.go and reaches
// the publisher's own pages after reconnect; a page that joins meanwhile
// is subscribed on reconnect; then both nodes carry on.
func TestNodesServerRestart(t *testing.T) {
	ns := mustNATS(t, 0)
	url, port := ns.ClientURL(), ns.Addr().(*net.TCPAddr).Port
	a, b := mustNode(t, url), mustNode(t, url)
	a1, b1 := a.open(t), b.open(t)
	a1.do(t, "join", "room")
	b1.do(t, "join", "room")

	reconnected := make(chan string, 2)
	for name, n := range map[string]*node{"A": a, "B": b} {
		n.nc.SetReconnectHandler(func(*nats.Conn) { reconnected <- name })
	}
	ns.Shutdown()
	waitFor(t, "both nodes to see the server gone", func() bool {
		return !a.nc.IsConnected() && !b.nc.IsConnected()
	})
	a1.do(t, "say", "room", bert.Atom("meanwhile")) // buffered: Publish says nil
	b2 := b.open(t)
	b2.do(t, "join", "late") // no server to confirm: it does not wait

	mustNATS(t, port)
	for range 2 {
		select {
		case <-reconnected:
		case <-time.After(timeout):
			t.Fatal("a node did not reconnect")
		}
	}
	// nats.go made the subscriptions again before sending what it held:
	// A's page gets A's own publication.
	if got := a1.next(t, 1)[0]; got != "push(room, meanwhile);" {
		t.Errorf("A's page after reconnect got %q, want its buffered publication", got)
	}
	if err := b.nc.Flush(); err != nil { // B's subscriptions are on the new server
		t.Fatal(err)
	}
	a1.do(t, "say", "room", bert.Atom("again"))
	a1.do(t, "say", "late", bert.Atom("hi"))
	if got := a1.next(t, 1)[0]; got != "push(room, again);" {
		t.Errorf("A's page got %q, want again", got)
	}
	// B may or may not have been back in time for "meanwhile".
	got := b1.next(t, 1)[0]
	if got == "push(room, meanwhile);" {
		got = b1.next(t, 1)[0]
	}
	if got != "push(room, again);" {
		t.Errorf("B's page got %q, want again", got)
	}
	if got := b2.next(t, 1)[0]; got != "push(late, hi);" {
		t.Errorf("the page that joined during the outage got %q, want hi", got)
	}
}
