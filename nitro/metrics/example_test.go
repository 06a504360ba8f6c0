package metrics_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// A server's metrics on a listener of their own, with one of the
// application's, scraped as Prometheus would.
func ExampleHandler() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	signups := prometheus.NewCounter(prometheus.CounterOpts{Name: "app_signups_total", Help: "Users who signed up."})

	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler(srv, signups))
	hs := httptest.NewServer(mux)
	defer hs.Close()

	signups.Inc()
	srv.Publish("lobby", "hello")
	resp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		if line := sc.Text(); strings.HasPrefix(line, "app_") || strings.HasPrefix(line, "nitro_pubsub") || strings.HasPrefix(line, "nitro_messages_in") {
			fmt.Println(line)
		}
	}
	// Output:
	// app_signups_total 1
	// nitro_messages_in_total{protocol="heart"} 0
	// nitro_messages_in_total{protocol="nitro"} 0
	// nitro_messages_in_total{protocol="none"} 0
	// nitro_pubsub_delivered_total 0
	// nitro_pubsub_published_total 1
}

// The server's metrics in a registry of the application's.
func ExampleNew() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.New(srv, metrics.Config{Buckets: []float64{.001, .01, .1}}))
	families, err := reg.Gather()
	if err != nil {
		panic(err)
	}
	for _, f := range families {
		fmt.Println(f.GetName())
	}
	// Output:
	// nitro_connections_closed_total
	// nitro_inbound_queued_bytes
	// nitro_message_handling_seconds
	// nitro_messages_dropped_total
	// nitro_messages_in_total
	// nitro_messages_out_total
	// nitro_panics_total
	// nitro_pubsub_delivered_total
	// nitro_pubsub_published_total
}
