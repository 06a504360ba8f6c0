package nitro

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// conn is one live page: a socket, its Context, and an inbox.
//
// The reader goroutine only reads: it queues each frame in the inbox and
// goes back to reading, so it parks with the small stack that reading
// needs. While the inbox holds something, a worker from the server's pool
// (workers.go) drains it: it runs each message (a frame, or a delivery
// from pub/sub) through the chain and writes the reply, then goes back to
// the pool. So an idle connection costs one parked goroutine with a small
// stack, and the page sees one message at a time, in the order they came,
// as in N2O's process per connection. Only the worker writes data frames,
// straight to the socket (frames.go); pings and closes use gorilla's
// WriteControl beside it.
type conn struct {
	srv  *Server
	ws   *websocket.Conn
	cx   Context
	dec  bert.Decoder
	ping *time.Timer

	mu      sync.Mutex // guards what follows
	inbox   []inbound  // frames and deliveries: inbox[head:] wait for the chain
	head    int
	working bool // a worker goroutine runs
	closed  bool
	topics  []string    // subscribed, for the unsubscribe on close
	procs   *Supervisor // the page's processes, made on first Spawn

	cancel    context.CancelFunc
	closeOnce sync.Once
	exited    chan struct{} // closed when the worker has ended after close

	// The deadlines set on the socket. Moving a deadline costs a timer
	// update, so each moves only once half its timeout has passed.
	readDeadline  time.Time       // reader goroutine only
	writeDeadline time.Time       // worker only
	out           frames          // replies not yet written; worker only
	raw           net.Conn        // the socket under ws, where out is written
	rc            syscall.RawConn // raw's descriptor, for tryWrite; nil if it has none
	uploadNext    time.Time       // when the upload rate allows the next block; worker only
}

// inbound is a frame as read (decoded by the worker), or a delivery.
type inbound struct {
	kind  uint8 // inFrame, inText or inPush
	data  []byte
	topic string
	msg   bert.Term
}

const (
	inFrame = iota
	inText
	inPush
	inJS // a Broadcast's JavaScript, in data
)

var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func newConn(s *Server, ws *websocket.Conn, page Page, path, rawQuery string) *conn {
	c := &conn{srv: s, ws: ws, raw: ws.NetConn()}
	if sc, ok := c.raw.(syscall.Conn); ok {
		c.rc, _ = sc.SyscallConn()
	}
	// Not derived from the server's context: that would register every
	// connection in its parent's map. Server.Close cancels each instead.
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.cx = Context{Context: ctx, srv: s, conn: c, path: path, rawQuery: rawQuery, page: page, formatter: BERT}
	c.dec = bert.Decoder{MaxDepth: 64}
	limit := s.cfg.ReadLimit
	if limit <= 0 {
		limit = 1 << 20
	}
	ws.SetReadLimit(limit)
	ws.SetPongHandler(func(string) error { c.touch(); return nil })
	c.touch()
	c.ping = time.AfterFunc(durationOr(s.cfg.PingInterval, 25*time.Second), c.pingNow)
	return c
}

func durationOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// touch moves the read deadline on: the browser is alive.
func (c *conn) touch() {
	timeout := durationOr(c.srv.cfg.ReadTimeout, 60*time.Second)
	if now := c.srv.coarseNow(); c.readDeadline.Sub(now) < timeout/2 {
		c.readDeadline = now.Add(timeout)
		c.ws.SetReadDeadline(c.readDeadline)
	}
}

func (c *conn) pingNow() {
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(durationOr(c.srv.cfg.WriteTimeout, 10*time.Second))); err != nil {
		return // the reader sees the socket fail
	}
	c.ping.Reset(durationOr(c.srv.cfg.PingInterval, 25*time.Second))
}

func (c *conn) readLoop() {
	var err error
	defer func() { c.close(err) }()
	for {
		var mt int
		var data []byte
		mt, data, err = c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.touch()
		kind := uint8(inFrame)
		if mt == websocket.TextMessage {
			kind = inText
		}
		if c.enqueue(inbound{kind: kind, data: data}) != nil {
			return
		}
	}
}

