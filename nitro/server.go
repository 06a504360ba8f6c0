package nitro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Config configures a Server. Its zero value works, with one exception
// that is deliberate: it names no pickle keys, and nitro ships none, so a
// server needs Keys, or Dev for keys kept in a local file.
type Config struct {
	// Keys seal pickles and session tokens. Nodes that share keys accept
	// each other's pickles. Required unless Dev is set.
	Keys *KeyRing
	// Dev is for development: without Keys, keys are read from KeyFile,
	// or generated into it on first use, so a restart keeps open pages
	// working.
	Dev bool
	// KeyFile is where Dev keeps its keys. Empty means ".nitro/keys".
	KeyFile string

	// Protocols is the protocol chain, in order. Nil means
	// DefaultProtocols(): Heart, Nitro, then the upload protocol.
	Protocols []Protocol
	// Sessions stores session values. Nil means a MemoryStore (900 s TTL).
	Sessions Store
	// Bus carries publications between connections. Nil means a MemoryBus:
	// one process. Several nodes share a distributed Bus.
	Bus Bus
	// Upload configures file uploads (the ftp protocol).
	Upload UploadConfig

	// Origins lists the origins (scheme://host[:port]) allowed to open a
	// socket besides the page's own. "*" allows any: never in production.
	Origins []string
	// ReadLimit is the largest frame accepted, in bytes; a larger one
	// closes the connection with 1009. Zero means 1 MiB.
	ReadLimit int64
	// SendQueue is how many replies and deliveries may wait for a slow
	// browser; past that the connection is closed as too far behind (at
	// once, without a close frame, which could not get past what the
	// browser has not read), and its page reconnects. Zero means 256.
	SendQueue int
	// ReadTimeout closes a connection silent for that long. The browser
	// sends PING every 5 s. Zero means 60 s.
	ReadTimeout time.Duration
	// PingInterval is how often the server pings a quiet connection. Zero
	// means 25 s.
	PingInterval time.Duration
	// WriteTimeout bounds one write to a browser. Zero means 10 s.
	WriteTimeout time.Duration
	// TokenTTL is how long a session token lives unused. Zero means 24 h.
	TokenTTL time.Duration
	// PickleTTL is how long a postback stays valid after its page was
	// rendered. A reconnect renders fresh ones. Zero means 24 h.
	PickleTTL time.Duration

	// Now returns the current time, for pickle and token expiry. Nil means
	// time.Now; tests move it.
	Now func() time.Time

	// Logger receives the server's logs. Nil means slog.Default().
	// Logging, when set, takes precedence and sets levels per component.
	Logger  *slog.Logger
	Logging *Logging
}

// Server serves live pages: it holds what connections share (keys,
// sessions, the bus, global processes) and upgrades requests to
// connections. Create it with New.
type Server struct {
	cfg      Config
	chain    Chain
	keys     *KeyRing
	tokens   *Tokens
	sessions Store
	bus      Bus
	procs    *Supervisor
	log      *slog.Logger
	upgrader websocket.Upgrader
	origins  map[string]bool
	anyOrig  bool
	uploads  *uploads
	workers  *workers

	// Cache is a TTL cache shared by the server's pages (N2O's n2o:cache).
	Cache *Cache[string, any]

	ctx    context.Context
	cancel context.CancelFunc
	connMu sync.Mutex
	conns  map[*conn]struct{}
	stats  counters
	clock  atomic.Int64 // unix nanoseconds, moved every clockTick
}

type counters struct {
	conns, opened, messages, badFrames, badPickles, panics, slow atomic.Int64
	broadcastIDs                                                 atomic.Uint64
}

// Stats counts what a server has done.
type Stats struct {
	Connections int64 // open now
	Opened      int64 // ever opened
	Messages    int64 // frames and deliveries run through the chain
	BadFrames   int64 // binary frames that were not BERT
	BadPickles  int64 // postbacks refused: forged, expired, another session's
	Panics      int64 // handler panics recovered
	SlowClosed  int64 // connections closed as too far behind
}

