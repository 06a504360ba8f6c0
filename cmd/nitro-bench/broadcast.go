package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// broadcast measures fan-out: all clients in one room, one of them sends
// a message, and the round ends when every client (the sender included,
// whose page shows its message when the push comes back) has it. Rounds
// follow one another until -rounds or -duration, whichever comes first.
func broadcast(args []string, out io.Writer) error {
	o := newOptions("broadcast", "fan-out: one message to every client of one room, the time until all have it", 1000, 10*time.Second).withSample()
	rounds := o.fs.Int("rounds", 20, "at most this many measured messages, one at a time")
	users := o.fs.Int("users", 1, "with -sample or -url: distinct user names among the clients (1: one user with many tabs; "+
		"n > 1 makes each of the n arrivals a push to the whole room)")
	gap := o.fs.Duration("gap", 0, "pause between rounds (0: back to back; a pause lets the server and the clients go idle, as in a room where people type)")
	floor := o.fs.Bool("floor", false, "fan out on the bare gorilla/websocket room instead of a nitro page: the same clients, one write per socket and nothing else")
	o.timeout = 30 * time.Second
	o.fs.Lookup("timeout").DefValue = "30s"
	if err := o.parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *rounds > 100_000 || *users < 1 {
		return fmt.Errorf("-rounds from 1 to 100000, -users at least 1")
	}
	if *floor && (o.target != nil || o.sample) {
		return errors.New("-floor is the built-in bare server: not with -url or -sample")
	}
	srv, err := o.start(o.clients + setupParallel)
	if err != nil {
		return err
	}
	defer srv.stop()
	run := runID()
	n := o.clients
	var (
		cur     atomic.Pointer[round]
		closing atomic.Bool
		lost    = make(chan error, n)
	)
	// Every client reads all the time, as an open page does: pushes that
	// are not the round's (arrivals, the sender's replies) are read and
	// dropped, and a round's push marks the client's arrival.
	reader := func(i int, c *client) {
		for {
			_, data, err := c.ws.ReadMessage()
			if err != nil {
				if !closing.Load() {
					lost <- fmt.Errorf("client %d: %w (a server may drop a subscriber that does not keep up)", i, err)
				}
				return
			}
			if r := cur.Load(); r != nil && bytes.Contains(data, r.tag) {
				r.arrived(i)
			}
		}
	}
	b := newBrowser(o.timeout)
	room := run + "-all"
	cs, _, err := b.connect(srv, n, func(i int) (*client, error) {
		var c *client
		var err error
		if *floor {
			c, err = b.open(&url.URL{Host: srv.addr, Path: "/floor/room"}, "")
		} else {
			c, err = joinRoom(b, o, srv, "bench-"+strconv.Itoa(i%*users), room)
		}
		if err == nil {
			go reader(i, c)
		}
		return c, err
	})
	if err != nil {
		return err
	}
	defer func() { closing.Store(true); closeAll(cs) }()

	sender := cs[0]
	var (
		all, first []time.Duration
		a          snapshot
		measuring  = o.warmup == 0
		start      = time.Now()
	)
	if measuring {
		a = srv.snapshot()
	}
	for seq := 0; ; seq++ {
		if !measuring && time.Since(start) >= o.warmup {
			a, measuring = srv.snapshot(), true
		}
		if measuring && (len(all) >= *rounds || time.Since(a.at) >= o.duration) {
			break
		}
		if *gap > 0 && seq > 0 {
			time.Sleep(*gap)
		}
		tag := messageTag(run, 0, seq)
		var frame []byte
		if *floor {
			// About the size of the sample's pushed message.
			frame = []byte(fmt.Sprintf("%-300s", benchMessage+" "+tag))
		} else if frame, err = sender.say(benchMessage + " " + tag); err != nil {
			return err
		}
		r := newRound(tag, n)
		cur.Store(r)
		if err := sender.ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
			return fmt.Errorf("the sender: %w", err)
		}
		select {
		case <-r.done:
		case err := <-lost:
			return fmt.Errorf("round %d: %w", seq, err)
		case <-time.After(o.timeout):
			return fmt.Errorf("round %d: %d of %d clients did not get the message within %v", seq, r.left.Load(), n, o.timeout)
		}
		if measuring {
			last, earliest := r.spread()
			all, first = append(all, last), append(first, earliest)
		}
	}
	bsnap := srv.snapshot()
	res := newResult(o, srv, "round", "send until all have it")
	if *floor {
		res.Server = "built-in floor (bare gorilla fan-out)"
	} else if srv.builtin {
		res.Server = "built-in room without a store"
	}
	res.measured(a, bsnap, int64(len(all)), all)
	res.Deliveries = int64(len(all)) * int64(n)
	res.DeliveriesPerSec = float64(res.Deliveries) / res.Seconds
	if res.ServerCPUSeconds > 0 {
		res.ServerCPUPerDeliveryMicros = res.ServerCPUSeconds * 1e6 / float64(res.Deliveries)
	}
	slices.Sort(first)
	res.FirstP50Micros = us(at(first, 0.5))
	return res.print(out, o.json)
}

// round is one message on its way to every client.
type round struct {
	tag  []byte
	t0   time.Time
	got  []atomic.Int64 // when each client had it, after t0, +1 (0: not yet)
	left atomic.Int64
	done chan struct{} // closed when all have it
}

func newRound(tag string, n int) *round {
	r := &round{tag: []byte(tag), got: make([]atomic.Int64, n), done: make(chan struct{}), t0: time.Now()}
	r.left.Store(int64(n))
	return r
}

// arrived records client i's copy, once.
func (r *round) arrived(i int) {
	if r.got[i].CompareAndSwap(0, int64(time.Since(r.t0))+1) && r.left.Add(-1) == 0 {
		close(r.done)
	}
}

// spread returns when the last and the first client had it.
func (r *round) spread() (last, first time.Duration) {
	first = time.Duration(1<<63 - 1)
	for i := range r.got {
		d := time.Duration(r.got[i].Load() - 1)
		last, first = max(last, d), min(first, d)
	}
	return last, first
}