// Deliver queues a publication for the page (the Subscriber of pub/sub).
// It never blocks: a connection too far behind refuses it and closes.
func (c *conn) Deliver(topic string, msg bert.Term) error {
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
// when the connection is idle (no worker, nothing queued), and reports
// whether it took it. Handing each of a thousand connections to a worker
// costs a wake-up each, more than the write; so the publisher becomes
// the connection's worker for one write that does not wait (tryWrite).
// What the socket does not take at once stays in c.out, and a worker from
// the pool writes it, as it would for anything else.
func (c *conn) writeNow(js []byte) bool {
	if c.rc == nil {
		return false
	}
	c.mu.Lock()
	if c.closed || c.working || c.head != len(c.inbox) {
		c.mu.Unlock()
		return false
	}
	c.working = true // no other goroutine writes or runs the chain now
	c.mu.Unlock()
	c.reply(c.cx.ioOf(js, bert.Bin(nil)))
	if n, ok := c.tryWrite(c.out.bytes()); ok {
		c.out.consume(n)
	}
	c.mu.Lock()
	if c.out.pending() == 0 && !c.closed && c.head == len(c.inbox) {
		c.working = false
		c.mu.Unlock()
		return true
	}
	c.mu.Unlock()
	// Something is left to write, or came meanwhile, or the socket closed:
	// a worker takes over (and writes what is left first).
	c.srv.workers.run(c)
	return true
}

// enqueue puts msg in the inbox and starts the worker if none runs.
func (c *conn) enqueue(msg inbound) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if len(c.inbox)-c.head >= c.queueLimit() {
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

func (c *conn) queueLimit() int {
	if c.srv.cfg.SendQueue > 0 {
		return c.srv.cfg.SendQueue
	}
	return 256
}

// work runs the inbox through the chain until it is empty.
//
// Replies wait in c.out while more pushes are queued behind them, and go
// out together in one write when the inbox is empty (or the batch is
// large): a postback that publishes to its own page, or a burst of
// pushes, costs one system call. Anything that is not a push (a frame of
// the browser's, which may take the page any time to handle) is handled
// only once what is pending has been written.
func (c *conn) work() {
	for {
		c.mu.Lock()
		if c.closed || c.head == len(c.inbox) {
			if c.out.pending() > 0 {
				// Write while still the worker (no other may write
				// meanwhile), then look at the inbox again.
				c.mu.Unlock()
				c.flush()
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
		c.head++
		if c.head == len(c.inbox) {
			// Empty: start again at the front. An idle connection keeps
			// a few slots (a postback and the push it causes), no more.
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
		if c.out.pending() >= maxBatch {
			c.flush()
		}
	}
}

// maxBatch is the most that replies wait for others to be written with.
const maxBatch = 32 << 10

// handle runs one message through the chain and queues the reply.
func (c *conn) handle(in inbound) {
	var msg any
	switch {
	case in.kind == inJS:
		// A Broadcast: written as it is, the page is not asked.
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
		t, err := c.dec.Decode(in.data)
		if err != nil {
			c.srv.stats.badFrames.Add(1)
			c.srv.log.Warn("nitro: bad frame", "err", err, "len", len(in.data), "sid", c.cx.sid, "path", c.cx.path)
			c.reply(TermReply(errorIO("", "bad frame")))
			return
		}
		msg = t
	}
	c.srv.stats.messages.Add(1)
	reply, _ := c.srv.chain.Serve(&c.cx, msg)
	c.reply(reply)
	c.cx.releaseJS()
}

// reply encodes r as a frame in c.out. Only the worker calls it.
func (c *conn) reply(r Reply) {
	switch r.kind {
	case replyText:
		c.out.add(websocket.TextMessage, func(b []byte) []byte { return append(b, r.text...) })
	case replyBinary:
		c.out.add(websocket.BinaryMessage, func(b []byte) []byte { return append(b, r.frame...) })
	case replyTerm:
		err := c.out.add(websocket.BinaryMessage, func(b []byte) []byte { return c.cx.formatter.Format(b, r.term) })
		if err != nil {
			c.srv.stats.panics.Add(1)
			c.srv.log.Error("nitro: reply not sent", "err", err, "sid", c.cx.sid, "path", c.cx.path)
			c.out.add(websocket.BinaryMessage, func(b []byte) []byte {
				return c.cx.formatter.Format(b, errorIO("", "server error"))
			})
		}
	}
}

// flush writes the frames in c.out. Only the worker calls it.
func (c *conn) flush() {
	if c.out.pending() == 0 {
		return
	}
	timeout := durationOr(c.srv.cfg.WriteTimeout, 10*time.Second)
	if now := c.srv.coarseNow(); c.writeDeadline.Sub(now) < timeout/2 {
		c.writeDeadline = now.Add(timeout)
		c.raw.SetWriteDeadline(c.writeDeadline)
	}
	if err := c.out.flush(c.raw); err != nil {
		c.ws.Close() // the reader sees it and cleans up
	}
}

// tooSlow closes a connection whose browser does not keep up. The page
// reconnects and its init renders the current state.
func (c *conn) tooSlow() {
	c.mu.Lock()
	already := c.closed
	c.closed = true // refuse what comes next: this connection is counted once
	c.mu.Unlock()
	if already {
		return
	}
	c.srv.stats.slow.Add(1)
	c.srv.log.Warn("nitro: closing a connection too far behind", "sid", c.cx.sid, "path", c.cx.path, "queued", c.queueLimit())
	// The browser is not reading what is already on its way, so a close
	// frame behind it would not arrive either: close the socket (the
	// browser sees 1006 and reconnects). Closing also ends a data write
	// the worker may be blocked in.
	c.ws.Close()
}

// shut sends a close frame and closes the socket; the reader cleans up.
func (c *conn) shut(code int, reason string) {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	msg := websocket.FormatCloseMessage(code, reason)
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.ws.Close()
}

// close ends the connection: it leaves its topics, stops its processes,
// waits for the worker, and tells the page, once.
func (c *conn) close(err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.inbox, c.head = nil, 0
		topics, procs := c.topics, c.procs
		c.procs = nil
		var exited chan struct{}
		if c.working {
			exited = make(chan struct{})
			c.exited = exited
		}
		c.mu.Unlock()
		c.ping.Stop()
		c.ws.Close()
		for _, t := range topics {
			c.srv.bus.Unsubscribe(t, c)
		}
		if procs != nil {
			procs.StopAll()
		}
		if exited != nil {
			<-exited // the page sees Exit after its last message
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
			err = nil
		}
		c.exit(err)
		c.cancel()
		c.srv.untrack(c)
	})
}

// exit tells the page that the connection closed.
func (c *conn) exit(err error) {
	defer func() {
		if v := recover(); v != nil {
			c.srv.log.Error("nitro: page panicked on exit", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if c.cx.page != nil {
		c.cx.page.Event(&c.cx, Exit{Err: err})
	}
}

// subscribe and unsubscribe keep the connection's topics, to leave them all
// when it closes.
func (c *conn) subscribe(topic string) error {
	if err := c.srv.bus.Subscribe(topic, c); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.topics {
		if t == topic {
			return nil
		}
	}
	c.topics = append(c.topics, topic)
	return nil
}

func (c *conn) unsubscribe(topic string) error {
	c.mu.Lock()
	for i, t := range c.topics {
		if t == topic {
			c.topics = append(c.topics[:i], c.topics[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
	return c.srv.bus.Unsubscribe(topic, c)
}

// processes returns the page's supervisor, made on first use, or nil once
// the connection closed: nothing may start after close stopped them all.
func (c *conn) processes() *Supervisor {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	if c.procs == nil {
		c.procs = &Supervisor{Logger: c.srv.procs.Logger}
	}
	return c.procs
}
