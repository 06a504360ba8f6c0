package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// setupParallel is how many clients connect at once: enough to open
// 10,000 in seconds, few enough not to swamp a small machine's accept
// queue.
const setupParallel = 8

// connect opens n clients with open(i), a few at a time, and returns them
// with how long each took. On a failure it closes those it opened and
// names the limit behind the failure, if a limit was. For large n it tells
// its progress on stderr. The first paints' connections are closed at the
// end, so that none lingers unused on the server.
func (b *browser) connect(srv *child, n int, open func(i int) (*client, error)) ([]*client, []time.Duration, error) {
	defer b.http.CloseIdleConnections()
	cs := make([]*client, n)
	took := make([]time.Duration, n)
	var (
		next, opened atomic.Int64
		mu           sync.Mutex
		first        error
		wg           sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return first != nil }
	for range min(n, setupParallel) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				c, err := open(i)
				if err != nil {
					fail(dialError(i, err, srv))
					return
				}
				cs[i], took[i] = c, time.Since(t0)
				opened.Add(1)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if n >= 1000 {
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-tick.C:
				fmt.Fprintf(os.Stderr, "nitro-bench: %d of %d clients connected\n", opened.Load(), n)
			}
		}
	}
	<-done
	if first != nil {
		closeAll(cs)
		return nil, nil, first
	}
	return cs, took, nil
}

// closeAll closes the clients that are open.
func closeAll(cs []*client) {
	for _, c := range cs {
		if c != nil {
			c.ws.Close()
		}
	}
}

// loop is what a closed loop measured.
type loop struct {
	a, b   snapshot // at the start and the end of the measured time
	events int64
	lat    []time.Duration
}

// closedLoop runs round(c, i, seq) for each client in a goroutine of its
// own, one round after another (a closed loop: a client sends again only
// once answered). It warms up first, then measures for the duration or
// until o.max events, whichever ends first. A failed round ends the run
// with its error: a timeout, a closed socket, a wrong reply.
func closedLoop(o *options, srv *child, cs []*client, round func(c *client, i, seq int) error) (loop, error) {
	var (
		measuring, stop atomic.Bool
		events          atomic.Int64
		mu              sync.Mutex
		lat             []time.Duration
		first           error
		wg              sync.WaitGroup
	)
	failed := make(chan struct{})
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for seq := 0; !stop.Load(); seq++ {
				t0 := time.Now()
				if err := round(c, i, seq); err != nil {
					mu.Lock()
					if first == nil && !stop.Load() {
						first = fmt.Errorf("client %d, round %d: %w", i, seq, err)
						close(failed)
					}
					mu.Unlock()
					return
				}
				if measuring.Load() {
					mine = append(mine, time.Since(t0))
					if events.Add(1) >= o.max {
						stop.Store(true)
					}
				}
			}
		}()
	}
	var l loop
	select {
	case <-time.After(o.warmup):
	case <-failed:
	}
	l.a = srv.snapshot()
	measuring.Store(true)
	end := time.NewTimer(o.duration)
	tick := time.NewTicker(20 * time.Millisecond)
	for waiting := true; waiting; {
		select {
		case <-end.C:
			waiting = false
		case <-failed:
			waiting = false
		case <-tick.C:
			waiting = !stop.Load()
		}
	}
	end.Stop()
	tick.Stop()
	measuring.Store(false)
	l.b = srv.snapshot()
	l.events = events.Load()
	stop.Store(true)
	wg.Wait() // each client ends within one reply's timeout
	mu.Lock()
	defer mu.Unlock()
	l.lat = lat
	return l, first
}
