package nitro

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/nitro/nitro/bert"
)

// conn is one live page: a socket, its Context, and two queues.
//
// The reader goroutine reads frames, runs each through the chain, and
// writes the reply itself. A writer goroutine exists only while
// deliveries (pub/sub) wait: it runs them through the chain and writes
// their frames, then ends. So an idle connection costs one parked
// goroutine, and a postback no goroutine start. Chain runs are serialised by
// mu: the page sees one message at a time, as in N2O's one process per
// connection; frames are queued under mu, so they leave in the order the
// chain produced them.
type conn struct {
	srv  *Server
	ws   *websocket.Conn
	cx   Context
	mu   sync.Mutex // one chain run at a time
	dec  bert.Decoder
	ping *time.Timer

	qmu     sync.Mutex // guards what follows
	frames  []frame    // replies waiting for the writer
	inbox   []Push     // deliveries waiting for the chain
	writing bool       // a writer goroutine runs
	closed  bool
	topics  []string    // subscribed, for the unsubscribe on close
	procs   *Supervisor // the page's processes, made on first Spawn

	cancel    context.CancelFunc
	closeOnce sync.Once

	// The deadlines set on the socket. Moving a deadline costs a timer
	// update, so each moves only once half its timeout has passed.
	readDeadline  time.Time // reader goroutine only
	writeDeadline time.Time // whoever writes (one at a time)
}

type frame struct {
	text bool
	buf  *[]byte // pooled
}

var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func newConn(s *Server, ws *websocket.Conn, page Page, path, rawQuery string) *conn {
	c := &conn{srv: s, ws: ws}
	ctx, cancel := context.WithCancel(s.ctx)
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
	if now := time.Now(); c.readDeadline.Sub(now) < timeout/2 {
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
		var msg any
		switch {
		case mt == websocket.TextMessage:
			msg = Text(data)
		case len(data) == 0:
			c.reply(NOP)
			c.flush()
			continue
		default:
			t, derr := c.dec.Decode(data)
			if derr != nil {
				c.srv.stats.badFrames.Add(1)
				c.srv.log.Warn("nitro: bad frame", "err", derr, "len", len(data), "sid", c.cx.sid, "path", c.cx.path)
				c.reply(TermReply(errorIO("", "bad frame")))
				c.flush()
				continue
			}
			msg = t
		}
		c.run(msg)
		c.flush()
	}
}

// run passes msg through the chain and queues the reply.
func (c *conn) run(msg any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.srv.stats.messages.Add(1)
	reply, _ := c.srv.chain.Serve(&c.cx, msg)
	c.reply(reply)
}

// reply encodes r and queues it for the writer.
func (c *conn) reply(r Reply) {
	var f frame
	switch r.kind {
	case replyNone:
		return
	case replyText:
		f.text = true
		f.buf = framePool.Get().(*[]byte)
		*f.buf = append((*f.buf)[:0], r.text...)
	case replyBinary:
		f.buf = framePool.Get().(*[]byte)
		*f.buf = append((*f.buf)[:0], r.frame...)
	case replyTerm:
		f.buf = framePool.Get().(*[]byte)
		*f.buf = c.cx.formatter.Format((*f.buf)[:0], r.term)
	}
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		putFrame(f)
		return
	}
	if len(c.frames)+len(c.inbox) >= c.queueLimit() {
		c.qmu.Unlock()
		putFrame(f)
		c.tooSlow()
		return
	}
	c.frames = append(c.frames, f)
	c.qmu.Unlock()
}

// flush writes the queued frames from the reader goroutine, unless the
// writer runs (it writes them then). Writing from the reader saves
// starting a goroutine per reply; deliveries that arrived meanwhile are
// handed to a writer goroutine, so the reader goes back to reading.
func (c *conn) flush() {
	c.qmu.Lock()
	if c.writing || c.closed || len(c.frames) == 0 {
		c.qmu.Unlock()
		return
	}
	c.writing = true
	for len(c.frames) > 0 && !c.closed {
		f := c.popFrame()
		c.qmu.Unlock()
		err := c.write(f)
		c.qmu.Lock()
		if err != nil {
			c.writing = false
			c.qmu.Unlock()
			return
		}
	}
	if len(c.inbox) > 0 && !c.closed {
		go c.writeLoop() // it inherits writing = true
	} else {
		c.writing = false
	}
	c.qmu.Unlock()
}

// popFrame takes the first queued frame. Call with qmu held.
func (c *conn) popFrame() frame {
	f := c.frames[0]
	c.frames[0] = frame{}
	c.frames = c.frames[1:]
	if len(c.frames) == 0 {
		c.frames = nil // an idle connection keeps no queue
	}
	return f
}

