package main

import (
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

// TestHostileFrame: each shape decodes to a list of as many empty terms
// as fit in the size.
func TestHostileFrame(t *testing.T) {
	tests := []struct {
		shape  string
		size   int
		want   int // elements
		isElem func(bert.Term) bool
	}{
		{"lists", 1000, 993, func(e bert.Term) bool { return e.IsNil() }},
		{"tuples", 1000, 496, func(e bert.Term) bool { return e.Kind() == bert.KindTuple && e.Len() == 0 }},
		{"binaries", 1000, 198, func(e bert.Term) bool { return e.Kind() == bert.KindBinary && e.Len() == 0 }},
		{"lists", 8, 1, func(e bert.Term) bool { return e.IsNil() }},
	}
	for _, tt := range tests {
		t.Run(tt.shape, func(t *testing.T) {
			b, err := hostileFrame(tt.shape, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > tt.size || len(b) < tt.size-4 {
				t.Errorf("%d bytes, want at most %d and not 5 fewer", len(b), tt.size)
			}
			term, err := bert.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if term.Kind() != bert.KindList || term.Len() != tt.want {
				t.Fatalf("got %v of %d, want a list of %d", term.Kind(), term.Len(), tt.want)
			}
			for i := range term.Len() {
				if !tt.isElem(term.At(i)) {
					t.Fatalf("element %d: %v", i, term.At(i))
				}
			}
		})
	}
	for _, bad := range []struct {
		shape string
		size  int
	}{{"maps", 1000}, {"lists", 7}, {"binaries", 11}, {"lists", maxFrame + 1}} {
		if _, err := hostileFrame(bad.shape, bad.size); err == nil {
			t.Errorf("hostileFrame(%q, %d): no error", bad.shape, bad.size)
		}
	}
}

// TestHostile runs the mode briefly against the built-in server: with
// frames under its read limit, which it reads, and with frames over it,
// on which it closes the socket and the client opens another.
func TestHostile(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantClosed bool
	}{
		{"under the limit", []string{"-frame", "65536"}, false},
		{"over the limit", []string{"-frame", "1100000", "-clients", "2", "-init"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, hostile, append([]string{"-duration", "1s", "-warmup", "0"}, tt.args...)...)
			if r.Events <= 0 || r.BytesSent < r.Events*65000 || r.ServerPID == 0 {
				t.Errorf("%+v: want frames sent, and the server's pid", r)
			}
			if r.RSSBefore <= 0 || r.RSSPeak < r.RSSBefore || r.RSSPeak < r.RSSAfter || r.RSSAfter <= 0 {
				t.Errorf("RSS before %d, peak %d, at the end %d: want 0 < before <= peak, end <= peak", r.RSSBefore, r.RSSPeak, r.RSSAfter)
			}
			if got := r.ClosedByServer > 0; got != tt.wantClosed {
				t.Errorf("%d sockets closed by the server, want some: %v", r.ClosedByServer, tt.wantClosed)
			}
		})
	}
}
