package natsbus

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// ErrClosed is what Subscribe and Publish return after Close. It wraps
// nitro.ErrClosed.
var ErrClosed = fmt.Errorf("natsbus: bus closed: %w", nitro.ErrClosed)

// ErrTooBig is what Publish returns for a message whose encoding is longer
// than Options.MaxMessage: every node would drop it on arrival.
var ErrTooBig = errors.New("natsbus: message too big")

// ErrNoEcho is what New returns for a connection made with nats.NoEcho: a
// node would never see its own publications, since the bus relies on NATS
// to send them back.
var ErrNoEcho = errors.New("natsbus: the NATS connection was made with NoEcho; the bus needs its own messages back")

// Options configures a Bus. The zero value works.
type Options struct {
	// Prefix is the first part of every subject: a topic travels on
	// Prefix + "." + its token (see Subject). Nodes that share topics
	// share a prefix; applications on one NATS server keep apart with
	// prefixes of their own. Empty means "nitro".
	Prefix string

	// Logger receives a Warn line for messages dropped on arrival (not
	// BERT, too big), for NATS slow-consumer reports and for refused
	// deliveries, each at most once a second. Nil means slog.Default().
	Logger *slog.Logger

	// MaxMessage bounds an encoded message, sent or received. Zero means
	// 1 MiB, which is also a NATS server's default max_payload.
	MaxMessage int

	// Decoder decodes what arrives; its zero value has bert's limits
	// (nesting depth 512, compressed terms inflating to 1 MiB at most).
	Decoder bert.Decoder

	// PendingMsgs and PendingBytes bound what NATS queues for one topic's
	// subscription on this node before it drops messages and reports a
	// slow consumer. Zero means NATS's defaults (500,000 messages, 64 MiB);
	// negative means no bound.
	PendingMsgs, PendingBytes int

	// SubscribeWait bounds how long Subscribe waits for the NATS server to
	// confirm a topic's new subscription (one round trip, taken by the
	// topic's first local subscriber). Zero means 2 seconds; negative
	// means Subscribe does not wait.
	SubscribeWait time.Duration
}

// Stats counts a Bus's traffic since New.
type Stats struct {
	Topics        int    // topics with local subscribers: one NATS subscription each
	Published     uint64 // Publish calls that NATS accepted
	PublishFailed uint64 // Publish calls that returned an error
	Received      uint64 // messages that arrived from NATS and went to the local subscribers
	Invalid       uint64 // messages dropped on arrival: not BERT, or longer than MaxMessage
	SlowConsumer  uint64 // NATS's slow-consumer reports for the bus's subscriptions
	Lost          uint64 // messages NATS dropped from those subscriptions' pending queues

	// Local counts the node's deliveries to its own subscribers, as
	// nitro.MemoryBus does: Local.Published equals Received.
	Local nitro.BusStats
}

// Bus is a nitro.Bus for one node of several that share a NATS server (or
// cluster). It is safe for concurrent use.
type Bus struct {
	nc        *nats.Conn
	prefix    string
	log       *slog.Logger
	maxMsg    int
	dec       bert.Decoder
	pendMsgs  int
	pendBytes int
	wait      time.Duration
	now       func() time.Time // time.Now; set by tests

	local nitro.MemoryBus

	mu       sync.Mutex
	topics   map[string]*topic
	owned    map[*nats.Subscription]string // the bus's subscriptions → topic
	lostGone uint64                        // Lost of the subscriptions dropped since
	closed   atomic.Bool                   // written under mu

	published, publishFailed, received, invalid, slow atomic.Uint64
	invalidLog, slowLog                               nitro.RateLog
}

// topic is one topic with local subscribers.
type topic struct {
	sub     *nats.Subscription
	members map[nitro.Subscriber]struct{}
	ready   chan struct{} // closed once the server confirmed sub, or Subscribe gave up waiting
}

var _ nitro.Bus = (*Bus)(nil)

