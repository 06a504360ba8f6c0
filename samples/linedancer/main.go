// Command linedancer serves two raw TCP listeners, after linedancer's
// example: one echoes each line, one speaks Nitro's protocol over lines,
// so that a person at netcat can chat in a room.
//
//	go run ./samples/linedancer
//	nc localhost 7000        # type a line: it comes back
//	nc localhost 7001        # JOIN lobby, SAY hello, NAME ann, PING
//
// Start two netcats on the second port, join the same room in both, and
// what one says the other sees.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/tcp"
)

func main() {
	addr := flag.String("addr", "localhost:7000", "the echo listener's address")
	nitroAddr := flag.String("nitro-addr", "localhost:7001", "the chat listener's address: Nitro over lines")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	echoLn, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	chatLn, err := net.Listen("tcp", *nitroAddr)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, echoLn, chatLn, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves both listeners until ctx ends, then drains them.
func run(ctx context.Context, echoLn, chatLn net.Listener, out io.Writer) error {
	app, err := newApp()
	if err != nil {
		echoLn.Close()
		chatLn.Close()
		return err
	}
	fmt.Fprintf(out, "linedancer: echo on %s, chat (Nitro over lines) on %s\n", echoLn.Addr(), chatLn.Addr())
	errs := make(chan error, 2)
	go func() { errs <- app.echo.ServeRaw(echoLn, Echo) }()
	go func() { errs <- app.chat.Serve(chatLn, Chat) }()
	select {
	case <-ctx.Done():
	case err = <-errs: // a listener failed: stop the other
	}
	drain, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	app.echo.Shutdown(drain)
	app.chat.Shutdown(drain)
	app.srv.Close()
	if errors.Is(err, tcp.ErrServerClosed) {
		err = nil
	}
	return err
}

// app is the sample's servers.
type app struct {
	srv        *nitro.Server
	echo, chat *tcp.Server
}

func newApp() (*app, error) {
	// A key of this run's only: no browser page outlives it.
	k, err := nitro.GenerateKey(1)
	if err != nil {
		return nil, err
	}
	ring, err := nitro.NewKeyRing(k)
	if err != nil {
		return nil, err
	}
	srv, err := nitro.New(nitro.Config{Keys: ring, Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
	if err != nil {
		return nil, err
	}
	return &app{srv: srv, echo: tcp.New(nil, tcp.Config{}), chat: tcp.New(srv, tcp.Config{Path: "/chat"})}, nil
}
