package ws

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
)

// Config configures an Endpoint. Its zero value works.
type Config struct {
	// Origins lists the origins (scheme://host[:port]) allowed to open a
	// socket besides the page's own, which is the request's scheme (https
	// on TLS, or when a trusted proxy's X-Forwarded-Proto says so) and
	// Host. Schemes and hosts compare in any case, and a default port
	// (:80, :443) as none. "*" allows any: never in production.
	Origins []string
	// Hosts lists the names the server answers to, as "host" (any port),
	// "host:port", or "*.example.com" (its subdomains, not itself); "*"
	// allows any. A socket whose Host is not listed is refused, so that a
	// name an attacker controls, made by DNS to point at this server (DNS
	// rebinding), does not reach it. New panics on an entry that is not a
	// host (an origin, say).
	//
	// When Hosts is empty, a Host that is an IP address, "localhost" or a
	// name under ".localhost" is allowed, as no DNS answer chose where
	// these lead; any other name is allowed unless the connection arrived
	// on a loopback address. A server on the developer's machine is what
	// a rebinding page aims at, while a public one is reached by its
	// names: list them when a proxy on the same machine forwards to a
	// loopback address, and to close a server reachable on the network.
	Hosts []string
	// ReadLimit is the largest message accepted, in bytes; a larger one
	// closes the connection with 1009. Zero means 1 MiB.
	ReadLimit int64
	// ReadBudget bounds the bytes of messages over 4 KiB being read at
	// once over all sockets, counted at ReadLimit each: a reader waits
	// for room before it reads past a message's first 4 KiB, until the
	// loop has counted the message (nitro.Config.InboundBytes), so hostile
	// peers cannot make memory grow with their number. Such a message
	// must then arrive within ReadTimeout. Zero means 16 MiB: 16 messages
	// of the default ReadLimit, or 64 uploads' blocks, at once.
	ReadBudget int64
	// ReadTimeout closes a connection silent for that long. The browser
	// sends PING every 5 s. Zero means 60 s.
	ReadTimeout time.Duration
	// PingInterval is how often the server pings a connection. Zero means
	// 25 s.
	PingInterval time.Duration
	// WriteTimeout bounds one write to a browser. Zero means 10 s.
	WriteTimeout time.Duration
	// MaxPerIP caps the sockets open at once from one client address;
	// one more is refused with 429. Zero means no cap.
	MaxPerIP int
	// TrustedProxies are the addresses whose X-Forwarded-For header names
	// the client (for MaxPerIP) and whose X-Forwarded-Proto names the
	// scheme (for the page's own origin); anyone else's are ignored, as
	// anyone can write them. A proxy that ends TLS must be listed, or
	// its pages' https origin is refused.
	TrustedProxies []netip.Prefix
}

// Endpoint serves the pages of a nitro.Server over WebSockets. Make one
// with New; it is safe for concurrent use.
type Endpoint struct {
	srv      *nitro.Server
	log      *slog.Logger
	upgrader websocket.Upgrader
	origins  map[string]bool // by canonOrigin
	anyOrig  bool
	hosts    []hostPattern
	anyHost  bool

	readLimit                          int64
	readTimeout, pingEvery, writeLimit time.Duration
	large                              chan struct{} // slots of large reads (ReadBudget)

	maxPerIP int
	proxies  []netip.Prefix
	ipMu     sync.Mutex
	perIP    map[netip.Addr]int // open sockets by client address, with MaxPerIP
}

// New returns the WebSocket endpoint of srv.
func New(srv *nitro.Server, cfg Config) *Endpoint {
	e := &Endpoint{srv: srv, log: srv.Logger("ws"), origins: map[string]bool{},
		readLimit: cfg.ReadLimit, readTimeout: cfg.ReadTimeout, pingEvery: cfg.PingInterval, writeLimit: cfg.WriteTimeout,
		maxPerIP: cfg.MaxPerIP, proxies: cfg.TrustedProxies, perIP: map[netip.Addr]int{}}
	if e.readLimit <= 0 {
		e.readLimit = 1 << 20
	}
	budget := cfg.ReadBudget
	if budget <= 0 {
		budget = 16 << 20
	}
	e.large = make(chan struct{}, max(1, budget/e.readLimit))
	if e.readTimeout <= 0 {
		e.readTimeout = 60 * time.Second
	}
	if e.pingEvery <= 0 {
		e.pingEvery = 25 * time.Second
	}
	if e.writeLimit <= 0 {
		e.writeLimit = 10 * time.Second
	}
	for _, o := range cfg.Origins {
		if o == "*" {
			e.anyOrig = true
		}
		e.origins[canonOrigin(o)] = true
	}
	e.hosts, e.anyHost = parseHosts(cfg.Hosts)
	e.upgrader = websocket.Upgrader{
		// A small read buffer, and none for writing: gorilla writes only
		// the handshake, through the transport's writer.
		ReadBufferSize:  1024,
		WriteBufferPool: &sync.Pool{},
		// Serve has checked it, to say why it refuses; this is gorilla's
		// guard, should the order change.
		CheckOrigin: e.allowedOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	return e
}

// IsUpgrade reports whether r asks for a WebSocket.
func IsUpgrade(r *http.Request) bool { return websocket.IsWebSocketUpgrade(r) }

// Handler returns an http.Handler that serves page's socket: mount it at
// "/ws" + the page's path.
func (e *Endpoint) Handler(page nitro.Page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.Serve(w, r, page) })
}

