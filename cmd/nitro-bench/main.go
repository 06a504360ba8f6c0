// Command nitro-bench measures a nitro server from outside: it starts the
// server as a child process, drives it with real WebSocket clients over
// loopback, and reads the server's CPU time and memory from /proc, so the
// figures are the server's own, not the load client's.
//
//	nitro-bench postback -clients 100 -duration 10s   # server CPU per postback round trip
//	nitro-bench idle -conns 10000                      # server memory per idle connection
//	nitro-bench paint -c 50 -duration 10s              # first paints per second, with wrk
//	nitro-bench chat -clients 100 -duration 10s        # pub/sub round trip, server CPU per message
//	nitro-bench broadcast -clients 1000 -rounds 20     # fan-out: until all have it
//
// It only ever connects to loopback addresses, and every loop is bounded in
// count and time.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = serve(args)
	case "postback":
		err = postback(args)
	case "idle":
		err = idle(args)
	case "paint":
		err = paint(args)
	case "chat":
		err = chat(args)
	case "broadcast":
		err = broadcast(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nitro-bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: nitro-bench <command> [flags]

commands:
  postback   closed-loop postback round trips; server CPU per event, latency
  idle       idle connections; server memory per connection
  paint      first paints of a 100-element page under wrk
  chat       message round trip through pub/sub (send, get your own copy back)
  broadcast  one message to every client of a room: until all have it
  serve      the server under test (started by the others)
`)
	flag.PrintDefaults()
	os.Exit(2)
}
