package nitro

import (
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// ErrSlowSubscriber is what a Subscriber returns from Deliver when its
// queue is full: the message is dropped rather than block the publisher.
var ErrSlowSubscriber = errors.New("nitro: subscriber too far behind")

// ErrNotComparable is returned by Subscribe for a subscriber that cannot be
// compared with ==, such as a bare SubscriberFunc; subscribe a pointer.
var ErrNotComparable = errors.New("nitro: subscriber is not comparable; subscribe a pointer")

// Subscriber receives what is published on the topics it joined. Deliver
// must not block: it queues the message (or refuses it) and returns at
// once. Deliver may be called from many goroutines at the same time.
//
// msg is shared by every subscriber of the topic: treat it as read-only.
type Subscriber interface {
	Deliver(topic string, msg bert.Term) error
}

// SubscriberFunc adapts a function to Subscriber. Functions cannot be
// compared, so subscribe a pointer to one:
//
//	f := nitro.SubscriberFunc(fn)
//	bus.Subscribe("room", &f)
type SubscriberFunc func(topic string, msg bert.Term) error

// Deliver calls f(topic, msg).
func (f SubscriberFunc) Deliver(topic string, msg bert.Term) error { return f(topic, msg) }

// Bus is N2O's reg/unreg/send: topics that connections join and that
// anyone may publish to. Subscribers are compared with ==, so a
// connection subscribes a pointer to itself.
type Bus interface {
	// Subscribe adds s to topic. Subscribing the same (topic, s) twice
	// has no further effect.
	Subscribe(topic string, s Subscriber) error
	// Unsubscribe removes s from topic.
	Unsubscribe(topic string, s Subscriber) error
	// Publish delivers msg to every subscriber of topic.
	Publish(topic string, msg bert.Term) error
}

var _ Bus = (*MemoryBus)(nil)

// BusStats counts a bus's traffic since it was created.
type BusStats struct {
	Published uint64 // Publish calls
	Delivered uint64 // messages accepted by a subscriber's Deliver
	Dropped   uint64 // messages a subscriber's Deliver refused
}

// MemoryBus is a Bus within one process. The zero value is ready to use;
// a MemoryBus must not be copied after first use.
//
// Publish takes a read lock only to look the topic up and calls Deliver
// with no lock held, so a subscriber may publish or unsubscribe from
// inside Deliver. Subscribing is amortised O(1); unsubscribing copies the
// topic's subscriber list, O(subscribers of the topic).
type MemoryBus struct {
	// Logger receives a Warn line when subscribers drop messages, at
	// most one a second. Nil means slog.Default().
	Logger *slog.Logger

	mu sync.RWMutex
	// topics holds each topic's subscribers. A published slice is never
	// written below its length: Subscribe appends past it (readers
	// holding the old header never look there) and Unsubscribe builds a
	// new slice. So Publish iterates without a lock and without copying.
	topics map[string][]Subscriber
	joined map[Subscriber][]string // reverse index for UnsubscribeAll

	published, delivered, dropped atomic.Uint64

	drops RateLog
	now   func() time.Time // nil = time.Now; set by tests
}

// Subscribe implements Bus.
func (b *MemoryBus) Subscribe(topic string, s Subscriber) error {
	if s == nil {
		panic("nitro: Subscribe of a nil Subscriber")
	}
	if !isComparable(s) {
		return ErrNotComparable
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if slices.Contains(b.joined[s], topic) {
		return nil
	}
	if b.topics == nil {
		b.topics = make(map[string][]Subscriber)
		b.joined = make(map[Subscriber][]string)
	}
	b.topics[topic] = append(b.topics[topic], s)
	b.joined[s] = append(b.joined[s], topic)
	return nil
}

// Unsubscribe implements Bus. Removing a subscriber that is not
// subscribed is not an error.
func (b *MemoryBus) Unsubscribe(topic string, s Subscriber) error {
	if !isComparable(s) {
		return ErrNotComparable
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	topics := b.joined[s]
	i := slices.Index(topics, topic)
	if i < 0 {
		return nil
	}
	if len(topics) == 1 {
		delete(b.joined, s)
	} else {
		b.joined[s] = slices.Delete(topics, i, i+1) // private to the bus: in place is fine
	}
	b.leave(topic, s)
	return nil
}

// UnsubscribeAll removes s from every topic it joined. A connection calls
// it when it closes. It costs O(topics of s), plus the copy of each of
// those topics' subscriber lists.
func (b *MemoryBus) UnsubscribeAll(s Subscriber) {
	if !isComparable(s) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, topic := range b.joined[s] {
		b.leave(topic, s)
	}
	delete(b.joined, s)
}

// leave removes s from topic's subscribers by building a new slice, since
// publishers may be iterating the old one. The caller holds b.mu.
func (b *MemoryBus) leave(topic string, s Subscriber) {
	old := b.topics[topic]
	if len(old) <= 1 {
		delete(b.topics, topic)
		return
	}
	subs := make([]Subscriber, 0, len(old)-1)
	for _, x := range old {
		if x != s {
			subs = append(subs, x)
		}
	}
	b.topics[topic] = subs
}

// Publish implements Bus. It returns nil: a subscriber that refuses msg
// is counted in Stats and logged (one that returns ErrClosed, on its way
// out, is not), and never fails the publisher.
func (b *MemoryBus) Publish(topic string, msg bert.Term) error {
	b.mu.RLock()
	subs := b.topics[topic]
	b.mu.RUnlock()
	b.published.Add(1)
	// A large topic is delivered by one goroutine per processor: a
	// delivery may write to a socket (a broadcast to an idle page), and
	// a thousand writes go faster on every core.
	par := min(runtime.GOMAXPROCS(0), len(subs)/fanoutChunk)
	if par <= 1 {
		b.deliver(topic, msg, subs)
		return nil
	}
	var wg sync.WaitGroup
	for p := range par {
		part := subs[p*len(subs)/par : (p+1)*len(subs)/par]
		if p == par-1 {
			b.deliver(topic, msg, part) // the last part on this goroutine
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.deliver(topic, msg, part)
		}()
	}
	wg.Wait()
	return nil
}

// fanoutChunk is the fewest subscribers worth a goroutine of their own.
const fanoutChunk = 128

// deliver hands msg to subs, one after another.
func (b *MemoryBus) deliver(topic string, msg bert.Term, subs []Subscriber) {
	var ok uint64
	for _, s := range subs {
		if err := s.Deliver(topic, msg); err != nil {
			// A subscriber closing (a page leaving, the server shutting
			// down) has not dropped anything it will ever see: not logged.
			if !errors.Is(err, ErrClosed) {
				b.drop(topic, err)
			}
			continue
		}
		ok++
	}
	b.delivered.Add(ok) // once per part, not per subscriber: less contention
}

// Stats returns the bus's counters.
func (b *MemoryBus) Stats() BusStats {
	return BusStats{
		Published: b.published.Load(),
		Delivered: b.delivered.Load(),
		Dropped:   b.dropped.Load(),
	}
}

// drop counts a refused delivery and logs it, one line a second at most
// (a flood of drops must not become a flood of lines), saying how many
// drops the line stands for.
func (b *MemoryBus) drop(topic string, err error) {
	b.dropped.Add(1)
	now := time.Now
	if b.now != nil {
		now = b.now
	}
	n, ok := b.drops.Tick(now())
	if !ok {
		return
	}
	log := b.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Warn("nitro: subscriber dropped messages", "topic", topic, "err", err, "dropped", n)
}

// isComparable reports whether s can be used with == and as a map key;
// comparing two funcs, for one, panics.
func isComparable(s Subscriber) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	m := map[Subscriber]struct{}{s: {}} // hashing an incomparable value panics
	return len(m) == 1
}
