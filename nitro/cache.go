package nitro

import (
	"sync"
	"time"
)

// Cache is a map whose entries may expire: N2O's n2o:cache. The zero value
// is an empty cache ready to use. A Cache is safe for concurrent use and
// must not be copied after first use.
//
// Expired entries are dropped when Get meets them or when Sweep runs; an
// application that stores many short-lived entries should call Sweep
// periodically, as N2O's /timer process does for its caching table.
type Cache[K comparable, V any] struct {
	// Now returns the current time. Nil means time.Now; tests set it to
	// control the clock.
	Now func() time.Time

	mu sync.Mutex
	m  map[K]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v   V
	exp time.Time // zero: never expires
}

func (e cacheEntry[V]) expired(now time.Time) bool {
	return !e.exp.IsZero() && !now.Before(e.exp)
}

func (c *Cache[K, V]) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Set stores v under k for ttl. A ttl <= 0 means the entry never expires
// (N2O's infinity).
func (c *Cache[K, V]) Set(k K, v V, ttl time.Duration) {
	var exp time.Time
	if ttl > 0 {
		exp = c.now().Add(ttl)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[K]cacheEntry[V])
	}
	c.m[k] = cacheEntry[V]{v: v, exp: exp}
	c.mu.Unlock()
}

// Get returns the value stored under k and whether it was present and
// not expired. An expired entry is deleted.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	if e.expired(now) {
		delete(c.m, k)
		var zero V
		return zero, false
	}
	return e.v, true
}

// Delete removes k, present or not.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// Sweep drops every expired entry and returns how many it dropped.
func (c *Cache[K, V]) Sweep() int {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, e := range c.m {
		if e.expired(now) {
			delete(c.m, k)
			n++
		}
	}
	return n
}

// Len returns the number of entries held, counting expired ones that no
// Get or Sweep has dropped yet.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
