package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// result is one run's figures in the same shape for every mode, so that
// the modes compare and a script reads them one way (-json). Fields that
// a mode or a server does not have are left out of the JSON.
type result struct {
	Mode    string // postback, chat, broadcast, ping, idle, paint, hostile
	Server  string // "built-in", "built-in floor", "chat sample", or the -url
	Clients int
	Event   string // what one event is: "round trip", "message", "round", ...
	Latency string // what the latencies time

	Events       int64
	Seconds      float64 // the measured time
	EventsPerSec float64
	P50Micros    float64
	P90Micros    float64
	P99Micros    float64
	MaxMicros    float64

	// The server's CPU time while measuring, from /proc (absent without
	// a pid), and the tool's own, to tell which of the two was the
	// bottleneck. Cores is CPU time over wall time: 1 is one core busy.
	ServerPID               int     `json:",omitempty"`
	ServerCPUSeconds        float64 `json:",omitempty"`
	ServerCPUPerEventMicros float64 `json:",omitempty"`
	ServerCPUCores          float64 `json:",omitempty"`
	ToolCPUSeconds          float64
	ToolCPUPerEventMicros   float64
	ToolCPUCores            float64

	// The built-in server's Go allocations while measuring.
	AllocsPerEvent float64 `json:",omitempty"`
	BytesPerEvent  float64 `json:",omitempty"`
	GCs            uint32  `json:",omitempty"`

	// broadcast: messages received, the server's CPU per message
	// received, and the earliest receiver's latency.
	Deliveries                 int64   `json:",omitempty"`
	DeliveriesPerSec           float64 `json:",omitempty"`
	ServerCPUPerDeliveryMicros float64 `json:",omitempty"`
	FirstP50Micros             float64 `json:",omitempty"`

	// idle: the server's resident memory before and after the
	// connections, and per connection (then after collections, for the
	// built-in server).
	RSSBefore                 int64   `json:",omitempty"`
	RSSAfter                  int64   `json:",omitempty"`
	BytesPerConnection        float64 `json:",omitempty"`
	SettledBytesPerConnection float64 `json:",omitempty"`
	HeapPerConnection         float64 `json:",omitempty"`
	StackPerConnection        float64 `json:",omitempty"`
	Goroutines                int     `json:",omitempty"`

	// hostile: the server's peak resident memory while under load
	// (RSSBefore and RSSAfter are at its start and its end), the bytes
	// the clients sent, and the sockets the server closed on them.
	RSSPeak        int64 `json:",omitempty"`
	BytesSent      int64 `json:",omitempty"`
	ClosedByServer int64 `json:",omitempty"`

	// paint: requests wrk counted as failed (non-2xx/3xx, socket errors).
	Errors int64 `json:",omitempty"`
}

// snapshot is what the tool reads at the start and the end of the
// measured time.
type snapshot struct {
	at           time.Time
	server, tool time.Duration
	serverOK     bool
	mem          memReport
	memOK        bool
}

func (c *child) snapshot() snapshot {
	s := snapshot{at: time.Now(), tool: selfCPU()}
	var err error
	s.server, err = c.cpu()
	s.serverOK = err == nil
	if c.builtin {
		s.mem, err = c.mem(false)
		s.memOK = err == nil
	}
	return s
}

// newResult starts the result of a mode's run against srv.
func newResult(o *options, srv *child, event, latency string) *result {
	return &result{Mode: o.mode, Server: srv.what, Clients: o.clients, Event: event, Latency: latency, ServerPID: srv.pid}
}

// measured fills in the figures of events between the snapshots a and b,
// with their latencies (sorted here).
func (r *result) measured(a, b snapshot, events int64, lat []time.Duration) {
	elapsed := b.at.Sub(a.at)
	r.Events, r.Seconds = events, elapsed.Seconds()
	per := func(d time.Duration) float64 {
		if events == 0 {
			return 0
		}
		return us(d) / float64(events)
	}
	if elapsed > 0 {
		r.EventsPerSec = float64(events) / elapsed.Seconds()
	}
	slices.Sort(lat)
	r.P50Micros, r.P90Micros, r.P99Micros, r.MaxMicros = us(at(lat, 0.5)), us(at(lat, 0.9)), us(at(lat, 0.99)), us(at(lat, 1))
	if a.serverOK && b.serverOK {
		d := b.server - a.server
		r.ServerCPUSeconds, r.ServerCPUPerEventMicros = d.Seconds(), per(d)
		r.ServerCPUCores = d.Seconds() / elapsed.Seconds()
	}
	d := b.tool - a.tool
	r.ToolCPUSeconds, r.ToolCPUPerEventMicros = d.Seconds(), per(d)
	r.ToolCPUCores = d.Seconds() / elapsed.Seconds()
	if a.memOK && b.memOK && events > 0 {
		r.AllocsPerEvent = float64(b.mem.Mallocs-a.mem.Mallocs) / float64(events)
		r.BytesPerEvent = float64(b.mem.Bytes-a.mem.Bytes) / float64(events)
		r.GCs = b.mem.GCs - a.mem.GCs
	}
}

