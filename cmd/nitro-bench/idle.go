package main

import (
	"errors"
	"io"
	"net/url"
	"time"
)

// idle opens many connections that init and then stay quiet, as pages
// left open in tabs, and reports the server's resident memory per
// connection: of the built-in page, of a chat room (-sample), or of the
// page at -url. Its events are the connections: their rate and latency are
// those of opening one (first paint with -url, socket, init). With -url,
// measure a server freshly started: one that has run other loads holds
// memory it will reuse, and shows less per connection than it costs.
func idle(args []string, out io.Writer) error {
	o := newOptions("idle", "idle connections: pages opened, then left quiet; the server's memory per connection", 10000, 3*time.Second).withSample()
	o.fs.Lookup("duration").Usage = "how long the connections stay quiet before the server's memory is read"
	o.fs.Lookup("warmup").Usage = "wait after the first connection before the baseline is read"
	o.warmup = 3 * time.Second
	o.fs.Lookup("warmup").DefValue = "3s"
	o.fs.IntVar(&o.clients, "conns", o.clients, "the same as -clients")
	o.fs.DurationVar(&o.duration, "settle", o.duration, "the same as -duration")
	heapProfile := o.fs.String("heapprofile", "", "built-in server: write its heap profile, with the connections open, to this file")
	if err := o.parse(args); err != nil {
		return err
	}
	if o.target != nil && o.pid == 0 {
		return errors.New("idle measures the server's memory: give -pid with -url")
	}
	srv, err := o.start(o.clients + 1)
	if err != nil {
		return err
	}
	defer srv.stop()
	if *heapProfile != "" && !srv.builtin {
		return errors.New("-heapprofile: the built-in server only")
	}
	b := newBrowser(o.timeout)
	page, paint := o.target, true
	if page == nil {
		page, paint = &url.URL{Host: srv.addr, Path: "/bench"}, false
	}
	open := func(int) (*client, error) {
		var c *client
		var err error
		if o.sample {
			// A chat room left open in many tabs by one user: each
			// connection logs in (a session of its own), joins the
			// room and its pub/sub topic, and shows the history.
			c, err = joinRoom(b, o, srv, "idle", "idle-room")
		} else {
			c, err = b.visit(page, paint, "-")
		}
		if err == nil {
			go c.drain() // answer the server's pings while idle, as a browser does
		}
		return c, err
	}

	// One connection first, so that what a server pays once (code pages,
	// pools, the first goroutines) is in the baseline.
	warm, err := open(0)
	if err != nil {
		return err
	}
	defer warm.ws.Close()
	time.Sleep(o.warmup)
	r := newResult(o, srv, "connection", "open and init")
	if r.RSSBefore, err = srv.rss(); err != nil {
		return err
	}
	memBefore, _ := srv.mem(false)
	a := srv.snapshot()
	cs, took, err := b.connect(srv, o.clients, open)
	if err != nil {
		return err
	}
	defer closeAll(cs)
	r.measured(a, srv.snapshot(), int64(len(cs)), took)
	r.AllocsPerEvent, r.BytesPerEvent, r.GCs = 0, 0, 0 // of opening, not of holding: left out
	time.Sleep(o.duration)
	if r.RSSAfter, err = srv.rss(); err != nil {
		return err
	}
	n := float64(o.clients)
	r.BytesPerConnection = float64(r.RSSAfter-r.RSSBefore) / n
	if srv.builtin {
		memAfter, err := srv.mem(false)
		if err != nil {
			return err
		}
		r.HeapPerConnection = float64(int64(memAfter.Heap)-int64(memBefore.Heap)) / n
		r.StackPerConnection = float64(int64(memAfter.Stack)-int64(memBefore.Stack)) / n
		r.Goroutines = memAfter.Goroutines
		if *heapProfile != "" {
			if err := srv.fetch("/debug/pprof/heap", *heapProfile); err != nil {
				return err
			}
		}
		// Then as the server settles on its own within minutes:
		// collections shrink idle goroutines' stacks, and freed memory
		// goes back to the OS.
		if _, err := srv.mem(true); err != nil {
			return err
		}
		settled, err := srv.rss()
		if err != nil {
			return err
		}
		r.SettledBytesPerConnection = float64(settled-r.RSSBefore) / n
	}
	return r.print(out, o.json)
}
