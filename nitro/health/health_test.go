package health_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/health"
)

func TestLive(t *testing.T) {
	w := httptest.NewRecorder()
	health.Live(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
		t.Errorf("got %d %q, want 200 \"ok\\n\"", w.Code, w.Body)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", got)
	}
}

func TestReady(t *testing.T) {
	ok := func(context.Context) error { return nil }
	secret := errors.New("open /var/lib/app/db: permission denied")
	fails := func(context.Context) error { return secret }
	waits := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	never := func(context.Context) error { select {} }
	panics := func(context.Context) error { panic("boom") }
	tests := []struct {
		name   string
		checks []health.Check
		code   int
		body   string
		logged string // in the log, not the answer
	}{
		{"no checks", nil, 200, "ok\n", ""},
		{"all answer", []health.Check{{"store", ok}, {"bus", ok}}, 200, "ok\n", ""},
		{"one fails", []health.Check{{"store", fails}, {"bus", ok}}, 503, "store: failed\n", "permission denied"},
		{"in order", []health.Check{{"store", fails}, {"bus", fails}}, 503, "store: failed\nbus: failed\n", "permission denied"},
		{"one is late", []health.Check{{"store", ok}, {"bus", waits}}, 503, "bus: timed out\n", "deadline exceeded"},
		{"one never returns", []health.Check{{"store", never}}, 503, "store: timed out\n", "deadline exceeded"},
		{"one panics", []health.Check{{"store", panics}, {"bus", ok}}, 503, "store: failed\n", "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			h := &health.Ready{Checks: tt.checks, Timeout: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&log, nil))}
			w := httptest.NewRecorder()
			done := make(chan struct{})
			go func() {
				defer close(done)
				h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("no answer in 5 s: the timeout is 20 ms")
			}
			if w.Code != tt.code || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.code, tt.body)
			}
			if strings.Contains(w.Body.String(), "/var/lib") {
				t.Error("the answer tells why a check failed: that is the log's")
			}
			if !strings.Contains(log.String(), tt.logged) || tt.logged == "" && log.Len() > 0 {
				t.Errorf("logged %q, want %q", log.String(), tt.logged)
			}
		})
	}
}
