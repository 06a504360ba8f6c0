package nitro

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// sessionCount counts the sessions a store holds, expired or not.
func sessionCount(s *MemoryStore) int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.sessions)
		sh.mu.Unlock()
	}
	return n
}

func TestSessionGetSet(t *testing.T) {
	var s MemoryStore
	if _, ok := s.Get("sid", "user"); ok {
		t.Fatal("Get on empty store found a value")
	}
	s.Set("sid", "user", "joe")
	s.Set("other", "user", "ann")
	tests := []struct {
		sid, key string
		want     any
		ok       bool
	}{
		{"sid", "user", "joe", true},
		{"other", "user", "ann", true},
		{"sid", "missing", nil, false},
		{"nobody", "user", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.sid+"/"+tt.key, func(t *testing.T) {
			got, ok := s.Get(tt.sid, tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Get = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []time.Duration // each step advances the clock, then Gets
		want  bool            // the last Get finds the value
	}{
		{"default ttl alive", 0, []time.Duration{899 * time.Second}, true},
		{"default ttl expired", 0, []time.Duration{900 * time.Second}, false},
		{"custom ttl expired", time.Minute, []time.Duration{time.Minute}, false},
		{"get re-stamps", time.Minute, []time.Duration{50 * time.Second, 50 * time.Second, 50 * time.Second}, true},
		{"gap too long", time.Minute, []time.Duration{50 * time.Second, 70 * time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newManualClock()
			s := &MemoryStore{TTL: tt.ttl, Now: clk.Now}
			s.Set("sid", "k", 1)
			var ok bool
			for _, d := range tt.steps {
				clk.Advance(d)
				_, ok = s.Get("sid", "k")
			}
			if ok != tt.want {
				t.Errorf("Get ok = %v, want %v", ok, tt.want)
			}
		})
	}
}

func TestSessionSetRestampsWholeSession(t *testing.T) {
	clk := newManualClock()
	s := &MemoryStore{TTL: time.Minute, Now: clk.Now}
	s.Set("sid", "a", 1)
	clk.Advance(50 * time.Second)
	s.Set("sid", "b", 2) // one expiry per session: "a" lives on too
	clk.Advance(50 * time.Second)
	if v, ok := s.Get("sid", "a"); !ok || v != 1 {
		t.Errorf("Get a = %v, %v; want 1, true", v, ok)
	}
}

func TestSessionExpiredReadsEmpty(t *testing.T) {
	clk := newManualClock()
	s := &MemoryStore{TTL: time.Minute, Now: clk.Now}
	s.Set("sid", "a", 1)
	clk.Advance(2 * time.Minute)
	s.Set("sid", "b", 2) // a new session under the same id
	if _, ok := s.Get("sid", "a"); ok {
		t.Error("value from the expired session survived")
	}
	if v, ok := s.Get("sid", "b"); !ok || v != 2 {
		t.Errorf("Get b = %v, %v; want 2, true", v, ok)
	}
}

func TestSessionDeleteAndNil(t *testing.T) {
	var s MemoryStore
	s.Set("sid", "a", 1)
	s.Set("sid", "b", 2)
	s.Set("sid", "a", nil)
	if _, ok := s.Get("sid", "a"); ok {
		t.Error("Set nil did not delete")
	}
	s.Delete("sid", "b")
	if _, ok := s.Get("sid", "b"); ok {
		t.Error("Delete did not delete")
	}
	if n := sessionCount(&s); n != 0 {
		t.Errorf("empty session kept: %d sessions, want 0", n)
	}
	s.Delete("nobody", "x") // must not panic
}

func TestSessionClear(t *testing.T) {
	var s MemoryStore
	s.Set("sid", "a", 1)
	s.Set("sid", "b", 2)
	s.Set("other", "a", 3)
	s.Clear("sid")
	s.Clear("nobody")
	for _, k := range []string{"a", "b"} {
		if _, ok := s.Get("sid", k); ok {
			t.Errorf("Get %q after Clear found a value", k)
		}
	}
	if v, ok := s.Get("other", "a"); !ok || v != 3 {
		t.Errorf("Clear touched another session: Get = %v, %v", v, ok)
	}
}

func TestSessionSweep(t *testing.T) {
	clk := newManualClock()
	s := &MemoryStore{TTL: time.Minute, Now: clk.Now}
	for i := range 100 {
		s.Set(fmt.Sprint("old", i), "k", i)
	}
	clk.Advance(30 * time.Second)
	for i := range 50 {
		s.Set(fmt.Sprint("new", i), "k", i)
	}
	clk.Advance(30 * time.Second)
	if n := s.Sweep(); n != 100 {
		t.Errorf("Sweep = %d, want 100", n)
	}
	if n := sessionCount(s); n != 50 {
		t.Errorf("sessions left = %d, want 50", n)
	}
}

func TestSessionConcurrent(t *testing.T) {
	s := &MemoryStore{TTL: time.Millisecond}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid := fmt.Sprint("sid", g%4)
			for i := range 300 {
				key := fmt.Sprint(i % 7)
				s.Set(sid, key, i)
				s.Get(sid, key)
				switch i % 50 {
				case 10:
					s.Delete(sid, key)
				case 20:
					s.Clear(sid)
				case 30:
					s.Sweep()
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkSessionGetParallel(b *testing.B) {
	var s MemoryStore
	for i := range 1024 {
		s.Set(fmt.Sprint("sid", i), "user", i)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			s.Get(benchSids[i%len(benchSids)], "user")
			i++
		}
	})
}

var benchSids = func() []string {
	s := make([]string, 1024)
	for i := range s {
		s[i] = fmt.Sprint("sid", i)
	}
	return s
}()
