package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/tcp"
)

// tcpEcho measures nitro/tcp: closed loops of a line echoed through the
// protocol chain (a Lines connection, the echo page), then the same
// client against a bare Go line-echo server, the floor, in the same run
// and the same server process.
func tcpEcho(args []string, out io.Writer) error {
	o := newOptions("tcp", "closed-loop line echo over loopback TCP: through nitro/tcp's chain, then a bare Go line-echo server (the floor)", 100, 10*time.Second).withMax()
	if err := o.parse(args); err != nil {
		return err
	}
	if o.target != nil {
		return errors.New("tcp drives the built-in server only: not with -url")
	}
	srv, err := o.start(o.clients)
	if err != nil {
		return err
	}
	defer srv.stop()
	addrs, err := tcpAddrs(srv)
	if err != nil {
		return err
	}
	var cpu [2]float64
	for i, t := range []struct{ addr, what string }{
		{addrs[0], "built-in nitro/tcp (lines, echo page)"},
		{addrs[1], "built-in floor (bare Go line echo)"},
	} {
		r, err := echoRun(o, srv, t.addr)
		if err != nil {
			return fmt.Errorf("%s: %w", t.what, err)
		}
		r.Server = t.what
		cpu[i] = r.ServerCPUPerEventMicros
		if err := r.print(out, o.json); err != nil {
			return err
		}
	}
	if !o.json && cpu[1] > 0 {
		fmt.Fprintf(out, "server CPU per echo: chain %.2f µs, floor %.2f µs: %.2f× the floor\n", cpu[0], cpu[1], cpu[0]/cpu[1])
	}
	return nil
}

// echoRun runs the closed loop against one line-echo listener.
func echoRun(o *options, srv *child, addr string) (*result, error) {
	type conn struct {
		nc net.Conn
		r  *bufio.Reader
	}
	conns := make([]conn, o.clients)
	defer func() {
		for _, c := range conns {
			if c.nc != nil {
				c.nc.Close()
			}
		}
	}()
	for i := range conns {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			return nil, dialError(i, err, srv)
		}
		conns[i] = conn{nc, bufio.NewReaderSize(nc, 256)}
	}
	const line = "the quick brown fox jumps over the lazy dog\n"
	l, err := closedLoop(o, srv, make([]*client, o.clients), func(_ *client, i, _ int) error {
		c := conns[i]
		c.nc.SetDeadline(time.Now().Add(o.timeout))
		if _, err := io.WriteString(c.nc, line); err != nil {
			return err
		}
		got, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if string(got) != line {
			return fmt.Errorf("got %q, want %q", got, line)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := newResult(o, srv, "echo", "line to its echo")
	r.measured(l.a, l.b, l.events, l.lat)
	return r, nil
}

// tcpAddrs asks the built-in server where its line-echo listeners are.
func tcpAddrs(srv *child) ([2]string, error) {
	var addrs [2]string
	resp, err := http.Get("http://" + srv.addr + "/debug/tcp")
	if err != nil {
		return addrs, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return addrs, err
	}
	f := strings.Fields(string(b))
	if resp.StatusCode != http.StatusOK || len(f) != 2 {
		return addrs, fmt.Errorf("/debug/tcp: %s %q", resp.Status, b)
	}
	for i, a := range f {
		if err := loopbackOnly(a); err != nil {
			return addrs, err
		}
		addrs[i] = a
	}
	return addrs, nil
}

// echoPage echoes each line through the chain: Heart and Nitro pass it
// on, tcp.Messages gives it to the page, whose Wire is the reply.
var echoPage = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	if line, ok := ev.(nitro.Text); ok {
		cx.Wire(string(line))
	}
})

// serveTCP starts the built-in server's line-echo listeners on loopback:
// the echo page over nitro/tcp, with a server of its own (its chain has
// tcp.Messages), and the floor. The handler it returns tells their
// addresses, the chain's first.
func serveTCP(ring *nitro.KeyRing) (http.Handler, error) {
	srv, err := nitro.New(nitro.Config{Keys: ring, Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
	if err != nil {
		return nil, err
	}
	chain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	floor, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		chain.Close()
		return nil, err
	}
	go tcp.New(srv, tcp.Config{}).Serve(chain, echoPage)
	go floorEcho(floor)
	addrs := chain.Addr().String() + "\n" + floor.Addr().String() + "\n"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, addrs) }), nil
}

// floorEcho is the floor under nitro/tcp: a bare Go line-echo server, a
// goroutine per connection reading lines with bufio and writing each
// back. No framing limits, no loop, no page.
func floorEcho(ln net.Listener) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer nc.Close()
			r := bufio.NewReader(nc)
			for {
				line, err := r.ReadSlice('\n')
				if err != nil {
					return
				}
				if _, err := nc.Write(line); err != nil {
					return
				}
			}
		}()
	}
}
