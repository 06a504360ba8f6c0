package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/health"
	"github.com/nitrogo/framework/nitro/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// readiness is what the chat's /readyz checks: the server is not shutting
// down, the store takes messages, and the bus takes a publication (on a
// topic nobody joins).
func readiness(srv *nitro.Server, store *BoltStore) []health.Check {
	return []health.Check{
		{Name: "server", Func: func(context.Context) error {
			if srv.Closed() {
				return nitro.ErrClosed
			}
			return nil
		}},
		{Name: "store", Func: func(context.Context) error { return store.Ping() }},
		{Name: "bus", Func: func(context.Context) error { return srv.Bus().Publish("chat/ready", bert.Nil()) }},
	}
}

// metricsHandler serves the metrics of app: the server's (nitro/metrics),
// and how long the store's appends take to reach the disk. It starts
// timing both: call it only to serve them.
func metricsHandler(app *App) http.Handler {
	syncs := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "chat_store_fsync_seconds",
		Help:    "Time a group of appends took to reach the disk: the journal's write and fsync, which each Append waits for.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .5, 1},
	})
	if s, ok := app.Store.(*BoltStore); ok {
		s.OnSync(func(d time.Duration) { syncs.Observe(d.Seconds()) })
	}
	return metrics.Handler(app.Server, syncs)
}

// serveMetrics serves /metrics on addr, a loopback address: a listener
// of its own, which the public one does not reach. A Prometheus on
// another machine scrapes it through a proxy or a tunnel that
// authenticates it.
func serveMetrics(addr string, app *App) (*http.Server, error) {
	if err := loopbackOnly("-metrics", addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metricsHandler(app))
	hs := httpServer(addr, mux)
	go hs.Serve(ln)
	return hs, nil
}

// loopbackOnly refuses an address (of flag) that is not a loopback one:
// what is served there shows the program's insides.
func loopbackOnly(flag, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: %w", flag, addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s %q: a loopback address only", flag, addr)
	}
	return nil
}
