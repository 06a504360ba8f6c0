package natsbus_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/natsbus"
)

func TestNew(t *testing.T) {
	ns := mustNATS(t, 0)
	nc := mustConn(t, ns.ClientURL())
	noEcho := mustConn(t, ns.ClientURL(), nats.NoEcho())
	tests := []struct {
		name   string
		nc     *nats.Conn
		prefix string
		ok     bool
	}{
		{"default prefix", nc, "", true},
		{"prefix of two tokens", nc, "app.nitro", true},
		{"no connection", nil, "", false},
		{"NoEcho connection", noEcho, "", false},
		{"empty token", nc, "app..nitro", false},
		{"trailing dot", nc, "nitro.", false},
		{"wildcard", nc, "app.*", false},
		{"full wildcard", nc, ">", false},
		{"space", nc, "my app", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := natsbus.New(tt.nc, natsbus.Options{Prefix: tt.prefix})
			if (err == nil) != tt.ok {
				t.Fatalf("New: got error %v, want ok = %v", err, tt.ok)
			}
			if err == nil {
				b.Close()
			}
		})
	}
	if _, err := natsbus.New(noEcho, natsbus.Options{}); !errors.Is(err, natsbus.ErrNoEcho) {
		t.Errorf("NoEcho: got %v, want ErrNoEcho", err)
	}
}

// TestHostileTopics: topics that look like subjects, wildcards, several
// tokens or nothing at all each travel on one subject of exactly two
// tokens, and reach only their own subscribers.
func TestHostileTopics(t *testing.T) {
	ns := mustNATS(t, 0)
	a := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{})
	b := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{})
	long := strings.Repeat("x", 800)
	topics := []string{
		"room/lobby", "with spaces", "tab\tand\nnewline", "a", "b", "a.b", "a.b.c", ".", "..",
		"*", ">", "a.*", "a.>", "*.*", "", "~", "\x00\xff", "ünïcödé", "nitro", "nitro.a", "$SYS",
		long, long + "y", long[:768], long[:769],
	}
	// A subscriber of everything under the prefix sees each subject.
	spy, err := mustConn(t, ns.ClientURL()).SubscribeSync("nitro.>")
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]*collector{}
	for _, topic := range topics {
		subs[topic] = newCollector()
		mustSubscribe(t, b, topic, subs[topic])
	}
	for _, topic := range topics {
		mustPublish(t, a, topic, bert.BinString(topic))
		mustPublish(t, a, topic, bert.Atom("end"))
	}
	for _, topic := range topics {
		c := subs[topic]
		want := fmt.Sprintf("%s: %v", topic, bert.BinString(topic))
		if got := c.next(t); got != want {
			t.Errorf("topic %.20q: got %.40q, want its own message", topic, got)
		}
		if got := c.next(t); got != topic+": end" {
			t.Errorf("topic %.20q: got %.40q after its message, want end", topic, got)
		}
	}
	seen := map[string]bool{}
	for range 2 * len(topics) {
		m, err := spy.NextMsg(timeout)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(m.Subject, "."); n != 1 {
			t.Errorf("subject %q has %d dots, want 1", m.Subject, n)
		}
		seen[m.Subject] = true
	}
	if len(seen) != len(topics) {
		t.Errorf("%d topics travelled on %d subjects", len(topics), len(seen))
	}
}

// TestInvalidMessages: what another program publishes on a topic's subject
// that is not a BERT term within the limits is dropped, counted and logged
// once a second, and the next good message still arrives.
func TestInvalidMessages(t *testing.T) {
	ns := mustNATS(t, 0)
	var log logBuffer
	opts := natsbus.Options{Logger: log.logger(), MaxMessage: 1024, Decoder: bert.Decoder{MaxDepth: 8}}
	b := mustBus(t, mustConn(t, ns.ClientURL()), opts)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	natsbus.SetNow(b, func() time.Time { clock.Lock(); defer clock.Unlock(); return now })
	c := newCollector()
	mustSubscribe(t, b, "room", c)
	other := mustConn(t, ns.ClientURL())

	good := bert.Encode(bert.Tuple(bert.Atom("msg"), bert.BinString("hello")))
	deep := bert.Atom("x")
	for range 20 {
		deep = bert.List(deep)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"text", []byte("hello")},
		{"empty", nil},
		{"version byte only", []byte{131}},
		{"truncated", good[:len(good)-1]},
		{"trailing bytes", append(good[:len(good):len(good)], 0)},
		{"too big", bert.Encode(bert.Bin(make([]byte, 2000)))},
		{"too deep", bert.Encode(deep)},
		{"compressed, claiming 2 MiB", []byte{131, 80, 0, 0x20, 0, 0, 0x78, 0x9c, 3, 0}},
		{"JSON", []byte(`{"t":100,"v":"io"}`)},
	}
	for _, tt := range tests {
		if err := other.Publish(b.Subject("room"), tt.data); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
	}
	if err := other.Publish(b.Subject("room"), good); err != nil {
		t.Fatal(err)
	}
	if got, want := c.next(t), `room: {msg,<<"hello">>}`; got != want {
		t.Errorf("after the garbage got %q, want %q", got, want)
	}
	if s := b.Stats(); s.Invalid != uint64(len(tests)) || s.Received != 1 {
		t.Errorf("stats %+v: want %d invalid, 1 received", s, len(tests))
	}
	if lines := log.lines("not valid BERT"); len(lines) != 1 {
		t.Errorf("logged %d lines in the same second, want 1: %q", len(lines), lines)
	}

	// A second later, the next drop is logged, with the drops it stands for.
	clock.Lock()
	now = now.Add(2 * time.Second)
	clock.Unlock()
	other.Publish(b.Subject("room"), []byte("more"))
	waitFor(t, "a second line", func() bool { return len(log.lines("not valid BERT")) == 2 })
	if line := log.lines("not valid BERT")[1]; !strings.Contains(line, fmt.Sprintf("dropped=%d", len(tests))) {
		t.Errorf("second line %q: want dropped=%d (the unlogged drops, this one included)", line, len(tests))
	}
}

