package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	pprofhttp "net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ws"
	"github.com/nitrogo/framework/pages"
)

// replyJS is about 1 KiB of JavaScript, the reply size of the floor
// measurement (a bare gorilla server answering 300 B with 1 KiB).
var replyJS = "qi('out').innerText='" + strings.Repeat("x", 1000) + "';"

// benchPage wires one button whose postback answers with replyJS.
var benchPage = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	switch ev.(type) {
	case nitro.Init:
		p := cx.Pickle(bert.Atom("go"), "btn")
		cx.Wire("{var x=qi('btn'); x && x.addEventListener('click',function(event){ws.send(enc(tuple(atom('pickle'),bin('btn'),bin('" + p + "'),[tuple(tuple(bin('btn'),bin('detail')),[]),tuple(atom('msg'),querySource('msg'))])));});};")
	case nitro.Postback:
		cx.Wire(replyJS)
	}
})

// serve runs the built-in server until SIGINT or SIGTERM: the pages the
// modes drive, on a loopback address it prints as "listening ADDR".
func serve(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the server to this file")
	fs.Parse(args)
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	raiseFileLimit(maxClients + fileReserve)
	ring, err := benchKeys()
	if err != nil {
		return err
	}
	srv, err := nitro.New(nitro.Config{Keys: ring, SendQueue: 1024})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := chi.NewRouter()
	pages.New(srv).Mount(mux, "/page", paintPage{})
	sockets := ws.New(srv, ws.Config{})
	mux.Handle("/ws/bench", sockets.Handler(benchPage))
	mux.Handle("/ws/room", sockets.Handler(roomPage))
	mux.Handle("/ws/floor", floorHandler())
	mux.Handle("/ws/floor/room", floorRoom())
	lines, err := serveTCP(ring) // nitro-bench tcp's listeners
	if err != nil {
		return err
	}
	mux.Handle("/debug/tcp", lines)
	mux.HandleFunc("/debug/pprof/heap", pprofhttp.Index)
	mux.HandleFunc("/debug/mem", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("gc") != "" {
			// What an idle server comes to on its own within minutes:
			// collections shrink idle goroutines' stacks, and the
			// scavenger returns freed memory to the OS.
			runtime.GC()
			runtime.GC()
			debug.FreeOSMemory()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		json.NewEncoder(w).Encode(memReport{Goroutines: runtime.NumGoroutine(), Heap: m.HeapInuse, Stack: m.StackInuse, Sys: m.Sys, Mallocs: m.Mallocs, Bytes: m.TotalAlloc, GCs: m.NumGC})
	})
	if err := loopbackOnly(ln.Addr().String()); err != nil {
		return err
	}
	fmt.Fprintf(out, "listening %s\n", ln.Addr())
	go http.Serve(ln, mux)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return srv.Close()
}

func benchKeys() (*nitro.KeyRing, error) {
	k, err := nitro.GenerateKey(1)
	if err != nil {
		return nil, err
	}
	return nitro.NewKeyRing(k)
}

// memReport is what /debug/mem tells of the server's memory.
type memReport struct {
	Goroutines  int
	Heap, Stack uint64 // in use, bytes
	Sys         uint64
	Mallocs     uint64 // allocations ever
	Bytes       uint64 // bytes allocated ever
	GCs         uint32
}