// New returns a Server for cfg. It fails when no pickle keys are given
// (and Dev is off), or when Dev's key file cannot be read or written.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, keys: cfg.Keys, sessions: cfg.Sessions, bus: cfg.Bus, conns: map[*conn]struct{}{}}
	switch {
	case cfg.Logging != nil:
		s.log = cfg.Logging.Logger("nitro")
	case cfg.Logger != nil:
		s.log = cfg.Logger
	default:
		s.log = slog.Default()
	}
	if s.keys == nil {
		if !cfg.Dev {
			return nil, fmt.Errorf("%w: set Config.Keys (see ParseKeys), or Config.Dev for development", ErrNoKeys)
		}
		file := cfg.KeyFile
		if file == "" {
			file = ".nitro/keys"
		}
		ring, err := LoadOrCreateKeyFile(file)
		if err != nil {
			return nil, err
		}
		s.keys = ring
	}
	s.tokens = &Tokens{Keys: s.keys, TTL: cfg.TokenTTL, Now: cfg.Now}
	if s.sessions == nil {
		s.sessions = &MemoryStore{}
	}
	if s.bus == nil {
		s.bus = &MemoryBus{Logger: s.logger("pubsub")}
	}
	s.procs = &Supervisor{Logger: s.logger("async")}
	s.Cache = &Cache[string, any]{}
	s.chain = cfg.Protocols
	if s.chain == nil {
		s.chain = DefaultProtocols()
	}
	s.uploads = newUploads(cfg.Upload, s.logger("ftp"))
	s.workers = newWorkers()
	s.origins = map[string]bool{}
	for _, o := range cfg.Origins {
		if o == "*" {
			s.anyOrig = true
		}
		s.origins[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	s.upgrader = websocket.Upgrader{
		// A small read buffer and pooled write buffers: an idle
		// connection then holds neither (see the package doc, Memory).
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	s.clock.Store(time.Now().UnixNano())
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if ms, ok := s.sessions.(*MemoryStore); ok {
		go ms.Run(s.ctx, time.Minute)
	}
	go every(s.ctx.Done(), time.Minute, func() { s.Cache.Sweep() })
	go s.workers.sweep(s.ctx.Done())
	go func() {
		s.uploads.sweep(time.Now())
		every(s.ctx.Done(), time.Hour, func() { s.uploads.sweep(time.Now()) })
	}()
	go every(s.ctx.Done(), clockTick, func() { s.clock.Store(time.Now().UnixNano()) })
	return s, nil
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Unix(0, s.clock.Load())
}

// coarseNow is the real time to within clockTick, whatever Config.Now says.
func (s *Server) coarseNow() time.Time { return time.Unix(0, s.clock.Load()) }

// clockTick is the resolution of the server's coarse clock: deadlines of
// seconds and expiries in whole seconds need no more, and reading an
// atomic is cheaper than asking the OS on every message.
const clockTick = 50 * time.Millisecond

// DefaultProtocols returns the shipped chain: Heart, Nitro, FTP.
func DefaultProtocols() []Protocol { return []Protocol{Heart, Nitro, FTP} }

func (s *Server) logger(component string) *slog.Logger {
	if s.cfg.Logging != nil {
		return s.cfg.Logging.Logger(component)
	}
	return s.log.With("component", component)
}

// every calls fn each period until stop closes: the server's sweepers and
// its clock.
func every(stop <-chan struct{}, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fn()
		}
	}
}

// checkOrigin allows the page's own origin and the configured ones. A
// request without Origin is not from a browser, and is allowed.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || s.anyOrig {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if s.origins[strings.ToLower(origin)] {
		return true
	}
	s.log.Warn("nitro: socket refused: origin not allowed", "origin", origin, "host", r.Host)
	return false
}

// Handler returns an http.Handler that serves page's socket: mount it at
// "/ws" + the page's path.
func (s *Server) Handler(page Page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.ServeWS(w, r, page) })
}

// ServeWS upgrades r to page's socket and serves it until it closes. The
// page's path is r's path without its "/ws" prefix. It returns once the
// connection runs: the connection lives on in goroutines of its own.
func (s *Server) ServeWS(w http.ResponseWriter, r *http.Request, page Page) {
	if s.ctx.Err() != nil {
		http.Error(w, "nitro: server closed", http.StatusServiceUnavailable)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	path := strings.TrimPrefix(r.URL.Path, "/ws")
	if path == "" {
		path = "/"
	}
	c := newConn(s, ws, page, path, r.URL.RawQuery)
	if ck, err := r.Cookie("X-Auth-Token"); err == nil && ck.Value != "" {
		if sid, _, err := s.tokens.Verify(ck.Value); err == nil {
			c.cx.sid, c.cx.token = sid, ck.Value
		}
	}
	if !s.track(c) {
		ws.Close()
		return
	}
	go c.readLoop()
}

func (s *Server) track(c *conn) bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.ctx.Err() != nil {
		return false
	}
	s.conns[c] = struct{}{}
	s.stats.conns.Add(1)
	s.stats.opened.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.connMu.Lock()
	delete(s.conns, c)
	s.connMu.Unlock()
	s.stats.conns.Add(-1)
}

// Publish sends msg to every connection subscribed to topic.
func (s *Server) Publish(topic string, msg any) error {
	t, err := toTerm(msg)
	if err != nil {
		return err
	}
	return s.bus.Publish(topic, t)
}

// Processes returns the server's supervisor of global processes.
func (s *Server) Processes() *Supervisor { return s.procs }

// Sessions returns the session store.
func (s *Server) Sessions() Store { return s.sessions }

// Authenticate returns the session of a token, and the token in force: the
// same token while it is valid, a new session's token otherwise. First
// paints over HTTP use it as init does.
func (s *Server) Authenticate(token string) (sid, tokenInForce string, fresh bool) {
	return s.tokens.Authenticate(token)
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	return Stats{
		Connections: s.stats.conns.Load(),
		Opened:      s.stats.opened.Load(),
		Messages:    s.stats.messages.Load(),
		BadFrames:   s.stats.badFrames.Load(),
		BadPickles:  s.stats.badPickles.Load(),
		Panics:      s.stats.panics.Load(),
		SlowClosed:  s.stats.slow.Load(),
	}
}

// Close closes every connection (1001, going away), so their pages
// reconnect to another node or to the server's successor, and stops the
// server's processes and sweepers.
func (s *Server) Close() error {
	s.connMu.Lock()
	s.cancel()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.connMu.Unlock()
	for _, c := range conns {
		c.shut(websocket.CloseGoingAway, "server closing")
	}
	s.procs.StopAll()
	return nil
}

// ErrClosed reports a server or connection that closed.
var ErrClosed = errors.New("nitro: closed")
