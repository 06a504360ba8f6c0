package nitro

import (
	"testing"
	"time"
)

func TestRateLog(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		at     time.Duration // since t0
		n      uint64
		logged bool
	}{
		{0, 1, true}, // the first event is logged at once
		{100 * time.Millisecond, 0, false},
		{900 * time.Millisecond, 0, false},
		{time.Second, 3, true}, // a second after the last line: it stands for three
		{1500 * time.Millisecond, 0, false},
		{5 * time.Second, 2, true},
	}
	var r RateLog
	for _, tt := range tests {
		n, ok := r.Tick(t0.Add(tt.at))
		if n != tt.n || ok != tt.logged {
			t.Errorf("at %v: got (%d, %v), want (%d, %v)", tt.at, n, ok, tt.n, tt.logged)
		}
	}
}
