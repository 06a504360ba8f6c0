package metrics

import (
	"net/http"

	"github.com/nitrogo/framework/nitro"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Config configures a Collector. Its zero value works.
type Config struct {
	// Bus returns the counters of the server's bus, for the pub/sub
	// metrics and the deliveries dropped. Nil means the bus's own when
	// it has a Stats method that returns them (nitro.MemoryBus has);
	// with nitro/natsbus, give func() nitro.BusStats { return
	// bus.Stats().Local }. With neither, those metrics are left out.
	Bus func() nitro.BusStats
	// Buckets are the upper bounds of the handling-time histogram, in
	// seconds. Nil means DefaultBuckets.
	Buckets []float64
}

// DefaultBuckets bound the handling time of a message, in seconds: from
// 100 µs (a heartbeat, a postback that changes a field) to 5 s.
var DefaultBuckets = []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5}

// Collector is a prometheus.Collector of a nitro.Server's metrics. It
// reads the server's counters when it is scraped, and keeps the
// handling-time histogram, which Server.OnHandled feeds.
type Collector struct {
	srv  *nitro.Server
	bus  func() nitro.BusStats
	took *prometheus.HistogramVec
	obs  []prometheus.Observer // by nitro.Handled.Protocol
}

var _ prometheus.Collector = (*Collector)(nil)

// New returns the Collector of srv, and starts timing its messages
// (Server.OnHandled): one Collector per server, as the last one made
// gets the timings. Register it with a prometheus.Registerer.
func New(srv *nitro.Server, cfg Config) *Collector {
	c := &Collector{srv: srv, bus: cfg.Bus}
	if c.bus == nil {
		if b, ok := srv.Bus().(interface{ Stats() nitro.BusStats }); ok {
			c.bus = b.Stats
		}
	}
	buckets := cfg.Buckets
	if buckets == nil {
		buckets = DefaultBuckets
	}
	c.took = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "nitro", Name: "message_handling_seconds", Buckets: buckets,
		Help: "Time from a message's arrival in the chain to its encoded reply, by the protocol that took it.",
	}, []string{"protocol"})
	for _, p := range srv.Stats().Protocols {
		c.obs = append(c.obs, c.took.WithLabelValues(p.Name))
	}
	srv.OnHandled(func(h nitro.Handled) { c.obs[h.Protocol].Observe(h.Took.Seconds()) })
	return c
}

// Handler serves the metrics of srv, of the Go runtime, of the process,
// and of more (the application's own), in Prometheus's exposition
// formats, from a registry of its own. To serve them with others from a
// registry of yours, register New(srv, cfg) with it instead.
func Handler(srv *nitro.Server, more ...prometheus.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(New(srv, Config{}), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(more...)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("nitro_"+name, help, labels, nil)
}

var (
	connections = desc("connections", "Connections open, by transport.", "transport")
	opened      = desc("connections_opened_total", "Connections opened, by transport.", "transport")
	closed      = desc("connections_closed_total", "Connections ended, by why: normal, error, slow (too far behind), no_init, shutdown.", "reason")
	messagesIn  = desc("messages_in_total", "Messages run through the chain (frames and pub/sub deliveries), by the protocol that took them; none: no protocol did.", "protocol")
	messagesOut = desc("messages_out_total", "Replies sent to those messages, by protocol.", "protocol")
	dropped     = desc("messages_dropped_total", "Messages dropped, by why: bad_frame (not BERT), bad_pickle (a postback refused), slow_subscriber (a delivery a subscriber too far behind refused).", "reason")
	panics      = desc("panics_total", "Handler panics recovered.")
	queued      = desc("inbound_queued_bytes", "Bytes read from peers and not yet handled.")
	published   = desc("pubsub_published_total", "Publications on the bus.")
	delivered   = desc("pubsub_delivered_total", "Deliveries of publications to subscribers.")
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{connections, opened, closed, messagesIn, messagesOut, dropped, panics, queued} {
		ch <- d
	}
	if c.bus != nil {
		ch <- published
		ch <- delivered
	}
	c.took.Describe(ch)
}

// Collect implements prometheus.Collector: it reads the server's
// counters, and the bus's.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	st := c.srv.Stats()
	metric := func(d *prometheus.Desc, t prometheus.ValueType, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, t, float64(v), labels...)
	}
	for _, t := range st.Transports {
		metric(connections, prometheus.GaugeValue, t.Connections, t.Name)
		metric(opened, prometheus.CounterValue, t.Opened, t.Name)
	}
	for _, r := range []struct {
		why string
		n   int64
	}{{"normal", st.Closes.Normal}, {"error", st.Closes.Error}, {"slow", st.Closes.Slow},
		{"no_init", st.Closes.NoInit}, {"shutdown", st.Closes.Shutdown}} {
		metric(closed, prometheus.CounterValue, r.n, r.why)
	}
	for _, p := range st.Protocols {
		metric(messagesIn, prometheus.CounterValue, p.In, p.Name)
		metric(messagesOut, prometheus.CounterValue, p.Out, p.Name)
	}
	metric(dropped, prometheus.CounterValue, st.BadFrames, "bad_frame")
	metric(dropped, prometheus.CounterValue, st.BadPickles, "bad_pickle")
	metric(panics, prometheus.CounterValue, st.Panics)
	metric(queued, prometheus.GaugeValue, st.InboundBytes)
	if c.bus != nil {
		b := c.bus()
		ch <- prometheus.MustNewConstMetric(dropped, prometheus.CounterValue, float64(b.Dropped), "slow_subscriber")
		ch <- prometheus.MustNewConstMetric(published, prometheus.CounterValue, float64(b.Published))
		ch <- prometheus.MustNewConstMetric(delivered, prometheus.CounterValue, float64(b.Delivered))
	}
	c.took.Collect(ch)
}
