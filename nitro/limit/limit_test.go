package limit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/limit"
)

func TestPerSession(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	p := &limit.PerSession{Rate: 20, Burst: 40, Now: func() time.Time { return now }}
	allowed := func(sid string, n int) int {
		ok := 0
		for range n {
			if p.Allow(sid) {
				ok++
			}
		}
		return ok
	}
	if got := allowed("a", 100); got != 40 {
		t.Errorf("a burst of 100 at once: %d allowed, want the burst, 40", got)
	}
	if got := allowed("b", 10); got != 10 {
		t.Errorf("another session: %d of 10 allowed, want all: buckets are per session", got)
	}
	now = now.Add(time.Second)
	if got := allowed("a", 100); got != 20 {
		t.Errorf("a second later: %d allowed, want the rate, 20", got)
	}
	now = now.Add(11 * time.Minute) // both idle past Idle
	allowed("c", 1)
	if got := p.Len(); got != 1 {
		t.Errorf("%d buckets after the others went idle, want 1", got)
	}
}

func TestPerSessionZeroLimitsNothing(t *testing.T) {
	var p limit.PerSession
	for i := range 1000 {
		if !p.Allow("a") {
			t.Fatalf("event %d refused by the zero value", i)
		}
	}
}

func ExamplePerSession() {
	messages := &limit.PerSession{Rate: 1, Burst: 2}
	for range 3 {
		fmt.Println(messages.Allow("session-1"))
	}
	// Output:
	// true
	// true
	// false
}