// gate is a Subscriber that breaks the rule and blocks in Deliver until
// it is opened: it stands for a node too busy to keep up.
type gate struct {
	open chan struct{}
	*collector
}

func (g *gate) Deliver(topic string, msg bert.Term) error {
	<-g.open
	return g.collector.Deliver(topic, msg)
}

// TestSlowConsumer: when a node falls behind, NATS drops messages past
// the topic's pending limits; the bus counts and logs the report, passes
// the reports of other subscriptions on the connection to the handler
// the connection had, and carries on.
func TestSlowConsumer(t *testing.T) {
	ns := mustNATS(t, 0)
	var log logBuffer
	reported := make(chan *nats.Subscription, 10)
	nc := mustConn(t, ns.ClientURL(), nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrSlowConsumer) {
			reported <- sub
		}
	}))
	b := mustBus(t, nc, natsbus.Options{Logger: log.logger(), PendingMsgs: 4})
	pub := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{})

	g := &gate{open: make(chan struct{}), collector: newCollector()}
	mustSubscribe(t, b, "room", g)
	for i := range 50 {
		mustPublish(t, pub, "room", bert.Int(int64(i)))
	}
	waitFor(t, "a slow-consumer report", func() bool { return b.Stats().SlowConsumer == 1 })
	close(g.open)
	if s := b.Stats(); s.Lost == 0 {
		t.Errorf("stats %+v: want messages lost", s)
	}
	if lines := log.lines("slow consumer"); len(lines) != 1 {
		t.Errorf("logged %q, want one slow-consumer line", lines)
	}
	// The bus carries on. Until the backlog has drained, a new message
	// may still find the pending limit reached and be dropped too; so
	// publish again until one arrives.
	deadline := time.Now().Add(timeout)
	for seen := false; !seen; {
		if time.Now().After(deadline) {
			t.Fatal("nothing delivered after the slow consumer caught up")
		}
		mustPublish(t, pub, "room", bert.Atom("after"))
		seen = g.collector.await("room: after", 200*time.Millisecond)
	}

	// A subscription of the application's own on the same connection: its
	// report goes to the application's handler, and the bus counts nothing.
	counted := b.Stats().SlowConsumer
	block := make(chan struct{})
	own, err := nc.Subscribe("app.jobs", func(*nats.Msg) { <-block })
	if err != nil {
		t.Fatal(err)
	}
	own.SetPendingLimits(1, -1)
	for range 10 {
		pub := mustConn(t, ns.ClientURL())
		pub.Publish("app.jobs", []byte("x"))
		pub.Flush()
	}
	select {
	case sub := <-reported:
		if sub != own {
			t.Errorf("the application's handler got a report for %q, want app.jobs", sub.Subject)
		}
	case <-time.After(timeout):
		t.Error("the application's handler got no report")
	}
	close(block)
	if n := b.Stats().SlowConsumer; n != counted {
		t.Errorf("the bus counted %d reports, want %d (its own only)", n, counted)
	}
	select {
	case sub := <-reported:
		t.Errorf("the application's handler got a report for %q", sub.Subject)
	default:
	}
}

