package nitro

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// Conn is the loop's side of one connection: a Context, an inbox, and a
// transport to write to. A transport makes one with Server.Open, hands it
// what it reads (Receive) and closes it when reading ends (Close).
//
// Nothing runs while the inbox is empty. When a message arrives a worker
// from the server's pool (workers.go) drains the inbox: it runs each
// message through the chain, queues the reply on the transport, and
// flushes when nothing more is waiting, so a postback's reply and the push
// it caused leave in one write. The page sees one message at a time, in
// order, as in N2O's process per connection.
type Conn struct {
	srv *Server
	t   Transport
	cx  Context
	dec bert.Decoder

	mu      sync.Mutex // guards what follows
	inbox   []inbound  // inbox[head:] wait for the chain
	head    int
	inBytes int           // bytes of the peer's messages in the inbox
	space   chan struct{} // closed when inBytes falls; made by a waiting reader
	working bool          // a worker runs, or a publisher writes (writeNow)
	closed  bool
	why     uint8 // why it closes (closeSlow...), once decided; 0 before
	topics  []string
	onClose []func()
	exited  chan struct{} // closed when the worker has ended after close

	noInit    *time.Timer // closes a connection that sends no init; nil once it did
	queued    int         // bytes queued on the transport, not yet flushed; worker only
	closeOnce sync.Once
	cancel    context.CancelFunc
}

// inbound is a message as read (decoded by the worker), or a delivery.
type inbound struct {
	kind  uint8
	data  []byte
	topic string
	msg   bert.Term
}

const (
	inBinary = iota
	inText
	inPush
	inJS // a Broadcast's JavaScript, in data
)

// Open starts a connection of page over t. path is the page's path,
// rawQuery its query; token is the session token the transport was shown
// (a cookie), if any: a valid one puts the connection in its session
// before init. Open fails with ErrClosed once the server has closed.
func (s *Server) Open(t Transport, page Page, path, rawQuery, token string) (*Conn, error) {
	s.start()
	c := &Conn{srv: s, t: t}
	// Not derived from the server's context: that would register every
	// connection in its parent's map. Server.Close closes each instead.
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.cx = Context{Context: ctx, srv: s, conn: c, path: path, rawQuery: rawQuery, page: page, formatter: BERT}
	c.dec = bert.Decoder{MaxDepth: 64}
	c.trust(false)
	if token != "" {
		if sid, _, err := s.tokens.Verify(token); err == nil {
			c.cx.sid, c.cx.token = sid, token
		}
	}
	if !s.track(c) {
		cancel()
		return nil, ErrClosed
	}
	if d := s.cfg.InitTimeout; d >= 0 {
		if d == 0 {
			d = 30 * time.Second
		}
		c.mu.Lock()
		c.noInit = time.AfterFunc(d, c.initTimedOut)
		c.mu.Unlock()
	}
	return c, nil
}

// trust sets the memory a message's term may take: less for a guest.
// Only the worker calls it, as only it decodes.
func (c *Conn) trust(user bool) {
	m, def := c.srv.cfg.GuestTermMemory, 512<<10
	if user {
		m, def = c.srv.cfg.TermMemory, 4<<20
	}
	if m <= 0 {
		m = def
	}
	c.dec.MaxMemory = m
}

// inited stops the init timer: the connection said who it is.
func (c *Conn) inited() {
	c.mu.Lock()
	if c.noInit != nil {
		c.noInit.Stop()
		c.noInit = nil
	}
	c.mu.Unlock()
}

func (c *Conn) initTimedOut() {
	c.mu.Lock()
	late := c.noInit != nil && !c.closed
	c.mu.Unlock()
	if late {
		c.srv.log.Warn("nitro: closing a connection that sent no init", "path", c.cx.path, "peer", c.t.Peer().Addr)
		c.shut(ClosePolicy, "no init", closeNoInit)
	}
}

