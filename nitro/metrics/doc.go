// Package metrics serves a nitro.Server's counters to Prometheus, with
// the Prometheus Go client (github.com/prometheus/client_golang): the
// format every scraper reads, from the library Prometheus maintains. It
// is kept out of nitro so that only applications that mount it link the
// client.
//
// # Mounting
//
// One line, on a listener of its own or behind the application's
// authentication, as the counters tell about its traffic:
//
//	mux.Handle("/metrics", metrics.Handler(srv))
//
// Nothing is collected or served until then. Handler makes a registry of
// its own, with the Go runtime's and the process's metrics, and any
// collectors of the application's passed to it. To serve the server's
// metrics from a registry of yours:
//
//	reg.MustRegister(metrics.New(srv, metrics.Config{}))
//
// # Metrics
//
// The server's counters are read when Prometheus scrapes, from
// nitro.Server.Stats and the bus's Stats:
//
//	nitro_connections{transport}                open now ("ws")
//	nitro_connections_opened_total{transport}
//	nitro_connections_closed_total{reason}      normal, error, slow, no_init, shutdown
//	nitro_messages_in_total{protocol}           by the protocol that took them ("heart", "nitro", "ftp", "none")
//	nitro_messages_out_total{protocol}          the replies to them
//	nitro_messages_dropped_total{reason}        bad_frame, bad_pickle, slow_subscriber
//	nitro_panics_total
//	nitro_inbound_queued_bytes                  read from peers, not yet handled
//	nitro_pubsub_published_total
//	nitro_pubsub_delivered_total
//
// The one metric kept per message is the histogram of handling times,
// nitro_message_handling_seconds{protocol}, which the server feeds
// through Server.OnHandled once New has been called: two clock reads and
// an observation a message, which a server without metrics does not pay.
//
// # Concurrency
//
// A Collector is safe for concurrent use; Prometheus may scrape while
// connections are served.
package metrics
