package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"
)

// options are the flags every mode shares, so that each means the same
// everywhere: how many clients, for how long, against which server, and
// how to print the result.
type options struct {
	mode     string
	clients  int
	duration time.Duration // measured time
	warmup   time.Duration // load before measuring, not counted
	timeout  time.Duration // the longest wait for any one reply
	max      int64         // the most events a closed loop measures
	json     bool
	rawURL   string
	pid      int
	sample   bool   // chat and broadcast: build and start samples/chat
	profile  string // a CPU profile of a server the tool starts

	target *url.URL // the parsed -url, nil for a server the tool starts
	fs     *flag.FlagSet
}

// Bounds, so that no flag makes a loop without end or a run without end.
const (
	maxClients  = 200_000
	maxDuration = 10 * time.Minute
	maxWarmup   = 5 * time.Minute
	maxTimeout  = 5 * time.Minute
)

// newOptions registers the shared flags of mode, with its defaults.
func newOptions(mode, what string, clients int, duration time.Duration) *options {
	o := &options{mode: mode, fs: flag.NewFlagSet(mode, flag.ContinueOnError)}
	fs := o.fs
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: nitro-bench %s [flags]\n\n%s\n\nflags:\n", mode, what)
		fs.PrintDefaults()
	}
	fs.IntVar(&o.clients, "clients", clients, "concurrent clients (connections)")
	fs.DurationVar(&o.duration, "duration", duration, "measured time, after the warm-up (at most 10m)")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "load before measuring, not counted")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "the longest wait for any one reply; longer is a failure")
	o.max = 20_000_000
	fs.BoolVar(&o.json, "json", false, "print the result as one JSON object")
	fs.StringVar(&o.rawURL, "url", "", "drive this page of a server already running on loopback (http://127.0.0.1:PORT/path)")
	fs.IntVar(&o.pid, "pid", 0, "with -url: the server's process id, to read its CPU time and memory from /proc")
	fs.StringVar(&o.profile, "serverprofile", "", "write a CPU profile of the server the tool starts to this file")
	return o
}

// withMax adds -max: a closed loop's bound in count besides -duration.
func (o *options) withMax() *options {
	o.fs.Int64Var(&o.max, "max", o.max, "stop after this many measured events")
	return o
}

// withSample adds -sample: the mode can measure samples/chat.
func (o *options) withSample() *options {
	o.fs.BoolVar(&o.sample, "sample", false, "build and start samples/chat (fresh data directory, free loopback port) and drive it as browsers do")
	return o
}

// parse reads args and checks the bounds.
func (o *options) parse(args []string) error {
	if err := o.fs.Parse(args); err != nil {
		return err
	}
	if o.fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", o.mode, o.fs.Args())
	}
	switch {
	case o.clients < 1 || o.clients > maxClients:
		return fmt.Errorf("-clients %d: from 1 to %d", o.clients, maxClients)
	case o.duration <= 0 || o.duration > maxDuration:
		return fmt.Errorf("-duration %v: more than 0, at most %v", o.duration, maxDuration)
	case o.warmup < 0 || o.warmup > maxWarmup:
		return fmt.Errorf("-warmup %v: at most %v", o.warmup, maxWarmup)
	case o.timeout <= 0 || o.timeout > maxTimeout:
		return fmt.Errorf("-timeout %v: more than 0, at most %v", o.timeout, maxTimeout)
	case o.max < 1:
		return fmt.Errorf("-max %d: at least 1", o.max)
	case o.sample && o.rawURL != "":
		return errors.New("-sample or -url, not both")
	case o.pid != 0 && o.rawURL == "":
		return errors.New("-pid goes with -url: a server the tool starts is measured without it")
	case o.pid < 0:
		return fmt.Errorf("-pid %d: a process id", o.pid)
	}
	if o.rawURL != "" {
		u, err := parseTarget(o.rawURL)
		if err != nil {
			return err
		}
		o.target = u
		if o.pid != 0 {
			if _, err := procCPU(o.pid); err != nil {
				return fmt.Errorf("-pid %d: %w", o.pid, err)
			}
		}
	}
	return nil
}

// server returns the server under test: the one at -url, the chat sample
// (-sample), or the tool's own built-in server.
func (o *options) server() (*child, error) {
	switch {
	case o.target != nil:
		if o.profile != "" {
			return nil, errors.New("-serverprofile: only for a server the tool starts")
		}
		return &child{addr: o.target.Host, pid: o.pid, what: o.target.String()}, nil
	case o.sample:
		return startSample(o.profile)
	}
	return startServer(o.profile)
}

// Modes take their arguments and print their result to out.
type mode func(args []string, out io.Writer) error

// start starts the server of the run (or finds the one at -url), and
// checks that the open-file limits allow files more descriptors.
func (o *options) start(files int) (*child, error) {
	srv, err := o.server()
	if err != nil {
		return nil, err
	}
	if err := checkFiles(files, srv); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}