// Receive hands the loop a message the transport read: a text or a
// binary frame, which the loop keeps. It waits while the connection's
// unhandled bytes are over InboxBytes, or the server's over InboundBytes
// (back-pressure: the reader reads no more meanwhile); a connection with
// SendQueue messages waiting is too far behind, and is closed.
func (c *Conn) Receive(text bool, data []byte) error {
	kind := uint8(inBinary)
	if text {
		kind = inText
	}
	n := len(data) + inboundOverhead
	c.mu.Lock()
	for c.inBytes > 0 && c.inBytes+n > c.srv.inboxBytes() && !c.closed {
		if c.space == nil {
			c.space = make(chan struct{})
		}
		space := c.space
		c.mu.Unlock()
		<-space
		c.mu.Lock()
	}
	c.inBytes += n
	c.mu.Unlock()
	c.srv.inbound.take(int64(n), c.srv.stop)
	if err := c.enqueue(inbound{kind: kind, data: data}); err != nil {
		c.handled(n)
		return err
	}
	return nil
}

// inboundOverhead is what a message costs besides its bytes: its slot
// and the reader's buffer for it.
const inboundOverhead = 64

// handled gives back the budget of a peer's message of n bytes that is
// handled or dropped, and wakes a reader waiting for room.
func (c *Conn) handled(n int) {
	c.mu.Lock()
	c.inBytes -= n
	if c.space != nil {
		close(c.space)
		c.space = nil
	}
	c.mu.Unlock()
	c.srv.inbound.give(int64(n))
}

// Deliver queues a publication for the page: the connection is the
// Subscriber of its topics. It never blocks.
func (c *Conn) Deliver(topic string, msg bert.Term) error {
	if msg.Is(broadcastTag, 2) {
		js := msg.At(1).Bytes()
		if c.writeNow(js) {
			return nil
		}
		return c.enqueue(inbound{kind: inJS, data: js})
	}
	return c.enqueue(inbound{kind: inPush, topic: topic, msg: msg})
}

// writeNow writes a Broadcast's JavaScript from the publisher's goroutine
// when the connection is idle, and reports whether it took it. Waking a
// worker for each of a thousand pages costs more than the write; so the
// publisher becomes the connection's worker for one write that does not
// wait. What the transport does not take at once is left to a worker.
func (c *Conn) writeNow(js []byte) bool {
	c.mu.Lock()
	if c.closed || c.working || c.head != len(c.inbox) {
		c.mu.Unlock()
		return false
	}
	c.working = true // no other goroutine writes or runs the chain now
	c.mu.Unlock()
	c.reply(c.cx.ioOf(js, bert.Bin(nil)))
	done, _ := c.t.Flush(false) // a failure is the worker's to see
	c.mu.Lock()
	if done && !c.closed && c.head == len(c.inbox) {
		c.queued, c.working = 0, false
		c.mu.Unlock()
		return true
	}
	c.mu.Unlock()
	c.srv.workers.run(c)
	return true
}

// enqueue puts msg in the inbox and starts a worker if none runs.
func (c *Conn) enqueue(msg inbound) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if len(c.inbox)-c.head >= c.srv.sendQueue() {
		c.mu.Unlock()
		c.tooSlow()
		return ErrSlowSubscriber
	}
	if c.head > 0 && len(c.inbox) == cap(c.inbox) {
		// Full at the back, free at the front: slide down, not grow.
		n := copy(c.inbox, c.inbox[c.head:])
		clear(c.inbox[n:])
		c.inbox, c.head = c.inbox[:n], 0
	}
	c.inbox = append(c.inbox, msg)
	start := !c.working
	c.working = true
	c.mu.Unlock()
	if start {
		c.srv.workers.run(c)
	}
	return nil
}