// New returns a Bus on nc. The caller keeps nc, and closes it after the
// Bus. New chains an error handler onto nc: slow-consumer reports for the
// bus's subscriptions are counted and logged by the bus, everything else
// goes to the handler nc had.
func New(nc *nats.Conn, opts Options) (*Bus, error) {
	if nc == nil {
		return nil, errors.New("natsbus: nil NATS connection")
	}
	if nc.Opts.NoEcho {
		return nil, ErrNoEcho
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = "nitro"
	}
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	b := &Bus{
		nc:        nc,
		prefix:    prefix,
		log:       opts.Logger,
		maxMsg:    opts.MaxMessage,
		dec:       opts.Decoder,
		pendMsgs:  opts.PendingMsgs,
		pendBytes: opts.PendingBytes,
		wait:      opts.SubscribeWait,
		now:       time.Now,
		topics:    map[string]*topic{},
		owned:     map[*nats.Subscription]string{},
	}
	if b.log == nil {
		b.log = slog.Default()
	}
	if b.maxMsg <= 0 {
		b.maxMsg = 1 << 20
	}
	if b.wait == 0 {
		b.wait = 2 * time.Second
	}
	b.local.Logger = b.log
	prev := nc.ErrorHandler()
	nc.SetErrorHandler(func(nc *nats.Conn, sub *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrSlowConsumer) && b.slowConsumer(sub) {
			return
		}
		if prev != nil {
			prev(nc, sub, err)
		}
	})
	return b, nil
}

// Subject returns the subject topic travels on: Subject(prefix, topic)
// with the bus's prefix.
func (b *Bus) Subject(topic string) string { return Subject(b.prefix, topic) }

// Subscribe implements nitro.Bus. The first local subscriber of a topic
// makes the node's NATS subscription for it and waits (see
// Options.SubscribeWait) until the NATS server has it, so that what any
// node publishes after Subscribe returns reaches s.
func (b *Bus) Subscribe(topicName string, s nitro.Subscriber) error {
	if s == nil {
		panic("natsbus: Subscribe of a nil Subscriber")
	}
	b.mu.Lock()
	if b.closed.Load() {
		b.mu.Unlock()
		return ErrClosed
	}
	if err := b.local.Subscribe(topicName, s); err != nil {
		b.mu.Unlock()
		return err
	}
	t := b.topics[topicName]
	fresh := t == nil
	if fresh {
		sub, err := b.nc.Subscribe(b.Subject(topicName), func(m *nats.Msg) { b.receive(topicName, m.Data) })
		if err != nil {
			b.local.Unsubscribe(topicName, s)
			b.mu.Unlock()
			return fmt.Errorf("natsbus: subscribe to %q: %w", topicName, err)
		}
		if b.pendMsgs != 0 || b.pendBytes != 0 {
			msgs, bytes := b.pendMsgs, b.pendBytes
			if msgs == 0 {
				msgs = nats.DefaultSubPendingMsgsLimit
			}
			if bytes == 0 {
				bytes = nats.DefaultSubPendingBytesLimit
			}
			sub.SetPendingLimits(msgs, bytes) // fails only on a connection closed meanwhile: nothing to bound
		}
		t = &topic{sub: sub, members: map[nitro.Subscriber]struct{}{}, ready: make(chan struct{})}
		b.topics[topicName] = t
		b.owned[sub] = topicName
	}
	t.members[s] = struct{}{}
	ready := t.ready
	b.mu.Unlock()

	if fresh {
		b.confirm(topicName)
		close(ready)
	}
	<-ready // a later subscriber waits for the first one's confirmation too
	return nil
}

// confirm waits for the NATS server to have processed what the connection
// sent so far, the new subscription with it. While the connection is
// away there is nothing to wait for: nats.go makes the subscription again
// on reconnect.
func (b *Bus) confirm(topicName string) {
	if b.wait < 0 || !b.nc.IsConnected() {
		return
	}
	if err := b.nc.FlushTimeout(b.wait); err != nil {
		b.log.Warn("natsbus: the NATS server did not confirm a subscription; it stands, and is made again on reconnect",
			"topic", topicName, "err", err)
	}
}

// Unsubscribe implements nitro.Bus. The last local subscriber of a topic
// takes the node's NATS subscription for it with it.
func (b *Bus) Unsubscribe(topicName string, s nitro.Subscriber) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.local.Unsubscribe(topicName, s); err != nil {
		return err
	}
	t := b.topics[topicName]
	if t == nil {
		return nil
	}
	delete(t.members, s)
	if len(t.members) == 0 {
		b.drop(topicName, t)
	}
	return nil
}

// drop ends topic's NATS subscription. The caller holds b.mu.
func (b *Bus) drop(topicName string, t *topic) {
	delete(b.topics, topicName)
	delete(b.owned, t.sub)
	if n, err := t.sub.Dropped(); err == nil {
		b.lostGone += uint64(n)
	}
	// It fails only when the connection is closed, and with it the
	// subscription: nothing is left to undo.
	_ = t.sub.Unsubscribe()
}

