// Command chat is Nitro's showcase, after N2O's sample: a login page and
// chat rooms, with history kept on disk, file uploads and who is in the
// room, all in one process with nothing else to start.
//
//	go run ./samples/chat                 # http://localhost:8000
//	go run ./samples/chat -addr :9000 -data /var/lib/chat
//
// ADDR, when set, overrides -addr (nitro-dev passes it). Everything the
// app keeps is under -data: the history (chat.db, a bbolt file, and its
// journal, chat.db.journal0 and chat.db.journal1), the sessions' values
// (in chat.db too, so a restart logs no one out), the uploads (uploads/)
// and the development keys (keys), which seal the session tokens.
//
// /healthz answers 200 while the process is up, and /readyz 200 while it
// is not shutting down and its store and bus answer (503 otherwise,
// naming which did not), for a load balancer's probes. With -metrics 127.0.0.1:9100 the chat serves
// Prometheus metrics at /metrics on that address, a loopback one only: a
// scraper on another machine goes through a proxy or a tunnel.
//
// With -tcp localhost:7001 the rooms are served over lines too (nitro/tcp,
// on the same server as the browsers), for a person at netcat:
//
//	nc localhost 7001        # NAME ann, JOIN lobby, SAY hello, LEAVE
//
// What the line client says is posted in the room as ann's message, kept
// in the history and shown on the browsers' pages; what the browsers post
// arrives as lines "user: text". Anyone may NAME themselves, as on the
// login page, so give it a loopback address unless that is what you want.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"net/netip"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8000", "address to listen on (ADDR overrides it)")
	data := flag.String("data", "./data", "directory of the history and sessions, the uploads and the dev keys")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file, until shutdown")
	memprofile := flag.String("memprofile", "", "write a profile of the allocations to this file at shutdown")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address (loopback only), for live profiles")
	metricsAddr := flag.String("metrics", "", "serve Prometheus metrics at /metrics on this address (loopback only), such as 127.0.0.1:9100")
	rate := flag.Float64("rate", defaults.rate, "messages a session may post per second, sustained (0: no limit, for load tests)")
	perIP := flag.Int("per-ip", defaults.perIP, "sockets open at once from one address (0: no cap, for load tests)")
	hosts := flag.String("hosts", "", "comma-separated host names the server answers to, behind a name (default: any name on a public address; on loopback only localhost and IPs)")
	tcpAddr := flag.String("tcp", "", "serve the rooms over lines (NAME, JOIN, SAY, LEAVE) on this address, such as localhost:7001")
	proxies := flag.String("proxies", "", "comma-separated addresses (CIDR) of proxies whose X-Forwarded-For and -Proto count")
	flag.Parse()
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr); err != nil {
			slog.Error("chat", "err", err)
			os.Exit(1)
		}
	}
	if *memprofile != "" {
		defer writeHeapProfile(*memprofile)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			slog.Error("chat", "err", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if a := os.Getenv("ADDR"); a != "" {
		*addr = a
	}
	lim := limits{rate: *rate, perIP: *perIP, hosts: list(*hosts)}
	for _, p := range list(*proxies) {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			slog.Error("chat: -proxies wants addresses such as 10.0.0.0/8 or 127.0.0.1/32", "err", err)
			os.Exit(2)
		}
		lim.proxies = append(lim.proxies, pfx)
	}
	if err := run(*addr, *data, lim, *metricsAddr, *tcpAddr); err != nil {
		slog.Error("chat", "err", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// servePprof serves the runtime's profiles on addr, a loopback address:
// they show the program's insides, so never on a public one.
func servePprof(addr string) error {
	if err := loopbackOnly("-pprof", addr); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-pprof: %w", err)
	}
	go http.Serve(ln, mux)
	return nil
}

// writeHeapProfile writes the allocation profile (go tool pprof
// -sample_index=alloc_space) to path.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	if err != nil {
		slog.Error("chat: writing the allocation profile", "err", err)
	}
}

// httpServer is the sample's HTTP server, with timeouts, so that a client
// that sends nothing, or sends slowly, or keeps a connection idle, cannot
// hold one for ever. They bound a request, not a page's socket: once it
// is upgraded, the socket has deadlines of its own (nitro/ws).
func httpServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h,
		ReadHeaderTimeout: 10 * time.Second, // the request line and headers
		ReadTimeout:       30 * time.Second, // the whole request (a socket, once upgraded, has its own deadlines)
		IdleTimeout:       2 * time.Minute,  // a keep-alive connection between requests
	}
}

// run serves the chat on addr, its metrics on metricsAddr and its rooms
// over lines on tcpAddr, each unless it is empty.
func run(addr, data string, lim limits, metricsAddr, tcpAddr string) error {
	app, err := newApp(data, lim)
	if err != nil {
		return err
	}
	defer app.Close()
	if metricsAddr != "" {
		ms, err := serveMetrics(metricsAddr, app)
		if err != nil {
			return err
		}
		defer ms.Close()
	}
	hs := httpServer(addr, app.Handler)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go app.Server.Run(ctx) // the server's clock and sweepers, until shutdown
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("chat: listening on %s (is another program using it? give another with -addr): %w", addr, err)
	}
	errc := make(chan error, 2)
	if tcpAddr != "" {
		tln, err := net.Listen("tcp", tcpAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("chat: listening on %s (give another with -tcp): %w", tcpAddr, err)
		}
		go func() { errc <- app.ServeLines(tln) }() // nil once Close stops it
		slog.Info("chat: serving the rooms over lines", "addr", tcpAddr)
	}
	go func() { errc <- hs.Serve(ln) }()
	slog.Info("chat: serving", "url", "http://"+addr+"/", "data", data) // once the port is bound
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("chat: shutting down")
	app.Server.Close() // close the sockets: pages reconnect to the next server
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// list splits a comma-separated flag, dropping empty items.
func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
