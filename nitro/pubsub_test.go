package nitro

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// chanSub queues into a bounded channel and refuses when it is full, as a
// connection's send queue does.
type chanSub struct{ ch chan bert.Term }

func newChanSub(n int) *chanSub { return &chanSub{ch: make(chan bert.Term, n)} }

func (c *chanSub) Deliver(topic string, msg bert.Term) error {
	select {
	case c.ch <- msg:
		return nil
	default:
		return ErrSlowSubscriber
	}
}

func mustSubscribe(tb testing.TB, b Bus, topic string, s Subscriber) {
	tb.Helper()
	if err := b.Subscribe(topic, s); err != nil {
		tb.Fatalf("Subscribe(%q): %v", topic, err)
	}
}

// discardBus returns a bus whose drop log goes nowhere.
func discardBus() *MemoryBus {
	return &MemoryBus{Logger: slog.New(slog.DiscardHandler)}
}

func TestBusRouting(t *testing.T) {
	b := discardBus()
	a, c := newChanSub(8), newChanSub(8)
	mustSubscribe(t, b, "room", a)
	mustSubscribe(t, b, "room", c)
	mustSubscribe(t, b, "room", a) // idempotent
	mustSubscribe(t, b, "sid", c)
	tests := []struct {
		topic        string
		wantA, wantC int
	}{
		{"room", 1, 1},
		{"sid", 0, 1},
		{"nobody", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			if err := b.Publish(tt.topic, bert.Atom(tt.topic)); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if got := len(a.ch); got != tt.wantA {
				t.Errorf("a got %d messages, want %d", got, tt.wantA)
			}
			if got := len(c.ch); got != tt.wantC {
				t.Errorf("c got %d messages, want %d", got, tt.wantC)
			}
			for _, s := range []*chanSub{a, c} {
				for len(s.ch) > 0 {
					if m := <-s.ch; !m.IsAtom(tt.topic) {
						t.Errorf("got %v, want %s", m, tt.topic)
					}
				}
			}
		})
	}
}

func TestBusUnsubscribe(t *testing.T) {
	b := discardBus()
	a, c := newChanSub(8), newChanSub(8)
	mustSubscribe(t, b, "x", a)
	mustSubscribe(t, b, "x", c)
	mustSubscribe(t, b, "y", a)
	if err := b.Unsubscribe("x", a); err != nil {
		t.Fatal(err)
	}
	if err := b.Unsubscribe("x", a); err != nil { // not subscribed: no error
		t.Fatal(err)
	}
	b.Publish("x", bert.Int(1))
	b.Publish("y", bert.Int(2))
	if len(a.ch) != 1 || len(c.ch) != 1 {
		t.Errorf("queued a=%d c=%d, want 1 and 1", len(a.ch), len(c.ch))
	}
}

func TestBusUnsubscribeAll(t *testing.T) {
	b := discardBus()
	a, c := newChanSub(8), newChanSub(8)
	for _, topic := range []string{"t1", "t2", "t3"} {
		mustSubscribe(t, b, topic, a)
	}
	mustSubscribe(t, b, "t2", c)
	b.UnsubscribeAll(a)
	b.UnsubscribeAll(newChanSub(1)) // never subscribed
	for _, topic := range []string{"t1", "t2", "t3"} {
		b.Publish(topic, bert.Nil())
	}
	if len(a.ch) != 0 {
		t.Errorf("a got %d messages after UnsubscribeAll, want 0", len(a.ch))
	}
	if len(c.ch) != 1 {
		t.Errorf("c got %d messages, want 1", len(c.ch))
	}
	b.UnsubscribeAll(c)
	if len(b.topics) != 0 || len(b.joined) != 0 {
		t.Errorf("bus kept %d topics and %d subscribers, want none", len(b.topics), len(b.joined))
	}
}

func TestBusSubscriberFunc(t *testing.T) {
	b := discardBus()
	var got []string
	f := SubscriberFunc(func(topic string, msg bert.Term) error {
		got = append(got, topic)
		return nil
	})
	if err := b.Subscribe("t", f); !errors.Is(err, ErrNotComparable) {
		t.Errorf("Subscribe of a bare func: err = %v, want ErrNotComparable", err)
	}
	if err := b.Unsubscribe("t", f); !errors.Is(err, ErrNotComparable) {
		t.Errorf("Unsubscribe of a bare func: err = %v, want ErrNotComparable", err)
	}
	mustSubscribe(t, b, "t", &f)
	b.Publish("t", bert.Nil())
	if len(got) != 1 || got[0] != "t" {
		t.Errorf("func got %q, want [t]", got)
	}
}

// A slow subscriber loses messages; the others get every one and the
// publisher never waits.
func TestBusSlowSubscriber(t *testing.T) {
	const n = 1000
	b := discardBus()
	fast1, fast2, slow := newChanSub(n), newChanSub(n), newChanSub(1) // slow is never drained
	for _, s := range []*chanSub{fast1, slow, fast2} {
		mustSubscribe(t, b, "room", s)
	}
	start := time.Now()
	for i := range n {
		if err := b.Publish("room", bert.Int(int64(i))); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("%d publishes took %v: the publisher waited", n, d)
	}
	for _, s := range []*chanSub{fast1, fast2} {
		for i := range n {
			if m, _ := (<-s.ch).Int(); m != int64(i) {
				t.Fatalf("fast subscriber got %d, want %d", m, i)
			}
		}
	}
	want := BusStats{Published: n, Delivered: 2*n + 1, Dropped: n - 1}
	if got := b.Stats(); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
}