// write writes one frame; on failure it closes the socket, and the reader
// cleans up.
func (c *conn) write(f frame) error {
	mt := websocket.BinaryMessage
	if f.text {
		mt = websocket.TextMessage
	}
	timeout := durationOr(c.srv.cfg.WriteTimeout, 10*time.Second)
	if now := time.Now(); c.writeDeadline.Sub(now) < timeout/2 {
		c.writeDeadline = now.Add(timeout)
		c.ws.SetWriteDeadline(c.writeDeadline)
	}
	err := c.ws.WriteMessage(mt, *f.buf)
	putFrame(f)
	if err != nil {
		c.ws.Close()
	}
	return err
}

func putFrame(f frame) {
	if f.buf != nil && cap(*f.buf) <= 64<<10 {
		framePool.Put(f.buf)
	}
}

func (c *conn) queueLimit() int {
	if c.srv.cfg.SendQueue > 0 {
		return c.srv.cfg.SendQueue
	}
	return 256
}

// startWriter starts the writer if none runs. Call with qmu held.
func (c *conn) startWriter() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// Deliver queues a publication for the page (the Subscriber of pub/sub).
// It never blocks: a connection too far behind refuses it and closes.
func (c *conn) Deliver(topic string, msg bert.Term) error {
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		return ErrClosed
	}
	if len(c.frames)+len(c.inbox) >= c.queueLimit() {
		c.qmu.Unlock()
		c.tooSlow()
		return ErrSlowSubscriber
	}
	c.inbox = append(c.inbox, Push{Topic: topic, Msg: msg})
	c.startWriter()
	c.qmu.Unlock()
	return nil
}

func (c *conn) writeLoop() {
	for {
		c.qmu.Lock()
		switch {
		case c.closed:
			c.writing = false
			c.qmu.Unlock()
			return
		case len(c.frames) > 0:
			f := c.popFrame()
			c.qmu.Unlock()
			if c.write(f) != nil {
				c.qmu.Lock()
				c.writing = false
				c.qmu.Unlock()
				return
			}
		case len(c.inbox) > 0:
			p := c.inbox[0]
			c.inbox[0] = Push{}
			c.inbox = c.inbox[1:]
			if len(c.inbox) == 0 {
				c.inbox = nil
			}
			c.qmu.Unlock()
			c.run(p)
		default:
			c.writing = false
			c.qmu.Unlock()
			return
		}
	}
}

// tooSlow closes a connection whose browser does not keep up. The page
// reconnects and its init renders the current state.
func (c *conn) tooSlow() {
	c.qmu.Lock()
	already := c.closed
	c.qmu.Unlock()
	if already {
		return
	}
	c.srv.stats.slow.Add(1)
	c.srv.log.Warn("nitro: closing a connection too far behind", "sid", c.cx.sid, "path", c.cx.path, "queued", c.queueLimit())
	go c.shut(websocket.ClosePolicyViolation, "too far behind")
}

// shut sends a close frame and closes the socket; the reader cleans up.
func (c *conn) shut(code int, reason string) {
	c.qmu.Lock()
	c.closed = true
	c.qmu.Unlock()
	msg := websocket.FormatCloseMessage(code, reason)
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.ws.Close()
}

// close ends the connection: it leaves its topics, stops its processes and
// tells the page, once.
func (c *conn) close(err error) {
	c.closeOnce.Do(func() {
		c.qmu.Lock()
		c.closed = true
		for _, f := range c.frames {
			putFrame(f)
		}
		c.frames, c.inbox = nil, nil
		topics, procs := c.topics, c.procs
		c.procs = nil
		c.qmu.Unlock()
		c.ping.Stop()
		c.ws.Close()
		for _, t := range topics {
			c.srv.bus.Unsubscribe(t, c)
		}
		if procs != nil {
			procs.StopAll()
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
	c.mu.Lock()
	defer c.mu.Unlock()
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
	c.qmu.Lock()
	defer c.qmu.Unlock()
	for _, t := range c.topics {
		if t == topic {
			return nil
		}
	}
	c.topics = append(c.topics, topic)
	return nil
}

func (c *conn) unsubscribe(topic string) error {
	c.qmu.Lock()
	for i, t := range c.topics {
		if t == topic {
			c.topics = append(c.topics[:i], c.topics[i+1:]...)
			break
		}
	}
	c.qmu.Unlock()
	return c.srv.bus.Unsubscribe(topic, c)
}

// processes returns the page's supervisor, made on first use, or nil once
// the connection closed: nothing may start after close stopped them all.
func (c *conn) processes() *Supervisor {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.closed {
		return nil
	}
	if c.procs == nil {
		c.procs = &Supervisor{Logger: c.srv.procs.Logger}
	}
	return c.procs
}