// work runs the inbox through the chain until it is empty. Replies wait
// on the transport while more pushes are queued behind them and go out
// together; anything else (a frame of the peer's, which may take the
// page a while) is handled only once what is queued has been written.
func (c *Conn) work() {
	for {
		c.mu.Lock()
		if c.closed || c.head == len(c.inbox) {
			if c.queued > 0 {
				c.mu.Unlock()
				c.flush() // still the worker: nobody else writes meanwhile
				continue
			}
			c.working = false
			if c.closed && c.exited != nil {
				close(c.exited)
				c.exited = nil
			}
			c.mu.Unlock()
			return
		}
		msg := c.inbox[c.head]
		c.inbox[c.head] = inbound{}
		if c.head++; c.head == len(c.inbox) {
			// Empty: an idle connection keeps a few slots, no more.
			c.inbox, c.head = c.inbox[:0], 0
			if cap(c.inbox) > 2 {
				c.inbox = nil
			}
		}
		c.mu.Unlock()
		if msg.kind != inPush && msg.kind != inJS {
			c.flush()
		}
		c.handle(msg)
		if msg.kind == inBinary || msg.kind == inText {
			c.handled(len(msg.data) + inboundOverhead)
		}
		if c.queued >= maxBatch {
			c.flush()
		}
	}
}

// maxBatch is the most that replies wait for others to be written with.
const maxBatch = 32 << 10

// handle runs one message through the chain and queues the reply.
func (c *Conn) handle(in inbound) {
	var msg any
	switch {
	case in.kind == inJS: // a Broadcast: written as it is, the page is not asked
		c.reply(c.cx.ioOf(in.data, bert.Bin(nil)))
		return
	case in.kind == inPush:
		msg = Push{Topic: in.topic, Msg: in.msg}
	case in.kind == inText:
		msg = Text(in.data)
	case len(in.data) == 0:
		c.reply(NOP)
		return
	default:
		var t bert.Term
		var err error
		if p, ok := c.cx.formatter.(Parser); ok { // the frame is in the connection's format
			t, err = p.Parse(in.data, c.dec.MaxMemory)
		} else {
			t, err = c.dec.Decode(in.data)
		}
		if err != nil {
			c.srv.stats.badFrames.Add(1)
			if n, ok := c.srv.stats.frameLog.Tick(c.srv.Now()); ok {
				c.srv.log.Warn("nitro: bad frame", "err", err, "len", len(in.data), "sid", c.cx.sid, "path", c.cx.path, "bad", n)
			}
			c.reply(TermReply(errorIO("", "bad frame")))
			return
		}
		msg = t
	}
	h := c.srv.onHandled.Load()
	var start time.Time
	if h != nil { // timed only when asked: a clock read costs
		start = time.Now()
	}
	reply, i := c.srv.chain.serve(&c.cx, msg)
	p := &c.srv.protos[i]
	p.in.Add(1)
	if reply.kind != replyNone {
		p.out.Add(1)
	}
	c.reply(reply)
	c.cx.releaseJS()
	if h != nil {
		(*h)(Handled{Protocol: i, Name: c.srv.names[i], Took: time.Since(start)})
	}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// reply encodes r and queues it on the transport. Only the worker calls it.
func (c *Conn) reply(r Reply) {
	if r.kind == replyNone {
		return
	}
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	switch r.kind {
	case replyText:
		b = append(b, r.text...)
	case replyBinary:
		b = append(b, r.frame...)
	case replyTerm:
		var err error
		if b, err = encode(b, c.cx.formatter, r.term); err != nil {
			c.srv.stats.panics.Add(1)
			c.srv.log.Error("nitro: reply not sent", "err", err, "sid", c.cx.sid, "path", c.cx.path)
			b, _ = encode(b[:0], c.cx.formatter, errorIO("", "server error"))
		}
	}
	c.t.Queue(r.kind == replyText, b)
	c.queued += len(b) + 1
	if *bp = b[:0]; cap(b) <= 64<<10 {
		bufPool.Put(bp)
	}
}

// encode appends t to b with f. A formatter that panics gives an error,
// as one that refuses t does.
func encode(b []byte, f Formatter, t bert.Term) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = b, fmt.Errorf("nitro: the reply cannot be encoded: %v", v)
		}
	}()
	return f.Format(b, t)
}

