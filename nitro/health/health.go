package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Live answers 200 "ok": the process is up, and serves HTTP. Mount it at
// /healthz.
func Live(w http.ResponseWriter, r *http.Request) { answer(w, http.StatusOK, "ok\n") }

// Check is one thing the application needs to serve: a store, a bus.
type Check struct {
	Name string // what the answer calls it: a word
	// Func returns nil when the thing answers. It should return once ctx
	// is done; if it does not, Ready answers without waiting for it.
	Func func(ctx context.Context) error
}

// Ready is the handler of /readyz: it runs its Checks, all at once, each
// within Timeout, and answers 200 "ok" when every one returns nil, else
// 503 with the name of each that failed or timed out, one a line. Why a
// check failed goes to the log, not to whoever asks. Its zero value,
// with no checks, always answers 200.
type Ready struct {
	Checks []Check
	// Timeout bounds each check. Zero means 2 s.
	Timeout time.Duration
	// Logger receives why checks failed. Nil means slog.Default().
	Logger *slog.Logger
}

// ServeHTTP implements http.Handler.
func (h *Ready) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout) // they start together: one deadline serves all
	defer cancel()
	errs := make([]chan error, len(h.Checks))
	for i, c := range h.Checks {
		errs[i] = make(chan error, 1) // a check that never returns leaves a goroutine, not a blocked one
		go func() {
			defer func() {
				if v := recover(); v != nil {
					errs[i] <- fmt.Errorf("panic: %v", v)
				}
			}()
			errs[i] <- c.Func(ctx)
		}()
	}
	var failed strings.Builder
	for i, c := range h.Checks {
		var err error
		select {
		case err = <-errs[i]:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err == nil {
			continue
		}
		// The answer names the check, not why: that may name files or hosts.
		verdict := "failed"
		if errors.Is(err, context.DeadlineExceeded) {
			verdict = "timed out"
		}
		fmt.Fprintf(&failed, "%s: %s\n", c.Name, verdict)
		log := h.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Warn("health: not ready", "check", c.Name, "err", err)
	}
	if failed.Len() > 0 {
		answer(w, http.StatusServiceUnavailable, failed.String())
		return
	}
	answer(w, http.StatusOK, "ok\n")
}

func answer(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprint(w, body)
}
