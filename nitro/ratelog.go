package nitro

import (
	"sync"
	"time"
)

// RateLog limits a kind of log line to one a second; each line says how
// many events it stands for. What a peer can cause at will (a bad frame,
// a refused postback) or a flood of drops must not become a flood of
// lines. Its zero value is ready to use; it is safe for concurrent use.
type RateLog struct {
	mu     sync.Mutex
	last   time.Time // when the last line was logged
	unseen uint64    // events since that line
}

// Tick records one event at now and reports whether to log a line, and
// how many events (this one included) the line stands for.
func (r *RateLog) Tick(now time.Time) (n uint64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unseen++
	if !r.last.IsZero() && now.Sub(r.last) < time.Second {
		return 0, false
	}
	n = r.unseen
	r.last, r.unseen = now, 0
	return n, true
}