// print writes the result: one JSON object, or lines for a reader.
func (r *result) print(out io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(out).Encode(r)
	}
	p := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	p("%s on %s: %d clients, %d %ss in %.3fs: %.0f %ss/s", r.Mode, r.Server, r.Clients, r.Events, r.Event, r.Seconds, r.EventsPerSec, r.Event)
	if r.Events > 0 {
		p("latency (%s): p50 %v, p90 %v, p99 %v, max %v", r.Latency, dur(r.P50Micros), dur(r.P90Micros), dur(r.P99Micros), dur(r.MaxMicros))
	}
	if r.ServerPID == 0 {
		p("server CPU: unknown (give the server's -pid)")
	} else {
		p("server CPU: %.2fs = %s per %s (%.0f%% of a core)", r.ServerCPUSeconds, perEvent(r.ServerCPUPerEventMicros), r.Event, 100*r.ServerCPUCores)
		if r.ServerCPUSeconds < 0.5 {
			p("  (/proc counts CPU time in 10 ms ticks: a longer run gives a finer figure)")
		}
	}
	p("the tool's CPU: %.2fs = %s per %s (%.0f%% of a core)", r.ToolCPUSeconds, perEvent(r.ToolCPUPerEventMicros), r.Event, 100*r.ToolCPUCores)
	if r.AllocsPerEvent > 0 {
		p("server allocations: %.1f per %s, %.0f bytes per %s; %d GCs", r.AllocsPerEvent, r.Event, r.BytesPerEvent, r.Event, r.GCs)
	}
	if r.Deliveries > 0 {
		p("deliveries: %d, %.0f/s, server CPU %.2f µs each; the first receiver has it at p50 %v",
			r.Deliveries, r.DeliveriesPerSec, r.ServerCPUPerDeliveryMicros, dur(r.FirstP50Micros))
	}
	if r.RSSPeak > 0 {
		p("server RSS: %.1f MiB before, peak %.1f MiB (+%.1f MiB), %.1f MiB at the end",
			mib(r.RSSBefore), mib(r.RSSPeak), mib(r.RSSPeak-r.RSSBefore), mib(r.RSSAfter))
		p("sent: %d frames, %.1f MiB; sockets closed by the server: %d", r.Events, mib(r.BytesSent), r.ClosedByServer)
	} else if r.RSSAfter > 0 {
		p("server RSS: %.1f MiB before, %.1f MiB after: %.0f bytes = %.1f KiB per connection",
			mib(r.RSSBefore), mib(r.RSSAfter), r.BytesPerConnection, r.BytesPerConnection/1024)
	}
	if r.HeapPerConnection > 0 || r.StackPerConnection > 0 {
		p("of which Go heap %.0f B, stacks %.0f B per connection; %d goroutines", r.HeapPerConnection, r.StackPerConnection, r.Goroutines)
	}
	if r.SettledBytesPerConnection > 0 {
		p("settled (after collections): %.0f bytes = %.1f KiB per connection", r.SettledBytesPerConnection, r.SettledBytesPerConnection/1024)
	}
	if r.Errors > 0 {
		p("errors: %d", r.Errors)
	}
	return nil
}

// at is the p-quantile of sorted durations.
func at(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func dur(micros float64) time.Duration {
	return time.Duration(micros * 1e3).Round(time.Microsecond)
}

// perEvent prints a CPU time per event: µs with two decimals, which
// benchstat-minded readers compare, up to a millisecond.
func perEvent(micros float64) string {
	if micros < 1000 {
		return fmt.Sprintf("%.2f µs", micros)
	}
	return dur(micros).String()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
