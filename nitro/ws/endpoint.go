package ws

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
)

// Config configures an Endpoint. Its zero value works.
type Config struct {
	// Origins lists the origins (scheme://host[:port]) allowed to open a
	// socket besides the page's own. "*" allows any: never in production.
	Origins []string
	// ReadLimit is the largest message accepted, in bytes; a larger one
	// closes the connection with 1009. Zero means 1 MiB.
	ReadLimit int64
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
	// the client (for MaxPerIP); anyone else's is ignored, as anyone can
	// write one.
	TrustedProxies []netip.Prefix
}

// Endpoint serves the pages of a nitro.Server over WebSockets. Make one
// with New; it is safe for concurrent use.
type Endpoint struct {
	srv      *nitro.Server
	log      *slog.Logger
	upgrader websocket.Upgrader
	origins  map[string]bool
	anyOrig  bool

	readLimit                          int64
	readTimeout, pingEvery, writeLimit time.Duration

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
		e.origins[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	e.upgrader = websocket.Upgrader{
		// A small read buffer, and none for writing: gorilla writes only
		// the handshake, through the transport's writer.
		ReadBufferSize:  1024,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     e.checkOrigin,
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
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	ip := ap.Addr().Unmap()
	if !e.trusted(ip) {
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

// checkOrigin allows the page's own origin and the configured ones. A
// request without Origin is not from a browser, and is allowed.
func (e *Endpoint) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || e.anyOrig {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) || e.origins[strings.ToLower(origin)] {
		return true
	}
	e.log.Warn("ws: socket refused: origin not allowed", "origin", origin, "host", r.Host)
	return false
}
