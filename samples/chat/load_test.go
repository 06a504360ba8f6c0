package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The load tests measure the sample as a process of its own, driven by
// WebSocket clients in the test, reading the server's CPU time from
// /proc: the figures are the server's, durable writes included. They run
// only when asked:
//
//	go test ./samples/chat -run Load -chat.load -v
var (
	loadOn       = flag.Bool("chat.load", false, "run the load measurements")
	loadClients  = flag.Int("chat.clients", 100, "round trip: clients, each in a room of its own")
	loadDuration = flag.Duration("chat.duration", 5*time.Second, "round trip: how long to measure")
	loadFanout   = flag.Int("chat.fanout", 1000, "broadcast: clients in the room")
	loadRounds   = flag.Int("chat.rounds", 20, "broadcast: rounds")
	loadProfile  = flag.String("chat.profile", "", "write the server's CPU profile to this file")
	loadMem      = flag.String("chat.memprofile", "", "write the server's allocation profile to this file")
)

// cpu returns the process's user+system CPU time, from /proc.
func (c *child) cpu(tb testing.TB) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz
}

func mustLoadServer(tb testing.TB) *child {
	tb.Helper()
	if !*loadOn {
		tb.Skip("a load measurement: run with -chat.load")
	}
	dir := tb.TempDir()
	var args []string
	if *loadProfile != "" {
		args = append(args, "-cpuprofile", *loadProfile)
	}
	if *loadMem != "" {
		args = append(args, "-memprofile", *loadMem)
	}
	if len(args) == 0 {
		return mustStart(tb, mustBuild(tb, dir), dir+"/data")
	}
	p := mustStart(tb, mustBuild(tb, dir), dir+"/data", args...)
	tb.Cleanup(p.stop) // runs before the kill: the profile is written
	return p
}

// TestLoadRoundTrip: clients in closed loops, each sending a message and
// waiting for its own push (stored, fsync'd, published, rendered); the
// server's CPU per message.
func TestLoadRoundTrip(t *testing.T) {
	p := mustLoadServer(t)
	n := *loadClients
	clients := make([]*wsClient, n)
	for i := range clients {
		c, err := wsEnter(p.addr, "user"+strconv.Itoa(i), "room"+strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients[i] = c
	}
	var msgs atomic.Int64
	var lat []time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// warm up, then measure
	cpu0 := p.cpu(t)
	start := time.Now()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for k := 0; ; k++ {
				select {
				case <-stop:
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
					return
				default:
				}
				text := "m" + strconv.Itoa(i) + "-" + strconv.Itoa(k) + "."
				t0 := time.Now()
				if err := c.postback("send", "message", text); err != nil {
					t.Error(err)
					return
				}
				if _, err := c.waitJS(text, 10*time.Second); err != nil {
					t.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
				msgs.Add(1)
			}
		}()
	}
	time.Sleep(*loadDuration)
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	cpu := p.cpu(t) - cpu0
	m := msgs.Load()
	slices.Sort(lat)
	t.Logf("%d clients (a room each), %v: %d messages, %.0f/s; server CPU %v = %.2f µs per message; latency p50 %v p99 %v",
		n, elapsed.Round(time.Millisecond), m, float64(m)/elapsed.Seconds(), cpu, float64(cpu.Microseconds())/float64(m),
		lat[len(lat)/2], lat[len(lat)*99/100])
}

// TestLoadBroadcast: clients in one room; one of them sends, and the time
// until every client has the message is taken, over rounds.
func TestLoadBroadcast(t *testing.T) {
	p := mustLoadServer(t)
	n := *loadFanout
	clients := make([]*wsClient, n)
	for i := range clients {
		c, err := wsEnter(p.addr, "user"+strconv.Itoa(i), "hall")
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		defer c.Close()
		clients[i] = c
	}
	// Each client reads all the time (the presence of the others arrives
	// meanwhile) and reports when it sees a round's marker.
	type seen struct {
		round int
		at    time.Time
	}
	got := make(chan seen, n)
	for _, c := range clients[1:] {
		go func() {
			for {
				js, err := c.readIO()
				if err != nil {
					return
				}
				if i := strings.Index(js, "round-"); i >= 0 {
					j := strings.IndexByte(js[i:], '.')
					r, _ := strconv.Atoi(js[i+6 : i+j])
					got <- seen{r, time.Now()}
				}
			}
		}()
	}
	sender := clients[0]
	// Let the presence pushes of the joins drain: wait until the server
	// is idle.
	for prev, deadline := p.cpu(t), time.Now().Add(60*time.Second); time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond)
		now := p.cpu(t)
		if now-prev < 20*time.Millisecond {
			break
		}
		prev = now
	}
	var all, firsts []time.Duration
	cpu0 := p.cpu(t)
	for r := range *loadRounds {
		text := "round-" + strconv.Itoa(r) + "."
		t0 := time.Now()
		if err := sender.postback("send", "message", text); err != nil {
			t.Fatal(err)
		}
		var first, last time.Time
		for k := 0; k < n-1; k++ {
			select {
			case s := <-got:
				if s.round != r {
					t.Fatalf("round %d: a client saw round %d", r, s.round)
				}
				if k == 0 {
					first = s.at
				}
				last = s.at
			case <-time.After(10 * time.Second):
				t.Fatalf("round %d: %d of %d clients had the message", r, k, n-1)
			}
		}
		if _, err := sender.waitJS(text, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		all = append(all, last.Sub(t0))
		firsts = append(firsts, first.Sub(t0))
		time.Sleep(50 * time.Millisecond)
	}
	cpu := p.cpu(t) - cpu0
	sorted := slices.Clone(all)
	slices.Sort(sorted)
	slices.Sort(firsts)
	t.Logf("%d clients in one room, %d rounds: all have the message in p50 %v (min %v, max %v); the first has it in p50 %v; server CPU %v per round",
		n, len(all), sorted[len(sorted)/2], sorted[0], sorted[len(sorted)-1], firsts[len(firsts)/2], cpu/time.Duration(len(all)))
}