// flush writes what is queued. Only the worker calls it. A transport that
// fails is closed: its reader sees it and closes the connection.
func (c *Conn) flush() {
	if c.queued == 0 {
		return
	}
	c.queued = 0
	if _, err := c.t.Flush(true); err != nil {
		c.t.Close(CloseNow, "")
	}
}

// tooSlow closes a connection whose peer does not keep up: a close
// message would wait behind what it has not read, so it gets none. The
// page reconnects and its init renders the current state.
func (c *Conn) tooSlow() {
	c.mu.Lock()
	already := c.closed
	c.closed = true // refuse what comes next: counted once
	if !already {
		c.why = closeSlow
	}
	c.mu.Unlock()
	if already {
		return
	}
	c.srv.stats.slow.Add(1)
	c.srv.log.Warn("nitro: closing a connection too far behind", "sid", c.cx.sid, "path", c.cx.path, "queued", c.srv.sendQueue())
	c.t.Close(CloseNow, "")
}

// shut closes the connection with a word to the peer, for why (counted
// unless it was closing already); the transport's reader then calls Close.
func (c *Conn) shut(code int, reason string, why uint8) {
	c.mu.Lock()
	c.closed = true
	if c.why == 0 {
		c.why = why
	}
	c.mu.Unlock()
	c.t.Close(code, reason)
}

// Close ends the connection, once: it leaves its topics, runs what
// OnClose registered, waits for the worker, and gives the page Exit with
// err (nil for a clean close). The transport calls it when its reader
// ends; it closes the transport too.
func (c *Conn) Close(err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		if c.why == 0 {
			c.why = closeNormal
			if err != nil {
				c.why = closeError
			}
		}
		c.srv.stats.closes[c.why].Add(1)
		var dropped int
		for _, m := range c.inbox[c.head:] {
			if m.kind == inBinary || m.kind == inText {
				dropped += len(m.data) + inboundOverhead
			}
		}
		c.inbox, c.head = nil, 0
		c.inBytes -= dropped
		if c.space != nil {
			close(c.space)
			c.space = nil
		}
		topics, hooks := c.topics, c.onClose
		c.onClose = nil
		if c.noInit != nil {
			c.noInit.Stop()
			c.noInit = nil
		}
		var exited chan struct{}
		if c.working {
			exited = make(chan struct{})
			c.exited = exited
		}
		c.mu.Unlock()
		c.srv.inbound.give(int64(dropped))
		c.t.Close(CloseNow, "")
		for _, t := range topics {
			c.srv.bus.Unsubscribe(t, c)
		}
		for _, fn := range hooks {
			fn()
		}
		if exited != nil {
			<-exited // the page sees Exit after its last message
		}
		c.srv.chain.Serve(&c.cx, Exit{Err: err}) // Nitro runs the page; a panic is logged
		c.cancel()
		c.srv.untrack(c)
	})
}

// subscribe and unsubscribe keep the connection's topics, to leave them
// all when it closes.
func (c *Conn) subscribe(topic string) error {
	if err := c.srv.bus.Subscribe(topic, c); err != nil {
		return err
	}
	c.mu.Lock()
	if !slices.Contains(c.topics, topic) {
		c.topics = append(c.topics, topic)
	}
	c.mu.Unlock()
	return nil
}

func (c *Conn) unsubscribe(topic string) error {
	c.mu.Lock()
	c.topics = slices.DeleteFunc(c.topics, func(t string) bool { return t == topic })
	c.mu.Unlock()
	return c.srv.bus.Unsubscribe(topic, c)
}

func (c *Conn) addOnClose(fn func()) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.onClose = append(c.onClose, fn)
	return nil
}
