// Package limit rates what a session may do, with golang.org/x/time/rate:
// so many events a second sustained, with bursts, counted per session id,
// so that every page and socket of one browser share the allowance.
//
//	messages := &limit.PerSession{Rate: 20, Burst: 40}
//	if !messages.Allow(cx.SessionID()) {
//		actions.Alert(cx, "You are sending too fast: wait a moment.")
//		return
//	}
//
// A refused action should say so in the page, never be dropped in silence.
package limit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// PerSession keeps a token bucket per session. The zero value limits
// nothing; it is safe for concurrent use and must not be copied after
// first use.
type PerSession struct {
	// Rate is how many events a second a session may have, sustained.
	// Zero means no limit.
	Rate rate.Limit
	// Burst is how many events a session may have at once. Zero means
	// one second's worth of Rate (at least 1).
	Burst int
	// Idle is how long a session's bucket is kept unused: a session idle
	// that long starts full again. Zero means 10 minutes.
	Idle time.Duration
	// Now returns the current time. Nil means time.Now; tests move it.
	Now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	l    *rate.Limiter
	used time.Time
}

// Allow reports whether session sid may have one more event now, and
// counts it if so.
func (p *PerSession) Allow(sid string) bool { return p.AllowN(sid, 1) }

// AllowN reports whether session sid may have n more events now (n bytes
// of an upload, say), and counts them if so.
func (p *PerSession) AllowN(sid string, n int) bool {
	if p.Rate <= 0 {
		return true
	}
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	idle := p.Idle
	if idle <= 0 {
		idle = 10 * time.Minute
	}
	if now.Sub(p.swept) > idle {
		// Forget the buckets of sessions gone quiet, so the map holds
		// the sessions of the last few minutes, not of the server's life.
		for sid, b := range p.buckets {
			if now.Sub(b.used) > idle {
				delete(p.buckets, sid)
			}
		}
		p.swept = now
	}
	b := p.buckets[sid]
	if b == nil {
		burst := p.Burst
		if burst <= 0 {
			burst = max(1, int(p.Rate))
		}
		if p.buckets == nil {
			p.buckets = map[string]*bucket{}
		}
		b = &bucket{l: rate.NewLimiter(p.Rate, burst)}
		p.buckets[sid] = b
	}
	b.used = now
	return b.l.AllowN(now, n)
}

// Len returns how many sessions have a bucket.
func (p *PerSession) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.buckets)
}
