package nitro

import (
	"sync"
	"sync/atomic"
)

// inbound keeps the server-wide budget of bytes read from peers and not
// yet handled. Past it, transports' readers wait in Receive (back-pressure:
// a reader that does not read leaves the bytes in the kernel and the
// sender), rather than memory growing with what hostile peers send.
type inboundBudget struct {
	limit   int64
	used    atomic.Int64
	waiters atomic.Int32
	mu      sync.Mutex
	space   chan struct{} // closed when bytes are released; made by a waiter
}

// take waits until n bytes fit, then counts them. A lone message always
// fits, however large (the transport's read limit bounds it). It gives up
// waiting when stop closes.
func (b *inboundBudget) take(n int64, stop <-chan struct{}) {
	for {
		cur := b.used.Load()
		if cur == 0 || cur+n <= b.limit {
			if b.used.CompareAndSwap(cur, cur+n) {
				return
			}
			continue
		}
		b.mu.Lock()
		b.waiters.Add(1) // before the check: a release after it sees the waiter
		if cur := b.used.Load(); cur == 0 || cur+n <= b.limit {
			b.waiters.Add(-1)
			b.mu.Unlock()
			continue
		}
		if b.space == nil {
			b.space = make(chan struct{})
		}
		space := b.space
		b.mu.Unlock()
		select {
		case <-space:
		case <-stop:
			b.waiters.Add(-1)
			b.used.Add(n)
			return
		}
		b.waiters.Add(-1)
	}
}

// give returns n bytes and wakes the waiting readers.
func (b *inboundBudget) give(n int64) {
	if n == 0 {
		return
	}
	b.used.Add(-n)
	if b.waiters.Load() > 0 {
		b.mu.Lock()
		if b.space != nil {
			close(b.space)
			b.space = nil
		}
		b.mu.Unlock()
	}
}