// Serve upgrades r to a socket of page and returns once the connection
// runs. The page's path is r's path without its "/ws" prefix; the
// X-Auth-Token cookie, if valid, names its session.
func (e *Endpoint) Serve(w http.ResponseWriter, r *http.Request, page nitro.Page) {
	if e.srv.Closed() {
		http.Error(w, "nitro: server closed", http.StatusServiceUnavailable)
		return
	}
	if !e.AllowedHost(r) {
		e.log.Warn("ws: socket refused: host not allowed", "host", r.Host,
			"local", r.Context().Value(http.LocalAddrContextKey), "remote", r.RemoteAddr)
		http.Error(w, fmt.Sprintf("host %q not allowed: add it to ws.Config.Hosts", r.Host), http.StatusForbidden)
		return
	}
	if !e.allowedOrigin(r) {
		origin, own := r.Header.Get("Origin"), e.ownOrigin(r)
		e.log.Warn("ws: socket refused: origin not allowed", "origin", origin, "own", own, "remote", r.RemoteAddr)
		todo := "add it to ws.Config.Origins"
		if strings.TrimPrefix(canonOrigin(origin), "https://") == strings.TrimPrefix(own, "http://") {
			todo = "if a proxy ends TLS for this server, list it in ws.Config.TrustedProxies"
		}
		http.Error(w, fmt.Sprintf("origin %q is not this server's (%s): %s", origin, own, todo), http.StatusForbidden)
		return
	}
	ip, ok := e.admit(r)
	if !ok {
		e.log.Warn("ws: socket refused: too many from one address", "ip", ip, "max", e.maxPerIP)
		http.Error(w, "too many connections from your address: close a page and try again", http.StatusTooManyRequests)
		return
	}
	hj := &hijacker{ResponseWriter: w, e: e}
	ws, err := e.upgrader.Upgrade(hj, r, nil)
	if err != nil {
		e.leave(ip)
		return // the upgrader answered, or the socket is gone
	}
	path := strings.TrimPrefix(r.URL.Path, "/ws")
	if path == "" {
		path = "/"
	}
	var token string
	if ck, err := r.Cookie("X-Auth-Token"); err == nil {
		token = ck.Value
	}
	t := hj.t
	t.e, t.ws, t.header = e, ws, peerHeader(r.Header)
	if e.maxPerIP > 0 {
		t.ip = &ip
	}
	c, err := e.srv.Open(t, page, path, r.URL.RawQuery, token)
	if err != nil {
		ws.Close()
		e.leave(ip)
		return
	}
	t.c = c
	t.start()
	go t.readLoop()
}

// admit counts a socket of r's client against MaxPerIP, and says whether
// it may open.
func (e *Endpoint) admit(r *http.Request) (netip.Addr, bool) {
	if e.maxPerIP <= 0 {
		return netip.Addr{}, true
	}
	ip := e.clientIP(r)
	e.ipMu.Lock()
	defer e.ipMu.Unlock()
	if e.perIP[ip] >= e.maxPerIP {
		return ip, false
	}
	e.perIP[ip]++
	return ip, true
}

// leave uncounts a socket of ip.
func (e *Endpoint) leave(ip netip.Addr) {
	if e.maxPerIP <= 0 {
		return
	}
	e.ipMu.Lock()
	if e.perIP[ip]--; e.perIP[ip] <= 0 {
		delete(e.perIP, ip)
	}
	e.ipMu.Unlock()
}

// clientIP is r's peer, or, when the peer is a trusted proxy, the
// nearest address in X-Forwarded-For that is not one.
func (e *Endpoint) clientIP(r *http.Request) netip.Addr {
	ip := peerIP(r)
	if !ip.IsValid() || !e.trusted(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip // a hop we cannot read: stop at the last we trust
		}
		if ip = hop.Unmap(); !e.trusted(ip) {
			return ip
		}
	}
	return ip
}

// peerIP is the address r came from, the zero Addr if unknown.
func peerIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (e *Endpoint) trusted(ip netip.Addr) bool {
	for _, p := range e.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// hijacker hands gorilla the connection wrapped in the transport's
// writer, so that what gorilla writes itself (the handshake, the close
// frame of a protocol error) goes through the one writer too.
type hijacker struct {
	http.ResponseWriter
	e *Endpoint
	t *conn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.t = &conn{}
	h.t.w.init(nc, h.e.writeLimit)
	return &h.t.w, brw, nil
}
