package metrics_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/metrics"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrape gets h's metrics in the text format and returns them by series:
// name{labels} as written, without comments.
func scrape(tb testing.TB, h http.Handler) map[string]float64 {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK {
		tb.Fatalf("scrape: HTTP %d: %s", w.Code, w.Body)
	}
	series := map[string]float64{}
	for sc := bufio.NewScanner(w.Body); sc.Scan(); {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			tb.Fatalf("scrape: %q: %v", line, err)
		}
		series[line[:i]] = v
	}
	return series
}

// page subscribes to "room" on init and shows what is published there.
var page = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch e := ev.(type) {
	case nitro.Init:
		cx.Subscribe("room")
	case nitro.Direct:
		if e.Msg.IsAtom("boom") {
			panic("boom")
		}
	case nitro.Push:
		cx.Wire("got();")
	}
})

// waitUntil polls cond for a while: the server counts some things after
// the client has its reply (a close, say).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(nitrotest.Timeout); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in time", what)
		}
	}
}

func TestHandlerCounts(t *testing.T) {
	s := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	h := metrics.Handler(s.Server)
	a, b := s.Dial("/"), s.Dial("/")
	a.Init()
	b.Init()
	a.Ping()
	a.Ping()
	a.SendBinary([]byte{1, 2, 3}) // not BERT
	a.Read()
	a.Direct(bert.Atom("boom"))
	a.Send(bert.Tuple(bert.Atom("what")))
	a.Read() // NOP
	if err := s.Publish("room", "hi"); err != nil {
		t.Fatal(err)
	}
	a.NextIO()
	b.NextIO()
	b.Close()
	waitUntil(t, "b's close", func() bool { return s.Stats().Connections == 1 })

	got := scrape(t, h)
	tests := []struct {
		series string
		want   float64
	}{
		{`nitro_connections{transport="ws"}`, 1},
		{`nitro_connections_opened_total{transport="ws"}`, 2},
		{`nitro_connections_closed_total{reason="normal"}`, 1},
		{`nitro_connections_closed_total{reason="slow"}`, 0},
		{`nitro_messages_in_total{protocol="heart"}`, 2},
		{`nitro_messages_out_total{protocol="heart"}`, 2},
		{`nitro_messages_in_total{protocol="nitro"}`, 5}, // 2 inits, the direct, 2 pushes
		{`nitro_messages_out_total{protocol="nitro"}`, 5},
		{`nitro_messages_in_total{protocol="none"}`, 1},
		{`nitro_messages_dropped_total{reason="bad_frame"}`, 1},
		{`nitro_messages_dropped_total{reason="bad_pickle"}`, 0},
		{`nitro_messages_dropped_total{reason="slow_subscriber"}`, 0},
		{`nitro_panics_total`, 1},
		{`nitro_inbound_queued_bytes`, 0},
		{`nitro_pubsub_published_total`, 1},
		{`nitro_pubsub_delivered_total`, 2},
		{`nitro_message_handling_seconds_count{protocol="heart"}`, 2},
		{`nitro_message_handling_seconds_count{protocol="nitro"}`, 5},
		{`nitro_message_handling_seconds_count{protocol="none"}`, 1},
		{`nitro_message_handling_seconds_bucket{protocol="none",le="+Inf"}`, 1},
	}
	for _, tt := range tests {
		if v, ok := got[tt.series]; !ok || v != tt.want {
			t.Errorf("%s: got %v (present: %v), want %v", tt.series, v, ok, tt.want)
		}
	}
	if got["go_goroutines"] == 0 || got["process_start_time_seconds"] == 0 {
		t.Error("no Go runtime or process metrics")
	}
}

// countingBus is a Bus with counters of its own kind, as nitro/natsbus's.
type countingBus struct {
	nitro.MemoryBus
}

func (b *countingBus) Stats() struct{ N int } { return struct{ N int }{} }

func TestCollectorBus(t *testing.T) {
	tests := []struct {
		name   string
		bus    nitro.Bus
		cfg    metrics.Config
		series map[string]float64 // absent: want no such series
	}{
		{"MemoryBus", &nitro.MemoryBus{}, metrics.Config{}, map[string]float64{`nitro_pubsub_published_total`: 1,
			`nitro_pubsub_delivered_total`: 0, `nitro_messages_dropped_total{reason="slow_subscriber"}`: 0}},
		{"a bus with other stats", &countingBus{}, metrics.Config{}, map[string]float64{}},
		{"Config.Bus", &countingBus{}, metrics.Config{Bus: func() nitro.BusStats { return nitro.BusStats{Published: 7, Delivered: 5, Dropped: 2} }},
			map[string]float64{`nitro_pubsub_published_total`: 7, `nitro_pubsub_delivered_total`: 5,
				`nitro_messages_dropped_total{reason="slow_subscriber"}`: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t), Bus: tt.bus})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			srv.Publish("t", "x")
			reg := prometheus.NewPedanticRegistry() // checks what Collect sends against Describe
			reg.MustRegister(metrics.New(srv, tt.cfg))
			got := scrape(t, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
			for _, name := range []string{`nitro_pubsub_published_total`, `nitro_pubsub_delivered_total`, `nitro_messages_dropped_total{reason="slow_subscriber"}`} {
				v, ok := got[name]
				want, wanted := tt.series[name]
				if ok != wanted || v != want {
					t.Errorf("%s: got %v (present: %v), want %v (present: %v)", name, v, ok, want, wanted)
				}
			}
		})
	}
}

func TestCollectorBuckets(t *testing.T) {
	s := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(metrics.New(s.Server, metrics.Config{Buckets: []float64{10, 20}}))
	c := s.Dial("/")
	c.Ping()
	got := scrape(t, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	for series, want := range map[string]float64{
		`nitro_message_handling_seconds_bucket{protocol="heart",le="10"}`:    1,
		`nitro_message_handling_seconds_bucket{protocol="heart",le="20"}`:    1,
		`nitro_message_handling_seconds_bucket{protocol="heart",le="0.001"}`: -1, // not a bucket
	} {
		v, ok := got[series]
		if want < 0 && ok || want >= 0 && v != want {
			t.Errorf("%s: got %v (present: %v), want %v", series, v, ok, want)
		}
	}
}

// flushes is a transport that says when a reply was flushed.
type flushes chan struct{}

func (f flushes) Queue(bool, []byte)       {}
func (f flushes) Flush(bool) (bool, error) { f <- struct{}{}; return true, nil }
func (f flushes) Close(int, string)        {}
func (f flushes) Peer() nitro.Peer         { return nitro.Peer{} }

// BenchmarkRoundTrip is nitro's BenchmarkRoundTrip with and without the
// metrics: what they cost a message.
func BenchmarkRoundTrip(b *testing.B) {
	for _, mounted := range []bool{false, true} {
		b.Run("metrics="+strconv.FormatBool(mounted), func(b *testing.B) {
			srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			if mounted {
				metrics.New(srv, metrics.Config{})
			}
			page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
				if _, ok := ev.(nitro.Direct); ok {
					cx.Wire("qi('count').textContent='1';")
				}
			})
			f := make(flushes, 1)
			c, err := srv.Open(f, page, "/", "", "")
			if err != nil {
				b.Fatal(err)
			}
			frame := bert.Encode(bert.Tuple(bert.Atom("direct"), bert.Atom("plus")))
			b.ReportAllocs()
			for b.Loop() {
				c.Receive(false, frame)
				<-f
			}
			c.Close(nil)
		})
	}
}
