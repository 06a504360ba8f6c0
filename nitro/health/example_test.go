package health_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/nitrogo/framework/nitro/health"
)

// A store that answers and a bus that does not.
func ExampleReady() {
	ready := &health.Ready{
		Checks: []health.Check{
			{Name: "store", Func: func(ctx context.Context) error { return nil }},
			{Name: "bus", Func: func(ctx context.Context) error { return errors.New("nats: connection closed") }},
		},
		Logger: slog.New(slog.DiscardHandler),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", health.Live)
	mux.Handle("/readyz", ready)
	for _, path := range []string{"/healthz", "/readyz"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		body, _ := io.ReadAll(w.Body)
		fmt.Printf("%s %d %s", path, w.Code, body)
	}
	// Output:
	// /healthz 200 ok
	// /readyz 503 bus: failed
}
