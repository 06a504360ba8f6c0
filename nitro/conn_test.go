package nitro_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// memTransport is a transport in memory. It checks the loop's side of
// the contract: Queue and Flush are never called by two goroutines at
// once, nor after Close; it hands each flushed batch of messages on.
type memTransport struct {
	t       testing.TB
	busy    atomic.Bool
	closed  atomic.Bool
	pending [][]byte
	batches chan [][]byte
	mayFail bool // Flush(false) says "not now" every other time
	n       int
}

func newMemTransport(t testing.TB) *memTransport {
	return &memTransport{t: t, batches: make(chan [][]byte, 1<<16)}
}

func (m *memTransport) enter() {
	if !m.busy.CompareAndSwap(false, true) {
		m.t.Error("Queue or Flush called by two goroutines at once")
	}
	if m.closed.Load() {
		m.t.Error("Queue or Flush after Close")
	}
}

func (m *memTransport) Queue(text bool, payload []byte) {
	m.enter()
	defer m.busy.Store(false)
	m.pending = append(m.pending, append([]byte(nil), payload...))
}

func (m *memTransport) Flush(wait bool) (bool, error) {
	m.enter()
	defer m.busy.Store(false)
	if m.n++; !wait && m.mayFail && m.n%2 == 0 {
		return false, nil
	}
	if len(m.pending) > 0 {
		m.batches <- m.pending
		m.pending = nil
	}
	return true, nil
}

func (m *memTransport) Close(code int, reason string) {}
func (m *memTransport) Peer() nitro.Peer              { return nitro.Peer{Addr: "mem"} }

// next returns the next batch as decoded terms.
func (m *memTransport) next(t testing.TB) []bert.Term {
	t.Helper()
	select {
	case b := <-m.batches:
		terms := make([]bert.Term, len(b))
		for i, p := range b {
			var err error
			if terms[i], err = bert.Decode(p); err != nil {
				t.Fatalf("message %d of the batch: %v", i, err)
			}
		}
		return terms
	case <-time.After(nitrotest.Timeout):
		t.Fatal("no batch")
		return nil
	}
}

// TestRepliesReadyTogetherShareAFlush: a direct message whose handler
// publishes to its own page: the reply and the push it caused leave in
// one Flush, so a transport can write them with one system call.
func TestRepliesReadyTogetherShareAFlush(t *testing.T) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Direct:
			cx.Subscribe("me")
			cx.Publish("me", e.Msg)
			cx.Wire("sent();")
		case nitro.Push:
			cx.Wire("got(" + e.Msg.Text() + ");")
		}
	})
	m := newMemTransport(t)
	c, err := srv.Open(m, page, "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Receive(false, bert.Encode(bert.Tuple(bert.Atom("direct"), bert.BinString("1"))))
	batch := m.next(t)
	if len(batch) != 2 || batch[0].At(1).Text() != "sent();" || batch[1].At(1).Text() != "got(1);" {
		t.Errorf("got %v, want the reply and the push in one batch", batch)
	}
	c.Close(nil)
}

// TestTransportContract: pushes, broadcasts (written from the publisher
// when the page is idle) and the client's messages, all at once: the
// transport never sees Queue or Flush from two goroutines at a time, a
// Flush(false) that says "not now" loses nothing, and everything arrives
// once and in each sender's order.
func TestTransportContract(t *testing.T) {
	const n = 500
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), SendQueue: 4 * n})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			cx.Subscribe("t")
		case nitro.Push:
			cx.Wire("p" + e.Msg.Text())
		case nitro.Direct:
			cx.Wire("d" + e.Msg.Text())
		}
	})
	m := newMemTransport(t)
	m.mayFail = true
	c, err := srv.Open(m, page, "/", "", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Receive(true, []byte("N2O,"))
	m.next(t) // the init's reply: subscribed
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			srv.Publish("t", bert.BinString(strconv.Itoa(i)))
			if i%2 == 1 {
				time.Sleep(60 * time.Microsecond)
			}
		}
	})
	wg.Go(func() {
		for i := range n {
			srv.Broadcast("t", []byte("b"+strconv.Itoa(i)))
			if i%2 == 0 {
				time.Sleep(50 * time.Microsecond) // let the page fall idle now and then
			}
		}
	})
	wg.Go(func() {
		for i := range n {
			c.Receive(false, bert.Encode(bert.Tuple(bert.Atom("direct"), bert.BinString(strconv.Itoa(i)))))
			if i%3 == 0 {
				time.Sleep(70 * time.Microsecond)
			}
		}
	})
	next := map[byte]int{}
	for next['p']+next['b']+next['d'] < 3*n {
		for _, term := range m.next(t) {
			js := term.At(1).Text()
			if js == "" {
				continue
			}
			i, err := strconv.Atoi(js[1:])
			if err != nil || i != next[js[0]] {
				t.Fatalf("got %q, want %c%d", js, js[0], next[js[0]])
			}
			next[js[0]]++
		}
	}
	wg.Wait()
	c.Close(nil)
}

// BenchmarkRoundTrip is the loop's cost of one direct message, through
// the chain and the page to a flushed reply, without a socket.
func BenchmarkRoundTrip(b *testing.B) { benchRoundTrip(b, nil) }

// benchRoundTrip runs BenchmarkRoundTrip's loop, on a server given to
// setup first, when there is one.
func benchRoundTrip(b *testing.B, setup func(*nitro.Server)) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if setup != nil {
		setup(srv)
	}
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Direct); ok {
			cx.Wire("qi('count').textContent='1';")
		}
	})
	m := newMemTransport(b)
	c, err := srv.Open(m, page, "/", "", "")
	if err != nil {
		b.Fatal(err)
	}
	frame := bert.Encode(bert.Tuple(bert.Atom("direct"), bert.Atom("plus")))
	b.ReportAllocs()
	for b.Loop() {
		c.Receive(false, frame)
		<-m.batches
	}
	c.Close(nil)
}
