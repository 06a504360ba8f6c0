package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// chat measures the message round trip of a chat without a store: each
// client in a room of its own sends a message and waits for its own copy
// pushed back through pub/sub.
func chat(args []string) error {
	fs := flag.NewFlagSet("chat", flag.ExitOnError)
	clients := fs.Int("clients", 100, "concurrent clients, each in its own room")
	duration := fs.Duration("duration", 10*time.Second, "measured time (after 1 s of warm-up)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.Parse(args)
	if *duration > 10*time.Minute {
		return fmt.Errorf("duration %v: at most 10m", *duration)
	}
	raiseFileLimit()
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()
	cs := make([]*client, *clients)
	for i := range cs {
		if cs[i], err = roomClient(srv.addr, "r"+strconv.Itoa(i)); err != nil {
			return err
		}
	}
	var (
		measuring, stop atomic.Bool
		events          atomic.Int64
		mu              sync.Mutex
		lat             []time.Duration
		wg              sync.WaitGroup
		failed          atomic.Value
	)
	for i, c := range cs {
		wg.Add(1)
		go func(i int, c *client) {
			defer wg.Done()
			var mine []time.Duration
			for n := 0; !stop.Load(); n++ {
				tag := "m" + strconv.Itoa(i) + "-" + strconv.Itoa(n)
				t0 := time.Now()
				if err := c.ws.WriteMessage(websocket.BinaryMessage, c.postbackFrame(tag)); err != nil {
					failed.Store(err)
					return
				}
				if err := c.await(tag, 10*time.Second); err != nil {
					failed.Store(err)
					return
				}
				if measuring.Load() {
					mine = append(mine, time.Since(t0))
					events.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(i, c)
	}
	time.Sleep(time.Second)
	cpu0, _ := srv.cpu()
	t0 := time.Now()
	measuring.Store(true)
	for end := time.Now().Add(*duration); time.Now().Before(end) && failed.Load() == nil; {
		time.Sleep(50 * time.Millisecond)
	}
	measuring.Store(false)
	elapsed := time.Since(t0)
	cpu1, _ := srv.cpu()
	stop.Store(true)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	n := events.Load()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := map[string]any{"Mode": "chat", "Clients": *clients, "Messages": n, "Seconds": elapsed.Seconds(),
		"ServerCPUPerMessageMicros": float64((cpu1 - cpu0).Nanoseconds()) / 1e3 / float64(n),
		"P50Micros":                 us(at(lat, 0.5)), "P99Micros": us(at(lat, 0.99))}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf("chat (no store): %d clients, %d messages in %v: %.0f/s\n", *clients, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	fmt.Printf("server CPU: %v = %.2f µs per message (the postback, its reply, and the push back)\n", cpu1-cpu0, r["ServerCPUPerMessageMicros"])
	fmt.Printf("latency: p50 %v, p99 %v\n", at(lat, 0.5).Round(time.Microsecond), at(lat, 0.99).Round(time.Microsecond))
	return nil
}

// broadcast measures fan-out: one message to every client of one room,
// the time until the last has it.
func broadcast(args []string) error {
	fs := flag.NewFlagSet("broadcast", flag.ExitOnError)
	clients := fs.Int("clients", 1000, "clients in the room")
	rounds := fs.Int("rounds", 20, "messages sent, one at a time")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.StringVar(&serverProfile, "serverprofile", "", "write a CPU profile of the server to this file")
	fs.Parse(args)
	if *rounds > 10000 || *clients > 100000 {
		return fmt.Errorf("at most 10000 rounds and 100000 clients")
	}
	raiseFileLimit()
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()
	cs := make([]*client, *clients)
	for i := range cs {
		if cs[i], err = roomClient(srv.addr, "all"); err != nil {
			return fmt.Errorf("client %d: %v", i, err)
		}
	}
	var all, first []time.Duration
	cpu0, _ := srv.cpu()
	for round := 0; round < *rounds; round++ {
		tag := "round-" + strconv.Itoa(round)
		var wg sync.WaitGroup
		got := make([]time.Time, len(cs))
		errs := make(chan error, len(cs))
		for i, c := range cs {
			wg.Add(1)
			go func(i int, c *client) {
				defer wg.Done()
				if err := c.await(tag, 30*time.Second); err != nil {
					errs <- err
					return
				}
				got[i] = time.Now()
			}(i, c)
		}
		t0 := time.Now()
		if err := cs[0].ws.WriteMessage(websocket.BinaryMessage, cs[0].postbackFrame(tag)); err != nil {
			return err
		}
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
		}
		last, earliest := time.Duration(0), time.Duration(1<<62)
		for _, g := range got {
			d := g.Sub(t0)
			last, earliest = max(last, d), min(earliest, d)
		}
		all, first = append(all, last), append(first, earliest)
	}
	cpu1, _ := srv.cpu()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	sort.Slice(first, func(i, j int) bool { return first[i] < first[j] })
	r := map[string]any{"Mode": "broadcast", "Clients": *clients, "Rounds": *rounds,
		"AllHaveItP50Micros": us(at(all, 0.5)), "AllHaveItMaxMicros": us(at(all, 1)), "FirstHasItP50Micros": us(at(first, 0.5)),
		"ServerCPUPerRoundMicros": float64((cpu1 - cpu0).Nanoseconds()) / 1e3 / float64(*rounds)}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf("broadcast: %d clients in one room, %d rounds\n", *clients, *rounds)
	fmt.Printf("all have it: p50 %v, max %v; the first has it: p50 %v\n", at(all, 0.5).Round(time.Microsecond), at(all, 1).Round(time.Microsecond), at(first, 0.5).Round(time.Microsecond))
	fmt.Printf("server CPU: %.0f µs per round\n", r["ServerCPUPerRoundMicros"])
	return nil
}

func at(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}

// roomClient joins room on the bench server's room page.
func roomClient(addr, room string) (*client, error) {
	c, err := dial(addr, "/room?room="+room)
	if err != nil {
		return nil, err
	}
	return c, c.init()
}

// await reads frames until one carries tag.
func (c *client) await(tag string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c.ws.SetReadDeadline(deadline)
	want := []byte(tag)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return err
		}
		if bytes.Contains(data, want) {
			return nil
		}
	}
}