// TestOrder: each node's publications reach every subscriber on every node
// in the order they were made; two nodes' publications interleave.
func TestOrder(t *testing.T) {
	ns := mustNATS(t, 0)
	buses := []*natsbus.Bus{
		mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{}),
		mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{}),
	}
	subs := []*collector{newCollector(), newCollector(), newCollector()}
	mustSubscribe(t, buses[0], "seq", subs[0])
	mustSubscribe(t, buses[0], "seq", subs[1])
	mustSubscribe(t, buses[1], "seq", subs[2])
	const each = 500
	var wg sync.WaitGroup
	for i, b := range buses {
		wg.Go(func() {
			for k := range each {
				if err := b.Publish("seq", bert.Tuple(bert.Int(int64(i)), bert.Int(int64(k)))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, c := range subs {
		next := []int{0, 0} // per publisher
		for range 2 * each {
			var d delivery
			select {
			case d = <-c.ch:
			case <-time.After(timeout):
				t.Fatalf("subscriber %d: got %v, want %d each", i, next, each)
			}
			from, _ := d.msg.At(0).Int()
			k, _ := d.msg.At(1).Int()
			if int(k) != next[from] {
				t.Fatalf("subscriber %d: from node %d got %d, want %d", i, from, k, next[from])
			}
			next[from]++
		}
	}
}

func TestPublishErrors(t *testing.T) {
	ns := mustNATS(t, 0)
	closedConn := mustConn(t, ns.ClientURL())
	onClosed := mustBus(t, closedConn, natsbus.Options{})
	closedConn.Close()
	closedBus := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{})
	closedBus.Close()
	small := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{MaxMessage: 100})

	tests := []struct {
		name string
		bus  *natsbus.Bus
		msg  bert.Term
		want error
	}{
		{"connection closed", onClosed, bert.Atom("x"), nats.ErrConnectionClosed},
		{"bus closed", closedBus, bert.Atom("x"), nitro.ErrClosed},
		{"too big", small, bert.Bin(make([]byte, 100)), natsbus.ErrTooBig},
		{"atom too long to encode", small, bert.Atom(strings.Repeat("a", 70000)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.bus.Publish("room", tt.msg)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if s := tt.bus.Stats(); s.PublishFailed == 0 || s.Published != 0 {
				t.Errorf("stats %+v: want it counted as failed", s)
			}
		})
	}
	if err := small.Publish("room", bert.Bin(make([]byte, 90))); err != nil {
		t.Errorf("a message within MaxMessage: %v", err)
	}
}

// TestClose: Close ends the bus's NATS subscriptions and its local
// subscribers' memberships; after it, the bus refuses work.
func TestClose(t *testing.T) {
	ns := mustNATS(t, 0)
	nc := mustConn(t, ns.ClientURL())
	base := ns.NumSubscriptions()
	b := mustBus(t, nc, natsbus.Options{})
	c := newCollector()
	for _, topic := range []string{"a", "b", "c"} {
		mustSubscribe(t, b, topic, c)
	}
	nc.Flush()
	if n := ns.NumSubscriptions() - base; n != 3 {
		t.Fatalf("%d subscriptions, want 3", n)
	}
	b.Close()
	b.Close() // again: nothing more
	nc.Flush()
	if n := ns.NumSubscriptions() - base; n != 0 {
		t.Errorf("after Close: %d subscriptions, want 0", n)
	}
	if s := b.Stats(); s.Topics != 0 {
		t.Errorf("after Close: %d topics", s.Topics)
	}
	if err := b.Subscribe("a", c); !errors.Is(err, natsbus.ErrClosed) {
		t.Errorf("Subscribe after Close: got %v, want ErrClosed", err)
	}
	if err := b.Publish("a", bert.Atom("x")); !errors.Is(err, nitro.ErrClosed) {
		t.Errorf("Publish after Close: got %v, want nitro.ErrClosed", err)
	}
	if err := b.Unsubscribe("a", c); err != nil {
		t.Errorf("Unsubscribe after Close: %v", err)
	}
}

// TestPrefixes: applications with different prefixes share a NATS server
// without meeting.
func TestPrefixes(t *testing.T) {
	ns := mustNATS(t, 0)
	one := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{Prefix: "one"})
	two := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{Prefix: "two"})
	c1, c2 := newCollector(), newCollector()
	mustSubscribe(t, one, "room", c1)
	mustSubscribe(t, two, "room", c2)
	mustPublish(t, one, "room", bert.Atom("for_one"))
	mustPublish(t, two, "room", bert.Atom("for_two"))
	if got := c1.next(t); got != "room: for_one" {
		t.Errorf("prefix one got %q", got)
	}
	if got := c2.next(t); got != "room: for_two" {
		t.Errorf("prefix two got %q", got)
	}
}

// TestNotComparable: a subscriber that cannot be compared is refused, as
// MemoryBus refuses it, and leaves no NATS subscription behind.
func TestNotComparable(t *testing.T) {
	ns := mustNATS(t, 0)
	b := mustBus(t, mustConn(t, ns.ClientURL()), natsbus.Options{})
	f := nitro.SubscriberFunc(func(string, bert.Term) error { return nil })
	if err := b.Subscribe("room", f); !errors.Is(err, nitro.ErrNotComparable) {
		t.Errorf("got %v, want ErrNotComparable", err)
	}
	if n := b.Stats().Topics; n != 0 {
		t.Errorf("%d topics, want 0", n)
	}
}
