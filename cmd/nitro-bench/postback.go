package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// postback runs closed-loop postback round trips from many clients and
// reports the server's CPU per event.
func postback(args []string) error {
	fs := flag.NewFlagSet("postback", flag.ExitOnError)
	clients := fs.Int("clients", 100, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "measured time (after 1 s of warm-up)")
	maxEvents := fs.Int64("max", 50_000_000, "stop after this many events")
	fs.StringVar(&serverProfile, "serverprofile", "", "write a CPU profile of the server to this file")
	floor := fs.Bool("floor", false, "drive the bare gorilla/websocket server instead of a nitro page")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	target := fs.String("url", "", "drive this page of a server already running on loopback, instead of the built-in one")
	pid := fs.Int("pid", 0, "with -url: the server's process id, to read its CPU time")
	click := fs.String("click", "", "with -url: the id of the element whose postback to fire (default: the first wired)")
	fs.Parse(args)
	if *duration > 10*time.Minute {
		return fmt.Errorf("duration %v: at most 10m", *duration)
	}
	raiseFileLimit()
	var srv *child
	if *target != "" {
		srv = &child{pid: *pid}
	} else {
		var err error
		if srv, err = startServer(); err != nil {
			return err
		}
		defer srv.stop()
	}

	cs := make([]*client, *clients)
	for i := range cs {
		if *target != "" {
			c, err := dialPage(*target, *click)
			if err != nil {
				return err
			}
			if err := c.init(); err != nil {
				return err
			}
			cs[i] = c
			continue
		}
		path := "/bench"
		if *floor {
			path = "/floor"
		}
		c, err := dial(srv.addr, path)
		if err != nil {
			return err
		}
		if !*floor {
			if err := c.init(); err != nil {
				return err
			}
		} else {
			c.pickle = strings.Repeat("p", 190) // the same frame size
		}
		cs[i] = c
	}

	var (
		measuring atomic.Bool
		stop      atomic.Bool
		events    atomic.Int64
		mu        sync.Mutex
		lat       []time.Duration
		wg        sync.WaitGroup
		failed    atomic.Value
	)
	for _, c := range cs {
		wg.Add(1)
		go func(c *client) {
			defer wg.Done()
			frame := c.postbackFrame("hello from the bench, a message of typical length")
			var mine []time.Duration
			for !stop.Load() {
				t0 := time.Now()
				if err := c.ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
					failed.Store(err)
					return
				}
				c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
				_, data, err := c.ws.ReadMessage()
				if err != nil {
					failed.Store(err)
					return
				}
				if measuring.Load() {
					mine = append(mine, time.Since(t0))
					if events.Add(1) >= *maxEvents {
						stop.Store(true)
					}
				}
				if t, err := bert.Decode(data); (*target != "" && (err != nil || !t.Is("io", 3))) || (*target == "" && len(data) < 1000) {
					failed.Store(fmt.Errorf("unexpected reply %v (%v)", t, err))
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(c)
	}
	time.Sleep(time.Second) // warm-up
	cpu0, _ := srv.cpu()
	selfCPU0 := selfCPU()
	mem0, _ := srv.mem(false)
	t0 := time.Now()
	measuring.Store(true)
	deadline := time.After(*duration)
	tick := time.NewTicker(50 * time.Millisecond)
	for done := false; !done; {
		select {
		case <-deadline:
			done = true
		case <-tick.C:
			done = stop.Load() || failed.Load() != nil
		}
	}
	measuring.Store(false)
	elapsed := time.Since(t0)
	cpu1, _ := srv.cpu()
	mem1, _ := srv.mem(false)
	n := events.Load()
	stop.Store(true)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	what := "nitro postback"
	if *target != "" {
		what = "postback on " + *target
	}
	if *floor {
		what = "floor (bare gorilla)"
	}
	toolCPU := selfCPU() - selfCPU0
	r := result{
		Mode: what, Clients: *clients, Events: n, Seconds: elapsed.Seconds(),
		EventsPerSec:     float64(n) / elapsed.Seconds(),
		ServerCPUPerEvUs: float64((cpu1 - cpu0).Nanoseconds()) / 1e3 / float64(n),
		ToolCPUPerEvUs:   float64(toolCPU.Nanoseconds()) / 1e3 / float64(n),
		AllocsPerEvent:   float64(mem1.Mallocs-mem0.Mallocs) / float64(n),
		BytesPerEvent:    float64(mem1.Bytes-mem0.Bytes) / float64(n),
		P50Us:            us(pct(0.5)), P90Us: us(pct(0.9)), P99Us: us(pct(0.99)), MaxUs: us(pct(1)),
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf("%s: %d clients, %d events in %v: %.0f events/s\n", what, *clients, n, elapsed.Round(time.Millisecond), r.EventsPerSec)
	if srv.pid != 0 {
		fmt.Printf("server CPU: %v = %.2f µs per event (the load tool: %.2f µs per event)\n", cpu1-cpu0, r.ServerCPUPerEvUs, r.ToolCPUPerEvUs)
	} else {
		fmt.Printf("server CPU: unknown without -pid (the load tool: %.2f µs per event)\n", r.ToolCPUPerEvUs)
	}
	if srv.cmd != nil {
		fmt.Printf("server allocations: %.1f per event, %.0f bytes per event; %d GCs\n", r.AllocsPerEvent, r.BytesPerEvent, mem1.GCs-mem0.GCs)
	}
	fmt.Printf("latency: p50 %v, p90 %v, p99 %v, max %v\n", pct(0.5).Round(time.Microsecond), pct(0.9).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
	return nil
}

// result is what postback measured, for -json.
type result struct {
	Mode                          string
	Clients                       int
	Events                        int64
	Seconds, EventsPerSec         float64
	ServerCPUPerEvUs              float64 `json:"ServerCPUPerEventMicros"`
	ToolCPUPerEvUs                float64 `json:"ToolCPUPerEventMicros"`
	AllocsPerEvent, BytesPerEvent float64
	P50Us, P90Us, P99Us, MaxUs    float64 `json:",omitempty"`
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// selfCPU returns the load tool's own CPU time (user + system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
