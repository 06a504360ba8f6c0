package nitro

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// manualClock is a clock that moves only when told; its Now method is
// what the services' Now fields take.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock {
	return &manualClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestCacheGet(t *testing.T) {
	tests := []struct {
		name    string
		ttl     time.Duration
		advance time.Duration
		want    bool
	}{
		{"fresh", time.Minute, 59 * time.Second, true},
		{"expires at deadline", time.Minute, time.Minute, false},
		{"expired", time.Minute, time.Hour, false},
		{"zero ttl never expires", 0, 1000 * time.Hour, true},
		{"negative ttl never expires", -time.Second, 1000 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newManualClock()
			c := Cache[string, int]{Now: clk.Now}
			c.Set("k", 42, tt.ttl)
			clk.Advance(tt.advance)
			v, ok := c.Get("k")
			if ok != tt.want {
				t.Fatalf("Get ok = %v, want %v", ok, tt.want)
			}
			if ok && v != 42 {
				t.Errorf("Get = %d, want 42", v)
			}
			if !ok && v != 0 {
				t.Errorf("Get of absent = %d, want zero value", v)
			}
			wantLen := 0
			if tt.want {
				wantLen = 1
			}
			if n := c.Len(); n != wantLen {
				t.Errorf("Len after Get = %d, want %d (expired entry deleted)", n, wantLen)
			}
		})
	}
}

func TestCacheZeroValue(t *testing.T) {
	var c Cache[int, string]
	if _, ok := c.Get(1); ok {
		t.Error("Get on zero cache found something")
	}
	c.Delete(1)
	if n := c.Sweep(); n != 0 {
		t.Errorf("Sweep on zero cache = %d, want 0", n)
	}
	c.Set(1, "one", 0)
	if v, ok := c.Get(1); !ok || v != "one" {
		t.Errorf("Get = %q, %v; want \"one\", true", v, ok)
	}
}

func TestCacheSetOverwrites(t *testing.T) {
	clk := newManualClock()
	c := Cache[string, string]{Now: clk.Now}
	c.Set("k", "old", time.Second)
	c.Set("k", "new", time.Hour)
	clk.Advance(time.Minute)
	if v, ok := c.Get("k"); !ok || v != "new" {
		t.Errorf("Get = %q, %v; want \"new\", true", v, ok)
	}
}

func TestCacheDelete(t *testing.T) {
	var c Cache[string, int]
	c.Set("a", 1, 0)
	c.Set("b", 2, 0)
	c.Delete("a")
	c.Delete("missing")
	if _, ok := c.Get("a"); ok {
		t.Error("deleted key still present")
	}
	if n := c.Len(); n != 1 {
		t.Errorf("Len = %d, want 1", n)
	}
}

func TestCacheSweep(t *testing.T) {
	clk := newManualClock()
	c := Cache[int, int]{Now: clk.Now}
	for i := range 10 {
		ttl := time.Duration(i) * time.Second // i == 0 never expires
		c.Set(i, i, ttl)
	}
	clk.Advance(5 * time.Second) // 1..5 expire
	if n := c.Sweep(); n != 5 {
		t.Errorf("Sweep = %d, want 5", n)
	}
	if n := c.Len(); n != 5 {
		t.Errorf("Len = %d, want 5", n)
	}
	for _, k := range []int{0, 6, 9} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("Get(%d) absent after sweep, want present", k)
		}
	}
}

func TestCacheConcurrent(t *testing.T) {
	var c Cache[string, int]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := fmt.Sprint(i % 20)
				c.Set(k, g, time.Duration(i%3)*time.Millisecond)
				c.Get(k)
				if i%50 == 0 {
					c.Sweep()
					c.Delete(k)
				}
				c.Len()
			}
		}()
	}
	wg.Wait()
}
