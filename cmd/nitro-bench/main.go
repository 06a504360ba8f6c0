// Command nitro-bench is a load generator that speaks the N2O wire
// protocol as a browser does: an HTTP GET of the page (its X-Auth-Token
// cookie is the session), the WebSocket at /ws + the page's path, the
// "N2O," init, postbacks built from the pickles and sources the page's
// JavaScript wires, and pub/sub pushes read as they come. It drives any
// N2O-protocol server on a loopback address: its own built-in server (the
// default), the chat sample it builds and starts (-sample), or a server
// already running (-url, with -pid to read its CPU time and memory from
// /proc). The server is always a process of its own, so the figures are
// the server's and not the load's.
//
// # Modes
//
//	nitro-bench postback  -clients 100 -duration 10s       # postback round trips: server CPU per event
//	nitro-bench ping      -clients 100 -duration 10s       # PING -> PONG round trips (the heart protocol)
//	nitro-bench chat      -clients 100 -duration 10s       # message round trip through pub/sub, built-in room
//	nitro-bench chat      -sample -clients 100             # the same through samples/chat: login, store, push
//	nitro-bench broadcast -clients 1000 -rounds 20         # one message to a room of 1,000: until all have it
//	nitro-bench broadcast -sample -clients 1000            # the same through samples/chat
//	nitro-bench idle      -clients 10000                   # server memory per idle connection
//	nitro-bench paint     -clients 50 -duration 10s        # first paints per second, with wrk
//	nitro-bench paint     -sample -messages 200            # the same of the chat's room, logged in, with its history
//	nitro-bench hostile   -clients 16 -duration 10s        # sockets that never log in, frames costly to decode: peak server memory
//	nitro-bench tcp       -clients 100 -duration 10s       # line echo through nitro/tcp's chain, then a bare Go line echo (the floor)
//
// and against a server already running on loopback:
//
//	nitro-bench chat      -url http://127.0.0.1:8000/login -pid 1234 -clients 100
//	nitro-bench broadcast -url http://127.0.0.1:8000/login -pid 1234 -clients 1000
//	nitro-bench postback  -url http://127.0.0.1:8000/page -pid 1234 -click save
//	nitro-bench idle      -url http://127.0.0.1:8000/login -pid 1234 -clients 10000
//	nitro-bench paint     -url http://127.0.0.1:8000/login -pid 1234
//	nitro-bench hostile   -url http://127.0.0.1:8000/login -pid 1234 -clients 16
//
// Chat and broadcast against the sample or a -url log in as a browser does
// on the sample's login page (N2O's ids: user, pass, loginButton), follow
// its redirect to the room, and send with the room's message box and send
// button; a message has arrived when a pushed io frame's JavaScript holds
// its text.
//
// # Flags and report
//
// Every mode takes -clients, -duration, -warmup, -timeout, -json, -url,
// -pid and -serverprofile, and prints the same report: events per second,
// latency p50/p90/p99/max, the server's CPU per event (from
// /proc/PID/stat) and the tool's own (getrusage), so that a reader sees
// which of the two was the bottleneck; -json prints it as one object.
// Idle adds the server's memory per connection, broadcast the deliveries,
// hostile the server's memory before, at its peak and at the end.
//
// # Limits
//
// The tool only connects to loopback IPs (names are refused, not
// resolved), and every loop is bounded in count (-max, -rounds) and in
// time (-duration, -timeout). It raises its own open-file limit for large
// -clients, dials from 127.0.0.2, 127.0.0.3, ... once one source address
// runs short of ephemeral ports, and says which limit stopped a run (its
// own open files, the server's, or the ports) rather than hang.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// modes are the commands, by name.
var modes = map[string]mode{
	"postback":  postback,
	"ping":      ping,
	"chat":      chat,
	"broadcast": broadcast,
	"idle":      idle,
	"paint":     paint,
	"hostile":   hostile,
	"tcp":       tcpEcho,
	"serve":     serve,
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	m, ok := modes[os.Args[1]]
	if !ok {
		usage(os.Stderr)
		os.Exit(2)
	}
	if err := m(os.Args[2:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "nitro-bench:", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: nitro-bench <mode> [flags]    (nitro-bench <mode> -h lists a mode's flags)

modes:
  postback   closed-loop postback round trips; server CPU per event, latency
               nitro-bench postback -clients 100 -duration 10s [-floor]
  ping       closed-loop PING -> PONG (the heart protocol)
               nitro-bench ping -clients 100 -duration 10s [-floor]
  chat       message round trip through pub/sub: send, get your own copy back
               nitro-bench chat -clients 100 -duration 10s          (built-in room, no store)
               nitro-bench chat -sample -clients 100                (samples/chat, built and started)
  broadcast  one message to every client of a room: until all have it
               nitro-bench broadcast -clients 1000 -rounds 20 [-sample]
  idle       idle connections: server memory per connection
               nitro-bench idle -clients 10000
  paint      first paints of a page under wrk: requests/s, latency
               nitro-bench paint -clients 50 -duration 10s
  hostile    sockets that never log in, sending frames costly to decode: peak server memory
               nitro-bench hostile -clients 16 -duration 10s [-sample] [-shape lists|tuples|binaries]
  tcp        closed-loop line echo over TCP: nitro/tcp's chain, then a bare Go line echo (the floor)
               nitro-bench tcp -clients 100 -duration 10s
  serve      the built-in server (the others start it)

every mode: -clients N -duration D -warmup D -timeout D -json
            -url http://127.0.0.1:PORT/path -pid PID   (a server already running, loopback only)
  e.g.     nitro-bench chat -url http://127.0.0.1:8000/login -pid 1234 -clients 100
`)
}