func TestBusDropLogRateLimit(t *testing.T) {
	var buf bytes.Buffer
	clk := newManualClock()
	b := &MemoryBus{
		Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			},
		})),
		now: clk.Now,
	}
	mustSubscribe(t, b, "a", newChanSub(0))
	mustSubscribe(t, b, "b", newChanSub(0))
	steps := []struct {
		advance time.Duration
		topic   string
		times   int
	}{
		{0, "a", 5},                        // logs dropped=1, holds 4
		{0, "b", 1},                        // held: 5
		{500 * time.Millisecond, "a", 1},   // held: 6
		{500 * time.Millisecond, "b", 1},   // a second since the line: dropped=7
		{100 * time.Millisecond, "a", 100}, // held
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		for range s.times {
			b.Publish(s.topic, bert.Nil())
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`level=WARN msg="nitro: subscriber dropped messages" topic=a err="nitro: subscriber too far behind" dropped=1`,
		`level=WARN msg="nitro: subscriber dropped messages" topic=b err="nitro: subscriber too far behind" dropped=7`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("log =\n%s\nwant\n%s", buf.String(), strings.Join(want, "\n"))
	}
	if got := b.Stats().Dropped; got != 108 {
		t.Errorf("Dropped = %d, want 108", got)
	}
}

// Deliver runs with no lock held, so it may change subscriptions.
func TestBusReentrantDeliver(t *testing.T) {
	b := discardBus()
	var self SubscriberFunc
	calls := 0
	self = func(topic string, msg bert.Term) error {
		calls++
		b.Unsubscribe(topic, &self)
		b.Publish("other", msg)
		return nil
	}
	mustSubscribe(t, b, "t", &self)
	done := make(chan struct{})
	go func() {
		b.Publish("t", bert.Nil())
		b.Publish("t", bert.Nil())
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish deadlocked on a re-entrant Deliver")
	}
	if calls != 1 {
		t.Errorf("Deliver called %d times, want 1", calls)
	}
}

func TestBusConcurrent(t *testing.T) {
	b := discardBus()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newChanSub(4)
			for i := range 300 {
				topic := []string{"a", "b", "c"}[i%3]
				switch (i + g) % 4 {
				case 0:
					b.Subscribe(topic, s)
				case 1:
					b.Publish(topic, bert.Int(int64(i)))
				case 2:
					b.Unsubscribe(topic, s)
				case 3:
					for len(s.ch) > 0 {
						<-s.ch
					}
				}
			}
			b.UnsubscribeAll(s)
		}()
	}
	wg.Wait()
	if got := b.Stats().Published; got != 8*75 {
		t.Errorf("Published = %d, want %d", got, 8*75)
	}
	if len(b.topics) != 0 || len(b.joined) != 0 {
		t.Errorf("bus kept %d topics and %d subscribers, want none", len(b.topics), len(b.joined))
	}
}

func BenchmarkPublish1000(b *testing.B) {
	bus := discardBus()
	var wg sync.WaitGroup
	subs := make([]*chanSub, 1000)
	for i := range subs {
		subs[i] = newChanSub(256)
		mustSubscribe(b, bus, "room", subs[i])
		wg.Add(1)
		go func(ch chan bert.Term) {
			defer wg.Done()
			for range ch {
			}
		}(subs[i].ch)
	}
	msg := bert.Tuple(bert.Atom("client"), bert.BinString("hello"))
	b.ReportAllocs()
	for b.Loop() {
		bus.Publish("room", msg)
	}
	b.StopTimer()
	for _, s := range subs {
		close(s.ch)
	}
	wg.Wait()
	st := bus.Stats()
	b.ReportMetric(float64(st.Dropped)/float64(st.Delivered+st.Dropped), "drop-ratio")
}

// TestBusLargeTopic: a topic large enough to be delivered in parallel
// parts reaches every subscriber once, and is counted once each.
func TestBusLargeTopic(t *testing.T) {
	b := discardBus()
	subs := make([]*chanSub, 1000)
	for i := range subs {
		subs[i] = newChanSub(2)
		mustSubscribe(t, b, "hall", subs[i])
	}
	subs[7].ch <- bert.Nil() // full: the publication is refused
	subs[7].ch <- bert.Nil()
	if err := b.Publish("hall", bert.Atom("hi")); err != nil {
		t.Fatal(err)
	}
	for i, s := range subs {
		want := 1
		if i == 7 {
			want = 2 // refused: still the two it had
		}
		if len(s.ch) != want {
			t.Fatalf("subscriber %d holds %d messages, want %d", i, len(s.ch), want)
		}
	}
	if st := b.Stats(); st.Delivered != 999 || st.Dropped != 1 {
		t.Errorf("stats %+v, want 999 delivered and 1 dropped", st)
	}
}