// Publish implements nitro.Bus: it encodes msg as BERT and publishes it on
// topic's subject. Every node subscribed to topic, this one included,
// delivers it to its local subscribers when NATS brings it; Publish
// delivers nothing itself. It returns an error when NATS refuses the
// message (see the package doc: Reconnecting), for one longer than
// Options.MaxMessage (ErrTooBig), and after Close (ErrClosed).
func (b *Bus) Publish(topic string, msg bert.Term) (err error) {
	if b.closed.Load() {
		b.publishFailed.Add(1)
		return ErrClosed
	}
	defer func() {
		if v := recover(); v != nil { // bert.Append on an atom longer than 65535 bytes
			err = fmt.Errorf("natsbus: publish to %q: cannot encode: %v", topic, v)
		}
		if err != nil {
			b.publishFailed.Add(1)
		} else {
			b.published.Add(1)
		}
	}()
	if n := bert.Size(msg); n > b.maxMsg {
		return fmt.Errorf("natsbus: publish to %q: %w (%d bytes, limit %d)", topic, ErrTooBig, n, b.maxMsg)
	}
	bp := buffers.Get().(*[]byte)
	*bp = bert.Append((*bp)[:0], msg)
	err = b.nc.Publish(b.Subject(topic), *bp) // copies the bytes
	if cap(*bp) <= maxPooled {
		buffers.Put(bp)
	}
	if err != nil {
		return fmt.Errorf("natsbus: publish to %q: %w", topic, err)
	}
	return nil
}

// buffers recycles the encodings of published messages; NATS copies them.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 64 << 10

// receive decodes what arrived on topic's subject and delivers it to the
// local subscribers. It runs on the NATS subscription's goroutine, so one
// topic's messages are delivered one after another, in the order NATS
// brought them. data is the message's own copy: the term may keep it.
func (b *Bus) receive(topic string, data []byte) {
	if len(data) > b.maxMsg {
		b.reject(topic, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooBig, len(data), b.maxMsg))
		return
	}
	t, err := b.dec.Decode(data)
	if err != nil {
		b.reject(topic, err)
		return
	}
	b.received.Add(1)
	b.local.Publish(topic, t)
}

// reject counts a message dropped on arrival and logs it, at most once a
// second; the line carries how many drops it stands for.
func (b *Bus) reject(topic string, err error) {
	b.invalid.Add(1)
	if n, ok := b.invalidLog.Tick(b.now()); ok {
		b.log.Warn("natsbus: dropped messages that are not valid BERT", "topic", topic, "err", err, "dropped", n)
	}
}

// slowConsumer counts and logs NATS's report that sub fell behind, and
// says whether sub is the bus's.
func (b *Bus) slowConsumer(sub *nats.Subscription) bool {
	b.mu.Lock()
	topic, ok := b.owned[sub]
	b.mu.Unlock()
	if !ok {
		return false
	}
	b.slow.Add(1)
	if n, ok := b.slowLog.Tick(b.now()); ok {
		lost, _ := sub.Dropped()
		b.log.Warn("natsbus: slow consumer: NATS dropped messages for this node",
			"topic", topic, "subject", sub.Subject, "lost", lost, "reports", n)
	}
	return true
}

// Stats returns the bus's counters.
func (b *Bus) Stats() Stats {
	b.mu.Lock()
	lost := b.lostGone
	topics := len(b.topics)
	for sub := range b.owned {
		if n, err := sub.Dropped(); err == nil {
			lost += uint64(n)
		}
	}
	b.mu.Unlock()
	return Stats{
		Topics:        topics,
		Published:     b.published.Load(),
		PublishFailed: b.publishFailed.Load(),
		Received:      b.received.Load(),
		Invalid:       b.invalid.Load(),
		SlowConsumer:  b.slow.Load(),
		Lost:          lost,
		Local:         b.local.Stats(),
	}
}

// Close ends every NATS subscription of the bus and takes every local
// subscriber off its topics; then Subscribe and Publish return ErrClosed,
// and Unsubscribe does nothing. A message that NATS was delivering when
// Close was called may still reach a subscriber. Close leaves the NATS
// connection open (the caller closes it), and the error handler New
// chained onto it in place: from then on it passes everything on. Close
// always returns nil.
func (b *Bus) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Load() {
		return nil
	}
	b.closed.Store(true)
	for name, t := range b.topics {
		for s := range t.members {
			b.local.Unsubscribe(name, s)
		}
		b.drop(name, t)
	}
	return nil
}
