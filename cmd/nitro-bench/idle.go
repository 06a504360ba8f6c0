package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"
)

var heapProfile string

// idle opens many connections that init and then stay quiet, and reports
// the server's resident memory per connection.
func idle(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	conns := fs.Int("conns", 10000, "idle connections")
	settle := fs.Duration("settle", 3*time.Second, "wait before reading memory")
	fs.StringVar(&heapProfile, "heapprofile", "", "write the server's heap profile, with the connections open, to this file")
	fs.Parse(args)
	if *conns > 200_000 {
		return fmt.Errorf("conns %d: at most 200000", *conns)
	}
	raiseFileLimit()
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()

	// One connection first, so that what every server pays once (code
	// pages, pools, the first goroutines) is in the baseline.
	warm, err := dial(srv.addr, "/bench")
	if err != nil {
		return err
	}
	if err := warm.init(); err != nil {
		return err
	}
	time.Sleep(*settle)
	before, err := srv.rss()
	if err != nil {
		return err
	}
	memBefore, err := srv.mem(false)
	if err != nil {
		return err
	}
	cs := make([]*client, 0, *conns)
	for i := 0; i < *conns; i++ {
		c, err := dial(srv.addr, "/bench")
		if err != nil {
			return fmt.Errorf("connection %d: %v", i, err)
		}
		if err := c.init(); err != nil {
			return fmt.Errorf("connection %d: %v", i, err)
		}
		// Answer the server's pings while idle, as a browser does.
		go func() {
			for {
				if _, _, err := c.ws.NextReader(); err != nil {
					return
				}
			}
		}()
		c.ws.SetReadDeadline(time.Time{})
		cs = append(cs, c)
	}
	time.Sleep(*settle)
	after, err := srv.rss()
	if err != nil {
		return err
	}
	memAfter, err := srv.mem(false)
	if err != nil {
		return err
	}
	per := float64(after-before) / float64(*conns)
	fmt.Printf("idle: %d connections (initialised, then quiet)\n", *conns)
	fmt.Printf("server RSS: %.1f MiB before, %.1f MiB after: %.0f bytes = %.1f KiB per connection\n",
		float64(before)/(1<<20), float64(after)/(1<<20), per, per/1024)
	n := float64(*conns)
	fmt.Printf("of which Go heap %.0f B, stacks %.0f B per connection; goroutines %d -> %d\n",
		float64(memAfter.Heap-memBefore.Heap)/n, float64(memAfter.Stack-memBefore.Stack)/n, memBefore.Goroutines, memAfter.Goroutines)
	// Then as the server settles: collections shrink the stacks of idle
	// goroutines, and freed memory goes back to the OS.
	if heapProfile != "" {
		if err := srv.fetch("/debug/pprof/heap", heapProfile); err != nil {
			return err
		}
	}
	memSettled, err := srv.mem(true)
	if err != nil {
		return err
	}
	settled, err := srv.rss()
	if err != nil {
		return err
	}
	per = float64(settled-before) / n
	fmt.Printf("settled (after GC): RSS %.1f MiB: %.0f bytes = %.1f KiB per connection; Go heap %.0f B, stacks %.0f B per connection\n",
		float64(settled)/(1<<20), per, per/1024, float64(memSettled.Heap-memBefore.Heap)/n, float64(memSettled.Stack-memBefore.Stack)/n)
	runtime.KeepAlive(cs)
	return nil
}
